/// The pseudo-random numbers of simulations: the same seed gives the same numbers on every
/// machine, whatever the number of threads.
///
/// Algorithm: draw `i` of a run with seed `s` has its own xoshiro256** generator (Blackman and
/// Vigna, 2018), whose four words of state are the first four outputs of SplitMix64 started at
/// `s + i × 0x9E3779B97F4A7C15`. A uniform number in [0, 1) is the top 53 bits of the next output
/// times 2⁻⁵³. Normals come from the ziggurat of Marsaglia and Tsang (2000) with 128 layers,
/// taking the layer from the low 7 bits of one output and the value from its top 53. Every variate
/// is made with IEEE-754 arithmetic, `sqrt` (exactly rounded) and ``PortableMath/log(_:)`` and
/// ``PortableMath/exp(_:)`` (this project's own, not the platform's), so no result depends on the
/// platform's mathematics library.
public struct DrawGenerator: Sendable {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64
    /// The ziggurat's layers, looked up once per generator rather than once per normal.
    private let ziggurat = Ziggurat.table

    public init(seed: UInt64, draw: UInt64) {
        var state = seed &+ draw &* 0x9E37_79B9_7F4A_7C15
        func splitMix() -> UInt64 {
            state = state &+ 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitMix()
        s1 = splitMix()
        s2 = splitMix()
        s3 = splitMix()
    }

    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = s3 << 45 | s3 >> 19
        return result
    }

    /// Uniform in [0, 1).
    public mutating func uniform() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Uniform in (0, 1): never 0, so that its logarithm is finite.
    public mutating func openUniform() -> Double {
        (Double(next() >> 12) + 0.5) * 0x1.0p-52
    }

    /// Standard normal, by the ziggurat method: one output of the generator in about 99% of calls.
    public mutating func standardNormal() -> Double {
        let table = ziggurat
        while true {
            let bits = next()
            let layer = Int(bits & 127)
            let j = Int64(bitPattern: bits) >> 11
            let x = Double(j) * table.w[layer]
            if j.magnitude < table.k[layer] { return x }
            if layer == 0 {
                // The tail beyond r, by Marsaglia's method.
                var tail: Double
                var y: Double
                repeat {
                    tail = -PortableMath.log(openUniform()) / Ziggurat.r
                    y = -PortableMath.log(openUniform())
                } while y + y < tail * tail
                return j > 0 ? Ziggurat.r + tail : -Ziggurat.r - tail
            }
            // The wedge between the layer's rectangle and the curve.
            if table.f[layer] + uniform() * (table.f[layer - 1] - table.f[layer]) < PortableMath.exp(-0.5 * x * x) {
                return x
            }
        }
    }

    /// Gamma with shape ≥ 1 and scale 1, by Marsaglia and Tsang (2000).
    public mutating func gamma(shape: Double) -> Double {
        let d = shape - 1.0 / 3.0
        return gamma(d: d, c: 1 / (9 * d).squareRoot())
    }

    /// Gamma with Marsaglia and Tsang's constants `d = shape − 1/3` and `c = 1/√(9d)` given.
    public mutating func gamma(d: Double, c: Double) -> Double {
        while true {
            var x: Double
            var v: Double
            repeat {
                x = standardNormal()
                v = 1 + c * x
            } while v <= 0
            v = v * v * v
            let u = openUniform()
            if u < 1 - 0.0331 * (x * x) * (x * x) { return d * v }
            if PortableMath.log(u) < 0.5 * x * x + d * (1 - v + PortableMath.log(v)) { return d * v }
        }
    }

    /// Triangular on `low…high` with the given mode, by inverting its distribution function.
    public mutating func triangular(low a: Double, mode c: Double, high b: Double) -> Double {
        triangular(TriangularConstants(low: a, mode: c, high: b))
    }

    /// Triangular with its constants worked out once for many draws; the same bits as above.
    @inline(__always)
    mutating func triangular(_ t: TriangularConstants) -> Double {
        let u = uniform()
        if u < t.split { return t.low + (t.left * u).squareRoot() }
        return t.high - (t.right * (1 - u)).squareRoot()
    }

    /// Normal, redrawn until it falls within `lower…upper`.
    public mutating func truncatedNormal(mean: Double, deviation: Double, lower: Double, upper: Double) -> Double {
        for _ in 0..<10_000 {
            let value = mean + deviation * standardNormal()
            if value >= lower, value <= upper { return value }
        }
        return min(max(mean, lower), upper)
    }
}

/// The parts of the triangular distribution's inverse that do not depend on the draw.
struct TriangularConstants: Sendable {
    var low: Double
    var high: Double
    /// `(c − a) / (b − a)`, `(b − a)(c − a)` and `(b − a)(b − c)`, grouped as the inverse groups them.
    var split: Double
    var left: Double
    var right: Double

    init(low a: Double, mode c: Double, high b: Double) {
        low = a
        high = b
        split = (c - a) / (b - a)
        left = (b - a) * (c - a)
        right = (b - a) * (b - c)
    }
}

/// The ziggurat's 128 layers for the standard normal (Marsaglia and Tsang, 2000), computed once
/// with this project's own logarithm and exponential, so that they are the same bits everywhere.
enum Ziggurat {
    static let r = 3.442619855899
    static let area = 9.91256303526217e-3

    struct Table: @unchecked Sendable {
        /// Acceptance bounds on the magnitude of the 53-bit signed draw, by layer.
        let k: UnsafeMutablePointer<UInt64>
        /// The width of a unit step of the draw, by layer.
        let w: UnsafeMutablePointer<Double>
        /// The density at the top of each layer.
        let f: UnsafeMutablePointer<Double>
    }

