import ArgumentParser

/// A length of time given on the command line, in seconds (or, where an option says so, hours):
/// a finite number, not negative, at most `maximum`. Anything else ("inf", "nan", 1e300) is
/// refused when the arguments are parsed, with one line naming the option, instead of trapping
/// later when it is turned into a `Duration`.
struct Seconds: ExpressibleByArgument, ExpressibleByFloatLiteral, ExpressibleByIntegerLiteral, Comparable, Sendable,
    CustomStringConvertible
{
    /// About 31 years: far inside what a `Duration` in milliseconds holds, even counted in hours.
    static let maximum = 1e9

    let value: Double

    init(_ value: Double) { self.value = value }
    init(floatLiteral value: Double) { self.value = value }
    init(integerLiteral value: Int) { self.value = Double(value) }

    init?(argument: String) {
        guard let value = Double(argument), Self.holds(value) else { return nil }
        self.value = value
    }

    /// Finite, not negative, at most `maximum`.
    static func holds(_ value: Double) -> Bool { value.isFinite && value >= 0 && value <= maximum }

    /// The value as it was given: the help shows defaults as it did for a plain number.
    var description: String { value.description }
    var defaultValueDescription: String { value.description }

    var duration: Duration { .milliseconds(Int64((value * 1000).rounded())) }
    /// The value taken as hours.
    var hoursDuration: Duration { .seconds(Int64((value * 3600).rounded())) }

    /// Refuses a number of seconds kept as a plain number (the benchmarks' durations) that
    /// `Seconds` would refuse, or 0.
    static func check(_ value: Double, _ option: String) throws {
        guard holds(value), value > 0 else {
            throw ValidationError("\(option) must be a number of seconds above 0 and at most \(Int(maximum))")
        }
    }

    static func < (lhs: Seconds, rhs: Seconds) -> Bool { lhs.value < rhs.value }
}
