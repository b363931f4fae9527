import Crypto
import Foundation
import GRDB
import SROICore
import SROILoad

/// Errors of the record store that are not about a row of an import.
public enum RecordStoreError: Error, CustomStringConvertible, Equatable {
    case cannotOpen(path: String, reason: String)
    case notARecordStore(path: String)
    case definitionChanged(dataset: String, stored: String, given: String)
    case unknownDataset(String, known: [String])
    case newerSchema(path: String)
    case olderSchema(path: String)
    case tampered(path: String, reason: String)
    case sqlite(String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason): return "\(path): cannot be opened: \(reason)"
        case .notARecordStore(let path):
            return "\(path): is not an sroi record store (create one with 'sroi data import')"
        case .definitionChanged(let dataset, let stored, let given):
            return "dataset '\(dataset)' is stored with another definition;\n  stored: \(stored)\n  given:  \(given)"
        case .unknownDataset(let name, let known):
            return "no dataset '\(name)' in the store"
                + (known.isEmpty ? " (it is empty)" : "; it holds \(known.joined(separator: ", "))")
        case .newerSchema(let path):
            return "\(path): was written by a newer version of sroi; it is neither read nor changed by this one"
        case .olderSchema(let path):
            return
                "\(path): was written by an earlier version of sroi; 'sroi data upgrade \(path)' brings it up to date"
        case .tampered(let path, let reason):
            return "\(path): is not as sroi wrote it (\(reason)); it is not read"
        case .sqlite(let message): return "the record store cannot be read: \(message)"
        }
    }
}

/// One import as recorded in the store.
public struct ImportRecord: Sendable, Equatable {
    public var id: Int64
    public var dataset: String
    public var fileName: String
    public var sha256: String
    public var rows: Int
    public var importedAt: String
}

/// A dataset as the store holds it.
public struct StoredDataset: Sendable, Equatable {
    public var definition: DatasetDefinition
    public var imports: [ImportRecord]
    /// Rows enter a dataset only by imports, each recorded with its row count.
    public var rows: Int { imports.reduce(0) { $0 + $1.rows } }
    /// SHA-256 over the hashes of its imports, in import order.
    public var fingerprint: String
}

/// The SQLite file that holds recorded outcome data: a catalogue of datasets and imports, and
/// one STRICT table of typed columns per dataset.
///
/// Migrations are registered by name and never edited once released. Evaluation opens the store
/// read-only, so reading data for a scenario can never change it.
public final class RecordStore: @unchecked Sendable {
    public let path: String
    let queue: DatabaseQueue

    /// The table that holds a dataset's rows. Dataset names are checked to be plain SQL names.
    static func table(_ dataset: String) -> String { "records_\(dataset)" }

    private init(path: String, queue: DatabaseQueue) {
        self.path = path
        self.queue = queue
    }

    /// Every connection's settings: the exactly rounded aggregates that quantities read with.
    static func configuration() -> Configuration {
        var configuration = Configuration()
        // A second import while one runs waits its turn, rather than being refused as "locked".
        configuration.busyMode = .timeout(30)
        configuration.prepareDatabase { db in
            db.add(function: ExactAggregate.sum)
            db.add(function: ExactAggregate.mean)
        }
        return configuration
    }

    /// The connection of the snapshot `snapshot` holds open, and the thread reading through it.
    private var snapshotConnection: (database: Database, thread: pthread_t)?
    private let snapshotLock = NSLock()

    /// Runs `body` inside one read transaction: every `read` it makes sees the store as it was
    /// when the snapshot began, so an import that lands meanwhile cannot give one evaluation two
    /// states of the data. The import waits for the snapshot to end.
    public func snapshot<T>(_ body: () throws -> T) throws -> T {
        try queue.read { database in
            snapshotLock.withLock { snapshotConnection = (database, pthread_self()) }
            defer { snapshotLock.withLock { snapshotConnection = nil } }
            return try body()
        }
    }

    /// Whether this call created the file: a store whose first import fails is removed again.
    public private(set) var createdNow = false

