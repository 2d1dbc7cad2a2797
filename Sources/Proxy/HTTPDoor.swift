import DLCore
import Foundation
import NIOCore
import NIOHTTP1

/// The HTTP door of a write proxy (DESIGN.md section 10): append and read records, list and
/// show logs, metrics and health, errors as JSON with the CLI's exit statuses. Writes and
/// follows go through the tier like any client's (the ring, redirects followed by the proxy
/// itself), so an HTTP client needs no ring and a log owned by another proxy works the same.
///
///     POST /v1/logs/NS/LOG/records    body: lines, NDJSON or length-prefixed (Content-Type)
///     GET  /v1/logs/NS/LOG/records?from=start|end|DLSN|txid:N[&follow=1][&limit=N]   NDJSON
///     GET  /v1/logs                   every log, as NS/LOG
///     GET  /v1/logs/NS/LOG            what 'dlctl log show' says
///     GET  /metrics  /healthz  /info
struct HTTPDoor: Sendable {
    static let maxBodyBytes = 64 << 20

    let service: ProxyService
    let store: any MetadataStore
    let connections: BookieConnections
    let client: ProxyClient
    /// Bounds one write's trip through the tier (redirects and a failover included).
    let writeTimeout: Duration

    func answer(_ request: HTTPDoorRequest, _ responder: HTTPResponder) async {
        let parts = request.path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        do {
            switch (parts.first, parts.count) {
            case ("metrics", 1):
                try only(.GET, request)
                responder.send(.ok, type: "text/plain; version=0.0.4", Self.prometheus(await service.info()))
            case ("healthz", 1):
                try only(.GET, request)
                let info = await service.info()
                responder.json(["status": info.status, "address": info.address])
            case ("info", 1):
                try only(.GET, request)
                responder.json(await service.info())
            case ("v1", _) where parts.count >= 2 && parts[1] == "logs":
                try await logs(Array(parts.dropFirst(2)), request, responder)
            default:
                throw HTTPDoorError.notFound("no such path \(request.path): try /v1/logs, /metrics or /healthz")
            }
        } catch {
            responder.error(HTTPDoorError(error))
        }
    }

    private func only(_ method: HTTPMethod, _ request: HTTPDoorRequest) throws(HTTPDoorError) {
        guard request.method == method else { throw .methodNotAllowed("\(request.method) \(request.path): only \(method) is served here") }
    }

    private func logs(_ parts: [String], _ request: HTTPDoorRequest, _ responder: HTTPResponder) async throws {
        switch parts.count {
        case 0:
            try only(.GET, request)
            let catalog = LogCatalog(store: store)
            var names: [String] = []
            for namespace in try await catalog.namespaces().sorted() {
                names += try await catalog.logs(in: namespace).sorted().map { "\(namespace)/\($0)" }
            }
            responder.json(names)
        case 2:
            try only(.GET, request)
            responder.json(try await LogSummary.gather(try LogName(namespace: parts[0], log: parts[1]), store: store, connections: connections))
        case 3 where parts[2] == "records":
            let name = try LogName(namespace: parts[0], log: parts[1])
            switch request.method {
            case .POST: try await append(name, request, responder)
            case .GET: try await read(name, request, responder)
            default: throw HTTPDoorError.methodNotAllowed("\(request.method) \(request.path): GET or POST")
            }
        default:
            throw HTTPDoorError.notFound("no such path \(request.path): /v1/logs/NS/LOG or /v1/logs/NS/LOG/records")
        }
    }

    // MARK: Records

    private struct Appended: Encodable {
        var log: String
        var records: Int
        var dlsns: [String]
    }

    /// Appends the body's records in order, creating the log if needed (as 'dlctl write' does).
    private func append(_ name: LogName, _ request: HTTPDoorRequest, _ responder: HTTPResponder) async throws {
        let records = try request.records()
        let catalog = LogCatalog(store: store)
        if try await !catalog.exists(name) {
            do { try await catalog.createLog(name) } catch LogError.logExists {}
        }
        let writer = ProxyLogWriter(log: name.description, client: client, timeout: writeTimeout)
        let dlsns = Locked([DLSN?](repeating: nil, count: records.count))
        for (index, payload) in records.enumerated() {
            try await writer.enqueue(payload) { result in
                if case let .success(dlsn) = result { dlsns.withLock { $0[index] = dlsn } }
            }
        }
        try await writer.close()
        responder.json(Appended(log: name.description, records: records.count,
                                dlsns: dlsns.withLock { $0 }.map { $0?.description ?? "" }))
    }

