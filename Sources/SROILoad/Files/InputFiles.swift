import Foundation

/// Reading input files as untrusted: only regular files, never more than a stated size, and
/// never blocking on a FIFO or a device.
public enum InputFiles {
    /// Why a file was not read.
    public struct ReadError: Error, Equatable, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "\(path): \(reason)" }
    }

    /// The largest scenario, model, dataset definition or manifest read: 64 MiB.
    public static let documentLimit = 64 << 20
    /// The largest record store copied into a bundle: 4 GiB.
    public static let recordStoreLimit = 4 << 30

    /// The bytes of a regular file of at most `limit` bytes.
    public static func read(_ path: String, limit: Int = documentLimit) throws(ReadError) -> Data {
        // O_NONBLOCK: opening a FIFO must not wait for a writer; it is then refused as not regular.
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw ReadError(path: path, reason: "cannot be read (\(String(cString: strerror(errno))))")
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw ReadError(path: path, reason: "cannot be read (\(String(cString: strerror(errno))))")
        }
        guard status.st_mode & S_IFMT == S_IFREG else {
            throw ReadError(path: path, reason: "is not a regular file; only regular files are read as input")
        }
        let size = Int(status.st_size)
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
        guard !failed else { throw ReadError(path: path, reason: "cannot be read (\(String(cString: strerror(errno))))") }
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
            if lstat((root as NSString).appendingPathComponent(path), &status) == 0, status.st_mode & S_IFMT != S_IFDIR {
                found.append(path)
            }
        }
        return found.sorted()
    }
}
