import DLCore

/// Where in a bookie's work a crash point cuts the power: a named stage, the file operations
/// that belong to it, and the phase of a round at which its count starts.
enum CrashStage: String, CaseIterable, CustomStringConvertible {
    /// Any mutating operation of the round.
    case anyOperation = "any operation"
    /// A journal write has happened, its fsync has not.
    case journalWriteBeforeSync = "journal write before its fsync"
    /// A new journal file, its name not yet durable in the directory.
    case journalFileCreated = "journal file created"
    /// Writing a checkpoint's entry log (temporary file, fsync, rename).
    case entryLogWrite = "entry log write"
    /// Writing an entry log's index.
    case indexWrite = "entry log index write"
    /// Writing checkpoint.json (temporary file, fsync, rename).
    case checkpointState = "checkpoint state write"
    /// After a rename, at the fsync of its directory.
    case renameBeforeDirectorySync = "rename before its directory fsync"
    /// Compaction writing the new entry log and its index.
    case compaction
    /// Garbage collection: the checkpoint without the dropped ledgers, the entry logs removed.
    case garbageCollection = "garbage collection"
    /// An autorecovery copy arriving (recovery adds through the journal).
    case autorecoveryCopy = "autorecovery copy"

    var description: String { rawValue }

    enum Phase { case start, copy, collection }

    /// The phase of a round at which the stage's crash point is armed (its count starts).
    var armedAt: Phase {
        switch self {
        case .compaction, .garbageCollection: return .collection
        case .autorecoveryCopy: return .copy
        default: return .start
        }
    }

    /// Whether `operation` belongs to the stage.
    func matches(_ operation: FileOperation) -> Bool {
        let inJournal = operation.path.contains("/journal/")
        let name = operation.name
        let entryLog = operation.path.contains("/entrylogs/") && (name.hasSuffix(".log") || name.hasSuffix(".log.tmp"))
        let index = operation.path.contains("/entrylogs/") && (name.hasSuffix(".idx") || name.hasSuffix(".idx.tmp"))
        let checkpoint = name.hasPrefix("checkpoint.json")
        let writing: Set<FileOperation.Kind> = [.create, .write, .sync, .rename]
        switch self {
        case .anyOperation: return true
        case .journalWriteBeforeSync: return inJournal && operation.kind == .sync
        case .journalFileCreated:
            return (inJournal && operation.kind == .create) || (operation.kind == .syncDirectory && operation.path.hasSuffix("/journal"))
        case .entryLogWrite: return entryLog && writing.contains(operation.kind)
        case .indexWrite: return index && writing.contains(operation.kind)
        case .checkpointState: return checkpoint
        case .renameBeforeDirectorySync: return operation.kind == .syncDirectory && !operation.path.hasSuffix("/journal")
        case .compaction: return (entryLog || index) && writing.contains(operation.kind)
        case .garbageCollection: return checkpoint || operation.kind == .remove
        case .autorecoveryCopy: return inJournal
        }
    }
}
