/// A figure of the results: its value, its unit, and the trace node that explains it.
public struct Figure: Sendable {
    public var node: String
    public var value: FigureValue
    public var unit: String

    public init(node: String, value: FigureValue, unit: String) {
        self.node = node
        self.value = value
        self.unit = unit
    }
}

/// What one outcome contributes.
public struct OutcomeResult: Sendable {
    public var id: String
    public var stakeholder: String
    public var valueType: ValueType
    public var startYear: Int
    public var impactYear1: Figure
    /// The outcome's value in each year of its benefit period, first entry its start year.
    public var valuesByYear: [Figure]
    public var presentValue: Figure
}

/// What one input contributes to the total invested.
public struct InputResult: Sendable {
    public var id: String
    public var year: Int
    public var amount: Figure
    /// The amount as counted in the total: discounted when `discount_inputs` is declared.
    public var counted: Figure
}

/// The totals, ratios and breakdowns of SROI-METHOD, each a node of ``Evaluation/trace``.
public struct Results: Sendable {
    public var currency: Currency
    public var totalPresentValue: Figure
    public var totalInputs: Figure
    public var netPresentValue: Figure
    public var sroiRatio: Figure
    public var netSROIRatio: Figure
    public var paybackMonths: Figure
    /// Years until the present value arising year by year covers the inputs.
    public var discountedPaybackYears: Figure
    public var byStakeholder: [(stakeholder: String, figure: Figure)]
    public var byValueType: [(valueType: ValueType, figure: Figure)]
    /// Present value by analysis year, from year 1 to the end of the analysis period.
    public var byYear: [(year: Int, figure: Figure)]
    public var outcomes: [OutcomeResult]
    public var inputs: [InputResult]
    /// The second currency money is shown in, when the scenario or the report asks for one.
    public var secondCurrency: Currency?
    /// The rate money is converted into the second currency at: declared, or the inverse of the
    /// rate declared the other way.
    public var secondCurrencyRate: Figure?
    /// Money figures in the second currency, by the id of the figure converted.
    public var converted: [String: Figure] = [:]
    /// The option as a business case, when the scenario declares one.
    public var businessCase: BusinessCaseResult?
}

/// An option as a business case: its whole cost, net present value and cash by year.
public struct BusinessCaseResult: Sendable {
    /// The cash in one analysis year, undiscounted, in the price base.
    public struct Year: Sendable {
        public var year: Int
        /// Inputs and the option's costs spent in the year.
        public var spending: Figure
        public var cashReleasing: Figure
        public var nonCashReleasing: Figure
        /// Cash released less spending.
        public var netCash: Figure
        /// The year's cash in nominal terms, when the business case declares inflation.
        public var nominal: Nominal?
    }

    /// A year's cash at the prices of that year: the price-base figures times the price level
    /// the declared inflation reaches by then.
    public struct Nominal: Sendable {
        /// Prices of the year relative to the price base (1 at the price base).
        public var priceLevel: Figure
        public var spending: Figure
        public var cashReleasing: Figure
        public var nonCashReleasing: Figure
        public var netCash: Figure
    }

    /// Which deductions the cash view applies, in words.
    public var convention: String
    /// Each cost line's amount in each year it is spent.
    public var costs: [(id: String, amount: Figure)]
    public var costsPresentValue: Figure
    /// Inputs (as the SROI ratio counts them) and the present value of the costs.
    public var wholeCost: Figure
    /// Total present value less the whole cost.
    public var netPresentValue: Figure
    public var cashReleasingPresentValue: Figure
    public var years: [Year]
    /// The inflation nominal cash is computed with, in words; absent, there is no nominal view.
    public var inflation: String?
}

/// The outcome of evaluating a scenario: results, the full trace behind them, and any warnings.
public struct Evaluation: Sendable {
    public var results: Results
    public var trace: Trace
    public var warnings: [Diagnostic]
}
