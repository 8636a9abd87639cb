#!/usr/bin/env bash
# `make install` / `make uninstall`: puts a built SIPWarden on a host, and takes exactly that
# away again. Called by the Makefile with its variables in the environment:
#   BIN_DIR (the swift build output), DESTDIR, PREFIX, BINDIR, PKGLIBDIR, SYSCONFDIR, UNITDIR,
#   SYSUSERSDIR, MANDIR, DATADIR, BASHCOMPDIR, ZSHCOMPDIR, FISHCOMPDIR, VERSION, STRIP (empty:
#   keep debug sections).
#
# Layout (PREFIX=/usr/local):
#   PKGLIBDIR  /usr/local/lib/sipwarden   sipwarden, sipwardenctl, the plugin libraries
#              (libsipwarden-*.so, libSIPWardenPolicy.so) and the Swift runtime libraries they
#              need, found with ldd; every ELF file's RUNPATH is set to $ORIGIN, so the host
#              needs no Swift toolchain and the daemon finds its plugins next to itself. Debug
#              sections are stripped (symbols stay, so crash backtraces keep their names).
#   BINDIR     /usr/local/bin/{sipwarden,sipwardenctl} -> ../lib/sipwarden/...
#   /etc/sipwarden/sipwarden.yaml (only when missing), sipwarden.example.yaml, policies/*.yaml
#              and devices.yaml (each only when missing); /etc/fail2ban/{filter.d,action.d,jail.d}/sipwarden.conf
#              (the jail is disabled); /etc/logrotate.d/sipwarden
#   UNITDIR    sipwarden.service (ExecStart follows BINDIR); SYSUSERSDIR sipwarden.conf
#   MANDIR     man8/sipwarden.8, man8/sipwardenctl.8 (help2man, from each program's --help)
#   DATADIR    sipwarden/install-manifest; completions in bash-completion/completions,
#              zsh/site-functions, fish/vendor_completions.d (where /usr/local shells look)
#
# The manifest lists what install created: `f SHA256 PATH` (a file), `c SHA256 PATH` (a
# configuration file: uninstall removes it only while unchanged), `l TARGET PATH` (a symlink),
# `d PATH` (a directory that did not exist: removed when empty). Paths are without DESTDIR.
# Installing again (an upgrade) keeps the earlier entries, so uninstall still finds them.
set -euo pipefail

action=${1:?usage: install.sh install|uninstall}
: "${DESTDIR:=}" "${PREFIX:=/usr/local}" "${BINDIR:=$PREFIX/bin}" "${PKGLIBDIR:=$PREFIX/lib/sipwarden}"
: "${SYSCONFDIR:=/etc}" "${UNITDIR:=$PREFIX/lib/systemd/system}" "${SYSUSERSDIR:=$PREFIX/lib/sysusers.d}"
: "${MANDIR:=$PREFIX/share/man}" "${DATADIR:=$PREFIX/share}" "${BASHCOMPDIR:=$DATADIR/bash-completion/completions}"
: "${ZSHCOMPDIR:=$DATADIR/zsh/site-functions}" "${FISHCOMPDIR:=$DATADIR/fish/vendor_completions.d}" "${VERSION:=0.0.0}" "${STRIP=strip --strip-debug}"
root=$(cd "$(dirname "$0")/.." && pwd)
manifest="$DATADIR/sipwarden/install-manifest"
declare -A entries=()    # path -> manifest line
order=()                 # paths in the order they were installed

record() { # record KIND VALUE PATH
  [[ -n ${entries[$3]+set} ]] || order+=("$3")
  entries[$3]="$1 $2 $3"
}

directory() { # creates PATH (and parents) under DESTDIR, recording the ones it made
  local path=$1 missing=()
  while [[ -n $path && $path != / && ! -d "$DESTDIR$path" ]]; do missing=("$path" "${missing[@]}"); path=$(dirname "$path"); done
  for path in "${missing[@]}"; do mkdir -p "$DESTDIR$path"; record d - "$path"; done
}

