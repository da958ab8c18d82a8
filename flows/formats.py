"""What a raw file is, read from its content (never its name), and the readers for non-text formats.

Text exports are read by DuckDB in flows/ingest.py. Excel workbooks (SOL's XLS/XLSX export, survey result
tables), JSON-stat2 (SCB PxWebApi) and Kolada's JSON are turned here into rows of text with the same
columns as their text counterparts, so that one staging model serves every shape of a source.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd


class IngestError(Exception):
    """A raw file cannot be read as its source's format."""


@dataclass(frozen=True)
class Format:
    name: str
    source: str  # the folder under data/raw/ and the source in the load log
    suffix: str  # the stored file's suffix
    label: str  # for logs and the load log
    table: str  # the raw table it is read into (flows/ingest.py)


FORMATS = {
    f.name: f
    for f in [
        Format("bra_sol_text", "bra", ".txt", "BRÅ SOL Databasfil (text)", "bra_sol"),
        Format("bra_sol_xlsx", "bra", ".xlsx", "BRÅ SOL Excel export (xlsx)", "bra_sol"),
        Format("bra_sol_xls", "bra", ".xls", "BRÅ SOL Excel export (xls)", "bra_sol"),
        Format("bra_kommun_csv", "bra", ".csv", "BRÅ anmälda brott per kommun (årlig CSV)", "bra_kommun_totals"),
        Format("scb_long_csv", "scb", ".csv", "SCB folkmängd (Kommun,År,Befolkning)", "scb_population_long"),
        Format("scb_pxweb_csv", "scb", ".csv", "SCB PxWeb CSV export", "scb_population_pxweb"),
        Format("scb_jsonstat2", "scb", ".json", "SCB PxWebApi JSON-stat2", "scb_population_jsonstat"),
        Format("kolada_json", "kolada", ".json", "Kolada API JSON", "kolada_values"),
        Format("polisen_events_json", "polisen", ".json", "Polisens händelse-API (JSON)", "polisen_events"),
        Format("survey_csv", "survey", ".csv", "Trygghetsmätning, resultattabell (CSV)", "survey_results"),
        Format("survey_xlsx", "survey", ".xlsx", "Trygghetsmätning, resultattabell (xlsx)", "survey_results"),
        Format("survey_xls", "survey", ".xls", "Trygghetsmätning, resultattabell (xls)", "survey_results"),
        Format("local_csv", "local", ".csv", "Kommunens egna uppgifter (CSV)", "local_measures"),
    ]
}

# When the content matches no format, a file in a source folder is read as the first format of that folder
# with its suffix, so that the reader can say precisely what is wrong (e.g. a comma-separated SOL file).
FOLDER_DEFAULTS: dict[tuple[str, str], str] = {}
for _f in FORMATS.values():
    FOLDER_DEFAULTS.setdefault((_f.source, _f.suffix), _f.name)
SOURCE_FOLDERS = tuple(dict.fromkeys(f.source for f in FORMATS.values()))

SOL_COLUMNS = {"Region", "Brott", "År", "Period", "Antal"}
SURVEY_COLUMNS = {"ar", "indikator", "enhet", "varde"}
_KOMMUN_ROW = re.compile(r"^[^;0-9][^;]*;\s*-?[\d  ]+\s*;\s*[\d  .,]*\s*;?$")
_XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"


