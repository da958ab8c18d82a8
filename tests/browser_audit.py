"""The browser audit behind tests/test_browser.py: every page of a site in Debian's chromium (Playwright)
at each width, with axe-core. It runs in a thread of its own, started as soon as the site is rendered, so
that the browser's work (in its own processes) overlaps the rest of the suite; the tests wait for it.

axe's colour-contrast rule runs with the page as it opens (every table style is there: the tables inside a
closed <details> share the classes of the visible ones); every other rule runs again with all <details>
open, so that the data tables behind the charts are checked too.
"""

from __future__ import annotations

import os
import shutil
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import axe_playwright_python

from flows.config import PROJECT_DIR

WIDTHS = (1280, 390)
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip
AXE = Path(axe_playwright_python.__file__).with_name("axe.min.js").read_text(encoding="utf-8")
ARTEFACTS = Path(os.environ.get("LAGESBILD_ARTEFACTS_DIR", PROJECT_DIR / "test-artefacts")) / "screenshots"
AS_OPENED = "async () => await axe.run(document, {resultTypes: ['violations']})"
ALL_OPEN = (
    "async () => { document.querySelectorAll('details').forEach(d => d.open = true);"
    " return await axe.run(document, {resultTypes: ['violations'], rules: {'color-contrast': {enabled: false}}}); }"
)


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        raise RuntimeError("Debian's chromium is needed for the browser test: `make system-deps` installs it")
    return found


def screenshot_path(name: str, width: int) -> Path:
    return ARTEFACTS / f"{name.replace('/', '_').removesuffix('.html')}-{width}.png"


def audit(root: Path) -> dict[tuple[str, int], dict]:
    """Each page under root at each width: axe's violations, the scroll width and what Tab reaches first."""
    from playwright.sync_api import sync_playwright

    pages = sorted(root.rglob("*.html"))
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    results = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium(), args=CHROMIUM_ARGS)
        try:
            for width in WIDTHS:
                page = browser.new_page(viewport={"width": width, "height": 900})
                for path in pages:
                    name = path.relative_to(root).as_posix()
                    page.goto(path.as_uri())
                    page.keyboard.press("Tab")
                    first = page.evaluate("[document.activeElement.className, document.activeElement.hash]")
                    page.add_script_tag(content=AXE)
                    found = page.evaluate(AS_OPENED)["violations"] + page.evaluate(ALL_OPEN)["violations"]
                    results[(name, width)] = {
                        "violations": [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in found],
                        "scroll_width": page.evaluate("document.documentElement.scrollWidth"),
                        "first_tab": first,
                    }
                    page.screenshot(path=screenshot_path(name, width), full_page=True)
                page.close()
        finally:
            browser.close()
    return results


def start(root: Path) -> Future:
    """The audit of root, running in the background."""
    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="browser-audit")
    future = executor.submit(audit, root)
    executor.shutdown(wait=False)
    return future
