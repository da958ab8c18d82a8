"""The README's claims about the bundled data are checked against a build of it."""

from __future__ import annotations

import re

from flows import db
from flows.config import PROJECT_DIR

ROW = re.compile(r"^\| `(mart_[a-z_]+)` \| .* \| ([\d ]+) \|$")


def test_readme_row_counts_match_the_bundled_build(bundled_db):
    claims = {}
    for line in (PROJECT_DIR / "README.md").read_text(encoding="utf-8").splitlines():
        if match := ROW.match(line):
            claims[match.group(1)] = int(match.group(2).replace(" ", ""))
    with db.connect(bundled_db, read_only=True) as con:
        marts = [
            r[0]
            for r in con.execute("select table_name from duckdb_tables() where table_name like 'mart_%'").fetchall()
        ]
        actual = {m: con.execute(f"select count(*) from {m}").fetchall()[0][0] for m in marts}
    assert claims == actual
