"""Analyst-written text per area and year (reports/analysis/<kommun>/<year>/<area>.md).

The pipeline never writes analysis; it shows what the analysts wrote, and flags the text as possibly out of
date when a number it cites no longer matches the data. A file starts with YAML front matter:

    ---
    author: Trygghetsanalytiker, Malmö stad
    written: 2026-03-15
    cites:
      VNR-01: 19.9      # rate per 100 000 for register indicators, the value for survey indicators
    ---
    Markdown text …
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml
from markdown_it import MarkdownIt

TOLERANCE = 0.05  # cited figures are rounded to one decimal


class AnalysisError(ValueError):
    """An analysis file cannot be read."""


@dataclass
class Analysis:
    path: Path
    author: str
    written: str
    html: str
    paragraphs: list[str]  # plain text, for the PDF
    cites: dict[str, float]
    stale: list[dict] = field(default_factory=list)  # {indicator_id, cited, current}


def _split(text: str, path: Path) -> tuple[dict, str]:
    if not text.startswith("---"):
        return {}, text
    try:
        _, head, body = text.split("---", 2)
        meta = yaml.safe_load(head) or {}
    except (ValueError, yaml.YAMLError) as exc:
        raise AnalysisError(f"{path}: the front matter between the first two '---' lines is not valid YAML") from exc
    if not isinstance(meta, dict):
        raise AnalysisError(f"{path}: the front matter must be a mapping (author, written, cites)")
    return meta, body


def load(path: Path, current: dict[str, float | None]) -> Analysis | None:
    """Read one analysis file and compare the figures it cites with `current` (indicator id → value)."""
    if not path.exists():
        return None
    meta, body = _split(path.read_text(encoding="utf-8"), path)
    cites = {str(k): float(v) for k, v in (meta.get("cites") or {}).items()}
    # Analysts' Markdown may not carry HTML: it is rendered as text, like every label from data.
    md = MarkdownIt("commonmark", {"html": False})
    tokens = md.parse(body)
    paragraphs = [t.content for t in tokens if t.type == "inline" and t.content.strip()]
    stale = []
    for indicator_id, cited in cites.items():
        now = current.get(indicator_id)
        if now is None or abs(now - cited) > TOLERANCE:
            stale.append({"indicator_id": indicator_id, "cited": cited, "current": now})
    return Analysis(
        path=path,
        author=str(meta.get("author", "")),
        written=str(meta.get("written", "")),
        html=md.render(body),
        paragraphs=paragraphs,
        cites=cites,
        stale=stale,
    )


def for_area(analysis_dir: Path, project_dir: Path, slug_kommun: str, year: int, slug_area: str, current: dict):
    """The analysts' text for an area and year (None when not written), and where it belongs, shown relative
    to the project when it lies inside it."""
    path = analysis_dir / slug_kommun / str(year) / f"{slug_area}.md"
    shown = path.relative_to(project_dir).as_posix() if path.is_relative_to(project_dir) else str(path)
    return load(path, current), shown
