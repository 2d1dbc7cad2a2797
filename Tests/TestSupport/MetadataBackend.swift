/// The metadata backends tests run against: the embedded SQLite store and ZooKeeper.
public enum MetadataBackend: String, CaseIterable, Sendable {
    case sqlite, zookeeper
}
