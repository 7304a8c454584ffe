"""The programme filter's first view (builder/site/filter_view.py) in a real browser.

A plain view of the programme page shows the filter's lists, first rows, count and figures
from the page itself and loads none of the filter's data; once the reader uses the filter the
script draws exactly the same; a choice or a press made before the data came is kept.
Timings are not asserted here (benchmarks/lighthouse_bench.py measures them).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from site_fixtures import hostile_site
from test_browser_site import CHROMIUM, Visit, served

from builder.site.filter_view import FIRST_ROWS

pytestmark = pytest.mark.slow

if not Path(CHROMIUM).exists():
    pytest.skip("Chromium is not installed (apt-get install chromium)", allow_module_level=True)

PHONE = {"width": 390, "height": 844}

# What a reader sees of the filter: every list's options, the count, the figures, the rows
# (cell texts, and each link where it leads), the sort heads and what is hidden.
SEEN = """() => {
  const box = document.querySelector('#dap-filter');
  return {
    options: [...box.querySelectorAll('select')].map(s =>
      [s.name, [...s.options].map(o => [o.value, o.text])]),
    count: box.querySelector('.dap-filter-count').textContent,
    summary: box.querySelector('.dap-filter-summary').innerHTML,
    rows: [...box.querySelectorAll('tbody tr')].map(tr => [...tr.cells].map(td =>
      [td.className, td.textContent, [...td.querySelectorAll('a')].map(a => a.href),
       [...td.querySelectorAll('span')].map(s => s.className + ':' + s.textContent)])),
    heads: [...box.querySelectorAll('thead th')].map(th =>
      [th.getAttribute('data-key'), th.querySelectorAll('button.dap-sort').length, th.textContent]),
    hidden: ['.dap-filter-more', '.dap-filter-download', '.dap-filter-summary',
             '.dap-filter-chart'].map(s => box.querySelector(s).hidden),
  };
}"""


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demonstration site (shared with test_browser_site.py) on the loopback address."""
    yield from served(hostile_site(tmp_path_factory))


@pytest.fixture
def phone(browser: object, base_url: str) -> Iterator[Visit]:
    """A phone-sized tab that notes every request for the filter's data."""
    visit = Visit(browser, base_url)
    visit.page.set_viewport_size(PHONE)
    visit.data_requests = []  # type: ignore[attr-defined]
    visit.page.on(
        "request",
        lambda r: visit.data_requests.append(r.url) if "programme.js" in r.url else None,  # type: ignore[attr-defined]
    )
    yield visit
    visit.close()


def plain_view(visit: Visit, base_url: str) -> Any:
    """The programme page opened with no query, settled: what it shows."""
    page = visit.page
    page.goto(base_url + "programme.html")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)
    return page.evaluate(SEEN)


def test_plain_view_shows_the_filter_and_loads_none_of_its_data(
    phone: Visit, base_url: str
) -> None:
    seen = plain_view(phone, base_url)
    assert phone.data_requests == []  # type: ignore[attr-defined]
    assert phone.page.locator("#dap-filter.dap-filter-ready").count() == 0
    total = int(seen["count"].split("(")[1].split()[1].rstrip(")"))
    assert seen["count"].startswith(f"Показано {min(FIRST_ROWS, total)} із {total} ")
    assert len(seen["rows"]) == min(FIRST_ROWS, total) > 0
    options = dict(seen["options"])
    assert options["direction"][0] == ["", "усі напрями"] and len(options["direction"]) > 1
    assert len(options["executor"]) > 3 and len(options["result"]) > 3
    assert seen["hidden"] == [total <= FIRST_ROWS, False, False, False]
    assert [h[1] for h in seen["heads"]] == [1 if h[0] else 0 for h in seen["heads"]]
    assert phone.errors == [] and phone.foreign == []


def test_first_view_is_what_the_filter_draws(phone: Visit, base_url: str) -> None:
    first = plain_view(phone, base_url)
    page = phone.page
    page.focus("#dap-filter select[name=direction]")  # the reader starts to use the filter
    page.wait_for_selector("#dap-filter.dap-filter-ready", timeout=15000)
    page.wait_for_timeout(300)
    drawn = page.evaluate(SEEN)
    assert len(phone.data_requests) == 1  # type: ignore[attr-defined]
    for part in first:
        assert drawn[part] == first[part], part
    assert page.evaluate("location.search") == ""  # nothing chosen: the address stays plain
    assert phone.errors == []


def held_data(visit: Visit) -> list[Any]:
    """Hold the filter's data back until the returned list's route is continued."""
    held: list[Any] = []
    visit.page.route("**/assets/data/programme.js", lambda route: held.append(route))
    return held


def test_choice_made_before_the_data_came_is_kept(phone: Visit, base_url: str) -> None:
    page = phone.page
    held = held_data(phone)
    plain_view(phone, base_url)
    assert held == []  # a plain view asks for nothing
    page.select_option("#dap-filter select[name=status]", "Виконано")
    page.wait_for_timeout(200)
    assert len(held) == 1 and page.locator("#dap-filter.dap-filter-ready").count() == 0
    held[0].continue_()
    page.wait_for_selector("#dap-filter.dap-filter-ready", timeout=15000)
    statuses = page.locator("#dap-filter tbody .dap-status").all_text_contents()
    assert statuses and set(statuses) == {"Виконано"}
    page.wait_for_function(
        "() => new URLSearchParams(location.search).get('status') === 'Виконано'"
    )
    assert page.locator("#dap-filter select[name=status]").input_value() == "Виконано"
    assert phone.errors == []


def test_sort_pressed_before_the_data_came_is_done_once_it_is(phone: Visit, base_url: str) -> None:
    page = phone.page
    held = held_data(phone)
    plain_view(phone, base_url)
    head = page.locator("#dap-filter th[data-key=title] button.dap-sort")
    head.click()
    page.wait_for_timeout(200)
    assert len(held) == 1
    held[0].continue_()
    page.wait_for_selector("#dap-filter th[data-key=title][aria-sort=ascending]", timeout=15000)
    titles = page.locator("#dap-filter tbody tr td:nth-child(2)").all_text_contents()
    ordered = page.evaluate(
        "t => [...t].sort(new Intl.Collator('uk', {numeric: true}).compare)", titles
    )
    assert titles == ordered
    shared = parse_qs(urlsplit(page.evaluate("location.href")).query)
    assert shared == {"sort": ["title"]}
    assert phone.errors == []


def test_link_with_a_query_loads_the_filter_at_once(phone: Visit, base_url: str) -> None:
    page = phone.page
    page.goto(base_url + "programme.html?status=" + "Виконано")
    page.wait_for_selector("#dap-filter.dap-filter-ready", timeout=15000)
    assert page.locator("#dap-filter[data-first]").count() == 0  # no first view to replace
    statuses = page.locator("#dap-filter tbody .dap-status").all_text_contents()
    assert statuses and set(statuses) == {"Виконано"}
    assert phone.errors == []
