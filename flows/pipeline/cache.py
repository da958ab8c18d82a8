"""What a re-run may skip. A build is decided by a content hash of everything it reads: the raw files, the
catalogue, the registers of measures, the code that builds and checks (flows/, sql/, expectations/) and the
options that change the data. A report is decided by the build's hash, the templates, the analysts' text,
the municipality's earlier editions and the report's own options. The hashes are written beside what they
describe (the published version's BUILD_KEY, the edition's .render-key) before it is published, so a key
never describes something half-written.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from flows.config import EXPECTATIONS_DIR, PROJECT_DIR, SQL_DIR, TEMPLATES_DIR, Settings

BUILD_KEY = "BUILD_KEY"
RENDER_KEY = ".render-key"
CODE_DIRS = (PROJECT_DIR / "flows", SQL_DIR, EXPECTATIONS_DIR)
SKIPPED = {".lock", "__pycache__"}


def _files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    found = (p for p in folder.rglob("*") if p.is_file())
    return sorted(p for p in found if not SKIPPED.intersection(p.relative_to(folder).parts))


def digest(folders: Iterable[Path], *options: object) -> str:
    """sha256 of the files in `folders` (names and bytes) and of the options, in order."""
    h = hashlib.sha256()
    for folder in folders:
        for path in _files(folder):
            h.update(str(path.relative_to(folder)).encode() + b"\0")
            with open(path, "rb") as f:
                h.update(hashlib.file_digest(f, "sha256").digest())
        h.update(b"\1")
    for option in options:
        h.update(repr(option).encode() + b"\0")
    return h.hexdigest()


def build_key(settings: Settings) -> str:
    return digest(
        (settings.raw_dir, settings.catalogue_dir, settings.plans_dir, *CODE_DIRS),
        settings.model_params,
        settings.validation_engine,
        settings.first_trend_year,
    )


def published_build_key(settings: Settings) -> str:
    try:
        return (settings.curated_dir / "current" / BUILD_KEY).read_text(encoding="utf-8").strip()
    except OSError:
        return ""


def render_key(settings: Settings, year: int, slug: str) -> str:
    """The hash that decides whether a municipality's edition for `year` must be rendered again."""
    earlier = [p for p in _files(settings.curated_dir / "editions" / slug) if p.name != f"{year}.json"]
    return digest(
        (TEMPLATES_DIR, settings.analysis_dir / slug),
        published_build_key(settings),
        [(p.name, hashlib.sha256(p.read_bytes()).hexdigest()) for p in earlier],
        settings.municipality_code,
        year,
        settings.peer_codes,
        settings.render_pdf,
        settings.contact,
    )


def rendered_key(edition: Path) -> str:
    try:
        return (edition / RENDER_KEY).read_text(encoding="utf-8").strip()
    except OSError:
        return ""
