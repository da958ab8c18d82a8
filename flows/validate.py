"""Validate DuckDB tables with the Great Expectations suites in expectations/<table>.json.

GX's SQL datasource does not work on DuckDB (upstream issue #11579), so each table is handed to GX as a
pandas DataFrame. Every expectation carries `meta.severity`: `critical` stops publication, `warning` is
published and flagged. Failures name the raw file and line of the offending rows where the table has
`source_file` and `source_row`.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import duckdb

from flows.config import EXPECTATIONS_DIR

log = logging.getLogger(__name__)
MAX_EXAMPLES = 5


@dataclass(frozen=True)
class CheckResult:
    table: str
    expectation: str
    column: str
    severity: str
    success: bool
    unexpected_count: int
    examples: tuple[str, ...] = field(default_factory=tuple)

    def describe(self) -> str:
        where = f" column {self.column}" if self.column else ""
        rows = f": {'; '.join(self.examples)}" if self.examples else ""
        return f"{self.table}{where}: {self.expectation} failed for {self.unexpected_count} row(s){rows}"


class ValidationFailed(Exception):
    """A critical expectation failed: the new state is not published."""

    def __init__(self, failures: list[CheckResult]):
        self.failures = failures
        first = failures[0]
        more = f" (and {len(failures) - 1} more failed check(s))" if len(failures) > 1 else ""
        super().__init__(f"validation failed: {first.describe()}{more}")


def suite_path(table: str, expectations_dir: Path = EXPECTATIONS_DIR) -> Path:
    return expectations_dir / f"{table}.json"


@lru_cache(maxsize=1)
def _batch_definition():
    import great_expectations as gx

    context = gx.get_context(mode="ephemeral")
    try:
        from great_expectations.data_context.types.base import ProgressBarsConfig

        context.variables.progress_bars = ProgressBarsConfig(globally=False)
    except ImportError:  # pragma: no cover - older GX
        pass
    source = context.data_sources.add_pandas("lagesbild")
    asset = source.add_dataframe_asset("table")
    return asset.add_batch_definition_whole_dataframe("whole")


def _row_label(frame, index: int) -> str:
    row = frame.loc[index]
    if "source_file" in frame.columns and "source_row" in frame.columns:
        return f"{row['source_file']} line {row['source_row']}"
    return f"row {index + 1}"


def validate_table(con: duckdb.DuckDBPyConnection, table: str, expectations_dir: Path = EXPECTATIONS_DIR):
    """Run one table's suite; return a CheckResult per expectation."""
    import great_expectations as gx

    spec = json.loads(suite_path(table, expectations_dir).read_text(encoding="utf-8"))
    severities = [e.get("meta", {}).get("severity", "critical") for e in spec["expectations"]]
    frame = con.execute(f"select * from {table}").df()
    suite = gx.ExpectationSuite(name=spec["name"], expectations=spec["expectations"])
    result = (
        _batch_definition()
        .get_batch(batch_parameters={"dataframe": frame})
        .validate(suite, result_format={"result_format": "COMPLETE", "partial_unexpected_count": MAX_EXAMPLES})
    )
    out = []
    # GX returns results in suite order; match on the expectation's own id where it has one.
    by_id = {str(e.id): sev for e, sev in zip(suite.expectations, severities, strict=True)}
    for res in result.results:
        config = res.expectation_config
        info = res.result or {}
        indices = list(info.get("unexpected_index_list") or [])[:MAX_EXAMPLES]
        values = list(info.get("unexpected_list") or [])[:MAX_EXAMPLES]
        examples = []
        for i, idx in enumerate(indices):
            if isinstance(idx, dict):  # compound-column expectations return the key values
                examples.append(", ".join(f"{k}={v}" for k, v in idx.items()))
                continue
            shown = f" value {_plain(values[i])}" if i < len(values) else ""
            examples.append(f"{_row_label(frame, idx)}{shown}")
        column = config.kwargs.get("column") or ",".join(config.kwargs.get("column_list") or [])
        out.append(
            CheckResult(
                table=table,
                expectation=config.type,
                column=column or "",
                severity=by_id.get(str(config.id), "critical"),
                success=bool(res.success),
                unexpected_count=int(info.get("unexpected_count") or (0 if res.success else 1)),
                examples=tuple(examples),
            )
        )
    return out


def validate_tables(con: duckdb.DuckDBPyConnection, tables: list[str], expectations_dir: Path = EXPECTATIONS_DIR):
    """Validate tables, store results in meta_validation_results, raise ValidationFailed on critical failures."""
    results: list[CheckResult] = []
    for table in tables:
        results.extend(validate_table(con, table, expectations_dir))
    store_results(con, results)
    for r in results:
        if not r.success and r.severity == "warning":
            log.warning("warning: %s", r.describe())
    critical = [r for r in results if not r.success and r.severity == "critical"]
    if critical:
        raise ValidationFailed(critical)
    return results


def store_results(con: duckdb.DuckDBPyConnection, results: list[CheckResult]) -> None:
    con.execute(
        "create table if not exists meta_validation_results (table_name varchar, expectation varchar, "
        "column_name varchar, severity varchar, success boolean, unexpected_count bigint, examples varchar)"
    )
    tables = sorted({r.table for r in results})
    if tables:
        con.execute("delete from meta_validation_results where list_contains($t, table_name)", {"t": tables})
        con.executemany(
            "insert into meta_validation_results values (?, ?, ?, ?, ?, ?, ?)",
            [
                [
                    r.table,
                    r.expectation,
                    r.column,
                    r.severity,
                    r.success,
                    r.unexpected_count,
                    "; ".join(r.examples),
                ]
                for r in results
            ],
        )


def suites(expectations_dir: Path = EXPECTATIONS_DIR, prefix: str = "") -> list[str]:
    return sorted(p.stem for p in expectations_dir.glob(f"{prefix}*.json"))


def _plain(value: object) -> str:
    """numpy scalars and NaN as a reader expects them: `-5`, `None`."""
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and value != value:
        return "None"
    return repr(value) if isinstance(value, str) else str(value)
