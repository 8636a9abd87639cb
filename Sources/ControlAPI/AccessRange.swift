/// Address ranges for allow and trusted rules: an address or CIDR range of any width
/// (unlike a ban target, a /0 is refused only because it would allow everything).
public enum AccessRange {
    /// What a range is for; the refusal of a range covering every address is worded for it.
    public enum Purpose: Sendable {
        /// Where a phone may register from (`sipwardenctl allow`).
        case phone
        /// Never banned (`sipwardenctl trusted`).
        case trusted
    }

    /// The canonical text of `text` ("192.0.2.7/24" becomes "192.0.2.0/24", "192.0.2.7/32"
    /// becomes "192.0.2.7"), or nil when it is not an address or range.
    public static func canonical(_ text: String, for purpose: Purpose = .phone) -> String? {
        guard problem(text, for: purpose) == nil else { return nil }
        return BanTarget.canonicalAnyWidth(text)
    }

    /// What is wrong with `text` as a range, or nil.
    public static func problem(_ text: String, for purpose: Purpose = .phone) -> String? {
        guard let canonical = BanTarget.canonicalAnyWidth(text) else {
            return "'\(text)' is not an IP address or CIDR range; write e.g. 192.0.2.7, 192.0.2.0/24 or 2001:db8::/48"
        }
        if canonical.hasSuffix("/0") {
            switch purpose {
            case .phone:
                return "'\(text)' covers every address; name the phone's network, e.g. 192.0.2.0/24"
            case .trusted:
                return "'\(text)' covers every address: trusting it would mean no address could ever be banned. "
                    + "Name your own networks (the office, the carriers), e.g. 192.0.2.0/24"
            }
        }
        return nil
    }
}
