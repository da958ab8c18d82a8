"""Every page of the site in a real browser (tests/browser_audit.py): axe-core finds no critical or serious
violation at 1 280 and 390 px, no page scrolls sideways on a phone, the skip link is the first thing the
keyboard reaches, and a screenshot of each page at each width is kept in test-artefacts/screenshots/."""

from __future__ import annotations

import pytest

from tests import browser_audit


@pytest.fixture(scope="module")
def audited(site_audit) -> dict[tuple[str, int], dict]:
    return site_audit.result()


def test_every_page_is_audited(audited, bundled_rendered):
    names = {name for name, _ in audited}
    edition = {f"malmo/2025/{p.name}" for p in bundled_rendered.glob("*.html")}
    assert names == edition | {"index.html", "malmo/index.html"} and len(edition) == 10
    assert {width for _, width in audited} == set(browser_audit.WIDTHS)


def test_axe_finds_no_critical_or_serious_violation(audited):
    bad = {key: [v for v in result["violations"] if v[1] in ("critical", "serious")] for key, result in audited.items()}
    assert {key: found for key, found in bad.items() if found} == {}


def test_no_page_scrolls_sideways_on_a_phone(audited):
    wide = {name: r["scroll_width"] for (name, width), r in audited.items() if width == 390 and r["scroll_width"] > 390}
    assert wide == {}


def test_the_skip_link_comes_first_and_leads_to_main(audited, bundled_rendered):
    assert {tuple(r["first_tab"]) for r in audited.values()} == {("skip", "#innehall")}
    assert '<main id="innehall"' in (bundled_rendered / "index.html").read_text(encoding="utf-8")


def test_a_screenshot_of_each_page_is_kept(audited):
    for name, width in audited:
        assert browser_audit.screenshot_path(name, width).stat().st_size > 10_000, (name, width)
