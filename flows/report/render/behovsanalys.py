"""The needs-analysis (behovsanalys) export: one row per indicator, as CSV and JSON with a documented schema.

Each row carries a *proposed* level (grönt/gult/rött, flows/report/levels.py) and the rule that produced
it. The level is a proposal for the local working group, never a decision; the export says so in every row.
"""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

from flows import cells
from flows.config import CATALOGUE_DIR
from flows.stats import Change

if TYPE_CHECKING:
    from flows.report.context import AreaReport, CrimeIndicator, Overview, SurveyIndicator

SCHEMA_PATH = CATALOGUE_DIR / "behovsanalys.schema.json"
SCHEMA_VERSION = "3"  # 3: direction, q-values and φ; one row per indicator however many areas show it


def _verdict(change: Change | None) -> dict:
    def rounded(value: float | None, digits: int) -> float | None:
        return None if value is None else round(value, digits)

    return {
        "relative": None if change is None else rounded(change.relative, 4),
        "p_value": None if change is None else rounded(change.p_value, 6),
        "verdict": None if change is None else change.verdict,
        "test": None if change is None else change.test,
        "q_value": None if change is None else rounded(change.q_value, 6),
        "fdr_verdict": None if change is None or change.p_value is None else change.fdr_verdict,
        "phi": None if change is None else rounded(change.phi, 3),
        "note": None if change is None else change.note or None,
    }


def _crime_row(ind: CrimeIndicator, area: AreaReport, area_caveats: list[str]) -> dict:
    riket = next((c for c in ind.comparison if c["kind"] == "riket"), {})
    county = next((c for c in ind.comparison if c["kind"] == "lan"), {})
    own_and_peers = [c for c in ind.comparison if c["kind"] in ("kommun", "peer") and c["rate"] is not None]
    rank = sorted(own_and_peers, key=lambda c: -c["rate"]).index(ind.comparison[0]) + 1 if ind.rate else None
    caveats = ["Anmälda brott, inte alla begångna brott."] + area_caveats
    if ind.is_enforcement_driven:
        caveats.append("Antalet speglar till stor del myndigheternas insatser.")
    if ind.is_preliminary:
        caveats.append("Preliminära uppgifter.")
    if ind.is_synthetic:
        caveats.append("Bygger på demodata.")
    return {
        "indicator_id": ind.indicator_id,
        "area_id": area.area_id,
        "area": area.title,
        "indicator": ind.title,
        "source": "bra",
        "unit": "anmälda brott",
        "value": ind.count,
        "value_status": cells.status_of(ind.count),
        "rate_per_100k": ind.rate,
        "population": ind.population,
        "population_year": ind.population_year,
        "interval_low": None,
        "interval_high": None,
        "respondents": None,
        "change_previous_year": _verdict(ind.change),
        "change_three_year_mean": _verdict(ind.change_3y),
        "riket_rate_per_100k": riket.get("rate"),
        "county_rate_per_100k": county.get("rate"),
        "rate_relative_to_riket": round(ind.rate / riket["rate"], 4) if ind.rate and riket.get("rate") else None,
        "peer_rank": rank,
        "peers_compared": [c["region"] for c in own_and_peers],
        "caveats": caveats,
        "proposed_level": ind.level,
        "level_rule": ind.level_rule,
        "survey_year": None,
        "direction": ind.direction,
        "enforcement_driven": ind.is_enforcement_driven,
        "denominator": ind.denominator,
        "origin": "synthetic" if ind.is_synthetic else "real",
    }


def _survey_row(s: SurveyIndicator, area: AreaReport, area_caveats: list[str]) -> dict:
    caveats = list(area_caveats)
    if s.latest["respondents"] is None:
        caveats.append("Antal svarande saknas: osäkerheten kan inte beräknas.")
    if s.latest["is_synthetic"]:
        caveats.append("Bygger på demodata.")
    return {
        "indicator_id": s.indicator_id,
        "area_id": area.area_id,
        "area": area.title,
        "indicator": s.title,
        "source": "survey",
        "unit": s.unit,
        "value": s.latest["value"],
        "value_status": cells.status_of(s.latest["value"]),
        "rate_per_100k": None,
        "population": None,
        "population_year": None,
        "interval_low": s.latest["ci_low"],
        "interval_high": s.latest["ci_high"],
        "respondents": s.latest["respondents"],
        "change_previous_year": _verdict(s.change),
        "change_three_year_mean": _verdict(None),
        "riket_rate_per_100k": None,
        "county_rate_per_100k": None,
        "rate_relative_to_riket": None,
        "peer_rank": None,
        "peers_compared": [],
        "caveats": caveats,
        "proposed_level": s.level,
        "level_rule": s.level_rule,
        "survey_year": s.latest["year"],
        "direction": s.direction,
        "enforcement_driven": False,
        "denominator": None,
        "origin": "synthetic" if s.latest["is_synthetic"] else "real",
    }


