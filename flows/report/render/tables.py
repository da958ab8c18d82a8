"""Tables: one definition per table, shown three ways. A `Table` holds raw values and typed columns; the HTML
and Typst templates show it through `Column.show` (Swedish format, the cell vocabulary) and every table is
also written as CSV beside the pages (`;`, UTF-8 with BOM so that Excel opens it right, Swedish decimals,
no thousands separator). The renderers collect every table a page shows (`Collected`), so a table on a page
always has its CSV.

The register of measures and its follow-up keep their own machine-readable CSVs (atgardsplan.csv,
uppfoljning.csv) with fixed column names.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass, field
from pathlib import Path

from markupsafe import Markup, escape

from flows import fmt

NUMERIC = {"int", "dec1", "dec2", "pct", "spct", "p", "cell", "year"}
LEVELS = ("grönt", "gult", "rött")
DECIMALS = {"dec1": 1, "dec2": 2, "pct": 1, "p": 4}


LEVEL_ICONS = {
    "grönt": '<circle cx="8" cy="8" r="7.5" fill="#3f6e26"/><path d="M4.2 8.3l2.6 2.6 5-5.4" fill="none" '
    'stroke="#fff" stroke-width="2"/>',
    "gult": '<path d="M8 .8l7.4 14H.6z" fill="#8a6a00"/><path d="M8 5.5v4.6M8 11.6v1.6" stroke="#fff" '
    'stroke-width="1.8"/>',
    "rött": '<rect x=".5" y=".5" width="15" height="15" rx="2" fill="#b00020"/><path d="M4.5 4.5l7 7M11.5 4.5l-7 7" '
    'stroke="#fff" stroke-width="2"/>',
}


def level_html(value) -> Markup:
    """A proposed level as a word and a shape (never colour alone); – where there is none."""
    if value not in LEVEL_ICONS:
        return Markup("–")
    icon = f'<svg viewBox="0 0 16 16" aria-hidden="true" focusable="false">{LEVEL_ICONS[value]}</svg>'
    return Markup(f'<span class="badge">{icon}{value}</span>')


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "text"  # text, int, dec1, dec2, pct (a value in per cent), spct (a fraction, signed), p, cell, year
    header: bool = False  # the cell heads its row (th scope="row")
    link: str = ""  # the key of the row's href, where the cell links somewhere

    @property
    def numeric(self) -> bool:
        return self.kind in NUMERIC and not self.header

    def show(self, value) -> str:
        """The cell as a reader sees it on the page and in the PDF."""
        if value is None or value == "":
            return fmt.MISSING if self.kind in NUMERIC else ""
        if self.kind == "int":
            return fmt.number(value)
        if self.kind in ("dec1", "dec2"):
            return fmt.number(value, DECIMALS[self.kind])
        if self.kind == "pct":
            return fmt.number(value, 1)
        if self.kind == "spct":
            return fmt.signed_percent(value)
        if self.kind == "p":
            return fmt.p_value(value)
        return str(value)

    def csv(self, value) -> str:
        """The cell in CSV: the number without thousands separator and with a decimal comma."""
        if value is None:
            return ""
        if self.kind == "int":
            return str(int(value))
        if self.kind in DECIMALS:
            return f"{value:.{DECIMALS[self.kind]}f}".replace(".", ",")
        if self.kind == "spct":
            return f"{value * 100:.1f}".replace(".", ",")
        return str(value).replace(fmt.NBSP, " ")


@dataclass(frozen=True)
class Table:
    """A table of a page: its caption, columns and rows of raw values, the CSV it is written to (relative to
    the edition folder) and an optional note printed under it."""

    file: str
    caption: str
    columns: tuple[Column, ...]
    rows: list[dict] = field(default_factory=list)
    note: str = ""

    @property
    def anchor(self) -> str:
        return "t-" + Path(self.file).stem

    def body_html(self) -> Markup:
        """The table's body rows as the page shows them (row headers scoped, numbers right-aligned, levels as
        word and icon): built here rather than in the template, as the big tables hold thousands of cells."""
        lines = []
        for row in self.rows:
            cells = []
            for c in self.columns:
                value = row.get(c.key)
                if c.kind == "level":
                    shown = level_html(value)
                elif c.link and row.get(c.link):
                    shown = f'<a href="{escape(row.get(c.link))}">{escape(c.show(value))}</a>'
                else:
                    shown = escape(c.show(value))
                if c.header:
                    cells.append(f'<th scope="row">{shown}</th>')
                else:
                    cells.append(f'<td class="n">{shown}</td>' if c.numeric else f"<td>{shown}</td>")
            lines.append("<tr>" + "".join(cells) + "</tr>\n")
        return Markup("".join(lines))

    def csv_text(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
        writer.writerow([c.label + (" (%)" if c.kind == "spct" else "") for c in self.columns])
        writer.writerows([c.csv(row.get(c.key)) for c in self.columns] for row in self.rows)
        return out.getvalue()


class Collected:
    """Every table the pages of one edition show, by CSV file; `add` is called as a page renders a table."""

    def __init__(self) -> None:
        self.tables: dict[str, Table] = {}

    def add(self, table: Table) -> str:
        seen = self.tables.get(table.file)
        if seen is not None and seen is not table and seen.csv_text() != table.csv_text():
            raise ValueError(f"two different tables would both be written to {table.file}")
        self.tables[table.file] = table
        return ""

    def write(self, out_dir: Path) -> list[Path]:
        paths = []
        for name, table in sorted(self.tables.items()):
            path = out_dir / name
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "w", encoding="utf-8-sig", newline="") as f:
                f.write(table.csv_text())
            paths.append(path)
        return paths


def _write(path: Path, header: list[str], rows: list[list]) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f, delimiter=";", lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(rows)
    os.replace(tmp, path)


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
