import ArgumentParser
import ControlAPI

/// `sipwardenctl console user list [--json|--csv]`.
struct ConsoleUserListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List web console accounts.",
        discussion: """
            --json prints an array of objects with the keys name, role and created_at; --csv \
            the same columns with a header row.

            Examples:
              sipwardenctl console user list
              sipwardenctl console user list --json
            """)

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Print a JSON array instead of a table.")
    var json = false

    @Flag(help: "Print CSV instead of a table.")
    var csv = false

    func run() async throws {
        let users = try await global.client().consoleUsers()
        if json {
            try Console.json(users)
            return
        }
        if csv {
            var text = "name,role,created_at\r\n"
            for user in users { text += "\(user.name),\(user.role.rawValue),\(RFC3339.format(user.createdAt))\r\n" }
            Console.out(text)
            return
        }
        guard !users.isEmpty else {
            Console.line("No console users; add one with 'sipwardenctl console user add NAME --role admin'.")
            return
        }
        var table = TextTable(headers: ["NAME", "ROLE", "CREATED"])
        for user in users { table.append([user.name, user.role.rawValue, RFC3339.format(user.createdAt)]) }
        Console.out(table.render())
    }
}
