import CZooKeeper
import Synchronization

// C callbacks of libzookeeper-mt. Each is a plain global function (a closure stored in a
// global would trap when C calls it from its own thread). Completions receive a retained
// `ZooKeeperCall` box as their `data` pointer and take it back exactly once; watchers receive
// a registry id, so a late watcher for a dropped stream finds nothing and does nothing.

/// One pending asynchronous ZooKeeper call, resumed by its completion.
final class ZooKeeperCall<Result: Sendable>: @unchecked Sendable {
    let continuation: CheckedContinuation<Result, Never>

    init(_ continuation: CheckedContinuation<Result, Never>) { self.continuation = continuation }

    func retainedPointer() -> UnsafeRawPointer { UnsafeRawPointer(Unmanaged.passRetained(self).toOpaque()) }

    static func take(_ data: UnsafeRawPointer?) -> ZooKeeperCall<Result> {
        Unmanaged<ZooKeeperCall<Result>>.fromOpaque(data!).takeRetainedValue()
    }

    /// Gives the box back when the C call failed synchronously and no completion will come.
    static func release(_ pointer: UnsafeRawPointer) {
        Unmanaged<ZooKeeperCall<Result>>.fromOpaque(pointer).release()
    }
}

struct ZooKeeperStatResult: Sendable { var rc: Int32; var version: Int64; var ephemeralOwner: Int64 }
struct ZooKeeperDataResult: Sendable { var rc: Int32; var data: [UInt8]; var version: Int64 }
struct ZooKeeperStringResult: Sendable { var rc: Int32; var value: String? }
struct ZooKeeperStringsResult: Sendable { var rc: Int32; var names: [String]; var childVersion: Int64 = -1 }

func dlZooKeeperVoidCompletion(rc: Int32, data: UnsafeRawPointer?) {
    ZooKeeperCall<Int32>.take(data).continuation.resume(returning: rc)
}

func dlZooKeeperStatCompletion(rc: Int32, stat: UnsafePointer<Stat>?, data: UnsafeRawPointer?) {
    let version = stat.map { Int64($0.pointee.version) } ?? -1
    let owner = stat.map { $0.pointee.ephemeralOwner } ?? 0
    ZooKeeperCall<ZooKeeperStatResult>.take(data).continuation
        .resume(returning: ZooKeeperStatResult(rc: rc, version: version, ephemeralOwner: owner))
}

func dlZooKeeperDataCompletion(rc: Int32, value: UnsafePointer<CChar>?, length: Int32, stat: UnsafePointer<Stat>?,
                               data: UnsafeRawPointer?) {
    var bytes: [UInt8] = []
    if let value, length > 0 {
        bytes = value.withMemoryRebound(to: UInt8.self, capacity: Int(length)) {
            Array(UnsafeBufferPointer(start: $0, count: Int(length)))
        }
    }
    let version = stat.map { Int64($0.pointee.version) } ?? -1
    ZooKeeperCall<ZooKeeperDataResult>.take(data).continuation
        .resume(returning: ZooKeeperDataResult(rc: rc, data: bytes, version: version))
}

func dlZooKeeperStringCompletion(rc: Int32, value: UnsafePointer<CChar>?, data: UnsafeRawPointer?) {
    ZooKeeperCall<ZooKeeperStringResult>.take(data).continuation
        .resume(returning: ZooKeeperStringResult(rc: rc, value: value.map { String(cString: $0) }))
}

func dlZooKeeperStringsCompletion(rc: Int32, strings: UnsafePointer<String_vector>?, data: UnsafeRawPointer?) {
    var names: [String] = []
    if let vector = strings?.pointee, let items = vector.data {
        for index in 0..<Int(vector.count) {
            if let item = items[index] { names.append(String(cString: item)) }
        }
    }
    ZooKeeperCall<ZooKeeperStringsResult>.take(data).continuation
        .resume(returning: ZooKeeperStringsResult(rc: rc, names: names))
}

func dlZooKeeperStringsStatCompletion(rc: Int32, strings: UnsafePointer<String_vector>?, stat: UnsafePointer<Stat>?,
                                     data: UnsafeRawPointer?) {
    var names: [String] = []
    if let vector = strings?.pointee, let items = vector.data {
        for index in 0..<Int(vector.count) {
            if let item = items[index] { names.append(String(cString: item)) }
        }
    }
    let childVersion = stat.map { Int64($0.pointee.cversion) } ?? -1
    ZooKeeperCall<ZooKeeperStringsResult>.take(data).continuation
        .resume(returning: ZooKeeperStringsResult(rc: rc, names: names, childVersion: childVersion))
}

/// Routes ZooKeeper's session and node watcher callbacks to the store that registered them.
final class ZooKeeperWatcherRouter: Sendable {
    static let shared = ZooKeeperWatcherRouter()

    private struct WeakStore: @unchecked Sendable { weak var store: ZooKeeperMetadataStore? }
    private let stores = Mutex<[UInt: WeakStore]>([:])
    private let nextId = Atomic<UInt>(1)

    func register(_ store: ZooKeeperMetadataStore) -> UInt {
        let id = nextId.wrappingAdd(1, ordering: .relaxed).oldValue
        stores.withLock { $0[id] = WeakStore(store: store) }
        return id
    }

    func unregister(_ id: UInt) { stores.withLock { _ = $0.removeValue(forKey: id) } }

    func store(_ id: UInt) -> ZooKeeperMetadataStore? { stores.withLock { $0[id]?.store } }
}

/// The watcher context packs the store's router id (high bits) and the watch id (low 32 bits).
func dlZooKeeperWatcherContext(store: UInt, watch: UInt64) -> UnsafeMutableRawPointer? {
    UnsafeMutableRawPointer(bitPattern: (store << 32) | UInt(watch & 0xFFFF_FFFF))
}

func dlZooKeeperSessionWatcher(handle: OpaquePointer?, type: Int32, state: Int32, path: UnsafePointer<CChar>?,
                               context: UnsafeMutableRawPointer?) {
    guard type == dl_zoo_session_event(), let context else { return }
    ZooKeeperWatcherRouter.shared.store(UInt(bitPattern: context))?.sessionStateChanged(state)
}

func dlZooKeeperNodeWatcher(handle: OpaquePointer?, type: Int32, state: Int32, path: UnsafePointer<CChar>?,
                            context: UnsafeMutableRawPointer?) {
    // Session events are delivered to every watcher too; the session watcher handles them.
    guard type != dl_zoo_session_event(), let context else { return }
    let bits = UInt(bitPattern: context)
    ZooKeeperWatcherRouter.shared.store(bits >> 32)?.watchFired(watchId: UInt64(bits & 0xFFFF_FFFF), type: type)
}
