"""The raw-data manifest: for every file in data/raw its source, kind, licence and sha256."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

MANIFEST_NAME = "MANIFEST.csv"
FIELDS = ["path", "kind", "source", "url", "licence", "extracted", "sha256", "description"]

SYNTHETIC_SOURCE = "lagesbild demogenerator (flows/generate.py, samma frö ger samma filer)"
SYNTHETIC_DESCRIPTIONS = {
    "bra/Databasfil_anmalda_brott_ar_demo.txt": (
        "Demodata: anmälda brott per kategori, kommun och år 2015–2025 i BRÅ SOL-format, "
        "kalibrerat mot publicerade kontrollvärden"
    ),
    "scb/folkmangd_kommun_2021_2025_demo.csv": (
        "Demodata: folkmängd 31 dec 2021–2025 i SCB PxWeb-CSV-format, framskriven från 2015–2020"
    ),
    "survey/trygghetsmatning_demo.csv": (
        "Demodata: trygghetsmätning för år och frågor som saknas i de verkliga uppgifterna, med antal svarande"
    ),
}


class ManifestError(Exception):
    """A raw file and the manifest disagree."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _read_csv(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _write_csv(path: Path, fields: list[str], rows: list[dict[str, str]]) -> None:
    """Write the whole file through a temporary file, so that it is never half-written."""
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    tmp.replace(path)


def read(raw_dir: Path) -> list[dict[str, str]]:
    return _read_csv(raw_dir / MANIFEST_NAME)


def write(raw_dir: Path, rows: list[dict[str, str]]) -> None:
    _write_csv(raw_dir / MANIFEST_NAME, FIELDS, sorted(rows, key=lambda r: r["path"]))


def record_synthetic(raw_dir: Path, paths: list[str]) -> None:
    """Add or refresh the manifest rows of generated files (their hashes change with the generator)."""
    rows = {r["path"]: r for r in read(raw_dir)}
    for rel in paths:
        rows[rel] = {
            "path": rel,
            "kind": "synthetic",
            "source": SYNTHETIC_SOURCE,
            "url": "",
            "licence": "CC0-1.0",
            "extracted": "",
            "sha256": sha256_of(raw_dir / rel),
            "description": SYNTHETIC_DESCRIPTIONS.get(rel, "Demodata"),
        }
    write(raw_dir, list(rows.values()))


LOADLOG_NAME = "LOADLOG.csv"
LOG_FIELDS = ["loaded_at", "sha256", "source", "format", "original_name", "path", "rows", "period_from", "period_to"]
DOCUMENTATION = {MANIFEST_NAME, LOADLOG_NAME, "PROVENANCE.md", "README.md"}


def read_log(raw_dir: Path) -> list[dict[str, str]]:
    """The load log: one row per file taken in by `lagesbild ingest` or `fetch`, oldest first."""
    return _read_csv(raw_dir / LOADLOG_NAME)


def append_log(raw_dir: Path, row: dict[str, str]) -> None:
    """Add a row to the load log (kept forever: a replaced export stays listed)."""
    _write_csv(raw_dir / LOADLOG_NAME, LOG_FIELDS, [*read_log(raw_dir), row])


def unrecorded(raw_dir: Path, rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """Rows for raw files the manifest does not list (e.g. a new export dropped in): kind `unrecorded`."""
    listed = {r["path"] for r in rows}
    out = []
    for path in sorted(p for p in raw_dir.rglob("*") if p.is_file()):
        rel = path.relative_to(raw_dir).as_posix()
        if rel in listed or path.name in DOCUMENTATION or path.name.startswith("."):
            continue
        out.append(
            dict.fromkeys(FIELDS, "")
            | {
                "path": rel,
                "kind": "unrecorded",
                "sha256": sha256_of(path),
                "description": "Ej registrerad i manifestet",
            }
        )
    return out


def verify(raw_dir: Path) -> list[dict[str, str]]:
    """Check that every manifest file exists with its recorded hash; return the rows."""
    rows = read(raw_dir)
    if not rows:
        raise ManifestError(f"{raw_dir / MANIFEST_NAME}: missing or empty")
    for row in rows:
        path = raw_dir / row["path"]
        if not path.exists():
            raise ManifestError(f"{raw_dir / MANIFEST_NAME}: lists {row['path']}, which does not exist")
        actual = sha256_of(path)
        if actual != row["sha256"]:
            raise ManifestError(
                f"{path}: sha256 {actual[:12]}… differs from the manifest's {row['sha256'][:12]}…; "
                "raw files are never edited — add a new export instead, or record it in the manifest"
            )
    return rows
