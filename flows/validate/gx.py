"""The GX engine: the table handed to Great Expectations as a pandas DataFrame, the suite run by GX itself.
Slower (see `make bench`), and the reference the SQL engine is tested against."""

from __future__ import annotations

import logging
from functools import lru_cache

import duckdb

from flows.validate.outcome import MAX_EXAMPLES, Outcome, example, label
from flows.validate.sql import numbered_sql


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


def run(con: duckdb.DuckDBPyConnection, table: str, spec: dict, with_keys: list[bool]) -> list[Outcome]:
    import great_expectations as gx

    # Each expectation carries its position in meta, so its result finds its place again.
    expectations = [e | {"meta": e.get("meta", {}) | {"check": i}} for i, e in enumerate(spec["expectations"])]
    frame = con.execute(numbered_sql(table, spec) + " order by __row").df().drop(columns="__row")
    suite = gx.ExpectationSuite(name=spec["name"], expectations=expectations)
    result = (
        _batch_definition()
        .get_batch(batch_parameters={"dataframe": frame})
        .validate(suite, result_format={"result_format": "COMPLETE", "partial_unexpected_count": MAX_EXAMPLES})
    )
    has_source = {"source_file", "source_row"} <= set(frame.columns)
    out: list[Outcome | None] = [None] * len(expectations)
    for res in result.results:
        i = int(res.expectation_config.meta["check"])
        info = res.result or {}
        indices = [x for x in (info.get("unexpected_index_list") or []) if not isinstance(x, dict)]
        values = list(info.get("unexpected_list") or [])
        examples = [
            example(label(frame.loc[idx].to_dict(), int(idx)), values[n] if n < len(values) else None)
            for n, idx in enumerate(indices[:MAX_EXAMPLES])
        ]
        if not res.success and not examples and "observed_value" in info:
            examples = [f"{info['observed_value']} row(s)"]
        keys = frame.loc[indices, ["source_file", "source_row"]] if with_keys[i] and has_source and indices else None
        count = int(info.get("unexpected_count") or (0 if res.success else 1))
        out[i] = Outcome(bool(res.success), count, examples, keys)
    return out  # type: ignore[return-value]
