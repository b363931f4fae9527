import Foundation

/// Reading input files as untrusted: only regular files, never more than a stated size, and
/// never blocking on a FIFO or a device.
public enum InputFiles {
    /// Why a file was not read.
    public struct ReadError: Error, Equatable, CustomStringConvertible {
        public var path: String
        public var reason: String
        /// Where in the file, when the problem is in its text.
        public var line: Int?
        public var column: Int?

        public init(path: String, reason: String, line: Int? = nil, column: Int? = nil) {
            self.path = path
            self.reason = reason
            self.line = line
            self.column = column
        }

        public var description: String {
            "\(path)\(line.map { ":\($0)" } ?? "")\(column.map { ":\($0)" } ?? ""): \(reason)"
        }
    }

    /// The largest scenario, model, dataset definition or manifest read: 64 MiB.
    public static let documentLimit = 64 << 20
    /// The largest record store copied into a bundle: 4 GiB.
    public static let recordStoreLimit = 4 << 30

    /// Opens a regular file for reading and returns its descriptor and size; the caller closes
    /// it. A FIFO, device, socket or folder is refused without waiting on it.
    public static func openRegular(_ path: String) throws(ReadError) -> (descriptor: Int32, size: Int) {
        // O_NONBLOCK: opening a FIFO must not wait for a writer; it is then refused as not regular.
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw ReadError(path: path, reason: "cannot be read (\(String(cString: strerror(errno))))")
        }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            close(descriptor)
            throw ReadError(path: path, reason: "cannot be read (\(String(cString: strerror(errno))))")
        }
        guard status.st_mode & S_IFMT == S_IFREG else {
            close(descriptor)
            throw ReadError(path: path, reason: "is not a regular file; only regular files are read as input")
        }
        // Reads from here on block as usual.
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) & ~O_NONBLOCK)
        return (descriptor, Int(status.st_size))
    }

    /// The bytes of a regular file of at most `limit` bytes.
    public static func read(_ path: String, limit: Int = documentLimit) throws(ReadError) -> Data {
        let (descriptor, size) = try openRegular(path)
        defer { close(descriptor) }
        guard size <= limit else {
            throw ReadError(path: path, reason: "is \(size) bytes, more than the \(limit) bytes read as input")
        }
        var data = Data(count: size)
        var total = 0
        let failed = data.withUnsafeMutableBytes { buffer -> Bool in
            while total < size {
                let got = Foundation.read(descriptor, buffer.baseAddress! + total, size - total)
                if got < 0 {
                    if errno == EINTR || errno == EAGAIN { continue }
                    return true
                }
                if got == 0 { break }
                total += got
            }
            return false
        }
        guard !failed else {
            throw ReadError(path: path, reason: "cannot be read (\(String(cString: strerror(errno))))")
        }
        // A file that shrank while being read is read as it now is.
        return total == size ? data : data.prefix(total)
    }

    /// A file below `root`, named relative to it: the name must not climb out, and the file it
    /// resolves to, links followed, must lie below `root` too.
    public static func read(_ relative: String, within root: String, limit: Int = documentLimit) throws(ReadError)
        -> Data
    {
        guard isInside(relative) else {
            throw ReadError(path: relative, reason: "lies outside the folder it is read from (\(root))")
        }
        let full = (root as NSString).appendingPathComponent(relative)
        guard let resolvedRoot = resolved(root), let resolvedFile = resolved(full) else {
            throw ReadError(path: relative, reason: "cannot be read: no such file")
        }
        guard resolvedFile.hasPrefix(resolvedRoot.hasSuffix("/") ? resolvedRoot : resolvedRoot + "/") else {
            throw ReadError(path: relative, reason: "is a link to a file outside the folder it is read from (\(root))")
        }
        return try read(full, limit: limit)
    }

    /// The path with every link and `..` resolved by the file system; `nil` when it does not exist.
    public static func resolved(_ path: String) -> String? {
        guard let pointer = realpath(path, nil) else { return nil }
        defer { free(pointer) }
        return String(cString: pointer)
    }

    /// How to name a file that exists: relative to the working directory when it lies below it,
    /// otherwise its absolute resolved path. `..` and links are resolved by the file system,
    /// as they are when the file is opened.
    public static func canonicalName(_ path: String) -> String? {
        guard let file = resolved(path) else { return nil }
        if let directory = resolved(FileManager.default.currentDirectoryPath) {
            let prefix = directory.hasSuffix("/") ? directory : directory + "/"
            if file.hasPrefix(prefix) { return String(file.dropFirst(prefix.count)) }
        }
        return file
    }

    /// A document's bytes as text: UTF-8, with a byte-order mark (as Notepad and Excel write it)
    /// dropped. Bytes that are not UTF-8 are refused with their line and column, never replaced.
    public static func text(_ data: Data, path: String) throws(ReadError) -> String {
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        var decoder = UTF8()
        var iterator = bytes.makeIterator()
        var offset = 0
        var line = 1
        var column = 1
        while case .scalarValue(let scalar) = decoder.decode(&iterator) {
            offset += UTF8.width(scalar)
            if scalar == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        let byte = offset < bytes.count ? String(bytes[offset], radix: 16, uppercase: true) : "?"
        throw ReadError(
            path: path,
            reason: "byte 0x\(byte) is not UTF-8; save the file as UTF-8 (in Notepad: Save as, Encoding UTF-8)",
            line: line, column: column)
    }

    /// Whether a relative path stays below the folder it is read from: not absolute, no `..`.
    public static func isInside(_ path: String) -> Bool {
        !path.isEmpty && !path.hasPrefix("/") && !path.split(separator: "/").contains("..")
    }

    /// Every regular file below `root`, as sorted paths relative to it; links are not followed.
    public static func regularFiles(below root: String) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: root) else { return [] }
        var found: [String] = []
        while let path = enumerator.nextObject() as? String {
            var status = stat()
            if lstat((root as NSString).appendingPathComponent(path), &status) == 0, status.st_mode & S_IFMT != S_IFDIR
            {
                found.append(path)
            }
        }
        return found.sorted()
    }
}
