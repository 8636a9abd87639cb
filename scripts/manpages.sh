#!/usr/bin/env bash
# Man pages from the programs' own --help (help2man): sipwarden.8 and sipwardenctl.8, the
# latter with a COMMANDS section holding every subcommand's --help, so the page says no more
# and no less than the CLI. Usage: manpages.sh PROGRAM_DIR VERSION OUT_DIR
set -euo pipefail
programs=${1:?program directory} version=${2:?version} out=${3:?output directory}
export COLUMNS=200   # argument-parser wraps at the terminal width; the man reader wraps again

# The subcommand names listed under SUBCOMMANDS: in a --help text.
subcommands() { awk '/^SUBCOMMANDS:/ {inside = 1; next} inside && /^  [a-z]/ {print $1} inside && /^$/ {inside = 0}'; }

# Help text as literal roff: backslashes escaped, lines starting with . or ' protected.
roff() { sed -e 's/\\/\\e/g' -e "s/^\([.']\)/\\\\\&\1/"; }

commands() { # commands WORDS...: this command's section, then its subcommands'
  local help; help=$("$programs/sipwardenctl" "${@:2}" --help)
  if [[ $# -gt 1 ]]; then
    printf '.SS "%s"\n.nf\n' "$*"
    printf '%s\n' "$help" | roff
    printf '.fi\n'
  fi
  local sub
  for sub in $(printf '%s\n' "$help" | subcommands); do
    [[ $sub == help ]] || commands "$@" "$sub"
  done
}

{ echo "[COMMANDS]"; commands sipwardenctl; } > "$out/sipwardenctl.h2m"
cat >> "$out/sipwardenctl.h2m" <<'H2M'
[SEE ALSO]
.BR sipwarden (8).
The control API's JSON shapes: docs/cli.md in the SIPWarden sources.
H2M
cat > "$out/sipwarden.h2m" <<'H2M'
[FILES]
.TP
.I /etc/sipwarden/sipwarden.yaml
configuration (every key: sipwarden.example.yaml next to it)
.TP
.I /etc/sipwarden/policies/
one policy file per plugin
.TP
.I /var/lib/sipwarden/
database (subscribers, bindings, bans) under the systemd unit
.TP
.I /var/log/sipwarden/security.log
security events, one JSON object per line
[SEE ALSO]
.BR sipwardenctl (8),
.BR systemctl (1),
.BR fail2ban-client (1).
H2M

help2man --no-info --section=8 --version-string="$version" --include="$out/sipwarden.h2m" \
  --name="SIP registrar with a built-in security agent" "$programs/sipwarden" > "$out/sipwarden.8"
help2man --no-info --section=8 --version-string="$version" --include="$out/sipwardenctl.h2m" \
  --name="operate a running SIPWarden: subscribers, registrations, bans, plugins" "$programs/sipwardenctl" > "$out/sipwardenctl.8"
