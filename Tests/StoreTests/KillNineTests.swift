import Foundation
import Registrar
import XCTest

@testable import Store

/// The promise of DESIGN.md: an acknowledged registration survives `kill -9`.
///
/// The test runs this same test binary again as a child process that commits bindings through
/// a `GroupCommitter` as fast as it can and prints "ACK n" from each successful completion
/// (the moment the daemon would send 200 OK). The parent kills it with SIGKILL mid-stream and
/// checks that every acknowledged binding is in the database.
final class KillNineTests: StoreTestCase {
    private static let childEnvironmentKey = "SIPWARDEN_STORE_KILL9_CHILD_DB"

    func testAcknowledgedChangesSurviveKillDashNine() throws {
        if let childPath = ProcessInfo.processInfo.environment[Self.childEnvironmentKey] {
            // The child dies without tearDown, so it drops its own (unused) directory now.
            try? FileManager.default.removeItem(at: directory)
            runChild(path: childPath)  // never returns
        }

        let child = Process()
        child.executableURL = URL(fileURLWithPath: ProcessInfo.processInfo.arguments[0])
        child.arguments = ["StoreTests.KillNineTests/testAcknowledgedChangesSurviveKillDashNine"]
        child.environment = ProcessInfo.processInfo.environment.merging([Self.childEnvironmentKey: path]) { $1 }
        let output = Pipe()
        child.standardOutput = output
        child.standardError = FileHandle.nullDevice
        try child.run()

        var acknowledged = Set<Int>()
        var pending = Data()
        func collect(_ data: Data) {
            pending.append(data)
            while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
                pending.removeSubrange(pending.startIndex...newline)
                if line.hasPrefix("ACK "), let n = Int(line.dropFirst(4)) { acknowledged.insert(n) }
            }
        }
        let deadline = Date().addingTimeInterval(120)
        while acknowledged.count < 3_000 && Date() < deadline && child.isRunning {
            collect(output.fileHandleForReading.availableData)
        }
        kill(child.processIdentifier, SIGKILL)
        child.waitUntilExit()
        collect(output.fileHandleForReading.readDataToEndOfFile())  // acks written before it died

        XCTAssertEqual(child.terminationReason, .uncaughtSignal)
        XCTAssertEqual(child.terminationStatus, SIGKILL)
        XCTAssertGreaterThanOrEqual(acknowledged.count, 3_000, "the child should have acknowledged commits")

        let store = try SIPWardenStore(path: path)
        let stored = Set(try store.loadBindings().map(\.aor))
        let lost = acknowledged.filter { !stored.contains(makeBinding($0).aor) }
        XCTAssertEqual(lost.sorted(), [], "acknowledged but missing after kill -9")
        XCTAssertTrue(
            Set(try store.loadBindings()).isSuperset(of: acknowledged.map { makeBinding($0) }),
            "every field of every acknowledged binding is stored")
        print("kill -9 after \(acknowledged.count) acknowledged commits: \(stored.count) bindings stored, \(lost.count) lost")
    }

    /// The child's side: commit forever (bounded in flight), acknowledge each success on stdout.
    private func runChild(path: String) -> Never {
        do {
            let store = try SIPWardenStore(path: path)
            let committer = GroupCommitter(store: store)
            let inFlight = DispatchSemaphore(value: 256)
            let giveUp = Date().addingTimeInterval(120)  // never outlive a parent that forgot us
            var n = 0
            while Date() < giveUp {
                inFlight.wait()
                let i = n
                committer.submit([.upsert(makeBinding(i))]) { error in
                    if error == nil { FileHandle.standardOutput.write(Data("ACK \(i)\n".utf8)) }
                    inFlight.signal()
                }
                n += 1
            }
        } catch {
            FileHandle.standardError.write(Data("child failed: \(error)\n".utf8))
        }
        exit(3)
    }
}
