"""Record pages rendered only when what they show has changed (issue 22, site/pagekeys.py): a
measure page is rendered from its own view of the data, and the same page in the same docs
folder is not rendered again while its key and its file are as the last build left them; a
rebuild's docs folder and site equal a clean build's, file by file."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import shutil
import time
from pathlib import Path

import jinja2
import pytest

from builder import parallel
from builder.build import BuildResult, build
from builder.cache import seal
from builder.compute import history_snapshots
from builder.errors import BuildError
from builder.git.history import Recorded, read_authors, read_history
from builder.i18n import _
from builder.load import record_path
from builder.output import Writer
from builder.site import digests, measures, pagekeys, pages, searchkeys
from builder.site.context import Trails, prepare
from builder.site.measures import measure_page
from builder.site.search import entries as search
from builder.validate import validate
from builder.versions import dataset_as_of
from builder.wording import EN, UK
from builder.workflow.audit import Step, audit_trails

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "programme" / "data"
AS_OF = dt.date(2025, 12, 31)
DAY = dt.date(2026, 1, 20)
CHANGED = "1.1.1.2"  # the fixture measure whose report `edit_report` changes


def load_data(path: Path):  # noqa: ANN201 - test helper
    data, problems = validate(path, str(path))
    assert not [p for p in problems if p.severity == "error"]
    return data


@pytest.mark.parametrize("data_dir", [ROOT / "data", FIXTURE], ids=["demo", "fixture"])
@pytest.mark.parametrize("ed", [UK, EN], ids=["uk", "en"])
def test_a_measure_page_from_its_view_is_the_page_from_the_whole_site(data_dir: Path, ed) -> None:
    """The view holds everything the page reads: what it lacked would be missing here."""
    data = dataset_as_of(load_data(data_dir), AS_OF)
    history = read_authors(read_history(data_dir))
    site = prepare(data, history_snapshots(data, history, AS_OF, DAY), history, "d", "x", "1")
    site = dataclasses.replace(site, ed=ed)
    assert len(data.measures) >= 5
    for mid in sorted(data.measures):
        view = pagekeys.measure_view(site, mid)
        assert measure_page(view, mid) == measure_page(site, mid), mid
        assert list(view.data.reports) == site.reports_of.get(mid, [])  # its own alone


def test_a_view_digest_is_stable_and_follows_what_the_page_shows() -> None:
    data = dataset_as_of(load_data(FIXTURE), AS_OF)
    site = prepare(data, history_snapshots(data, None, AS_OF, DAY), None, "d", "x", "1")
    one, other = pagekeys.Digests(), pagekeys.Digests()
    views = {mid: pagekeys.measure_view(site, mid) for mid in sorted(data.measures)}
    first = {mid: one.of(view) for mid, view in views.items()}
    assert first == {mid: other.of(view) for mid, view in views.items()}  # no memo's effect
    assert len(set(first.values())) == len(first)
    report = site.reports_of[CHANGED][0]
    changed = dataclasses.replace(
        data,
        reports={**data.reports, report: data.reports[report].model_copy(update={"text": "інше"})},
    )
    again = dataclasses.replace(site, data=changed)
    assert pagekeys.Digests().of(pagekeys.measure_view(again, CHANGED)) != first[CHANGED]
    later = dataclasses.replace(site.snap, computed_on=DAY + dt.timedelta(days=1))
    moved = dataclasses.replace(site, snapshots=[*site.snapshots[:-1], later])
    assert pagekeys.Digests().of(pagekeys.measure_view(moved, CHANGED)) != first[CHANGED]


# ---------------------------------------------------------------- rebuilds


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project folder with the fixture programme's data, worked in (its own .dap-cache/)."""
    shutil.copytree(FIXTURE, tmp_path / "data")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DAP_NO_CACHE", raising=False)
    return tmp_path


