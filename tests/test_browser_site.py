"""The built site in a real browser: Playwright driving Debian's Chromium.

Pages load without console errors, charts draw, the filter narrows the list and its URL
reproduces it, no request leaves the site's host, a hostile report stays inert, and axe-core
finds no serious or critical accessibility violation on any page type. Set DAP_SCREENSHOTS to
a folder to keep a screenshot of each page type.
"""

from __future__ import annotations

import csv
import functools
import http.server
import io
import json
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from click.testing import CliRunner
from site_fixtures import (
    AS_OF,
    HOSTILE_MEASURE,
    HOSTILE_SHORT_TITLE,
    HOSTILE_TITLE,
    ROOT,
    hostile_site,
    hostile_title_site,
)

from builder.cli import cli as cli_main
from builder.wording import ua_pct, uk_plural

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = ROOT / ".dap-cache" / "node" / "node_modules" / "axe-core" / "axe.min.js"

if not Path(CHROMIUM).exists():
    pytest.skip(
        "Chromium is not installed (apt-get install chromium; tests/run.sh does it)",
        allow_module_level=True,
    )

sync_api = pytest.importorskip("playwright.sync_api")

PAGE_TYPES = {
    "home": "index.html",
    "programme": "programme.html",
    "direction": "directions/1.1.html",
    "problem": "problems/1.1.1.html",
    "result": "results/1.1.1.1.html",
    "measure": f"measures/{HOSTILE_MEASURE}.html",
    "executor": "executors/nazk.html",
    "executors": "executors/index.html",
    "timeliness": "timeliness.html",
    "downloads": "downloads.html",
    "methodology": "methodology.html",
    "feedback": "feedback.html",
    "notices": "notices.html",
    "about": "about.html",
}


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """No request log in the test output."""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demonstration site with a hostile report, built once per test run (read only)."""
    return hostile_site(tmp_path_factory)


def served(folder: Path) -> Iterator[str]:
    """A folder served on the loopback address, until the generator is closed."""
    handler = functools.partial(_Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def base_url(built: Path) -> Iterator[str]:
    """The built site served on the loopback address."""
    yield from served(built)


class Visit:
    """A page that records console errors, page errors, dialogs and requests to other hosts."""

    def __init__(self, browser: object, base_url: str):
        self.host = urlsplit(base_url).netloc
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.foreign: list[str] = []
        self.dialogs: list[str] = []
        self.page.on(
            "console", lambda msg: self.errors.append(msg.text) if msg.type == "error" else None
        )
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.on("dialog", self._dialog)
        self.context.route("**/*", self._route)

    def _dialog(self, dialog: object) -> None:
        self.dialogs.append(dialog.message)  # type: ignore[attr-defined]
        dialog.dismiss()  # type: ignore[attr-defined]

    def _route(self, route: object) -> None:
        url = route.request.url  # type: ignore[attr-defined]
        parts = urlsplit(url)
        if parts.scheme in ("http", "https") and parts.netloc != self.host:
            self.foreign.append(url)
            route.abort()  # type: ignore[attr-defined]
        else:
            route.continue_()  # type: ignore[attr-defined]

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def visit(browser: object, base_url: str) -> Iterator[Visit]:
    """A fresh browser tab for one test."""
    v = Visit(browser, base_url)
    yield v
    v.close()


def settle(page: object) -> None:
    """Wait until the page's scripts have drawn charts and filled the filter."""
    page.wait_for_load_state("networkidle")  # type: ignore[attr-defined]
    if page.locator(".dap-chart").count():  # type: ignore[attr-defined]
        page.wait_for_selector(".dap-chart.js-plotly-plot svg", timeout=15000)  # type: ignore[attr-defined]
    if page.locator("#dap-filter").count():  # type: ignore[attr-defined]
        # a plain view shows the filter's first view from the page and loads its data only
        # when the reader uses it (test_browser_filter_first.py): use it, as a reader would
        if page.locator("#dap-filter[data-first]:not(.dap-filter-ready)").count():  # type: ignore[attr-defined]
            page.focus("#dap-filter select[name=direction]")  # type: ignore[attr-defined]
        page.wait_for_selector("#dap-filter.dap-filter-ready", timeout=15000)  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", list(PAGE_TYPES))
