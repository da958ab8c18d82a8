"""The pipeline's stages as plain functions (no Prefect): testable in milliseconds, reusable anywhere.

Write-audit-publish: the new database is built in a version folder of its own under
data/curated/.versions/, validated there, and only then made current by one atomic symlink swap
(flows/pipeline/publish.py); reports are rendered the same way. A failure at any stage, or a kill, leaves
the previous curated tables and reports as they were.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from pathlib import Path

from flows import db, sources, validate
from flows.config import DB_NAME, SQL_DIR, Settings
from flows.pipeline import cache, increments, publish
from flows.regions import slugify
from flows.report import build, marts
from flows.report.render import behovsanalys, editions, render_all, site

log = logging.getLogger(__name__)

VERSIONS_DIR = ".versions"
CURRENT = "current"
BUILD_NAME = "build.duckdb"
PUBLISHED_PREFIXES = ("mart_", "meta_")  # what the published database holds: no raw, staging or intermediate


def _version_dir(db_path: Path, settings: Settings) -> Path:
    """The published version folder that belongs to a private build (they share the version id)."""
    return settings.curated_dir / VERSIONS_DIR / db_path.parent.name


def start_build(settings: Settings) -> Path:
    """A new private build folder (every layer) and its empty version folder; the path of the build database.
    Unless `settings.force`, the build starts as a copy of the published one, so that only what changed is
    redone (flows/pipeline/increments.py)."""
    version = publish.new_version_id()
    folder = settings.build_dir / version
    folder.mkdir(parents=True)
    (settings.curated_dir / VERSIONS_DIR / version).mkdir(parents=True)
    published = settings.curated_dir / CURRENT
    if not settings.force and published.exists():
        increments.reuse_previous(current_build(settings), folder / BUILD_NAME)
    return folder / BUILD_NAME


def discard_build(db_path: Path, settings: Settings) -> None:
    """Remove an unpublished build and its version folder (after a failure); the published state is untouched."""
    version = _version_dir(db_path, settings)
    current = settings.curated_dir / CURRENT
    if current.exists() and current.resolve() == version.resolve():
        return  # already published: it is the state readers see now
    shutil.rmtree(version, ignore_errors=True)
    shutil.rmtree(db_path.parent, ignore_errors=True)


def current_build(settings: Settings) -> Path:
    """The private build (every layer) behind the published version, for checks and debugging."""
    current = (settings.curated_dir / CURRENT).resolve()
    return settings.build_dir / current.name / BUILD_NAME


def load_raw_files(db_path: Path, settings: Settings) -> dict[str, int]:
    """Every raw file, the reference and the catalogue into the build's `raw` schema; rows per table."""
    with db.connect(db_path) as con:
        batch = sources.batch_of(settings.raw_dir, settings.catalogue_dir, settings.plans_dir)
        return increments.load_changed(con, batch)


def build_layer(db_path: Path, layers: tuple[str, ...], settings: Settings) -> dict[str, int]:
    """Run the SQL models of the given layers whose key changed (the others are kept); rows per table."""
    params = db.model_params(settings)
    with db.connect(db_path) as con:
        kept = increments.stored(con, "model")
        known = increments.raw_table_keys(con) | {name: content for name, (_, _, content) in kept.items()}
        existing = {r[0] for r in con.execute("select table_name from duckdb_tables() where schema_name = 'main'")
                    .fetchall()}  # fmt: skip
        code = increments.code_digest(increments.MODEL_CODE)
        layer_models = db.models(SQL_DIR, layers)
        counts, done = {}, []
        for model in layer_models:
            suite = validate.suite_path(model.name)
            key = increments.hash_of(
                code,
                model.sql,
                sorted((k, v) for k, v in params.items() if f"${k}" in model.sql),
                suite.read_text(encoding="utf-8") if suite.exists() else "",
                settings.validation_engine,
                [(ref, known.get(ref, "")) for ref in sorted(model.refs | model.raw_refs)],
            )
            if kept.get(model.name, ("",))[0] == key and model.name in existing:
                counts[model.name] = db.scalar(con, f"select count(*) from {model.name}")
                continue
            counts[model.name] = db.run_model(con, model, params)
            known[model.name] = increments.content_digest(con, model.name)
            increments.store(con, "model", model.name, key, content=known[model.name])
            done.append(model.name)
        increments.summary("models " + "+".join(layers), done, len(layer_models))
        return counts


def validate_layer(db_path: Path, prefix: str, settings: Settings) -> int:
    """Validate every table of a layer that has a suite and was built again (the others' results are kept);
    raises validate.ValidationFailed when critical. The number of checks run."""
    with db.connect(db_path) as con:
        tables = {r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()}
        expected = validate.suites(prefix=prefix)
        missing = [s for s in expected if s not in tables]
        if missing:
            raise validate.ValidationFailed(
                [validate.CheckResult(t, "table exists", "", "critical", False, 1) for t in missing]
            )
        models, checked = increments.stored(con, "model"), increments.stored(con, "check")
        todo = [t for t in expected if not models.get(t) or checked.get(t, ("",))[0] != models[t][0]]
        results = validate.validate_tables(con, todo, engine=settings.validation_engine)
        for table in todo:
            increments.store(con, "check", table, models[table][0] if table in models else "")
        increments.summary(f"checks {prefix}*", todo, len(expected))
        return len(results)