@pytest.fixture
def rendered(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Each measure page rendered, as (edition, measure), in order."""
    monkeypatch.setattr(parallel, "FORK_BUDGET_MB", 0)  # the pages rendered in this process
    calls: list[tuple[str, str]] = []

    def counted(site, mid: str) -> str:  # type: ignore[no-untyped-def]
        calls.append((site.ed.lang, mid))
        return measure_page(site, mid)

    monkeypatch.setattr(pages, "measure_page", counted)
    return calls


def run(project: Path, out: str = "public") -> BuildResult:
    return build(project / "data", project / out, AS_OF, DAY, docs_dir=project / f"{out}-docs")


def edit_report(project: Path, words: str = "(виправлено) ") -> None:
    report = project / "data" / "reports" / "2024-Q3" / f"{CHANGED}.yaml"
    report.write_text(
        report.read_text(encoding="utf-8").replace("\ntext: ", f"\ntext: {words}", 1),
        encoding="utf-8",
    )


def files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def same_as_clean(project: Path) -> None:
    """public/ and its docs folder hold exactly what a build into new folders makes."""
    run(project, out="clean")
    for built, clean in (("public", "clean"), ("public-docs", "clean-docs")):
        mine, theirs = files(project / built), files(project / clean)
        assert sorted(mine) == sorted(theirs)
        assert [path for path in theirs if mine[path] != theirs[path]] == [], built
    shutil.rmtree(project / "clean")
    shutil.rmtree(project / "clean-docs")


def test_one_report_changed_renders_its_measure_page_alone(
    project: Path, rendered: list[tuple[str, str]]
) -> None:
    measures = sorted(p.stem for p in (project / "data" / "measures").glob("*.yaml"))
    run(project)
    assert sorted(rendered) == sorted((lang, mid) for lang in ("uk", "en") for mid in measures)
    docs = project / "public-docs"
    other = docs / "measures" / f"{measures[0]}.md"
    before = other.stat()
    rendered.clear()
    edit_report(project)
    second = run(project)
    assert rendered == [("uk", CHANGED), ("en", CHANGED)]  # both editions, no other
    assert "(виправлено)" in (docs / "measures" / f"{CHANGED}.md").read_text(encoding="utf-8")
    assert "(виправлено)" in (docs / "en" / "measures" / f"{CHANGED}.md").read_text("utf-8")
    assert (other.stat().st_ino, other.stat().st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert second.notes == []
    rendered.clear()
    same_as_clean(project)  # the aggregates (rendered every build) show the change as well
    assert len(rendered) == 2 * len(measures)  # a new docs folder has no previous pages


def test_a_change_every_page_shows_renders_every_page(
    project: Path, rendered: list[tuple[str, str]]
) -> None:
    run(project)
    rendered.clear()
    programme = project / "data" / "programme.yaml"
    text = programme.read_text(encoding="utf-8")
    programme.write_text(text.replace("\ntitle: ", "\ntitle: Нова ", 1), encoding="utf-8")
    run(project)
    assert len(rendered) == 2 * len(list((project / "data" / "measures").glob("*.yaml")))
    same_as_clean(project)


@pytest.mark.parametrize("how", ["in place", "edited", "removed"])
def test_an_edited_docs_page_is_rendered_again(
    project: Path, rendered: list[tuple[str, str]], how: str
) -> None:
    run(project)
    docs = project / "public-docs"
    if how == "edited":  # every file written long ago: trusted by its state, not its bytes
        past = time.time_ns() - 60_000_000_000
        for path in docs.rglob("*.md"):
            os.utime(path, ns=(past, past))
        run(project)  # the docs' state changed: a full build, which keeps the settled pages
    page = docs / "en" / "measures" / "1.1.1.1.md"  # not the measure whose report changes
    state = page.stat()
    text = page.read_bytes()
    changed = text.replace(b"Measure", b"Mxasure", 1)
    assert changed != text and len(changed) == len(text)
    if how == "in place":  # the same size, inode and time: only its bytes tell
        with open(page, "r+b") as handle:
            handle.write(changed)
        os.utime(page, ns=(state.st_atime_ns, state.st_mtime_ns))
    elif how == "edited":
        page.write_bytes(changed)
    else:
        page.unlink()
    rendered.clear()
    edit_report(project)
    run(project)
    assert sorted(rendered) == [("en", "1.1.1.1"), ("en", CHANGED), ("uk", CHANGED)]
    assert page.read_bytes() == text
    same_as_clean(project)


@pytest.mark.parametrize("how", ["broken", "foreign", "edited key", "missing", "other folder"])
def test_a_damaged_key_record_renders_every_page(
    project: Path, rendered: list[tuple[str, str]], how: str
) -> None:
    run(project)
    [record] = (project / ".dap-cache").glob(f"{pagekeys.PREFIX}*/{pagekeys.RECORD}")
    sealed = json.loads(record.read_text(encoding="utf-8"))
    body = json.loads(sealed["body"])
    if how == "broken":
        record.write_text("{broken", encoding="utf-8")
    elif how == "foreign":  # keys of pages that changed, not sealed by this user's dap
        body["pages"] = {page: ["0" * 32, *entry[1:]] for page, entry in body["pages"].items()}
        record.write_text(json.dumps({"body": json.dumps(body), "seal": "00" * 32}), "utf-8")
    elif how == "edited key":
        sealed["body"] = sealed["body"].replace(body["pages"]["measures/1.1.1.1.md"][0], "0")
        record.write_text(json.dumps(sealed), encoding="utf-8")
    elif how == "missing":
        record.unlink()
    else:  # a record of another docs folder is not this one's
        body["docs"] = str(project / "elsewhere")
        from builder.cache import seal

        text = json.dumps(body)
        mac = seal(text.encode("utf-8"))
        assert mac is not None
        record.write_text(json.dumps({"body": text, "seal": mac.hex()}), encoding="utf-8")
    rendered.clear()
    edit_report(project)
    second = run(project)
    assert len(rendered) == 2 * len(list((project / "data" / "measures").glob("*.yaml")))
    assert len(second.notes) == (1 if how in ("broken", "foreign", "edited key") else 0)
    same_as_clean(project)


def test_without_a_cache_every_page_is_rendered(
    project: Path, rendered: list[tuple[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DAP_NO_CACHE", "1")
    run(project)
    rendered.clear()
    edit_report(project)
    run(project)
    assert len(rendered) == 2 * len(list((project / "data" / "measures").glob("*.yaml")))
    assert not list(project.glob(".dap-cache/build-*/pages.json"))


def test_a_kept_file_counts_as_written_once(tmp_path: Path) -> None:
    writer = Writer(tmp_path)
    (tmp_path / "measures").mkdir()
    (tmp_path / "measures" / "1.md").write_text("один", encoding="utf-8")
    writer.keep("measures/1.md", 8, "ab" * 16)
    assert writer.digests == {"measures/1.md": "ab" * 16} and writer.unchanged == 1
    with pytest.raises(BuildError):
        writer.write("measures/1.md", "два")
    with pytest.raises(BuildError):
        writer.keep("../outside.md", 1, "00")
    assert writer.prune() == 0 and (tmp_path / "measures" / "1.md").is_file()


def test_a_new_measure_is_rendered_and_a_name_renders_the_pages_that_show_it(
    project: Path, rendered: list[tuple[str, str]]
) -> None:
    run(project)
    measures = project / "data" / "measures"
    text = (measures / "1.1.1.5.yaml").read_text(encoding="utf-8")
    (measures / "1.1.1.6.yaml").write_text(
        text.replace("1.1.1.5", "1.1.1.6").replace("не розпочався", "новий"), encoding="utf-8"
    )
    rendered.clear()
    run(project)
    assert rendered == [("uk", "1.1.1.6"), ("en", "1.1.1.6")]
    assert "новий" in (project / "public-docs" / "measures" / "1.1.1.6.md").read_text("utf-8")
    same_as_clean(project)
    executor = project / "data" / "executors" / "agency.yaml"
    text = executor.read_text(encoding="utf-8")
    executor.write_text(text.replace("name_en: Test Agency", "name_en: Tested Agency"), "utf-8")
    rendered.clear()
    run(project)  # every measure names it: every page of both editions
    assert sorted(rendered) == sorted(
        (lang, p.stem) for lang in ("uk", "en") for p in measures.glob("*.yaml")
    )
    same_as_clean(project)
    (measures / "1.1.1.6.yaml").unlink()
    rendered.clear()
    run(project)
    assert rendered == [] and not (project / "public-docs" / "measures" / "1.1.1.6.md").exists()
    same_as_clean(project)


# ---------------------------------------------------------------- the aggregate pages


@pytest.mark.parametrize("data_dir", [ROOT / "data", FIXTURE], ids=["demo", "fixture"])
@pytest.mark.parametrize("ed", [UK, EN], ids=["uk", "en"])
def test_the_aggregate_pages_from_their_view_are_those_from_the_whole_site(
    data_dir: Path, ed
) -> None:
    """The aggregate view leaves out only what no aggregate page or data file reads."""
    data = dataset_as_of(load_data(data_dir), AS_OF)
    history = read_authors(read_history(data_dir))
    site = prepare(data, history_snapshots(data, history, AS_OF, DAY), history, "d", "x", "1")
    site = dataclasses.replace(site, ed=ed)
    view = pagekeys.aggregate_view(site)
    assert view.data.reports and all(r.text == "" for r in view.data.reports.values())
    whole, from_view = pages.aggregate_pages(site, "m: 1\n"), pages.aggregate_pages(view, "m: 1\n")
    assert not set(whole) & set(pages.FILE_PAGES)
    assert sorted(whole) == sorted(from_view)
    assert [path for path in whole if whole[path] != from_view[path]] == []
    assert any(path.startswith("assets/data/asof/") for path in whole)


def test_the_aggregate_digest_takes_every_field_the_view_keeps() -> None:
    """A field added to `Site` or `Dataset` must be digested or left out of the view."""
    site_fields = {f.name for f in dataclasses.fields(pagekeys.Site)}
    view_leaves_out = {"history", "names", "steps_of", "downloads_md", "dictionary_md"}
    static = {"version", "ed"}  # in `static_key`
    digested = {"data", "snapshots", *pagekeys._INDEXES}
    assert site_fields == view_leaves_out | static | digested
    data_fields = {f.name for f in dataclasses.fields(pagekeys.Dataset)}
    digested = {"root", "failed", "staff", "analyst_groups", *pagekeys._RECORDS}
    assert data_fields == {"sources", "programme"} | digested  # left out; in `static_key`


def test_the_aggregate_digest_follows_all_but_what_people_wrote() -> None:
    data = dataset_as_of(load_data(FIXTURE), AS_OF)
    site = prepare(data, history_snapshots(data, None, AS_OF, DAY), None, "d", "x", "1")
    first = pagekeys.aggregate_digest(site, pagekeys.Digests())
    copied = dataclasses.replace(
        site, snapshots=[dataclasses.replace(s) for s in site.snapshots], data=load_data(FIXTURE)
    )
    copied = dataclasses.replace(copied, data=dataset_as_of(copied.data, AS_OF))
    assert pagekeys.aggregate_digest(copied, pagekeys.Digests()) == first  # equal values
    assert pagekeys.aggregate_digest(pagekeys.aggregate_view(site), pagekeys.Digests()) == first
    report = site.reports_of[CHANGED][0]

    def with_report(**update: object) -> str:
        record = data.reports[report].model_copy(update=update)
        changed = dataclasses.replace(data, reports={**data.reports, report: record})
        return pagekeys.aggregate_digest(
            dataclasses.replace(site, data=changed), pagekeys.Digests()
        )

    assert with_report(text="інше") == first  # no aggregate shows it
    assert with_report(executor="other") != first
    assert with_report(approved_on=DAY) != first
    snap = site.snapshots[0]
    state = next(iter(snap.measures.values()))
    moved = dataclasses.replace(
        snap, measures={**snap.measures, state.measure: dataclasses.replace(state, overdue=True)}
    )
    assert not state.overdue
    changed_site = dataclasses.replace(site, snapshots=[moved, *site.snapshots[1:]])
    assert pagekeys.aggregate_digest(changed_site, pagekeys.Digests()) != first
    renamed = dataclasses.replace(site, downloads_md="інше")  # made every build
    assert pagekeys.aggregate_digest(renamed, pagekeys.Digests()) == first


@pytest.fixture
def aggregated(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The editions whose aggregate pages were rendered, in order."""
    monkeypatch.setattr(parallel, "FORK_BUDGET_MB", 0)  # the pages rendered in this process
    calls: list[str] = []
    render = pages.aggregate_pages

    def counted(site, meta: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
        calls.append(site.ed.lang)
        return render(site, meta)

    monkeypatch.setattr(pages, "aggregate_pages", counted)
    return calls


def test_a_report_text_edited_keeps_every_aggregate_file(
    project: Path, aggregated: list[str]
) -> None:
    run(project)
    assert aggregated == ["uk", "en"]
    docs = project / "public-docs"
    kept = [docs / "index.md", docs / "assets" / "data" / "asof" / "index.js"]
    kept += [docs / "en" / "results" / "1.1.1.md", docs / "assets" / "data" / "forms"]
    forms = sorted((docs / "assets" / "data" / "forms").glob("*.js"))
    assert forms
    before = [(p.stat().st_ino, p.stat().st_mtime_ns) for p in [*kept[:3], *forms]]
    aggregated.clear()
    edit_report(project)
    second = run(project)
    assert aggregated == []
    assert [(p.stat().st_ino, p.stat().st_mtime_ns) for p in [*kept[:3], *forms]] == before
    assert second.notes == []
    same_as_clean(project)


@pytest.mark.parametrize(
    "how",
    [
        "status",
        "older report",
        "timeliness",
        "esr figure",
        "measure text",
        "executor",
        "amendment",
        "new quarter",
        "file",
    ],
)
def test_what_an_aggregate_reads_renders_the_aggregates(
    project: Path, aggregated: list[str], how: str
) -> None:
    run(project)
    aggregated.clear()
    data, docs = project / "data", project / "public-docs"
    day = (AS_OF, DAY)
    if how == "status":  # an assessment's status: every snapshot after it
        path = data / "assessments" / "2024-Q3" / f"{CHANGED}.yaml"
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("Виконано частково", "Виконано", 1), encoding="utf-8")
    elif how == "older report":  # when it says it was approved
        path = data / "reports" / "2024-Q1" / f"{CHANGED}.yaml"
        text = path.read_text(encoding="utf-8")
        assert "\nsubmitted: 2024-04-25\n" in text
        path.write_text(text.replace("submitted: 2024-04-25", "submitted: 2024-04-10"), "utf-8")
    elif how == "timeliness":  # the newest quarter's report submitted later
        path = data / "reports" / "2024-Q3" / "1.1.1.3.yaml"
        text = path.read_text(encoding="utf-8")
        assert "\nsubmitted: 2024-10-15\n" in text
        path.write_text(text.replace("submitted: 2024-10-15", "submitted: 2024-11-20"), "utf-8")
    elif how == "esr figure":  # an ESR indicator's value
        path = data / "evaluations" / "2024" / "1.1.1.yaml"
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("value: 62%", "value: 70%", 1), encoding="utf-8")
    elif how == "measure text":  # its title: its page, and the aggregates that list it
        path = data / "measures" / "1.1.1.3.yaml"
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("title: Захід, що", "title: Інший захід, що"), "utf-8")
    elif how == "executor":
        path = data / "executors" / "agency.yaml"
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("name_en: Test Agency", "name_en: Tested Agency"), "utf-8")
    elif how == "amendment":  # the measure's deadline extended: its state at later dates
        path = data / "measures" / f"{CHANGED}.yaml"
        path.write_text(
            path.read_text(encoding="utf-8")
            + "amendments:\n- date: 2024-06-18\n  act: Постанова № 1\n  deadline:\n"
            "    text: січень — грудень 2024 р.\n    start: 2024-01-01\n    end: 2024-12-31\n",
            encoding="utf-8",
        )
    elif how == "new quarter":  # a quarter end more: one more snapshot
        day = (dt.date(2026, 3, 31), dt.date(2026, 4, 2))
    else:  # one of the files edited in the docs folder: the edition's aggregates again
        page = docs / "en" / "assets" / "data" / "asof" / "index.js"
        page.write_text(page.read_text(encoding="utf-8") + "//", encoding="utf-8")
    result = build(data, project / "public", *day, docs_dir=docs)
    assert aggregated == (["en"] if how == "file" else ["uk", "en"]), result.notes
    clean = build(data, project / "clean", *day, docs_dir=project / "clean-docs")
    for built, other in (("public", "clean"), ("public-docs", "clean-docs")):
        mine, theirs = files(project / built), files(project / other)
        assert sorted(mine) == sorted(theirs)
        assert [path for path in theirs if mine[path] != theirs[path]] == [], built
    assert clean.notes == result.notes


