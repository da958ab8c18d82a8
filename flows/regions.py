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


def _reference(raw_dir: Path) -> list[dict]:
    """The rows of data/raw/reference/kommuner.csv (one per municipality, with its county)."""
    with open(reference_dir(raw_dir) / "kommuner.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def municipalities(raw_dir: Path) -> dict[str, str]:
    """SCB code → name."""
    return {row["municipality_code"]: row["municipality_name"] for row in _reference(raw_dir)}


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


ALL = ("all", "alla")


def resolve_county(text: str, rows: list[dict]) -> str:
    """A county's code from its code (`12`) or name (`Skåne län`, `Skåne`, `skane`)."""
    names = {row["county_code"]: row["county_name"] for row in rows}
    wanted = text.strip()
    if wanted.zfill(2) in names and wanted.isdigit():
        return wanted.zfill(2)
    by_slug = {slugify(name.removesuffix(" län")): code for code, name in names.items()}
    code = by_slug.get(slugify(wanted.removesuffix(" län")))
    if code:
        return code
    short = {name.removesuffix(" län"): name for name in names.values()}
    close = [short[c] for c in difflib.get_close_matches(wanted.removesuffix(" län"), short, n=3)]
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise UnknownMunicipality(f"unknown county {text!r} (give a name or a 2-digit county code){hint}")


def resolve_many(kommun: str, lan: str | None, raw_dir: Path) -> tuple[str, ...]:
    """The municipalities of a batch, in code order: `all`, a county (`lan`), or names and codes separated by
    commas (`Malmö,Lund,1281`); one name gives one municipality."""
    if lan:
        rows = _reference(raw_dir)
        county = resolve_county(lan, rows)
        return tuple(sorted(row["municipality_code"] for row in rows if row["county_code"] == county))
    if kommun.strip().lower() in ALL:
        return tuple(sorted(municipalities(raw_dir)))
    codes = [resolve(part, raw_dir)[0] for part in kommun.split(",") if part.strip()]
    if not codes:
        raise UnknownMunicipality("no municipality given (a name, a code, several separated by commas, or all)")
    return tuple(dict.fromkeys(codes))


def slugify(text: str) -> str:
    """A file-name-safe ASCII slug: `Malmö` → `malmo`; never contains a path separator or dots only."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug or "kommun"


def run_settings(kommun: str, peers: str | None, lan: str | None = None, **options) -> Settings:
    """Settings for a run with the municipality and its peers named as people name them (name or SCB code;
    peers comma-separated, none: from the catalogue); other options as `config.load` takes them. Several
    municipalities (`Malmö,Lund`, `all`) or a county (`lan`) make a batch, each with the catalogue's peers."""
    base = config.load(**options)
    codes = resolve_many(kommun, lan, base.raw_dir)
    if len(codes) > 1 or lan or kommun.strip().lower() in ALL:
        if peers:
            raise ValueError("--peers names one municipality's peers; a batch takes each one's from the catalogue")
        return config.load(**options, municipality_code=codes[0], batch=codes)
    peer_codes = tuple(resolve(p, base.raw_dir)[0] for p in (peers or "").split(",") if p.strip())
    return config.load(**options, municipality_code=codes[0], peer_codes=peer_codes)
