import Foundation
import FuzzSupport
import SROIData

let path = NSTemporaryDirectory() + "sroi-fuzz-\(getpid()).csv"

// A CSV file of any bytes, read by the importer's own reader to its end or its first problem.
fuzz { bytes in
    FileManager.default.createFile(atPath: path, contents: Data(bytes))
    _ = try? CSVPreview.read(path: path, maximumRecords: 10_000)
}
