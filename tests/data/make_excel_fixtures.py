"""Write the Excel fixtures from the real text fixtures beside them (run from the repository root):

    .venv/bin/python tests/data/make_excel_fixtures.py

The SOL workbooks hold the rows of sol_dbfil_ar.txt under a title row and a blank row, numbers as numbers,
`..` as text, as a spreadsheet export does; the survey workbook holds rows of the transcribed Malmö survey.
"""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import xlwt

HERE = Path(__file__).parent
TITLE = "Anmälda brott, totalt antal och per 100 000 invånare"


def _cell(text: str) -> object:
    text = text.strip()
    if text.isdigit():
        return int(text)
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return text


def sol_rows() -> list[list[object]]:
    lines = (HERE / "sol_dbfil_ar.txt").read_text(encoding="latin-1").splitlines()
    header = lines[0].split(";")
    return [header] + [[_cell(v) for v in line.split(";")[: len(header)]] for line in lines[1:]]


def survey_rows() -> list[list[object]]:
    with open(HERE.parent.parent / "data/raw/survey/trygghetsmatning_malmo_transcribed.csv", encoding="utf-8") as f:
        rows = list(csv.reader(f, delimiter=";"))
    keep = ["kommun", "ar", "indikator", "enhet", "varde"]
    idx = [rows[0].index(k) for k in keep]
    return [keep] + [[_cell(r[i]) for i in idx] for r in rows[1:9]]


def write_xlsx(path: Path, rows: list[list[object]]) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([TITLE if "sol" in path.name else "Trygghetsmätning, Malmö"])
    sheet.append([])
    for row in rows:
        sheet.append(row)
    book.save(path)


def write_xls(path: Path, rows: list[list[object]]) -> None:
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Tabell")
    sheet.write(0, 0, TITLE)
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    book.save(str(path))


if __name__ == "__main__":
    write_xlsx(HERE / "sol_dbfil_ar.xlsx", sol_rows())
    write_xls(HERE / "sol_dbfil_ar.xls", sol_rows())
    write_xlsx(HERE / "survey_malmo.xlsx", survey_rows())
