"""Each published lägesbild is kept as a snapshot (data/curated/editions/<kommun>/<year>.json), so that the
next one can say what has changed since: indicators added or removed, significant changes, and history a
source has revised (a count for an earlier year that differs from what the last edition showed)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

EDITIONS_DIR = "editions"


@dataclass
class SinceLast:
    """What the overview says under "Vad har ändrats sedan förra lägesbilden"."""

    previous_year: int | None  # None: no earlier edition is stored
    previous_generated: str = ""
    added: list[str] = field(default_factory=list)  # indicator titles
    removed: list[str] = field(default_factory=list)
    significant: list[dict] = field(default_factory=list)  # {title, verdict}
    revised: list[dict] = field(default_factory=list)  # {title, year, before, after}
    path: str = ""  # where this edition is kept


def snapshot(overview) -> dict:
    """The figures of an edition that a later one compares with: every indicator's yearly series."""
    indicators = {}
    crime = [("oversikt", ind) for ind in overview.totals] + [(a.slug, ind) for a in overview.areas for ind in a.crime]
    for slug, ind in crime:
        indicators[ind.indicator_id] = {
            "title": ind.title,
            "area": slug,
            "counts": {str(t["year"]): t["count"] for t in ind.trend},
        }
    for area in overview.areas:
        for ind in area.survey:
            indicators[ind.indicator_id] = {
                "title": ind.title,
                "area": area.slug,
                "values": {str(r.get("label", r.get("year"))): r.get("value") for r in ind.rows},
            }
    return {
        "municipality_code": overview.municipality_code,
        "municipality": overview.municipality,
        "year": overview.year,
        "generated": overview.generated,
        "indicators": indicators,
    }


def edition_path(curated_dir: Path, slug: str, year: int) -> Path:
    return curated_dir / EDITIONS_DIR / slug / f"{year}.json"


def save(overview, curated_dir: Path, slug: str) -> Path:
    """Keep this edition (written whole through a temporary file, never half)."""
    path = edition_path(curated_dir, slug, overview.year)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(snapshot(overview), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path


def previous(curated_dir: Path, slug: str, year: int) -> dict | None:
    """The latest stored edition for an earlier year, if any."""
    folder = curated_dir / EDITIONS_DIR / slug
    earlier = (
        sorted((int(p.stem), p) for p in folder.glob("*.json") if p.stem.isdigit() and int(p.stem) < year)
        if folder.is_dir()
        else []
    )
    return json.loads(earlier[-1][1].read_text(encoding="utf-8")) if earlier else None


def compare(overview, before: dict | None, path: Path) -> SinceLast:
    """This edition against the one before it."""
    rel = path.as_posix()
    if before is None:
        return SinceLast(previous_year=None, path=rel)
    now = snapshot(overview)["indicators"]
    then = before["indicators"]
    revised = []
    for ind_id in sorted(now.keys() & then.keys()):
        old, new = then[ind_id].get("counts", {}), now[ind_id].get("counts", {})
        for year in sorted(old.keys() & new.keys()):
            if old[year] != new[year]:
                revised.append(
                    {"title": now[ind_id]["title"], "year": int(year), "before": old[year], "after": new[year]}
                )
    significant = [
        {"title": ind.title, "verdict": ind.change.fdr_verdict}
        for ind in {i.indicator_id: i for area in overview.areas for i in area.crime}.values()
        if ind.change and ind.change.fdr_verdict != "none"
    ]
    return SinceLast(
        previous_year=before["year"],
        previous_generated=before.get("generated", ""),
        added=[now[i]["title"] for i in sorted(now.keys() - then.keys())],
        removed=[then[i]["title"] for i in sorted(then.keys() - now.keys())],
        significant=significant,
        revised=revised,
        path=rel,
    )


def with_since_last(overview, curated_dir: Path, slug: str):
    """The overview with what has changed since the latest stored edition before it (a new object)."""
    path = edition_path(curated_dir, slug, overview.year)
    since = compare(overview, previous(curated_dir, slug, overview.year), path.relative_to(curated_dir))
    return replace(overview, since_last=since)
