import Dispatch

/// A scenario compiled once into flat arrays, so that evaluating one draw of a simulation
/// allocates nothing and rebuilds nothing.
///
/// It follows the chain of ``Evaluator`` step for step for everything that can vary, so that at
/// the scenario's own values it gives the evaluator's ratio.
public struct CompiledScenario: Sendable {
    struct CompiledOutcome: Sendable {
        var quantity: Double
        var proxy: Double
        /// `index[base]` and `index[price year]`, or 1 and 1 when no uplift applies.
        var indexBase: Double
        var indexYear: Double
        var deadweight: Double
        var displacement: Double
        var attribution: Double
        var optimismBias: Double?
        var dropOff: Double
        var duration: Int
        var start: Int
        /// Per-year multipliers `(1 − DW_k)(1 − DS_k)(1 − AT_k)` when any deduction is given by year.
        var yearFactors: [Double]?
    }

    struct Varied: Sendable {
        var parameter: UncertainParameter
        /// The outcomes it applies to: one, or every cohort of a quantity read by year.
        var outcomes: [Int]
    }

    /// What one drawn assumption needs in the hot loop, with no strings or arrays to retain.
    struct DrawSpec: Sendable {
        enum Target: Sendable { case quantity, proxy, deadweight, displacement, attribution, dropOff, duration, rate }
        var distribution: Uncertainty.Distribution
        var target: Target
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
        /// The outcomes it applies to: `targets[first..<first + count]`.
        var first: Int
        var count: Int
    }

    var outcomes: [CompiledOutcome]
    var varied: [Varied]
    var specs: [DrawSpec] = []
    var targets: [Int] = []
    var inputs: Double
    var rate: Double?
    var fixedRates: [Double]
    var convention: DiscountFrom
    var years: Int

    /// Compiles a validated scenario. Inputs are fixed; a varied discount rate needs a single rate.
    public init(_ scenario: Scenario) throws(ValidationFailure) {
        try ScenarioValidator().validate(scenario)
        let evaluation = try Evaluator().evaluate(scenario)
        guard let inputs = evaluation.results.totalInputs.value.number, inputs > 0 else {
            throw ValidationFailure([
                Diagnostic(
                    at: nil, field: "inputs", message: "total inputs are 0, so the SROI ratio cannot be simulated")
            ])
        }
        self.inputs = inputs
        years = scenario.analysisYears.value
        convention = scenario.conventions.discountFrom.value
        let schedule = scenario.conventions.discounting
        fixedRates = (0...max(years, 1)).map { j in j == 0 ? 0 : schedule.band(forStep: j).rate }
        rate = nil
        var index: [String: [Int]] = [:]
        outcomes = scenario.outcomes.enumerated().map { position, outcome in
            index[outcome.declaredID, default: []].append(position)
            var indexBase = 1.0
            var indexYear = 1.0
            if let year = outcome.proxy.priceYear, let base = scenario.priceBaseYear?.value, year != base,
                let prices = scenario.priceIndex
            {
                indexBase = prices.points[base]!.value
                indexYear = prices.points[year]!.value
            }
            var optimism: Double?
            if let table = scenario.optimismBias, let grade = outcome.confidence {
                optimism = table.reductions[grade.value]?.value
            }
            func share(_ kind: DeductionKind, _ k: Int) -> Double {
                outcome.deduction(kind)?.value.share(inOutcomeYear: k) ?? 0
            }
            let byYear = DeductionKind.allCases.contains { outcome.deduction($0)?.value.isByYear == true }
            return CompiledOutcome(
                quantity: outcome.quantity.value, proxy: outcome.proxy.value, indexBase: indexBase,
                indexYear: indexYear,
                deadweight: share(.deadweight, 0), displacement: share(.displacement, 0),
                attribution: share(.attribution, 0),
                optimismBias: optimism, dropOff: outcome.dropOff?.value ?? 0, duration: outcome.duration.value,
                start: outcome.startYear.value,
                yearFactors: byYear
                    ? (0..<outcome.duration.value).map { k in
                        (1 - share(.deadweight, k)) * (1 - share(.displacement, k)) * (1 - share(.attribution, k))
                    } : nil)
        }
        varied = scenario.uncertainParameters.filter { $0.uncertainty.distribution != nil }.map { parameter in
            switch parameter.kind {
            case .discountRate: return Varied(parameter: parameter, outcomes: [])
            case .quantity(let id), .proxy(let id), .deduction(let id, _), .dropOff(let id), .duration(let id):
                return Varied(parameter: parameter, outcomes: index[id] ?? [])
            }
        }
        for item in varied {
            let parameter = item.parameter
            let uncertainty = parameter.uncertainty
            let target: DrawSpec.Target
            switch parameter.kind {
            case .quantity: target = .quantity
            case .proxy: target = .proxy
            case .deduction(_, .deadweight): target = .deadweight
            case .deduction(_, .displacement): target = .displacement
            case .deduction(_, .attribution): target = .attribution
            case .dropOff: target = .dropOff
            case .duration: target = .duration
            case .discountRate: target = .rate
            }
            let low = uncertainty.low ?? parameter.domain.lowerBound
            let high = uncertainty.high ?? parameter.domain.upperBound
            let width = high - low
            let alpha = width > 0 ? 1 + 4 * (parameter.base - low) / width : 1
            let beta = width > 0 ? 1 + 4 * (high - parameter.base) / width : 1
            specs.append(
                DrawSpec(
                    distribution: uncertainty.distribution!, target: target, centre: parameter.base, low: low,
                    high: high,
                    lower: max(low, parameter.domain.lowerBound), upper: min(high, parameter.domain.upperBound),
                    alphaD: alpha - 1.0 / 3.0, alphaC: 1 / (9 * (alpha - 1.0 / 3.0)).squareRoot(),
                    betaD: beta - 1.0 / 3.0, betaC: 1 / (9 * (beta - 1.0 / 3.0)).squareRoot(), first: targets.count,
                    count: item.outcomes.count))
            targets += item.outcomes
        }
    }

