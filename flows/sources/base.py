"""What every source module declares: its formats, how it recognises them from a file's content, how it
loads its files into `raw.*` tables, which period a table covers, and which staging models read it."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import duckdb


class IngestError(Exception):
    """A raw file cannot be read as its source's format."""


@dataclass(frozen=True)
class Format:
    name: str
    source: str  # the folder under data/raw/ and the source in the load log
    suffix: str  # the stored file's suffix
    label: str  # for logs and the load log
    table: str  # the raw table it is read into


@dataclass(frozen=True)
class Batch:
    """The files one load reads, grouped by format, and what the loaders need beside them."""

    raw_dir: Path  # file names in raw tables are relative to this folder
    by_format: dict[str, list[Path]]
    reference_dir: Path | None = None  # for the reference source
    catalogue_dir: Path | None = None  # for the catalogue source
    plans_dir: Path | None = None  # for the register of measures (reports/atgardsplan)
    years: dict[str, int] = field(default_factory=dict)  # BRÅ municipality CSVs: year by relative path
    log: list[dict[str, str]] = field(default_factory=list)  # the load log, oldest first

    def files(self, *formats: Format) -> list[Path]:
        return [path for f in formats for path in self.by_format.get(f.name, [])]


Loader = Callable[[duckdb.DuckDBPyConnection, Batch], dict[str, int]]


@dataclass(frozen=True)
class Source:
    """One source of raw data, as the registry (flows/sources/__init__.py) lists it."""

    name: str  # the module's name
    load: Loader
    staging: tuple[str, ...]  # the staging models that read its raw tables
    formats: tuple[Format, ...] = ()  # none: not taken in by `lagesbild ingest` (reference data, catalogue)
    detect: Callable[[Sample], Format | None] | None = None
    period: Callable[[duckdb.DuckDBPyConnection, Format], tuple[int, str | None, str | None]] | None = None
    required: str = ""  # when set, a build without any of its files stops with this message
    catalogue_kind: str = ""  # the catalogue's `source` value for its indicators (bra, survey, ...)
    title_sv: str = ""  # how the report names the kind of source
    how_to_get_sv: str = ""  # where the report names it as missing: how an analyst gets it
    inputs: Callable[[Batch], list[Path]] | None = None  # what it reads, when not just its formats' files

    def reads(self, batch: Batch) -> list[Path]:
        """The files and folders its loader reads (their hash decides whether it is loaded again)."""
        return self.inputs(batch) if self.inputs else batch.files(*self.formats)


_XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"


def decode_head(head: bytes) -> str:
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


@dataclass
class Sample:
    """What detection looks at: a file's first bytes, read once, seen as text, JSON or an Excel sheet."""

    path: Path
    head: bytes

    @classmethod
    def read(cls, path: Path) -> Sample:
        with open(path, "rb") as f:
            return cls(path, f.read(1 << 16))

    @cached_property
    def excel_kind(self) -> str | None:
        if self.head.startswith(_XLS_MAGIC):
            return "xls"
        return "xlsx" if self.head.startswith(_ZIP_MAGIC) else None

    @cached_property
    def text(self) -> str:
        return decode_head(self.head)

    @cached_property
    def is_json(self) -> bool:
        return self.excel_kind is None and self.text.lstrip().startswith(("[", "{"))

    @cached_property
    def is_text(self) -> bool:
        return self.excel_kind is None and not self.is_json

    @cached_property
    def lines(self) -> list[str]:
        return [line.strip() for line in self.text.splitlines()[:6]]

    @cached_property
    def header(self) -> list[str]:
        return [c.strip().strip('"') for c in re.split(r"[;,]", self.lines[0])] if self.lines else []

    @cached_property
    def document(self) -> object:
        """The whole file parsed as JSON (None if it is not valid JSON)."""
        try:
            return json.loads(self.path.read_bytes())
        except (ValueError, UnicodeDecodeError):
            return None

    @cached_property
    def excel_cells(self) -> list[set[str]]:
        """The non-empty cells of each of the first 30 rows of sheet 1 (none if it cannot be read)."""
        from flows.sources.excel import excel_rows

        try:
            rows = excel_rows(self.path, limit=30)
        except IngestError:
            return []
        return [{str(c).strip() for c in row if c not in (None, "")} for row in rows]


def sql_period(query: str) -> Callable[[duckdb.DuckDBPyConnection, Format], tuple[int, str | None, str | None]]:
    """A period function from a query that returns a raw table's row count, first and last period."""

    def period(con: duckdb.DuckDBPyConnection, fmt: Format) -> tuple[int, str | None, str | None]:
        rows, first, last = con.execute(query).fetchone()
        return rows, first, last

    return period
