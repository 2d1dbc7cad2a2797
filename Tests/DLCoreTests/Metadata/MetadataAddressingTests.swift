import DLCore
import Testing

@Suite struct MetadataURITests {
    @Test func parsesEveryDocumentedForm() throws {
        #expect(try MetadataURI(parsing: "/var/lib/dl/meta.db") == .embedded(path: "/var/lib/dl/meta.db"))
        #expect(try MetadataURI(parsing: "sqlite:///var/lib/dl/meta.db") == .embedded(path: "/var/lib/dl/meta.db"))
        if case let .embedded(path) = try MetadataURI(parsing: "rel/meta.db") { #expect(path.hasPrefix("/") && path.hasSuffix("/rel/meta.db")) }
        #expect(try MetadataURI(parsing: "zk://127.0.0.1:2181/dl") == .zooKeeper(hosts: "127.0.0.1:2181", root: "/dl"))
        #expect(try MetadataURI(parsing: "zk://a:1,b:2/x/y/") == .zooKeeper(hosts: "a:1,b:2", root: "/x/y"))
        #expect(try MetadataURI(parsing: "zk://a:1") == .zooKeeper(hosts: "a:1", root: ""))
        #expect(try MetadataURI(parsing: "distributedlog://127.0.0.1:2181/messaging/ns")
                == .zooKeeper(hosts: "127.0.0.1:2181", root: "/messaging/ns"))
    }

    @Test func rejectsBadURIs() {
        for bad in ["", "   ", "http://x/y", "zk://", "zk:///root", "zk://host/root", "zk://host:0/r", "zk://host:99999/r",
                    "zk://a:1,/r", "zk://a:1//double", "sqlite://relative", "sqlite:///"] {
            #expect(throws: MetadataError.self, "\(bad)") { try MetadataURI(parsing: bad) }
        }
    }
}

@Suite struct MetadataPathTests {
    @Test func splitsPaths() {
        #expect(MetadataPath.parent(of: "/a/b/c") == "/a/b")
        #expect(MetadataPath.parent(of: "/a") == "/")
        #expect(MetadataPath.name(of: "/a/b") == "b")
        #expect(MetadataPath.ancestors(of: "/a/b/c") == ["/a", "/a/b"])
        #expect(MetadataPath.join("/", "x") == "/x")
        #expect(MetadataPath.join("/a", "x") == "/a/x")
        #expect(MetadataPath.sequentialSuffix(42) == "0000000042")
    }
}