def test_page_loads_cleanly_and_stays_on_its_host(visit: Visit, base_url: str, name: str) -> None:
    visit.page.goto(base_url + PAGE_TYPES[name])
    settle(visit.page)
    assert visit.errors == []
    assert visit.foreign == []
    assert visit.page.locator("h1").count() == 1
    shots = os.environ.get("DAP_SCREENSHOTS")
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
        visit.page.screenshot(path=str(Path(shots) / f"{name}.png"), full_page=True)


def test_charts_draw_with_their_numbers_beside_them(visit: Visit, base_url: str) -> None:
    visit.page.goto(base_url)
    settle(visit.page)
    charts = visit.page.locator(".dap-chart.js-plotly-plot")
    assert charts.count() == 2
    assert visit.page.locator(".dap-chart.js-plotly-plot .main-svg").count() >= 2
    assert visit.page.locator(".dap-chart-box table").count() == 2
    # bars carry Ukrainian status names from the JSON
    assert "Виконується" in visit.page.locator(".dap-chart").first.inner_text()


def test_charts_draw_after_instant_navigation(visit: Visit, base_url: str) -> None:
    visit.page.goto(base_url + "about.html")
    settle(visit.page)
    visit.page.locator(".md-sidebar--primary a.md-nav__link[href$='timeliness.html']").first.click()
    visit.page.wait_for_selector(".dap-chart.js-plotly-plot svg", timeout=15000)
    assert visit.page.url.endswith("/timeliness.html")
    assert visit.errors == []


def test_site_works_opened_from_disk(browser: object, built: Path) -> None:
    visit = Visit(browser, "file:///")
    page = visit.page
    page.goto((built / "index.html").as_uri())
    settle(page)
    assert page.locator(".dap-chart.js-plotly-plot svg").count() >= 2
    page.locator("article a[href='programme.html']").first.click()
    page.wait_for_url("**/programme.html")
    settle(page)
    assert rows(page) >= 10
    page.locator("#dap-filter tbody a").first.click()
    page.wait_for_url("**/measures/*.html")
    assert page.locator("h1").inner_text().startswith("Захід")
    page.locator("#dap-search-query").click()
    page.locator("#dap-search-query").fill("закупівлі")
    page.wait_for_function(
        "() => /вебсервера/.test(document.querySelector('#dap-search-meta').textContent)"
    )
    assert visit.foreign == [] and visit.errors == []
    visit.close()


def rows(page: object) -> int:
    return page.locator("#dap-filter tbody tr").count()  # type: ignore[attr-defined]


def test_filter_narrows_the_list_and_its_url_reproduces_it(visit: Visit, base_url: str) -> None:
    page = visit.page
    page.goto(base_url + "programme.html")
    settle(page)
    everything = rows(page)
    assert everything >= 10
    page.select_option("#dap-filter select[name=status]", "Виконано")
    narrowed = rows(page)
    assert 0 < narrowed < everything
    statuses = page.locator("#dap-filter tbody .dap-status").all_text_contents()
    assert set(statuses) == {"Виконано"}
    page.select_option("#dap-filter select[name=direction]", "1.1")
    both = rows(page)
    assert 0 < both <= narrowed
    shared = page.url
    assert "status=" in shared and "direction=1.1" in shared

    other = visit.context.new_page()
    other.goto(shared)
    settle(other)
    assert rows(other) == both
    assert other.locator("#dap-filter select[name=status]").input_value() == "Виконано"
    assert other.locator("#dap-filter select[name=direction]").input_value() == "1.1"
    other.close()

    page.check("#dap-filter input[name=overdue]")
    page.select_option("#dap-filter select[name=status]", "")
    page.select_option("#dap-filter select[name=direction]", "")
    overdue = rows(page)
    assert 0 < overdue < everything
    assert page.locator("#dap-filter tbody .dap-overdue").count() == overdue
    assert "overdue=1" in page.url


def search_open(page: object) -> bool:
    """Whether the search overlay is open (Material's toggle, a checkbox)."""
    return bool(page.evaluate("() => !!document.querySelector('#__search')?.checked"))  # type: ignore[attr-defined]


