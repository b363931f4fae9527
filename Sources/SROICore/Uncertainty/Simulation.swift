import Dispatch

/// What one drawn assumption needs in the hot loop of a simulation, with no strings or arrays
/// to retain: its distribution's constants and the leaf nodes of the plan it sets.
struct DrawSpec: Sendable {
    var distribution: Uncertainty.Distribution
    var isDuration: Bool
    var centre: Double
    var low: Double
    var high: Double
    /// Truncation bounds for the normal distribution.
    var lower: Double
    var upper: Double
    /// Marsaglia–Tsang constants of the two gammas of the PERT distribution's beta.
    var alphaD: Double
    var alphaC: Double
    var betaD: Double
    var betaC: Double
    var triangular: TriangularConstants
    /// The leaf nodes it sets: `slots[first..<first + count]`.
    var first: Int
    var count: Int

    init(_ parameter: UncertainParameter, first: Int, count: Int) {
        let uncertainty = parameter.uncertainty
        let low = uncertainty.low ?? parameter.domain.lowerBound
        let high = uncertainty.high ?? parameter.domain.upperBound
        let width = high - low
        let alpha = width > 0 ? 1 + 4 * (parameter.base - low) / width : 1
        let beta = width > 0 ? 1 + 4 * (high - parameter.base) / width : 1
        distribution = uncertainty.distribution!
        isDuration = parameter.isWholeNumber
        centre = parameter.base
        self.low = low
        self.high = high
        lower = max(low, parameter.domain.lowerBound)
        upper = min(high, parameter.domain.upperBound)
        alphaD = alpha - 1.0 / 3.0
        alphaC = 1 / (9 * (alpha - 1.0 / 3.0)).squareRoot()
        betaD = beta - 1.0 / 3.0
        betaC = 1 / (9 * (beta - 1.0 / 3.0)).squareRoot()
        triangular = TriangularConstants(low: low, mode: parameter.base, high: high)
        self.first = first
        self.count = count
    }

    /// One value of the assumption for each of `width` draws side by side, each from its own
    /// generator; the same values as ``sample(_:)`` gives each draw alone.
    @inline(__always)
    func sample(
        _ generators: UnsafeMutableBufferPointer<DrawGenerator>, width: Int, into out: UnsafeMutablePointer<Double>
    ) {
        switch distribution {
        case .uniform:
            for lane in 0..<width { out[lane] = low + (high - low) * generators[lane].uniform() }
        case .triangular:
            for lane in 0..<width { out[lane] = generators[lane].triangular(triangular) }
        case .pert:
            for lane in 0..<width {
                let x = generators[lane].gamma(d: alphaD, c: alphaC)
                let y = generators[lane].gamma(d: betaD, c: betaC)
                out[lane] = low + (high - low) * (x / (x + y))
            }
        case .normal(let deviation):
            for lane in 0..<width {
                out[lane] = generators[lane].truncatedNormal(
                    mean: centre, deviation: deviation, lower: lower, upper: upper)
            }
        }
        if isDuration {
            for lane in 0..<width { out[lane] = (out[lane] + 0.5).rounded(.down) }
        }
    }
}

/// A seeded Monte Carlo run over the distributions declared in a scenario.
public struct Simulation: Sendable {
    public struct Summary: Sendable, Equatable {
        public var mean: Double
        public var median: Double
        public var p5: Double
        public var p25: Double
        public var p75: Double
        public var p95: Double
        public var minimum: Double
        public var maximum: Double
    }

    public struct Histogram: Sendable, Equatable {
        /// `bins + 1` edges from the smallest to the largest draw.
        public var edges: [Double]
        public var counts: [Int]
    }

    public var seed: UInt64
    public var draws: Int
    public var parameters: [UncertainParameter]
    public var ratio: Summary
    public var npv: Summary
    /// The share of draws whose ratio exceeds the target (1 unless the scenario says otherwise).
    public var probabilityAboveTarget: Double
    public var targetRatio: Double
    public var histogram: Histogram
    /// Each draw's ratio, in draw order, when the run was asked to keep them.
    public var ratioDraws: [Double]?

