"""The English edition's pages made beside the Ukrainian ones, the two editions' pages shared
with a forked process (issue 22, site/english.py): the docs folder, the site, the writer's
bookkeeping and the pages' keys are those of the English pages made after the Ukrainian ones
in one process, whichever process makes which pages; what the editions share is made once;
a failed child fails the build and leaves the previous site as it was."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import marshal
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from builder import parallel
from builder.build import BuildResult, build
from builder.compute import history_snapshots
from builder.errors import BuildError
from builder.i18n import _
from builder.output import Writer
from builder.site import english, pagekeys, pages, searchkeys
from builder.site.context import prepare
from builder.site.english import EnglishPages, write_pages
from builder.site.pages import DOWNLOADS_PAGE, edition_pages
from builder.site.search.entries import search_entries
from builder.validate import validate
from builder.versions import dataset_as_of
from builder.wording import EN

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "programme" / "data"
AS_OF = dt.date(2025, 12, 31)
DAY = dt.date(2026, 1, 20)
CHANGED = "1.1.1.2"  # a fixture measure with a report of 2024-Q3

needs_fork = pytest.mark.skipif(not parallel.can_fork(), reason="forking is not possible here")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project folder with the fixture programme's data, worked in (its own .dap-cache/),
    every fork within the memory budget."""
    shutil.copytree(FIXTURE, tmp_path / "data")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DAP_NO_CACHE", raising=False)
    monkeypatch.setattr(parallel, "FORK_BUDGET_MB", 1 << 20)
    return tmp_path


def run(project: Path, out: str = "public") -> BuildResult:
    return build(project / "data", project / out, AS_OF, DAY, docs_dir=project / f"{out}-docs")


def edit_report(project: Path) -> None:
    report = project / "data" / "reports" / "2024-Q3" / f"{CHANGED}.yaml"
    text = report.read_text(encoding="utf-8")
    report.write_text(text.replace("\ntext: ", "\ntext: (виправлено) ", 1), encoding="utf-8")


def files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def forks(monkeypatch: pytest.MonkeyPatch, calls: Path) -> None:
    """Note in `calls` each English edition forked (by whichever process forks it)."""
    real = english.Forked

    def spy(what: str, work: Any, *args: object, **kwargs: Any) -> object:
        made = real(what, work, *args, **kwargs)
        with open(calls, "a", encoding="utf-8") as f:
            f.write(f"{made.forked}\n")
        return made

    monkeypatch.setattr(english, "Forked", spy)


def keys_record(project: Path, docs: str) -> tuple[dict[str, Any], object]:
    """The pages' keys record of docs folder `docs` without what names the folder and the
    moment (the files' times and inodes), and the search entries' file's values (marshal's
    back-references follow which objects are shared, not the values: its bytes may differ)."""
    folder = pagekeys.PageKeys.for_docs(project / docs).folder
    assert folder is not None
    body = pagekeys.unsealed((folder / pagekeys.RECORD).read_text(encoding="utf-8"))
    assert body is not None
    record = json.loads(body)
    del record["saved"], record["docs"]
    record["pages"] = {docs: entry[:3] for docs, entry in record["pages"].items()}
    search = (folder / searchkeys.FILE).read_bytes().partition(b"\n")[2]
    return record, marshal.loads(search)


