"""A draft åtgärdsplan (`lagesbild plan`): from an edition's behovsanalys, one row per indicator proposed gult
or rött that no current measure covers, in the register's own columns, for the working group to fill in.
It is written beside the register as utkast_<year>.csv and never overwrites what the analysts wrote."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import duckdb

from flows.sources.measures import COLUMNS

EXPECTED = {"higher_is_worse": "minska", "higher_is_better": "oka"}


class DraftExists(FileExistsError):
    """A draft for the year is there already (the working group may have edited it)."""


def current_measures(con: duckdb.DuckDBPyConnection, municipality_code: str, year: int) -> dict[str, list[str]]:
    """Indicator id → the measures that cover it in the year (started, not ended)."""
    rows = con.execute(
        """
        select atgard_id, indicator_ids from mart_measures
        where municipality_code = $m and start_year <= $y and (end_year is null or end_year >= $y)
        """,
        {"m": municipality_code, "y": year},
    ).fetchall()
    covered: dict[str, list[str]] = {}
    for atgard_id, ids in rows:
        for indicator_id in filter(None, ids.split(",")):
            covered.setdefault(indicator_id, []).append(atgard_id)
    return covered


def draft_rows(behovsanalys: dict, covered: dict[str, list[str]]) -> list[dict]:
    """The register's columns, pre-filled for each indicator proposed gult or rött without a current measure."""
    year = behovsanalys["year"]
    return [
        dict.fromkeys(COLUMNS, "")
        | {
            "omrade": row["area_id"] or "",
            "indikatorer": row["indicator_id"],
            "start": str(year + 1),
            "forvantad_riktning": EXPECTED.get(row["direction"], ""),
            "beskrivning": f"Förslag {year}: {row['indicator']} – {row['level_rule']}. Fyll i åtgärd, ansvarig och år.",
        }
        for row in behovsanalys["indicators"]
        if row["proposed_level"] in ("gult", "rött") and row["indicator_id"] not in covered
    ]


def write_draft(folder: Path, year: int, rows: list[dict], force: bool = False) -> Path:
    """utkast_<year>.csv beside the register (`;`, UTF-8), written whole; refused if one is there already."""
    path = folder / f"utkast_{year}.csv"
    if path.exists() and not force:
        raise DraftExists(f"{path} exists already (it may hold the working group's edits); use --force to replace it")
    folder.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS, delimiter=";", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    os.replace(tmp, path)
    return path


def plan(db_path: Path, behovsanalys_path: Path, plans_dir: Path, slug: str, code: str, force: bool = False):
    """Write the draft for an edition; the path and its rows."""
    document = json.loads(behovsanalys_path.read_text(encoding="utf-8"))
    with duckdb.connect(str(db_path), read_only=True) as con:
        rows = draft_rows(document, current_measures(con, code, document["year"]))
    return write_draft(plans_dir / slug, document["year"], rows, force), rows
