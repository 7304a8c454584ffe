"""Both editions of the built site in a real browser (issue 21): every page type of the English
edition (en/) loads with `<html lang="en">`, without console errors, with its charts drawn; the
language switch in the header leads to the same page in the other edition and back; axe-core
finds no serious or critical violation on the English pages; and nothing Cyrillic is shown on
an English page outside elements marked `lang="uk"` (tests/english_check.py) — in the site's
chrome (header, sidebar, footer, search) on every page type, in the page body on the page
types whose words are converted (STRICT_BODY; the others are expected to fail until they are).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from english_check import cyrillic_outside_uk
from site_fixtures import hostile_site
from test_browser_site import AXE, PAGE_TYPES, Visit, served, settle

pytestmark = pytest.mark.slow

ENGLISH_TYPES = {**PAGE_TYPES, "glossary": "glossary.html", "dictionary": "dictionary.html"}
# Page types whose body has no Cyrillic outside lang="uk" on the English edition. The bodies
# are converted to the edition's words by the other parts of issue 21; a page type not listed
# is checked too, as an expected failure (xfail), so that it shows as XPASS once converted.
STRICT_BODY: frozenset[str] = frozenset(ENGLISH_TYPES)  # every type, since all are converted


# The site's chrome: the page without what comes from the page's own Markdown (its body, its
# title in the header, its table of contents), which STRICT_BODY checks.
CHROME = (
    "(() => { const c = document.body.cloneNode(true);"
    " c.querySelectorAll('article, .md-nav--secondary, [data-md-component=header-topic]')"
    ".forEach(a => a.remove()); return c.outerHTML; })()"
)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demonstration site (both editions), shared with the other browser tests."""
    return hostile_site(tmp_path_factory)


@pytest.fixture(scope="module")
def base_url(built: Path) -> Iterator[str]:
    yield from served(built)


@pytest.fixture
def visit(browser: object, base_url: str) -> Iterator[Visit]:
    v = Visit(browser, base_url)
    yield v
    v.close()


def test_english_edition_is_built_with_shared_assets(built: Path) -> None:
    english = built / "en"
    for path in ENGLISH_TYPES.values():
        assert (english / path).is_file(), path
    assert (english / "404.html").is_file()
    assert (english / "pagefind" / "pagefind.js").is_file()  # its own search index
    assert not (english / "report.html").exists()  # the officials' forms: Ukrainian only
    # the theme's and dap's assets are the root's, not a copy: only the data is its own
    assert sorted(p.name for p in (english / "assets").iterdir()) == ["data"]
    measure = PAGE_TYPES["measure"]
    page = (english / measure).read_text(encoding="utf-8")
    assert 'src="../../assets/dap.js"' in page
    assert 'src="../assets/data/dap-text.js"' in page
    assert f'hreflang="uk" href="../../{measure}"' in page


@pytest.mark.parametrize("name", list(ENGLISH_TYPES))
def test_english_page_and_language_switch(visit: Visit, base_url: str, name: str) -> None:
    page = visit.page
    page.goto(base_url + "en/" + ENGLISH_TYPES[name])
    settle(page)
    assert page.evaluate("document.documentElement.lang") == "en"
    if page.locator(".dap-chart").count():
        assert page.locator(".dap-chart.js-plotly-plot svg").count() >= 1
    assert page.locator('link[rel~="alternate"][hreflang="x-default"]').count() == 1
    chrome = page.evaluate(CHROME)
    assert cyrillic_outside_uk(chrome) == [], "Ukrainian words in the English site's chrome"
    # the switch leads to the same page in Ukrainian, and its switch back here
    page.click("a.dap-lang")
    page.wait_for_load_state("load")
    assert page.url == base_url + ENGLISH_TYPES[name]
    assert page.evaluate("document.documentElement.lang") == "uk"
    assert page.locator("a.dap-lang").inner_text() == "English"
    page.click("a.dap-lang")
    page.wait_for_load_state("load")
    assert page.url == base_url + "en/" + ENGLISH_TYPES[name]
    assert page.evaluate("document.documentElement.lang") == "en"
    settle(page)
    assert visit.errors == [], visit.errors
    assert visit.foreign == []


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(
            n,
            marks=[]
            if n in STRICT_BODY
            else [pytest.mark.xfail(reason="page body not in English yet", strict=False)],
        )
        for n in ENGLISH_TYPES
    ],
)
def test_english_page_body_has_no_ukrainian_interface_words(built: Path, name: str) -> None:
    html = (built / "en" / ENGLISH_TYPES[name]).read_text(encoding="utf-8")
    assert cyrillic_outside_uk(html) == []


@pytest.mark.parametrize("name", ["home", "programme", "measure", "glossary", "executors"])
def test_no_serious_accessibility_violation_on_english_pages(
    visit: Visit, base_url: str, name: str
) -> None:
    assert AXE.is_file(), f"{AXE} is missing — run tests/run.sh (it installs axe-core)"
    page = visit.page
    page.goto(base_url + "en/" + ENGLISH_TYPES[name])
    settle(page)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.map("
        "v => ({id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})))"
    )
    serious = [
        (v["id"], v["impact"], v["nodes"]) for v in result if v["impact"] in ("serious", "critical")
    ]
    assert serious == []


def test_english_filter_and_paged_list_speak_english(visit: Visit, base_url: str) -> None:
    page = visit.page
    page.goto(base_url + "en/programme.html")
    settle(page)
    count = page.locator(".dap-filter-count").inner_text()
    assert count.startswith("Showing "), count
    assert "measures selected" in page.locator(".dap-filter-summary").inner_text()
    # the rows the script draws from the data mark the Ukrainian texts, as the first view does
    page.wait_for_function("document.querySelector('#dap-filter').dapFilter !== undefined")
    page.locator("#dap-filter select[name=status]").select_option(index=0)
    page.wait_for_timeout(200)
    rows = page.locator("#dap-filter tbody").evaluate("b => b.outerHTML")
    assert "<tr>" in rows and cyrillic_outside_uk(rows) == [], rows[:500]
    page.goto(base_url + "en/executors/index.html")
    settle(page)
    if page.locator(".dap-rows").count():
        page.wait_for_function(
            "document.querySelector('.dap-rows [class*=count]') && "
            "document.querySelector('.dap-rows [class*=count]').textContent.length > 0"
        )
        text = page.locator(".dap-rows").first.inner_text()
        assert "rows in all" in text or "row in all" in text, text[:300]
    assert visit.errors == []
