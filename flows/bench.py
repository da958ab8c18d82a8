"""Benchmarks (`make bench`): national-scale data generated on the spot, nothing committed.

1. Ingest: a generated national-scale SOL monthly export (290 municipalities × 10 years × 12 months ×
   270 categories, about 9,8 M rows), read by lagesbild's SOL reader, beside a bare DuckDB `read_csv` of
   the same file in the same run (target ≥ 0,8×); peak memory of a process that only ingests it.
   The generator knows 27 calibrated categories; the file repeats them under ten numbered labels each to
   reach the size of SOL's full category tree.
2. Validation: the staging suite of the 27-category export (0,98 M rows) run by lagesbild's validation (the
   GX suite translated to SQL), beside the same checks written by hand as plain DuckDB SQL (target: at
   most 2×), and the same suite run by GX on pandas for reference.
3. Police events: the bundled national archive of published events (84 530, gzip) read, staged and placed
   in municipalities and districts, in a fresh process: seconds and peak memory (target: under 10 s and
   500 MB on 2 cores).
"""

from __future__ import annotations

import json
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from flows import config, db, generate, validate
from flows.config import BUNDLED_RAW_DIR, EXPECTATIONS_DIR
from flows.sources import bra_sol, reference
from flows.sources.base import Batch
from flows.validate import gx


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _timed(fn, *args):
    t0 = time.perf_counter()
    result = fn(*args)
    return time.perf_counter() - t0, result


