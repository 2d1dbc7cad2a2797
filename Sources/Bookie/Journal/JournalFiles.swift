import Foundation

/// Naming and listing of journal files: `journal/<16 hex digits>.jnl`, in id order.
public enum JournalFiles {
    public static let fileSize: Int64 = 64 * 1024 * 1024

    public static func name(_ id: UInt64) -> String {
        let hex = String(id, radix: 16)
        return String(repeating: "0", count: max(0, 16 - hex.count)) + hex + ".jnl"
    }

    public static func id(ofName name: String) -> UInt64? {
        guard name.hasSuffix(".jnl"), name.count == 20 else { return nil }
        return UInt64(name.prefix(16), radix: 16)
    }

    /// Ids of the journal files in `directory`, ascending.
    public static func list(_ directory: String) -> [UInt64] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.compactMap(id(ofName:)).sorted()
    }
}
