import DLCore

/// The start-up identity check: a bookie's data directory and the cluster's metadata must
/// agree on who this bookie is, so a wiped or swapped disk never rejoins under the same name.
public enum CookieCheck {
    public static let fileName = "cookie.json"

    public enum Failure: Error, CustomStringConvertible {
        case wipedDisk(bookieId: String, directory: String)
        case unknownDisk(String, directory: String)
        case mismatch(String)
        case foreignContents(directory: String)
        case damaged(path: String, reason: String)

        public var description: String {
            switch self {
            case let .wipedDisk(id, directory):
                return "bookie \(id) is registered in the cluster but \(directory) has no cookie (wiped or new disk?); "
                    + "refusing to start so it cannot answer 'no such entry' for data it lost. "
                    + "To rejoin as a new, empty bookie: dlctl bookie format --data-dir \(directory) --bookie-id \(id)"
            case let .unknownDisk(reason, directory):
                return "\(directory) belongs to another bookie or cluster (\(reason)); refusing to start"
            case let .mismatch(reason):
                return "cookie mismatch: \(reason); refusing to start"
            case let .foreignContents(directory):
                return "\(directory) is not empty and has no bookie cookie; refusing to use it"
            case let .damaged(path, reason):
                return "cannot read the cookie \(path): \(reason); refusing to start. "
                    + "To rejoin as a new, empty bookie: dlctl bookie format --force --data-dir DIR --bookie-id ID"
            }
        }
    }

    /// Verifies (or, on a first start, writes) the cookie in `directory` and in metadata.
    public static func verify(bookieId: String, directory: String, instanceId: String,
                              store: any MetadataStore, files: any FileLayer = PosixFiles()) async throws -> Cookie {
        let local = try readLocal(directory, files: files)
        let stored = try await store.getIfExists(ClusterLayout.cookiePath(bookieId)).map { try Cookie(decoding: $0.data) }
        switch (local, stored) {
        case let (local?, stored?):
            if let reason = local.mismatch(with: stored) { throw Failure.mismatch(reason) }
            if local.instanceId != instanceId { throw Failure.unknownDisk("cluster \(local.instanceId), not \(instanceId)", directory: directory) }
            return local
        case (nil, _?):
            throw Failure.wipedDisk(bookieId: bookieId, directory: directory)
        case let (local?, nil):
            throw Failure.unknownDisk("its cookie names bookie \(local.bookieId) of cluster \(local.instanceId), "
                                      + "which this cluster has no record of", directory: directory)
        case (nil, nil):
            let contents = files.list(directory).filter { $0 != "LOCK" }
            if !contents.isEmpty { throw Failure.foreignContents(directory: directory) }
            let cookie = Cookie(bookieId: bookieId, instanceId: instanceId, dataDirectory: directory)
            // On disk first: a power loss between the two leaves a cookie the metadata lacks, which
            // refuses to start with a clear reason, never a metadata cookie with no local copy.
            try files.writeAtomically(ChecksummedFile.seal(cookie.encoded()), to: directory + "/" + fileName)
            if try await !store.createUnlessExists(ClusterLayout.cookiePath(bookieId), data: cookie.encoded(), mode: .persistent) {
                files.remove(directory + "/" + fileName)
                throw Failure.mismatch("another bookie registered the identity \(bookieId) at the same time")
            }
            return cookie
        }
    }

    /// The cookie in `directory`, nil when there is none.
    public static func readLocal(_ directory: String, files: any FileLayer = PosixFiles()) throws -> Cookie? {
        let path = directory + "/" + fileName
        guard let data = try files.contents(path) else { return nil }
        do { return try Cookie(decoding: ChecksummedFile.open(data, path: path)) } catch {
            throw Failure.damaged(path: path, reason: "\(error)")
        }
    }
}
