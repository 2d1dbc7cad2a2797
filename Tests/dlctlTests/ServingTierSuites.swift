import Testing

/// The write-proxy suites, one after the other and in a test phase of their own (scripts/test.sh):
/// each runs sandboxes with proxies and thousands of client processes or records, and the
/// fan-in test's time limit is about this machine, not about other tests sharing it.
@Suite("Serving tier", .serialized) enum ServingTierSuites {}
