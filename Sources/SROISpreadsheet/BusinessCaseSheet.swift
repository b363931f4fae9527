import Foundation
import SROICore
import SROIReport

/// The option as a business case on a sheet of its own, generated from the plan: one row per
/// node of the business case (its costs, whole cost, net, and the cash view by year, in the
/// price base and nominal), each a live formula over the rows it was computed from, written
/// from that node's arithmetic. The figures it rests on (inputs, discount factors, each
/// outcome's cash view) come first, as the numbers the engine computed, with their ids for
/// `sroi explain`.
enum BusinessCaseSheet {
    static let name = "Business case"

    /// Nodes of the business case proper; everything they read is a figure of the value map.
    static func isBusinessCase(_ id: String) -> Bool {
        id.hasPrefix(FigureID.businessCase("")) || id.hasPrefix(FigureID.cost(""))
    }

    static func make(_ input: ReportInput) -> Sheet? {
        let trace = input.evaluation.trace
        guard let convention = input.evaluation.results.businessCase?.convention else { return nil }
        let own = trace.nodes.filter { isBusinessCase($0.id) }
        guard !own.isEmpty else { return nil }
        let ownIDs = Set(own.map(\.id))
        var grounds: [String] = []
        var seen: Set<String> = []
        for node in own {
            for id in node.inputs where !ownIDs.contains(id) && seen.insert(id).inserted { grounds.append(id) }
        }

        var sheet = Sheet(name: name)
        sheet.columnWidths = [1: 64, 2: 18, 3: 14, 4: 46, 5: 44]
        let currency = input.evaluation.results.currency.code
        sheet[1, 1] = Cell(.text("Business case: \(input.scenario.title)"), style: .title)
        sheet[2, 1] = Cell(
            .text(
                "Written by \(Engine.name) \(Engine.version). Figures in \(currency); \(convention). The figures it rests on are the engine's numbers; every figure below them is a formula."
            ), style: .note)
        let headings = ["Figure", "Value", "Unit", "How it is computed", "Id (sroi explain)"]
        var row = 4
        var rowOf: [String: Int] = [:]

        func put(_ node: TraceNode, _ value: CellValue, how: String) {
            sheet[row, 1] = Cell(.text(node.label))
            sheet[row, 2] = Cell(value, style: style(node.unit))
            sheet[row, 3] = Cell(.text(node.unit))
            sheet[row, 4] = Cell(.text(how))
            sheet[row, 5] = Cell(.text(node.id))
            rowOf[node.id] = row
            row += 1
        }
        func section(_ title: String) {
            sheet[row, 1] = Cell(.text(title), style: .heading)
            row += 1
            for (column, heading) in headings.enumerated() {
                sheet[row, column + 1] = Cell(.text(heading), style: .columnHeading)
            }
            row += 1
        }

        section("The figures it rests on")
        for id in grounds {
            guard let node = trace[id] else { continue }
            put(node, number(node.value), how: "as the engine computed it")
        }
        row += 1
        section("The business case")
        for node in own {
            let operands = node.inputs.compactMap { rowOf[$0].map { CellAddress(row: $0, column: 2).description } }
            let formula =
                operands.count == node.inputs.count ? excelFormula(node.arithmetic, operands) : nil
            put(
                node, formula.map(CellValue.formula) ?? number(node.value),
                how: formula == nil ? "as the engine computed it" : trace.symbolicFormula(of: node))
        }
        return sheet
    }

    static func number(_ value: FigureValue) -> CellValue {
        if case .number(let number) = value { return .number(number) }
        return .text("undefined")
    }

    static func style(_ unit: String) -> CellStyle {
        switch unit {
        case "factor": return .factor
        case "per year", "share": return .share
        default: return unit.count == 3 ? .money : .number
        }
    }

    /// The node's arithmetic over the cells of its inputs, in the order it takes them; `nil`
    /// where a spreadsheet formula cannot say it exactly, so the engine's number is written.
    static func excelFormula(_ arithmetic: Arithmetic, _ operands: [String]) -> String? {
        switch arithmetic {
        case .copy: return operands.first
        case .product: return operands.isEmpty ? "1" : operands.joined(separator: "*")
        // Left to right, as the engine adds: SUM may add in another order.
        case .sum: return operands.isEmpty ? "0" : operands.joined(separator: "+")
        case .difference where operands.count == 2: return "\(operands[0])-\(operands[1])"
        case .quotient where operands.count == 2: return "\(operands[0])/\(operands[1])"
        case .discountStep where operands.count == 2: return "\(operands[0])/(1+\(operands[1]))"
        case .formula:
            let rendered = arithmetic.render(operands).replacingOccurrences(of: "×", with: "*")
                .replacingOccurrences(of: "−", with: "-")
            let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.+-*/() ")
            return rendered.allSatisfy(allowed.contains) ? rendered : nil
        default: return nil
        }
    }
}
