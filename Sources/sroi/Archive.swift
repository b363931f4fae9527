import Foundation

/// A POSIX ustar archive written with fixed metadata (modification time 0, owner 0, mode 0644),
/// so that the same files always give the same bytes.
enum TarArchive {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func write(_ files: [(path: String, data: Data)]) throws -> Data {
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
                else { throw Failure(description: "\(file.path): the path is too long for the archive") }
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
            put("00000000000", at: 136, length: 12)
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

    /// The regular files of a ustar archive, by path.
    static func read(_ archive: Data) throws -> [(path: String, data: Data)] {
        var files: [(path: String, data: Data)] = []
        let bytes = [UInt8](archive)
        var offset = 0
        while offset + 512 <= bytes.count {
            let header = Array(bytes[offset..<(offset + 512)])
            if header.allSatisfy({ $0 == 0 }) { break }
            func text(_ start: Int, _ length: Int) -> String {
                let field = header[start..<(start + length)].prefix { $0 != 0 }
                return String(decoding: field, as: UTF8.self)
            }
            let stored = Int(text(148, 8).trimmingCharacters(in: .whitespaces), radix: 8)
            var blank = header
            for index in 148..<156 { blank[index] = UInt8(ascii: " ") }
            guard stored == blank.reduce(0, { $0 + Int($1) }) else {
                throw Failure(description: "the archive is damaged at byte \(offset) (header checksum)")
            }
            guard let size = Int(text(124, 12).trimmingCharacters(in: .whitespaces), radix: 8),
                offset + 512 + size <= bytes.count
            else { throw Failure(description: "the archive is damaged at byte \(offset) (file size)") }
            let prefix = text(345, 155)
            let name = text(0, 100)
            let path = prefix.isEmpty ? name : prefix + "/" + name
            let type = header[156]
            if type == UInt8(ascii: "0") || type == 0 {
                files.append((path, Data(bytes[(offset + 512)..<(offset + 512 + size)])))
            }
            offset += 512 + (size + 511) / 512 * 512
        }
        return files
    }
}
