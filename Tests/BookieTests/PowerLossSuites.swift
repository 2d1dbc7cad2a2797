import Testing

/// This target's power-loss suites, one after the other: each runs bookies in the test process
/// and is CPU-heavy, and together they would starve the bookie processes of other tests.
@Suite("Power loss", .serialized) enum PowerLossSuites {}
