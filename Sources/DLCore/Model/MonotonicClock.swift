import Foundation

/// A monotonic nanosecond clock for measurements and for the writer's window.
public enum MonotonicClock {
    public static func nanos() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
}
