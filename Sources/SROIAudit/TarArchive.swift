import Foundation
import SROICore

/// POSIX ustar archives: written with fixed metadata (modification time 0, owner 0, mode 0644),
/// so that the same files always give the same bytes; read as untrusted input.
///
/// Every header field is checked before it is used: a member's name is data, not a path. Only
/// regular files (and directories, which carry nothing) are accepted; links, devices, FIFOs,
/// extended headers, duplicate names, names that are absolute or climb out with `..`, sizes
/// that are not plain octal or run past the end, and bad checksums are refused with the member
/// and the byte where they were found.
public enum TarArchive {
    /// Why an archive is refused: where, which member, and what is wrong.
    public struct ReadError: Error, Equatable, CustomStringConvertible {
        /// The byte offset of the header at fault.
        public var offset: Int
        /// The member's name as far as it could be read.
        public var member: String?
        public var reason: String

        public var description: String {
            "byte \(offset)\(member.map { " (member '\(UserText.clip($0))')" } ?? ""): \(reason)"
        }
    }

    public struct WriteError: Error, CustomStringConvertible {
        public var description: String
    }

    /// The most members an archive may hold.
    public static let maximumMembers = 100_000
    /// The longest member name, in bytes.
    public static let maximumNameLength = 255

    /// The archive of `files` in path order, each member dated `modified` (seconds since 1970).
    public static func write(_ files: [(path: String, data: Data)], modified: Int = 0) throws(WriteError) -> Data {
        var archive = Data()
        for file in files.sorted(by: { $0.path < $1.path }) {
            var header = [UInt8](repeating: 0, count: 512)
            var name = file.path
            var prefix = ""
            if name.utf8.count > 100 {
                guard
                    let split = name.indices.filter({ name[$0] == "/" }).last(where: {
                        name[..<$0].utf8.count <= 155 && name[name.index(after: $0)...].utf8.count <= 100
                    })
                else { throw WriteError(description: "\(file.path): the path is too long for the archive") }
                prefix = String(name[..<split])
                name = String(name[name.index(after: split)...])
            }
            func put(_ text: String, at offset: Int, length: Int) {
                for (index, byte) in text.utf8.prefix(length).enumerated() { header[offset + index] = byte }
            }
            func octal(_ value: Int, length: Int) -> String {
                let digits = String(value, radix: 8)
                return String(repeating: "0", count: max(0, length - 1 - digits.count)) + digits
            }
            put(name, at: 0, length: 100)
            put("0000644", at: 100, length: 8)
            put("0000000", at: 108, length: 8)
            put("0000000", at: 116, length: 8)
            put(octal(file.data.count, length: 12), at: 124, length: 12)
            put(octal(max(0, modified), length: 12), at: 136, length: 12)
            put("        ", at: 148, length: 8)
            put("0", at: 156, length: 1)
            put("ustar", at: 257, length: 6)
            put("00", at: 263, length: 2)
            put(prefix, at: 345, length: 155)
            let checksum = header.reduce(0) { $0 + Int($1) }
            put(octal(checksum, length: 7), at: 148, length: 7)
            header[155] = UInt8(ascii: " ")
            archive.append(contentsOf: header)
            archive.append(file.data)
            let padding = (512 - file.data.count % 512) % 512
            archive.append(contentsOf: [UInt8](repeating: 0, count: padding))
        }
        archive.append(contentsOf: [UInt8](repeating: 0, count: 1024))
        return archive
    }

    /// The regular files of an archive, by path, in archive order.
    public static func read(_ archive: Data) throws(ReadError) -> [(path: String, data: Data)] {
        let bytes = [UInt8](archive)
        var files: [(path: String, data: Data)] = []
        var seen: Set<String> = []
        var offset = 0
        var members = 0
        while offset + 512 <= bytes.count {
            let header = bytes[offset..<(offset + 512)]
            if header.allSatisfy({ $0 == 0 }) {
                // The end: whatever follows must be padding.
                guard bytes[offset...].allSatisfy({ $0 == 0 }) else {
                    throw ReadError(offset: offset, member: nil, reason: "data follows the end of the archive")
                }
                return files
            }
            members += 1
            guard members <= maximumMembers else {
                throw ReadError(offset: offset, member: nil, reason: "more than \(maximumMembers) members")
            }
            func field(_ start: Int, _ length: Int) -> ArraySlice<UInt8> {
                let slice = header[(offset + start)..<(offset + start + length)]
                return slice.prefix { $0 != 0 }
            }
            let rawName = nameBytes(field(345, 155), field(0, 100))
            let displayName = String(decoding: rawName, as: UTF8.self)
            func refuse(_ reason: String) -> ReadError {
                ReadError(offset: offset, member: displayName, reason: reason)
            }

            guard let stored = octal(header[(offset + 148)..<(offset + 156)]) else {
                throw refuse("the header checksum is not an octal number")
            }
            var sum = 0
            for (index, byte) in header.enumerated() { sum += (148..<156).contains(index) ? 32 : Int(byte) }
            guard stored == sum else { throw refuse("the header checksum does not match (damaged or forged header)") }
            let magic = Array(header[(offset + 257)..<(offset + 265)])
            guard magic == Array("ustar\u{0}00".utf8) || magic == Array("ustar  \u{0}".utf8) else {
                throw refuse("not a ustar header")
            }
            guard let size = octal(header[(offset + 124)..<(offset + 136)]) else {
                throw refuse("the size is not a plain octal number")
            }
            let start = offset + 512
            guard size <= bytes.count - start else {
                throw refuse("the size, \(size) bytes, runs past the end of the archive")
            }
            let path = try checkedName(rawName, refuse)
            switch header[offset + 156] {
            case UInt8(ascii: "0"), 0:
                guard seen.insert(path).inserted else { throw refuse("the name appears twice") }
                files.append((path, Data(bytes[start..<(start + size)])))
            case UInt8(ascii: "5"):
                guard size == 0 else { throw refuse("a directory entry carries data") }
            case let type:
                let kind: String
                switch type {
                case UInt8(ascii: "1"): kind = "a hard link"
                case UInt8(ascii: "2"): kind = "a symbolic link"
                case UInt8(ascii: "3"), UInt8(ascii: "4"): kind = "a device"
                case UInt8(ascii: "6"): kind = "a FIFO"
                case UInt8(ascii: "x"), UInt8(ascii: "g"), UInt8(ascii: "L"), UInt8(ascii: "K"):
                    kind = "an extended header"
                default: kind = "of unknown type"
                }
                throw refuse("the member is \(kind); a bundle holds only regular files")
            }
            offset = start + (size + 511) / 512 * 512
        }
        throw ReadError(offset: offset, member: nil, reason: "the archive ends without its end-of-archive blocks")
    }

