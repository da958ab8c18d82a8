"""The indicators' tables, built from the report context: what each shows, in which columns, under which
caption, and the CSV it is written to (data/<name>.csv in the edition folder). The templates call these
(and the sections' tables, flows/report/render/sectiontables.py); a chart's table holds every series the
chart draws, so that the chart is never the only way to its numbers.

Names are stable: a table is named by the indicator, series or section it belongs to, so an indicator shown
in two areas writes one CSV.
"""

from __future__ import annotations

from pathlib import Path

from flows import cells
from flows.report.context import CrimeIndicator, MapFigure, SimpleSeries, SurveyIndicator
from flows.report.render.tables import Column, Table
from flows.report.texts import MONTHS_SV, POSITION_SV, WEEKDAYS_SV

RATE = "Per 100 000 invånare"
ORIGIN = Column("origin", "Uppgift")  # verklig uppgift or demodata


def _origin(is_synthetic) -> str:
    return "demodata" if is_synthetic else "verklig"


def _stem(chart_file: str) -> str:
    return "data/" + Path(chart_file).stem + ".csv"


def comparison(ind: CrimeIndicator) -> Table:
    return Table(
        file=f"data/{ind.indicator_id}-jamforelse-{ind.year}.csv",
        caption=f"{ind.title}: jämförelse {ind.year}",
        columns=(
            Column("region", "Område", header=True),
            Column("count", "Anmälda brott", "int"),
            Column("rate", RATE, "dec1"),
            Column("population", "Folkmängd", "int"),
            ORIGIN,
        ),
        rows=[c | {"origin": _origin(c["is_synthetic"])} for c in ind.comparison],
        note=ind.riket_note,
    )


def trend(ind: CrimeIndicator, municipality: str) -> Table:
    break_years = {b["year"] for b in ind.breaks}
    first = ind.trend[0]["year"] if ind.trend else ind.year
    return Table(
        file=f"data/{ind.indicator_id}-utveckling.csv",
        caption=f"{ind.title}: utveckling {first}–{ind.year}, {municipality}",
        columns=(
            Column("year", "År", "year", header=True),
            Column("count", "Anmälda brott", "int"),
            Column("rate", RATE, "dec1"),
            Column("population", "Folkmängd", "int"),
            Column("remark", "Anmärkning"),
            ORIGIN,
        ),
        rows=[
            t
            | {
                "origin": _origin(t["is_synthetic"]),
                "remark": ", ".join(
                    r for r, on in (("preliminär", t["is_preliminary"]), ("seriebrott", t["year"] in break_years)) if on
                ),
            }
            for t in ind.trend
        ],
        note=" ".join(f"Seriebrott {b['year']}: {b['description_sv']}" for b in ind.breaks),
    )


_BUILT: dict[tuple[str, int], tuple[object, Table]] = {}  # the big chart tables, built once per indicator object
MAX_BUILT = 256


def _once(build):
    """A table builder that builds once per indicator object (a page and its PDF both show the table)."""

    def wrapper(ind):
        key = (build.__name__, id(ind))
        hit = _BUILT.get(key)
        if hit is None or hit[0] is not ind:
            if len(_BUILT) >= MAX_BUILT:
                _BUILT.pop(next(iter(_BUILT)))
            hit = _BUILT[key] = (ind, build(ind))
        return hit[1]

    wrapper.__name__, wrapper.__doc__, wrapper.__module__ = build.__name__, build.__doc__, build.__module__
    return wrapper


@_once
def crime_chart(ind: CrimeIndicator) -> Table:
    """Every region and year the trend chart draws: the municipality, riket, the county and the peers."""
    order = {c["region"]: i for i, c in enumerate(ind.comparison)}
    frame = ind.chart_data.assign(order=ind.chart_data.region_name.map(order)).sort_values(["order", "year"])
    return Table(
        file=_stem(ind.chart_file),
        caption=f"{ind.title}: anmälda brott per 100 000 invånare per år och område (diagrammets uppgifter)",
        columns=(
            Column("region_name", "Område", header=True),
            Column("year", "År", "year"),
            Column("reported_count", "Anmälda brott", "int"),
            Column("rate_per_100k", RATE, "dec1"),
            Column("population", "Folkmängd", "int"),
            ORIGIN,
        ),
        rows=[
            r | {"origin": _origin(r["is_synthetic"])}
            for r in frame[["region_name", "year", "reported_count", "rate_per_100k", "population", "is_synthetic"]]
            .astype(object)
            .where(frame.notna(), None)
            .to_dict("records")
        ],
    )


@_once
def funnel(ind: CrimeIndicator) -> Table:
    """Every municipality in the funnel plot, with the limits at its population and where it lies."""
    data = ind.funnel_data.dropna(subset=["population", "rate_per_100k"]).sort_values("region_name")
    limits = ind.funnel_model.limits(data.population.to_numpy())
    rate = data.rate_per_100k.to_numpy()
    position = ind.funnel_model.positions(rate, data.population.to_numpy())
    rows = [
        {
            "region": name,
            "population": int(pop),
            "count": int(count),
            "rate": float(r),
            "low_95": float(lo),
            "high_95": float(hi),
            "position": POSITION_SV[p],
            "origin": _origin(synthetic),
        }
        for name, pop, count, r, lo, hi, p, synthetic in zip(
            data.region_name, data.population, data.reported_count, rate, limits.low_95, limits.high_95, position,
            data.is_synthetic, strict=True,
        )
    ]  # fmt: skip
    return Table(
        file=_stem(ind.funnel_file),
        caption=f"{ind.title} {ind.year}: kommunerna i trattdiagrammet",
        columns=(
            Column("region", "Kommun", header=True),
            Column("population", "Folkmängd", "int"),
            Column("count", "Anmälda brott", "int"),
            Column("rate", RATE, "dec1"),
            Column("low_95", "Undre 95 %-gräns", "dec1"),
            Column("high_95", "Övre 95 %-gräns", "dec1"),
            Column("position", "Läge"),
            ORIGIN,
        ),
        rows=rows,
        note=f"Mitten (kommunerna sammantaget): {ind.funnel_model.centre:.1f}".replace(".", ",") + " per 100 000.",
    )


