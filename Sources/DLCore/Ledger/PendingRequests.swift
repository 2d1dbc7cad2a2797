import NIOCore

/// Requests waiting for their responses, keyed by request id. Ids are handed out in increasing
/// order and mostly answered in about that order, so they live in a ring indexed by
/// `id - firstId` (no hashing per request). A request that stays unanswered long (a long
/// poll) moves aside into a dictionary once the ring behind it grows past `ringLimit`, so it
/// never pins the ring's memory.
struct PendingRequests<Value> {
    private var ring = CircularBuffer<Value?>(initialCapacity: 1024)
    /// The id of `ring.first`.
    private var firstId: UInt64
    private var aside: [UInt64: Value] = [:]
    private(set) var count = 0
    private let ringLimit: Int

    init(firstId: UInt64 = 1, ringLimit: Int = 4096) {
        self.firstId = firstId
        self.ringLimit = ringLimit
    }

    var isEmpty: Bool { count == 0 }

    /// Stores `value` under the next id and returns that id.
    mutating func add(_ value: Value) -> UInt64 {
        let id = firstId + UInt64(ring.count)
        ring.append(value)
        count += 1
        if ring.count > ringLimit, let head = ring.removeFirst() {
            aside[firstId] = head
            firstId += 1
            dropAnsweredHead()
        }
        return id
    }

    /// Removes and returns the request with `id`; nil when there is none (answered, timed out
    /// or never sent).
    mutating func remove(_ id: UInt64) -> Value? {
        if id < firstId {
            guard let value = aside.removeValue(forKey: id) else { return nil }
            count -= 1
            return value
        }
        guard id - firstId < UInt64(ring.count) else { return nil }
        let index = ring.index(ring.startIndex, offsetBy: Int(id - firstId))
        guard let value = ring[index] else { return nil }
        ring[index] = nil
        count -= 1
        dropAnsweredHead()
        return value
    }

    /// Removes and returns every request `predicate` picks.
    mutating func removeAll(where predicate: (Value) -> Bool) -> [Value] {
        var removed: [Value] = []
        for (id, value) in aside where predicate(value) {
            aside.removeValue(forKey: id)
            removed.append(value)
        }
        var index = ring.startIndex
        while index != ring.endIndex {
            if let value = ring[index], predicate(value) {
                ring[index] = nil
                removed.append(value)
            }
            index = ring.index(after: index)
        }
        count -= removed.count
        dropAnsweredHead()
        return removed
    }

    /// Whether any waiting request satisfies `predicate`.
    func contains(where predicate: (Value) -> Bool) -> Bool {
        aside.values.contains(where: predicate) || ring.contains { $0.map(predicate) ?? false }
    }

    private mutating func dropAnsweredHead() {
        while let first = ring.first, first == nil {
            ring.removeFirst()
            firstId += 1
        }
    }
}
