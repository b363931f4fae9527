import Foundation

/// Bytes on their way to a file, written out a megabyte at a time so that a large document is
/// never held whole in memory.
public struct ByteSink {
    public private(set) var bytes: [UInt8] = []
    private let drain: ((inout [UInt8]) -> Void)?

    /// A sink that keeps everything, for text needed in memory.
    public init() {
        drain = nil
    }

    init(drain: @escaping (inout [UInt8]) -> Void) {
        self.drain = drain
        bytes.reserveCapacity(1 << 20)
    }

    @inline(__always)
    public mutating func append(_ byte: UInt8) { bytes.append(byte) }

    @inline(__always)
    public mutating func append(contentsOf text: String.UTF8View) { bytes.append(contentsOf: text) }

    public mutating func append(contentsOf data: some Sequence<UInt8>) { bytes.append(contentsOf: data) }

    /// Hands the bytes so far to the file once there is a megabyte of them.
    public mutating func flushIfLarge() {
        guard let drain, bytes.count >= 1 << 20 else { return }
        drain(&bytes)
    }

    mutating func finish() {
        drain?(&bytes)
    }
}

/// One file to write: its name, and how its bytes are produced.
public struct OutputFile {
    public var name: String
    let produce: (inout ByteSink) -> Void

    public init(name: String, produce: @escaping (inout ByteSink) -> Void) {
        self.name = name
        self.produce = produce
    }

    public init(name: String, text: String) {
        self.init(name: name) { $0.append(contentsOf: text.utf8) }
    }

    public init(name: String, data: Data) {
        self.init(name: name) { $0.append(contentsOf: data) }
    }

    public init(name: String, json: JSON) {
        self.init(name: name) { json.write(into: &$0) }
    }
}

/// Writes output files whole or not at all: each file goes to a new temporary name in the same
/// directory and is renamed into place only when every file is complete, so a reader never
/// sees half a file and a failure leaves nothing behind.
///
/// Output never replaces what is not its own: `--out` must be a directory (or not exist), and a
/// name that is taken by anything but a regular file (a directory, a link, a device) is refused.
/// Temporary files left by a process that was killed are removed by the next write there.
public enum OutputFiles {
    public struct WriteError: Error, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "cannot write \(path): \(reason)" }
    }

    /// Writes every file, or none.
    public static func write(_ files: [(name: String, contents: String)], to directory: String) throws(WriteError) {
        try write(files.map { OutputFile(name: $0.name, text: $0.contents) }, to: directory)
    }

    /// The start of the names of files and folders being written, so that a later run can tidy them.
    public static let temporaryMarker = ".sroi-partial-"

    /// Writes every file, or none: all are staged first, then renamed into place.
    public static func write(_ files: [OutputFile], to directory: String) throws(WriteError) {
        try prepare(directory)
        removeStaleTemporaries(in: directory)
        let manager = FileManager.default
        var staged: [(temporary: String, final: String)] = []
        func discard() {
            for item in staged { unlink(item.temporary) }
        }
        for file in files {
            let final = (directory as NSString).appendingPathComponent(file.name)
            if let refusal = refusalToReplace(final) {
                discard()
                throw WriteError(path: final, reason: refusal)
            }
            let folder = (final as NSString).deletingLastPathComponent
            do {
                try manager.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                discard()
                throw WriteError(
                    path: folder, reason: "the directory cannot be created (\(error.localizedDescription))")
            }
            let temporary = (folder as NSString).appendingPathComponent(
                "\(temporaryMarker)\(getpid())-\(UInt32.random(in: 0...UInt32.max))-\((file.name as NSString).lastPathComponent)"
            )
            if let reason = writeNew(temporary, file) {
                discard()
                throw WriteError(path: final, reason: reason)
            }
            staged.append((temporary, final))
        }
        for (index, item) in staged.enumerated() where rename(item.temporary, item.final) != 0 {
            let reason = String(cString: strerror(errno))
            for rest in staged[index...] { unlink(rest.temporary) }
            throw WriteError(path: item.final, reason: reason)
        }
    }

    /// The output directory exists, or is made; anything else at its path is refused.
    private static func prepare(_ directory: String) throws(WriteError) {
        var status = stat()
        if lstat(directory, &status) == 0 {
            guard status.st_mode & S_IFMT == S_IFDIR else {
                throw WriteError(
                    path: directory,
                    reason:
                        "it exists and is not a directory; --out names a directory to write into, and nothing else is replaced"
                )
            }
            return
        }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw WriteError(path: directory, reason: "the directory cannot be created (\(error.localizedDescription))")
        }
    }

    /// Why a path must not be replaced: it is taken by something other than a regular file.
    static func refusalToReplace(_ path: String) -> String? {
        var status = stat()
        guard lstat(path, &status) == 0 else { return nil }
        switch status.st_mode & S_IFMT {
        case S_IFREG: return nil
        case S_IFDIR: return "a directory of that name is in the way; it is not replaced"
        case S_IFLNK: return "a link of that name is in the way; it is not followed or replaced"
        default: return "something that is not a regular file is in the way; it is not replaced"
        }
    }

    /// Removes temporary files and folders of this program whose writer is no longer running.
    public static func removeStaleTemporaries(in directory: String) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        for name in names where name.hasPrefix(temporaryMarker) {
            let rest = name.dropFirst(temporaryMarker.count)
            guard let pid = rest.split(separator: "-").first.flatMap({ pid_t($0) }), pid > 0 else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH {
                try? FileManager.default.removeItem(atPath: (directory as NSString).appendingPathComponent(name))
            }
        }
    }

    /// Writes a file's bytes to a new file; the reason when it fails, with nothing left behind.
    private static func writeNew(_ path: String, _ file: OutputFile) -> String? {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard descriptor >= 0 else { return "the file cannot be created (\(String(cString: strerror(errno))))" }
        var failure: String?
        var sink = ByteSink { bytes in
            if failure == nil { failure = writeAll(descriptor, bytes) }
            bytes.removeAll(keepingCapacity: true)
        }
        file.produce(&sink)
        sink.finish()
        if failure == nil, fsync(descriptor) != 0 { failure = String(cString: strerror(errno)) }
        if close(descriptor) != 0, failure == nil { failure = String(cString: strerror(errno)) }
        if failure != nil { unlink(path) }
        return failure
    }

    private static func writeAll(_ descriptor: Int32, _ bytes: [UInt8]) -> String? {
        bytes.withUnsafeBytes { buffer -> String? in
            var offset = 0
            while offset < buffer.count {
                let written = Foundation.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return String(cString: strerror(errno))
                }
                offset += written
            }
            return nil
        }
    }
}