    /// Runs `draws` draws on `threads` threads. The numbers depend only on the scenario, the seed
    /// and the number of draws: each draw has its own generator, and summaries are taken over
    /// the draws in draw order.
    public static func run(
        _ scenario: Scenario, draws: Int, seed: UInt64, threads: Int, bins: Int = 40, keepingDraws: Bool = false,
        progress: (@Sendable (Int) -> Void)? = nil
    ) throws(ValidationFailure) -> Simulation {
        let parameters = scenario.uncertainParameters.filter { $0.uncertainty.distribution != nil }
        guard !parameters.isEmpty else {
            throw ValidationFailure([
                Diagnostic(
                    code: .simulation, at: nil, field: "distribution",
                    message: "no assumption declares a distribution, so there is nothing to simulate",
                    allowed: "distribution: uniform, triangular, pert or normal on an assumption with a range")
            ])
        }
        guard draws >= 2, draws <= maximumDraws else {
            throw ValidationFailure([
                Diagnostic(
                    code: .outOfRange, at: nil, field: "--draws",
                    message: "is outside the number of draws a simulation takes",
                    found: String(draws), allowed: "2 to \(maximumDraws)")
            ])
        }
        var workspace = Workspace(try EvaluationPlan(scenario, varying: parameters))
        let plan = workspace.plan
        if case .undefined(let reason) = workspace.baseHeadline.sroiRatio {
            throw ValidationFailure([
                Diagnostic(
                    code: .simulation, at: nil, field: "sroi_ratio",
                    message: "the SROI ratio cannot be simulated: \(reason)")
            ])
        }
        var slots: [Int] = []
        var specs: [DrawSpec] = []
        for parameter in parameters {
            let targets = plan.parameterSlots[parameter.kind] ?? []
            specs.append(DrawSpec(parameter, first: slots.count, count: targets.count))
            slots += targets
        }
        let instructions = workspace.subset(for: parameters.map(\.kind))
        let drawSpecs = specs
        let drawSlots = slots
        let ratioSlot = plan.layout.sroiRatio
        let npvSlot = plan.layout.netPresentValue
        let base = workspace.base

        var ratios = [Double](repeating: 0, count: draws)
        var npvs = [Double](repeating: 0, count: draws)
        let chunk = 4096
        let lanes = 16
        let chunks = (draws + chunk - 1) / chunk
        let workers = max(1, min(threads, chunks))
        let counter = ProgressCounter()
        ratios.withUnsafeMutableBufferPointer { ratioBuffer in
            npvs.withUnsafeMutableBufferPointer { npvBuffer in
                let ratioOut = UnsafeMutableSendableBuffer(ratioBuffer)
                let npvOut = UnsafeMutableSendableBuffer(npvBuffer)
                DispatchQueue.concurrentPerform(iterations: workers) { worker in
                    // Each worker owns copies of everything it touches, so threads share no reference
                    // counts, and evaluates `lanes` draws side by side through the plan's instructions.
                    let values = UnsafeMutableBufferPointer<Double>.allocate(capacity: base.count * lanes)
                    for (node, value) in base.enumerated() {
                        for lane in 0..<lanes { values[node * lanes + lane] = value }
                    }
                    let program = UnsafeMutableBufferPointer<Program.Instruction>.allocate(
                        capacity: plan.program.instructions.count)
                    _ = program.initialize(from: plan.program.instructions)
                    let operands = UnsafeMutableBufferPointer<Int32>.allocate(capacity: plan.program.operands.count)
                    _ = operands.initialize(from: plan.program.operands)
                    let order = UnsafeMutableBufferPointer<Int32>.allocate(capacity: instructions.count)
                    _ = order.initialize(from: instructions)
                    let drawn = UnsafeMutableBufferPointer<DrawSpec>.allocate(capacity: drawSpecs.count)
                    _ = drawn.initialize(from: drawSpecs)
                    let targets = UnsafeMutableBufferPointer<Int>.allocate(capacity: drawSlots.count)
                    for (index, slot) in drawSlots.enumerated() { targets[index] = slot * lanes }
                    let formulas = plan.program.formulas.map { $0 }
                    let scratch = UnsafeMutableBufferPointer<Double>.allocate(capacity: lanes)
                    let generators = UnsafeMutableBufferPointer<DrawGenerator>.allocate(capacity: lanes)
                    _ = generators.initialize(repeating: DrawGenerator(seed: seed, draw: 0))
                    defer {
                        scratch.deallocate()
                        generators.deallocate()
                        values.deallocate()
                        program.deallocate()
                        operands.deallocate()
                        order.deallocate()
                        drawn.deallocate()
                        targets.deallocate()
                    }
                    var index = worker
                    while index < chunks {
                        let start = index * chunk
                        let end = min(start + chunk, draws)
                        var batch = start
                        while batch < end {
                            let width = min(lanes, end - batch)
                            // Each draw has its own generator and draws its assumptions in file order;
                            // the lanes' draws are interleaved only so that the processor overlaps them.
                            for lane in 0..<width {
                                generators[lane] = DrawGenerator(seed: seed, draw: UInt64(batch + lane))
                            }
                            for spec in drawn {
                                // Drawn straight into the first leaf it sets, then copied to the others.
                                guard spec.count > 0 else {
                                    spec.sample(generators, width: width, into: scratch.baseAddress!)
                                    continue
                                }
                                let first = values.baseAddress! + targets[spec.first]
                                spec.sample(generators, width: width, into: first)
                                for position in (spec.first + 1)..<(spec.first + spec.count) {
                                    (values.baseAddress! + targets[position]).update(from: first, count: width)
                                }
                            }
                            Program.run(
                                UnsafeBufferPointer(program), UnsafeBufferPointer(operands), formulas,
                                values.baseAddress!, lanes: lanes, only: UnsafeBufferPointer(order))
                            for lane in 0..<width {
                                ratioOut.buffer[batch + lane] = values[ratioSlot * lanes + lane]
                                npvOut.buffer[batch + lane] = values[npvSlot * lanes + lane]
                            }
                            batch += width
                        }
                        if let progress { progress(counter.add(end - start)) }
                        index += workers
                    }
                }
            }
        }
        // An undefined figure stays undefined: a draw that gives none is refused with its reason.
        if let draw = ratios.firstIndex(where: \.isNaN) ?? npvs.firstIndex(where: \.isNaN) {
            // The draw again, through the same sampler with one lane, to find the reason.
            var generator = [DrawGenerator(seed: seed, draw: UInt64(draw))]
            var value = 0.0
            let changes = generator.withUnsafeMutableBufferPointer { lane in
                parameters.map { parameter in
                    DrawSpec(parameter, first: 0, count: 0).sample(lane, width: 1, into: &value)
                    return (parameter.kind, value)
                }
            }
            let headline = workspace.headline(setting: changes)
            let reason: String
            if case .undefined(let why) = headline.sroiRatio {
                reason = why
            } else if case .undefined(let why) = headline.netPresentValue {
                reason = why
            } else {
                reason = "a figure is not a finite number"
            }
            throw ValidationFailure([
                Diagnostic(
                    code: .simulation, at: nil, field: "sroi_ratio",
                    message:
                        "draw \(draw) of seed \(seed) gives no SROI ratio (\(reason)); the simulation is not summarised",
                    allowed: "ranges within which every figure is defined")
            ])
        }
        let target = scenario.sensitivity.targetRatio
        let above = ratios.reduce(0) { $0 + ($1 > target ? 1 : 0) }
        // The two summaries are independent: each sorts its own copy, one per core.
        let summaries = SummaryPair()
        let (ratioDraws, npvDraws) = (ratios, npvs)
        DispatchQueue.concurrentPerform(iterations: 2) { which in
            if which == 0 { summaries.ratio = summarise(ratioDraws) } else { summaries.npv = summarise(npvDraws) }
        }
        return Simulation(
            seed: seed, draws: draws, parameters: parameters, ratio: summaries.ratio!,
            npv: summaries.npv!, probabilityAboveTarget: Double(above) / Double(draws), targetRatio: target,
            histogram: histogram(ratios, bins: bins), ratioDraws: keepingDraws ? ratios : nil)
    }

