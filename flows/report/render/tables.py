"""CSV beside the pages: `;`, UTF-8 with BOM (so that Excel opens it right), Swedish decimals, cells shown
exactly as in the HTML and PDF (the cell vocabulary)."""

from __future__ import annotations

import csv
from pathlib import Path

from flows import fmt


def write_geography_csv(geography: dict, path: Path) -> None:
    """The district table (geografi.csv)."""
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f, delimiter=";", lineterminator="\r\n")
        writer.writerow(["stadsdel", *geography["years"]])
        writer.writerows([name, *(cells[y] for y in geography["years"])] for name, cells in geography["rows"].items())
        writer.writerow([geography["legend"]])


def _write(path: Path, header: list[str], rows: list[list]) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f, delimiter=";", lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(rows)


def _number(value: float | None, decimals: int = 1) -> str:
    return "" if value is None else fmt.number(value, decimals).replace("\u00a0", "")


def write_measures_csv(measures: list, path: Path) -> None:
    """The åtgärdsplan's register as the report read it (atgardsplan.csv)."""
    _write(
        path,
        ["atgard_id", "titel", "ansvarig", "omrade", "indikatorer", "start", "slut", "forvantad_riktning"],
        [
            [m.atgard_id, m.title, m.responsible, m.area_id, ",".join(r.indicator_id for r in m.rows), m.start_year,
             m.end_year or "", m.expected]
            for m in measures
        ],
    )  # fmt: skip


def write_followup_csv(measures: list, path: Path) -> None:
    """The follow-up: one row per measure and indicator (uppfoljning.csv)."""
    _write(
        path,
        ["atgard_id", "indikator", "enhet", "startar", "varde_start", "ar", "varde", "relativ_forandring_procent",
         "p_varde", "q_varde", "phi", "bedomning", "mot_forvantan", "anmarkningar"],
        [
            [m.atgard_id, r.indicator_id, r.unit, r.start_year, _number(r.start_value), r.end_year,
             _number(r.end_value),
             _number(r.change.relative * 100 if r.change and r.change.relative is not None else None),
             _number(r.change.p_value if r.change else None, 4), _number(r.change.q_value if r.change else None, 4),
             _number(r.change.phi if r.change else None, 2), r.change_text, r.direction_text, " | ".join(r.flags)]
            for m in measures
            for r in m.rows
        ],
    )  # fmt: skip
