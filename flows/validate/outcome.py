"""What both validation engines return for one expectation, and how an offending row is named."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

MAX_EXAMPLES = 5


@dataclass
class Outcome:
    """One expectation's result from either engine, before severity and quarantine are applied."""

    success: bool
    unexpected_count: int
    examples: list[str]
    keys: pd.DataFrame | None = None  # source_file, source_row of every offending row, where known


def example(label: str, value: object) -> str:
    if isinstance(value, dict):  # a compound key: show it without the file already named
        key = ", ".join(f"{k}={plain(v)}" for k, v in value.items() if k != "source_file" and v is not None)
        return f"{label} key ({key})"
    if isinstance(value, tuple):
        return f"{label} value ({', '.join(plain(v) for v in value)})"
    return f"{label} value {plain(value)}"


def label(row: dict, index: int) -> str:
    if row.get("source_file") is not None and row.get("source_row") is not None:
        return f"{row['source_file']} line {row['source_row']}"
    return f"row {index + 1}"


def plain(value: object) -> str:
    """numpy scalars and NaN as a reader expects them: `-5`, `None`."""
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and value != value:
        return "None"
    return repr(value) if isinstance(value, str) else str(value)
