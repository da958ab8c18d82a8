"""Reading delimited text files into `raw.*` tables, unchanged: every value stays text, and every row keeps
`source_file` and `source_row` (its line in the file) so that a failed check can name the file and line.

Encodings are sniffed here (DuckDB reads UTF-8, UTF-16 and ISO-8859-1); a Windows-1252 file is refused with
the line of its first such character.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable
from pathlib import Path

import duckdb

from flows.sources.base import IngestError

BOM_UTF8 = b"\xef\xbb\xbf"
_C1 = re.compile(rb"[\x80-\x9f]")
_C1_BYTES = bytes(range(0x80, 0xA0))
_CHUNK = 1 << 22

Columns = list[tuple[str, ...]]  # required columns: each a tuple of accepted names


def rel(path: Path, base_dir: Path) -> str:
    return path.relative_to(base_dir).as_posix()


def first_error_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0]


def sniff_encoding(path: Path, name: str, full: bool = False) -> str:
    """The encoding DuckDB should read a text file with: `utf-8`, `utf-16` or `latin-1`.

    A UTF-8 or UTF-16 byte-order mark decides; otherwise text that is valid UTF-8 with non-ASCII bytes is
    UTF-8 and the rest ISO-8859-1. The quick look reads the first and last 4 MB; DuckDB itself refuses a
    "latin-1" file holding bytes 0x80–0x9F, and then `full=True` scans the whole file (in chunks, memory
    bounded) to name the line of the first such byte: only Windows-1252 uses them for text (€, „, –), and
    DuckDB cannot read that encoding.
    """
    size = path.stat().st_size
    if size == 0:
        raise IngestError(f"{name}: the file is empty")
    with open(path, "rb") as f:
        head = f.read(_CHUNK)
        if head.startswith(BOM_UTF8):
            return "utf-8"
        if head.startswith((b"\xff\xfe", b"\xfe\xff")):
            return "utf-16"
        if not full:
            chunks = [head]
            if size > _CHUNK:
                f.seek(max(_CHUNK, size - _CHUNK))
                tail = f.read()
                chunks.append(tail.lstrip(bytes(range(0x80, 0xC0))))  # start at a character boundary
            return "utf-8" if _is_utf8_text(chunks) else "latin-1"
        f.seek(0)
        is_utf8, has_high, first_c1 = _scan(f)
    if is_utf8 and has_high:
        return "utf-8"
    if first_c1 and not is_utf8:
        raise IngestError(
            f"{name}: line {first_c1[0]}: byte 0x{first_c1[1]:02X} is not ISO-8859-1 text; the file looks like "
            "Windows-1252 (e.g. €), which cannot be read: save it as UTF-8 or ISO-8859-1 and add it again"
        )
    return "latin-1"


def _scan(f) -> tuple[bool, bool, tuple[int, int] | None]:
    """One pass over a file in chunks: is it UTF-8, has it non-ASCII bytes, where is its first C1 byte."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    is_utf8, has_high, line, first_c1 = True, False, 1, None
    for chunk in iter(lambda: f.read(_CHUNK), b""):
        has_high = has_high or not chunk.isascii()
        if is_utf8:
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                is_utf8 = False
        if first_c1 is None and len(chunk.translate(None, _C1_BYTES)) != len(chunk):
            match = _C1.search(chunk)
            first_c1 = (line + chunk.count(b"\n", 0, match.start()), match.group()[0])
        line += chunk.count(b"\n")
    return is_utf8, has_high, first_c1


def _is_utf8_text(chunks: list[bytes]) -> bool:
    if all(c.isascii() for c in chunks):
        return False
    for chunk in chunks:
        try:
            codecs.getincrementaldecoder("utf-8")().decode(chunk, final=False)
        except UnicodeDecodeError:
            return False
    return True


def first_lines(path: Path, encoding: str, n: int = 1) -> list[str]:
    """The first n lines of a text file, decoded as DuckDB will read it (a byte-order mark removed)."""
    python_encoding = {"utf-16": "utf-16", "utf-8": "utf-8-sig"}.get(encoding, "latin-1")
    with open(path, encoding=python_encoding, errors="replace", newline="") as f:
        return [f.readline().rstrip("\r\n").lstrip("\ufeff") for _ in range(n)]


