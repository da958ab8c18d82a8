"""The proposed level (grönt/gult/rött) of an indicator and the rule that produced it: a proposal for the
local working group, never a decision.

The rule judges an indicator by its direction (a higher value worse, better, or neither), never proposes a
level for a count that mostly measures the authorities' own effort, and calls a change significant only
when it survives the edition's control of the false discovery rate (`Change.fdr_verdict`).
"""

from __future__ import annotations

from flows.stats import Change

HIGH_VS_RIKET = 1.25

RULE_RED = "rött: säkerställd försämring mot medelvärdet för de tre föregående åren och nivå sämre än riket"
RULE_YELLOW_TREND = "gult: säkerställd försämring mot medelvärdet för de tre föregående åren"
RULE_YELLOW_LEVEL = f"gult: nivå minst {HIGH_VS_RIKET:.2f} gånger rikets".replace(".", ",")
RULE_GREEN = "grönt: ingen säkerställd försämring och nivå under 1,25 gånger rikets"
RULE_SURVEY_RED = "rött: säkerställd försämring mot föregående mätning"
RULE_SURVEY_GREEN = "grönt: ingen säkerställd försämring mot föregående mätning"
RULE_NO_TEST = "bedöms inte: förändringen kan inte prövas statistiskt"
RULE_ENFORCEMENT = (
    "bedöms inte: antalet speglar främst polisens och andra myndigheters insatser, inte hur vanligt brottet är"
)
RULE_NO_DIRECTION = "bedöms inte: indikatorn har ingen given riktning (ett högre värde är inte entydigt sämre)"
WORSE = {"higher_is_worse": "increase", "higher_is_better": "decrease"}


def crime_level(
    change_3y: Change | None,
    rate: float | None,
    riket_rate: float | None,
    direction: str = "higher_is_worse",
    enforcement_driven: bool = False,
) -> tuple[str | None, str]:
    """Proposed level for a register indicator."""
    if enforcement_driven:
        return None, RULE_ENFORCEMENT
    if direction not in WORSE:
        return None, RULE_NO_DIRECTION
    if change_3y is None or change_3y.p_value is None or rate is None:
        return None, RULE_NO_TEST
    worse = change_3y.fdr_verdict == WORSE[direction]
    higher_is_worse = direction == "higher_is_worse"
    worse_than_riket = riket_rate is not None and (rate > riket_rate if higher_is_worse else rate < riket_rate)
    if worse and worse_than_riket:
        return "rött", RULE_RED
    if worse:
        return "gult", RULE_YELLOW_TREND
    if riket_rate and higher_is_worse and rate >= HIGH_VS_RIKET * riket_rate:
        return "gult", RULE_YELLOW_LEVEL
    return "grönt", RULE_GREEN


def survey_level(change: Change | None, direction: str = "higher_is_worse") -> tuple[str | None, str]:
    """Proposed level for a survey indicator, judged by its direction."""
    if direction not in WORSE:
        return None, RULE_NO_DIRECTION
    if change is None or change.p_value is None:
        return None, RULE_NO_TEST
    if change.fdr_verdict == WORSE[direction]:
        return "rött", RULE_SURVEY_RED
    return "grönt", RULE_SURVEY_GREEN
