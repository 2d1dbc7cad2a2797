@testable import DLCore
import Testing

@Suite struct CopyThrottleTests {
    @Test func copyingPastTheRateWaitsOutTheDebt() async throws {
        let unlimited = CopyThrottle(bytesPerSecond: nil)
        let clock = ContinuousClock()
        #expect(try await clock.measure { try await unlimited.pace(1 << 30) } < .milliseconds(100))
        // 100 KiB/s: the first second's worth passes, 50 KiB more is half a second of debt.
        let limited = CopyThrottle(bytesPerSecond: 100 * 1024)
        #expect(try await clock.measure { try await limited.pace(100 * 1024) } < .milliseconds(100))
        #expect(try await clock.measure { try await limited.pace(50 * 1024) } >= .milliseconds(400))
    }
}