def export_marts(db_path: Path, settings: Settings) -> list[str]:
    """The published database (marts and meta tables only) and every mart as Parquet, in the version folder."""
    version = _version_dir(db_path, settings)
    published = version / DB_NAME
    published.unlink(missing_ok=True)
    with db.connect(db_path) as con:
        tables = [
            r[0]
            for r in con.execute(
                "select table_name from duckdb_tables() where schema_name = 'main' order by table_name"
            ).fetchall()
            if r[0].startswith(PUBLISHED_PREFIXES) and r[0] != cache.DIGESTS
        ]
        cache.write_table_digests(con, tables)
        tables.append(cache.DIGESTS)
        db.copy_tables(con, tables, published)
        marts = [t for t in tables if t.startswith("mart_")]
        models, exported = increments.stored(con, "model"), increments.stored(con, "export")
        before = settings.curated_dir / CURRENT
        unchanged = [
            t for t in marts
            if t in models and exported.get(t, ("",))[0] == models[t][2] and (before / f"{t}.parquet").is_file()
        ]  # fmt: skip
        for table in unchanged:
            increments.link_or_copy(before / f"{table}.parquet", version / f"{table}.parquet")
        db.export_parquet(con, [t for t in marts if t not in unchanged], version)
        for table in marts:
            increments.store(con, "export", table, models[table][2] if table in models else "")
        increments.summary("parquet files", [t for t in marts if t not in unchanged], len(marts))
    return tables


def publish_curated(db_path: Path, settings: Settings, build_key: str = "") -> Path:
    """Make the validated version current: one atomic symlink swap; returns the version folder. The build's
    content hash goes with it (flows/pipeline/cache.py)."""
    version = _version_dir(db_path, settings)
    if build_key:
        (version / cache.BUILD_KEY).write_text(build_key + "\n", encoding="utf-8")
    (version / publish.COMPLETE).write_text("validated\n", encoding="utf-8")
    current = settings.curated_dir / CURRENT
    publish.swap_symlink(current, version)
    names = sorted(p.name for p in version.iterdir() if p.suffix in (".duckdb", ".parquet"))
    publish.link_files(settings.curated_dir, current, names)
    tidy(settings, version)
    return version


def tidy(settings: Settings, version: Path | None = None) -> None:
    """Remove what killed runs left behind: versions and private builds beyond the current and the kept ones."""
    version = version or (settings.curated_dir / CURRENT).resolve()
    publish.prune(version.parent, "", keep={version})
    kept = {settings.build_dir / v.name for v in version.parent.iterdir() if v.is_dir()}
    publish.prune(settings.build_dir, "", keep=kept)


def report_dir(settings: Settings, municipality_name: str, year: int) -> Path:
    return settings.reports_dir / slugify(municipality_name) / str(year)


def render_reports(settings: Settings, listings: bool = True) -> tuple[Path, dict[str, float]]:
    """Render the overview and the six area reports from the published curated database, publish them as
    the edition (one atomic swap) and, with `listings`, rewrite the site's start page."""
    with db.connect(settings.db_path, read_only=True) as con:
        latest = marts.latest_year(con, settings.municipality_code)
        year = settings.year or latest
        if not settings.first_trend_year < year <= latest:
            raise LookupError(
                f"no crime figures for {year} in the curated data; years {settings.first_trend_year + 1}–{latest} "
                "can be reported"
            )
        name = marts.municipality_name(con, settings.municipality_code)
        slug = slugify(name)
        final = report_dir(settings, name, year)
        key = cache.render_key(settings, year, slug, cache.data_digests(con, settings.municipality_code))
        if not settings.force and cache.rendered_key(final) == key:  # nothing it is made from has changed
            log.info("%s %d: nothing the edition is made from has changed; it is kept", name, year)
            publish.prune(final.parent, f".{year}.", keep={final.resolve()})
            if listings:
                write_listings(settings)
            return final / "index.html", {}
        overview = build.build_context(con, settings, year)
    overview = editions.with_since_last(overview, settings.curated_dir, slug)
    final.parent.mkdir(parents=True, exist_ok=True)
    version = Path(tempfile.mkdtemp(prefix=f".{year}.{publish.new_version_id()}", dir=final.parent))
    try:
        timings = render_all(overview, version, render_pdf=settings.render_pdf, contact=settings.contact)
        behovsanalys.write(overview, version, slug)
        behovsanalys.write(overview, settings.curated_dir, slug)
        (version / cache.RENDER_KEY).write_text(key + "\n", encoding="utf-8")
        (version / publish.COMPLETE).write_text("rendered\n", encoding="utf-8")
        publish.swap_symlink(final, version)
    except BaseException:
        shutil.rmtree(version, ignore_errors=True)
        raise
    editions.save(overview, settings.curated_dir, slug)
    publish.prune(final.parent, f".{year}.", keep={version})
    if listings:
        write_listings(settings)
    return final / "index.html", timings


def render_one(settings: Settings) -> Path:
    """One municipality's edition in a batch; the start page is written once the batch is done."""
    return render_reports(settings, listings=False)[0]


def write_listings(settings: Settings) -> Path:
    """The site's start page and each municipality's list of editions, from what is published."""
    return site.write_listings(settings.reports_dir)