def survey(s: SurveyIndicator) -> Table:
    value = "Andel (%)" if s.unit == "procent" else "Index 0–6"
    return Table(
        file=_stem(s.chart_file) if s.chart_file else f"data/{s.indicator_id}.csv",
        caption=f"{s.title}: {s.unit if s.unit != 'procent' else 'andel'} per mätning med 95 % konfidensintervall",
        columns=(
            Column("label", "År", header=True),
            Column("value", value, "pct" if s.unit == "procent" else "dec2"),
            Column("ci_low", "Intervall, nedre", "dec1"),
            Column("ci_high", "Intervall, övre", "dec1"),
            Column("respondents", "Svarande", "int"),
            Column("remark", "Anmärkning"),
            ORIGIN,
        ),
        rows=[
            r | {"remark": "sammanslagna år" if r.get("pooled") else "", "origin": _origin(r.get("is_synthetic"))}
            for r in s.rows
        ],
    )


def survey_by_area(s: SurveyIndicator) -> Table:
    decimals = 1 if s.unit == "procent" else 2
    return Table(
        file=f"data/{s.indicator_id}-omraden-{s.by_area_year}.csv",
        caption=f"{s.title}: per område {s.by_area_year}",
        columns=(
            Column("area", "Område", header=True),
            Column("shown", "Andel (%)" if s.unit == "procent" else "Index", "cell"),
            Column("ci_low", "Intervall, nedre", "dec1"),
            Column("ci_high", "Intervall, övre", "dec1"),
            Column("respondents", "Svarande", "int"),
        ),
        rows=[
            {"area": r["area"], "shown": cells.display(r["value"], r["value_status"], decimals)}
            | ({k: r[k] for k in ("ci_low", "ci_high", "respondents")} if r["value_status"] == cells.VALUE else {})
            for r in s.by_area
        ],
        note=s.by_area_note,
    )


def simple(s: SimpleSeries, kind: str) -> Table:
    """A local, Kolada or published-events series by year."""
    value = {"local": "Antal", "kolada": "Värde", "events": "Publicerade händelser"}[kind]
    columns = [Column("year", "År", "year", header=True), Column(kind_key(kind), value, SIMPLE_KIND[kind])]
    if kind == "kolada":
        columns.append(Column("status", "Status"))
    return Table(file=f"data/{s.indicator_id}.csv", caption=f"{s.title} per år", columns=tuple(columns), rows=s.rows)


SIMPLE_KIND = {"local": "int", "kolada": "dec1", "events": "int"}


def kind_key(kind: str) -> str:
    return "events" if kind == "events" else "value"


def events_by_month(s: SimpleSeries) -> Table:
    return Table(
        file=f"data/{s.indicator_id}-manad.csv",
        caption=f"{s.title}: publicerade händelser per månad, alla år i underlaget",
        columns=(Column("name", "Månad", header=True), Column("events", "Händelser", "int")),
        rows=[m | {"name": MONTHS_SV[m["month"] - 1]} for m in s.by_month],
    )


def events_by_hour(s: SimpleSeries) -> Table:
    """The heat map's cells: weekdays as rows, hours as columns."""
    grid = {(c["weekday"], c["hour"]): c["events"] for c in s.by_hour}
    return Table(
        file=f"data/{s.indicator_id}-veckodag-timme.csv",
        caption=f"{s.title}: publicerade händelser per veckodag och timme (värmekartans celler)",
        columns=(Column("day", "Veckodag", header=True), *(Column(f"h{h}", f"{h:02d}", "int") for h in range(24))),
        rows=[{"day": WEEKDAYS_SV[d - 1]} | {f"h{h}": grid.get((d, h), 0) for h in range(24)} for d in range(1, 8)],
    )


def map_table(m: MapFigure) -> Table:
    ranked = bool(m.rows and m.rows[0].get("position"))
    columns = [Column("region", "Område", header=True)]
    if ranked:
        columns += [Column("rate", m.value_label, "dec1"), Column("population", "Folkmängd", "int")]
        columns += [Column("position", "Mot trattdiagrammets gränser"), ORIGIN]
    else:
        columns.append(Column("shown", m.value_label, "cell"))
    return Table(
        file=_stem(m.file),
        caption=f"{m.title}: värde per område",
        columns=tuple(columns),
        rows=[
            r
            | {
                "origin": _origin(r.get("is_synthetic")),
                "shown": cells.display(
                    r["rate"], cells.status_of(r["rate"]) if r["rate"] is not None else "suppressed"
                ),
            }
            for r in m.rows
        ],
    )