def test_the_snapshots_fast_digest_takes_every_field() -> None:
    for kind, names in digests.FAST_FIELDS.items():
        assert names == tuple(f.name for f in dataclasses.fields(kind)), kind


# ---------------------------------------------------------------- the steps made when rendered


def test_the_steps_are_made_for_the_pages_rendered_alone_and_are_every_measures() -> None:
    """`context.Trails` makes a measure's steps when asked for, as `audit_trails` of all
    measures would (issue 22: `prepare()` no longer makes every measure's)."""
    data = dataset_as_of(load_data(ROOT / "data"), AS_OF)
    history = read_authors(read_history(ROOT / "data"))
    site = prepare(data, history_snapshots(data, history, AS_OF, DAY), history, "d", "x", "1")
    assert isinstance(site.steps_of, Trails) and dict.__len__(site.steps_of) == 0  # none yet
    mids = sorted(data.measures)
    site.steps_of.make(mids[:3])
    assert sorted(dict.keys(site.steps_of)) == mids[:3]
    every = audit_trails(data, history)
    assert {mid: site.steps_of.get(mid) for mid in mids} == every
    assert any(every.values())


def test_a_measure_key_follows_what_its_steps_are_made_of() -> None:
    """The key of a measure page leaves its steps out of its view and takes what they are made
    of instead (`pagekeys.steps_inputs`, the rosters): each of those changed changes the key,
    and the same inputs in other objects give the same key."""
    data = dataset_as_of(load_data(ROOT / "data"), AS_OF)
    history = read_authors(read_history(ROOT / "data"))
    assert history.available and history.authors is not None

    snapshots = history_snapshots(data, history, AS_OF, DAY)

    def key(data, history) -> str:  # type: ignore[no-untyped-def]
        """The key with the same snapshots: the history as the steps read it, alone."""
        site = prepare(data, snapshots, history, "d", "x", "1")
        return pagekeys.PageKeys(None, Path())._view_digest(site, mid)

    def steps(data, history) -> list[Step]:  # type: ignore[no-untyped-def]
        return audit_trails(data, history, [mid])[mid]

    site = prepare(data, history_snapshots(data, history, AS_OF, DAY), history, "d", "x", "1")
    mid = next(m for m in sorted(data.measures) if site.reports_of.get(m))
    report = site.reports_of[mid][0]
    path = record_path(data, "reports", report)
    changes = history.of(path)
    assert changes and history.authored(path) is not None
    first = key(data, history)
    again = read_authors(read_history(ROOT / "data"))
    assert key(data, again) == first  # equal values

    located = history.locate(path)
    forgotten = dataclasses.replace(  # the report's file without its history
        history,
        changes={p: c for p, c in history.changes.items() if p != located},
        authors={p: c for p, c in history.authors.items() if p != located},
    )
    later = dataclasses.replace(changes[-1], commit="f" * 40, status="M")
    later = dataclasses.replace(later, date=later.date + dt.timedelta(days=3))
    amended = dataclasses.replace(  # one more commit changed it
        history, changes={**history.changes, located: [*changes, later]}
    )
    authored = dataclasses.replace(  # another first author
        history,
        authors={**history.authors, located: dataclasses.replace(changes[0], author="інший")},
    )
    recorded = dataclasses.replace(  # its merge records another approval
        history,
        commits={
            **history.commits,
            changes[0].commit: Recorded(changes[0].commit, changes[0].date, True, ("p",), ("x",)),
        },
    )
    for other in (forgotten, amended):  # steps that change (the others may, by the rosters)
        assert steps(data, other) != steps(data, history)
    for other in (forgotten, amended, authored, recorded):
        assert key(data, other) != first
    executor = next(iter(data.executors))
    people = data.executors[executor].people
    assert people
    renamed = data.executors[executor].model_copy(
        update={"people": [people[0].model_copy(update={"name": "Інше Ім'я"}), *people[1:]]}
    )
    roster = dataclasses.replace(data, executors={**data.executors, executor: renamed})
    assert key(roster, history) != first


