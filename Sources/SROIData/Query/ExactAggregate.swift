import GRDB
import SROICore

/// `exact_sum(x)` and `exact_mean(x)`: SQL aggregates whose result is the binary64 value nearest
/// the exact sum of the stored values (the mean: that sum divided by their count), so that no
/// quantity depends on the order rows are stored or read, nor on SQLite's version. NULLs are
/// skipped, as `TOTAL` and `AVG` skip them; `exact_sum` of no values is 0, `exact_mean` NULL.
enum ExactAggregate {
    static let sum = DatabaseFunction("exact_sum", argumentCount: 1, pure: true, aggregate: Sum.self)
    static let mean = DatabaseFunction("exact_mean", argumentCount: 1, pure: true, aggregate: Mean.self)

    struct Sum: DatabaseAggregate {
        var total = ExactSum()

        mutating func step(_ values: [DatabaseValue]) throws {
            switch values[0].storage {
            case .int64(let whole): total.add(whole)
            case .double(let number): total.add(number)
            case .null: break
            case .string, .blob:
                throw DatabaseError(message: "exact_sum reads numbers only")
            }
        }

        func finalize() throws -> (any DatabaseValueConvertible)? {
            let value = total.value
            return value.isNaN ? nil : value
        }
    }

    struct Mean: DatabaseAggregate {
        var sum = Sum()

        mutating func step(_ values: [DatabaseValue]) throws { try sum.step(values) }

        func finalize() throws -> (any DatabaseValueConvertible)? {
            let mean = sum.total.mean
            return mean.isNaN ? nil : mean
        }
    }
}
