"""The search stage's place in a build (builder/site/indexes.py, issue 22): beside the
datasets' forked child when only the daily index is made, after MkDocs when Pagefind runs —
the same site either way, file by file."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from site_fixtures import COMPUTED_ON, change_report, copy_data, site_files

from builder import parallel
from builder.build import build
from builder.site import indexes
from builder.site.indexes import made_from
from builder.site.search.index import INDEX_MANIFEST

DAY = dt.date(2025, 1, 31)  # 2024-Q4 is reported on: its reports are in the daily index


def built(data: Path, out: Path) -> list[str]:
    """Build `data` into `out`; the stages in the order they started."""
    started: list[str] = []

    def progress(stage: str, seconds: float | None, detail: str) -> None:
        if seconds is None:
            started.append(stage)

    docs = out.parent / f"{out.name}-docs"
    build(data, out, as_of=DAY, computed_on=COMPUTED_ON, docs_dir=docs, progress=progress)
    return started


@pytest.mark.slow
def test_the_indexes_are_made_beside_the_datasets_only_when_pagefind_has_nothing_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parallel, "FORK_BUDGET_MB", 1 << 20)  # the datasets in a forked child
    dropped: list[int] = []
    drop = indexes.drop_garbage

    def counted() -> None:
        dropped.append(1)
        drop()

    monkeypatch.setattr(indexes, "drop_garbage", counted)
    data = copy_data(tmp_path / "data")
    out = tmp_path / "public"
    first = built(data, out)
    assert first.index("search") > first.index("mkdocs")  # no previous site: Pagefind runs
    assert dropped == [1]  # the garbage of the pages and MkDocs freed before Pagefind runs

    change_report(data, "2024-Q4/1.1.1.1.2.yaml", "денне")  # a report of the daily index
    daily = built(data, out)
    assert daily.index("search") < daily.index("datasets") < daily.index("mkdocs")
    assert dropped == [1]  # Pagefind does not run: nothing to make room for
    clean = built(data, tmp_path / "clean")
    assert site_files(out) == site_files(tmp_path / "clean")

    change_report(data, "2024-Q3/1.1.1.1.2.yaml", "старе")  # an older report: Pagefind runs
    older = built(data, out)
    assert older.index("search") > older.index("mkdocs")
    built(data, tmp_path / "clean-2")
    assert site_files(out) == site_files(tmp_path / "clean-2")
    assert clean and sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == [
        ".public.spare"
    ]  # the indexes' own folders are gone


@pytest.mark.slow
def test_without_a_forked_child_the_indexes_are_made_after_mkdocs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parallel, "FORK_BUDGET_MB", 0)  # the datasets in this process
    data = copy_data(tmp_path / "data")
    out = tmp_path / "public"
    built(data, out)
    change_report(data, "2024-Q4/1.1.1.1.2.yaml", "денне")
    again = built(data, out)
    assert again.index("search") > again.index("mkdocs")


def test_the_key_an_index_was_made_from(tmp_path: Path) -> None:
    index = tmp_path / "pagefind"
    assert made_from(index) is None  # no index
    index.mkdir()
    (index / INDEX_MANIFEST).write_text("not json", encoding="utf-8")
    assert made_from(index) is None
    (index / INDEX_MANIFEST).write_text(json.dumps({"key": 3}), encoding="utf-8")
    assert made_from(index) is None
    (index / INDEX_MANIFEST).write_text(json.dumps(["key"]), encoding="utf-8")
    assert made_from(index) is None
    (index / INDEX_MANIFEST).write_text(json.dumps({"key": "abc"}), encoding="utf-8")
    assert made_from(index) == "abc"


def test_garbage_that_holds_the_data_is_dropped_before_pagefind() -> None:
    """Issue 22: what only reference cycles hold (a Jinja2 render's context holds the whole
    `Site`) is freed before Pagefind runs, though the build keeps the collector off."""
    import gc
    import weakref

    class Data:
        """Stands for the data a build holds."""

    gc.disable()
    try:
        data = Data()
        held = weakref.ref(data)
        cycle: list[object] = [data]
        cycle.append(cycle)
        del data, cycle
        assert held() is not None  # in a cycle: reference counting does not free it
        indexes.drop_garbage()
        assert held() is None
    finally:
        gc.enable()


@pytest.mark.slow
def test_the_english_index_is_made_beside_the_ukrainian_one_where_memory_allows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 22, thirteenth session: the two editions' Pagefind indexes at once (the English
    one in a forked child), the same site as one after the other; the stages still told in
    order, each with its own edition's CPU."""
    import os
    import time

    from builder.site.search import index as search_index

    monkeypatch.setattr(parallel, "FORK_BUDGET_MB", 1 << 20)  # memory is no limit here
    log = tmp_path / "made.log"  # appended to by this process and the English index's child
    write = search_index.write_index

    def logged(entries: list, root: Path, *args: object) -> bool:
        start = time.monotonic()
        carried = write(entries, root, *args)  # type: ignore[arg-type]
        with open(log, "a", encoding="utf-8") as f:
            f.write(f"{args[1].lang} {os.getpid()} {start} {time.monotonic()}\n")  # type: ignore[attr-defined]
        return carried

    monkeypatch.setattr(indexes, "write_index", logged)
    data = copy_data(tmp_path / "data")
    times: dict[str, float] = {}

    def progress(stage: str, seconds: float | None, detail: str) -> None:
        if seconds is not None:
            times[stage] = seconds

    docs = tmp_path / "docs"
    beside = build(data, tmp_path / "beside", DAY, COMPUTED_ON, docs_dir=docs, progress=progress)
    made = {
        lang: (int(pid), float(a), float(b))
        for lang, pid, a, b in map(str.split, log.read_text().splitlines())
    }
    assert set(made) == {"uk", "en"}
    assert made["uk"][0] == os.getpid() != made["en"][0]  # English: in a child of its own
    assert made["en"][1] < made["uk"][2] and made["uk"][1] < made["en"][2]  # at the same time
    assert list(beside.timings) == list(times)  # told as they ended, in order
    assert list(times).index("search") + 1 == list(times).index("search en")
    assert beside.cpu["search en"] > 0  # the child's CPU, and its Pagefind's, counted

    log.unlink()
    monkeypatch.setattr(indexes.SearchIndexes, "beside", lambda self: False)
    build(data, tmp_path / "after", DAY, COMPUTED_ON, docs_dir=tmp_path / "docs-2")
    assert {line.split()[1] for line in log.read_text().splitlines()} == {str(os.getpid())}
    assert site_files(tmp_path / "beside") == site_files(tmp_path / "after")


