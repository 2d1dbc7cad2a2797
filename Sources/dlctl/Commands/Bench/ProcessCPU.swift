import DLCore
import Foundation

/// CPU time (user and system) spent by processes of this machine, for benchmarks that show
/// where a machine's cores went: the cluster's bookies and proxies (their registrations carry
/// their pids), this process, its children.
enum ProcessCPU {
    /// Seconds of CPU process `pid` has used so far (0 when it is gone or not readable).
    static func seconds(of pid: Int32) -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return 0 }
        // After "pid (comm)": state is field 3, utime field 14, stime field 15.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// Seconds of CPU this process has used so far.
    static var ownSeconds: Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    /// The cluster's bookies and proxies, found once (a server that restarts is a new process,
    /// not counted), and the CPU seconds they used so far.
    struct Servers {
        var bookies: [Int32] = []
        var proxies: [Int32] = []

        static func find(_ store: any MetadataStore) async -> Servers {
            Servers(bookies: ((try? await BookieRegistration.available(in: store)) ?? []).map(\.pid),
                    proxies: ((try? await ProxyRegistration.all(in: store)) ?? []).map(\.pid))
        }

        var used: (bookies: Double, proxies: Double) {
            (bookies.reduce(0) { $0 + ProcessCPU.seconds(of: $1) }, proxies.reduce(0) { $0 + ProcessCPU.seconds(of: $1) })
        }
    }
}
