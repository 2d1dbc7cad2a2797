import DLCore
import Testing
import TestSupport

@Suite struct AdmissionQueueTests {
    @Test func aCallerEntersAtOnceOnlyWhenTheWindowHasRoomAndNobodyWaits() {
        var queue = AdmissionQueue()
        #expect(queue.arrive(windowFull: false) == nil)
        let first = queue.arrive(windowFull: true)
        #expect(first != nil)
        // Room again, but a caller waits: the newcomer queues behind it.
        let second = queue.arrive(windowFull: false)
        #expect(second != nil && second != first)
        #expect(queue.resumeNext(windowFull: true) == nil, "no room: nobody is let in")
        #expect(queue.resumeNext(windowFull: false) == first)
        // Until the first has entered, nobody else is let in, and newcomers still queue.
        #expect(queue.resumeNext(windowFull: false) == nil)
        let third = queue.arrive(windowFull: false)
        #expect(third != nil)
        queue.entered(first!)
        #expect(queue.resumeNext(windowFull: false) == second)
        queue.entered(second!)
        #expect(queue.resumeNext(windowFull: false) == third)
        queue.entered(third!)
        #expect(queue.count == 0)
        #expect(queue.arrive(windowFull: false) == nil)
    }

    /// Random arrivals, acknowledgements and entries: callers enter in the order they arrived
    /// (those that entered at once arrived when nobody waited), and nobody waits while the window
    /// has room and nobody is being let in.
    @Test(arguments: 1...20)
    func callersEnterInTheOrderTheyArrived(_ seed: Int) {
        var random = SeededGenerator(seed: UInt64(seed))
        var queue = AdmissionQueue()
        var full = false
        var arrivals: [Int] = []
        var entries: [Int] = []
        var tickets: [UInt64: Int] = [:]
        var letIn: (ticket: UInt64, caller: Int)?
        for caller in 0..<2_000 {
            switch Int.random(in: 0..<4, using: &random) {
            case 0: full.toggle()
            case 1:
                if let (ticket, who) = letIn {
                    queue.entered(ticket)
                    entries.append(who)
                    letIn = nil
                }
            case 2:
                if letIn == nil, let ticket = queue.resumeNext(windowFull: full) {
                    letIn = (ticket, tickets.removeValue(forKey: ticket)!)
                }
            default:
                arrivals.append(caller)
                if let ticket = queue.arrive(windowFull: full) { tickets[ticket] = caller } else { entries.append(caller) }
            }
        }
        #expect(entries == Array(arrivals.prefix(entries.count)), "entered in arrival order")
    }
}
