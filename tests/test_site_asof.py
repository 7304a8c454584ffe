"""The «Стан на» data files (builder/site/asof.py): what each page marks, read back at every
quarter end from the build's snapshots."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from site_fixtures import AS_OF

from builder import models as m
from builder.compute import STATUSES, history_snapshots
from builder.site import asof, context
from builder.site.overview import filter_row
from builder.site.pages import render_pages
from builder.validate import validate
from builder.versions import dataset_as_of

ROOT = Path(__file__).resolve().parent.parent


def load_data(path: Path, day: dt.date = AS_OF):  # noqa: ANN201 - test helper
    """The data as `dap build` reads it: validated, each measure as in force on `day`."""
    data, problems = validate(path, str(path))
    assert not [p for p in problems if p.severity == "error"]
    return dataset_as_of(data, day)


@pytest.fixture(scope="module")
def site() -> context.Site:
    data = load_data(ROOT / "data")
    snaps = history_snapshots(data, None, AS_OF, dt.date(2026, 1, 5))
    return context.prepare(data, snaps, None, None, None, "t")


@pytest.fixture(scope="module")
def pages(site: context.Site) -> dict[str, str]:
    return render_pages(site)


def payload(text: str) -> dict[str, object]:
    """The object a data file assigns."""
    found = re.fullmatch(
        r'window\.DAP_ASOF_DATA=window\.DAP_ASOF_DATA\|\|\{\};window\.DAP_ASOF_DATA\["[^"]+"\]=(.*);\n',
        text,
        re.S,
    )
    assert found, text[:200]
    return json.loads(found[1])  # type: ignore[no-any-return]


def test_marks_name_the_first_tag_and_each_body_row() -> None:
    assert asof.mark('<div class="x"><p>1</p></div>', "direction:1.1") == (
        '<div class="x" data-k="direction:1.1"><p>1</p></div>'
    )
    assert asof.mark("", "direction:1.1") == ""
    assert asof.mark("<div>", '"><script>', "c") == '<div data-c="&quot;&gt;&lt;script&gt;">'
    table = (
        '<div class="dap-scroll"><table class="dap-table">\n<thead><tr><th>a</th></tr></thead>'
        "<tbody>\n<tr><td>1</td></tr>\n<tr><td>2</td></tr>\n</tbody></table></div>"
    )
    marked = asof.mark_rows(table, ("", "total"), ["a:1", "a:2"], "worst:3")
    assert '<table data-cols=",total" data-t="worst:3" class="dap-table">' in marked
    assert "<thead><tr><th>" in marked  # the head row is no body row
    assert re.findall(r'<tr data-k="([^"]+)"><td>(\d)', marked) == [("a:1", "1"), ("a:2", "2")]


def test_every_aggregate_page_has_the_control_and_a_data_file(
    site: context.Site, pages: dict[str, str]
) -> None:
    with_control = sorted(p for p, t in pages.items() if p.endswith(".md") and 'id="dap-asof"' in t)
    kinds = {p.split("/")[0] if "/" in p else p for p in with_control}
    assert kinds == {
        "index.md",
        "programme.md",
        "timeliness.md",
        "directions",
        "problems",
        "results",
        "executors",
    }
    assert not [p for p in with_control if p.startswith("measures/")]
    for path in with_control:
        assert asof.data_path(path) in pages, path
    assert asof.HISTORY in pages
    # the options: every quarter end before the build's date, newest first, then nothing else
    text = pages["directions/1.1.md"]
    options = re.findall(r'<option value="([^"]*)">', text)
    ends = [s.as_of.isoformat() for s in site.snapshots[:-1]]
    assert options == ["", *reversed(ends)]
    assert "Стан на <span" in text and "опубліковано 05.01.2026" in text


def test_a_data_file_holds_each_marked_figure_at_every_quarter_end(
    site: context.Site, pages: dict[str, str]
) -> None:
    data = payload(pages[asof.data_path("directions/1.1.md")])
    dates = [s.as_of.isoformat() for s in site.snapshots]
    assert data["dates"] == dates
    aggs = data["a"]
    assert isinstance(aggs, dict)
    marked = set(re.findall(r'data-k="([^"]+)"', pages["directions/1.1.md"]))
    assert {k for k in marked if not k.startswith(("measure:", "score:"))} == set(aggs)
    own = aggs["direction:1.1"]
    assert set(own) == {*asof.FIGURES, "counts"}  # the figures and the status chart
    for i, snap in enumerate(site.snapshots):
        agg = snap.aggregates[("direction", "1.1")]
        assert [own[f][i] for f in asof.FIGURES] == [getattr(agg, f) for f in asof.FIGURES]
        assert own["counts"][i] == [agg.counts[s] for s in STATUSES]
    # a row of the problems' table carries only what its columns show
    problem = next(k for k in aggs if k.startswith("problem:"))
    assert set(aggs[problem]) == {
        "total",
        "done",
        "partly",
        "pct_done",
        "pct_done_due",
        "due",
        "overdue",
    }
    # a problem page's measures: status, overdue and label by index, 0 when out of the programme
    problem = payload(pages[asof.data_path("problems/1.1.1.md")])
    measures = problem["m"]
    assert isinstance(measures, dict) and measures
    for mid, per_date in measures.items():
        for i, snap in enumerate(site.snapshots):
            state = snap.measures[mid]
            if state.removed:
                assert per_date[i] == 0
                continue
            base = 2 * len(STATUSES)
            label, rest = divmod(per_date[i] - 1, base)
            assert STATUSES[rest // 2] == state.status and rest % 2 == state.overdue
            assert (label == 0) == (state.label is None)
            if state.label:
                assert list(m.ResultLabel)[label - 1] == state.label


def test_timeliness_and_ranked_tables_follow_the_date(
    site: context.Site, pages: dict[str, str]
) -> None:
    data = payload(pages[asof.data_path("timeliness.md")])
    chart = data["c"]["programme"]  # type: ignore[index]
    assert chart[0][0] == []  # 31.03.2023: no reporting window has opened yet
    assert len(chart[-1][0]) > len(chart[4][0]) > 0  # quarters accumulate
    worst = data["t"]["worst-timeliness:30"]  # type: ignore[index]
    for i, snap in enumerate(site.snapshots):
        assert worst[i] == ["executor:" + e for e in asof.worst_timeliness(site, snap, 30)]
    # an ОСР's score at each date: the latest evaluation dated by then
    results = payload(pages[asof.data_path("results/index.md")])
    words = results["words"]
    for rid, per_date in results["s"].items():  # type: ignore[attr-defined]
        for i, snap in enumerate(site.snapshots):
            years = [y for (r, y) in snap.scores if r == rid]
            if not years:
                assert per_date[i] == 0
                continue
            score = snap.scores[(rid, max(years))]
            assert per_date[i][0] == score.score and words[per_date[i][1]] == score.level  # type: ignore[index]
    names = data["n"]
    assert all(v[1].startswith("executors/") for v in names.values())  # type: ignore[attr-defined]


def test_the_history_decodes_to_every_measures_state(site: context.Site) -> None:
    history = asof.history_data(site, filter_row)
    assert history["dates"] == [s.as_of.isoformat() for s in site.snapshots]
    states = history["states"]
    assert isinstance(states, dict)
    for mid, (codes, labels) in states.items():
        for i, snap in enumerate(site.snapshots):
            state = snap.measures[mid]
            if state.removed:
                assert codes[i] == "-" and labels[i] == "-"
                continue
            value = asof.STATE_CHARS.index(codes[i])
            assert STATUSES[value // 4] == state.status
            assert (value // 2 % 2, value % 2) == (state.due, state.overdue)
    listed = {mid for mid, s in site.snap.measures.items() if not s.removed}
    extra = history["extra"]
    assert isinstance(extra, list)
    assert {row[0] for row in extra} == set(states) - listed


def test_the_files_are_the_same_for_the_same_data(site: context.Site) -> None:
    first = render_pages(site)
    again = render_pages(site)
    files = [p for p in first if p.startswith(asof.FOLDER)]
    assert files and all(first[p] == again[p] for p in files)


def test_no_control_and_no_files_before_a_second_date(tmp_path: Path) -> None:
    data = load_data(ROOT / "data")
    programme = data.programme
    assert programme is not None
    day = programme.period.start + dt.timedelta(days=10)  # inside the first quarter
    site = context.prepare(data, history_snapshots(data, None, day, day), None, None, None, "t")
    out = render_pages(site)
    assert not [p for p in out if p.startswith(asof.FOLDER)]
    assert 'id="dap-asof"' not in out["index.md"]
    assert "Стан на <span" in out["index.md"]
    assert "dap-filter-trend" not in out["programme.md"]