@pytest.mark.slow
@needs_fork
def test_the_english_pages_forked_give_the_docs_site_and_keys_made_one_after_the_other(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = project / "forked.txt"
    forks(monkeypatch, calls)
    beside = run(project, "beside")
    assert calls.read_text().split() == ["True"]
    monkeypatch.setattr(english, "can_fork_copies", lambda *a, **k: False)
    inline = run(project, "inline")
    assert calls.read_text().split() == ["True"]  # not forked this time
    for folder in ("{}", "{}-docs"):
        mine, theirs = (
            files(project / folder.format("beside")),
            files(project / folder.format("inline")),
        )
        assert sorted(mine) == sorted(theirs)
        assert [path for path in theirs if mine[path] != theirs[path]] == []
    assert (beside.changed, beside.search_entries) == (inline.changed, inline.search_entries)
    assert set(beside.timings) == set(inline.timings)  # "pages en" told both ways
    assert keys_record(project, "beside-docs") == keys_record(project, "inline-docs")
    # a rebuild after one report changed (the English pages not forked: a few to render):
    # a clean build's files and keys
    monkeypatch.setattr(english, "can_fork_copies", parallel.can_fork_copies)
    edit_report(project)
    again = run(project, "beside")
    assert 0 < again.changed < beside.changed
    assert "(виправлено)" in (project / "beside-docs/en/measures" / f"{CHANGED}.md").read_text()
    monkeypatch.setattr(english, "can_fork_copies", lambda *a, **k: False)
    clean = run(project, "clean")
    assert calls.read_text().split() == ["True"]
    for folder in ("{}", "{}-docs"):
        mine, theirs = (
            files(project / folder.format("beside")),
            files(project / folder.format("clean")),
        )
        assert sorted(mine) == sorted(theirs)
        assert [path for path in theirs if mine[path] != theirs[path]] == []
    assert keys_record(project, "beside-docs") == keys_record(project, "clean-docs")
    assert again.search_entries == clean.search_entries


def made_both_ways(
    tmp_path: Path,
    site: pagekeys.Site,
    fork: bool,
    turns: tuple[str, ...] = ("clean", "again"),
    child_first: bool = False,
) -> dict[str, Any]:
    """Both editions' pages into a docs folder of their own, shared with a forked process or
    not, twice (the second time with the first's keys; "anew": into a docs folder emptied, as
    a clean build with the previous build's keys); the writer's and keys' bookkeeping (the
    writer's in path order: which process wrote a page first is not the output's).
    `child_first`: the child waited for before this process takes any unit (it makes them
    all)."""
    docs, cache = tmp_path / f"docs-{fork}-{child_first}", tmp_path / f"cache-{fork}-{child_first}"
    seen: dict[str, Any] = {}
    for turn in turns:
        if turn == "anew":
            shutil.rmtree(docs)
        writer, keys = Writer(docs), pagekeys.PageKeys(cache, docs)
        en = dataclasses.replace(site, ed=EN)
        pages = EnglishPages(site, en, keys, docs, ROOT / "site" / "mkdocs.yml", fork=fork)
        assert (pages.child is not None) == fork
        if child_first:
            search_en = pages.result(writer)
            assert list(pages.pages()) == []  # every unit taken by the child
        else:
            write_pages(writer, pages.pages(), but=DOWNLOADS_PAGE)
            search_en = pages.result(writer)
        search = search_entries(site, keys) + search_en
        keys.keep(writer)
        seen[turn] = {
            "written": sorted(writer.written.items()),
            "digests": sorted(writer.digests.items()),
            "sums": sorted(writer.sums.items()),
            "unchanged": writer.unchanged,
            "keys": dict(keys.keys),
            "kept": dict(keys.kept),
            "rendered": sorted(keys.rendered),
            "groups": dict(keys.groups),
            "parts": dict(keys.parts),
            "bare": dict(keys._digests.bare_now),
            "search keys": dict(keys.search.keys),
            "search now": {lang: sorted(now.items()) for lang, now in keys.search.now().items()},
            "taken": keys.search.taken_count,
            "notes": list(keys.notes),
            "search": search,
        }
        keys.save(writer.sums)
        writer.prune()
    return seen


@needs_fork
def test_the_writer_and_keys_after_a_forked_english_edition_are_those_made_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parallel, "FORK_BUDGET_MB", 1 << 20)
    data, problems = validate(FIXTURE, str(FIXTURE))
    assert not [p for p in problems if p.severity == "error"]
    data = dataset_as_of(data, AS_OF)
    site = prepare(data, history_snapshots(data, None, AS_OF, DAY), None, "d", "x", "1")
    here = made_both_ways(tmp_path, site, False)
    for child_first in (False, True):  # the units shared as they come; all made by the child
        forked = made_both_ways(tmp_path, site, True, child_first=child_first)
        assert forked["clean"]["unchanged"] == 0 and forked["again"]["unchanged"] > 0
        assert forked["again"]["taken"] > 0 and forked["again"]["kept"]
        assert any(
            path.startswith("en/") for path in forked["clean"]["kept"] or forked["clean"]["keys"]
        )
        for turn in ("clean", "again"):
            for part in forked[turn]:
                assert forked[turn][part] == here[turn][part], (turn, part, child_first)
        assert files(tmp_path / f"docs-True-{child_first}") == files(tmp_path / "docs-False-False")


