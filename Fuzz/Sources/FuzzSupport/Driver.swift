import Foundation

@_silgen_name("LLVMFuzzerRunDriver")
private func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32

nonisolated(unsafe) private var target: ((UnsafeRawBufferPointer) -> Void)?

/// Runs libFuzzer (linked by -sanitize=fuzzer) over `body`, with the command line's options:
/// `-max_total_time=S`, a corpus folder, a crash file to replay.
public func fuzz(_ body: @escaping (UnsafeRawBufferPointer) -> Void) -> Never {
    target = body
    var argc = CommandLine.argc
    var argv = CommandLine.unsafeArgv
    let status = LLVMFuzzerRunDriver(&argc, &argv) { data, size in
        target!(UnsafeRawBufferPointer(start: data, count: size))
        return 0
    }
    exit(status)
}
