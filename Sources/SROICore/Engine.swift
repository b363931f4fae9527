/// The engine's identity, written into every result and trace so that figures can be tied to
/// the code that produced them.
public enum Engine {
    public static let name = "sroi"
    public static let version = "0.1.0"
}
