"""The ОСР cards keyed apart from the aggregate group (issue 22, site/pagekeys.py): each card
and its «Стан на» data file are rendered from the card's own view of the data
(`pagekeys.result_view`) and keyed on that view's digest, so a report or assessment that moves
a status or timeliness renders the cards that show it alone; a rebuild's docs folder and site
still equal a clean build's, file by file."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest

from builder import parallel
from builder.build import build
from builder.compute import history_snapshots
from builder.git.history import read_authors, read_history
from builder.site import pagekeys, pages, partviews
from builder.site.context import prepare
from builder.validate import validate
from builder.versions import dataset_as_of
from builder.wording import EN, UK

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "data"
FIXTURE = ROOT / "tests" / "fixtures" / "programme" / "data"
AS_OF = dt.date(2025, 12, 31)
DAY = dt.date(2026, 1, 20)


def site_of(data_dir: Path, history: bool = True):  # noqa: ANN201 - test helper
    data, problems = validate(data_dir, str(data_dir))
    assert not [p for p in problems if p.severity == "error"]
    data = dataset_as_of(data, AS_OF)
    found = read_authors(read_history(data_dir)) if history else None
    return prepare(data, history_snapshots(data, found, AS_OF, DAY), found, "d", "x", "1")


@pytest.mark.parametrize("data_dir", [DEMO, FIXTURE], ids=["demo", "fixture"])
@pytest.mark.parametrize("ed", [UK, EN], ids=["uk", "en"])
def test_a_part_from_its_view_is_the_part_from_the_whole_site(data_dir: Path, ed) -> None:
    """A part's view holds everything its page and data files read (ОСР cards, executors,
    directions and problems)."""
    site = dataclasses.replace(site_of(data_dir), ed=ed)
    lookups = partviews.Lookups(site)
    assert site.data.results
    for rid in sorted(site.data.results):
        view = partviews.result_view(site, rid, lookups)
        whole, from_view = (
            pages.result_files(site, rid, "m: 1\n"),
            pages.result_files(view, rid, "m: 1\n"),
        )
        assert sorted(whole) == sorted(from_view)
        assert [path for path in whole if whole[path] != from_view[path]] == [], rid
        assert f"assets/data/asof/results/{rid}.js" in whole
        assert list(view.data.results) == [rid]
    assert site.data.executors
    for eid in sorted(site.data.executors):
        view = partviews.executor_view(site, eid, lookups)
        whole, from_view = (
            pages.executor_files(site, eid, "m: 1\n"),
            pages.executor_files(view, eid, "m: 1\n"),
        )
        assert sorted(whole) == sorted(from_view)
        assert [path for path in whole if whole[path] != from_view[path]] == [], eid
        assert f"assets/data/executors/{eid}.js" in whole
    assert site.data.sections
    for sid in sorted(site.data.sections):
        view = partviews.section_view(site, sid, lookups)
        whole, from_view = (
            pages.section_files(site, sid, "m: 1\n"),
            pages.section_files(view, sid, "m: 1\n"),
        )
        assert sorted(whole) == sorted(from_view)
        assert [path for path in whole if whole[path] != from_view[path]] == [], sid
        assert any(path.startswith("assets/data/asof/") for path in whole)


def test_a_card_key_follows_its_own_measures_alone() -> None:
    site = site_of(DEMO, history=False)
    digests = pagekeys.Digests()

    def keys(one) -> dict[str, str]:  # type: ignore[no-untyped-def]
        return {
            rid: pagekeys.aggregate_digest(partviews.result_view(one, rid), digests)
            for rid in sorted(one.data.results)
        }

    first = keys(site)
    assert len(set(first.values())) == len(first)
    assert keys(dataclasses.replace(site, ed=EN)) == first  # the edition is in `static_key`
    mid = site.measures_by[("result", "1.1.1.1")][0]
    snap = site.snapshots[0]
    state = snap.measures[mid]
    moved = dataclasses.replace(
        snap, measures={**snap.measures, mid: dataclasses.replace(state, overdue=not state.overdue)}
    )
    changed = keys(dataclasses.replace(site, snapshots=[moved, *site.snapshots[1:]]))
    assert [rid for rid in first if changed[rid] != first[rid]] == ["1.1.1.1"]


# ---------------------------------------------------------------- rebuilds of the demo


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(DEMO, tmp_path / "data")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DAP_NO_CACHE", raising=False)
    return tmp_path


@pytest.fixture
def rendered(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[Any]]:
    """The cards rendered, as (edition, ОСР), and the editions whose aggregate group was."""
    monkeypatch.setattr(parallel, "FORK_BUDGET_MB", 0)  # the pages rendered in this process
    calls: dict[str, list[Any]] = {
        "cards": [],
        "executors": [],
        "sections": [],
        "aggregates": [],
        "views": [],  # the parts' views made (ОСР, executors, sections)
    }
    for name in ("result_view", "executor_view", "section_view"):
        made = getattr(pages, name)

        def counted(site, key: str, *args: Any, made=made) -> Any:  # type: ignore[no-untyped-def]
            calls["views"].append(key)
            return made(site, key, *args)

        monkeypatch.setattr(pages, name, counted)
    cards, executors, aggregates = pages.result_files, pages.executor_files, pages.aggregate_pages
    sections = pages.section_files

    def card(site, rid: str, meta: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
        calls["cards"].append((site.ed.lang, rid))
        return cards(site, rid, meta)

    def executor(site, eid: str, meta: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
        calls["executors"].append((site.ed.lang, eid))
        return executors(site, eid, meta)

    def section(site, sid: str, meta: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
        calls["sections"].append((site.ed.lang, sid))
        return sections(site, sid, meta)

    def group(site, meta: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
        calls["aggregates"].append(site.ed.lang)
        return aggregates(site, meta)

    monkeypatch.setattr(pages, "result_files", card)
    monkeypatch.setattr(pages, "executor_files", executor)
    monkeypatch.setattr(pages, "section_files", section)
    monkeypatch.setattr(pages, "aggregate_pages", group)
    return calls


def files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, path
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# Each case: the cards, executors' pages and sections' pages it must render (in both
# editions) — those whose measures' states, reports due, aggregates or records it moves.
CASES = {
    # a newest-quarter report of 1.1.1.1.2 (problem 1.1.1, direction 1.1), late
    "submitted moved": ({"1.1.1.1"}, {"nazk"}, {"1.1", "1.1.1"}),
    # 2.1.1.1.2's missing report of 2025-Q1
    "report added": ({"2.1.1.1"}, {"mineconomy"}, {"2.1", "2.1.1"}),
    # 1.1.2.1.2 (main: nazk; co: mineconomy) not done, not done in full
    "assessment": ({"1.1.2.1"}, {"nazk", "mineconomy"}, {"1.1", "1.1.2"}),
    # 1.1.1.1.3 (main: minjust; co: nazk) moved to another ОСР of its problem: its record
    "esr link": ({"1.1.1.1", "1.1.1.2"}, {"minjust", "nazk"}, {"1.1", "1.1.1"}),
    # its English data file edited in the docs folder
    "card file": ({"1.1.1.1"}, set(), set()),
    # a report's text: no part, and no part's view made (the group's key is the previous one)
    "text": (set(), set(), set()),
}


@pytest.mark.parametrize("how", list(CASES))
def test_a_status_moved_renders_the_parts_that_show_it_alone(
    project: Path, rendered: dict[str, list[Any]], how: str
) -> None:
    data, docs = project / "data", project / "public-docs"
    run = lambda out: build(data, project / out, AS_OF, DAY, docs_dir=project / f"{out}-docs")  # noqa: E731
    run("public")
    every = sorted(p.stem for p in (data / "results").glob("*.yaml"))
    assert sorted(rendered["cards"]) == sorted((lang, r) for lang in ("uk", "en") for r in every)
    for calls in rendered.values():
        calls.clear()
    if how == "submitted moved":
        edit(
            data / "reports/2024-Q4/1.1.1.1.2.yaml",
            "submitted: 2025-01-09",
            "submitted: 2025-02-27",
        )
    elif how == "report added":
        text = (data / "reports/2024-Q3/2.1.1.1.2.yaml").read_text(encoding="utf-8")
        text = text.replace("period: 2024-Q3", "period: 2025-Q1").replace(
            "2024-10-15", "2025-04-10"
        )
        added = data / "reports/2025-Q1/2.1.1.1.2.yaml"
        assert not added.exists()
        added.parent.mkdir(exist_ok=True)
        added.write_text(text, encoding="utf-8")
    elif how == "assessment":
        edit(data / "assessments/2024-Q4/1.1.2.1.2.yaml", "status: Виконано", "status: Не виконано")
    elif how == "text":
        edit(data / "reports/2024-Q4/1.1.1.1.2.yaml", "\ntext: ", "\ntext: (виправлено) ")
    elif how == "esr link":
        edit(data / "measures/1.1.1.1.3.yaml", "results:\n- 1.1.1.1", "results:\n- 1.1.1.2")
    else:
        page = docs / "en" / "assets" / "data" / "asof" / "results" / "1.1.1.1.js"
        page.write_text(page.read_text(encoding="utf-8") + "//", encoding="utf-8")
    result = run("public")
    langs = ("en",) if how == "card file" else ("uk", "en")
    if how in ("text", "card file"):
        assert rendered["views"] == (["1.1.1.1"] if how == "card file" else [])
    cards, executors, sections = CASES[how]
    assert sorted(rendered["cards"]) == sorted((lang, r) for lang in langs for r in cards)
    assert sorted(rendered["executors"]) == sorted((lang, e) for lang in langs for e in executors)
    assert sorted(rendered["sections"]) == sorted((lang, s) for lang in langs for s in sections)
    assert rendered["aggregates"] == ([] if how in ("card file", "text") else ["uk", "en"])
    clean = run("clean")
    for built, other in (("public", "clean"), ("public-docs", "clean-docs")):
        mine, theirs = files(project / built), files(project / other)
        assert sorted(mine) == sorted(theirs)
        assert [path for path in theirs if mine[path] != theirs[path]] == [], built
    assert clean.notes == result.notes