# ---------------------------------------------------------------- a measure key made of its parts


def test_a_measure_key_follows_each_input_of_its_page_and_not_its_objects() -> None:
    """A measure view's digest is made of its parts (`PageKeys._view_digest`, without making the
    view): with each of them changed — a record, the state and due reports, the Git history of
    the measure's and its reports' files, the rosters, the dates, the site's version, a
    section — it changes, and with none changed (the same values in other objects) it is the
    same."""
    data = dataset_as_of(load_data(ROOT / "data"), AS_OF)
    history = read_authors(read_history(ROOT / "data"))
    snapshots = history_snapshots(data, history, AS_OF, DAY)
    site = prepare(data, snapshots, history, "d", "x", "1")
    mid = next(
        m
        for m in sorted(data.measures)
        if site.reports_of.get(m) and site.due_of.get(("measure", m))
    )
    before = pagekeys.PageKeys(None, Path())
    first = {one: before._view_digest(site, one) for one in sorted(data.measures)}
    assert len(set(first.values())) == len(first)

    report = site.reports_of[mid][0]
    path = record_path(data, "reports", report)
    located = history.locate(path)
    changes = history.of(path)
    later = dataclasses.replace(changes[-1], commit="f" * 40, status="M")
    own = history.locate(record_path(data, "measures", mid))
    assert history.authors is not None
    state = site.snap.measures[mid]
    due = site.due_of[("measure", mid)]
    section = data.measures[mid].section
    executor = data.measures[mid].main_executor.executor
    people = data.executors[executor].people
    renamed = data.executors[executor].model_copy(
        update={"people": [people[0].model_copy(update={"name": "Інше Ім'я"}), *people[1:]]}
    )

    def with_data(**changed) -> pagekeys.Site:  # type: ignore[no-untyped-def]
        return dataclasses.replace(site, data=dataclasses.replace(data, **changed))

    def with_history(**changed) -> pagekeys.Site:  # type: ignore[no-untyped-def]
        return dataclasses.replace(site, history=dataclasses.replace(history, **changed))

    changed = {
        "a report's text": with_data(
            reports={
                **data.reports,
                report: data.reports[report].model_copy(update={"text": "інше"}),
            }
        ),
        "the measure's title": with_data(
            measures={
                **data.measures,
                mid: data.measures[mid].model_copy(update={"title": "Інша назва"}),
            }
        ),
        "its section": with_data(
            sections={
                **data.sections,
                section: data.sections[section].model_copy(update={"title": "Інший розділ"}),
            }
        ),
        "a roster": with_data(executors={**data.executors, executor: renamed}),
        "its state": dataclasses.replace(
            site,
            snapshots=[
                *site.snapshots[:-1],
                dataclasses.replace(
                    site.snap,
                    measures={
                        **site.snap.measures,
                        mid: dataclasses.replace(state, overdue=not state.overdue),
                    },
                ),
            ],
        ),
        "the date computed": dataclasses.replace(
            site,
            snapshots=[
                *site.snapshots[:-1],
                dataclasses.replace(site.snap, computed_on=DAY + dt.timedelta(days=1)),
            ],
        ),
        "a report due": dataclasses.replace(
            site,
            due_of={
                **site.due_of,
                ("measure", mid): [dataclasses.replace(due[0], days_late=999), *due[1:]],
            },
        ),
        "the version": dataclasses.replace(site, version="2"),
        "a report's history": with_history(changes={**history.changes, located: [*changes, later]}),
        "its first author": with_history(
            authors={**history.authors, located: dataclasses.replace(changes[0], author="інший")}
        ),
        "a merge's record": with_history(
            commits={
                **history.commits,
                changes[0].commit: Recorded(
                    changes[0].commit, changes[0].date, True, ("p",), ("x",)
                ),
            }
        ),
        "the measure's history": with_history(
            changes={**history.changes, own: [*history.of(own), later]}
        ),
        "no history": dataclasses.replace(site, history=None),
    }
    for what, other in changed.items():
        assert pagekeys.PageKeys(None, Path())._view_digest(other, mid) != first[mid], what

    data = dataset_as_of(load_data(ROOT / "data"), AS_OF)  # the same values, other objects
    history = read_authors(read_history(ROOT / "data"))
    again = prepare(data, history_snapshots(data, history, AS_OF, DAY), history, "d", "x", "1")
    keys = pagekeys.PageKeys(None, Path())
    assert {one: keys._view_digest(again, one) for one in first} == first


