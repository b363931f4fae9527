/// Evaluates a scenario by the chain of SROI-METHOD, recording every figure in a ``Trace``.
///
/// It compiles the scenario into its ``EvaluationPlan`` and evaluates that with the full trace.
/// Every computed value is produced by the plan's instructions from the values of its input
/// nodes, the same instructions a verifier applies, so any figure can be recomputed exactly.
public struct Evaluator: Sendable {
    public init() {}

    /// Validates, then evaluates. Throws ``ValidationFailure`` listing every problem if the
    /// scenario has errors; nothing is calculated in that case.
    /// A figure that is not a finite number is refused, like a NaN written in the scenario.
    public func evaluate(_ scenario: Scenario) throws(ValidationFailure) -> Evaluation {
        let plan = try EvaluationPlan(scenario)
        let evaluation = plan.evaluate()
        let refusals = plan.refusals(in: evaluation.trace)
        if !refusals.isEmpty { throw ValidationFailure(refusals + evaluation.warnings) }
        return evaluation
    }
}

/// Node ids of the headline figures, as used by `results.json` and `sroi explain`.
public enum FigureID {
    public static let totalPresentValue = "total_present_value"
    public static let totalInputs = "total_inputs"
    public static let netPresentValue = "net_present_value"
    public static let sroiRatio = "sroi_ratio"
    public static let netSROIRatio = "net_sroi_ratio"
    public static let paybackMonths = "payback_months"
    public static let paybackYearOneImpact = "payback.year_one_impact"
    public static let discountedPaybackYears = "discounted_payback_years"
    /// The cash view of a fiscal outcome in the business case: `cash.jobs.year2`.
    public static func cash(_ outcome: String) -> String { "cash.\(outcome)" }
    /// A figure of the business case: `business_case.whole_cost`, `business_case.costs.year2`.
    public static func businessCase(_ figure: String) -> String { "business_case.\(figure)" }
    /// One cost line of the business case: `cost.agency-cover.amount`.
    public static func cost(_ id: String) -> String { "cost.\(id)" }
    public static func stakeholder(_ id: String) -> String { "by_stakeholder.\(id)" }
    public static func valueType(_ type: ValueType) -> String { "by_value_type.\(type.rawValue)" }
    public static func year(_ t: Int) -> String { "by_year.year\(t)" }
    public static func outcome(_ id: String) -> String { "outcome.\(id)" }
    /// One figure of an outcome (or cohort): `outcome.jobs@year2.present_value`.
    public static func outcome(_ id: String, _ figure: OutcomeFigure) -> String { "outcome.\(id).\(figure)" }

    /// Reads an outcome figure's id back: the outcome (or cohort) and the figure; `nil` for ids
    /// of anything else.
    public static func parseOutcome(_ id: String) -> (outcome: OutcomeID, figure: OutcomeFigure)? {
        guard id.hasPrefix("outcome.") else { return nil }
        let rest = id.dropFirst("outcome.".count)
        guard let dot = rest.firstIndex(of: "."),
            let figure = OutcomeFigure(parsing: String(rest[rest.index(after: dot)...]))
        else { return nil }
        return (OutcomeID(parsing: String(rest[..<dot])), figure)
    }
    public static func input(_ id: String) -> String { "input.\(id)" }
    public static func discountFactor(_ t: Int) -> String { "discount.factor.year\(t)" }
}
