import ArgumentParser

/// `sipwardenctl trunk add|list|show|enable|disable|refresh|remove`: outbound registrations.
struct TrunkCommandGroup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trunk",
        abstract: "Register SIPWarden to upstream carriers (trunks) and watch those registrations.",
        discussion: """
            A trunk is an outbound registration: SIPWarden REGISTERs to a carrier's registrar \
            with digest credentials and refreshes before the granted expiry, so the carrier keeps \
            sending calls. Trunks come from the configuration file's 'trunks:' list (origin \
            config) or from 'trunk add' (origin operator, kept in the database; the password is \
            stored for digest and never printed). A trunk's registrar and outbound proxy \
            addresses are trusted (never banned) while it exists. See docs/trunks.md.

            Examples:
              printf '%s\\n' "$PW" | sipwardenctl trunk add carrier1 --registrar sip:sip.carrier.example --user 4420 --password-stdin
              sipwardenctl trunk list
              sipwardenctl trunk show carrier1 --json
              sipwardenctl trunk refresh carrier1
              sipwardenctl trunk disable carrier1
              sipwardenctl trunk remove carrier1
            """,
        subcommands: [
            TrunkAddCommand.self, TrunkListCommand.self, TrunkShowCommand.self, TrunkEnableCommand.self, TrunkDisableCommand.self,
            TrunkRefreshCommand.self, TrunkRemoveCommand.self,
        ]
    )
}