def test_a_measure_key_takes_every_field_its_view_holds() -> None:
    """A field added to `Site`, `Dataset` or `History` must be taken by the measure key
    (`PageKeys._view_digest`, `_shared`) or be one a measure view leaves empty."""
    site_fields = {f.name for f in dataclasses.fields(pagekeys.Site)}
    taken = {"data", "snapshots", "history", "version", "due_of", "ed"}  # ed: `static_key`
    from_keys = {"problem_of", "direction_of", "reports_of", "assessments_of", "feedback_of"}
    steps = {"names", "steps_of"}  # made from the records, history and rosters taken
    empty = {"downloads_md", "dictionary_md", "measures_by", "sections_of", "results_of"}
    empty |= {"score_years"}
    assert site_fields == taken | from_keys | steps | empty
    data_fields = {f.name for f in dataclasses.fields(pagekeys.Dataset)}
    kinds = {"sections", "results", "measures", "executors", "reports", "assessments", "feedback"}
    taken = {"root", "programme", "sources", "texts", *pagekeys.ROSTERS}
    empty = {"evaluations", "notices", "failed"}
    assert data_fields == kinds | taken | empty
    history_fields = {f.name for f in dataclasses.fields(pagekeys.History)}
    taken = {"available", "changes", "reason", "root", "cwd_prefix"}  # in the view
    steps = {"commits", "authors"}  # `steps_inputs`
    assert history_fields == taken | steps | {"error", "ref"}