put() { # put MODE SOURCE PATH [config]: installs a file; a config file only when missing
  local mode=$1 source=$2 path=$3 kind=${4:-file}
  directory "$(dirname "$path")"
  if [[ $kind == config && -e "$DESTDIR$path" ]]; then
    echo "  kept     $path (exists)"
    return
  fi
  install -m "$mode" "$source" "$DESTDIR$path"
  local sum; sum=$(sha256sum "$DESTDIR$path" | cut -d' ' -f1)
  record "$([[ $kind == config ]] && echo c || echo f)" "$sum" "$path"
  echo "  install  $path"
}

link() { # link TARGET PATH
  directory "$(dirname "$2")"
  ln -sfn "$1" "$DESTDIR$2"
  record l "$1" "$2"
  echo "  link     $2 -> $1"
}

# Swift and other non-system libraries an ELF file needs: what ldd resolves inside a Swift
# library directory (wherever the toolchain lives) or outside the system library directories
# (those are Debian packages: libc6, libstdc++6, libsqlite3-0).
private_libraries() {
  ldd "$@" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// {print $3}' \
    | awk '/\/lib\/swift\// || !/^\/(usr\/)?lib(64|32)?\//' | sort -u
}

install_files() {
  work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
  [[ -x "$BIN_DIR/sipwarden" && -x "$BIN_DIR/sipwardenctl" ]] || { echo "no sipwarden build in $BIN_DIR; run 'make release' (or give CONFIG=debug)" >&2; exit 1; }
  command -v patchelf >/dev/null || { echo "patchelf is needed (Debian: apt-get install patchelf; 'make install' installs it)" >&2; exit 1; }
  command -v help2man >/dev/null || { echo "help2man is needed (Debian: apt-get install help2man)" >&2; exit 1; }
  if [[ -f "$DESTDIR$manifest" ]]; then   # an upgrade: keep what the earlier install recorded
    while read -r kind value path; do record "$kind" "$value" "$path"; done < "$DESTDIR$manifest"
  fi

  # Programs, plugins and the libraries they load, all in one directory with RUNPATH $ORIGIN.
  local elves=("$BIN_DIR/sipwarden" "$BIN_DIR/sipwardenctl" "$BIN_DIR"/libsipwarden-*.so "$BIN_DIR/libSIPWardenPolicy.so")
  mkdir -p "$work/lib"
  local file
  for file in "${elves[@]}" $(private_libraries "${elves[@]}"); do
    cp -L "$file" "$work/lib/$(basename "$file")"
    chmod u+w "$work/lib/$(basename "$file")"
    if [[ -n $STRIP ]]; then $STRIP "$work/lib/$(basename "$file")"; fi
    patchelf --set-rpath '$ORIGIN' "$work/lib/$(basename "$file")"
  done
  for file in "$work"/lib/*; do
    case $(basename "$file") in sipwarden|sipwardenctl) put 755 "$file" "$PKGLIBDIR/$(basename "$file")" ;;
                                *) put 644 "$file" "$PKGLIBDIR/$(basename "$file")" ;; esac
  done
  local relative; relative=$(realpath -m --relative-to="$BINDIR" "$PKGLIBDIR")
  link "$relative/sipwarden" "$BINDIR/sipwarden"
  link "$relative/sipwardenctl" "$BINDIR/sipwardenctl"
  if ldd "$DESTDIR$PKGLIBDIR/sipwarden" "$DESTDIR$PKGLIBDIR/sipwardenctl" | grep -q "not found"; then
    ldd "$DESTDIR$PKGLIBDIR/sipwarden" >&2; echo "installed programs miss libraries (above)" >&2; exit 1
  fi

  # Configuration: the host file and the policies only when missing (an upgrade keeps edits).
  put 640 "$root/systemd/sipwarden.yaml" "$SYSCONFDIR/sipwarden/sipwarden.yaml" config
  put 644 "$root/rules/sipwarden.example.yaml" "$SYSCONFDIR/sipwarden/sipwarden.example.yaml"
  for file in "$root"/rules/policies/*.yaml; do put 644 "$file" "$SYSCONFDIR/sipwarden/policies/$(basename "$file")" config; done
  put 644 "$root/rules/devices.yaml" "$SYSCONFDIR/sipwarden/devices.yaml" config   # User-Agent rules of `analysis devices`
  local sub
  for sub in filter.d action.d jail.d; do put 644 "$root/rules/fail2ban/$sub/sipwarden.conf" "$SYSCONFDIR/fail2ban/$sub/sipwarden.conf"; done
  put 644 "$root/rules/logrotate/sipwarden" "$SYSCONFDIR/logrotate.d/sipwarden"

  # systemd: the unit starts the installed program.
  sed "s#/usr/local/bin/sipwarden#$BINDIR/sipwarden#" "$root/systemd/sipwarden.service" > "$work/sipwarden.service"
  put 644 "$work/sipwarden.service" "$UNITDIR/sipwarden.service"
  put 644 "$root/systemd/sipwarden.sysusers" "$SYSUSERSDIR/sipwarden.conf"

  # Completions and man pages, made by the installed programs themselves.
  local program="$DESTDIR$PKGLIBDIR"
  for file in sipwarden sipwardenctl; do
    "$program/$file" --generate-completion-script bash > "$work/$file.bash"
    "$program/$file" --generate-completion-script zsh > "$work/_$file"
    "$program/$file" --generate-completion-script fish > "$work/$file.fish"
    put 644 "$work/$file.bash" "$BASHCOMPDIR/$file"
    put 644 "$work/_$file" "$ZSHCOMPDIR/_$file"
    put 644 "$work/$file.fish" "$FISHCOMPDIR/$file.fish"
  done
  bash "$root/scripts/manpages.sh" "$program" "$VERSION" "$work"
  put 644 "$work/sipwarden.8" "$MANDIR/man8/sipwarden.8"
  put 644 "$work/sipwardenctl.8" "$MANDIR/man8/sipwardenctl.8"

  directory "$(dirname "$manifest")"
  local path
  for path in "${order[@]}"; do echo "${entries[$path]}"; done > "$DESTDIR$manifest"
  echo "Installed; manifest: $DESTDIR$manifest"
  if [[ -z $DESTDIR ]]; then
    cat <<NEXT
Next (see README.md, "Production host"):
  systemd-sysusers $SYSUSERSDIR/sipwarden.conf && systemctl daemon-reload
  systemctl enable --now sipwarden
NEXT
  fi
}

uninstall_files() {
  [[ -f "$DESTDIR$manifest" ]] || { echo "nothing to uninstall: no $DESTDIR$manifest" >&2; exit 1; }
  local kind value path dirs=()
  while read -r kind value path; do
    case $kind in
      f|l) if [[ -e "$DESTDIR$path" || -L "$DESTDIR$path" ]]; then rm -f "$DESTDIR$path"; echo "  remove   $path"; fi ;;
      c) if [[ -f "$DESTDIR$path" ]]; then
           if [[ $(sha256sum "$DESTDIR$path" | cut -d' ' -f1) == "$value" ]]; then rm -f "$DESTDIR$path"; echo "  remove   $path"
           else echo "  kept     $path (changed since install)"; fi
         fi ;;
      d) dirs+=("$path") ;;
      *) echo "install-manifest: unknown entry '$kind $value $path'" >&2; exit 1 ;;
    esac
  done < "$DESTDIR$manifest"
  rm -f "$DESTDIR$manifest"
  # Deepest first; a directory holding anything install did not put there stays.
  local sorted
  sorted=$(printf '%s\n' "${dirs[@]}" | awk '{print length, $0}' | sort -rn | cut -d' ' -f2-)
  while IFS= read -r path; do
    if [[ -n $path ]] && rmdir "$DESTDIR$path" 2>/dev/null; then echo "  rmdir    $path"; fi
  done <<< "$sorted"
  echo "Uninstalled."
}

case $action in
  install) install_files ;;
  uninstall) uninstall_files ;;
  *) echo "usage: install.sh install|uninstall" >&2; exit 2 ;;
esac
