"""Any quarter end on the aggregate pages, in a real browser (issue 19, item 2).

Choosing a past quarter end in the «Стан на» control shows that snapshot's figures — asserted
against `dap status --as-of DATE --format json` — for the programme, a direction, an executor
and the programme filter; the URL keeps the choice and reopening it shows the same; links to
other aggregate pages carry it; «Показати найновіший стан» brings back the page's own figures;
an unknown or malformed date gives the latest state and a short note; the filter's trend
follows the filter.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import test_browser_site as site_tests
from click.testing import CliRunner

from builder.cli import cli as cli_main
from builder.wording import ua_pct

pytestmark = pytest.mark.slow

# The built demonstration site, its server and a fresh tab, shared with test_browser_site.py.
built = site_tests.built
base_url = site_tests.base_url
visit = site_tests.visit
Visit = site_tests.Visit
settle = site_tests.settle
filter_figures = site_tests.filter_figures

PAST = "2024-06-30"


def engine(built: Path, day: str, executor: str | None = None) -> dict[str, Any]:
    """`dap status --as-of DAY --format json` for the site's data."""
    args = ["status", "--data", str(built.parent / "data"), "--as-of", day, "--format", "json"]
    args += ["--executor", executor] if executor else []
    result = CliRunner().invoke(cli_main, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)  # type: ignore[no-any-return]


def aggregate(view: dict[str, Any], level: str, key: str) -> dict[str, Any]:
    """One aggregate of a `dap status` view."""
    return next(a for a in view["aggregates"] if (a["level"], a["key"]) == (level, key))


def figures(page: object) -> list[str]:
    """The headline figures of the page as shown: number and caption of each box."""
    boxes = page.locator(".dap-figures[data-k] .dap-figure-box")  # type: ignore[attr-defined]
    return [" ".join(b.inner_text().split()) for b in boxes.all()]


def expected(agg: dict[str, Any]) -> list[str]:
    """The numbers of the headline figures for an aggregate, as markup.figures() writes them."""
    return [
        str(agg["total"]),
        f"{agg['done']} / {agg['partly']}",
        ua_pct(agg["pct_done"]) if agg["total"] else "—",
        ua_pct(agg["pct_done_due"]) if agg["due"] else "—",
        str(agg["overdue"]),
        ua_pct(agg["pct_on_time"]) if agg["reports_due"] else "—",
    ]


def chart_counts(page: object) -> dict[str, int]:
    """The status chart's values, by status."""
    chart = page.locator(".dap-chart-box[data-k] .dap-chart").first  # type: ignore[attr-defined]
    spec = json.loads(chart.get_attribute("data-chart") or "{}")
    return dict(zip(spec["labels"], spec["series"][0]["values"], strict=True))


def choose(page: object, day: str) -> None:
    """Pick a date in the control and wait until the page shows it."""
    page.locator("#dap-asof select").select_option(day)  # type: ignore[attr-defined]
    if day:
        page.wait_for_selector("#dap-asof .dap-asof-past:not([hidden])")  # type: ignore[attr-defined]
    else:
        page.wait_for_selector("#dap-asof .dap-asof-past[hidden]", state="attached")  # type: ignore[attr-defined]


def numbers(shown: list[str]) -> list[str]:
    return [s.split(" ", 1)[0] if " / " not in s else " ".join(s.split()[:3]) for s in shown]


