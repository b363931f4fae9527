import Foundation
import SROICore
import ZIPFoundation

/// Writes a ``Workbook`` as an Office Open XML spreadsheet (`.xlsx`) that Excel and LibreOffice
/// open, recalculate on load, and print on A4.
///
/// The bytes depend only on the workbook: entries carry a fixed date and numbers their shortest
/// round-trip form, so the same value map gives the same file.
public enum WorkbookWriter {
    /// The `.xlsx` bytes.
    public static func data(_ workbook: Workbook) throws -> Data {
        let archive = try Archive(accessMode: .create)
        var parts: [(String, String)] = [
            ("[Content_Types].xml", contentTypes(workbook)),
            ("_rels/.rels", rootRelationships),
            ("xl/workbook.xml", workbookPart(workbook)),
            ("xl/_rels/workbook.xml.rels", workbookRelationships(workbook)),
            ("xl/styles.xml", styles),
        ]
        for (index, sheet) in workbook.sheets.enumerated() {
            parts.append(("xl/worksheets/sheet\(index + 1).xml", worksheet(sheet)))
        }
        // 1980-01-01, the first date a ZIP entry can hold: the same workbook gives the same bytes.
        let fixedDate = Date(timeIntervalSince1970: 315_532_800)
        for (path, text) in parts {
            let bytes = Data(text.utf8)
            try archive.addEntry(
                with: path, type: .file, uncompressedSize: Int64(bytes.count), modificationDate: fixedDate,
                compressionMethod: .deflate,
                provider: { position, size in bytes.subdata(in: Int(position)..<Int(position) + size) })
        }
        guard let data = archive.data else { throw CocoaError(.fileWriteUnknown) }
        return data
    }

    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\n", "\t": out.unicodeScalars.append(scalar)
            // XML 1.0 cannot hold other control characters at all.
            case _ where scalar.value < 0x20 || (0xFFFE...0xFFFF).contains(scalar.value): out += "\u{FFFD}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    private static let header = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    private static let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    private static let relationshipsNamespace = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

    private static func contentTypes(_ workbook: Workbook) -> String {
        var text =
            header
            + "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
            + "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
            + "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
            + "<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
            + "<Override PartName=\"/xl/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/>"
        for index in workbook.sheets.indices {
            text +=
                "<Override PartName=\"/xl/worksheets/sheet\(index + 1).xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
        }
        return text + "</Types>"
    }

    private static let rootRelationships =
        header
        + "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        + "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/>"
        + "</Relationships>"

    private static func workbookPart(_ workbook: Workbook) -> String {
        var text = header + "<workbook xmlns=\"\(main)\" xmlns:r=\"\(relationshipsNamespace)\"><sheets>"
        for (index, sheet) in workbook.sheets.enumerated() {
            text += "<sheet name=\"\(escape(sheet.name))\" sheetId=\"\(index + 1)\" r:id=\"rId\(index + 1)\"/>"
        }
        // Formulas are written without cached results: the application computes them on opening.
        return text + "</sheets><calcPr calcId=\"191029\" fullCalcOnLoad=\"1\"/></workbook>"
    }

