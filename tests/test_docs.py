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


def test_readme_layout_names_every_module_of_the_package():
    readme = (PROJECT_DIR / "README.md").read_text(encoding="utf-8")
    layout = readme[readme.index("## Layout") :]
    layout = layout[layout.index("```") : layout.index("```", layout.index("```") + 3)]
    package = PROJECT_DIR / "flows"
    missing = []
    for path in sorted(package.rglob("*.py")):
        if path.name == "__init__.py":
            folder = path.parent.relative_to(package).as_posix()
            if folder != "." and f"{path.parent.name}/" not in layout:
                missing.append(folder)
        elif path.name not in layout:
            missing.append(path.relative_to(package).as_posix())
    assert missing == []
    assert "docs/architecture.md" in layout and (PROJECT_DIR / "docs" / "architecture.md").exists()