    /// The value each drawn assumption takes in draw `draw` of `seed`, one draw alone: what the
    /// side-by-side lanes of ``run(_:draws:seed:threads:bins:keepingDraws:progress:)`` must give.
    public static func drawnValues(_ scenario: Scenario, seed: UInt64, draw: Int) -> [(
        parameter: UncertainParameter, value: Double
    )] {
        var generator = [DrawGenerator(seed: seed, draw: UInt64(draw))]
        var value = 0.0
        return generator.withUnsafeMutableBufferPointer { lane in
            scenario.uncertainParameters.filter { $0.uncertainty.distribution != nil }.map { parameter in
                DrawSpec(parameter, first: 0, count: 0).sample(lane, width: 1, into: &value)
                return (parameter, value)
            }
        }
    }

    /// The most draws one simulation takes: each draw keeps two numbers in memory.
    public static let maximumDraws = 100_000_000

    /// Mean (summed in draw order), and percentiles by linear interpolation between the two
    /// nearest ranks of the sorted draws (`p = (n − 1) × q`), as NumPy and R's type 7 do.
    public static func summarise(_ values: [Double]) -> Summary {
        let mean = values.reduce(0, +) / Double(values.count)
        // Order statistics by selection, rank after rank, each within what is left above the last:
        // the same values a full sort gives, in linear time.
        var ordered = values
        let count = ordered.count
        var ranks: [Int: Double] = [:]
        var floor = 0
        let wanted = [0.05, 0.25, 0.5, 0.75, 0.95].flatMap { q -> [Int] in
            let lower = Int((Double(count - 1) * q).rounded(.down))
            return [lower, min(lower + 1, count - 1)]
        }
        for rank in Set(wanted).sorted() {
            select(&ordered, rank, from: floor)
            ranks[rank] = ordered[rank]
            floor = rank + 1
        }
        func percentile(_ q: Double) -> Double {
            let position = Double(count - 1) * q
            let lower = Int(position.rounded(.down))
            let upper = min(lower + 1, count - 1)
            let weight = position - Double(lower)
            return ranks[lower]! + (ranks[upper]! - ranks[lower]!) * weight
        }
        return Summary(
            mean: mean, median: percentile(0.5), p5: percentile(0.05), p25: percentile(0.25), p75: percentile(0.75),
            p95: percentile(0.95), minimum: values.min() ?? .nan, maximum: values.max() ?? .nan)
    }

