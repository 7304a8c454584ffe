"""The site's search in a real browser over both of its indexes (issue 22): Pagefind's, and
the daily one of the reports of the quarter being reported on (builder/site/daily.py).

The demonstration data built as of 20.01.2025, so its 2024-Q4 reports are in the daily
index: a word only in such a report, a word only in an older report, a title's word and a
query whose words are split between the two indexes are each found where they are, and a
word in no index finds nothing (not the unrelated pages Pagefind falls back to).
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from site_fixtures import ROOT, shared_folder
from test_browser_site import Visit, all_results, search, served, settle

from builder.build import build

pytestmark = pytest.mark.slow

DAY = dt.date(2025, 1, 20)  # the 2024-Q4 reports are being reported on: daily


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    def make(base: Path) -> None:
        data = base / "data"
        shutil.copytree(ROOT / "data", data)
        build(data, base / "public", as_of=DAY, computed_on=DAY, docs_dir=base / "docs")

    return shared_folder(tmp_path_factory, "daily-search-site", make) / "public"


@pytest.fixture(scope="module")
def base_url(built: Path) -> Iterator[str]:
    yield from served(built)


@pytest.fixture
def visit(browser: object, base_url: str) -> Iterator[Visit]:
    v = Visit(browser, base_url)
    yield v
    v.close()


def report(measure: str, period: str) -> str:
    return f"/measures/{measure}.html#" + quote(f"звіт-{period}")


def test_the_demonstration_has_daily_reports(built: Path) -> None:
    daily = json.loads(gzip.decompress((built / "pagefind" / "dap-daily.dap_daily").read_bytes()))
    assert len(daily["pages"]) == 5  # the five 2024-Q4 reports' measures


def test_search_finds_words_in_either_index(visit: Visit, base_url: str) -> None:
    page = visit.page
    page.goto(base_url)
    settle(page)
    # only in a 2024-Q4 report (daily): found, linked to that report, its words marked
    assert search(page, "експлуатації") == [report("1.1.2.1.1", "2024-q4")]
    result = page.locator("#dap-search-list a").first
    assert result.locator("mark").inner_text() == "експлуатації"
    assert "Звіт за IV квартал 2024" in result.inner_text()
    # only in an older report (Pagefind's index)
    assert report("2.1.1.1.1", "2023-q3") in search(page, "індикатори ризику")
    # one word in a measure's older report, the other in its daily one
    assert search(page, "тренінги підсумкові") == [report("1.1.1.1.2", "2024-q4")]
    # a word of titles: as many results as Pagefind's index alone gives
    procurement = all_results(page, "закупівлі")
    assert "/measures/2.1.1.2.1.html" in procurement and "/directions/2.1.html" in procurement
    # a word of a daily report with a word found nearly everywhere: only the measure that has
    # both, one in its daily report, the other in its executors (Pagefind's index alone lacks
    # the first word, ignores it and finds every page with the second)
    assert all_results(page, "постачання України") == ["/measures/1.1.2.1.1.html"]
    assert search(page, "постачання обладнання") == [report("1.1.2.1.1", "2024-q4")]
    assert search(page, "щзщзщз") == []
    assert visit.errors == [] and visit.foreign == []


def test_a_daily_result_opens_its_report(visit: Visit, base_url: str) -> None:
    page = visit.page
    page.goto(base_url + "programme.html")
    settle(page)
    search(page, "перенесено")
    page.locator("#dap-search-list a").first.click()
    page.wait_for_url("**/measures/1.1.2.1.1.html*")
    assert page.locator("[id='звіт-2024-q4']").count() == 1
    assert visit.errors == [] and visit.foreign == []
