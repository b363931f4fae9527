import SROICore

/// The documented layout of the value map workbook (docs/spreadsheets.md), shared by the
/// writer and the reader so that a written workbook reads back exactly.
///
/// The reader finds each block by the label in column A and each table's columns by their
/// headings, so a workbook laid out by hand in this form reads too.
public enum ValueMapLayout {
    public static let sheetName = "Value map"
    public static let deductionsSheetName = "Deductions by year"

    /// Labels of the settings block (column A, value in column B).
    public enum Setting: String, CaseIterable, Sendable {
        case title = "Title"
        case organisation = "Organisation"
        case illustrative = "Illustrative"
        case currency = "Currency"
        case analysisYears = "Analysis years"
        case firstYear = "First calendar year"
        /// `calendar`, or `financial` for years running April to March (labelled 2024-25).
        case yearType = "Years"
        case priceBaseYear = "Price base year"
        case discountFrom = "Discount from"
        case discountInputs = "Discount inputs"
    }

    /// Section labels in column A.
    public static let inputsSection = "Stage 1: stakeholders and inputs"
    public static let discountingSection = "Discounting"
    public static let outcomesSection = "Stages 2 to 4: outcomes, evidence, value and impact"
    public static let totalsSection = "Stage 5: social return"

    /// Row labels of the discounting block.
    public static let analysisYearLabel = "Analysis year"
    public static let calendarYearLabel = "Calendar year"
    public static let financialYearLabel = "Financial year"
    public static let rateLabel = "Discount rate (step into the year)"
    public static let yearEndFactorLabel = "Factor at the end of the year"
    public static let factorLabel = "Discount factor"

    /// Row labels of the totals.
    public static let totalInputsLabel = "Total inputs"
    public static let totalPresentValueLabel = "Total present value"
    public static let netPresentValueLabel = "Net present value"
    public static let ratioLabel = "SROI ratio"
    public static let netRatioLabel = "Net SROI ratio"
    public static let byValueTypeLabel = "Present value by value type"
    public static let byStakeholderLabel = "Present value by stakeholder"

    /// The inputs table's columns, in order.
    public enum InputColumn: String, CaseIterable, Sendable, TableColumn {
        case stakeholder = "Stakeholder"
        case id = "Input"
        case description = "Description"
        case year = "Year"
        case amount = "Amount"
        case counted = "Counted"
        case valuation = "How it is valued"
    }

    /// The outcomes table's columns, in order; the years and the present value follow them.
    public enum OutcomeColumn: String, CaseIterable, Sendable, TableColumn {
        case stakeholder = "Stakeholder"
        case outcome = "Outcome"
        case indicator = "Indicator"
        case id = "Id"
        case valueType = "Value type"
        case quantity = "Quantity"
        case unit = "Unit"
        case quantitySource = "Where the quantity comes from"
        case startYear = "Start year"
        case duration = "Duration"
        case proxy = "Financial proxy"
        case proxySource = "Proxy source"
        case proxyValue = "Value of proxy"
        case deadweight = "Deadweight"
        case displacement = "Displacement"
        case attribution = "Attribution"
        case dropOff = "Drop-off"
        case optimismBias = "Optimism bias"
        case grossValue = "Gross value"
        case impact = "Impact (year one)"
    }

    /// The column of analysis year `t` (from 1), in the outcomes table and the discounting block.
    public static func yearColumn(_ t: Int) -> Int { OutcomeColumn.allCases.count + t }

    /// `Year 2 (2025)`, `Year 2 (2025-26)` in financial years, or `Year 2`.
    public static func yearHeading(_ t: Int, of scenario: Scenario) -> String {
        scenario.firstCalendarYear == nil ? "Year \(t)" : "Year \(t) (\(scenario.yearLabel(t)))"
    }

    public static let presentValueHeading = "Present value"

    /// Column headings of the deductions-by-year sheet before the years.
    public static let deductionIDHeading = "Id"
    public static let deductionKindHeading = "Deduction"
    /// The second sheet's row of a drop-off listed by year: its first share under year 2.
    public static let dropOffKind = "Drop-off"

    public static func outcomeYearHeading(_ k: Int) -> String { "Year \(k) of the outcome" }
}

/// A column of a value map table, headed by its raw value, in the order of its cases.
public protocol TableColumn: CaseIterable, Equatable {}

extension TableColumn {
    /// The column's 1-based place in the table.
    public var column: Int { Array(Self.allCases).firstIndex(of: self)! + 1 }
}
