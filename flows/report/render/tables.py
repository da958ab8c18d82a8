"""CSV beside the pages: `;`, UTF-8 with BOM (so that Excel opens it right), cells shown exactly as in the
HTML and PDF (the cell vocabulary)."""

from __future__ import annotations

import csv
from pathlib import Path


def write_geography_csv(geography: dict, path: Path) -> None:
    """The district table (geografi.csv)."""
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f, delimiter=";", lineterminator="\r\n")
        writer.writerow(["stadsdel", *geography["years"]])
        writer.writerows([name, *(cells[y] for y in geography["years"])] for name, cells in geography["rows"].items())
        writer.writerow([geography["legend"]])
