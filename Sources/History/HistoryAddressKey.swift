import Foundation
import SIPWardenPolicy

/// Source addresses as blobs that sort by address within a family (a family byte, then the
/// address bytes), so a CIDR filter is one range scan of the source index.
enum HistoryAddressKey {
    /// The key of `address`.
    static func key(_ address: IPAddress) -> [UInt8] { [UInt8(address.isIPv6 ? 6 : 4)] + address.bytes }

    /// The first and last keys of `range`.
    static func bounds(_ range: IPRange) -> (low: Data, high: Data) {
        (Data(key(range.network)), Data(key(range.lastAddress)))
    }
}
