"""The Datakvalitet appendix: what was checked, what failed and what was quarantined, from the meta tables
the validation wrote, each check described in Swedish."""

from __future__ import annotations

import json
import re

import duckdb

from flows import fmt
from flows.report.context import Quality
from flows.report.marts import has_table, records

CHECK_SV = {
    "expect_table_row_count_to_be_between": "tabellen har rader",
    "expect_column_values_to_not_be_null": "{column} har ett värde",
    "expect_column_values_to_be_null": "{column} förekommer inte",
    "expect_column_values_to_be_between": "{column} ligger inom {range}",
    "expect_column_values_to_be_in_set": "{column} har ett tillåtet värde",
    "expect_column_values_to_match_regex": "{column} har rätt format",
    "expect_column_values_to_be_unique": "{column} är unik",
    "expect_compound_columns_to_be_unique": "nyckeln ({column}) är unik",
    "expect_column_pair_values_a_to_be_greater_than_b": "intervallets övre gräns är minst den undre",
    "table exists": "tabellen finns",
}
SEVERITY_SV = {"critical": "kritisk", "warning": "varning"}

QUARANTINED = """
select table_name, rule, column_name, count(*) as row_count,
       string_agg(source_file || ' rad ' || source_row, '; ' order by source_file, source_row)
           filter (where source_row is not null) as rows
from meta_quarantine group by table_name, rule, column_name order by table_name, rule
"""


def describe_check_sv(expectation: str, column: str, kwargs_json: str) -> str:
    """A check as a reader should see it: `year ligger inom 1975–2100`."""
    kwargs = json.loads(kwargs_json or "{}")
    low, high = kwargs.get("min_value"), kwargs.get("max_value")
    bounds = "–".join(
        fmt.number(v, 2 if isinstance(v, float) and v != int(v) else 0) for v in (low, high) if v is not None
    )
    bound_range = (
        bounds if low is not None and high is not None else (f"≥ {bounds}" if low is not None else f"≤ {bounds}")
    )
    template = CHECK_SV.get(expectation, expectation)
    return template.format(column=column.replace(",", ", "), range=bound_range)


EXAMPLE_WORDS = {"line": "rad", "row": "rad", "value": "värde", "key": "nyckel", "row(s)": "rader",
                 "True": "sant", "False": "falskt", "None": "tomt"}  # fmt: skip


def examples_sv(examples: str | None) -> str:
    """The validator's examples (`x.csv line 4 value 0.2808988764044944`) in Swedish: `x.csv rad 4 värde 0,281`."""
    if not examples:
        return ""
    text = re.sub(r"(?<![\w.])(-?\d+)\.(\d+)(?![\w.])", lambda m: fmt.number(float(m.group(0)), 3), examples)
    return re.sub(
        r"(?<![\w.])(line|row\(s\)|row|value|key|True|False|None)(?![\w.])", lambda m: EXAMPLE_WORDS[m.group(1)], text
    )


def data_quality(con: duckdb.DuckDBPyConnection) -> Quality | None:
    if not has_table(con, "meta_validation_results"):
        return None
    checks = records(con, "select * from meta_validation_results order by table_name")
    failed = [
        c
        | {
            "description": describe_check_sv(c["expectation"], c["column_name"], c["kwargs"]),
            "severity_sv": SEVERITY_SV.get(c["severity"], c["severity"]),
            "examples": examples_sv(c["examples"]),
        }
        for c in checks
        if not c["success"]
    ]
    quarantined = records(con, QUARANTINED) if has_table(con, "meta_quarantine") else []
    for q in quarantined:
        q["description"] = describe_check_sv(q["rule"], q["column_name"], "{}")
        parts = (q["rows"] or "").split("; ")
        q["rows"] = "; ".join(parts[:5]) + (f" och {len(parts) - 5} till" if len(parts) > 5 else "")
    return Quality(
        checks=len(checks),
        passed=sum(1 for c in checks if c["success"]),
        tables=len({c["table_name"] for c in checks}),
        failed=failed,
        quarantined=quarantined,
    )