def rows(overview: Overview) -> list[dict]:
    """One row per catalogue indicator of the six areas that has data for the municipality."""
    common = {
        "schema_version": SCHEMA_VERSION,
        "municipality_code": overview.municipality_code,
        "municipality": overview.municipality,
        "year": overview.year,
        "level_is_proposal": True,
    }
    shown_in: dict[str, list[str]] = {}
    for area in overview.areas:
        for ind in [*area.crime, *area.survey]:
            shown_in.setdefault(ind.indicator_id, []).append(area.area_id)
    out, done = [], set()
    for area in overview.areas:
        area_caveats = [area.coverage_note] if area.coverage in ("svag", "saknas") else []
        # An indicator shown in several areas is one row, under its own area (or the first that shows it).
        own = [i for i in area.crime if not (area.references.get(i.indicator_id) or {}).get("home")]
        for row in [_crime_row(i, area, area_caveats) for i in own] + [
            _survey_row(s, area, area_caveats) for s in area.survey if s.latest
        ]:
            if row["indicator_id"] in done:
                continue
            done.add(row["indicator_id"])
            also = [a for a in shown_in[row["indicator_id"]] if a != row["area_id"]]
            linked = [
                m.atgard_id for m in overview.measures if any(r.indicator_id == row["indicator_id"] for r in m.rows)
            ]
            out.append(common | row | {"also_in_areas": also, "atgarder": linked})
    return out


CSV_COLUMNS = [
    "schema_version", "municipality_code", "municipality", "year", "indicator_id", "area_id", "area",
    "indicator", "source", "unit", "value", "value_status", "rate_per_100k", "population", "population_year",
    "interval_low", "interval_high", "respondents", "survey_year", "change_previous_year_relative",
    "change_previous_year_p_value",
    "change_previous_year_verdict", "change_three_year_mean_relative", "change_three_year_mean_p_value",
    "change_three_year_mean_verdict", "riket_rate_per_100k", "county_rate_per_100k", "rate_relative_to_riket",
    "peer_rank", "peers_compared", "caveats", "proposed_level", "level_rule", "level_is_proposal",
    "change_previous_year_q_value", "change_previous_year_fdr_verdict", "change_three_year_mean_q_value",
    "change_three_year_mean_fdr_verdict", "dispersion_phi", "direction", "enforcement_driven", "denominator",
    "also_in_areas", "origin", "atgarder",
]  # fmt: skip


def _flat(row: dict) -> dict:
    flat = {k: v for k, v in row.items() if not isinstance(v, dict | list)}
    for key in ("change_previous_year", "change_three_year_mean"):
        for part in ("relative", "p_value", "verdict", "q_value", "fdr_verdict"):
            flat[f"{key}_{part}"] = row[key][part]
    flat["dispersion_phi"] = row["change_previous_year"]["phi"]
    flat["peers_compared"] = " | ".join(row["peers_compared"])
    flat["also_in_areas"] = " | ".join(row["also_in_areas"])
    flat["atgarder"] = " | ".join(row["atgarder"])
    flat["caveats"] = " | ".join(row["caveats"])
    return {c: flat.get(c) for c in CSV_COLUMNS}


def _replace(path: Path, write) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as f:
        write(f)
    os.replace(tmp, path)


def write(overview: Overview, folder: Path, slug: str) -> tuple[Path, Path]:
    """Write behovsanalys_<kommun>_<year>.csv and .json into folder (each replaced atomically)."""
    data = rows(overview)
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"behovsanalys_{slug}_{overview.year}"
    csv_path, json_path = folder / f"{stem}.csv", folder / f"{stem}.json"

    def write_csv(f) -> None:
        writer = csv.DictWriter(f, fieldnames=CSV_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(_flat(r) for r in data)

    document = {
        "schema": f"behovsanalys/{SCHEMA_VERSION}",
        "municipality_code": overview.municipality_code,
        "municipality": overview.municipality,
        "year": overview.year,
        "generated": overview.generated,
        "note": "Nivåerna (grönt/gult/rött) är förslag som regeln i level_rule gav; arbetsgruppen beslutar.",
        "indicators": data,
    }
    _replace(csv_path, write_csv)
    _replace(json_path, lambda f: json.dump(document, f, ensure_ascii=False, indent=2, default=str))
    return csv_path, json_path
