import ArgumentParser
import ControlAPI
import Foundation

/// `sipwardenctl subscriber export [--output FILE]`: every subscriber in the import format.
struct SubscriberExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write every subscriber in the format 'subscriber import' reads, with HA1 digests instead of passwords.",
        discussion: """
            Passwords are never stored, so the file carries what is: a header line \
            'user;password;domain;account;display_name;auth_mode;realm;ha1_md5;ha1_sha256' and \
            one line per subscriber with an empty password and its MD5 and SHA-256 HA1 digests \
            for its realm. 'subscriber import FILE' reads it back to the same accounts (same \
            password, same auth mode, account and display name); allowed ranges are not part of \
            it ('allow list --json' has them). The digests let anyone who reads the file answer \
            digest challenges in that realm: keep the file as secret as the passwords.

            Examples:
              sipwardenctl subscriber export --output backup.csv
              sipwardenctl subscriber export > backup.csv && sipwardenctl --socket /other/control.sock subscriber import backup.csv
            """
    )

    /// The header line of an export, the columns in the order written.
    static let header = "user;password;domain;account;display_name;auth_mode;realm;ha1_md5;ha1_sha256"

    @OptionGroup var global: GlobalOptions

    @Option(name: [.short, .customLong("output")], help: ArgumentHelp("Write to this file (mode 0600) instead of standard output.", valueName: "file"))
    var output: String?

    func run() async throws {
        let export = try await global.client().exportSubscribers()
        let text = try Self.render(export.entries)
        let data = Data(text.utf8)
        guard let output else {
            FileHandle.standardOutput.write(data)
            return
        }
        do {
            try data.write(to: URL(fileURLWithPath: output), options: .atomic)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: output)
        } catch {
            throw CLIFailure.failed("cannot write \(output): \(error.localizedDescription)")
        }
        Console.line("Exported \(export.entries.count) subscriber\(export.entries.count == 1 ? "" : "s") to \(output).")
    }

    /// The file: comment lines, the header, one line per entry.
    ///
    /// - Throws: `CLIFailure` when a field holds a ";" (the format's separator cannot be escaped).
    static func render(_ entries: [SubscriberImportEntry]) throws -> String {
        var text = "# SIPWarden subscribers: passwords are not stored; each line carries its HA1 digests for its realm.\n"
        text += "# Read back with 'sipwardenctl subscriber import FILE'. Keep this file secret.\n"
        text += header + "\n"
        for entry in entries {
            let fields = [
                entry.username, "", entry.domain ?? "", entry.account ?? "", entry.displayName ?? "", entry.authMode ?? "",
                entry.realm ?? "", entry.ha1MD5 ?? "", entry.ha1SHA256 ?? "",
            ]
            if let bad = fields.first(where: { $0.contains(";") }) {
                throw CLIFailure.failed(
                    "subscriber \(entry.username)\(entry.domain.map { "@\($0)" } ?? ""): the field '\(bad)' holds a ';', which the import format cannot carry; change it with 'sipwardenctl subscriber set' and export again")
            }
            text += fields.joined(separator: ";") + "\n"
        }
        return text
    }
}
