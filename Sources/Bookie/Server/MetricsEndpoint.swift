import DLCore
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// A minimal HTTP endpoint: `GET /metrics` (Prometheus text) and `GET /info` (JSON).
final class MetricsHTTPHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let service: BookieService
    private var path = "/"

    init(service: BookieService) { self.service = service }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case let .head(head): path = head.uri
        case .body: break
        case .end:
            let (status, type, body): (HTTPResponseStatus, String, String)
            switch path {
            case "/metrics": (status, type, body) = (.ok, "text/plain; version=0.0.4", PrometheusText.render(service))
            case "/info": (status, type, body) = (.ok, "application/json", String(decoding: service.infoJSON(), as: UTF8.self))
            default: (status, type, body) = (.notFound, "text/plain", "not found: try /metrics or /info\n")
            }
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: type)
            headers.add(name: "Content-Length", value: "\(body.utf8.count)")
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: body)))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }
}

/// The bookie's statistics in Prometheus' text exposition format.
enum PrometheusText {
    static func render(_ service: BookieService) -> String {
        let info = service.info()
        var lines: [String] = []
        func metric(_ name: String, _ type: String, _ help: String, _ value: String, labels: String = "") {
            lines.append("# HELP \(name) \(help)")
            lines.append("# TYPE \(name) \(type)")
            lines.append("\(name)\(labels) \(value)")
        }
        metric("dlctl_bookie_adds_total", "counter", "Entries added and acknowledged.", "\(info.stats.adds)")
        metric("dlctl_bookie_add_bytes_total", "counter", "Payload bytes added.", "\(info.stats.addBytes)")
        metric("dlctl_bookie_adds_refused_total", "counter", "Adds refused (fenced, read-only, overload, bad request).", "\(info.stats.addsRefused)")
        metric("dlctl_bookie_reads_total", "counter", "Entries read.", "\(info.stats.reads)")
        metric("dlctl_bookie_read_bytes_total", "counter", "Payload bytes read.", "\(info.stats.readBytes)")
        metric("dlctl_bookie_journal_queue_depth", "gauge", "Records waiting for the journal.", "\(info.stats.journalQueueDepth)")
        metric("dlctl_bookie_write_cache_bytes", "gauge", "Bytes in the write cache.", "\(info.writeCacheBytes)")
        metric("dlctl_bookie_ledgers", "gauge", "Ledgers stored.", "\(info.ledgers)")
        metric("dlctl_bookie_disk_used_ratio", "gauge", "Used share of the data disk.", String(format: "%.4f", info.disk.usedFraction))
        metric("dlctl_bookie_read_only", "gauge", "1 when the bookie is read-only.", info.state == .readonly ? "1" : "0")
        metric("dlctl_bookie_doubt_below_ledger_id", "gauge",
               "While the journal damage doubt lasts, the ledger id below which misses are errors; 0 otherwise.",
               "\(info.doubtBelowLedgerId ?? 0)")
        let autorecovery = AutorecoveryCounters.process
        metric("dlctl_autorecovery_underreplicated_ledgers", "gauge", "Ledgers marked under-replicated (-1 before this bookie's worker counted).",
               "\(autorecovery.underReplicatedLedgers.load(ordering: .relaxed))")
        metric("dlctl_autorecovery_fragments_copied_total", "counter", "Fragments this bookie's worker copied to a replacement.",
               "\(autorecovery.fragmentsCopied.load(ordering: .relaxed))")
        metric("dlctl_autorecovery_entries_copied_total", "counter", "Entries this bookie's worker copied.",
               "\(autorecovery.entriesCopied.load(ordering: .relaxed))")
        metric("dlctl_autorecovery_bytes_copied_total", "counter", "Payload bytes this bookie's worker copied.",
               "\(autorecovery.bytesCopied.load(ordering: .relaxed))")
        metric("dlctl_autorecovery_ledgers_replicated_total", "counter", "Ledgers this bookie's worker re-replicated.",
               "\(autorecovery.ledgersReplicated.load(ordering: .relaxed))")
        lines.append("# HELP dlctl_bookie_journal_fsync_seconds Journal write group fdatasync latency.")
        lines.append("# TYPE dlctl_bookie_journal_fsync_seconds histogram")
        for (bound, count) in service.journal.syncLatency.cumulativeBuckets() {
            lines.append("dlctl_bookie_journal_fsync_seconds_bucket{le=\"\(bound)\"} \(count)")
        }
        lines.append("dlctl_bookie_journal_fsync_seconds_bucket{le=\"+Inf\"} \(info.stats.journalSyncs)")
        lines.append("dlctl_bookie_journal_fsync_seconds_sum \(service.journal.syncLatency.sumSeconds)")
        lines.append("dlctl_bookie_journal_fsync_seconds_count \(info.stats.journalSyncs)")
        lines.append("# HELP dlctl_bookie_ledger_adds_total Adds per ledger (top 20).")
        lines.append("# TYPE dlctl_bookie_ledger_adds_total counter")
        for (ledger, adds) in info.stats.addsPerLedger.sorted(by: { $0.key < $1.key }) {
            lines.append("dlctl_bookie_ledger_adds_total{ledger=\"\(ledger)\"} \(adds)")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
