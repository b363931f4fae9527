import Foundation
import FuzzSupport
import SROILoad

// A scenario file of any bytes: read and validated. Any outcome but a crash, a hang or
// unbounded memory is a pass.
fuzz { bytes in
    guard let text = try? InputFiles.text(Data(bytes), path: "fuzz.yaml") else { return }
    _ = try? ScenarioLoader().load(text: text, file: "fuzz.yaml", directory: "/nonexistent")
}