def test_search_entries_taken_from_the_previous_build_are_those_made_anew(tmp_path: Path) -> None:
    """A measure's search entry is the previous build's while its page's key is the same
    (`searchkeys.SearchMemory`): after one report's text changed, every entry but its
    measure's is taken, in both editions, and the entries are those made without keys."""
    data = dataset_as_of(load_data(FIXTURE), AS_OF)
    site = prepare(data, history_snapshots(data, None, AS_OF, DAY), None, "d", "x", "1")

    def entries(site: pagekeys.Site) -> tuple[pagekeys.PageKeys, list[search.Entry]]:
        keys = pagekeys.PageKeys(tmp_path / "cache", tmp_path / "docs")
        made = []
        for one in (site, dataclasses.replace(site, ed=EN)):
            pages.render_pages(one, keys)  # this build's page keys
            made += search.search_entries(one, keys)
        keys.save({})
        return keys, made

    def fresh(site: pagekeys.Site) -> list[search.Entry]:
        english = dataclasses.replace(site, ed=EN)
        return search.search_entries(site) + search.search_entries(english)

    keys, first = entries(site)
    assert keys.search.taken_count == 0 and first == fresh(site)
    report = site.reports_of[CHANGED][0]
    changed = dataclasses.replace(
        data,
        reports={**data.reports, report: data.reports[report].model_copy(update={"text": "інше"})},
    )
    edited = prepare(changed, site.snapshots, None, "d", "x", "1")
    keys, again = entries(edited)
    assert again == fresh(edited) and again != first
    assert keys.search.taken_count == 2 * (len(data.measures) - 1)
    keys, same = entries(edited)
    assert same == again and keys.search.taken_count == 2 * len(data.measures)
    assert not keys.notes  # a usable file: no note
    (tmp_path / "cache" / searchkeys.FILE).write_bytes(b"00\n" + b"x" * 40)  # not sealed
    keys, made = entries(edited)
    assert made == again and keys.search.taken_count == 0
    assert [note for note in keys.notes if searchkeys.FILE in note] == [
        _(searchkeys.FOREIGN, file=tmp_path / "cache" / searchkeys.FILE)
    ]
    body = b"not marshal"  # sealed by this user's dap, but not what it writes
    mac = seal(body)
    assert mac is not None
    (tmp_path / "cache" / searchkeys.FILE).write_bytes(mac.hex().encode() + b"\n" + body)
    keys, made = entries(edited)
    assert made == again and keys.search.taken_count == 0
    assert [note for note in keys.notes if searchkeys.FILE in note] == [
        _(searchkeys.UNREADABLE, file=tmp_path / "cache" / searchkeys.FILE)
    ]


