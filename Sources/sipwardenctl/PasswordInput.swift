import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reading a password without it showing up in the process list or on the screen.
enum PasswordInput {
    /// One line from standard input (`--password-stdin`), without its newline.
    static func fromStandardInput() throws -> String {
        guard let line = readLine(strippingNewline: true), !line.isEmpty else {
            throw CLIFailure.usage("--password-stdin: no password on standard input; e.g. printf '%s\\n' \"$PW\" | sipwardenctl subscriber passwd 1001 --password-stdin")
        }
        return line
    }

    /// Asks twice on the terminal with echo off; refuses when standard input is not a terminal.
    static func prompt(for name: String) throws -> String {
        guard isatty(STDIN_FILENO) == 1 else {
            throw CLIFailure.usage("standard input is not a terminal, so no password can be asked for; give --password-stdin and pipe it in")
        }
        let first = try readHidden("New password for \(name): ")
        let second = try readHidden("Again: ")
        guard first == second else { throw CLIFailure.failed("the two passwords differ; nothing was changed") }
        guard !first.isEmpty else { throw CLIFailure.usage("the password is empty; nothing was changed") }
        return first
    }

    private static func readHidden(_ prompt: String) throws -> String {
        FileHandle.standardError.write(Data(prompt.utf8))
        var saved = termios()
        let haveTerminal = tcgetattr(STDIN_FILENO, &saved) == 0
        if haveTerminal {
            var silent = saved
            silent.c_lflag &= ~tcflag_t(ECHO)
            _ = tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent)
        }
        defer {
            if haveTerminal { _ = tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved) }
            FileHandle.standardError.write(Data("\n".utf8))
        }
        guard let line = readLine(strippingNewline: true) else {
            throw CLIFailure.usage("no password was typed")
        }
        return line
    }
}
