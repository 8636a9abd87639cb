@testable import ControlServer
@testable import SIPService
import Registrar
import XCTest

/// How the control service reads an operator's AOR and `--contact` arguments: a bare user part
/// that several domains have is ambiguous (not "no bindings"), and a contact is matched as
/// `registrations show` prints it, parameters included.
final class RegistrationArgumentTests: XCTestCase {
    private let aors = ["sip:1001@a.example", "sip:1001@b.example", "sip:1002@a.example"]

    func testABareUserPartUnderSeveralDomainsIsAmbiguousAndListsThem() {
        XCTAssertEqual(DaemonControlService.resolution(of: "1001", among: aors), .ambiguous(["sip:1001@a.example", "sip:1001@b.example"]))
        XCTAssertEqual(DaemonControlService.resolution(of: "1002", among: aors), .found("sip:1002@a.example"))
        XCTAssertEqual(DaemonControlService.resolution(of: "1001@b.example", among: aors), .found("sip:1001@b.example"))
        XCTAssertEqual(DaemonControlService.resolution(of: "sip:1001@a.example", among: aors), .found("sip:1001@a.example"))
        XCTAssertEqual(DaemonControlService.resolution(of: "1001@c.example", among: aors), AORResolution.none)
        XCTAssertEqual(DaemonControlService.resolution(of: "9999", among: aors), AORResolution.none)
        XCTAssertThrowsError(try DaemonControlService.resolveOrExplain("1001", among: aors, command: "show")) { error in
            let refusal = error as? ControlServiceError
            XCTAssertEqual(refusal?.status, 409)
            XCTAssertEqual(refusal?.message, "'1001' is ambiguous: it is registered as sip:1001@a.example, sip:1001@b.example")
            XCTAssertEqual(refusal?.hint, "name one AOR in full, e.g. 'sipwardenctl registrations show sip:1001@a.example'")
        }
        XCTAssertNil(try DaemonControlService.resolveOrExplain("9999", among: aors, command: "show"))
    }

    func testAContactMatchesAsShowPrintsItWithOrWithoutBracketsOrAsTheBareURI() {
        let binding = Binding(
            aor: "sip:1001@a.example", contact: "sip:1001@192.0.2.10:5062;transport=udp", contactKey: "k",
            contactParameters: ";+sip.instance=\"<urn:uuid:1>\";reg-id=1", expiresAt: Timestamp(seconds: 100),
            registeredAt: Timestamp(seconds: 0), updatedAt: Timestamp(seconds: 0), callID: "c", cseq: 1,
            source: SourceAddress(ip: "192.0.2.10", port: 5062)!, transport: .udp)
        for given in [
            "sip:1001@192.0.2.10:5062;transport=udp;+sip.instance=\"<urn:uuid:1>\";reg-id=1",
            "<sip:1001@192.0.2.10:5062;transport=udp>;+sip.instance=\"<urn:uuid:1>\";reg-id=1",
            "sip:1001@192.0.2.10:5062;transport=udp", "<sip:1001@192.0.2.10:5062;transport=udp>",
            "  sip:1001@192.0.2.10:5062;transport=udp  ",
        ] {
            XCTAssertTrue(DaemonControlService.contact(given, names: binding), given)
        }
        for given in [
            "sip:1001@192.0.2.10:5062", "sip:1001@192.0.2.10:5062;transport=udp;+sip.instance=\"<urn:uuid:2>\";reg-id=1",
            "sip:1001@192.0.2.10:5062;transport=udp;reg-id=1",
        ] {
            XCTAssertFalse(DaemonControlService.contact(given, names: binding), given)
        }
    }
}