def test_shared_filter_link_with_text_opens_no_search_overlay(visit: Visit, base_url: str) -> None:
    page = visit.page
    page.goto(base_url + "index.html?q=" + quote("навчання"))  # Material's old parameter
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)
    assert not search_open(page)  # the site's search is opened by the reader only
    page.locator("#dap-search-query").click()
    assert search_open(page)  # the check below can see an open overlay

    page.goto(base_url + "programme.html")
    settle(page)
    page.select_option("#dap-filter select[name=direction]", "1.1")
    page.fill("#dap-filter input[name=text]", "а")
    # the filter rewrites the address with history.replaceState; Playwright's page.url follows
    # such a change a moment later, so the address is read from the page itself
    page.wait_for_function("() => new URLSearchParams(location.search).get('text') === 'а'")
    shared = page.evaluate("location.href")
    params = parse_qs(urlsplit(shared).query)
    assert params["text"] == ["а"] and "q" not in params
    other = visit.context.new_page()
    other.goto(shared)
    settle(other)
    other.wait_for_timeout(300)
    assert not search_open(other)
    assert other.locator("#dap-filter input[name=text]").input_value() == "а"
    assert rows(other) == rows(page) > 0
    other.close()
    assert visit.errors == []


def test_old_filter_link_with_q_is_rewritten_to_text(visit: Visit, base_url: str) -> None:
    page = visit.page
    page.goto(base_url + "programme.html?direction=1.1&q=" + quote("а"))
    settle(page)
    assert page.locator("#dap-filter input[name=text]").input_value() == "а"
    params = parse_qs(urlsplit(page.url).query)
    assert params == {"direction": ["1.1"], "text": ["а"]}
    page.wait_for_timeout(5500)  # Material opens its search on `?q=`; dap.js watches for 5 s
    assert not search_open(page)
    page.locator("#dap-search-query").click()
    page.wait_for_function("() => document.querySelector('#__search').checked", timeout=5000)


def test_malformed_filter_parameters_show_defaults_and_a_note(visit: Visit, base_url: str) -> None:
    page = visit.page
    everything_url = base_url + "programme.html"
    page.goto(everything_url)
    settle(page)
    everything = rows(page)
    page.goto(
        everything_url + "?direction=9.9&status=%E0%A4%A&overdue=yes&sort=%3Cb%3E&bogus=1"
        "&year=<script>alert(1)</script>"
    )
    settle(page)
    assert rows(page) == everything
    note = page.locator("#dap-filter .dap-filter-note")
    assert note.is_visible()
    text = note.inner_text()
    assert "невідомі або хибні параметри" in text
    for name in ("direction", "status", "overdue", "sort", "bogus", "year"):
        assert name in text
    assert page.locator("#dap-filter .dap-filter-note b, #dap-filter script").count() == 0
    assert page.locator("#dap-filter select[name=direction]").input_value() == ""
    assert visit.errors == [] and visit.dialogs == []


def engine_figures(built: Path, executor: str | None = None) -> dict[str, Any]:
    """`dap status --format json` for the site's data and date."""
    args = ["status", "--data", str(built.parent / "data"), "--as-of", AS_OF.isoformat()]
    args += ["--format", "json"] + (["--executor", executor] if executor else [])
    result = CliRunner().invoke(cli_main, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)  # type: ignore[no-any-return]


def filter_figures(page: object) -> dict[str, object]:
    """The filter's figures for the rows it shows, as the page displays them."""
    box = page.locator("#dap-filter .dap-filter-summary")  # type: ignore[attr-defined]
    number = {
        key: box.locator(f"[data-figure={key}] .dap-number").inner_text()
        for key in ("total", "pct_done", "pct_done_due", "overdue")
    }
    counts = {}
    for li in box.locator("[data-status-count]").all():
        counts[li.get_attribute("data-status-count")] = int(li.inner_text().rsplit(":", 1)[1])
    return {
        **number,
        "counts": counts,
        "due_text": box.locator("[data-figure=pct_done_due]").inner_text(),
    }


def test_filter_figures_equal_the_engines_for_the_same_set(
    visit: Visit, base_url: str, built: Path
) -> None:
    engine = engine_figures(built)
    by_key = {(a["level"], a["key"]): a for a in engine["aggregates"]}
    executors = [a for a in engine["aggregates"] if a["level"] == "executor"]
    executor = max(executors, key=lambda a: (a["total"], a["due"]))
    cases = [
        ("direction=1.1", by_key[("direction", "1.1")]),
        (f"executor={executor['key']}&main=1", executor),
        ("", by_key[("programme", engine["programme"])]),
    ]
    page = visit.page
    for query, agg in cases:
        page.goto(base_url + "programme.html?" + query)
        settle(page)
        shown = filter_figures(page)
        assert agg["total"] > 0 and agg["due"] > 0
        assert shown["total"] == str(agg["total"]) == str(rows(page)), query
        assert shown["counts"] == agg["counts"], query
        assert shown["pct_done"] == ua_pct(agg["pct_done"]), query
        assert shown["pct_done_due"] == ua_pct(agg["pct_done_due"]), query
        assert f"від {agg['due']} заход" in str(shown["due_text"]), query
        assert shown["overdue"] == str(agg["overdue"]), query
        page.wait_for_selector("#dap-filter .dap-filter-chart.js-plotly-plot svg")
        spec = json.loads(page.locator(".dap-filter-chart").get_attribute("data-chart") or "{}")
        assert dict(zip(spec["labels"], spec["series"][0]["values"], strict=True)) == agg["counts"]
    one = engine_figures(built, executor["key"])
    assert [a for a in one["aggregates"] if a["level"] == "executor"][0]["total"] == executor[
        "total"
    ]