def test_a_past_quarter_end_shows_that_snapshots_figures(
    visit: Visit, base_url: str, built: Path
) -> None:
    then = engine(built, PAST)
    executors = [a for a in then["aggregates"] if a["level"] == "executor"]
    busiest = max(executors, key=lambda a: (a["total"], a["reports_due"]))
    cases = [
        ("index.html", "programme", then["programme"]),
        ("directions/1.1.html", "direction", "1.1"),
        (f"executors/{busiest['key']}.html", "executor", busiest["key"]),
    ]
    page = visit.page
    for path, level, key in cases:
        page.goto(base_url + path)
        settle(page)
        latest = figures(page)
        latest_chart = chart_counts(page)
        choose(page, PAST)
        agg = aggregate(then, level, key)
        assert numbers(figures(page)) == expected(agg), path
        assert chart_counts(page) == agg["counts"], path
        assert f"asof={PAST}" in page.url
        assert page.locator("#dap-asof .dap-asof-date").inner_text() == "30.06.2024"
        assert "минулий стан" in page.locator("#dap-asof .dap-asof-past").inner_text()
        if level == "executor":  # the executor's own view agrees
            own = engine(built, PAST, key)
            assert aggregate(own, level, key)["total"] == agg["total"]
        # the URL keeps the choice: reopening it shows the same
        page.goto(page.url)
        settle(page)
        page.wait_for_selector("#dap-asof .dap-asof-past:not([hidden])")
        assert numbers(figures(page)) == expected(agg), path
        assert page.locator("#dap-asof select").input_value() == PAST
        # and the way back gives the page's own latest figures
        page.locator("#dap-asof .dap-asof-back").click()
        page.wait_for_selector("#dap-asof .dap-asof-past[hidden]", state="attached")
        assert figures(page) == latest, path
        assert chart_counts(page) == latest_chart, path
        assert "asof=" not in page.url
    assert visit.errors == [] and visit.dialogs == []


def test_tables_of_a_past_quarter_end_follow(visit: Visit, base_url: str, built: Path) -> None:
    then = engine(built, PAST)
    page = visit.page
    # a direction's problems, with the shares of that date
    page.goto(base_url + "directions/1.1.html")
    settle(page)
    choose(page, PAST)
    rows = page.locator("tr[data-k^='problem:']").all()
    assert rows
    for row in rows:
        key = (row.get_attribute("data-k") or "").split(":", 1)[1]
        agg = aggregate(then, "problem", key)
        cells = [c.inner_text().strip() for c in row.locator("td").all()]
        assert cells[2:7] == [
            str(agg["total"]),
            f"{agg['done']} / {agg['partly']}",
            ua_pct(agg["pct_done"]),
            ua_pct(agg["pct_done_due"]),
            str(agg["overdue"]),
        ], key
    # a problem's measures, with their status at that date
    page.goto(base_url + "problems/1.1.1.html?asof=" + PAST)
    settle(page)
    page.wait_for_selector("#dap-asof .dap-asof-past:not([hidden])")
    states = {s["measure"]: s for s in then["measures"]}
    measures = page.locator("tr[data-k^='measure:']").all()
    assert measures
    changed = 0
    for row in measures:
        mid = (row.get_attribute("data-k") or "").split(":", 1)[1]
        status = row.locator(".dap-status")
        state = states[mid]
        if state["removed"]:
            assert status.count() == 0
            continue
        assert status.inner_text() == state["status"], mid
        assert (row.locator(".dap-overdue").count() == 1) == state["overdue"], mid
        assert row.locator("td").last.inner_text().strip() == (state["label"] or "—"), mid
        changed += 1
    assert changed
    # the timeliness page ranks the executors of that date
    page.goto(base_url + "timeliness.html?asof=" + PAST)
    settle(page)
    page.wait_for_selector("#dap-asof .dap-asof-past:not([hidden])")
    for row in page.locator("table[data-t] tr[data-k]").all():
        key = (row.get_attribute("data-k") or "").split(":", 1)[1]
        agg = aggregate(then, "executor", key)
        cells = [c.inner_text().strip() for c in row.locator("td").all()]
        assert cells[1:] == [
            str(agg["reports_due"]),
            str(agg["on_time"]),
            str(agg["late"]),
            str(agg["missing"]),
            ua_pct(agg["pct_on_time"]),
        ], key
    assert page.locator("[data-latest]").first.is_hidden()
    assert "лише найновіший стан" in page.locator(".dap-asof-latest-note").first.inner_text()
    assert visit.errors == []


def test_the_state_of_one_direction_at_a_past_date_is_two_choices_from_home(
    visit: Visit, base_url: str, built: Path
) -> None:
    page = visit.page
    page.goto(base_url + "index.html")
    settle(page)
    choose(page, PAST)  # one choice in the control
    page.locator("table[data-cols] a[href*='directions/1.1.html']").first.click()  # one click
    settle(page)
    assert re.search(r"directions/1\.1\.html\?asof=2024-06-30$", page.url)
    page.wait_for_selector("#dap-asof .dap-asof-past:not([hidden])")
    agg = aggregate(engine(built, PAST), "direction", "1.1")
    assert numbers(figures(page)) == expected(agg)
    assert visit.errors == []


