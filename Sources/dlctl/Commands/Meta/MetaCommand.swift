import ArgumentParser

struct MetaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "meta",
        abstract: "Inspect and edit raw metadata nodes (for debugging).",
        subcommands: [MetaList.self, MetaGet.self, MetaCreate.self, MetaSet.self, MetaDelete.self, MetaWatch.self]
    )
}

/// How node data is shown: as text when it is printable UTF-8, else as hex.
enum NodeDataText {
    static func render(_ data: [UInt8], hex: Bool) -> String {
        if !hex, let text = String(validating: data, as: UTF8.self),
           text.unicodeScalars.allSatisfy({ $0.value >= 0x20 || $0 == "\n" || $0 == "\t" }) {
            return text
        }
        return data.map { String(format: "%02x", $0) }.joined()
    }
}
