/// JSON Schemas (draft 2020-12) of the three file formats, for editors: with the
/// `# yaml-language-server: $schema=…` line, VS Code's YAML extension completes keys and marks
/// unknown ones as they are typed. The engine's own checks remain the authority on values.
public enum JSONSchemas {
    /// The schemas as files: `scenario.schema.json`, `dataset.schema.json`, `model.schema.json`.
    public static let files: [(name: String, text: String)] = [
        ("scenario.schema.json", scenario), ("dataset.schema.json", dataset), ("model.schema.json", model),
    ]

    /// Definitions shared by the scenario and model schemas.
    static let common = #"""
            "citation": {
              "description": "A publication's name, or the publication with where in it the figure is.",
              "anyOf": [
                {"type": "string", "minLength": 1},
                {"type": "object", "additionalProperties": false, "required": ["publication"],
                 "properties": {
                   "publication": {"type": "string"}, "locator": {"type": "string"}, "publisher": {"type": "string"},
                   "url": {"type": "string"}, "licence": {"type": "string"}}}
              ]
            },
            "range": {
              "type": "object", "additionalProperties": false, "required": ["low", "high"],
              "properties": {"low": {"type": "number"}, "high": {"type": "number"}}
            },
            "distribution": {"enum": ["uniform", "triangular", "pert", "normal"]},
            "judgement": {
              "description": "A number, or the number with why it was chosen and its evidence.",
              "anyOf": [
                {"type": "number"},
                {"type": "object", "additionalProperties": false, "required": ["value"],
                 "properties": {
                   "value": {"type": "number"}, "rationale": {"type": "string"}, "source": {"$ref": "#/$defs/citation"},
                   "range": {"$ref": "#/$defs/range"}, "distribution": {"$ref": "#/$defs/distribution"},
                   "sd": {"type": "number", "exclusiveMinimum": 0}}}
              ]
            },
            "share": {
              "description": "A share from 0 to 1, or a judgement of one.",
              "anyOf": [
                {"type": "number", "minimum": 0, "maximum": 1},
                {"type": "object", "additionalProperties": false, "required": ["value"],
                 "properties": {
                   "value": {"type": "number", "minimum": 0, "maximum": 1}, "rationale": {"type": "string"},
                   "source": {"$ref": "#/$defs/citation"}, "range": {"$ref": "#/$defs/range"},
                   "distribution": {"$ref": "#/$defs/distribution"}, "sd": {"type": "number", "exclusiveMinimum": 0}}}
              ]
            },
            "priceYear": {
              "description": "A calendar year (2024) or a financial year (2024-25).",
              "anyOf": [{"type": "integer"}, {"type": "string", "pattern": "^[0-9]{4}(-[0-9]{2})?$"}]
            },
            "bands": {
              "type": "array", "minItems": 1,
              "items": {"type": "object", "additionalProperties": false, "required": ["from_year", "rate"],
                        "properties": {"from_year": {"type": "integer", "minimum": 1}, "rate": {"type": "number", "minimum": 0}}}
            },
            "indexPoints": {
              "type": "object", "propertyNames": {"pattern": "^[0-9]{4}(-[0-9]{2})?$"},
              "additionalProperties": {"type": "number", "exclusiveMinimum": 0}
            },
            "grades": {"type": "object", "additionalProperties": {"$ref": "#/$defs/share"}},
            "identifier": {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9_-]*$"},
            "currency": {"type": "string", "pattern": "^[A-Z]{3}$"}
        """#

    public static let scenario = #"""
        {
          "$schema": "https://json-schema.org/draft/2020-12/schema",
          "$id": "https://sroi.example/schemas/scenario.schema.json",
          "title": "sroi scenario (sroi-scenario/1)",
          "description": "An SROI scenario: stakeholders, inputs, outcomes with their proxies and deductions, and the conventions of the calculation. See docs/scenario-format.md.",
          "type": "object",
          "additionalProperties": false,
          "required": ["schema", "title", "analysis_period", "report_currency", "conventions", "stakeholders", "outcomes"],
          "properties": {
            "schema": {"const": "sroi-scenario/1"},
            "title": {"type": "string", "minLength": 1},
            "organisation": {"type": "string"},
            "description": {"type": "string"},
            "illustrative": {"type": "string", "description": "Say so when figures are assumed, not recorded; reports print it prominently."},
            "analysis_period": {
              "type": "object", "additionalProperties": false, "required": ["years"],
              "properties": {"years": {"type": "integer", "minimum": 1, "maximum": 200}, "first_year": {"type": "integer"},
                             "year_type": {"enum": ["calendar", "financial"]}}
            },
            "report_currency": {"$ref": "#/$defs/currency"},
            "price_base_year": {"anyOf": [{"$ref": "#/$defs/priceYear"}, {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/priceYear"}}]},
            "report": {
              "type": "object", "additionalProperties": false,
              "properties": {
                "author": {"type": "string"}, "date": {"type": "string"}, "currency": {"$ref": "#/$defs/currency"},
                "chapters": {
                  "type": "object", "additionalProperties": false,
                  "properties": {
                    "scope": {"$ref": "#/$defs/chapter"}, "stakeholders": {"$ref": "#/$defs/chapter"},
                    "materiality": {"$ref": "#/$defs/chapter"}, "evidence": {"$ref": "#/$defs/chapter"},
                    "limitations": {"$ref": "#/$defs/chapter"}}},
                "engagement": {
                  "type": "array",
                  "items": {"type": "object", "additionalProperties": false, "required": ["stakeholder", "people", "method", "when"],
                            "properties": {"stakeholder": {"type": "string"}, "people": {"type": "integer", "minimum": 1},
                                           "method": {"type": "string"}, "when": {"type": "string"}}}},
                "materiality": {
                  "type": "array",
                  "items": {"type": "object", "additionalProperties": false, "required": ["outcome", "decision", "reason"],
                            "properties": {"outcome": {"type": "string"}, "decision": {"enum": ["included", "excluded"]},
                                           "reason": {"type": "string"}}}},
                "small_numbers": {"type": "integer", "minimum": 1, "description": "Counts of people below this are flagged in the report (default 5)."},
                "assurance": {
                  "type": "object", "additionalProperties": false, "required": ["by", "date", "statement"],
                  "properties": {"by": {"type": "string"}, "date": {"type": "string"}, "statement": {"type": "string"}}}
              }
            },
            "uses": {
              "type": "array",
              "items": {"anyOf": [
                {"type": "string"},
                {"type": "object", "additionalProperties": false, "required": ["path", "model", "supplied_by_user"],
                 "properties": {"path": {"type": "string"}, "model": {"type": "string"}, "supplied_by_user": {"type": "string"}}}
              ]}
            },
            "conventions": {
              "type": "object", "additionalProperties": false, "required": ["discount_from"],
              "properties": {
                "discount_from": {"enum": ["year1", "year0", "mid_year"]},
                "discount_rate": {"anyOf": [{"$ref": "#/$defs/judgement"}, {"$ref": "#/$defs/bands"}]},
                "discount_schedule": {"type": "string", "description": "A schedule of a model: model-id/entry."},
                "discount_inputs": {"type": "boolean"},
                "price_index": {"anyOf": [{"type": "string"}, {"$ref": "#/$defs/indexPoints"}]},
                "optimism_bias": {"anyOf": [{"type": "string"}, {"$ref": "#/$defs/grades"}]},
                "optimism_bias_on_costs": {"$ref": "#/$defs/judgement"}
              }
            },
            "business_case": {
              "type": "object", "additionalProperties": false,
              "properties": {
                "cash_deductions": {"type": "array", "items": {"enum": ["deadweight", "displacement", "attribution"]}},
                "inflation": {"$ref": "#/$defs/judgement"},
                "costs": {
                  "type": "array",
                  "items": {"type": "object", "additionalProperties": false, "required": ["id", "amount"],
                    "properties": {
                      "id": {"$ref": "#/$defs/identifier"}, "stakeholder": {"$ref": "#/$defs/identifier"},
                      "description": {"type": "string"},
                      "amount": {"anyOf": [{"$ref": "#/$defs/judgement"}, {"$ref": "#/$defs/formulaFigure"}]},
                      "years": {"type": "array", "items": {"type": "integer", "minimum": 1}}
                    }}
                }
              }
            },
            "stakeholders": {
              "type": "array",
              "items": {"type": "object", "additionalProperties": false, "required": ["id"],
                        "properties": {"id": {"$ref": "#/$defs/identifier"}, "name": {"type": "string"}, "description": {"type": "string"}}}
            },
            "inputs": {
              "type": "array",
              "items": {"type": "object", "additionalProperties": false, "required": ["id"],
                "properties": {
                  "id": {"$ref": "#/$defs/identifier"}, "stakeholder": {"$ref": "#/$defs/identifier"},
                  "description": {"type": "string"}, "currency": {"$ref": "#/$defs/currency"},
                  "year": {"type": "integer", "minimum": 1},
                  "amount": {"anyOf": [{"$ref": "#/$defs/judgement"}, {"$ref": "#/$defs/formulaFigure"}]},
                  "in_kind": {"type": "object", "additionalProperties": false, "required": ["hours", "rate_per_hour"],
                              "properties": {"hours": {"$ref": "#/$defs/judgement"}, "rate_per_hour": {"$ref": "#/$defs/judgement"}}}
                }}
            },
            "outcomes": {"type": "array", "items": {"$ref": "#/$defs/outcome"}},
            "values": {"type": "object", "additionalProperties": {"$ref": "#/$defs/namedValue"}},
            "conversions": {
              "type": "array",
              "items": {"type": "object", "additionalProperties": false, "required": ["from", "to", "rate", "date"],
                "properties": {"from": {"$ref": "#/$defs/currency"}, "to": {"$ref": "#/$defs/currency"},
                               "rate": {"type": "number", "exclusiveMinimum": 0}, "date": {"type": "string"},
                               "source": {"$ref": "#/$defs/citation"}}}
            },
            "integrity": {
              "type": "array",
              "items": {"type": "object", "additionalProperties": false, "required": ["name", "rule", "severity"],
                "properties": {
                  "name": {"$ref": "#/$defs/identifier"},
                  "rule": {"enum": ["counted_once", "within_window", "mutually_exclusive"]},
                  "outcome": {"type": "string"}, "outcomes": {"type": "array", "items": {"type": "string"}},
                  "key": {"type": "string"}, "date_column": {"type": "string"},
                  "from": {"type": ["string", "integer"]}, "to": {"type": ["string", "integer"]},
                  "severity": {"enum": ["error", "warning"]}}}
            },
            "sensitivity": {
              "type": "object", "additionalProperties": false,
              "properties": {"target_ratio": {"type": "number"}, "tolerance": {"type": "number", "exclusiveMinimum": 0}}
            }
          },
          "$defs": {
        \#(common),
            "chapter": {
              "description": "Markdown, or a Markdown file relative to the scenario.",
              "anyOf": [{"type": "string"}, {"type": "object", "additionalProperties": false, "required": ["file"], "properties": {"file": {"type": "string"}}}]
            },
            "formulaFigure": {
              "type": "object", "additionalProperties": false, "required": ["formula"],
              "properties": {"formula": {"type": "string"}, "unit": {"type": "string"}, "rationale": {"type": "string"},
                             "source": {"$ref": "#/$defs/citation"}}
            },
            "condition": {
              "anyOf": [
                {"type": ["string", "number", "boolean"]},
                {"type": "object", "additionalProperties": false,
                 "properties": {"in": {"type": "array"}, "min": {}, "max": {}, "from": {}, "to": {}, "recorded": {"type": "boolean"}}}
              ]
            },
            "records": {
              "type": "object", "additionalProperties": false, "required": ["dataset", "aggregate"],
              "properties": {
                "dataset": {"type": "string"}, "aggregate": {"enum": ["count", "count_distinct", "sum", "mean"]},
                "column": {"type": "string"}, "where": {"type": "object", "additionalProperties": {"$ref": "#/$defs/condition"}},
                "by_year": {"type": "string"},
                "in_post": {"type": "object", "additionalProperties": false, "required": ["from", "to"],
                            "properties": {"from": {"type": "string"}, "to": {"type": "string"}}}}
            },
            "quantity": {
              "anyOf": [
                {"type": "number", "minimum": 0},
                {"type": "object", "additionalProperties": false, "required": ["value"],
                 "properties": {"value": {"type": "number", "minimum": 0}, "unit": {"type": "string"},
                                "rationale": {"type": "string"}, "source": {"$ref": "#/$defs/citation"},
                                "range": {"$ref": "#/$defs/range"}, "distribution": {"$ref": "#/$defs/distribution"},
                                "sd": {"type": "number", "exclusiveMinimum": 0}}},
                {"$ref": "#/$defs/formulaFigure"},
                {"type": "object", "additionalProperties": false, "required": ["records"],
                 "properties": {"records": {"$ref": "#/$defs/records"}, "unit": {"type": "string"},
                                "rationale": {"type": "string"}, "source": {"$ref": "#/$defs/citation"}}}
              ]
            },
            "proxy": {
              "anyOf": [
                {"type": "object", "additionalProperties": false, "required": ["model"],
                 "properties": {"model": {"type": "string"}, "rationale": {"type": "string"}, "price_index": {"type": "string"},
                                "range": {"$ref": "#/$defs/range"}, "distribution": {"$ref": "#/$defs/distribution"},
                                "sd": {"type": "number", "exclusiveMinimum": 0}}},
                {"type": "object", "additionalProperties": false, "required": ["value", "currency", "per", "source"],
                 "properties": {"value": {"type": "number"}, "currency": {"$ref": "#/$defs/currency"}, "per": {"type": "string"},
                                "price_year": {"$ref": "#/$defs/priceYear"}, "source": {"$ref": "#/$defs/citation"},
                                "price_index": {"type": "string"},
                                "rationale": {"type": "string"}, "range": {"$ref": "#/$defs/range"},
                                "distribution": {"$ref": "#/$defs/distribution"}, "sd": {"type": "number", "exclusiveMinimum": 0}}},
                {"$ref": "#/$defs/formulaFigure"}
              ]
            },
            "deduction": {
              "anyOf": [
                {"$ref": "#/$defs/share"},
                {"type": "array", "minItems": 1, "items": {"type": "number", "minimum": 0, "maximum": 1}},
                {"type": "object", "additionalProperties": false, "required": ["value"],
                 "properties": {"value": {"type": "array", "items": {"type": "number", "minimum": 0, "maximum": 1}},
                                "rationale": {"type": "string"}, "source": {"$ref": "#/$defs/citation"}}}
              ]
            },
            "dropOff": {
              "description": "A yearly decline from 0 to 1, or a list of one per year after the first (duration - 1 entries).",
              "anyOf": [
                {"$ref": "#/$defs/share"},
                {"type": "array", "items": {"type": "number", "minimum": 0, "maximum": 1}},
                {"type": "object", "additionalProperties": false, "required": ["value"],
                 "properties": {"value": {"type": "array", "items": {"type": "number", "minimum": 0, "maximum": 1}},
                                "rationale": {"type": "string"}, "source": {"$ref": "#/$defs/citation"}}}
              ]
            },
            "outcome": {
              "type": "object", "additionalProperties": false,
              "required": ["id", "stakeholder", "quantity", "proxy", "duration", "value_type"],
              "properties": {
                "id": {"$ref": "#/$defs/identifier"}, "stakeholder": {"$ref": "#/$defs/identifier"},
                "description": {"type": "string"}, "indicator": {"type": "string"},
                "quantity": {"$ref": "#/$defs/quantity"}, "proxy": {"$ref": "#/$defs/proxy"},
                "deadweight": {"$ref": "#/$defs/deduction"}, "displacement": {"$ref": "#/$defs/deduction"},
                "attribution": {"$ref": "#/$defs/deduction"}, "drop_off": {"$ref": "#/$defs/dropOff"},
                "duration": {"anyOf": [
                  {"type": "integer", "minimum": 1},
                  {"type": "object", "additionalProperties": false, "required": ["value"],
                   "properties": {"value": {"type": "integer", "minimum": 1}, "rationale": {"type": "string"},
                                  "source": {"$ref": "#/$defs/citation"}, "range": {"$ref": "#/$defs/range"},
                                  "distribution": {"$ref": "#/$defs/distribution"}}}
                ]},
                "start_year": {"type": "integer", "minimum": 1},
                "value_type": {"enum": ["fiscal_cashable", "fiscal_non_cashable", "economic", "social"]},
                "confidence": {"type": "string"}
              }
            },
            "namedValue": {
              "type": "object", "additionalProperties": false,
              "properties": {
                "value": {"type": "number"}, "formula": {"type": "string"}, "records": {"$ref": "#/$defs/records"},
                "unit": {"type": "string"}, "price_year": {"$ref": "#/$defs/priceYear"}, "rationale": {"type": "string"},
                "source": {"$ref": "#/$defs/citation"}, "label": {"type": "string"}, "note": {"type": "string"},
                "price_index": {"type": "string", "description": "The price series its price year belongs to, model-id/entry."},
                "range": {"$ref": "#/$defs/range"}, "distribution": {"$ref": "#/$defs/distribution"},
                "sd": {"type": "number", "exclusiveMinimum": 0}
              },
              "oneOf": [{"required": ["value"]}, {"required": ["formula"]}, {"required": ["records"]}]
            }
          }
        }
        """#

    public static let dataset = #"""
        {
          "$schema": "https://json-schema.org/draft/2020-12/schema",
          "$id": "https://sroi.example/schemas/dataset.schema.json",
          "title": "sroi dataset definition (sroi-dataset/1)",
          "description": "The columns of a CSV file of records, their types, the key, and how the file is written. See docs/recorded-data.md.",
          "type": "object",
          "additionalProperties": false,
          "required": ["schema", "name", "columns"],
          "properties": {
            "schema": {"const": "sroi-dataset/1"},
            "name": {"$ref": "#/$defs/sqlName"},
            "description": {"type": "string"},
            "synthetic": {"type": "string", "description": "Set when the records are invented; reports say so."},
            "file": {
              "type": "object", "additionalProperties": false,
              "properties": {
                "separator": {"enum": [",", ";", "tab", "|"]},
                "date_format": {"enum": ["YYYY-MM-DD", "DD/MM/YYYY", "MM/DD/YYYY", "DD.MM.YYYY", "DD-MM-YYYY", "YYYY/MM/DD"]},
                "decimal_separator": {"enum": [".", ","]},
                "encoding": {"enum": ["utf-8", "windows-1252"]}
              }
            },
            "key": {"type": "array", "items": {"$ref": "#/$defs/sqlName"}},
            "columns": {
              "type": "array", "minItems": 1,
              "items": {
                "type": "object", "additionalProperties": false, "required": ["name", "type"],
                "properties": {
                  "name": {"$ref": "#/$defs/sqlName"},
                  "type": {"enum": ["text", "integer", "decimal", "date", "enum"]},
                  "values": {"type": "array", "minItems": 1, "items": {"type": "string"}},
                  "optional": {"type": "boolean"},
                  "description": {"type": "string"},
                  "header": {"type": "string", "description": "The column's heading in CSV files, when not its name."},
                  "personal": {"type": "boolean", "description": "The column identifies a person or an enterprise; bundles hold it as a keyed pseudonym."}
                },
                "if": {"properties": {"type": {"const": "enum"}}},
                "then": {"required": ["values"]},
                "else": {"not": {"required": ["values"]}}
              }
            }
          },
          "$defs": {
            "sqlName": {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,62}$"}
          }
        }
        """#

    public static let model = #"""
        {
          "$schema": "https://json-schema.org/draft/2020-12/schema",
          "$id": "https://sroi.example/schemas/model.schema.json",
          "title": "sroi value model (sroi-model/1)",
          "description": "Cited figures scenarios use: financial proxies, named values and formulas, discount schedules, price indices, optimism-bias tables. See docs/models.md.",
          "type": "object",
          "additionalProperties": false,
          "required": ["schema", "id", "title", "kind", "entries"],
          "properties": {
            "schema": {"const": "sroi-model/1"},
            "id": {"$ref": "#/$defs/identifier"},
            "title": {"type": "string"},
            "kind": {"enum": ["financial_proxies", "values", "discount_schedules", "price_indices", "optimism_bias"]},
            "description": {"type": "string"},
            "source": {"$ref": "#/$defs/citation"},
            "licence": {"type": "string"},
            "price_index": {"type": "string", "description": "Financial proxies only: the price series their price years belong to, model-id/entry."},
            "entries": {"type": "object", "additionalProperties": {"$ref": "#/$defs/entry"}}
          },
          "allOf": [
            {"if": {"properties": {"kind": {"const": "financial_proxies"}}},
             "then": {"properties": {"entries": {"additionalProperties": {"$ref": "#/$defs/proxyEntry"}}}}},
            {"if": {"properties": {"kind": {"const": "values"}}},
             "then": {"properties": {"entries": {"additionalProperties": {"$ref": "#/$defs/valueEntry"}}}}},
            {"if": {"properties": {"kind": {"const": "discount_schedules"}}},
             "then": {"properties": {"entries": {"additionalProperties": {"$ref": "#/$defs/scheduleEntry"}}}}},
            {"if": {"properties": {"kind": {"const": "price_indices"}}},
             "then": {"properties": {"entries": {"additionalProperties": {"$ref": "#/$defs/indexEntry"}}}}},
            {"if": {"properties": {"kind": {"const": "optimism_bias"}}},
             "then": {"properties": {"entries": {"additionalProperties": {"$ref": "#/$defs/optimismEntry"}}}}}
          ],
          "$defs": {
        \#(common),
            "entry": {"type": "object"},
            "entryCitation": {
              "description": "The entry's own citation; what it leaves out comes from the model's source.",
              "anyOf": [
                {"type": "string", "minLength": 1},
                {"type": "object", "additionalProperties": false,
                 "properties": {
                   "publication": {"type": "string"}, "locator": {"type": "string"}, "publisher": {"type": "string"},
                   "url": {"type": "string"}, "licence": {"type": "string"}}}
              ]
            },
            "proxyEntry": {
              "type": "object", "additionalProperties": false, "required": ["value", "currency", "per"],
              "properties": {"label": {"type": "string"}, "value": {"type": "number"}, "currency": {"$ref": "#/$defs/currency"},
                             "per": {"type": "string"}, "price_year": {"$ref": "#/$defs/priceYear"},
                             "source": {"$ref": "#/$defs/entryCitation"}, "note": {"type": "string"}}
            },
            "valueEntry": {
              "type": "object", "additionalProperties": false,
              "properties": {"label": {"type": "string"}, "value": {"type": "number"}, "formula": {"type": "string"},
                             "unit": {"type": "string"}, "price_year": {"$ref": "#/$defs/priceYear"},
                             "rationale": {"type": "string"}, "source": {"$ref": "#/$defs/entryCitation"}, "note": {"type": "string"},
                             "range": {"$ref": "#/$defs/range"}, "distribution": {"$ref": "#/$defs/distribution"},
                             "sd": {"type": "number", "exclusiveMinimum": 0}},
              "oneOf": [{"required": ["value"]}, {"required": ["formula"]}]
            },
            "scheduleEntry": {
              "type": "object", "additionalProperties": false, "required": ["bands"],
              "properties": {"label": {"type": "string"}, "bands": {"$ref": "#/$defs/bands"},
                             "source": {"$ref": "#/$defs/entryCitation"}, "note": {"type": "string"}}
            },
            "indexEntry": {
              "type": "object", "additionalProperties": false, "required": ["values"],
              "properties": {"label": {"type": "string"}, "base": {"$ref": "#/$defs/priceYear"},
                             "values": {"$ref": "#/$defs/indexPoints"},
                             "source": {"$ref": "#/$defs/entryCitation"}, "note": {"type": "string"}}
            },
            "optimismEntry": {
              "type": "object", "additionalProperties": false, "required": ["grades"],
              "properties": {"label": {"type": "string"}, "grades": {"$ref": "#/$defs/grades"},
                             "source": {"$ref": "#/$defs/entryCitation"}, "note": {"type": "string"}}
            }
          }
        }
        """#
}
