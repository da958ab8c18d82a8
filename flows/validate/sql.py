"""The SQL engine: each expectation of a suite translated to a DuckDB condition, every value in it bound as a
parameter, and the whole suite checked in one scan of its table."""

from __future__ import annotations

import re

import duckdb

from flows.validate.outcome import MAX_EXAMPLES, Outcome, example, label

_CONDITION = re.compile(r'^\s*(\w+)\s*==\s*"([^"]*)"\s*$')


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def unexpected_sql(expectation: dict, i: int) -> tuple[str | None, list[str], dict]:
    """SQL that is true for an unexpected row (None for table-level checks), the columns to show, and the
    values the condition binds (named `e<i>_…`, so that the conditions of a suite can share one query)."""
    kind, kw = expectation["type"], expectation["kwargs"]
    col = _quote(kw["column"]) if "column" in kw else None
    params: dict = {}
    if kind == "expect_column_values_to_not_be_null":
        cond, shown = f"{col} is null", [kw["column"]]
    elif kind == "expect_column_values_to_be_null":
        cond, shown = f"{col} is not null", [kw["column"]]
    elif kind == "expect_column_values_to_be_between":
        parts = []
        for key, op in (("min_value", "<"), ("max_value", ">")):
            if kw.get(key) is not None:
                parts.append(f"{col} {op} $e{i}_{key}")
                params[f"e{i}_{key}"] = kw[key]
        cond, shown = f"{col} is not null and ({' or '.join(parts)})", [kw["column"]]
    elif kind == "expect_column_values_to_be_in_set":
        cond, shown = f"{col} is not null and not list_contains($e{i}_set, {col})", [kw["column"]]
        params[f"e{i}_set"] = list(kw["value_set"])
    elif kind == "expect_column_values_to_match_regex":
        cond, shown = f"{col} is not null and not regexp_matches({col}::varchar, $e{i}_regex)", [kw["column"]]
        params[f"e{i}_regex"] = kw["regex"]
    elif kind in ("expect_column_values_to_be_unique", "expect_compound_columns_to_be_unique"):
        cols = [kw["column"]] if "column" in kw else kw["column_list"]
        present = " and ".join(f"{_quote(c)} is not null" for c in cols) if "column" in kw else "true"
        cond, shown = f"{present} and __dup_{i} > 1", cols
    elif kind == "expect_column_pair_values_a_to_be_greater_than_b":
        a, b = _quote(kw["column_A"]), _quote(kw["column_B"])
        op = ">=" if kw.get("or_equal") else ">"
        cond, shown = f"{a} is not null and {b} is not null and not ({a} {op} {b})", [kw["column_A"], kw["column_B"]]
    elif kind == "expect_table_row_count_to_be_between":
        return None, [], {}
    else:
        raise ValueError(f"{kind}: no SQL translation; run this suite with LAGESBILD_VALIDATION_ENGINE=gx")
    if kw.get("row_condition"):
        match = _CONDITION.match(kw["row_condition"])
        if not match:
            raise ValueError(f'row_condition {kw["row_condition"]!r}: only `column == "value"` is translated')
        cond = f"{_quote(match.group(1))} = $e{i}_when and ({cond})"
        params[f"e{i}_when"] = match.group(2)
    return cond, shown, params


def numbered_sql(table: str, spec: dict) -> str:
    """The table in its stored order with `__row` (0-based) and the suite's derived columns."""
    derived = "".join(f", {expr} as {_quote(name)}" for name, expr in spec.get("derived", {}).items())
    return f"select *{derived} from (select *, row_number() over () - 1 as __row from {table}) as {table}"