def create_from_files(
    con: duckdb.DuckDBPyConnection,
    table: str,
    files: list[Path],
    base_dir: Path,
    select_sql: str,
    params: Callable[[Path], dict],
    header_lines: Callable[[Path], int],
) -> int:
    """Create raw.<table> from files, matched by column name; source_row is the line number in the file.

    Each file is scanned on its own so that row_number() follows that file's line order. `select_sql` reads
    `$path` and the values `params(path)` gives it (e.g. the file's encoding); every value is bound.
    """
    if not files:
        raise IngestError(f"no input files for raw.{table} under {base_dir}")

    def part(i: int) -> str:
        sub = re.sub(r"\$([a-z_]+)", rf"$\1_{i}", select_sql)
        return (
            f"select src.*, $rel_{i} as source_file, "
            f"cast(row_number() over () + $skip_{i} as integer) as source_row from ({sub}) as src"
        )

    def bound(i: int, path: Path) -> dict:
        values = {"path": str(path)} | params(path)
        return {f"{k}_{i}": v for k, v in values.items()} | {
            f"rel_{i}": rel(path, base_dir),
            f"skip_{i}": header_lines(path),
        }

    all_params = {k: v for i, path in enumerate(files) for k, v in bound(i, path).items()}
    union = " union all by name ".join(part(i) for i in range(len(files)))
    try:
        con.execute(f"create or replace table raw.{table} as {union}", all_params)
    except duckdb.Error as exc:
        for i, path in enumerate(files):  # name the file that fails, and why if it is the encoding
            if "encoded" in str(exc):
                sniff_encoding(path, rel(path, base_dir), full=True)
            try:
                con.execute(f"select count(*) from ({part(i)})", bound(i, path))
            except duckdb.Error as file_exc:
                raise IngestError(f"{rel(path, base_dir)}: cannot be read: {first_error_line(file_exc)}") from file_exc
        raise IngestError(f"raw.{table}: {first_error_line(exc)}") from exc
    return con.execute(f"select count(*) from raw.{table}").fetchone()[0]


def create_from_files_or_empty(
    con: duckdb.DuckDBPyConnection, table: str, files: list[Path], base_dir: Path, select_sql: str, columns: list[str]
) -> int:
    """raw.<table> from files that need no per-file values and have no header line (JSON answers); no files:
    an empty table of the source's shape."""
    if not files:
        return create_empty(con, table, columns)
    return create_from_files(con, table, files, base_dir, select_sql, lambda _: {}, header_lines=lambda _: 0)


def create_empty(con: duckdb.DuckDBPyConnection, table: str, columns: list[str], extra: str = "") -> int:
    """raw.<table> with no rows, in the shape its staging model reads (a source with no files yet)."""
    names = ", ".join(f'"{c}" varchar' for c in columns)
    con.execute(f"create or replace table raw.{table} ({names}{extra}, source_file varchar, source_row integer)")
    return 0


def append_frame(con: duckdb.DuckDBPyConnection, table: str, frame, name: str) -> int:
    """Append rows read by Python (Excel, JSON-stat2) to raw.<table>, matched by column name."""
    frame = frame.assign(source_file=name)
    unknown = set(frame.columns) - set(con.table(f"raw.{table}").columns)
    if unknown:
        raise IngestError(f"{name}: unexpected column(s) {', '.join(sorted(map(repr, unknown)))}")
    con.register("_frame", frame)
    try:
        con.execute(f"insert into raw.{table} by name select * from _frame")
    finally:
        con.unregister("_frame")
    return len(frame)


def check_header(path: Path, name: str, encoding: str, delim: str, required: Columns) -> None:
    header = first_lines(path, encoding)[0]
    if delim not in header and len(required) > 1:
        found = next((d for d in (";", ",", "\t") if d != delim and d in header), None)
        detail = f"; it is {found!r}-separated" if found else ""
        raise IngestError(f"{name}: line 1: expected a {delim!r}-separated header{detail}")
    names = {n.strip().strip('"') for n in header.split(delim)}
    missing = [" or ".join(options) for options in required if not names & set(options)]
    if missing:
        raise IngestError(f"{name}: line 1: missing column(s) {', '.join(missing)}")


READ_TEXT = "select * from read_csv($path, header=true, all_varchar=true, delim=$delim, encoding=$encoding)"


def load_text_table(
    con: duckdb.DuckDBPyConnection,
    table: str,
    files: list[Path],
    base_dir: Path,
    delim: str,
    required: Columns,
    empty_columns: list[str] | None = None,
) -> int:
    """Plain delimited text files with a header row, every column kept as text; required columns checked.
    No files: an empty table of the source's shape, where the source is optional (`empty_columns` given)."""
    if not files and empty_columns is not None:
        return create_empty(con, table, empty_columns)

    def params(path: Path) -> dict:
        name = rel(path, base_dir)
        encoding = sniff_encoding(path, name)
        check_header(path, name, encoding, delim, required)
        return {"delim": delim, "encoding": encoding}

    return create_from_files(con, table, files, base_dir, READ_TEXT, params, header_lines=lambda _: 1)