    private static func workbookRelationships(_ workbook: Workbook) -> String {
        var text = header + "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        for index in workbook.sheets.indices {
            text +=
                "<Relationship Id=\"rId\(index + 1)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet\(index + 1).xml\"/>"
        }
        let styleID = workbook.sheets.count + 1
        return text
            + "<Relationship Id=\"rId\(styleID)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>"
            + "</Relationships>"
    }

    /// One entry per ``CellStyle``, in its order.
    private static let styles: String = {
        // Number formats: money with two decimals and thousands, shares as percentages, factors
        // and ratios with more digits; the full value stays in the cell.
        let formats =
            "<numFmts count=\"4\">"
            + "<numFmt numFmtId=\"164\" formatCode=\"#,##0.00\"/>"
            + "<numFmt numFmtId=\"165\" formatCode=\"0.0%\"/>"
            + "<numFmt numFmtId=\"166\" formatCode=\"0.000000\"/>"
            + "<numFmt numFmtId=\"167\" formatCode=\"0.00\"/>"
            + "</numFmts>"
        let fonts =
            "<fonts count=\"4\">"
            + "<font><sz val=\"10\"/><name val=\"Arial\"/></font>"
            + "<font><b/><sz val=\"14\"/><name val=\"Arial\"/></font>"
            + "<font><b/><sz val=\"10\"/><name val=\"Arial\"/></font>"
            + "<font><i/><sz val=\"9\"/><color rgb=\"FF555555\"/><name val=\"Arial\"/></font>"
            + "</fonts>"
        let fills =
            "<fills count=\"3\"><fill><patternFill patternType=\"none\"/></fill><fill><patternFill patternType=\"gray125\"/></fill>"
            + "<fill><patternFill patternType=\"solid\"><fgColor rgb=\"FFDDE7F0\"/><bgColor indexed=\"64\"/></patternFill></fill></fills>"
        let borders =
            "<borders count=\"2\"><border><left/><right/><top/><bottom/><diagonal/></border>"
            + "<border><left/><right/><top style=\"thin\"/><bottom style=\"double\"/><diagonal/></border></borders>"
        // (number format, font, fill, border, wrap) for each CellStyle case, in order.
        let entries: [(Int, Int, Int, Int, Bool)] = [
            (0, 0, 0, 0, false),  // plain
            (0, 1, 0, 0, false),  // title
            (0, 2, 0, 0, false),  // heading
            (0, 2, 2, 0, true),  // column heading
            (164, 0, 0, 0, false),  // money
            (165, 0, 0, 0, false),  // share
            (166, 0, 0, 0, false),  // factor
            (167, 2, 0, 0, false),  // ratio
            (0, 0, 0, 0, false),  // number
            (0, 3, 0, 0, true),  // note
            (164, 2, 0, 1, false),  // total
            (1, 2, 2, 0, false),  // year
        ]
        var xfs = "<cellXfs count=\"\(entries.count)\">"
        for (format, font, fill, border, wrap) in entries {
            xfs +=
                "<xf numFmtId=\"\(format)\" fontId=\"\(font)\" fillId=\"\(fill)\" borderId=\"\(border)\" xfId=\"0\""
                + (format != 0 ? " applyNumberFormat=\"1\"" : "") + (font != 0 ? " applyFont=\"1\"" : "")
                + (fill != 0 ? " applyFill=\"1\"" : "") + (border != 0 ? " applyBorder=\"1\"" : "")
                + (wrap ? " applyAlignment=\"1\"><alignment wrapText=\"1\" vertical=\"top\"/></xf>" : "/>")
        }
        xfs += "</cellXfs>"
        return header + "<styleSheet xmlns=\"\(main)\">" + formats + fonts + fills + borders
            + "<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs>"
            + xfs + "<cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles>"
            + "</styleSheet>"
    }()

    private static func worksheet(_ sheet: Sheet) -> String {
        var text = header + "<worksheet xmlns=\"\(main)\" xmlns:r=\"\(relationshipsNamespace)\">"
        text += "<sheetPr><pageSetUpPr fitToPage=\"1\"/></sheetPr>"
        if sheet.frozenRows > 0 {
            let topLeft = CellAddress(row: sheet.frozenRows + 1, column: 1)
            text +=
                "<sheetViews><sheetView workbookViewId=\"0\"><pane ySplit=\"\(sheet.frozenRows)\" topLeftCell=\"\(topLeft)\" activePane=\"bottomLeft\" state=\"frozen\"/></sheetView></sheetViews>"
        }
        if !sheet.columnWidths.isEmpty {
            text += "<cols>"
            for (column, width) in sheet.columnWidths.sorted(by: { $0.key < $1.key }) {
                text +=
                    "<col min=\"\(column)\" max=\"\(column)\" width=\"\(NumberFormat.shortest(width))\" customWidth=\"1\"/>"
            }
            text += "</cols>"
        }
        text += "<sheetData>"
        let rows = Dictionary(grouping: sheet.cells, by: { $0.key.row })
        for row in rows.keys.sorted() {
            text += "<row r=\"\(row)\">"
            for (address, cell) in rows[row]!.sorted(by: { $0.key.column < $1.key.column }) {
                let style = cell.style == .plain ? "" : " s=\"\(cell.style.rawValue)\""
                switch cell.value {
                case .number(let value):
                    text += "<c r=\"\(address)\"\(style)><v>\(NumberFormat.shortest(value))</v></c>"
                case .text(let value):
                    text +=
                        "<c r=\"\(address)\"\(style) t=\"inlineStr\"><is><t xml:space=\"preserve\">\(escape(value))</t></is></c>"
                case .formula(let formula):
                    text += "<c r=\"\(address)\"\(style)><f>\(escape(formula))</f></c>"
                case .boolean(let value):
                    text += "<c r=\"\(address)\"\(style) t=\"b\"><v>\(value ? 1 : 0)</v></c>"
                }
            }
            text += "</row>"
        }
        text += "</sheetData>"
        text += "<printOptions gridLines=\"0\"/>"
        text += "<pageMargins left=\"0.4\" right=\"0.4\" top=\"0.5\" bottom=\"0.5\" header=\"0.3\" footer=\"0.3\"/>"
        // A4 (paper size 9), as wide as the page and as many pages long as it takes.
        text +=
            "<pageSetup paperSize=\"9\" orientation=\"\(sheet.landscape ? "landscape" : "portrait")\" fitToWidth=\"1\" fitToHeight=\"0\"/>"
        text +=
            "<headerFooter><oddFooter>&amp;L\(escape(sheet.name))&amp;RPage &amp;P of &amp;N</oddFooter></headerFooter>"
        return text + "</worksheet>"
    }
}