    /// Opens the store for writing, creating it and bringing its schema up to date. Another
    /// application's SQLite file, or a store of a newer schema, is refused and left untouched.
    public static func openForWriting(path: String) throws(RecordStoreError) -> RecordStore {
        var status = stat()
        let existed = lstat(path, &status) == 0
        if existed, status.st_mode & S_IFMT != S_IFREG {
            throw .cannotOpen(path: path, reason: "it is not a regular file")
        }
        do {
            var configuration = Self.configuration()
            configuration.foreignKeysEnabled = true
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            try queue.read { db in
                try checkOwnership(db, path: path)
                try checkSeal(db, path: path)
            }
            try migrator.migrate(queue)
            try queue.write { db in try seal(db) }
            let store = RecordStore(path: path, queue: queue)
            store.createdNow = !existed
            return store
        } catch let error as RecordStoreError {
            throw error
        } catch let error as DatabaseError where error.resultCode == .SQLITE_NOTADB {
            throw .notARecordStore(path: path)
        } catch {
            throw .cannotOpen(path: path, reason: Self.describe(error))
        }
    }

    /// Opens an existing store for writing; a missing file is refused rather than created.
    public static func openExisting(path: String) throws(RecordStoreError) -> RecordStore {
        var status = stat()
        guard stat(path, &status) == 0 else { throw .cannotOpen(path: path, reason: "no such file") }
        return try openForWriting(path: path)
    }

    /// Refuses a file that holds tables but not sroi's, or sroi's of a newer schema.
    private static func checkOwnership(_ db: Database, path: String) throws {
        let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")
        if !tables.isEmpty, !tables.contains("grdb_migrations") || !tables.contains("dataset") {
            throw RecordStoreError.notARecordStore(path: path)
        }
        if !tables.isEmpty, try migrator.hasBeenSuperseded(db) { throw RecordStoreError.newerSchema(path: path) }
    }

    /// Refuses a store whose schema changed since sroi last sealed it.
    private static func checkSeal(_ db: Database, path: String) throws {
        if try db.tableExists("store_seal") {
            let sealed = try Int64.fetchOne(db, sql: "SELECT schema_version FROM store_seal WHERE id = 1")
            let current = try Int64.fetchOne(db, sql: "PRAGMA schema_version")
            guard sealed == current else {
                throw RecordStoreError.tampered(
                    path: path,
                    reason:
                        "its structure was changed outside sroi after its last import (a protection trigger dropped and re-created, a table altered), so its rows may have been edited; import the source files into a new store"
                )
            }
        }
    }

    /// Records the schema as sroi leaves it, at the end of each of its write transactions.
    ///
    /// SQLite counts every change to a file's schema in its header (`PRAGMA schema_version`); rows
    /// of a dataset can be edited only by first dropping the triggers that protect them, which
    /// counts. A store whose count differs from the one sealed was changed outside sroi and is
    /// refused, for reading and for writing, so that its fingerprint cannot describe other rows.
    static func seal(_ db: Database) throws {
        guard try db.tableExists("store_seal") else { return }
        let current = try Int64.fetchOne(db, sql: "PRAGMA schema_version") ?? 0
        try db.execute(sql: "UPDATE store_seal SET schema_version = ? WHERE id = 1", arguments: [current])
    }

