"""Resolve a municipality given by name or SCB code (`Malmö`, `malmo`, `1280`)."""

from __future__ import annotations

import csv
import difflib
import re
import unicodedata
from pathlib import Path

from flows import config
from flows.config import Settings, reference_dir


class UnknownMunicipality(LookupError):
    pass


def municipalities(raw_dir: Path) -> dict[str, str]:
    """SCB code → name, from data/raw/reference/kommuner.csv."""
    with open(reference_dir(raw_dir) / "kommuner.csv", encoding="utf-8", newline="") as f:
        return {row["municipality_code"]: row["municipality_name"] for row in csv.DictReader(f)}


def resolve(text: str, raw_dir: Path) -> tuple[str, str]:
    """Return (code, name) for a name or code; raise UnknownMunicipality with suggestions."""
    known = municipalities(raw_dir)
    wanted = text.strip()
    if wanted in known:
        return wanted, known[wanted]
    by_slug = {slugify(name): code for code, name in known.items()}
    code = by_slug.get(slugify(wanted.removesuffix(" kommun")))
    if code:
        return code, known[code]
    close = difflib.get_close_matches(wanted, known.values(), n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise UnknownMunicipality(f"unknown municipality {text!r} (give a name or a 4-digit SCB code){hint}")


def slugify(text: str) -> str:
    """A file-name-safe ASCII slug: `Malmö` → `malmo`; never contains a path separator or dots only."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug or "kommun"


def run_settings(kommun: str, peers: str | None, **options) -> Settings:
    """Settings for a run with the municipality and its peers named as people name them (name or SCB code;
    peers comma-separated, none: from the catalogue); other options as `config.load` takes them."""
    base = config.load(**options)
    code, _ = resolve(kommun, base.raw_dir)
    peer_codes = tuple(resolve(p, base.raw_dir)[0] for p in (peers or "").split(",") if p.strip())
    return config.load(**options, municipality_code=code, peer_codes=peer_codes)
