import ArgumentParser

struct BookieCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bookie",
        abstract: "Run, list and inspect storage nodes (bookies).",
        subcommands: [BookieStart.self, BookieList.self, BookieInfoCommand.self, BookieFormat.self,
                      BookieReadJournal.self, BookieReadLog.self, BookieSanity.self, BookieDecommission.self]
    )
}