def _decode_head(head: bytes) -> str:
    """The first bytes of a file as text: UTF-16 by its mark, UTF-8 if they are (a character cut off at the
    end of the sample is dropped), else ISO-8859-1."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", errors="replace")
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        cut_off = exc.start > len(head) - 4
        text = head[: exc.start].decode("utf-8") if cut_off else head.decode("latin-1")
    return text.lstrip("\ufeff")


def detect(path: Path) -> Format | None:
    """The format of a file from its first bytes (text and Excel) or its structure (JSON); None if unknown."""
    with open(path, "rb") as f:
        head = f.read(1 << 16)
    if head.startswith(_XLS_MAGIC) or head.startswith(_ZIP_MAGIC):
        return _detect_excel(path, "xls" if head.startswith(_XLS_MAGIC) else "xlsx")
    text = _decode_head(head)
    stripped = text.lstrip()
    if stripped.startswith(("[", "{")):
        return _detect_json(path)
    lines = [line.strip() for line in text.splitlines()[:6]]
    if not lines:
        return None
    header = [c.strip().strip('"') for c in re.split(r"[;,]", lines[0])]
    if SOL_COLUMNS <= set(header):
        return FORMATS["bra_sol_text"]
    if lines[0].startswith("Kommun;Antal") or (
        len(lines) > 1 and all(_KOMMUN_ROW.match(line) for line in lines[:-1] if line)
    ):
        return FORMATS["bra_kommun_csv"]
    if {"Kommun", "År", "Befolkning"} <= set(header):
        return FORMATS["scb_long_csv"]
    if lines[0].startswith('"') and '","' not in lines[0] and len(lines) > 2 and lines[2].startswith('"region"'):
        return FORMATS["scb_pxweb_csv"]
    names = {c.lower() for c in header}
    if SURVEY_COLUMNS <= names:
        return FORMATS["survey_csv"]
    if "kommun" in names and "ar" in names:
        return FORMATS["local_csv"]
    return None


def _detect_json(path: Path) -> Format | None:
    try:
        doc = json.loads(path.read_bytes())
    except (ValueError, UnicodeDecodeError):
        return None
    if isinstance(doc, list) and doc and isinstance(doc[0], dict) and {"datetime", "name"} <= doc[0].keys():
        return FORMATS["polisen_events_json"]
    if isinstance(doc, dict):
        if _jsonstat_dataset(doc) is not None:
            return FORMATS["scb_jsonstat2"]
        values = doc.get("values")
        if isinstance(values, list) and (not values or (isinstance(values[0], dict) and "kpi" in values[0])):
            return FORMATS["kolada_json"]
    return None


def _jsonstat_dataset(doc: dict) -> dict | None:
    """The JSON-stat2 dataset in a document: the document itself or a fetch envelope's `response`."""
    for candidate in (doc, doc.get("response")):
        if isinstance(candidate, dict) and candidate.get("class") == "dataset" and "dimension" in candidate:
            return candidate
    return None


def _detect_excel(path: Path, kind: str) -> Format | None:
    try:
        rows = excel_rows(path, limit=30)
    except IngestError:
        return None
    for row in rows:
        cells = {str(c).strip() for c in row if c not in (None, "")}
        if SOL_COLUMNS <= cells:
            return FORMATS[f"bra_sol_{kind}"]
        if SURVEY_COLUMNS <= {c.lower() for c in cells}:
            return FORMATS[f"survey_{kind}"]
    return None


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


def jsonstat_population(path: Path, rel: str) -> pd.DataFrame:
    """A JSON-stat2 dataset (SCB PxWebApi v2, e.g. TAB638) as rows: region code and label, year, value.

    The flat `value` array is in row-major order of `id`; each cell's index is unravelled into its category
    positions at once (no loop over cells). `source_row` is the cell's position in `value`, 1-based.
    """
    import numpy as np
    import pandas as pd

    doc = json.loads(path.read_bytes())
    data = _jsonstat_dataset(doc)
    if data is None:
        raise IngestError(f"{rel}: not a JSON-stat2 dataset (no class 'dataset' with dimensions)")
    ids, sizes = data["id"], data["size"]
    missing = [d for d in ("Region", "Tid") if d not in ids]
    if missing:
        raise IngestError(f"{rel}: JSON-stat2 dataset lacks dimension(s) {', '.join(missing)} (has {', '.join(ids)})")
    split = [
        f"{d} ({n})" for d, n in zip(ids, sizes, strict=True) if d not in ("Region", "Tid", "ContentsCode") and n > 1
    ]
    if split:
        raise IngestError(
            f"{rel}: the answer is split by {', '.join(split)}: a part cannot be summed to folkmängd safely; "
            "fetch the table with those variables eliminated (the total)"
        )
    values = data["value"]
    if isinstance(values, dict):  # the sparse form: {"index": value}
        dense = [None] * int(np.prod(sizes))
        for key, v in values.items():
            dense[int(key)] = v
        values = dense
    total = int(np.prod(sizes))
    if len(values) != total:
        raise IngestError(f"{rel}: JSON-stat2 has {len(values)} values for dimension sizes {sizes} ({total} cells)")
    positions = np.unravel_index(np.arange(total), sizes)
    columns = {}
    for dim, pos in zip(ids, positions, strict=True):
        category = data["dimension"][dim]["category"]
        index = category.get("index")
        codes = sorted(index, key=index.get) if isinstance(index, dict) else list(index or category["label"])
        labels = category.get("label", {})
        columns[dim] = np.asarray(codes, dtype=object)[pos]
        columns[f"{dim}_label"] = np.asarray([labels.get(c, c) for c in codes], dtype=object)[pos]
    status = data.get("status") or {}
    frame = pd.DataFrame(
        {
            "region_code": columns["Region"],
            "region_label": columns["Region_label"],
            "year": columns["Tid"],
            "contents_code": columns.get("ContentsCode", np.full(total, None, dtype=object)),
            "value": pd.Series(values, dtype="Float64").astype("string").str.removesuffix(".0"),
            "status": pd.Series(range(total)).astype("string").map(status if isinstance(status, dict) else {}),
        },
        dtype="string",
    )
    frame["source_row"] = np.arange(1, total + 1, dtype="int32")
    return frame