    /// The parameters a simulation draws.
    public var drawnParameters: [UncertainParameter] { varied.map(\.parameter) }

    /// Discount factors `F_t`, t = 1…years, into `factors` (index t), for one draw.
    func discountFactors(rate: Double?, into factors: UnsafeMutableBufferPointer<Double>) {
        func r(_ j: Int) -> Double { rate ?? fixedRates[j] }
        var end = 1.0
        for t in 1...years {
            switch convention {
            case .year1:
                end = end / (1 + r(t))
                factors[t] = end
            case .year0:
                if t > 1 { end = end / (1 + r(t - 1)) }
                factors[t] = end
            case .midYear:
                factors[t] = end / (1 + r(t)).squareRoot()
                end = end / (1 + r(t))
            }
        }
    }

    /// Present value of one outcome for the current values, following the evaluator's order.
    static func presentValue(_ o: CompiledOutcome, factors: UnsafeMutableBufferPointer<Double>) -> Double {
        let proxy = o.indexBase == o.indexYear && o.indexBase == 1 ? o.proxy : o.proxy * o.indexBase / o.indexYear
        let gross = o.quantity * proxy
        var total = 0.0
        if let yearFactors = o.yearFactors {
            var retained = 1.0
            for k in 0..<o.duration {
                var impact = gross * yearFactors[k]
                if let bias = o.optimismBias { impact = impact * (1 - bias) }
                let value = k == 0 ? impact : impact * retained
                total += value * factors[o.start + k]
                retained = retained * (1 - o.dropOff)
            }
            return total
        }
        var value = gross * (1 - o.deadweight) * (1 - o.displacement) * (1 - o.attribution)
        if let bias = o.optimismBias { value = value * (1 - bias) }
        for k in 0..<o.duration {
            if k > 0 { value = value * (1 - o.dropOff) }
            total += value * factors[o.start + k]
        }
        return total
    }