    /// Moves the value of rank `k` to position `k`, with nothing larger before it and nothing
    /// smaller after it, looking only at positions from `start` on (all smaller ranks are already
    /// in place before it).
    static func select(_ values: inout [Double], _ k: Int, from start: Int) {
        values.withUnsafeMutableBufferPointer { a in
            var low = start
            var high = a.count - 1
            while low < high {
                let middle = low + (high - low) / 2
                let x = a[low], y = a[middle], z = a[high]
                let pivot = max(min(x, y), min(max(x, y), z))
                var i = low
                var j = high
                while i <= j {
                    while a[i] < pivot { i += 1 }
                    while a[j] > pivot { j -= 1 }
                    if i <= j {
                        a.swapAt(i, j)
                        i += 1
                        j -= 1
                    }
                }
                if k <= j {
                    high = j
                } else if k >= i {
                    low = i
                } else {
                    return
                }
            }
        }
    }

    static func histogram(_ values: [Double], bins: Int) -> Histogram {
        let low = values.min() ?? 0
        let high = values.max() ?? 0
        let width = high > low ? (high - low) / Double(bins) : 1
        let edges = (0...bins).map { low + Double($0) * width }
        var counts = [Int](repeating: 0, count: bins)
        for value in values {
            let bin = min(Int((value - low) / width), bins - 1)
            counts[bin] += 1
        }
        return Histogram(edges: edges, counts: counts)
    }
}

/// A buffer shared by worker threads that each write their own disjoint part of it.
private struct UnsafeMutableSendableBuffer: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<Double>

    init(_ buffer: UnsafeMutableBufferPointer<Double>) {
        self.buffer = buffer
    }
}

/// The two summaries of a simulation, each written by one thread.
private final class SummaryPair: @unchecked Sendable {
    var ratio: Simulation.Summary?
    var npv: Simulation.Summary?
}

/// Draws completed so far, across threads.
private final class ProgressCounter: @unchecked Sendable {
    private var done = 0
    private let lock = DispatchQueue(label: "sroi.simulation.progress")

    func add(_ count: Int) -> Int {
        lock.sync {
            done += count
            return done
        }
    }
}