def made_where(monkeypatch: pytest.MonkeyPatch, calls: Path) -> None:
    """Note in `calls` each aggregate digest, aggregate view, part view and measure view digest
    made, with the process that made it (the English child's count, the parent's)."""

    def spy(module: Any, name: str) -> None:
        real = getattr(module, name)

        def noted(*args: Any, **kwargs: Any) -> Any:
            with open(calls, "a", encoding="utf-8") as f:
                f.write(f"{os.getpid()} {name}\n")
            return real(*args, **kwargs)

        monkeypatch.setattr(module, name, noted)

    for name in ("aggregate_digest", "aggregate_view"):
        spy(pagekeys, name)
    for name in ("section_view", "result_view", "executor_view"):
        spy(pages, name)
    spy(pagekeys.PageKeys, "_view_digest")


@needs_fork
@pytest.mark.parametrize("child_first", [False, True])
def test_what_the_editions_share_is_made_once_by_one_process_or_the_other(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, child_first: bool
) -> None:
    """The aggregate group's digest and view, each part's view and digest and each measure
    view's digest are made once for both editions, by the process that takes their unit
    (`pages.shared_units`): the two processes together make as many as one process making
    both editions; the child alone makes them all when it takes every unit."""
    monkeypatch.setattr(parallel, "FORK_BUDGET_MB", 1 << 20)
    data, problems = validate(FIXTURE, str(FIXTURE))
    assert not [p for p in problems if p.severity == "error"]
    data = dataset_as_of(data, AS_OF)
    site = prepare(data, history_snapshots(data, None, AS_OF, DAY), None, "d", "x", "1")
    counts, seen = {}, {}
    for fork in (True, False):
        calls = tmp_path / f"calls-{fork}.txt"
        with monkeypatch.context() as spied:
            made_where(spied, calls)
            # every page rendered, no previous keys (a part's digest is made whoever takes it)
            seen[fork] = made_both_ways(tmp_path, site, fork, ("clean",), child_first and fork)
        here: dict[str, int] = {}
        child: dict[str, int] = {}
        for pid, name in (line.split() for line in calls.read_text().splitlines()):
            found = here if int(pid) == os.getpid() else child
            found[name] = found.get(name, 0) + 1
        counts[fork] = (here, child)
    made = counts[False][0]
    assert counts[False][1] == {}
    assert {"aggregate_digest", "aggregate_view", "_view_digest", "result_view"} <= set(made)
    here, child = counts[True]
    assert {name: here.get(name, 0) + child.get(name, 0) for name in made} == made
    assert set(here) | set(child) == set(made)
    if child_first:  # this process took no unit: it made none of them
        assert (here, child) == ({}, made)
    assert seen[True] == seen[False]  # the same bookkeeping, writer and keys


def test_shared_units_are_taken_from_both_ends_each_once() -> None:
    """`english.Shared`: this process from the front, the child from the back, until they
    meet; every unit taken once."""
    shared = english.Shared(5)
    front, back = shared.front(), shared.back()
    assert [next(front), next(back), next(back), next(front)] == [0, 4, 3, 1]
    assert list(back) == [2] and list(front) == []
    assert list(english.Shared(0).front()) == []