    /// `prefix/name`, or `name` when there is no prefix.
    private static func nameBytes(_ prefix: ArraySlice<UInt8>, _ name: ArraySlice<UInt8>) -> [UInt8] {
        prefix.isEmpty ? Array(name) : Array(prefix) + [UInt8(ascii: "/")] + Array(name)
    }

    /// A plain octal field: optional leading spaces, octal digits, then spaces or NULs to the end.
    /// Base-256 sizes and signs are refused.
    static func octal(_ field: ArraySlice<UInt8>) -> Int? {
        var value = 0
        var digits = 0
        var ended = false
        for byte in field {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "7"):
                guard !ended, digits < 20 else { return nil }
                value = value * 8 + Int(byte - UInt8(ascii: "0"))
                digits += 1
            case UInt8(ascii: " "), 0:
                if digits > 0 { ended = true }
            default: return nil
            }
        }
        return digits > 0 ? value : nil
    }

    /// A member name that stays inside the folder it is extracted to, or the reason it does not.
    private static func checkedName(_ raw: [UInt8], _ refuse: (String) -> ReadError) throws(ReadError) -> String {
        guard let name = String(validating: raw, as: UTF8.self) else { throw refuse("the name is not valid UTF-8") }
        guard !name.isEmpty else { throw refuse("the name is empty") }
        guard raw.count <= maximumNameLength else { throw refuse("the name is longer than \(maximumNameLength) bytes") }
        guard !name.hasPrefix("/") else { throw refuse("the name is absolute") }
        guard !name.unicodeScalars.contains(where: { $0.value < 0x20 || $0 == "\\" || $0.value == 0x7F }) else {
            throw refuse("the name holds a control character or a backslash")
        }
        var parts = name.split(separator: "/", omittingEmptySubsequences: false)
        if parts.last == "" { parts.removeLast() }
        for part in parts {
            if part == ".." { throw refuse("the name climbs out of its folder with '..'") }
            if part.isEmpty || part == "." { throw refuse("the name has an empty or '.' part") }
        }
        return parts.joined(separator: "/")
    }

    /// Extracts the regular files of an archive into a new private folder in `parent`, and
    /// returns its path. Nothing is written outside it, no file is followed or replaced, and on
    /// any failure the folder is removed.
    public static func extract(_ archive: Data, into parent: String) throws(ReadError) -> String {
        let files = try read(archive)
        var template = Array(((parent as NSString).appendingPathComponent("sroi-verify-XXXXXX")).utf8CString)
        guard let made = mkdtemp(&template) else {
            throw ReadError(
                offset: 0, member: nil,
                reason: "a folder to extract into cannot be made (\(String(cString: strerror(errno))))")
        }
        let folder = String(cString: made)
        for (path, data) in files {
            if let reason = place(path, data, in: folder) {
                removeTree(folder)
                throw ReadError(offset: 0, member: path, reason: reason)
            }
        }
        return folder
    }

    /// Writes one checked member below `folder`, making its directories; the reason on failure.
    private static func place(_ path: String, _ data: Data, in folder: String) -> String? {
        var directory = folder
        let parts = path.split(separator: "/")
        for part in parts.dropLast() {
            directory += "/" + part
            if mkdir(directory, 0o700) != 0 && errno != EEXIST {
                return "its folder cannot be made (\(String(cString: strerror(errno))))"
            }
            var status = stat()
            guard lstat(directory, &status) == 0, status.st_mode & S_IFMT == S_IFDIR else {
                return "its folder is taken by a file of the same name"
            }
        }
        let target = directory + "/" + parts.last!
        let descriptor = open(target, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { return "it cannot be written (\(String(cString: strerror(errno))))" }
        defer { close(descriptor) }
        let failed = data.withUnsafeBytes { buffer -> Bool in
            var offset = 0
            while offset < buffer.count {
                let written = Foundation.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return true
                }
                offset += written
            }
            return false
        }
        return failed ? "it cannot be written (\(String(cString: strerror(errno))))" : nil
    }

    /// Removes a folder this program made, with everything in it, following no links.
    public static func removeTree(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
    }
}
