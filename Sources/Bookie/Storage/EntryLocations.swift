/// Where each entry of one ledger is, by entry id. A bookie holds a ledger's entries as a
/// mostly dense run of ids (all of them, or those of its write sets), so they live in an array
/// indexed by `id - base`: an add costs an append, not a hash. An id far outside the run (a
/// client's stray or hostile id) goes to a dictionary instead of stretching the array.
struct EntryLocations<Location> {
    private var dense: [Location?] = []
    /// The entry id of `dense[0]`.
    private var base: Int64 = 0
    private var sparse: [Int64: Location] = [:]
    /// The most empty slots one id may open up in the dense run.
    static var maxGap: Int64 { 65536 }

    subscript(id: Int64) -> Location? {
        get {
            if let index = denseIndex(id) { return dense[index] }
            return sparse.isEmpty ? nil : sparse[id]
        }
        set { _ = updateValue(newValue, forKey: id) }
    }

    /// Sets (or with nil removes) the location of `id`; returns the one it replaced.
    @discardableResult
    mutating func updateValue(_ value: Location?, forKey id: Int64) -> Location? {
        if let index = denseIndex(id) {
            let old = dense[index]
            dense[index] = value
            return old
        }
        if dense.isEmpty, value != nil, sparse[id] == nil {
            base = id
            dense.append(value)
            return nil
        }
        let end = base + Int64(dense.count)
        if id >= end, id - end <= Self.maxGap, sparse[id] == nil {
            guard let value else { return nil }
            if id > end { dense.append(contentsOf: repeatElement(nil, count: Int(id - end))) }
            dense.append(value)
            return nil
        }
        if let value { return sparse.updateValue(value, forKey: id) }
        return sparse.removeValue(forKey: id)
    }

    /// Every (entry id, location), dense ids in increasing order first.
    var all: [(id: Int64, location: Location)] {
        var result: [(id: Int64, location: Location)] = []
        result.reserveCapacity(dense.count + sparse.count)
        for (offset, location) in dense.enumerated() {
            if let location { result.append((base + Int64(offset), location)) }
        }
        for (id, location) in sparse { result.append((id, location)) }
        return result
    }

    private func denseIndex(_ id: Int64) -> Int? {
        guard id >= base else { return nil }
        let offset = id - base
        return offset < Int64(dense.count) ? Int(offset) : nil
    }
}