    /// Streams records as NDJSON (`RecordEnvelope`, as 'dlctl tail --output json' prints):
    /// to the log's current end, or with follow=1 on as they are acknowledged.
    private func read(_ name: LogName, _ request: HTTPDoorRequest, _ responder: HTTPResponder) async throws {
        let start = try request.start()
        let follow = ["1", "true", "yes"].contains(request.query["follow"] ?? "0")
        var limit: Int?
        if let text = request.query["limit"] {
            guard let value = Int(text), value > 0 else { throw HTTPDoorError.badRequest("limit=\(text) is not a positive number") }
            limit = value
        }
        let source: any RecordSource
        var follower: ProxyLogFollower?
        if follow {
            guard try await LogCatalog(store: store).exists(name) else { throw LogError.noSuchLog(name.description) }
            let proxied = ProxyLogFollower(log: name.description, client: client, from: start, reconnectTimeout: writeTimeout)
            follower = proxied
            source = proxied
        } else {
            source = try await LogReader(name, store: store, connections: connections, from: start, follow: false)
        }
        defer { follower?.close() }
        // The client going away cancels this task; a follower waiting for records ends then too.
        try await withTaskCancellationHandler {
            try await stream(source, follow: follow, limit: limit, responder)
        } onCancel: { [follower] in
            follower?.close()
        }
    }

    private func stream(_ source: any RecordSource, follow: Bool, limit: Int?, _ responder: HTTPResponder) async throws {
        // A read to the end: its first record (or the end) decides the status, so an error
        // before it is a JSON error. A follow answers at once and streams as records come.
        var pending: PositionedRecord?
        if follow {
            responder.startStream(type: "application/x-ndjson")
            do { pending = try await source.next() } catch {
                return responder.endStream(trailer: HTTPDoorError(error))
            }
        } else {
            pending = try await source.next()
            responder.startStream(type: "application/x-ndjson")
        }
        var sent = 0
        var output = Data()
        do {
            while let record = pending {
                output += try RecordEnvelope.encoder.encode(RecordEnvelope(record))
                output.append(0x0A)
                sent += 1
                if let limit, sent >= limit { break }
                if !source.hasBufferedRecords || output.count >= 64 * 1024 {
                    try await responder.chunk(output)
                    output.removeAll(keepingCapacity: true)
                }
                try Task.checkCancellation()
                pending = try await source.next()
            }
            if !output.isEmpty { try await responder.chunk(output) }
            responder.endStream()
        } catch is CancellationError {
        } catch {
            // Mid-stream: the last line says why it ended.
            if !output.isEmpty { try? await responder.chunk(output) }
            responder.endStream(trailer: HTTPDoorError(error))
        }
    }

    // MARK: Metrics

    static func prometheus(_ info: ProxyInfo) -> String {
        var lines: [String] = []
        func metric(_ name: String, _ type: String, _ help: String, _ value: String) {
            lines += ["# HELP \(name) \(help)", "# TYPE \(name) \(type)", "\(name) \(value)"]
        }
        metric("dlctl_proxy_write_requests_total", "counter", "Write requests received.", "\(info.requests)")
        metric("dlctl_proxy_write_bytes_total", "counter", "Record bytes in write requests.", "\(info.bytes)")
        metric("dlctl_proxy_connections", "gauge", "Client connections open.", "\(info.connections)")
        metric("dlctl_proxy_owned_logs", "gauge", "Logs this proxy owns.", "\(info.ownedLogs.count)")
        metric("dlctl_proxy_followers", "gauge", "Followers of logs this proxy serves.", "\(info.followers)")
        metric("dlctl_proxy_draining", "gauge", "1 while the proxy takes no new logs.", info.draining ? "1" : "0")
        metric("dlctl_proxy_writes_over_soft_limit_total", "counter", "Writes let through above a soft limit.", "\(info.overSoftLimit)")
        metric("dlctl_proxy_writes_over_capacity_total", "counter", "Writes refused above a hard limit.", "\(info.overCapacity)")
        return lines.joined(separator: "\n") + "\n"
    }
}
