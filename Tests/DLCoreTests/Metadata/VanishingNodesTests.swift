import DLCore
import Testing
import TestSupport

/// `retryingWhenANodeVanishes`: a node gone between a look and an act is looked at again; any
/// other error, or the same one past the attempts, goes to the caller.
struct VanishingNodesTests {
    @Test func aVanishedNodeIsLookedAtAgain() async throws {
        let calls = Locked(0)
        let result = try await retryingWhenANodeVanishes {
            let call = calls.withLock { $0 += 1; return $0 }
            if call < 3 { throw MetadataError.noNode("/bookies/available/b") }
            return "registered"
        }
        #expect(result == "registered" && calls.withLock { $0 } == 3)
    }

    @Test func otherErrorsAndTheLastAttemptGoToTheCaller() async throws {
        let calls = Locked(0)
        await #expect(throws: MetadataError.self) {
            try await retryingWhenANodeVanishes { () async throws -> Void in
                calls.withLock { $0 += 1 }
                throw MetadataError.sessionExpired
            }
        }
        #expect(calls.withLock { $0 } == 1, "another error is not retried")
        calls.withLock { $0 = 0 }
        await #expect(throws: MetadataError.self) {
            try await retryingWhenANodeVanishes(attempts: 2) { () async throws -> Void in
                calls.withLock { $0 += 1 }
                throw MetadataError.noNode("/x")
            }
        }
        #expect(calls.withLock { $0 } == 2, "no more than the attempts")
    }
}