    static let table: Table = {
        let scale = 0x1p52
        let table = Table(
            k: .allocate(capacity: 128), w: .allocate(capacity: 128), f: .allocate(capacity: 128))
        var d = r
        var t = d
        let q = area / PortableMath.exp(-0.5 * d * d)
        table.k[0] = UInt64((d / q) * scale)
        table.k[1] = 0
        table.w[0] = q / scale
        table.w[127] = d / scale
        table.f[0] = 1
        table.f[127] = PortableMath.exp(-0.5 * d * d)
        for i in stride(from: 126, through: 1, by: -1) {
            d = (-2 * PortableMath.log(area / d + PortableMath.exp(-0.5 * d * d))).squareRoot()
            table.k[i + 1] = UInt64((d / t) * scale)
            t = d
            table.f[i] = PortableMath.exp(-0.5 * d * d)
            table.w[i] = d / scale
        }
        return table
    }()
}

/// Elementary functions written out in IEEE-754 arithmetic, so that simulations give the same
/// bits on every platform.
public enum PortableMath {
    /// Natural logarithm, after fdlibm's `__ieee754_log` (Sun Microsystems, 1993): reduce to
    /// `1 + f` with `√2/2 < 1 + f < √2`, then a minimax polynomial in `s = f / (2 + f)`.
    /// Accurate to under one unit in the last place.
    public static func log(_ value: Double) -> Double {
        if value.isNaN || value < 0 { return .nan }
        if value == 0 { return -.infinity }
        if value.isInfinite { return value }
        var x = value
        var k = 0
        if x < 0x1p-1022 {
            // Subnormal: scale up first.
            k -= 54
            x *= 0x1p54
        }
        var bits = x.bitPattern
        var hx = Int64(bitPattern: bits >> 32)
        k += Int((hx >> 20) & 0x7FF) - 1023
        hx &= 0x000F_FFFF
        let i = (hx &+ 0x95F64) & 0x100000
        // Normalise x or x/2 into [√2/2, √2).
        let high = UInt64(hx | (i ^ 0x3FF00000)) << 32
        bits = high | (bits & 0xFFFF_FFFF)
        x = Double(bitPattern: bits)
        k += Int(i >> 20)
        let f = x - 1
        let ln2High = 6.93147180369123816490e-01
        let ln2Low = 1.90821492927058770002e-10
        let dk = Double(k)
        if (0x000F_FFFF & (2 &+ hx)) < 3 {
            // |f| < 2⁻²⁰
            if f == 0 { return k == 0 ? 0 : dk * ln2High + dk * ln2Low }
            let r = f * f * (0.5 - 0.33333333333333333 * f)
            return k == 0 ? f - r : dk * ln2High - ((r - dk * ln2Low) - f)
        }
        let s = f / (2 + f)
        let z = s * s
        let w = z * z
        let lg1 = 6.666666666666735130e-01, lg2 = 3.999999999940941908e-01
        let lg3 = 2.857142874366239149e-01, lg4 = 2.222219843214978396e-01
        let lg5 = 1.818357216161805012e-01, lg6 = 1.531383769920937332e-01
        let lg7 = 1.479819860511658591e-01
        let t1 = w * (lg2 + w * (lg4 + w * lg6))
        let t2 = z * (lg1 + w * (lg3 + w * (lg5 + w * lg7)))
        var iHigh = hx - 0x6147A
        let jHigh = 0x6B851 - hx
        iHigh |= jHigh
        let r = t2 + t1
        if iHigh > 0 {
            let hfsq = 0.5 * f * f
            return k == 0 ? f - (hfsq - s * (hfsq + r)) : dk * ln2High - ((hfsq - (s * (hfsq + r) + dk * ln2Low)) - f)
        }
        return k == 0 ? f - s * (f - r) : dk * ln2High - ((s * (f - r) - dk * ln2Low) - f)
    }

    /// Exponential, after fdlibm's `__ieee754_exp` (Sun Microsystems, 1993): reduce to
    /// `x = k·ln2 + r` with `|r| ≤ ln2/2`, then a Remez polynomial in `r²`. Accurate to under one
    /// unit in the last place.
    public static func exp(_ value: Double) -> Double {
        if value.isNaN { return value }
        if value > 7.09782712893383973096e+02 { return .infinity }
        if value < -7.45133219101941108420e+02 { return 0 }
        let ln2High = 6.93147180369123816490e-01
        let ln2Low = 1.90821492927058770002e-10
        let magnitude = abs(value)
        var x = value
        var high = 0.0
        var low = 0.0
        var k = 0
        if magnitude > 0.5 * 0.6931471805599453 {
            if magnitude < 1.5 * 0.6931471805599453 {
                k = value < 0 ? -1 : 1
                high = value - Double(k) * ln2High
                low = Double(k) * ln2Low
            } else {
                k = Int(1.44269504088896338700e+00 * value + (value < 0 ? -0.5 : 0.5))
                let t = Double(k)
                high = value - t * ln2High
                low = t * ln2Low
            }
            x = high - low
        } else if magnitude < 0x1p-28 {
            return 1 + value
        }
        let t = x * x
        let c =
            x - t
            * (1.66666666666666019037e-01
                + t
                * (-2.77777777770155933842e-03
                    + t
                    * (6.61375632143793436117e-05 + t * (-1.65339022054652515390e-06 + t * 4.13813679705723846039e-08))))
        if k == 0 { return 1 - ((x * c) / (c - 2) - x) }
        let y = 1 - ((low - (x * c) / (2 - c)) - high)
        if k >= -1021 { return y * Double(sign: .plus, exponent: k, significand: 1) }
        return y * Double(sign: .plus, exponent: k + 1000, significand: 1) * 0x1p-1000
    }
}
