"""One suppression and cell-status vocabulary for every output: the SQL models set a status per cell
(macro `cell_status`, flows/db.py), and HTML, PDF and CSV show a cell through `display` alone, so the same
cell reads the same everywhere; Parquet keeps the value (null unless `value`) and its status."""

from __future__ import annotations

from flows import fmt

VALUE, ZERO, SUPPRESSED, MISSING, NOT_APPLICABLE = "value", "zero", "suppressed", "missing", "not_applicable"
STATUSES = (VALUE, ZERO, SUPPRESSED, MISSING, NOT_APPLICABLE)
SYMBOLS = {ZERO: "0", SUPPRESSED: "..", MISSING: "–", NOT_APPLICABLE: "."}

# The SQL twin of the primary rule (secondary suppression needs the whole table: see the district mart).
CELL_STATUS_MACRO = """
create or replace temp macro cell_status(n, min_n) as
    case
        when n is null then 'missing'
        when n = 0 then 'zero'
        when n < min_n then 'suppressed'
        else 'value'
    end
"""


def status_of(value: float | int | None) -> str:
    """The status of a published figure that is never suppressed (a municipality's count or survey value)."""
    return MISSING if value is None else ZERO if value == 0 else VALUE


def display(value: float | int | None, status: str, decimals: int = 0) -> str:
    """A cell as shown in every output: the number for `value`, else the status symbol."""
    if status == VALUE:
        return fmt.number(value, decimals)
    if status not in SYMBOLS:
        raise ValueError(f"unknown cell status {status!r}; expected one of {', '.join(STATUSES)}")
    return SYMBOLS[status]


def legend(min_cell_count: int) -> str:
    """The key to the symbols, in Swedish, as printed under every table that uses them."""
    return (
        f"Teckenförklaring: 0 = noll (inga fall), .. = dolt: färre än {min_cell_count} eller dolt för att ett "
        "annat dolt värde inte ska kunna räknas fram ur summan, – = uppgift saknas, . = kan inte förekomma."
    )


def survey_legend(min_respondents: int) -> str:
    """The key under a survey table by area."""
    return (
        f"Teckenförklaring: .. = dolt: färre än {min_respondents} svarande, – = uppgift saknas (utan antal "
        "svarande kan intervallet inte beräknas)."
    )
