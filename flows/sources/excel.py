"""Excel workbooks (SOL's XLS/XLSX export, survey result tables), read with python-calamine and turned into
rows of text with the same columns as their text counterparts, so that one staging model serves both."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from flows.sources.base import IngestError

if TYPE_CHECKING:
    import pandas as pd


def excel_rows(path: Path, limit: int | None = None) -> list[list]:
    """The first sheet of an XLS or XLSX workbook as rows of cell values (python-calamine)."""
    from python_calamine import CalamineWorkbook

    try:
        sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
        return sheet.to_python(skip_empty_area=False, nrows=limit) if limit else sheet.to_python(skip_empty_area=False)
    except Exception as exc:  # calamine raises its own error types for damaged workbooks
        raise IngestError(f"{path.name}: cannot be read as an Excel workbook: {exc}") from exc


def _cell_text(value: object) -> str | None:
    """An Excel cell as the text its CSV export would hold: 2025.0 → '2025', 72.9 → '72.9', '' → None."""
    if value is None or value == "":
        return None
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value).strip()


def excel_table(path: Path, rel: str, required: set[str], rename: dict[str, str]) -> pd.DataFrame:
    """The table on an Excel workbook's first sheet below its header row (title rows above it skipped).

    Every value becomes text, as a CSV reader with all_varchar would give it; `source_row` is the row number
    in the sheet (1-based), so errors point at the row an analyst sees in Excel.
    """
    import numpy as np
    import pandas as pd

    rows = excel_rows(path)
    header_at = next(
        (i for i, row in enumerate(rows[:30]) if required <= {str(c).strip().lower() for c in row if c}), None
    )
    if header_at is None:
        raise IngestError(f"{rel}: no header row with {', '.join(sorted(required))} in the first 30 rows of sheet 1")
    names = [str(c).strip() if c not in (None, "") else None for c in rows[header_at]]
    keep = [(i, rename.get(n, rename.get(n.lower(), n.lower()))) for i, n in enumerate(names) if n]
    body = rows[header_at + 1 :]
    frame = pd.DataFrame(
        {name: [_cell_text(r[i]) if i < len(r) else None for r in body] for i, name in keep}, dtype="string"
    )
    frame["source_row"] = np.arange(header_at + 2, header_at + 2 + len(body), dtype="int32")
    empty = frame.drop(columns="source_row").isna().all(axis=1)
    return frame[~empty].reset_index(drop=True)