@pytest.mark.parametrize(
    "value", ["2024-06-31", "2024-05-31", "30.06.2024", "<script>alert(1)</script>", "1999-12-31"]
)
def test_a_bad_date_parameter_gives_the_latest_state_and_a_note(
    visit: Visit, base_url: str, value: str
) -> None:
    page = visit.page
    page.goto(base_url + "directions/1.1.html")
    settle(page)
    latest = figures(page)
    page.goto(base_url + "directions/1.1.html?asof=" + value)
    settle(page)
    note = page.locator("#dap-asof .dap-asof-note")
    note.wait_for(state="visible")
    assert "хибна або невідома дата стану" in note.inner_text()
    assert figures(page) == latest
    assert page.locator("#dap-asof .dap-asof-past").is_hidden()
    assert "asof=" not in page.url
    assert page.locator("#dap-asof script, #dap-asof .dap-asof-note *").count() == 0
    assert visit.errors == [] and visit.dialogs == []


def test_the_filter_shows_a_past_quarter_end_and_its_trend_follows_it(
    visit: Visit, base_url: str, built: Path
) -> None:
    then = engine(built, PAST)
    page = visit.page
    for query, level, key in (
        ("", "programme", then["programme"]),
        ("direction=1.1&", "direction", "1.1"),
    ):
        page.goto(base_url + f"programme.html?{query}asof={PAST}")
        settle(page)
        page.wait_for_selector("#dap-asof .dap-asof-past:not([hidden])")
        page.wait_for_function(
            "document.querySelector('.dap-filter-asof').textContent.indexOf('30.06.2024') >= 0"
        )
        agg = aggregate(then, level, key)
        shown = filter_figures(page)
        assert shown["total"] == str(agg["total"]), query
        assert shown["counts"] == agg["counts"], query
        assert shown["pct_done"] == ua_pct(agg["pct_done"]), query
        assert shown["pct_done_due"] == ua_pct(agg["pct_done_due"]), query
        assert shown["overdue"] == str(agg["overdue"]), query
        assert page.locator("#dap-filter .dap-filter-note").is_hidden()  # asof is no filter field
        assert f"asof={PAST}" in page.url
    # the trend follows the filter: direction 1.1 quarter by quarter, up to the date shown
    page.goto(base_url + "programme.html?direction=1.1")
    settle(page)
    trend = page.locator(".dap-filter-trend")
    trend.scroll_into_view_if_needed()
    page.wait_for_selector(".dap-filter-trend.js-plotly-plot svg", timeout=15000)
    spec = json.loads(trend.get_attribute("data-chart") or "{}")
    totals = set()
    for i, label in enumerate(spec["labels"]):
        quarter, year = re.match(r"(\w+) кв\. (\d{4})", label).groups()  # type: ignore[union-attr]
        month = {"I": "03-31", "II": "06-30", "III": "09-30", "IV": "12-31"}[quarter]
        agg = aggregate(engine(built, f"{year}-{month}"), "direction", "1.1")
        totals.add(agg["total"])
        assert spec["series"][0]["values"][i] == agg["pct_done"], label
        assert spec["series"][1]["values"][i] == agg["pct_done_due"], label
    assert len(totals) == 1  # the same measures throughout: the trend of the set shown
    # another filter, another trend
    before = trend.get_attribute("data-chart")
    page.locator("#dap-filter select[name=problem]").select_option("1.1.2")
    page.wait_for_function(
        "(old) => document.querySelector('.dap-filter-trend').getAttribute('data-chart') !== old",
        arg=before,
    )
    other = json.loads(trend.get_attribute("data-chart") or "{}")
    assert other["series"] != spec["series"]
    # at a past date the trend ends there
    choose(page, PAST)
    page.wait_for_function(
        "JSON.parse(document.querySelector('.dap-filter-trend').getAttribute('data-chart'))"
        ".labels.slice(-1)[0] === 'II кв. 2024'"
    )
    assert visit.errors == []