    /// The SROI ratio and NPV at the scenario's own values.
    public func baseCase() -> (ratio: Double, npv: Double) {
        var outcomes = self.outcomes
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: years + 1) { factors in
            evaluate(&outcomes, rate: nil, factors: factors)
        }
    }

    func evaluate(_ outcomes: inout [CompiledOutcome], rate: Double?, factors: UnsafeMutableBufferPointer<Double>) -> (
        ratio: Double, npv: Double
    ) {
        discountFactors(rate: rate, into: factors)
        var total = 0.0
        for index in outcomes.indices { total += Self.presentValue(outcomes[index], factors: factors) }
        return (total / inputs, total - inputs)
    }

    /// Evaluates draw `draw` of the run with `seed`: draws every varied parameter, then the chain.
    /// `specs` and `targets` are this scenario's, passed as buffers so the loop retains nothing.
    func draw(
        _ draw: UInt64, seed: UInt64, outcomes: UnsafeMutableBufferPointer<CompiledOutcome>,
        specs: UnsafeBufferPointer<DrawSpec>, targets: UnsafeBufferPointer<Int>,
        factors: UnsafeMutableBufferPointer<Double>
    ) -> (ratio: Double, npv: Double) {
        var generator = DrawGenerator(seed: seed, draw: draw)
        var rate: Double?
        for spec in specs {
            var value: Double
            switch spec.distribution {
            case .uniform: value = spec.low + (spec.high - spec.low) * generator.uniform()
            case .triangular: value = generator.triangular(low: spec.low, mode: spec.centre, high: spec.high)
            case .pert:
                let x = generator.gamma(d: spec.alphaD, c: spec.alphaC)
                let y = generator.gamma(d: spec.betaD, c: spec.betaC)
                value = spec.low + (spec.high - spec.low) * (x / (x + y))
            case .normal(let deviation):
                value = generator.truncatedNormal(
                    mean: spec.centre, deviation: deviation, lower: spec.lower, upper: spec.upper)
            }
            if spec.target == .duration { value = (value + 0.5).rounded(.down) }
            if spec.target == .rate { rate = value }
            for position in spec.first..<(spec.first + spec.count) {
                let outcome = targets[position]
                switch spec.target {
                case .quantity: outcomes[outcome].quantity = value
                case .proxy: outcomes[outcome].proxy = value
                case .deadweight: outcomes[outcome].deadweight = value
                case .displacement: outcomes[outcome].displacement = value
                case .attribution: outcomes[outcome].attribution = value
                case .dropOff: outcomes[outcome].dropOff = value
                case .duration: outcomes[outcome].duration = Int(value)
                case .rate: break
                }
            }
        }
        discountFactors(rate: rate, into: factors)
        var total = 0.0
        for index in outcomes.indices { total += Self.presentValue(outcomes[index], factors: factors) }
        return (total / inputs, total - inputs)
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

    /// Runs `draws` draws on `threads` threads. The numbers depend only on the scenario, the seed
    /// and the number of draws: each draw has its own generator, and summaries are taken over
    /// the draws in draw order.
    public static func run(
        _ scenario: Scenario, draws: Int, seed: UInt64, threads: Int, bins: Int = 40,
        progress: (@Sendable (Int) -> Void)? = nil
    ) throws(ValidationFailure) -> Simulation {
        let compiled = try CompiledScenario(scenario)
        guard !compiled.varied.isEmpty else {
            throw ValidationFailure([
                Diagnostic(
                    at: nil, field: "distribution",
                    message: "no assumption declares a distribution, so there is nothing to simulate",
                    allowed: "distribution: uniform, triangular, pert or normal on an assumption with a range")
            ])
        }
        var ratios = [Double](repeating: 0, count: draws)
        var npvs = [Double](repeating: 0, count: draws)
        let chunk = 4096
        let chunks = (draws + chunk - 1) / chunk
        let workers = max(1, min(threads, chunks))
        let counter = ProgressCounter()
        ratios.withUnsafeMutableBufferPointer { ratioBuffer in
            npvs.withUnsafeMutableBufferPointer { npvBuffer in
                let ratioOut = UnsafeMutableSendableBuffer(ratioBuffer)
                let npvOut = UnsafeMutableSendableBuffer(npvBuffer)
                DispatchQueue.concurrentPerform(iterations: workers) { worker in
                    // Each worker owns copies of everything it touches, so threads share no reference counts.
                    let outcomes = UnsafeMutableBufferPointer<CompiledScenario.CompiledOutcome>.allocate(
                        capacity: compiled.outcomes.count)
                    _ = outcomes.initialize(from: compiled.outcomes)
                    let specs = UnsafeMutableBufferPointer<CompiledScenario.DrawSpec>.allocate(
                        capacity: compiled.specs.count)
                    _ = specs.initialize(from: compiled.specs)
                    let targets = UnsafeMutableBufferPointer<Int>.allocate(capacity: compiled.targets.count)
                    _ = targets.initialize(from: compiled.targets)
                    let factors = UnsafeMutableBufferPointer<Double>.allocate(capacity: compiled.years + 1)
                    defer {
                        outcomes.deinitialize().deallocate()
                        specs.deinitialize().deallocate()
                        targets.deallocate()
                        factors.deallocate()
                    }
                    var index = worker
                    while index < chunks {
                        let start = index * chunk
                        let end = min(start + chunk, draws)
                        for draw in start..<end {
                            let result = compiled.draw(
                                UInt64(draw), seed: seed, outcomes: outcomes, specs: UnsafeBufferPointer(specs),
                                targets: UnsafeBufferPointer(targets), factors: factors)
                            ratioOut.buffer[draw] = result.ratio
                            npvOut.buffer[draw] = result.npv
                        }
                        if let progress { progress(counter.add(end - start)) }
                        index += workers
                    }
                }
            }
        }
        let target = scenario.sensitivity.targetRatio
        let above = ratios.reduce(0) { $0 + ($1 > target ? 1 : 0) }
        return Simulation(
            seed: seed, draws: draws, parameters: compiled.drawnParameters, ratio: summarise(ratios),
            npv: summarise(npvs), probabilityAboveTarget: Double(above) / Double(draws), targetRatio: target,
            histogram: histogram(ratios, bins: bins))
    }

    /// Mean (summed in draw order), and percentiles by linear interpolation between the two
    /// nearest ranks of the sorted draws (`p = (n − 1) × q`), as NumPy and R's type 7 do.
    static func summarise(_ values: [Double]) -> Summary {
        let mean = values.reduce(0, +) / Double(values.count)
        let sorted = values.sorted()
        func percentile(_ q: Double) -> Double {
            let position = Double(sorted.count - 1) * q
            let lower = Int(position.rounded(.down))
            let upper = min(lower + 1, sorted.count - 1)
            let weight = position - Double(lower)
            return sorted[lower] + (sorted[upper] - sorted[lower]) * weight
        }
        return Summary(
            mean: mean, median: percentile(0.5), p5: percentile(0.05), p25: percentile(0.25), p75: percentile(0.75),
            p95: percentile(0.95), minimum: sorted.first ?? .nan, maximum: sorted.last ?? .nan)
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
