import Crypto
import Foundation
import SROILoad
import SROIReport

/// An Ed25519 key pair that signs audit bundles, and the public half a funder trusts.
///
/// Both are small JSON files. The private key file is written once with owner-only
/// permissions and is never replaced; the public key file names the signer and the key's
/// fingerprint, so that a funder can compare it with the one the grantee sent by another way.
public struct SigningKey: Sendable {
    public static let privateFormat = "sroi-signing-key/1"
    public static let publicFormat = "sroi-public-key/1"
    public static let privateFileName = "sroi-signing.key"
    public static let publicFileName = "sroi-signing.pub"
    /// Key files are a few hundred bytes; anything larger is not one.
    static let fileLimit = 16 << 10

    /// Who signs: an organisation or a person, as the key declares it.
    public var name: String
    /// The raw key: Crypto's key types are not `Sendable`, their bytes are.
    let raw: Data
    var key: Curve25519.Signing.PrivateKey { try! Curve25519.Signing.PrivateKey(rawRepresentation: raw) }

    public var publicKey: PublicSigningKey { PublicSigningKey(name: name, key: key.publicKey) }

    /// A new random key pair.
    public init(name: String) {
        self.name = name
        self.raw = Curve25519.Signing.PrivateKey().rawRepresentation
    }

    /// Why a key file could not be written or read.
    public struct KeyError: Error, CustomStringConvertible, Equatable {
        public var path: String
        public var reason: String
        public var description: String { "\(path): \(reason)" }
    }

    /// Writes the pair into `folder` (created if missing, owner-only): the private key with mode
    /// 0600, the public key beside it. Nothing already there is replaced.
    public func write(into folder: String) throws(KeyError) -> (privateKey: String, publicKey: String) {
        var status = stat()
        if lstat(folder, &status) != 0 {
            guard mkdir(folder, 0o700) == 0 else {
                throw KeyError(path: folder, reason: String(cString: strerror(errno)))
            }
        } else if status.st_mode & S_IFMT != S_IFDIR {
            throw KeyError(path: folder, reason: "is not a folder")
        }
        let privatePath = (folder as NSString).appendingPathComponent(Self.privateFileName)
        let publicPath = (folder as NSString).appendingPathComponent(Self.publicFileName)
        for path in [privatePath, publicPath] where lstat(path, &status) == 0 {
            throw KeyError(path: path, reason: "already exists; a key is never replaced")
        }
        let secret = JSON.members([
            ("format", .string(Self.privateFormat)), ("name", .string(name)),
            ("private_key", .string(key.rawRepresentation.base64EncodedString())),
            ("public_key", .string(key.publicKey.rawRepresentation.base64EncodedString())),
        ]).rendered()
        try Self.create(privatePath, Data(secret.utf8), mode: 0o600)
        do {
            try Self.create(publicPath, Data(publicKey.fileText.utf8), mode: 0o644)
        } catch {
            unlink(privatePath)
            throw error
        }
        return (privatePath, publicPath)
    }

    /// Reads a private key file; one that others may read is refused, like ssh refuses it.
    public static func read(_ path: String) throws(KeyError) -> SigningKey {
        var status = stat()
        guard stat(path, &status) == 0 else { throw KeyError(path: path, reason: "no such key file") }
        guard status.st_mode & 0o077 == 0 else {
            throw KeyError(
                path: path,
                reason:
                    "others may read this private key (mode \(String(status.st_mode & 0o777, radix: 8))); make it private with chmod 600, or make a new key"
            )
        }
        let fields = try fields(path, format: privateFormat)
        guard let name = fields["name"], let encoded = fields["private_key"], let raw = Data(base64Encoded: encoded),
            let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: raw)
        else { throw KeyError(path: path, reason: "is not an sroi signing key (made by 'sroi key new')") }
        return SigningKey(name: name, key: key)
    }

    init(name: String, key: Curve25519.Signing.PrivateKey) {
        self.name = name
        self.raw = key.rawRepresentation
    }

    /// The Ed25519 signature of `message`.
    public func sign(_ message: Data) throws -> Data { try key.signature(for: message) }

    static func fields(_ path: String, format: String) throws(KeyError) -> [String: String] {
        let data: Data
        do {
            data = try InputFiles.read(path, limit: fileLimit)
        } catch {
            throw KeyError(path: path, reason: "\(error)")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            object["format"] as? String == format
        else { throw KeyError(path: path, reason: "is not a file of the format \(format)") }
        return object.compactMapValues { $0 as? String }
    }

    static func create(_ path: String, _ data: Data, mode: mode_t) throws(KeyError) {
        do {
            try createFile(path, data, mode: mode)
        } catch let error as AuditBundle.WriteError {
            throw KeyError(path: path, reason: error.reason)
        } catch {
            throw KeyError(path: path, reason: "\(error)")
        }
    }
}

/// The public half of a signing key: what a funder trusts, and what a bundle's signature names.
public struct PublicSigningKey: Sendable, Equatable {
    public var name: String
    let raw: Data
    var key: Curve25519.Signing.PublicKey { try! Curve25519.Signing.PublicKey(rawRepresentation: raw) }

    public static func == (lhs: PublicSigningKey, rhs: PublicSigningKey) -> Bool {
        lhs.raw == rhs.raw
    }

    init(name: String, key: Curve25519.Signing.PublicKey) {
        self.name = name
        self.raw = key.rawRepresentation
    }

    /// The key's raw 32 bytes in base64.
    public var encoded: String { key.rawRepresentation.base64EncodedString() }

    /// SHA-256 of the raw key, in groups of four hex digits: short enough to read aloud.
    public var fingerprint: String {
        let hex = FileDigest.sha256(key.rawRepresentation)
        return stride(from: 0, to: 32, by: 4).map { start in
            String(hex[hex.index(hex.startIndex, offsetBy: start)..<hex.index(hex.startIndex, offsetBy: start + 4)])
        }.joined(separator: " ")
    }

    var fileText: String {
        JSON.members([
            ("format", .string(SigningKey.publicFormat)), ("name", .string(name)), ("public_key", .string(encoded)),
            ("fingerprint", .string(fingerprint)),
        ]).rendered()
    }

    /// A key from its base64 form, as a signature carries it.
    init?(name: String, encoded: String) {
        guard let raw = Data(base64Encoded: encoded),
            let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw)
        else { return nil }
        self.init(name: name, key: key)
    }

    /// Reads a public key file (`sroi-signing.pub`).
    public static func read(_ path: String) throws(SigningKey.KeyError) -> PublicSigningKey {
        let fields = try SigningKey.fields(path, format: SigningKey.publicFormat)
        guard let name = fields["name"], let encoded = fields["public_key"],
            let key = PublicSigningKey(name: name, encoded: encoded)
        else { throw SigningKey.KeyError(path: path, reason: "is not an sroi public key (made by 'sroi key new')") }
        return key
    }

    /// Whether `signature` is this key's signature of `message`.
    public func isValidSignature(_ signature: Data, of message: Data) -> Bool {
        key.isValidSignature(signature, for: message)
    }
}
