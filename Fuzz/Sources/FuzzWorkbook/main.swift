import Foundation
import FuzzSupport
import SROISpreadsheet

// A workbook of any bytes, read as a value map to its end or its first problem.
fuzz { bytes in
    guard let workbook = try? WorkbookReader.read(Data(bytes), file: "fuzz.xlsx") else { return }
    _ = try? ValueMapImport.read(workbook, file: "fuzz.xlsx")
}
