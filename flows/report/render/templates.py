"""The jinja2 environments the HTML and Typst renderers share: the same templates folder and filters (Swedish
number format), HTML autoescaped, Typst with every value from data written as a string literal."""

from __future__ import annotations

import inspect
from functools import cache
from types import SimpleNamespace

import jinja2
from markupsafe import Markup, escape

from flows import fmt
from flows.config import TEMPLATE_CACHE_DIR, TEMPLATES_DIR
from flows.report import texts
from flows.report.followup import CAUSATION_NOTE
from flows.report.render import datatables, sectiontables
from flows.report.render.tables import Collected, level_html
from flows.report.texts import KIND_SV, MONTHS_SV, VERDICT_SV


def typst_string(value: object) -> str:
    """A Typst string literal: data never becomes markup."""
    text = "" if value is None else str(value)
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


# What templates call to build a table: `tb.comparison(ind)`, `tb.summary(area)`, ...
TABLE_BUILDERS = SimpleNamespace(
    **{
        name: fn
        for module in (datatables, sectiontables)
        for name, fn in vars(module).items()
        if inspect.isfunction(fn) and fn.__module__ == module.__name__ and not name.startswith("_")
    }
)


def chart_svg(svg: str, label_id: str) -> Markup:
    """A chart's SVG as one image named by its caption (`label_id`); its marks carry no roles (charts.py)."""
    return Markup(svg.replace("<svg ", f'<svg role="img" aria-labelledby="{escape(label_id)}" focusable="false" ', 1))


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates kept between runs (a template that changes is compiled again); none where the
    folder cannot be written."""
    try:
        TEMPLATE_CACHE_DIR.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return jinja2.FileSystemBytecodeCache(str(TEMPLATE_CACHE_DIR))


@cache
def environment(autoescape: bool) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=autoescape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        bytecode_cache=_bytecode_cache(),
    )
    env.filters["num"] = fmt.number
    env.filters["pct"] = fmt.percent
    env.filters["spct"] = fmt.signed_percent
    env.filters["pval"] = fmt.p_value
    env.filters["ts"] = typst_string
    env.filters["chart_svg"] = chart_svg
    env.filters["reason"] = rule_reason
    env.filters["comparison"] = texts.comparison_text
    env.globals["tb"] = TABLE_BUILDERS
    env.globals["level_html"] = level_html
    env.globals["verdict_sv"] = VERDICT_SV
    env.globals["kind_sv"] = KIND_SV
    env.globals["months_sv"] = MONTHS_SV
    env.globals["causation_note"] = CAUSATION_NOTE
    return env


def render(
    template: str, autoescape: bool, svgs: dict[str, str] | None, sink: Collected | None = None, **context
) -> str:
    """A template rendered with the drawn charts (`svgs`: SVG text by file name; none: no figures); every table
    it shows is added to `sink`, which writes them as CSV."""
    sink = Collected() if sink is None else sink
    return environment(autoescape).get_template(template).render(svgs=svgs or {}, sink=sink, **context)


def rule_reason(rule: str) -> str:
    """A level rule without its level ("grönt: ingen …" → "ingen …"), for text that names the level already."""
    level, _, reason = rule.partition(": ")
    return reason if level in ("grönt", "gult", "rött") else rule