    /// Opens an existing store read-only. A store left with an unfinished import is first rolled
    /// back to its last complete state, which needs write access once.
    public static func openForReading(path: String) throws(RecordStoreError) -> RecordStore {
        var status = stat()
        guard stat(path, &status) == 0 else { throw .cannotOpen(path: path, reason: "no such file") }
        guard status.st_mode & S_IFMT == S_IFREG else {
            throw .cannotOpen(path: path, reason: "it is not a regular file")
        }
        do {
            return try openReadOnly(path)
        } catch let error as DatabaseError where error.resultCode == .SQLITE_READONLY {
            // A hot journal from an interrupted import: opening once for writing rolls it back.
            do {
                let queue = try DatabaseQueue(path: path)
                try queue.read { db in _ = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") }
                try queue.close()
                return try openReadOnly(path)
            } catch {
                throw .cannotOpen(
                    path: path,
                    reason:
                        "an unfinished import must be rolled back, which needs write access: \(Self.describe(error))")
            }
        } catch let error as RecordStoreError {
            throw error
        } catch let error as DatabaseError where error.resultCode == .SQLITE_NOTADB {
            throw .notARecordStore(path: path)
        } catch {
            throw .cannotOpen(path: path, reason: Self.describe(error))
        }
    }

    private static func openReadOnly(_ path: String) throws -> RecordStore {
        var configuration = Self.configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        try queue.read { db in
            try checkOwnership(db, path: path)
            guard try migrator.hasCompletedMigrations(db) else { throw RecordStoreError.olderSchema(path: path) }
            // Each dataset's rows must sit in the table sroi made, not a view or anything else.
            let names = try String.fetchAll(db, sql: "SELECT name FROM dataset")
            for name in names {
                let kind = try String.fetchOne(
                    db, sql: "SELECT type FROM sqlite_master WHERE name = ?", arguments: [table(name)])
                guard kind == "table" else {
                    throw RecordStoreError.tampered(
                        path: path,
                        reason: "the rows of dataset \(name) are \(kind.map { "a \($0)" } ?? "missing"), not a table")
                }
                for trigger in protectionTriggers(table: table(name)) {
                    let sql = try String.fetchOne(
                        db, sql: "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?",
                        arguments: [trigger.name])
                    guard sql == trigger.sql else {
                        throw RecordStoreError.tampered(
                            path: path, reason: "the protection of dataset \(name)'s rows against edits was removed")
                    }
                }
            }
            try checkSeal(db, path: path)
        }
        return RecordStore(path: path, queue: queue)
    }

    /// An SQLite error in words, without the SQL that met it.
    static func describe(_ error: Error) -> String {
        if let error = error as? DatabaseError {
            return error.message ?? "SQLite error \(error.resultCode.rawValue)"
        }
        return "\(error)"
    }

    /// Removes a store this process created, with its journal files, after a failed first import.
    public func removeIfCreatedNow() {
        guard createdNow else { return }
        try? queue.close()
        for suffix in ["", "-journal", "-wal", "-shm"] { unlink(path + suffix) }
    }

    static let migrator: DatabaseMigrator = {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: catalogue of datasets and imports") { db in
            try db.execute(
                sql: """
                    CREATE TABLE dataset (
                        name TEXT PRIMARY KEY NOT NULL,
                        definition TEXT NOT NULL,
                        created_at TEXT NOT NULL
                    ) STRICT;
                    CREATE TABLE dataset_import (
                        id INTEGER PRIMARY KEY,
                        dataset TEXT NOT NULL REFERENCES dataset(name),
                        file_name TEXT NOT NULL,
                        sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
                        rows INTEGER NOT NULL CHECK (rows >= 0),
                        imported_at TEXT NOT NULL
                    ) STRICT;
                    CREATE INDEX dataset_import_by_dataset ON dataset_import(dataset, sha256);
                    """)
        }
        migrator.registerMigration("v2: recorded rows change only by imports") { db in
            for name in try String.fetchAll(db, sql: "SELECT name FROM dataset") {
                try protect(table: table(name), in: db)
            }
        }
        migrator.registerMigration("v3: history of replaced and removed imports") { db in
            try db.execute(
                sql: """
                    CREATE TABLE dataset_history (
                        id INTEGER PRIMARY KEY,
                        dataset TEXT NOT NULL,
                        action TEXT NOT NULL CHECK (action IN ('replaced', 'removed')),
                        file_name TEXT NOT NULL,
                        sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
                        rows INTEGER NOT NULL CHECK (rows >= 0),
                        imported_at TEXT NOT NULL,
                        ended_at TEXT NOT NULL
                    ) STRICT;
                    """)
        }
        migrator.registerMigration("v4: a seal of the schema sroi left") { db in
            try db.execute(
                sql: """
                    CREATE TABLE store_seal (
                        id INTEGER PRIMARY KEY CHECK (id = 1),
                        schema_version INTEGER NOT NULL
                    ) STRICT;
                    INSERT INTO store_seal (id, schema_version) VALUES (1, 0);
                    """)
        }
        return migrator
    }()

    /// Moves a dataset's imports to the history and empties its table, inside the caller's
    /// transaction; the protection against edits is lifted only for this delete.
    static func retireRows(of dataset: String, action: String, db: Database) throws {
        let table = table(dataset)
        try db.execute(
            sql: """
                INSERT INTO dataset_history (dataset, action, file_name, sha256, rows, imported_at, ended_at)
                SELECT dataset, ?, file_name, sha256, rows, imported_at, ? FROM dataset_import WHERE dataset = ? ORDER BY id
                """, arguments: [action, CSVImporter.timestamp(), dataset])
        for trigger in protectionTriggers(table: table) { try db.execute(sql: "DROP TRIGGER \"\(trigger.name)\"") }
        try db.execute(sql: "DELETE FROM \"\(table)\"")
        try protect(table: table, in: db)
        try db.execute(sql: "DELETE FROM dataset_import WHERE dataset = ?", arguments: [dataset])
    }

