"""The jinja2 environments the HTML and Typst renderers share: the same templates folder and filters (Swedish
number format), HTML autoescaped, Typst with every value from data written as a string literal."""

from __future__ import annotations

from functools import cache

import jinja2

from flows import fmt
from flows.config import TEMPLATES_DIR
from flows.report.followup import CAUSATION_NOTE
from flows.report.texts import KIND_SV, MONTHS_SV, VERDICT_SV


def typst_string(value: object) -> str:
    """A Typst string literal: data never becomes markup."""
    text = "" if value is None else str(value)
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


@cache
def environment(autoescape: bool) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=autoescape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["num"] = fmt.number
    env.filters["pct"] = fmt.percent
    env.filters["spct"] = fmt.signed_percent
    env.filters["pval"] = fmt.p_value
    env.filters["ts"] = typst_string
    env.globals["verdict_sv"] = VERDICT_SV
    env.globals["kind_sv"] = KIND_SV
    env.globals["months_sv"] = MONTHS_SV
    env.globals["causation_note"] = CAUSATION_NOTE
    return env


def render(template: str, autoescape: bool, svgs: dict[str, str] | None, **context) -> str:
    """A template rendered with the drawn charts (`svgs`: SVG text by file name; none: no figures)."""
    return environment(autoescape).get_template(template).render(svgs=svgs or {}, **context)
