import ControlAPI
import Foundation

/// A control API refusal as a page shows it: the daemon's message and hint.
struct ConsoleProblem: Error, Sendable {
    /// The HTTP status the control API answered with.
    var status: Int
    /// What was wrong and what to do.
    var message: String

    /// Reads a non-2xx control answer.
    init(_ response: ControlHTTPResponse) {
        status = response.status
        if let error = try? ControlJSON.makeDecoder().decode(ControlError.self, from: Data(response.body)) {
            message = error.error + (error.hint.map { " (\($0))" } ?? "")
        } else {
            message = "the daemon answered HTTP \(response.status)"
        }
    }

    /// A problem found by the console itself.
    init(status: Int, message: String) {
        self.status = status
        self.message = message
    }
}
