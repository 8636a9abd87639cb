/// Why a trunk's settings cannot be used: the field, its value, and what is wrong.
struct TrunkSettingsProblem: Error, CustomStringConvertible {
    let field: String
    let value: String
    let message: String

    var description: String { "\(field) '\(value)' \(message)" }
}
