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
    kwargs: str = "{}"  # the expectation's arguments as JSON, for describing the check to a reader
    quarantined: int = 0

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

    logging.getLogger("great_expectations").setLevel(logging.WARNING)
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
    """Run one table's suite; return a CheckResult per expectation.

    A suite may declare `derived` columns: SQL expressions DuckDB adds before GX sees the table (e.g. a
    rate recomputed from count and population), so that checks across rows or tables stay set-based.
    A failed warning marked `"quarantine": true` moves the offending rows to meta_quarantine with the rule
    as the reason and deletes them from the table, so later models do not use them.
    """
    import great_expectations as gx

    spec = json.loads(suite_path(table, expectations_dir).read_text(encoding="utf-8"))
    # Each expectation carries its position in meta, so its result finds its severity again.
    expectations = [e | {"meta": e.get("meta", {}) | {"check": i}} for i, e in enumerate(spec["expectations"])]
    metas = [e["meta"] for e in expectations]
    derived = "".join(f", {expr} as {name}" for name, expr in spec.get("derived", {}).items())
    frame = con.execute(f"select *{derived} from {table}").df()
    suite = gx.ExpectationSuite(name=spec["name"], expectations=expectations)
    result = (
        _batch_definition()
        .get_batch(batch_parameters={"dataframe": frame})
        .validate(suite, result_format={"result_format": "COMPLETE", "partial_unexpected_count": MAX_EXAMPLES})
    )
    has_source = {"source_file", "source_row"} <= set(frame.columns)
    out = []
    for res in result.results:
        config = res.expectation_config
        meta = metas[int(config.meta["check"])]
        severity = meta.get("severity", "critical")
        info = res.result or {}
        all_indices = list(info.get("unexpected_index_list") or [])
        values = list(info.get("unexpected_list") or [])[:MAX_EXAMPLES]
        examples = []
        for i, idx in enumerate(all_indices[:MAX_EXAMPLES]):
            if isinstance(idx, dict):  # compound-column expectations return the key values
                examples.append(", ".join(f"{k}={v}" for k, v in idx.items()))
                continue
            value = values[i] if i < len(values) else None
            if isinstance(value, dict):  # a compound key: show it without the file already named
                key = ", ".join(f"{k}={_plain(v)}" for k, v in value.items() if k != "source_file" and v is not None)
                shown = f" key ({key})"
            else:
                shown = f" value {_plain(value)}" if i < len(values) else ""
            examples.append(f"{_row_label(frame, idx)}{shown}")
        column = config.kwargs.get("column") or ",".join(config.kwargs.get("column_list") or [])
        quarantined = 0
        if not res.success and severity == "warning" and meta.get("quarantine") and has_source and all_indices:
            rows = [i for i in all_indices if not isinstance(i, dict)]
            quarantined = quarantine(con, table, frame.loc[rows, ["source_file", "source_row"]], config.type, column)
        kwargs = {k: v for k, v in config.kwargs.items() if k != "batch_id"}
        out.append(
            CheckResult(
                table=table,
                expectation=config.type,
                column=column or "",
                severity=severity,
                success=bool(res.success),
                unexpected_count=int(info.get("unexpected_count") or (0 if res.success else 1)),
                examples=tuple(examples),
                kwargs=json.dumps(kwargs, ensure_ascii=False, default=str),
                quarantined=quarantined,
            )
        )
    return out


def quarantine(con: duckdb.DuckDBPyConnection, table: str, keys, rule: str, column: str) -> int:
    """Move rows (by source_file, source_row) from `table` to meta_quarantine; return how many moved."""
    con.execute(
        "create table if not exists meta_quarantine (table_name varchar, source_file varchar, source_row integer, "
        "rule varchar, column_name varchar, row_json varchar)"
    )
    con.register("quarantine_keys", keys.drop_duplicates())
    try:
        con.execute(
            f"""
            insert into meta_quarantine
            select $table, t.source_file, t.source_row, $rule, $column, to_json(t)::varchar
            from {table} as t
            inner join quarantine_keys as k on k.source_file = t.source_file and k.source_row = t.source_row
            """,
            {"table": table, "rule": rule, "column": column},
        )
        moved = con.execute(
            f"delete from {table} as t using quarantine_keys as k "
            "where k.source_file = t.source_file and k.source_row = t.source_row"
        ).fetchall()
    finally:
        con.unregister("quarantine_keys")
    return int(moved[0][0]) if moved else 0


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
        "column_name varchar, severity varchar, success boolean, unexpected_count bigint, examples varchar, "
        "kwargs varchar, quarantined bigint)"
    )
    tables = sorted({r.table for r in results})
    if tables:
        con.execute("delete from meta_validation_results where list_contains($t, table_name)", {"t": tables})
        con.executemany(
            "insert into meta_validation_results values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                [
                    r.table,
                    r.expectation,
                    r.column,
                    r.severity,
                    r.success,
                    r.unexpected_count,
                    "; ".join(r.examples),
                    r.kwargs,
                    r.quarantined,
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
