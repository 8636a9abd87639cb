import XCTest

final class PlaceholderTests: XCTestCase {
    func testPackageBuilds() { XCTAssertTrue(true) }
}
