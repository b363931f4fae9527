/// The pseudo-random numbers of simulations: the same seed gives the same numbers on every
/// machine, whatever the number of threads.
///
/// Algorithm: draw `i` of a run with seed `s` has its own xoshiro256** generator (Blackman and
/// Vigna, 2018), whose four words of state are the first four outputs of SplitMix64 started at
/// `s + i × 0x9E3779B97F4A7C15`. A uniform number in [0, 1) is the top 53 bits of the next output
/// times 2⁻⁵³. Every variate is made from uniforms with IEEE-754 arithmetic, `sqrt` (exactly
/// rounded) and ``PortableMath/log(_:)`` (this project's own, not the platform's), so no result
/// depends on the platform's mathematics library.
public struct DrawGenerator: Sendable {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64
    /// The second normal of the last polar pair, used by the next call.
    private var spareNormal: Double?

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

    /// Standard normal, by Marsaglia's polar method; each pair of uniforms gives two normals.
    public mutating func standardNormal() -> Double {
        if let spare = spareNormal {
            spareNormal = nil
            return spare
        }
        while true {
            let u = 2 * uniform() - 1
            let v = 2 * uniform() - 1
            let s = u * u + v * v
            if s > 0, s < 1 {
                let scale = (-2 * PortableMath.log(s) / s).squareRoot()
                spareNormal = v * scale
                return u * scale
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
        let u = uniform()
        if u < (c - a) / (b - a) { return a + ((b - a) * (c - a) * u).squareRoot() }
        return b - ((b - a) * (b - c) * (1 - u)).squareRoot()
    }

    /// Normal, redrawn until it falls within `lower…upper`.
    public mutating func truncatedNormal(mean: Double, deviation: Double, lower: Double, upper: Double) -> Double {
        for _ in 0..<10_000 {
            let value = mean + deviation * standardNormal()
            if value >= lower, value <= upper { return value }
        }
        return min(max(mean, lower), upper)
    }

    /// A draw from a distribution over `low…high` with mode (or mean) `centre`, truncated to
    /// `domain` (and to the range, where one is given) by redrawing.
    public mutating func sample(
        _ distribution: Uncertainty.Distribution, centre: Double, low: Double?, high: Double?,
        domain: ClosedRange<Double>
    ) -> Double {
        switch distribution {
        case .uniform:
            let (a, b) = (low!, high!)
            return a + (b - a) * uniform()
        case .triangular:
            return triangular(low: low!, mode: centre, high: high!)
        case .pert:
            let (a, b, c) = (low!, high!, centre)
            let alpha = 1 + 4 * (c - a) / (b - a)
            let beta = 1 + 4 * (b - c) / (b - a)
            let x = gamma(shape: alpha)
            let y = gamma(shape: beta)
            return a + (b - a) * (x / (x + y))
        case .normal(let deviation):
            return truncatedNormal(
                mean: centre, deviation: deviation, lower: max(low ?? domain.lowerBound, domain.lowerBound),
                upper: min(high ?? domain.upperBound, domain.upperBound))
        }
    }
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
}