INGEST_ONLY = """
import resource, sys
from pathlib import Path
import duckdb
from flows.sources import bra_sol
con = duckdb.connect(sys.argv[2])
con.execute("set memory_limit = '1GB'")
con.execute("create schema raw")
raw = Path(sys.argv[1])
bra_sol.read(con, raw, sorted((raw / "bra").glob("*.txt")))
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def _ingest_peak_mb(raw: Path) -> float:
    """Peak resident memory of a process that only ingests the file: bounded, whatever the file's size."""
    out = subprocess.run(
        [sys.executable, "-c", INGEST_ONLY, str(raw), str(raw.parent / "ingest-only.duckdb")],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(out.stdout.strip().splitlines()[-1])


def widen(source: Path, dest: Path, copies: int) -> int:
    """Write `source` (a SOL export) with every data row repeated under `copies` numbered category labels."""
    header, body = source.read_bytes().split(b"\n", 1)
    label = re.compile(rb"(?m)^([^;\n]*;[^;\n]*)")
    with open(dest, "wb") as out:
        out.write(header + b"\n")
        for k in range(1, copies + 1):
            out.write(label.sub(rb"\1 (%d)" % k, body))
    return body.count(b"\n") * copies


def sql_checks(con, table: str, expectations_dir: Path = EXPECTATIONS_DIR) -> dict[str, int]:
    """The stg_bra__reported_crime suite written as one plain SQL query: failing rows per check."""
    spec = json.loads((expectations_dir / f"{table}.json").read_text(encoding="utf-8"))
    derived = spec.get("derived", {})
    checks = {
        "rows": "count(*) = 0",
        "region_label not null": "region_label is null",
        "crime_label not null": "crime_label is null",
        "year not null": "year is null",
        "year 1975-2100": "year not between 1975 and 2100",
        "year not future": f"not ({derived['is_year_not_future']})",
        "count_text format": "not regexp_full_match(count_text, '(?:\\d[\\d ]*|\\.\\.|-)')",
        "reported_count >= 0": "reported_count < 0",
        "month 1-12": "month not between 1 and 12",
        "known region": f"not ({derived['is_known_region']})",
    }
    select = ", ".join(f'count(*) filter (where {cond}) as "{name}"' for name, cond in checks.items() if name != "rows")
    row = con.execute(f"select count(*) as n, {select} from {table}").fetchall()[0]
    dup = con.execute(
        f"""
        select coalesce(sum(n), 0) from (
            select count(*) as n from {table}
            group by region_label, crime_label, period_type, year, month, is_preliminary, source_file
            having count(*) > 1)
        """
    ).fetchall()[0][0]
    return dict(zip(["rows", *[n for n in checks if n != "rows"]], row, strict=True)) | {"unique key": int(dup)}


EVENTS_ONLY = """
import resource, sys, time
from pathlib import Path
import duckdb
from flows import config, db, sources
from flows.sources import meta, polisen, reference
from flows.sources.base import Batch
raw = config.BUNDLED_RAW_DIR
con = duckdb.connect()
con.execute("set memory_limit = '1GB'")
con.execute("create schema raw")
t0 = time.perf_counter()
by_format = sources.classify(raw)
batch = Batch(raw, by_format, config.reference_dir(raw), config.CATALOGUE_DIR)
rows = polisen.load(con, batch)["polisen_events"]
read = time.perf_counter() - t0
reference.load(con, batch)
meta.load(con, batch)
models = {m.name: m for m in db.models()}
params = db.model_params(config.load())
for name in ("stg_polisen__events", "stg_ref__municipalities", "stg_ref__districts", "int_police_events_located",
             "mart_police_events_by_type_month", "mart_police_events_by_type_hour"):
    db.run_model(con, models[name], params)
placed = con.execute("select count(*) from mart_police_events_by_type_month").fetchone()[0]
print(rows, read, time.perf_counter() - t0, placed, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def events_bench() -> None:
    out = subprocess.run([sys.executable, "-c", EVENTS_ONLY], capture_output=True, text=True, check=True)
    rows, read, total, cells, peak = out.stdout.split()
    print(
        f"police events: {int(rows):,} events read in {float(read):.1f} s, staged and placed ({int(cells):,} "
        f"municipality × type × month cells) in {float(total):.1f} s in all; peak memory {float(peak):,.0f} MB "
        "(targets: under 10 s, under 500 MB)"
    )


def main(years: int = 10, period: str = "month", copies: int = 10) -> None:
    events_bench()
    spec = generate.Spec(first_year=2025 - years + 1, last_year=2025, period=period)
    with tempfile.TemporaryDirectory(prefix="lagesbild-bench-") as tmp:
        raw, big = Path(tmp) / "raw", Path(tmp) / "big"
        for folder in (raw, big):
            (folder / "bra").mkdir(parents=True)
            (folder / "reference").mkdir()
            (folder / "reference" / "kommuner.csv").write_bytes(
                (BUNDLED_RAW_DIR / "reference" / "kommuner.csv").read_bytes()
            )
        path = raw / "bra" / "Databasfil_national.txt"
        seconds, rows = _timed(generate.generate_sol_export, path, spec, BUNDLED_RAW_DIR)
        wide = big / "bra" / "Databasfil_national_all_categories.txt"
        wide_seconds, wide_rows = _timed(widen, path, wide, copies)
        size_mb = wide.stat().st_size / 1e6
        print(
            f"generated {rows:,} rows ({period}ly, {years} years, all municipalities, 27 categories) in "
            f"{seconds:.1f} s; widened to {wide_rows:,} rows ({size_mb:,.0f} MB) in {wide_seconds:.1f} s"
        )

        con = db.connect(Path(tmp) / "bench.duckdb")
        bare_sql = (
            "create or replace table bare as select * from read_csv($p, delim=';', header=false, skip=1, "
            "encoding='latin-1', quote='', escape='', columns={'region': 'varchar', 'brott': 'varchar', "
            "'ar': 'varchar', 'period': 'varchar', 'antal': 'varchar', 'per_100k': 'varchar', 't': 'varchar'})"
        )
        con.execute("create schema raw")
        for attempt in (1, 2):  # the second round runs on a warm page cache, like the first for the bare read
            bare, _ = _timed(con.execute, bare_sql, {"p": str(wide)})
            con.execute("drop table bare")
            ours, n = _timed(bra_sol.read, con, big, sorted((big / "bra").glob("*.txt")))
            print(
                f"ingest (round {attempt}): lagesbild {n / ours:,.0f} rows/s ({ours:.2f} s); bare read_csv "
                f"{n / bare:,.0f} rows/s ({bare:.2f} s); ratio {bare / ours:.2f} (target ≥ 0,8)"
            )
        con.execute("drop view raw.bra_sol")
        con.execute("drop table raw.bra_sol_lines")
        con.execute("drop table raw.bra_sol_files")
        print(
            f"ingest alone in a fresh process, DuckDB memory_limit 1GB: peak {_ingest_peak_mb(big):,.0f} MB "
            f"for a {size_mb:,.0f} MB file"
        )
        bra_sol.read(con, raw, sorted((raw / "bra").glob("*.txt")))
        reference.load(con, Batch(raw, {}, reference_dir=raw / "reference"))
        params = db.model_params(config.load())
        db.run_model(con, next(m for m in db.models() if m.name == "stg_bra__reported_crime"), params)
        table = "stg_bra__reported_crime"
        sql_seconds, failures = _timed(sql_checks, con, table)
        _timed(gx._batch_definition)  # GX import and context set-up, once per process: not the check
        gx_seconds, results = _timed(validate.validate_table, con, table, EXPECTATIONS_DIR, "gx")
        ours_seconds, ours = _timed(validate.validate_table, con, table, EXPECTATIONS_DIR, "sql")
        gx_failed = sum(1 for r in results if not r.success)
        ours_failed = sum(1 for r in ours if not r.success)
        sql_failed = sum(1 for name, v in failures.items() if name != "rows" and v)
        print(
            f"validation of {failures['rows']:,} staged rows, {len(results)} checks: "
            f"lagesbild (suite as SQL) {ours_seconds:.2f} s, hand-written plain SQL {sql_seconds:.2f} s, "
            f"ratio {ours_seconds / sql_seconds:.1f}× (target ≤ 2×); GX on pandas {gx_seconds:.2f} s "
            f"({gx_seconds / sql_seconds:.1f}×); failed checks: lagesbild {ours_failed}, GX {gx_failed}, "
            f"SQL {sql_failed}"
        )
        con.close()
    print(f"peak memory of this process: {_peak_rss_mb():,.0f} MB")


if __name__ == "__main__":
    main()