def _checked(table: str, spec: dict, numbered: bool) -> str:
    """The table with derived columns and, per uniqueness check, how often its key occurs (__dup_<i>).

    Duplicates come from a hash aggregate joined back, not a window: no sort of the whole table. Row
    numbers cost a pass of their own, so they are added only when examples are wanted.
    """
    if numbered:
        inner = numbered_sql(table, spec)
    else:
        derived = "".join(f", {expr} as {_quote(name)}" for name, expr in spec.get("derived", {}).items())
        inner = f"select *{derived} from {table}"
    counts, joins = [], []
    for i, expectation in enumerate(spec["expectations"]):
        kw = expectation["kwargs"]
        if expectation["type"] not in ("expect_column_values_to_be_unique", "expect_compound_columns_to_be_unique"):
            continue
        cols = [_quote(c) for c in ([kw["column"]] if "column" in kw else kw["column_list"])]
        on = " and ".join(f"d{i}.{c} is not distinct from v.{c}" for c in cols)
        joins.append(
            f" left join (select {', '.join(cols)}, count(*) as n from {table} group by {', '.join(cols)} "
            f"having count(*) > 1) as d{i} on {on}"
        )
        counts.append(f", coalesce(d{i}.n, 1) as __dup_{i}")
    return f"select v.*{''.join(counts)} from ({inner}) as v{''.join(joins)}"


def _row_count(expectation: dict, total: int) -> Outcome:
    kw = expectation["kwargs"]
    ok = (kw.get("min_value") is None or total >= kw["min_value"]) and (
        kw.get("max_value") is None or total <= kw["max_value"]
    )
    return Outcome(ok, 0 if ok else 1, [] if ok else [f"{total} row(s)"])


def _examples(rows: list[dict], expectation: dict, shown: list[str]) -> list[str]:
    out = []
    for row in rows:
        if len(shown) == 1:
            value = row[shown[0]]
        elif expectation["type"] == "expect_column_pair_values_a_to_be_greater_than_b":
            value = tuple(row[c] for c in shown)
        else:
            value = {c: row[c] for c in shown}
        out.append(example(label(row, int(row["__row"])), value))
    return out


def run(con: duckdb.DuckDBPyConnection, table: str, spec: dict, with_keys: list[bool]) -> list[Outcome]:
    """Every expectation of a suite counted in one scan; examples and keys fetched for the failures only."""
    conditions = [unexpected_sql(e, i) for i, e in enumerate(spec["expectations"])]
    params = {k: v for _, _, p in conditions for k, v in p.items()}
    view, with_rows = f"lagesbild_check_{table}", f"lagesbild_numbered_{table}"
    con.execute(f"create or replace temp view {view} as {_checked(table, spec, numbered=False)}")
    try:
        counts = ", ".join(f"count(*) filter (where {cond})" if cond else "count(*)" for cond, _, _ in conditions)
        totals = con.execute(f"select {counts} from {view}", params or None).fetchall()[0]
        columns = {r[0] for r in con.execute(f"describe {view}").fetchall()}
        source = [c for c in ("source_file", "source_row") if c in columns]
        out = []
        for i, (expectation, (cond, shown, bound), total) in enumerate(
            zip(spec["expectations"], conditions, totals, strict=True)
        ):
            if cond is None:
                out.append(_row_count(expectation, total))
                continue
            if not total:
                out.append(Outcome(True, 0, []))
                continue
            wanted = ", ".join(_quote(c) for c in dict.fromkeys([*source, *shown]))
            con.execute(f"create or replace temp view {with_rows} as {_checked(table, spec, numbered=True)}")
            rows = con.execute(
                f"select {wanted}, __row from {with_rows} where {cond} order by {', '.join([*source, '__row'])} "
                "limit $max_examples",
                bound | {"max_examples": MAX_EXAMPLES},
            ).df()
            keys = None
            if with_keys[i] and len(source) == 2:
                keys = con.execute(f"select source_file, source_row from {view} where {cond}", bound or None).df()
            out.append(Outcome(False, int(total), _examples(rows.to_dict("records"), expectation, shown), keys))
        return out
    finally:
        con.execute(f"drop view if exists {view}")
        con.execute(f"drop view if exists {with_rows}")