def test_without_shared_memory_the_english_pages_are_made_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where the units' shared counter cannot be made (no semaphores: `multiprocessing`'s
    ImportError, or OSError), nothing is forked and the editions are made one after the
    other, as without a fork."""
    monkeypatch.setattr(parallel, "FORK_BUDGET_MB", 1 << 20)

    def no_semaphores(n: int) -> None:
        raise ImportError("no sem_open here")

    monkeypatch.setattr(english, "Shared", no_semaphores)
    data, problems = validate(FIXTURE, str(FIXTURE))
    assert not [p for p in problems if p.severity == "error"]
    data = dataset_as_of(data, AS_OF)
    site = prepare(data, history_snapshots(data, None, AS_OF, DAY), None, "d", "x", "1")
    writer, keys = Writer(tmp_path / "docs"), pagekeys.PageKeys(None, tmp_path / "docs")
    en = dataclasses.replace(site, ed=EN)
    made = EnglishPages(site, en, keys, tmp_path / "docs", ROOT / "site" / "mkdocs.yml")
    assert made.child is None and made.units == []
    write_pages(writer, made.pages(), but=DOWNLOADS_PAGE)
    assert made.result(writer)
    assert f"en/{pages.page_path('measures', CHANGED)}" in writer.written
    assert pages.page_path("measures", CHANGED) in writer.written


def test_the_pages_units_are_those_of_each_edition_one_after_the_other(tmp_path: Path) -> None:
    """`pages.shared_units` make exactly each edition's `edition_pages` (but the downloads
    page), the same texts at the same docs paths."""
    data, problems = validate(FIXTURE, str(FIXTURE))
    assert not [p for p in problems if p.severity == "error"]
    data = dataset_as_of(data, AS_OF)
    site = prepare(data, history_snapshots(data, None, AS_OF, DAY), None, "d", "x", "1")
    en = dataclasses.replace(site, ed=EN)
    keys = pagekeys.PageKeys(None, tmp_path)
    units = pages.shared_units([site, en], keys)
    assert len(units) > 3
    shared = dict(page for unit in units for page in unit())
    one = pagekeys.PageKeys(None, tmp_path)
    each = dict(edition_pages(site, one)) | dict(edition_pages(en, one))
    del each[DOWNLOADS_PAGE], each[f"en/{DOWNLOADS_PAGE}"]
    assert sorted(shared) == sorted(each)
    assert [path for path in each if shared[path] != each[path]] == []


@pytest.mark.slow
@needs_fork
@pytest.mark.parametrize("how", ["raises", "killed"])
def test_a_failed_english_child_fails_the_build_and_keeps_the_previous_site(
    project: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    run(project)
    before = files(project / "public")

    def broken(*args: object) -> object:
        if how == "killed":
            os._exit(9)  # as if the system had killed it
        raise RuntimeError("no English pages today")

    monkeypatch.setattr(english, "_english", broken)
    forks(monkeypatch, project / "forked.txt")
    edit_report(project)  # something to build
    shutil.rmtree(project / "public-docs")  # every page rendered: the English ones forked
    error = "RuntimeError: no English pages today" if how == "raises" else None
    with pytest.raises(BuildError) as raised:
        run(project)
    job = _("the pages (the second process)")
    error = error or _("it ended without an answer")
    assert str(raised.value) == _("{job} failed: {error}", job=job, error=error)
    assert (project / "forked.txt").read_text().split() == ["True"]
    assert files(project / "public") == before
    assert sorted(p.name for p in project.iterdir()) == [
        ".dap-cache",
        "data",
        "forked.txt",
        "public",
        "public-docs",
    ]


def test_the_pages_fork_follows_the_growth_measured(monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 22: the pages' child is forked where this process and it, grown by the share
    measured (`english.PAGES_GROWTH`: at 4,000 measures 390 MB here, the tree's peak 942 MB),
    fit the memory budget: at 4,000 measures (~390 MB), at 2,000 (~230 MB) beside the
    datasets' child; not at 430 MB, which a third of the process (the estimate before) let
    in (2 × 430 + 143 ≤ 1,024), nor at 8,000 measures (~700 MB)."""
    monkeypatch.setattr(parallel, "can_fork", lambda: True)

    def fits(mb: float, children: int = 0) -> bool:
        monkeypatch.setattr(parallel, "resident_mb", lambda: mb)
        monkeypatch.setattr(english, "resident_mb", lambda: mb)
        return english.pages_fork_fits(children)

    assert fits(390.0) and fits(230.0, children=1)
    assert not fits(430.0) and not fits(700.0)
    # the build's process is in the tree too: at ~425 MB the tree peaked over 1 GB (1,039 MB)
    assert not fits(420.0)
