/// One-at-a-time sensitivity and switching values (SROI-METHOD, Sensitivity).
///
/// Every figure here comes from the scenario's evaluation plan with one assumption set to another
/// value, recomputing only what that assumption reaches, so each equals what `sroi run` gives on
/// the scenario edited by hand.
public struct SensitivityAnalysis: Sendable {
    public struct SwitchingValue: Sendable, Equatable {
        public enum Method: String, Sendable {
            /// The ratio is linear in the assumption: solved from two evaluations.
            case exactLinear = "exact_linear"
            /// Bracketed within the range and bisected to the tolerance.
            case bisection
            /// A whole-number assumption: the first value in the range at which the ratio reaches the target.
            case wholeNumberSearch = "whole_number_search"
        }

        /// `nil` when the target is not reachable within the assumption's range.
        public var value: Double?
        public var method: Method
        /// The ratio recomputed at ``value`` by a full evaluation.
        public var ratioAtValue: Double?
        /// Why no value is given.
        public var note: String?
        /// Where no value lies within the range: the value outside it at which the ratio reaches
        /// the target, when the assumption can take one.
        public var outsideRange: Double?
    }

    public struct Entry: Sendable {
        public var parameter: UncertainParameter
        public var low: Double
        public var high: Double
        public var ratioAtLow: FigureValue
        public var ratioAtHigh: FigureValue
        public var npvAtLow: FigureValue
        public var npvAtHigh: FigureValue
        /// `|ratio at high − ratio at low|`: the width of the tornado's bar; `nil` when either
        /// ratio is undefined.
        public var swing: Double?
        public var switchingValue: SwitchingValue
    }

    public var baseRatio: FigureValue
    public var baseNPV: FigureValue
    public var targetRatio: Double
    /// Entries with a range, widest swing first.
    public var entries: [Entry]

    /// Runs the analysis; the scenario must validate.
    public static func run(_ scenario: Scenario) throws(ValidationFailure) -> SensitivityAnalysis {
        let ranged = scenario.uncertainParameters.filter { $0.uncertainty.hasRange }
        var workspace = Workspace(try EvaluationPlan(scenario, varying: ranged))
        let base = workspace.baseHeadline
        let target = scenario.sensitivity.targetRatio
        var entries: [Entry] = []
        for parameter in ranged {
            guard let low = parameter.uncertainty.low, let high = parameter.uncertainty.high else { continue }
            let atLow = workspace.headline(setting: [(parameter.kind, low)])
            let atHigh = workspace.headline(setting: [(parameter.kind, high)])
            var swing: Double?
            if let a = atLow.sroiRatio.number, let b = atHigh.sroiRatio.number { swing = abs(b - a) }
            let switching = switchingValue(
                parameter, low: low, high: high, target: target, tolerance: scenario.sensitivity.tolerance,
                workspace: &workspace, ratioAtLow: atLow.sroiRatio.number, ratioAtHigh: atHigh.sroiRatio.number)
            entries.append(
                Entry(
                    parameter: parameter, low: low, high: high, ratioAtLow: atLow.sroiRatio,
                    ratioAtHigh: atHigh.sroiRatio, npvAtLow: atLow.netPresentValue,
                    npvAtHigh: atHigh.netPresentValue, swing: swing, switchingValue: switching))
        }
        // Widest first, undefined swings last; ties keep file order, so the output is the same run after run.
        let ordered = entries.enumerated().sorted { a, b in
            let x = a.element.swing ?? -1
            let y = b.element.swing ?? -1
            return x != y ? x > y : a.offset < b.offset
        }.map(\.element)
        return SensitivityAnalysis(
            baseRatio: base.sroiRatio, baseNPV: base.netPresentValue, targetRatio: target, entries: ordered)
    }

    static func ratio(_ workspace: inout Workspace, _ kind: UncertainParameter.Kind, _ value: Double) -> Double? {
        workspace.headline(setting: [(kind, value)]).sroiRatio.number
    }