def test_the_english_index_child_leaves_the_cores_to_the_ukrainian_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 22, fifteenth session: the English index's forked child (and so its Pagefind)
    runs `BESIDE_NICENESS` lower than the build's process, which makes the Ukrainian index
    (the stage's critical path); where the work runs inline (no fork) the build's process
    keeps its priority."""
    import os

    from builder.parallel import Forked

    told = tmp_path / "told"

    def write_one(self: indexes.SearchIndexes, n: int) -> None:
        told.write_text(f"{n} {os.getpid()} {os.nice(0)}")

    monkeypatch.setattr(indexes.SearchIndexes, "_write_one", write_one)
    monkeypatch.setattr(parallel, "can_fork", lambda: True)
    search = indexes.SearchIndexes(tmp_path / "public", tmp_path, False, [], [])
    base = os.nice(0)
    child = Forked("x", search._write_beside, 1, os.getpid())
    child.result()
    assert child.forked
    n, pid, niceness = told.read_text().split()
    assert n == "1" and int(pid) != os.getpid()
    assert int(niceness) == min(base + indexes.BESIDE_NICENESS, 19) > base
    assert os.nice(0) == base
    search._write_beside(1, os.getpid())  # inline
    assert told.read_text().split() == ["1", str(os.getpid()), str(base)]
    assert os.nice(0) == base


def test_the_english_index_is_made_beside_only_within_the_memory_budget(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The figures measured at 2,000 measures (2,578 entries an edition, 8.86 M and 0.96 M
    characters of indexed text, Pagefind's peaks 394 and 145 MB) let both run at once; at
    4,000 (~5,130 entries, 18.1 M and 1.96 M: 783 and 286 MB) one after the other."""
    monkeypatch.setattr(parallel, "resident_mb", lambda: 48.0)  # the build's process, measured
    monkeypatch.setattr(parallel, "can_fork", lambda: True)
    search = indexes.SearchIndexes(tmp_path / "public", tmp_path, False, [], [])
    assert not search.beside()  # not stowed: the entries would be copied into the child
    search.stowed = True
    at_2000 = [18_938_537, 1_870_150], [(2_578, 8_856_055), (2_578, 957_595)]
    search.stowed_bytes, search.sizes = at_2000
    assert search.beside()
    assert indexes.pagefind_mb(2_578, 8_856_055) > 394
    assert indexes.pagefind_mb(2_578, 957_595) > 145
    search.stowed_bytes, search.sizes = (
        [38_692_007, 3_824_388],
        [(5_128, 18_131_172), (5_128, 1_964_836)],
    )
    assert indexes.pagefind_mb(5_128, 18_131_172) > 783
    assert indexes.pagefind_mb(5_128, 1_964_836) > 286
    assert not search.beside()
    search.stowed_bytes, search.sizes = at_2000
    monkeypatch.setattr(parallel, "can_fork", lambda: False)
    assert not search.beside()
