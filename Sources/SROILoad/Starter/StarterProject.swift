/// The files `sroi init` writes: a commented scenario, a dataset definition and a small CSV
/// file of invented records that `check` and `run` accept as they are.
public enum StarterProject {
    public static let files: [(name: String, text: String)] = [
        ("scenario.yaml", scenario), ("data/people.dataset.yaml", dataset), ("data/people.csv", records),
    ]

    static let scenario = """
        # A starter SROI scenario written by 'sroi init'. Every figure is illustrative: replace each
        # with your own and say why in its rationale. The format is explained in docs/scenario-format.md.
        # For completion and checking in VS Code: run 'sroi schema --out schemas' and add as first line
        #   # yaml-language-server: $schema=schemas/scenario.schema.json
        schema: sroi-scenario/1
        title: "Peer support into work (starter)"
        organisation: Your organisation
        description: >
          Volunteers support local people who have been out of work for a year or more into jobs.
        illustrative: >
          A starter scenario: the records in data/people.csv are invented and every judgement is a
          placeholder to replace with your own evidence.
        analysis_period: {years: 3, first_year: 2025}
        report_currency: GBP

        conventions:
          discount_from: year1        # the SROI Guide's practice: year 1 is discounted once
          discount_rate: 0.035        # HM Treasury Green Book: 3.5% for the first 30 years

        stakeholders:
          - id: participants
            name: People supported into work
          - id: funder
            name: The programme's funder

        inputs:
          - id: grant
            stakeholder: funder
            description: Programme grant
            amount: {value: 15000, rationale: "Replace with the grant's amount."}

        outcomes:
          - id: into-work
            stakeholder: participants
            description: Participants in paid work
            indicator: People in paid work six months after referral
            quantity:                 # read from the records: sroi data import …, then --data
              records: {dataset: people, aggregate: count, where: {in_work_at_6_months: "yes"}}
              unit: person
              rationale: Counted from the programme's referral records.
            proxy:
              value: 2500
              currency: GBP
              per: person
              source: {publication: "Replace with the study your value comes from", locator: "table or page"}
              rationale: Net income gained in the first year of work (illustrative).
            deadweight: {value: 0.3, range: {low: 0.2, high: 0.4}, rationale: "Share who would have found work anyway (illustrative)."}
            attribution: {value: 0.2, rationale: "Share owed to other services and to family (illustrative)."}
            drop_off: 0.25            # the outcome fades by a quarter each year after the first
            duration: 2
            value_type: economic

          - id: volunteer-confidence
            stakeholder: participants
            description: Participants more confident about work
            indicator: People who report more confidence at the end of support
            quantity:
              records: {dataset: people, aggregate: count, where: {more_confident: "yes"}}
              unit: person
            proxy:
              value: 1200
              currency: GBP
              per: person
              source: {publication: "Replace with the wellbeing valuation you use", locator: "table or page"}
              rationale: Value of a year of greater confidence (illustrative).
            deadweight: 0.25
            attribution: 0.3
            duration: 1
            value_type: social

        """

    static let dataset = """
        # The columns of data/people.csv. 'sroi data init FILE.csv' drafts a definition like this one
        # from a file of your own. The format is explained in docs/recorded-data.md.
        schema: sroi-dataset/1
        name: people
        description: People referred to the programme, and where they were six months later.
        synthetic: Invented records written by 'sroi init'; replace them with your own.
        key: [person_id]
        columns:
          - {name: person_id, type: text, personal: true, description: "A reference, not a name"}
          - {name: referred_on, type: date}
          - {name: in_work_at_6_months, type: enum, values: ["yes", "no"], optional: true}
          - {name: more_confident, type: enum, values: ["yes", "no"], optional: true}

        """

    static let records = """
        person_id,referred_on,in_work_at_6_months,more_confident
        R001,2025-01-13,yes,yes
        R002,2025-01-20,no,yes
        R003,2025-02-03,yes,no
        R004,2025-02-17,no,
        R005,2025-03-03,yes,yes
        R006,2025-03-10,,yes
        R007,2025-04-07,no,no
        R008,2025-04-22,yes,yes
        R009,2025-05-12,yes,yes
        R010,2025-06-02,no,yes
        R011,2025-06-16,yes,no
        R012,2025-07-07,no,yes

        """
}
