"""What a re-run may skip. A build is decided by a content hash of everything it reads: the raw files, the
catalogue, the registers of measures, the code that builds and checks (flows/, sql/, expectations/) and the
options that change the data. A report is decided by the digests of the data it reads (meta_table_digests:
every published table whole, and the tables it reads by municipality only by that municipality's rows, as
flows/report/marts.py declares), the code, the templates, the analysts' text, the municipality's earlier
editions and the report's own options: a changed survey file renders again only the municipalities it has
rows for. The hashes are written beside what they describe (the published version's BUILD_KEY, the
edition's .render-key) before it is published, so a key never describes something half-written.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import duckdb

from flows.config import EXPECTATIONS_DIR, PROJECT_DIR, SQL_DIR, TEMPLATES_DIR, Settings
from flows.pipeline import increments
from flows.report.marts import BY_MUNICIPALITY, NOT_READ, has_table

BUILD_KEY = "BUILD_KEY"
RENDER_KEY = ".render-key"
CODE_DIRS = (PROJECT_DIR / "flows", SQL_DIR, EXPECTATIONS_DIR)
SKIPPED = {".lock", "__pycache__"}


def _files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    found = (p for p in folder.rglob("*") if p.is_file())
    return sorted(p for p in found if not SKIPPED.intersection(p.relative_to(folder).parts))


def digest(folders: Iterable[Path], *options: object) -> str:
    """sha256 of the files in `folders` (names and bytes) and of the options, in order."""
    h = hashlib.sha256()
    for folder in folders:
        for path in _files(folder):
            h.update(str(path.relative_to(folder)).encode() + b"\0")
            with open(path, "rb") as f:
                h.update(hashlib.file_digest(f, "sha256").digest())
        h.update(b"\1")
    for option in options:
        h.update(repr(option).encode() + b"\0")
    return h.hexdigest()


def build_key(settings: Settings) -> str:
    return digest(
        (settings.raw_dir, settings.catalogue_dir, settings.plans_dir, *CODE_DIRS),
        settings.model_params,
        settings.validation_engine,
        settings.first_trend_year,
    )


def published_build_key(settings: Settings) -> str:
    try:
        return (settings.curated_dir / "current" / BUILD_KEY).read_text(encoding="utf-8").strip()
    except OSError:
        return ""


DIGESTS = "meta_table_digests"


def write_table_digests(con: duckdb.DuckDBPyConnection, tables: list[str]) -> int:
    """meta_table_digests: a digest of each table's rows (their number and the sum of their 64-bit hashes,
    so in any order), and of each municipality's rows of the tables a report reads by municipality; how
    many digests. One pass per table, over all municipalities."""
    parts = []
    for i, table in enumerate(tables):
        column = BY_MUNICIPALITY.get(table)
        who = f"cast({column} as varchar)" if column else "cast(null as varchar)"
        parts.append(
            f"select $t{i} as table_name, {who} as municipality_code, count(*) as row_count, "
            f"{increments.ROWS_DIGEST} as digest from {table} as t group by all"
        )
    names = {f"t{i}": table for i, table in enumerate(tables)}
    con.execute(f"create or replace table {DIGESTS} as\n" + "\nunion all\n".join(parts), names)
    return con.execute(f"select count(*) from {DIGESTS}").fetchone()[0]


def data_digests(con: duckdb.DuckDBPyConnection, municipality_code: str) -> list[tuple[str, str]]:
    """What of the published data one municipality's report reads, as (table, digest) pairs."""
    if not has_table(con, DIGESTS):
        raise LookupError(f"the curated database has no {DIGESTS}: build it again with `lagesbild run --force`")
    return con.execute(
        f"select table_name, digest from {DIGESTS} where not list_contains($unread, table_name) "
        "and (municipality_code = $m or (municipality_code is null and not list_contains($sliced, table_name))) "
        "order by table_name",
        {"m": municipality_code, "unread": list(NOT_READ), "sliced": list(BY_MUNICIPALITY)},
    ).fetchall()


@cache
def code_key() -> str:
    """The code and templates a report is rendered with (they do not change while a process runs)."""
    return digest((*CODE_DIRS, TEMPLATES_DIR))


def render_key(settings: Settings, year: int, slug: str, data: list[tuple[str, str]]) -> str:
    """The hash that decides whether a municipality's edition for `year` must be rendered again: `data` is
    what it reads of the published data (data_digests)."""
    earlier = [p for p in _files(settings.curated_dir / "editions" / slug) if p.name != f"{year}.json"]
    return digest(
        (settings.analysis_dir / slug,),
        code_key(),
        data,
        [(p.name, hashlib.sha256(p.read_bytes()).hexdigest()) for p in earlier],
        settings.municipality_code,
        year,
        settings.peer_codes,
        settings.render_pdf,
        settings.contact,
        settings.model_params,
        settings.first_trend_year,
    )


def rendered_key(edition: Path) -> str:
    try:
        return (edition / RENDER_KEY).read_text(encoding="utf-8").strip()
    except OSError:
        return ""
