import Dispatch

/// A value one thread or task sets and others read, behind a lock.
public final class Shared<Value: Sendable>: @unchecked Sendable {
    private let queue = DispatchQueue(label: "sroi.shared")
    private var stored: Value?

    public init() {}

    public func set(_ value: Value) {
        queue.sync { stored = value }
    }

    public var value: Value? { queue.sync { stored } }
}