def test_download_has_exactly_the_rows_shown(visit: Visit, base_url: str) -> None:
    page = visit.page
    page.goto(base_url + "programme.html?direction=1.1&sort=-number")
    settle(page)
    shown = page.locator("#dap-filter tbody tr td:first-child").all_text_contents()
    titles = page.locator("#dap-filter tbody tr td:nth-child(2)").all_text_contents()
    assert 0 < len(shown) < 13
    link = page.locator("#dap-filter .dap-filter-download a")
    assert link.inner_text() == "Завантажити ці заходи (CSV)"
    assert (link.get_attribute("href") or "").startswith("blob:")
    with page.expect_download() as info:
        link.click()
    raw = Path(info.value.path()).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads the Cyrillic
    records = list(csv.reader(io.StringIO(raw[3:].decode("utf-8"), newline="")))
    head, body = records[0], records[1:]
    assert head[:3] == ["№", "Ідентифікатор", "Захід"]
    assert [r[0] for r in body] == shown  # the same rows, in the order shown
    assert [r[2] for r in body] == [
        t if not t.startswith(("=", "+", "-", "@")) else "'" + t for t in titles
    ]
    assert visit.foreign == []


def test_download_protects_formula_text_and_stays_inert(
    visit: Visit, base_url: str, built: Path
) -> None:
    source = (built / "assets" / "data" / "programme.js").read_text(encoding="utf-8")
    data = json.loads(source.removeprefix("window.DAP_PROGRAMME = ").rstrip().removesuffix(";"))
    hostile = ['=HYPERLINK("http://x")', "<img src=x onerror=alert(1)>", "-1+2", "@SUM(A1)"]
    for row, title in zip(data["measures"], hostile, strict=False):
        row[2] = title
    body = "window.DAP_PROGRAMME = " + json.dumps(data, ensure_ascii=False) + ";"
    page = visit.page
    page.route(
        "**/assets/data/programme.js",
        lambda route: route.fulfill(body=body, content_type="text/javascript; charset=utf-8"),
    )
    page.goto(base_url + "programme.html?sort=number")
    settle(page)
    assert page.locator("#dap-filter tbody img").count() == 0
    with page.expect_download() as info:
        page.locator("#dap-filter .dap-filter-download a").click()
    text = Path(info.value.path()).read_bytes().decode("utf-8-sig")
    titles = {r[1]: r[2] for r in csv.reader(io.StringIO(text, newline=""))}
    by_id = {row[0]: row[2] for row in data["measures"][: len(hostile)]}
    for mid, title in by_id.items():
        expected = "'" + title if title[0] in "=+-@" else title
        assert titles[mid] == expected
    assert visit.dialogs == [] and visit.errors == []


def test_tables_sort_by_a_column(visit: Visit, base_url: str) -> None:
    page = visit.page
    page.goto(base_url + "directions/index.html")  # the executors index: test_browser_rows.py
    settle(page)
    table = page.locator("table.dap-sortable").first
    table.locator("th").nth(2).locator("button").click()
    first = [int(x) for x in table.locator("tbody tr td:nth-child(3)").all_inner_texts()]
    assert first == sorted(first)
    table.locator("th").nth(2).locator("button").click()
    again = [int(x) for x in table.locator("tbody tr td:nth-child(3)").all_inner_texts()]
    assert again == sorted(first, reverse=True)
    assert table.locator("th").nth(2).get_attribute("aria-sort") == "descending"


