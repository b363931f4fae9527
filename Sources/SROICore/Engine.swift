/// The engine's identity, written into every result and trace so that figures can be tied to
/// the code that produced them.
public enum Engine {
    public static let name = "sroi"
    public static let version = "0.1.0"
}

extension Engine {
    /// How this engine was built: configuration, compiler and platform. Two builds of one
    /// version give the same figures; the build is recorded so that a difference can be traced.
    public static let build: String = {
        #if DEBUG
            let configuration = "debug"
        #else
            let configuration = "release"
        #endif
        #if compiler(>=6.2)
            let compiler = "Swift 6.2 or later"
        #elseif compiler(>=6.0)
            let compiler = "Swift 6.0-6.1"
        #else
            let compiler = "Swift 5"
        #endif
        #if os(Linux)
            let platform = "Linux"
        #elseif os(macOS)
            let platform = "macOS"
        #else
            let platform = "another platform"
        #endif
        #if arch(x86_64)
            let architecture = "x86_64"
        #elseif arch(arm64)
            let architecture = "arm64"
        #else
            let architecture = "another architecture"
        #endif
        return "\(configuration), \(compiler), \(platform) \(architecture)"
    }()
}
