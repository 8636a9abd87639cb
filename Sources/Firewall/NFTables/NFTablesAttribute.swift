/// A libnftnl attribute number as its setters take it. libnftnl declares some attribute lists
/// as named enums (imported as structs) and some as anonymous ones (imported as `Int`).
@inline(__always) func attribute<T: RawRepresentable>(_ value: T) -> UInt16 where T.RawValue: BinaryInteger {
    UInt16(value.rawValue)
}

/// A libnftnl attribute number declared in an anonymous enum.
@inline(__always) func attribute(_ value: Int) -> UInt16 { UInt16(value) }
