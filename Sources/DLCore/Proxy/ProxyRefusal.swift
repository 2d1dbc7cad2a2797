/// A proxy's final answer to a request, other than ok: retrying cannot change it. Its
/// description is the proxy's own line (the same words the embedded writer would use).
public struct ProxyRefusal: Error, Equatable, CustomStringConvertible {
    public var status: ProxyStatus
    public var detail: String
    public init(_ status: ProxyStatus, _ detail: String) {
        self.status = status
        self.detail = detail
    }
    public var description: String { detail }
}
