import Testing

/// Suites that run whole clusters of bookie processes and take them apart (autorecovery): in a
/// test phase of their own (scripts/test.sh), one after the other. Beside the first phase's
/// in-process bookies they took enough of two cores to stall one of those for 10 s.
@Suite("Cluster processes", .serialized) enum ClusterProcessSuites {}
