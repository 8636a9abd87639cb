import SIPCore
import XCTest

final class SIPStreamFramerTests: XCTestCase {
    let message = TestMessages.register(body: "v=0\r\n")

    func testOneMessageInOneAppend() throws {
        var framer = SIPStreamFramer()
        framer.append(contentsOf: message)
        XCTAssertEqual(try framer.nextFrame(), .message(message))
        XCTAssertNil(try framer.nextFrame())
        XCTAssertEqual(framer.bufferedByteCount, 0)
    }

    func testMessageSplitAtEveryByte() throws {
        for split in 1..<message.count {
            var framer = SIPStreamFramer()
            framer.append(contentsOf: Array(message[0..<split]))
            XCTAssertNil(try framer.nextMessage(), "split \(split)")
            framer.append(contentsOf: Array(message[split...]))
            XCTAssertEqual(try framer.nextMessage(), message, "split \(split)")
        }
    }

    func testByteByByteAndThroughRawPointers() throws {
        var framer = SIPStreamFramer()
        var out: [[UInt8]] = []
        for byte in message + message {
            [byte].withUnsafeBytes { framer.append($0) }
            while let frame = try framer.nextMessage() { out.append(frame) }
        }
        XCTAssertEqual(out, [message, message])
    }

    func testSeveralMessagesAndKeepalivesInOneAppend() throws {
        var framer = SIPStreamFramer()
        framer.append(contentsOf: Array("\r\n\r\n".utf8) + message + Array("\r\n".utf8) + message + Array("\r\n\r\n\r\n\r\n".utf8) + message)
        var frames: [SIPStreamFramer.Frame] = []
        while let frame = try framer.nextFrame() { frames.append(frame) }
        XCTAssertEqual(frames, [.keepalive, .message(message), .message(message), .keepalive, .keepalive, .message(message)])
        for case .message(let bytes) in frames {
            XCTAssertNoThrow(try SIPParser.parse(bytes, isStream: true))
        }
    }

    func testKeepaliveCountingWithNextMessage() throws {
        var framer = SIPStreamFramer()
        framer.append(contentsOf: Array("\r\n\r\n\r\n\r\n".utf8) + message)
        XCTAssertEqual(try framer.nextMessage(), message)
        XCTAssertEqual(framer.takeKeepalivePings(), 2)
        XCTAssertEqual(framer.takeKeepalivePings(), 0)
    }

    func testPartialPingWaitsForMoreBytes() throws {
        var framer = SIPStreamFramer()
        framer.append(contentsOf: Array("\r\n".utf8))
        XCTAssertNil(try framer.nextFrame())
        framer.append(contentsOf: Array("\r".utf8))
        XCTAssertNil(try framer.nextFrame())
        framer.append(contentsOf: Array("\n".utf8))
        XCTAssertEqual(try framer.nextFrame(), .keepalive)
        XCTAssertNil(try framer.nextFrame())
    }

    func testMissingOrBadContentLengthIsFatal() {
        let noLength = TestMessages.register(replacing: ["Content-Length": nil])
        let cases: [([UInt8], SIPParseError.Kind)] = [
            (noLength, .missingHeader),
            (TestMessages.register(replacing: ["Content-Length": "Content-Length: -5"]), .invalidContentLength),
            (TestMessages.register(replacing: ["Content-Length": "Content-Length: abc"]), .invalidContentLength),
            (TestMessages.register(replacing: ["Content-Length": "Content-Length: 1 2"]), .invalidContentLength),
            (TestMessages.register(replacing: ["Content-Length": "Content-Length: 99999999999999999999999"]), .invalidContentLength),
            (TestMessages.register(extra: ["l: 0"]), .duplicateHeader),
        ]
        for (bytes, kind) in cases {
            var framer = SIPStreamFramer()
            framer.append(contentsOf: bytes)
            XCTAssertThrowsError(try framer.nextFrame()) { XCTAssertEqual(($0 as? SIPParseError)?.kind, kind) }
        }
    }

    func testCompactAndFoldedContentLength() throws {
        var framer = SIPStreamFramer()
        let compact = TestMessages.register(replacing: ["Content-Length": "l :\r\n   5"], body: "hello")
        framer.append(contentsOf: compact)
        XCTAssertEqual(try framer.nextMessage(), compact)
    }

    func testOversizeHeaderBlockAndBody() {
        var framer = SIPStreamFramer(maxMessageSize: 300)
        framer.append(contentsOf: Array("REGISTER sip:x SIP/2.0\r\nX: ".utf8) + Array(repeating: UInt8(ascii: "a"), count: 400))
        XCTAssertThrowsError(try framer.nextFrame()) { XCTAssertEqual(($0 as? SIPParseError)?.kind, .messageTooLarge) }

        var bodyFramer = SIPStreamFramer(maxMessageSize: 1000)
        bodyFramer.append(contentsOf: TestMessages.register(replacing: ["Content-Length": "Content-Length: 900"]))
        XCTAssertThrowsError(try bodyFramer.nextFrame()) { XCTAssertEqual(($0 as? SIPParseError)?.kind, .messageTooLarge) }
    }

    func testIncompleteBodyWaits() throws {
        var framer = SIPStreamFramer()
        let bytes = TestMessages.register(body: "0123456789")
        framer.append(contentsOf: Array(bytes.dropLast(3)))
        XCTAssertNil(try framer.nextFrame())
        XCTAssertNil(try framer.nextFrame())
        framer.append(contentsOf: Array(bytes.suffix(3)))
        XCTAssertEqual(try framer.nextFrame(), .message(bytes))
    }

    func testManyMessagesKeepTheBufferSmall() throws {
        var framer = SIPStreamFramer()
        var count = 0
        for _ in 0..<500 {
            framer.append(contentsOf: message)
            while try framer.nextMessage() != nil { count += 1 }
        }
        XCTAssertEqual(count, 500)
        XCTAssertEqual(framer.bufferedByteCount, 0)
    }

    func testGarbageStreamsNeverCrash() {
        var rng = SplitMix64(seed: 42)
        for _ in 0..<300 {
            var framer = SIPStreamFramer(maxMessageSize: 2048)
            for _ in 0..<8 {
                var chunk = Array(message.prefix(Int(rng.next() % UInt64(message.count))))
                if !chunk.isEmpty { chunk[Int(rng.next() % UInt64(chunk.count))] = UInt8(truncatingIfNeeded: rng.next()) }
                framer.append(contentsOf: chunk)
                do {
                    while let bytes = try framer.nextMessage() { _ = try? SIPParser.parse(bytes, isStream: true) }
                } catch {
                    break
                }
            }
        }
        XCTAssertTrue(true, "no crash, no hang")
    }
}
