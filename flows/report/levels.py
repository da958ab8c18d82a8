"""The proposed level (grönt/gult/rött) of an indicator and the rule that produced it: a proposal for the
local working group, never a decision."""

from __future__ import annotations

from flows.stats import Change

HIGH_VS_RIKET = 1.25

RULE_RED = "rött: säkerställd ökning mot medelvärdet för de tre föregående åren och nivå över riket"
RULE_YELLOW_TREND = "gult: säkerställd ökning mot medelvärdet för de tre föregående åren"
RULE_YELLOW_LEVEL = f"gult: nivå minst {HIGH_VS_RIKET:.2f} gånger rikets".replace(".", ",")
RULE_GREEN = "grönt: ingen säkerställd ökning och nivå under 1,25 gånger rikets"
RULE_SURVEY_RED = "rött: säkerställd försämring mot föregående mätning"
RULE_SURVEY_GREEN = "grönt: ingen säkerställd försämring mot föregående mätning"
RULE_NO_TEST = "bedöms inte: förändringen kan inte prövas statistiskt"


def crime_level(change_3y: Change | None, rate: float | None, riket_rate: float | None) -> tuple[str | None, str]:
    """Proposed level for a register indicator where a higher rate is worse."""
    if change_3y is None or rate is None:
        return None, RULE_NO_TEST
    above_riket = riket_rate is not None and rate > riket_rate
    if change_3y.verdict == "increase" and above_riket:
        return "rött", RULE_RED
    if change_3y.verdict == "increase":
        return "gult", RULE_YELLOW_TREND
    if riket_rate and rate >= HIGH_VS_RIKET * riket_rate:
        return "gult", RULE_YELLOW_LEVEL
    return "grönt", RULE_GREEN


def survey_level(change: Change | None) -> tuple[str | None, str]:
    """Proposed level for a survey indicator; every survey item in the catalogue is worse when higher."""
    if change is None:
        return None, RULE_NO_TEST
    if change.verdict == "increase":
        return "rött", RULE_SURVEY_RED
    return "grönt", RULE_SURVEY_GREEN
