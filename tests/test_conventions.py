"""The house's rules, checked on the code itself: each concern in its room, and nothing that would blur them."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from flows import sources
from flows.config import EXPECTATIONS_DIR, PROJECT_DIR, SQL_DIR

PACKAGE = PROJECT_DIR / "flows"
MODULES = sorted(PACKAGE.rglob("*.py"))
SQL_WORDS = re.compile(r"\b(select|insert|create|copy|delete|update|from|where|drop|alter)\b", re.IGNORECASE)
HELPERS = {"__init__", "base", "text", "excel"}  # the sources package's shared readers, not sources


def _name(path: Path) -> str:
    return path.relative_to(PROJECT_DIR).as_posix()


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_only_the_pipeline_package_imports_prefect():
    importers = {_name(p) for p in MODULES if any(m.split(".")[0] == "prefect" for m in _imports(p))}
    assert importers == {"flows/pipeline/flow.py", "flows/pipeline/deploy.py"}


def test_report_code_and_templates_name_no_staging_or_intermediate_table():
    files = [*(PACKAGE / "report").rglob("*.py"), *(PROJECT_DIR / "reports" / "templates").glob("*.j2")]
    named = {_name(p): re.findall(r"\b(?:stg|int)_[a-z0-9_]+", p.read_text(encoding="utf-8")) for p in files}
    assert {k: v for k, v in named.items() if v} == {}


def test_every_source_module_is_registered_with_its_staging_model_and_suite():
    modules = {p.stem for p in (PACKAGE / "sources").glob("*.py")} - HELPERS
    assert {s.name for s in sources.SOURCES} == modules
    staging = {p.stem for p in (SQL_DIR / "staging").glob("*.sql")}
    claimed = [model for s in sources.SOURCES for model in s.staging]
    assert sorted(claimed) == sorted(staging)  # every staging model belongs to exactly one source
    for model in claimed:
        assert (EXPECTATIONS_DIR / f"{model}.json").exists(), model


def test_every_format_belongs_to_one_source_and_has_a_period():
    names = [f.name for s in sources.SOURCES for f in s.formats]
    assert len(names) == len(set(names)) == len(sources.FORMATS)
    assert all(s.detect and s.period for s in sources.SOURCES if s.formats)


def test_only_config_reads_the_environment_or_builds_settings():
    readers, builders = set(), set()
    for path in MODULES:
        text = path.read_text(encoding="utf-8")
        if re.search(r"\bos\.(environ|getenv)\b", text):
            readers.add(_name(path))
        if re.search(r"(?<![\w.])Settings\(", text):
            builders.add(_name(path))
    assert readers == {"flows/config.py"}
    assert builders == {"flows/config.py"}


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_modules_and_functions_stay_small(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= 400, f"{_name(path)} has {lines} lines"
    long = [
        (node.name, node.end_lineno - node.lineno + 1)
        for node in ast.walk(_tree(path))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.end_lineno - node.lineno + 1 > 80
    ]
    assert long == []


def test_sql_takes_values_as_bound_parameters_not_formatted_into_quotes():
    quoted = []
    for path in MODULES:
        source = path.read_text(encoding="utf-8")
        for node in ast.walk(_tree(path)):
            if not isinstance(node, ast.JoinedStr):
                continue
            parts = node.values
            text = "".join(v.value for v in parts if isinstance(v, ast.Constant))
            if not SQL_WORDS.search(text):
                continue
            for before, value in zip(parts, parts[1:], strict=False):
                if isinstance(value, ast.FormattedValue) and isinstance(before, ast.Constant):
                    if before.value.endswith("'"):
                        quoted.append(f"{_name(path)}:{node.lineno}: {ast.get_source_segment(source, node)[:80]}")
    assert quoted == []