    /// Removes a dataset, its rows and its definition in one transaction; its imports stay in the
    /// history that `sroi data status` shows.
    public func remove(dataset name: String) throws(RecordStoreError) {
        let known = try datasets().map(\.definition.name)
        guard known.contains(name) else { throw .unknownDataset(name, known: known) }
        do {
            try queue.inTransaction { db in
                try Self.retireRows(of: name, action: "removed", db: db)
                try db.execute(sql: "DROP TABLE \"\(Self.table(name))\"")
                try db.execute(sql: "DELETE FROM dataset WHERE name = ?", arguments: [name])
                try Self.seal(db)
                return .commit
            }
        } catch {
            throw .sqlite(Self.describe(error))
        }
    }

    /// Imports replaced or removed, oldest first.
    public func history() throws(RecordStoreError) -> [(action: String, ended: String, record: ImportRecord)] {
        try read { db in
            try Row.fetchAll(
                db,
                sql:
                    "SELECT id, dataset, action, file_name, sha256, rows, imported_at, ended_at FROM dataset_history ORDER BY id"
            ).map {
                (
                    $0["action"], $0["ended_at"],
                    ImportRecord(
                        id: $0["id"], dataset: $0["dataset"], fileName: $0["file_name"], sha256: $0["sha256"],
                        rows: $0["rows"], importedAt: $0["imported_at"])
                )
            }
        }
    }

    /// The triggers that keep a dataset's rows as their imports left them: an UPDATE or DELETE
    /// from outside is aborted, so the store's fingerprint (the hashes of the files imported)
    /// keeps describing its rows.
    static func protectionTriggers(table: String) -> [(name: String, sql: String)] {
        ["UPDATE", "DELETE"].map { action in
            let name = "\(table)_no_\(action.lowercased())"
            return (
                name,
                "CREATE TRIGGER \"\(name)\" BEFORE \(action) ON \"\(table)\" BEGIN SELECT RAISE(ABORT, 'sroi: recorded rows change only by imports'); END"
            )
        }
    }

    static func protect(table: String, in db: Database) throws {
        for trigger in protectionTriggers(table: table) { try db.execute(sql: trigger.sql) }
    }

    // MARK: Reading the catalogue

    /// Every dataset with its definition and imports, by name.
    public func datasets() throws(RecordStoreError) -> [StoredDataset] {
        try read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT name, definition FROM dataset ORDER BY name")
            return try rows.map { row in
                let name: String = row["name"]
                let definition = try DatasetDefinitionReader().read(
                    text: row["definition"], file: "\(self.path)#\(name)")
                let imports = try Self.imports(of: name, db: db)
                return StoredDataset(definition: definition, imports: imports, fingerprint: Self.fingerprint(imports))
            }
        }
    }

    public func dataset(_ name: String) throws(RecordStoreError) -> StoredDataset {
        let all = try datasets()
        guard let found = all.first(where: { $0.definition.name == name }) else {
            throw .unknownDataset(name, known: all.map(\.definition.name))
        }
        return found
    }

    /// SHA-256 over every dataset's fingerprint, in name order: identifies the whole store's data.
    public func fingerprint() throws(RecordStoreError) -> String {
        Self.fingerprint(of: try datasets())
    }

    /// The store's fingerprint from datasets already read, in name order.
    public static func fingerprint(of datasets: [StoredDataset]) -> String {
        let lines = datasets.sorted { $0.definition.name < $1.definition.name }.map {
            "\($0.definition.name) \($0.fingerprint)"
        }
        return sha256(lines.joined(separator: "\n"))
    }

    static func imports(of dataset: String, db: Database) throws -> [ImportRecord] {
        try Row.fetchAll(
            db,
            sql:
                "SELECT id, dataset, file_name, sha256, rows, imported_at FROM dataset_import WHERE dataset = ? ORDER BY id",
            arguments: [dataset]
        ).map {
            ImportRecord(
                id: $0["id"], dataset: $0["dataset"], fileName: $0["file_name"], sha256: $0["sha256"], rows: $0["rows"],
                importedAt: $0["imported_at"])
        }
    }

    static func fingerprint(_ imports: [ImportRecord]) -> String {
        sha256(imports.map(\.sha256).joined(separator: "\n"))
    }

    static func sha256(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Runs read-only SQL against the store (for audits and tests); writes are refused.
    public func read<T>(_ body: (Database) throws -> T) throws(RecordStoreError) -> T {
        do {
            if let open = snapshotLock.withLock({ snapshotConnection }), pthread_equal(open.thread, pthread_self()) != 0
            {
                return try body(open.database)
            }
            return try queue.read(body)
        } catch let error as RecordStoreError {
            throw error
        } catch let error as ValidationFailure {
            throw .sqlite("the stored dataset definition cannot be read: \(error)")
        } catch {
            throw .sqlite(Self.describe(error))
        }
    }
}