def test_a_measure_page_from_the_kept_compiled_template_is_the_one_compiled_anew(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`measure.md.jinja` compiled once per language and dap is kept in this user's cache
    (`pagekeys.template_cache`) and read back instead of compiled, and the pages are the same."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("DAP_NO_CACHE", raising=False)
    data = dataset_as_of(load_data(FIXTURE), AS_OF)
    site = prepare(data, history_snapshots(data, None, AS_OF, DAY), None, "d", "x", "1")
    compiled: list[str | None] = []
    compile_ = jinja2.Environment.compile

    def counted(self, source, name=None, filename=None, raw=False, defer_init=False):  # type: ignore[no-untyped-def]
        compiled.append(name)
        return compile_(self, source, name, filename, raw, defer_init)

    monkeypatch.setattr(jinja2.Environment, "compile", counted)

    def render(ed) -> list[str]:  # type: ignore[no-untyped-def]
        measures.page_templates.cache_clear()  # a new build's environment
        one = dataclasses.replace(site, ed=ed)
        return [measure_page(one, mid) for mid in sorted(data.measures)[:4]]

    try:
        first = {ed.lang: render(ed) for ed in (UK, EN)}
        assert compiled.count("measure.md.jinja") == 2  # once per language
        assert list((tmp_path / "dap" / "templates").iterdir())
        compiled.clear()
        assert {ed.lang: render(ed) for ed in (UK, EN)} == first
        assert "measure.md.jinja" not in compiled  # read back
        monkeypatch.setenv("DAP_NO_CACHE", "1")
        assert {ed.lang: render(ed) for ed in (UK, EN)} == first
        assert compiled.count("measure.md.jinja") == 2
    finally:
        measures.page_templates.cache_clear()


def test_the_keys_are_saved_before_the_datasets_are_waited_for_and_a_failure_after_is_safe(
    project: Path, rendered: list[tuple[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 22: the pages' keys are recorded while the datasets' child works (they name only
    keyed pages, all written by then). A build that fails in the datasets after that keeps
    the previous site, and the next build renders only what changed and equals a clean one."""
    from builder import build as build_module

    order: list[str] = []
    save, result = pagekeys.PageKeys.save, build_module.Datasets.result

    def saved(self, digests):  # type: ignore[no-untyped-def]
        order.append("keys saved")
        return save(self, digests)

    def waited(self, writer, result_):  # type: ignore[no-untyped-def]
        order.append("datasets waited for")
        return result(self, writer, result_)

    monkeypatch.setattr(pagekeys.PageKeys, "save", saved)
    monkeypatch.setattr(build_module.Datasets, "result", waited)
    run(project)
    assert order == ["keys saved", "datasets waited for"]
    site = files(project / "public")

    def failed(self, writer, result_):  # type: ignore[no-untyped-def]
        raise BuildError("набори даних не вдалися")

    monkeypatch.setattr(build_module.Datasets, "result", failed)
    edit_report(project)
    rendered.clear()
    with pytest.raises(BuildError):
        run(project)
    assert rendered == [("uk", CHANGED), ("en", CHANGED)]
    assert files(project / "public") == site  # the previous site kept
    monkeypatch.setattr(build_module.Datasets, "result", waited)
    rendered.clear()
    run(project)
    assert rendered == []  # the failed build's pages were recorded with their keys
    rendered.clear()
    same_as_clean(project)
