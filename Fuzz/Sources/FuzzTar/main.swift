import Foundation
import FuzzSupport
import SROIAudit

let folder = NSTemporaryDirectory() + "sroi-fuzz-tar-\(getpid())"

// An archive of any bytes: read, and when accepted, extracted into a private folder below
// `folder` and removed. Nothing may be written outside it, and nothing may be left behind.
fuzz { bytes in
    try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    if let extracted = try? TarArchive.extract(Data(bytes), into: folder) {
        precondition(extracted.hasPrefix(folder + "/"), "extracted outside its folder: \(extracted)")
        TarArchive.removeTree(extracted)
    }
    let left = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
    precondition(left.isEmpty, "extraction left files behind: \(left)")
}
