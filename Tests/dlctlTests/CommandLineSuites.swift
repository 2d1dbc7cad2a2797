import Testing

/// The suites that drive the binary with pipes, odd positions, odd files and byte-exact copies,
/// one after the other: each starts its own cluster of bookie processes and many short dlctl
/// processes, and all at once on two cores they would starve the bookies of other tests.
@Suite("Command line", .serialized) enum CommandLineSuites {}