def test_hostile_report_stays_inert(visit: Visit, base_url: str) -> None:
    page = visit.page
    page.goto(base_url + f"measures/{HOSTILE_MEASURE}.html")
    settle(page)
    for link in (
        page.locator("a", has_text="натисніть тут").all()
        + page.locator("a", has_text="посилання").all()
    ):
        link.click()
    page.locator(".dap-report-text").last.hover()
    assert page.evaluate("window.__xss === undefined")
    assert visit.dialogs == []
    text = page.locator("article").inner_text()
    assert '<script>window.__xss = "script"</script>' in text
    assert "[натисніть тут](javascript:" in text
    assert page.locator("a[href^='javascript:' i]").count() == 0
    assert page.locator("img[src='x']").count() == 0


@pytest.fixture(scope="module")
def title_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demonstration site with a hostile programme title (its build is part of the test:
    a Markdown image or link in the title once failed it)."""
    return hostile_title_site(tmp_path_factory)


@pytest.fixture(scope="module")
def title_url(title_site: Path) -> Iterator[str]:
    """The site with a hostile programme title, served on the loopback address."""
    yield from served(title_site)


INERT = """() => ({
  xss: window.__xss === undefined ? null : String(window.__xss),
  scriptLinks: document.querySelectorAll("a[href^='javascript:' i]").length,
  images: [...document.images].filter(i => /\\/x(\\.png)?$/.test(i.src)).length,
  handlers: [...document.querySelectorAll('*')].flatMap(
    e => [...e.attributes].filter(a => a.name.startsWith('on')).map(a => e.tagName + ' ' + a.name)),
})"""


def test_hostile_programme_title_stays_inert_on_every_page_it_reaches(
    browser: object, title_site: Path, title_url: str
) -> None:
    reached = sorted(
        p.relative_to(title_site).as_posix()
        for p in title_site.rglob("*.html")
        if "window.__xss" in p.read_text(encoding="utf-8")
    )
    assert {"index.html", "about.html", "downloads/latest/index.html"} <= set(reached)
    visit = Visit(browser, title_url)
    page = visit.page
    for rel in reached:
        page.goto(title_url + rel)
        page.wait_for_load_state("networkidle")
        page.locator("h1").first.hover()
        assert page.evaluate(INERT) == {
            "xss": None,
            "scriptLinks": 0,
            "images": 0,
            "handlers": [],
        }, rel
    # the title is shown as the text it is, in the page and in the browser's title bar
    page.goto(title_url + "downloads/latest/index.html")
    heading = page.locator("h1").inner_text().rstrip("¶ \n")  # ¶: the heading's permalink
    assert heading == f"{HOSTILE_TITLE}: відкриті дані"
    assert page.title().startswith(f"{HOSTILE_TITLE}: відкриті дані")
    page.goto(title_url + "index.html")
    assert page.locator("h1").inner_text().rstrip("¶ \n") == HOSTILE_SHORT_TITLE
    assert HOSTILE_TITLE in page.locator("article").inner_text()
    assert page.evaluate(INERT) == {"xss": None, "scriptLinks": 0, "images": 0, "handlers": []}
    assert visit.dialogs == [] and visit.errors == [] and visit.foreign == []
    visit.close()


def search(page: object, text: str) -> list[str]:
    """Type `text` into the header's search; the links of the results shown."""
    page.locator("#dap-search-query").click()  # type: ignore[attr-defined]
    page.locator("#dap-search-query").fill("")  # type: ignore[attr-defined]
    page.wait_for_function(  # type: ignore[attr-defined]
        "() => document.querySelector('#dap-search-meta').textContent.startsWith('Введіть')"
    )
    page.locator("#dap-search-query").fill(text)  # type: ignore[attr-defined]
    page.wait_for_function(  # type: ignore[attr-defined]
        "() => /^(Знайдено|Нічого)/.test(document.querySelector('#dap-search-meta').textContent)",
        timeout=15000,
    )
    page.wait_for_function(  # type: ignore[attr-defined]
        """() => {
          const n = +(document.querySelector('#dap-search-meta').textContent.match(/\\d+/) || [0])[0];
          return document.querySelectorAll('#dap-search-list li').length === Math.min(n, 10);
        }""",
        timeout=15000,
    )
    return result_links(page)


def result_links(page: object) -> list[str]:
    """The links of the results shown, as the search wrote them (from the site's root)."""
    links = page.locator("#dap-search-list a.md-search-result__link")  # type: ignore[attr-defined]
    return [links.nth(i).get_attribute("href") for i in range(links.count())]


