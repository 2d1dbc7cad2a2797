/// What a Jepsen-style run recorded (scripts/jepsen.sh), without I/O: each writer's records in
/// the order it was given them (its invocations) with the DLSN of each one acknowledged, each
/// reader's records in the order it read them with where, and a final read of the whole log
/// after every fault was healed. A writer's record that was given but not acknowledged is
/// "unknown": it may be in the log or not, at most once.
///
/// A record's payload names its writer and its place: `WRITER:SEQ` (SEQ from 1, in the order
/// the writer was given them). A reader that restarts goes on from the last DLSN it printed,
/// so all it read, from the start of the log, is one list.
public struct History: Sendable {
    public struct Writer: Sendable {
        public var id: String
        /// Payloads in the order the writer was given them.
        public var invoked: [String]
        /// Where each acknowledged payload is, as its acknowledgement said.
        public var acknowledged: [String: DLSN]

        public init(id: String, invoked: [String], acknowledged: [String: DLSN]) {
            self.id = id
            self.invoked = invoked
            self.acknowledged = acknowledged
        }
    }

    public struct Read: Equatable, Sendable {
        public var dlsn: DLSN
        public var payload: String

        public init(_ dlsn: DLSN, _ payload: String) {
            self.dlsn = dlsn
            self.payload = payload
        }
    }

    public struct Reader: Sendable {
        public var id: String
        public var reads: [Read]

        public init(id: String, reads: [Read]) {
            self.id = id
            self.reads = reads
        }
    }

    public var writers: [Writer]
    public var readers: [Reader]
    /// The whole log read from its start after the run.
    public var final: [Read]

    public init(writers: [Writer], readers: [Reader], final: [Read]) {
        self.writers = writers
        self.readers = readers
        self.final = final
    }

    /// A line the files of a history could not be read from.
    public struct Malformed: Error, CustomStringConvertible {
        public var file: String
        public var line: Int
        public var reason: String
        public var description: String { "\(file) line \(line): \(reason)" }
    }

    /// A writer from its files' contents: `invoked` has one payload per line; `acks` has
    /// `dlctl write --acks` lines (the payload's line number in `invoked`, a tab, its DLSN).
    public static func writer(id: String, invoked: String, acks: String, acksFile: String) throws(Malformed) -> Writer {
        let payloads = lines(invoked)
        var acknowledged: [String: DLSN] = [:]
        for (index, line) in lines(acks).enumerated() {
            let fields = line.split(separator: "\t", maxSplits: 1).map(String.init)
            guard fields.count == 2, let number = Int(fields[0]), number >= 1, number <= payloads.count else {
                throw Malformed(file: acksFile, line: index + 1, reason: "not 'LINE<TAB>DLSN' for a line of the input")
            }
            acknowledged[payloads[number - 1]] = try dlsn(fields[1], file: acksFile, line: index + 1)
        }
        return Writer(id: id, invoked: payloads, acknowledged: acknowledged)
    }

    /// Reads from `dlctl tail --format '{dlsn}\t{payload}'` output.
    public static func reads(_ text: String, file: String) throws(Malformed) -> [Read] {
        var reads: [Read] = []
        for (index, line) in lines(text).enumerated() {
            let fields = line.split(separator: "\t", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 2 else { throw Malformed(file: file, line: index + 1, reason: "not 'DLSN<TAB>PAYLOAD'") }
            reads.append(Read(try dlsn(fields[0], file: file, line: index + 1), fields[1]))
        }
        return reads
    }

    /// The complete lines of `text`: a last line with no newline was cut off by a kill and is
    /// left out (what it would have said is unknown).
    private static func lines(_ text: String) -> [String] {
        Array(text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init))
    }

    private static func dlsn(_ text: String, file: String, line: Int) throws(Malformed) -> DLSN {
        do { return try DLSN(parsing: text) } catch {
            throw Malformed(file: file, line: line, reason: "'\(text)' is not a DLSN")
        }
    }
}
