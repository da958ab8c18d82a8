"""Benchmarks of whole runs on the bundled data (`make bench`), each in fresh processes as a user runs them:

1. a warm `lagesbild run` (Prefect, against a local server started once) beside the same recipe in-process
   without Prefect: the difference is orchestration (target: run ≤ 15 s, orchestration ≤ 20 %);
2. an unchanged re-run against the first (target: ≤ 2 s of work beyond start-up);
3. a batch (`--kommun all` by default, HTML and PDF, 2 worker processes) against its size times one
   report's render time in the single run (targets for 290: ≤ 10 min, per municipality ≤ 1/5 of a warm run,
   peak memory ≤ 4 GB);
4. the same batch after a new trygghetsmätning file for Lund: the build redoes only what reads the survey
   and the manifest, and only Lund's edition is rendered again.

Everything goes to a temporary folder with its own PREFECT_HOME; the server is stopped at the end.
"""

from __future__ import annotations

import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from flows import config
from flows.pipeline import server

IN_PROCESS = (
    "import logging; from flows.config import load; from flows.pipeline import recipe; logging.basicConfig(level=20); "
    "recipe.run(load(render_pdf=True, force=True))"
)
IMPORTS_ONLY = "import flows.pipeline.flow, flows.report.build, flows.report.render"


def _wall(args: list[str], env: dict[str, str]) -> tuple[float, str]:
    t0 = time.perf_counter()
    out = subprocess.run(args, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    if out.returncode:
        raise RuntimeError(f"{' '.join(args[:3])} failed: {out.stderr.strip().splitlines()[-1:]}")
    return seconds, out.stdout + out.stderr


def _stage(log: str, name: str) -> float:
    found = re.findall(rf"stage {re.escape(name)}\s+([\d.]+) s", log)
    return float(found[-1]) if found else float("nan")


def main(batch: str = "all") -> None:
    lagesbild = str(Path(sys.executable).with_name("lagesbild"))
    with tempfile.TemporaryDirectory(prefix="lagesbild-runs-") as tmp:
        base = Path(tmp)
        shutil.copytree(config.BUNDLED_RAW_DIR, base / "raw")  # step 4 adds a file to it
        env = config.child_env(
            LAGESBILD_RAW_DIR=str(base / "raw"),
            PREFECT_HOME=str(base / "prefect"),
            LAGESBILD_CURATED_DIR=str(base / "curated"),
            LAGESBILD_REPORTS_DIR=str(base / "reports"),
            LAGESBILD_BUILD_DIR=str(base / "build"),
            LAGESBILD_PREFECT_SERVER="reuse",
        )
        home = base / "prefect"
        t0 = time.perf_counter()
        env["PREFECT_API_URL"] = server.ensure("reuse", home)
        print(f"local Prefect server started in {time.perf_counter() - t0:.1f} s (once; later runs reuse it)")
        try:
            warm = _single(lagesbild, env)
            which = _batch(lagesbild, env, batch, warm)
            _changed_survey(lagesbild, env, which, base)
        finally:
            print(server.stop(home))


def _single(lagesbild: str, env: dict[str, str]) -> float:
    imports, _ = _wall([sys.executable, "-c", IMPORTS_ONLY], env)
    _wall([sys.executable, "-c", IN_PROCESS], env)  # warm the page cache and the template cache
    inside, log_inside = _wall([sys.executable, "-c", IN_PROCESS], env)
    _wall([lagesbild, "run", "--force"], env)
    warm, log = _wall([lagesbild, "run", "--force"], env)
    print(
        f"warm `lagesbild run` {warm:.1f} s (target ≤ 15 s); the recipe in-process without Prefect {inside:.1f} s; "
        f"orchestration {(warm - inside) / warm:.0%} (target ≤ 20 %); imports {imports:.1f} s; stages "
        f"{_stage(log_inside, 'total'):.1f} s, of which reports {_stage(log_inside, 'reports'):.1f} s"
    )
    unchanged, log_again = _wall([lagesbild, "run"], env)
    print(
        f"unchanged re-run {unchanged:.1f} s against {warm:.1f} s; its stages (fingerprint, the kept build and "
        f"edition) {_stage(log_again, 'total'):.2f} s of work beyond start-up (target ≤ 2 s)"
    )
    return warm


def _batch(lagesbild: str, env: dict[str, str], batch: str, warm: float) -> list[str]:
    _, log = _wall([lagesbild, "run", "--force"], env)
    one = _stage(log, "reports")
    which = ["--lan", batch] if batch.endswith(" län") or (batch.isdigit() and len(batch) == 2) else ["--kommun", batch]
    seconds, log = _wall([lagesbild, "run", *which, "--force", "--workers", "2"], env)
    done = len(re.findall(r"▕[█░]+▏ \d+/\d+", log))
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        f"batch of {done} municipalities (HTML and PDF, 2 workers): {seconds:.0f} s, {seconds / max(done, 1):.1f} s "
        f"per municipality ({seconds / max(done, 1) / warm:.2f} of a warm run, target ≤ 0,2); {done} × one "
        f"report's render time ({one:.1f} s) = {done * one:.0f} s; reports stage "
        f"{_stage(log, 'reports'):.0f} s; largest process peak {peak:,.0f} MB (targets for 290: ≤ 600 s, ≤ 4 GB)"
    )
    return which


LUND_SURVEY = (
    "kommun;ar;indikator;enhet;varde;antal_svarande\n"
    "Lund;2024;otrygg ute sent på kvällen;procent;24,6;1210\n"
    "Lund;2025;otrygg ute sent på kvällen;procent;21,9;1187\n"
)
BUILD_STAGES = ("ingest", "staging", "validate staging", "marts", "validate marts", "export", "publish")


def _changed_survey(lagesbild: str, env: dict[str, str], which: list[str], base: Path) -> None:
    editions = base / "reports"
    before = {p: p.resolve() for p in editions.glob("*/[12][0-9][0-9][0-9]")}
    survey = base / "trygghetsmatning_lund.csv"
    survey.write_text(LUND_SURVEY, encoding="utf-8")
    _wall([lagesbild, "ingest", str(survey)], env)
    seconds, log = _wall([lagesbild, "run", *which, "--workers", "2"], env)
    again = sorted(p.parent.name for p, was in before.items() if p.resolve() != was)
    built = sum(_stage(log, s) for s in BUILD_STAGES)
    models = re.findall(r"models intermediate\+marts: (\d+) of (\d+)", log)
    print(
        f"after a new survey file for Lund: the batch {seconds:.0f} s; the build {built:.1f} s "
        f"({'/'.join(models[-1]) if models else '?'} intermediate and mart models run again); "
        f"{len(again)} of {len(before)} editions rendered again ({', '.join(again)})"
    )


if __name__ == "__main__":
    main(*sys.argv[1:])
