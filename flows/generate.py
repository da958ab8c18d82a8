"""Deterministic generator of demo data in the real source formats.

No public file gives BRÅ counts per crime category for every municipality and year, population after
2020, or survey respondent counts. This module writes those figures, seeded and reproducible, in the
exact formats the sources publish (BRÅ SOL `Databasfil.txt`, SCB PxWeb CSV, a trygghetsmätning result
table), with levels calibrated to published check values. Everything it writes is marked synthetic in
the manifest, and every report page built from it shows a "Demodata" notice.

The size is a parameter: the bundled data covers all 290 municipalities and 2015–2025; benchmarks ask
for more years or monthly periods.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from flows.config import BUNDLED_REFERENCE_DIR
from flows.landing import manifest

SEED = 20260101

# label, parent label, share of "Totalt antal brott" for an average municipality, yearly trend,
# weight of the municipality's urban factor (how much more common the category is in big cities).
# A parent of None is a top node. Shares of 3-7, 8 and 12 kap. follow the Malmö 2025 check values.
CATEGORIES: list[tuple[str, str | None, float, float, float]] = [
    ("Totalt antal brott", None, 1.0, -0.010, 0.0),
    ("Brott mot brottsbalken", "Totalt antal brott", 0.835, -0.010, 0.0),
    ("3-7 kap. Brott mot person", "Brott mot brottsbalken", 0.2228, 0.004, 0.0),
    ("Försök till mord eller dråp med skjutvapen", "3-7 kap. Brott mot person", 0.00045, -0.06, 1.5),
    ("Misshandel inkl. grov", "3-7 kap. Brott mot person", 0.0560, -0.005, 0.2),
    ("Misshandel inkl. grov, utomhus", "Misshandel inkl. grov", 0.0210, -0.015, 0.5),
    (
        "Misshandel inkl. grov mot kvinna 18 år eller äldre, närstående genom parrelation",
        "Misshandel inkl. grov",
        0.0062,
        0.012,
        0.0,
    ),
    ("Misshandel inkl. grov mot barn 0-17 år", "Misshandel inkl. grov", 0.0085, 0.010, 0.0),
    ("Grov kvinnofridskränkning", "3-7 kap. Brott mot person", 0.0012, 0.010, 0.0),
    ("Grov fridskränkning", "3-7 kap. Brott mot person", 0.0009, 0.020, 0.0),
    ("Olaga förföljelse", "3-7 kap. Brott mot person", 0.0022, 0.030, 0.0),
    ("Olaga hot", "3-7 kap. Brott mot person", 0.0330, 0.015, 0.0),
    ("8-12 kap. Brott mot förmögenhet", "Brott mot brottsbalken", -1.0, 0.0, 0.0),  # heading, `..`
    ("8 kap. Stöld, rån m.m.", "8-12 kap. Brott mot förmögenhet", 0.2967, -0.030, 0.2),
    ("Rån inkl. grovt", "8 kap. Stöld, rån m.m.", 0.0060, 0.010, 0.8),
    ("Rån inkl. grovt mot person 0-17 år", "Rån inkl. grovt", 0.0016, 0.030, 0.8),
    ("Tillgrepp av motordrivet fordon", "8 kap. Stöld, rån m.m.", 0.0095, -0.050, 0.3),
    ("12 kap. Skadegörelsebrott", "8-12 kap. Brott mot förmögenhet", 0.0666, -0.020, 0.1),
    ("13 kap. Allmänfarliga brott", "Brott mot brottsbalken", 0.0040, 0.020, 0.6),
    ("Allmänfarlig ödeläggelse genom explosion", "13 kap. Allmänfarliga brott", 0.00060, 0.040, 1.5),
    ("Brott mot specialstraffrättsliga författningar", "Totalt antal brott", 0.165, -0.005, 0.0),
    ("Narkotikastrafflagen", "Brott mot specialstraffrättsliga författningar", 0.0815, -0.005, 0.5),
    ("Vapenlagen", "Brott mot specialstraffrättsliga författningar", 0.0058, 0.010, 0.6),
    ("Knivlagen", "Brott mot specialstraffrättsliga författningar", 0.0021, 0.015, 0.4),
    ("Trafikbrottslagen", "Brott mot specialstraffrättsliga författningar", 0.0380, -0.010, 0.0),
    ("Drograttfylleri", "Trafikbrottslagen", 0.0065, 0.020, 0.0),
    ("Lag om kontaktförbud", "Brott mot specialstraffrättsliga författningar", 0.0020, 0.015, 0.0),
]

# Published check values (../DOMAIN §3, BRÅ SOL via another project, marked [verify] there): anmälda brott
# per 1 000 inhabitants in 2025. The generator makes these exact for the named municipality and year.
CHECK_RATES_PER_1000 = {
    ("1280", 2025): {
        "Totalt antal brott": 161.83,
        "3-7 kap. Brott mot person": 36.05,
        "8 kap. Stöld, rån m.m.": 48.01,
        "12 kap. Skadegörelsebrott": 10.77,
    },
    ("0180", 2025): {"Totalt antal brott": 191.59},
    ("1480", 2025): {"Totalt antal brott": 138.78},
}
# Malmö: narkotikastrafflagen + vapenlagen together 14.12 per 1 000 in 2025.
MALMO_NARC_WEAPONS_2025 = 14.12
CHECK_COUNTS = {("1480", 2023): 90659, ("1480", 2024): 88766, ("1480", 2025): 84816}
# SCB folkmängd 31 Dec from a real PxWebApi v2 answer (TAB638), used as anchors for the demo series.
POPULATION_ANCHORS = {
    ("0180", 2023): 984748,
    ("0180", 2024): 988943,
    ("1480", 2023): 600151,
    ("1480", 2024): 604616,
}

MONTHS = ["Jan", "Feb", "Mar", "Apr", "Maj", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dec"]
MONTH_WEIGHTS = np.array([0.078, 0.074, 0.082, 0.081, 0.088, 0.090, 0.089, 0.089, 0.087, 0.083, 0.080, 0.079])


@dataclass(frozen=True)
class Spec:
    """What to generate: which municipalities (SCB codes, empty = all), years and period kind."""

    municipality_codes: tuple[str, ...] = ()
    first_year: int = 2015
    last_year: int = 2025
    period: str = "year"  # "year" or "month"
    preliminary_years: tuple[int, ...] = ()
    seed: int = SEED


def _municipalities(raw_dir: Path, codes: tuple[str, ...]) -> pd.DataFrame:
    ref = pd.read_csv(raw_dir / "reference" / "kommuner.csv", dtype=str)
    return ref[ref.municipality_code.isin(codes)] if codes else ref


def population_series(raw_dir: Path, spec: Spec) -> pd.DataFrame:
    """Population 31 Dec per municipality and year: real up to 2020, extrapolated after (anchored)."""
    ref = _municipalities(raw_dir, spec.municipality_codes)
    real = pd.read_csv(raw_dir / "scb" / "folkmangd_kommun_1950_2020.csv")
    real = real.rename(columns={"Kommun": "municipality_name", "År": "year", "Befolkning": "population"})
    real = real.merge(ref[["municipality_code", "municipality_name"]], on="municipality_name")
    last = real[real.year == 2020].set_index("municipality_code").population
    base = real[real.year == 2015].set_index("municipality_code").population
    # Growth slowed after 2020 (riket about 0,5 % a year against 1 % in 2015–2020): damp it by 0,5.
    growth = (last / base) ** (0.5 / 5)
    years = np.arange(2021, max(spec.last_year, 2020) + 1)
    ext = pd.DataFrame(
        [(c, y, last[c] * growth[c] ** (y - 2020)) for c in last.index for y in years],
        columns=["municipality_code", "year", "population"],
    )
    for (code, year), value in POPULATION_ANCHORS.items():
        ext.loc[(ext.municipality_code == code) & (ext.year == year), "population"] = value
    # Göteborg 2025: the population implied by the BRÅ check value (84 816 at 138,78 per 1 000).
    ext.loc[(ext.municipality_code == "1480") & (ext.year == 2025), "population"] = 84816 / 0.13878
    ext["population"] = ext.population.round().astype("int64")
    real = real[["municipality_code", "year", "population"]]
    out = pd.concat([real[real.year >= spec.first_year - 1], ext], ignore_index=True)
    return out[(out.year >= spec.first_year - 1) & (out.year <= spec.last_year)]


def crime_counts(raw_dir: Path, spec: Spec) -> pd.DataFrame:
    """Expected and drawn yearly counts per municipality, category and year (one vectorised pass)."""
    rng = np.random.default_rng(spec.seed)
    ref = _municipalities(raw_dir, spec.municipality_codes).reset_index(drop=True)
    pop = population_series(raw_dir, spec)
    years = np.arange(spec.first_year, spec.last_year + 1)
    cats = pd.DataFrame(CATEGORIES, columns=["label", "parent", "share", "trend", "urban"])
    n_m, n_c, n_y = len(ref), len(cats), len(years)

    pop_wide = pop.pivot(index="municipality_code", columns="year", values="population")
    pop_arr = pop_wide.loc[ref.municipality_code, years].to_numpy(dtype=float)  # (m, y)
    size = np.log10(pop_arr[:, -1])
    urban = np.clip((size - 4.3) / 1.5, 0.0, 1.0)  # 0 for ~20 000 inhabitants, 1 for ~600 000
    # Total anmälda brott per 100 000: around 11 000 in small places, higher in cities.
    level = 11000 * (1 + 0.45 * urban) * rng.lognormal(0, 0.12, n_m)
    muni_cat = rng.lognormal(0, 0.15, (n_m, n_c)) * (1 + cats.urban.to_numpy() * urban[:, None])
    muni_cat[:, 0] = 1.0
    trend = np.exp(np.outer(np.ones(n_m), cats.trend)[:, :, None] * (years - years[-1])[None, None, :])
    wobble = rng.lognormal(0, 0.04, (n_m, n_c, n_y))
    share = np.where(cats.share.to_numpy() > 0, cats.share.to_numpy(), 0.0)
    rate = level[:, None, None] * share[None, :, None] * muni_cat[:, :, None] * trend * wobble
    expected = rate * pop_arr[:, None, :] / 100000

    index = {(c, y): (i, list(years).index(y)) for i, c in enumerate(ref.municipality_code) for y in years}
    label_idx = {label: j for j, label in enumerate(cats.label)}
    targets: dict[tuple[int, int, int], float] = {}  # (municipality, category, year) -> exact count
    for key, rates in CHECK_RATES_PER_1000.items():
        if key in index:
            i, t = index[key]
            for label, per_1000 in rates.items():
                targets[(i, label_idx[label], t)] = per_1000 * pop_arr[i, t] / 1000
    if ("1280", 2025) in index:
        i, t = index[("1280", 2025)]
        narc, weap = label_idx["Narkotikastrafflagen"], label_idx["Vapenlagen"]
        total = MALMO_NARC_WEAPONS_2025 * pop_arr[i, t] / 1000
        part = expected[i, narc, t] / (expected[i, narc, t] + expected[i, weap, t])
        targets[(i, narc, t)], targets[(i, weap, t)] = total * part, total * (1 - part)
    for key, value in CHECK_COUNTS.items():
        if key in index:
            i, t = index[key]
            targets[(i, 0, t)] = value
    # Scale a calibrated category's whole series to its check value, so the trend stays smooth.
    scaled: set[tuple[int, int]] = set()
    for (i, j, t), value in sorted(targets.items(), key=lambda kv: -kv[0][2]):
        if (i, j) not in scaled:
            expected[i, j, :] *= value / expected[i, j, t]
            scaled.add((i, j))

    counts = rng.poisson(expected).astype("int64")
    for (i, j, t), value in targets.items():
        counts[i, j, t] = round(value)

    frame = pd.DataFrame(
        {
            "municipality_code": np.repeat(ref.municipality_code.to_numpy(), n_c * n_y),
            "region_label": np.repeat(ref.bra_region_label.to_numpy(), n_c * n_y),
            "label": np.tile(np.repeat(cats.label.to_numpy(), n_y), n_m),
            "year": np.tile(years, n_m * n_c),
            "count": counts.reshape(-1),
            "population": np.repeat(pop_arr[:, None, :], n_c, axis=1).reshape(-1),
        }
    )
    frame.loc[frame.label.isin(cats.label[cats.share < 0]), "count"] = -1  # heading rows: `..`
    return frame


def _national(frame: pd.DataFrame) -> pd.DataFrame:
    # Hela landet includes offences with no known municipality: about 3 % more than the sum.
    nat = frame.groupby(["label", "year"], as_index=False, sort=False).agg(
        count=("count", "sum"), population=("population", "sum")
    )
    nat["count"] = np.where(nat["count"] < 0, -1, np.round(nat["count"] * 1.03).astype("int64"))
    nat["region_label"] = "Hela landet"
    nat["municipality_code"] = "00"
    return nat[frame.columns]


def write_sol_databasfil(frame: pd.DataFrame, path: Path, spec: Spec, seed: int) -> int:
    """Write counts as a BRÅ SOL `Databasfil.txt`: ISO-8859-1, `;`, every data row ends with `;`."""
    rng = np.random.default_rng(seed + 1)
    data = pd.concat([_national(frame), frame], ignore_index=True)
    if spec.period == "month":
        weights = MONTH_WEIGHTS / MONTH_WEIGHTS.sum()
        pos = data["count"].clip(lower=0).to_numpy()
        monthly = rng.multinomial(pos, weights)  # (rows, 12), sums to the yearly count
        data = data.loc[data.index.repeat(12)].reset_index(drop=True)
        data["period"] = np.tile(MONTHS, len(monthly))
        data["count"] = np.where(data["count"] < 0, -1, monthly.reshape(-1))
        year_text = data.year.astype(str)
        prel = data.year.isin(spec.preliminary_years)
        data["ar"] = np.where(prel, year_text + " prel.", year_text)
    else:
        year_text = data.year.astype(str)
        prel = data.year.isin(spec.preliminary_years)
        data["ar"] = "År"
        data["period"] = np.where(prel, year_text + " prel.", year_text)
    rate = np.floor(data["count"] / data.population * 100000 + 0.5).astype("int64")
    count_text = np.where(data["count"] < 0, "..", data["count"].astype(str))
    rate_text = np.where(data["count"] < 0, "..", rate.astype(str))
    lines = data.region_label + ";" + data.label + ";" + data.ar + ";" + data.period + ";"
    lines = lines + count_text + ";" + rate_text + ";"
    # SOL echoes some categories twice when they sit under two menu nodes: an exact duplicate row.
    dup = lines[data.label == "Narkotikastrafflagen"]
    body = pd.concat([lines, dup]).sort_index(kind="stable")
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="latin-1", newline="\n") as f:
        f.write("Region;Brott;År;Period;Antal;/100 000 inv\n")
        f.write("\n".join(body.tolist()))
        f.write("\n")
    return len(body)


def write_pxweb_population(pop: pd.DataFrame, raw_dir: Path, path: Path) -> int:
    """Write population 2021 on as an SCB PxWeb CSV export: ISO-8859-1, title line, `"1280 Malmö"`."""
    ref = pd.read_csv(raw_dir / "reference" / "kommuner.csv", dtype=str)
    ext = pop[pop.year >= 2021]
    if ext.empty:
        return 0
    wide = ext.pivot(index="municipality_code", columns="year", values="population")
    wide.loc["00"] = wide.sum()
    names = dict(zip(ref.municipality_code, ref.municipality_name, strict=True)) | {"00": "Riket"}
    years = list(wide.columns)
    out = ['"Folkmängden den 31 december efter region och år"', ""]
    out.append(",".join(['"region"'] + [f'"{y}"' for y in years]))
    for code in ["00"] + sorted(c for c in wide.index if c != "00"):
        out.append(",".join([f'"{code} {names[code]}"'] + [str(int(v)) for v in wide.loc[code, years]]))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\r\n".join(out) + "\r\n", encoding="latin-1")
    return len(wide)


SURVEY_ITEMS = {
    # indicator: (unit, yearly drift, level if no real value)
    "ej utsatt för brott senaste 12 mån": ("procent", 0.3, None),
    "utsatt för fysiskt våld senaste 12 mån": ("procent", 0.0, None),
    "utsatt för stöld senaste 12 mån": ("procent", -0.3, None),
    "oro att utsättas för någon typ av brott": ("procent", -0.6, None),
    "avstått aktivitet pga rädsla för brott": ("procent", -0.3, None),
    "problem: folk som bråkar och slåss utomhus": ("procent", -0.2, None),
    "problem: narkotikapåverkade personer utomhus": ("procent", 0.4, None),
    "problem: kvinnor antastas i bostadsområdet": ("procent", -0.1, None),
    "problem: ungdomsgäng som stör ordningen": ("procent", -0.4, 16.5),
    "rädsla för speciella personer i bostadsområdet": ("procent", 0.2, None),
    "otrygg ute sent på kvällen": ("procent", -0.5, 31.0),
    "problemindex (0-6)": ("index", 0.03, None),
}


def write_survey(raw_dir: Path, path: Path, last_year: int, seed: int) -> int:
    """Extend Malmö's real survey series with demo years, and give every demo row a respondent count.

    Real transcribed values stay in their own file (with no n); this file holds only years and items
    the real file lacks, continuing from the last real value.
    """
    rng = np.random.default_rng(seed + 2)
    real = pd.read_csv(raw_dir / "survey" / "trygghetsmatning_malmo_transcribed.csv", sep=";", decimal=",")
    real = real[real.kommun == "Malmö"]
    rows = []
    for item, (unit, drift, default) in SURVEY_ITEMS.items():
        have = real[real.indikator == item].sort_values("ar")
        start_year = int(have.ar.max()) + 1 if len(have) else 2019
        value = float(have.varde.iloc[-1]) if len(have) else default
        for year in range(start_year, last_year + 1):
            step = rng.normal(drift, 0.03 if unit == "index" else max(0.15, 0.04 * value))
            value = max(0.5, value + step) if unit == "procent" else float(np.clip(value + step, 0, 6))
            n = int(rng.normal(3650, 120))
            rows.append(("Malmö", "kommun", year, item, unit, round(value, 2 if unit == "index" else 1), n))
    rows += _survey_districts(rows, raw_dir, last_year, seed)
    frame = pd.DataFrame(rows, columns=["omrade", "omradestyp", "ar", "indikator", "enhet", "varde", "antal_svarande"])
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, sep=";", decimal=",", index=False, encoding="utf-8", lineterminator="\n")
    return len(frame)


# Rough shares of Malmö's respondents per (older) stadsdel, for demo sample sizes only.
DISTRICT_SHARES = {
    "Centrum": 0.14, "Fosie": 0.12, "Husie": 0.06, "Hyllie": 0.12, "Kirseberg": 0.05, "Limhamn-Bunkeflo": 0.12,
    "Oxie": 0.04, "Rosengård": 0.07, "Södra innerstaden": 0.14, "Västra innerstaden": 0.14,
}  # fmt: skip


def _survey_districts(rows: list[tuple], raw_dir: Path, last_year: int, seed: int) -> list[tuple]:
    """Demo results per stadsdel for the last two years: Malmö's value with a district offset, n split by
    the district's share of respondents (so a small district can fall under the reporting threshold)."""
    rng = np.random.default_rng(seed + 3)
    reference = raw_dir / "reference" / "malmo_delomraden.csv"
    if not reference.exists():
        reference = BUNDLED_REFERENCE_DIR / reference.name
    districts = sorted(pd.read_csv(reference).stadsdel.unique())
    offsets = {(d, item): rng.normal(0, 1) for d in districts for item in SURVEY_ITEMS}
    out = []
    for _, _, year, item, unit, value, n in rows:
        if year < last_year - 1:
            continue
        for district in districts:
            k = offsets[(district, item)]
            local = (
                float(np.clip(value + 0.35 * k, 0, 6))
                if unit == "index"
                else float(np.clip(value * np.exp(0.25 * k), 0.5, 95))
            )
            local_n = int(rng.binomial(n, DISTRICT_SHARES.get(district, 0.1)))
            out.append((district, "stadsdel", year, item, unit, round(local, 2 if unit == "index" else 1), local_n))
    return out


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def generate_bundle(raw_dir: Path, spec: Spec | None = None) -> dict[str, int]:
    """Write the bundled demo files into raw_dir and record them in its manifest."""
    spec = spec or Spec()
    frame = crime_counts(raw_dir, spec)
    pop = population_series(raw_dir, spec)
    written = {
        "bra/Databasfil_anmalda_brott_ar_demo.txt": write_sol_databasfil(
            frame, raw_dir / "bra" / "Databasfil_anmalda_brott_ar_demo.txt", spec, spec.seed
        ),
        "scb/folkmangd_kommun_2021_2025_demo.csv": write_pxweb_population(
            pop, raw_dir, raw_dir / "scb" / "folkmangd_kommun_2021_2025_demo.csv"
        ),
        "survey/trygghetsmatning_demo.csv": write_survey(
            raw_dir, raw_dir / "survey" / "trygghetsmatning_demo.csv", spec.last_year, spec.seed
        ),
    }
    manifest.record_synthetic(raw_dir, list(written))
    return written


def generate_sol_export(path: Path, spec: Spec, raw_dir: Path) -> int:
    """Write one SOL export of the given size (used by benchmarks; not recorded in the manifest)."""
    return write_sol_databasfil(crime_counts(raw_dir, spec), path, spec, spec.seed)