def all_results(page: object, text: str) -> list[str]:
    """Every result of a search (its «Показати ще» pressed until all are shown)."""
    search(page, text)
    more = page.locator("#dap-search-more")  # type: ignore[attr-defined]
    while more.is_visible():
        shown = len(result_links(page))
        more.click()
        page.wait_for_function(  # type: ignore[attr-defined]
            f"() => document.querySelectorAll('#dap-search-list li').length > {shown}"
        )
    return sorted(result_links(page))


def test_search_finds_a_report_phrase_and_leads_to_the_report(visit: Visit, base_url: str) -> None:
    page = visit.page
    page.goto(base_url)
    settle(page)
    found = search(page, "індикатори ризику")
    assert found, "a phrase of a report (data/reports/2023-Q3/2.1.1.1.1.yaml) is found"
    target = "/measures/2.1.1.1.1.html#" + quote("звіт-2023-q3")
    assert target in found
    result = page.locator(f"#dap-search-list a[href='{target}']")
    assert "індикатори ризику" in result.inner_text()  # the report's own words, not stems
    assert result.locator("mark").count() >= 2
    result.click()
    page.wait_for_url("**/measures/2.1.1.1.1.html*")
    assert page.locator("[id='звіт-2023-q3']").count() == 1
    assert not search_open(page)
    assert visit.errors == [] and visit.foreign == []


def test_word_forms_find_the_same_measures(visit: Visit, base_url: str) -> None:
    page = visit.page
    page.goto(base_url)
    settle(page)
    forms = {word: all_results(page, word) for word in ("закупівлі", "закупівель", "закупівлями")}
    assert forms["закупівлі"], "the demo's measures on public procurement are found"
    assert forms["закупівлі"] == forms["закупівель"] == forms["закупівлями"]
    assert any("/measures/" in link for link in forms["закупівлі"])
    assert visit.errors == [] and visit.foreign == []


def test_search_speaks_ukrainian(visit: Visit, base_url: str) -> None:
    page = visit.page
    page.goto(base_url + "measures/2.1.1.1.1.html")
    settle(page)
    assert page.locator("#dap-search-query").get_attribute("placeholder").startswith("Пошук")
    search(page, "україни")  # in most measures (their executors) and executors
    meta = page.locator("#dap-search-meta").inner_text()
    n = int(meta.split()[1])
    assert meta == f"Знайдено {n} {uk_plural(n, 'результат', 'результати', 'результатів')}"
    assert n > 10 and page.locator("#dap-search-list li").count() == 10  # ten at a time
    assert page.locator("#dap-search-more").inner_text() == "Показати ще"
    page.locator("#dap-search-more").click()
    page.wait_for_function("() => document.querySelectorAll('#dap-search-list li').length > 10")
    assert page.locator("#dap-search-list li").count() == min(n, 20)
    kinds = set(page.locator("#dap-search-list .dap-search-kind").all_inner_texts())
    assert kinds <= {"Захід", "Звіт виконавця", "ОСР", "Виконавець", "Напрям", "Проблема"}
    search(page, "qwxzv")
    assert page.locator("#dap-search-meta").inner_text().startswith("Нічого не знайдено")
    assert visit.errors == [] and visit.foreign == []


def test_hostile_report_found_by_search_stays_text(visit: Visit, base_url: str) -> None:
    page = visit.page
    page.goto(base_url)
    settle(page)
    found = search(page, "жирний")
    assert f"/measures/{HOSTILE_MEASURE}.html#" + quote("звіт-2025-q1") in found
    text = page.locator("#dap-search-list").inner_text()
    assert "посилання</a> {: onclick=\"window.__xss='attr'\"} & **жирний** `код`" in text
    assert page.evaluate(INERT) == {"xss": None, "scriptLinks": 0, "images": 0, "handlers": []}
    assert visit.dialogs == [] and visit.errors == []


@pytest.mark.parametrize(
    "name",
    [
        "home",
        "programme",
        "direction",
        "result",
        "measure",
        "executor",
        "timeliness",
        "downloads",
        "feedback",
    ],
)
def test_no_serious_accessibility_violations(visit: Visit, base_url: str, name: str) -> None:
    assert AXE.is_file(), (
        f"{AXE} is missing — run tests/run.sh (it installs axe-core with npm) or "
        "npm install --no-save --prefix .dap-cache/node axe-core@4"
    )
    page = visit.page
    page.goto(base_url + PAGE_TYPES[name])
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
