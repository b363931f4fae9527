import Foundation

/// Writes output files whole or not at all: each file goes to a temporary name in the same
/// directory and is renamed into place, so a reader never sees half a file.
public enum OutputFiles {
    public struct WriteError: Error, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "cannot write \(path): \(reason)" }
    }

    /// Writes every file, or none: all are staged first, then renamed into place.
    public static func write(_ files: [(name: String, contents: String)], to directory: String) throws(WriteError) {
        try write(files.map { (name: $0.name, data: Data($0.contents.utf8)) }, to: directory)
    }

    /// Writes every file's bytes, or none.
    public static func write(_ files: [(name: String, data: Data)], to directory: String) throws(WriteError) {
        let manager = FileManager.default
        do {
            try manager.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw WriteError(path: directory, reason: "the directory cannot be created (\(error.localizedDescription))")
        }
        var staged: [(temporary: String, final: String)] = []
        for file in files {
            let final = (directory as NSString).appendingPathComponent(file.name)
            let temporary = (directory as NSString).appendingPathComponent(
                ".\(file.name).\(ProcessInfo.processInfo.processIdentifier).tmp")
            guard manager.createFile(atPath: temporary, contents: file.data) else {
                for item in staged { try? manager.removeItem(atPath: item.temporary) }
                throw WriteError(path: final, reason: "the file cannot be created")
            }
            staged.append((temporary, final))
        }
        for item in staged {
            if rename(item.temporary, item.final) != 0 {
                let reason = String(cString: strerror(errno))
                for rest in staged { try? manager.removeItem(atPath: rest.temporary) }
                throw WriteError(path: item.final, reason: reason)
            }
        }
    }
}
