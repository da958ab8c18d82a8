"""The one cell vocabulary: a status decides what every output shows."""

from __future__ import annotations

import duckdb
import pytest

from flows import cells


def test_display_by_status():
    assert cells.display(1234, cells.VALUE) == "1\u00a0234"
    assert cells.display(12.345, cells.VALUE, 1) == "12,3"
    assert [cells.display(None, s) for s in (cells.ZERO, cells.SUPPRESSED, cells.MISSING, cells.NOT_APPLICABLE)] == [
        "0",
        "..",
        "–",
        ".",
    ]
    with pytest.raises(ValueError, match="unknown cell status 'hidden'"):
        cells.display(3, "hidden")


def test_status_of_a_published_figure():
    assert [cells.status_of(v) for v in (None, 0, 0.0, 12)] == ["missing", "zero", "zero", "value"]


def test_sql_macro_matches_the_vocabulary():
    con = duckdb.connect()
    con.execute(cells.CELL_STATUS_MACRO)
    rows = con.execute(
        "select n, cell_status(n, 5) from (values (null), (0), (1), (4), (5)) as t(n) order by n"
    ).fetchall()
    assert rows == [(0, "zero"), (1, "suppressed"), (4, "suppressed"), (5, "value"), (None, "missing")]
    assert {r[1] for r in rows} <= set(cells.STATUSES)