    static func switchingValue(
        _ parameter: UncertainParameter, low: Double, high: Double, target: Double, tolerance: Double,
        workspace: inout Workspace, ratioAtLow: Double?, ratioAtHigh: Double?
    ) -> SwitchingValue {
        guard let ratioAtLow, let ratioAtHigh else {
            return SwitchingValue(
                value: nil, method: .bisection, ratioAtValue: nil, note: "the ratio is undefined (no inputs)")
        }
        let unreachable = "the ratio does not reach \(NumberFormat.shortest(target)) within the range"
        if parameter.isWholeNumber {
            var previous = ratio(&workspace, parameter.kind, low)
            if let previous, previous == target {
                return SwitchingValue(value: low, method: .wholeNumberSearch, ratioAtValue: previous, note: nil)
            }
            var value = low + 1
            while value <= high {
                let current = ratio(&workspace, parameter.kind, value)
                if let before = previous, let current, (before - target) * (current - target) <= 0 {
                    return SwitchingValue(
                        value: value, method: .wholeNumberSearch, ratioAtValue: current,
                        note:
                            "the ratio passes \(NumberFormat.shortest(target)) between \(NumberFormat.shortest(value - 1)) and \(NumberFormat.shortest(value)) years"
                    )
                }
                previous = current
                value += 1
            }
            return SwitchingValue(value: nil, method: .wholeNumberSearch, ratioAtValue: nil, note: unreachable)
        }
        if parameter.ratioIsLinear {
            // ratio(x) = ratioAtLow + slope × (x − low), exactly, for these assumptions.
            let slope = (ratioAtHigh - ratioAtLow) / (high - low)
            guard slope != 0 else {
                return SwitchingValue(
                    value: nil, method: .exactLinear, ratioAtValue: nil, note: "the ratio does not depend on it")
            }
            let value = low + (target - ratioAtLow) / slope
            guard value >= low, value <= high else {
                return SwitchingValue(
                    value: nil, method: .exactLinear, ratioAtValue: nil,
                    note: unreachable + " (it would need \(NumberFormat.shortest(value)))",
                    outsideRange: parameter.domain.contains(value) ? value : nil)
            }
            return SwitchingValue(
                value: value, method: .exactLinear, ratioAtValue: ratio(&workspace, parameter.kind, value), note: nil)
        }
        let width = tolerance * max(high - low, .leastNormalMagnitude)
        guard (ratioAtLow - target) * (ratioAtHigh - target) <= 0 else {
            let outside = beyondRange(
                parameter, low: low, high: high, target: target, width: width, workspace: &workspace,
                ratioAtLow: ratioAtLow, ratioAtHigh: ratioAtHigh)
            return SwitchingValue(
                value: nil, method: .bisection, ratioAtValue: nil, note: unreachable, outsideRange: outside)
        }
        let value = bisect(
            parameter.kind, from: low, to: high, ratioFrom: ratioAtLow, target: target, width: width,
            workspace: &workspace)
        return SwitchingValue(
            value: value, method: .bisection, ratioAtValue: ratio(&workspace, parameter.kind, value), note: nil)
    }

    /// The value between `a` and `b` (on either side) at which the ratio crosses `target`,
    /// bisected until the bracket is narrower than `width`.
    static func bisect(
        _ kind: UncertainParameter.Kind, from a: Double, to b: Double, ratioFrom: Double, target: Double,
        width: Double, workspace: inout Workspace
    ) -> Double {
        var (a, b) = (a, b)
        var ratioA = ratioFrom
        for _ in 0..<200 where abs(b - a) > width {
            let middle = a + (b - a) / 2
            guard let ratioMiddle = ratio(&workspace, kind, middle) else { break }
            if (ratioA - target) * (ratioMiddle - target) <= 0 {
                b = middle
            } else {
                a = middle
                ratioA = ratioMiddle
            }
        }
        return a + (b - a) / 2
    }

    /// Where the target lies outside the range: stepping away from the end nearer the target,
    /// each step twice the last, within the values the assumption may take; `nil` when the ratio
    /// does not get there.
    static func beyondRange(
        _ parameter: UncertainParameter, low: Double, high: Double, target: Double, width: Double,
        workspace: inout Workspace, ratioAtLow: Double, ratioAtHigh: Double
    ) -> Double? {
        let downwards = abs(ratioAtLow - target) < abs(ratioAtHigh - target)
        var inner = downwards ? low : high
        var innerRatio = downwards ? ratioAtLow : ratioAtHigh
        var step = max(high - low, abs(parameter.base) / 10, 1e-6)
        let domain = parameter.domain
        for _ in 0..<64 {
            let outer = min(max(downwards ? inner - step : inner + step, domain.lowerBound), domain.upperBound)
            guard outer != inner, let outerRatio = ratio(&workspace, parameter.kind, outer) else { return nil }
            if (innerRatio - target) * (outerRatio - target) <= 0 {
                return bisect(
                    parameter.kind, from: inner, to: outer, ratioFrom: innerRatio, target: target, width: width,
                    workspace: &workspace)
            }
            // Moving away from the target: it is not on this side.
            if abs(outerRatio - target) > abs(innerRatio - target) { return nil }
            inner = outer
            innerRatio = outerRatio
            step *= 2
        }
        return nil
    }
}
