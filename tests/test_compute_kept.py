"""The previous build's history and snapshots, kept (builder/compute_kept.py), give exactly
what reading the history and computing the snapshots in full give — every change, author and
commit; every state, due report, aggregate, score and note in the same order — after every
kind of change a day brings, on real repositories of the demonstration data; a kept file that
is foreign, damaged or disagrees with the data is never served."""

from __future__ import annotations

import dataclasses
import datetime as dt
import pickle
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from test_compute_change import (
    AS_OF,
    OLD_REPORT,
    add_report,
    edit_report,
    remove_report,
    repository,
)
from test_workflow_repo import (  # noqa: F401  (_isolated_git is an autouse fixture)
    Repo,
    _isolated_git,
    assessment_yaml,
)

from builder import compute as c
from builder import compute_kept
from builder.cache import MAC_BYTES, record_contents, seal
from builder.compute_kept import SNAPSHOTS_FILE, Kept
from builder.git.history import History, read_authors, read_history
from builder.opendata import incremental
from builder.opendata.incremental import Digests, static_key
from builder.opendata.rows import memo
from builder.opendata.snapshots import package_plan
from builder.validate import validate
from builder.valuedigest import DIGEST, value_digests
from builder.versions import dataset_as_of


@pytest.fixture(autouse=True)
def _cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The kept files in a cache of the test's own, with a key."""
    monkeypatch.delenv("DAP_NO_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))


def kept_repo(tmp_path: Path, mode: str, monkeypatch: pytest.MonkeyPatch) -> Repo:
    r = repository(tmp_path, mode)
    (r.path / ".git" / "info" / "exclude").write_text(".dap-cache/\n", encoding="utf-8")
    monkeypatch.chdir(r.path)
    return r


def same_history(made: History, full: History) -> None:
    assert made.available == full.available and made.ref == full.ref
    assert made.root == full.root and made.cwd_prefix == full.cwd_prefix
    assert made.changes == full.changes and list(made.changes) == list(full.changes)
    assert made.authors == full.authors and made.commits == full.commits


def same(made: list[c.Snapshot], full: list[c.Snapshot]) -> None:
    assert [s.as_of for s in made] == [s.as_of for s in full]
    for a, b in zip(made, full, strict=True):
        assert a == b  # every field of every value
        assert list(a.measures) == list(b.measures)
        assert list(a.aggregates) == list(b.aggregates)
        assert list(a.scores) == list(b.scores)
        assert a.due == b.due and a.notes == b.notes


def build(r: Repo, as_of: dt.date = AS_OF, computed_on: dt.date = AS_OF) -> Kept:
    """The history and compute stages of a build, checked against a full read and compute."""
    data, problems = validate(r.data, str(r.data))
    assert not [p for p in problems if p.severity == "error"], problems
    data = dataset_as_of(data, as_of)
    kept = Kept(r.data)
    history = kept.history()
    snapshots = kept.snapshots(data, history, as_of, computed_on)
    full = read_authors(read_history(r.data))
    same_history(history, full)
    same(snapshots, c.history_snapshots(data, full, as_of, computed_on))
    same_digests(kept, snapshots)
    return kept


def same_digests(kept: Kept, snapshots: list[c.Snapshot]) -> None:
    """The values' digests the kept snapshots came with (`Kept.digested`, which the data
    packages' keys take instead of digesting the values) are those the values have now, and
    every report due and score of the snapshots that has one has its own (issue 22: a stale
    digest would serve a stale package)."""
    if kept.folder is None:  # no cache: nothing kept, no digests
        assert kept.digested is None
        return
    assert kept.digested is not None
    values, digests = kept.digested
    assert len(digests) == DIGEST * len(values)
    given = {id(v): digests[i * DIGEST : (i + 1) * DIGEST] for i, v in enumerate(values)}
    for value, digest in zip(values, digests_of(values), strict=True):
        assert given[id(value)] == digest
    shown = [d for snap in snapshots for d in snap.due] + [
        s for snap in snapshots for s in snap.scores.values()
    ]
    for value, digest in zip(shown, digests_of(shown), strict=True):
        assert given.get(id(value), digest) == digest


def digests_of(values: Sequence[object]) -> list[bytes]:
    """Each value's digest made anew, one kind at a time."""
    return [value_digests([v])[0] for v in values]


def edit_two_quarters(r: Repo) -> None:
    edit_report(r)
    path = "data/reports/2025-Q1/2.1.1.1.1.yaml"
    if (r.path / path).exists():
        r.write(path, r.read(path).replace("text: ", "text: Доповнено. ", 1))
    add_report(r)


def redate_report(r: Repo) -> None:
    text = r.read(OLD_REPORT)
    lines = [
        "submitted: 2025-01-25" if line.startswith("submitted:") else line
        for line in text.splitlines()
    ]
    r.write(OLD_REPORT, "\n".join(lines) + "\n")


def amend_measure(r: Repo) -> None:
    """An amendment of a measure's deadline (a change of the programme, not of a report)."""
    path = "data/measures/1.1.1.1.1.yaml"
    r.write(
        path,
        r.read(path)
        + "amendments:\n- date: 2023-06-18\n  act: Постанова Кабінету Міністрів України від "
        "18 червня 2023 р. № 640\n  deadline:\n    text: II квартал 2023 р. — I квартал 2024 р."
        "\n    start: 2023-04-01\n    end: 2024-03-31\n",
    )


def add_analysts_assessment(r: Repo) -> None:
    r.write(
        "data/assessments/2025-Q1/2.1.1.1.1.yaml",
        assessment_yaml("2.1.1.1.1", "2025-Q1", "analyst.hrytsenko", []),
    )


# what the changes between two builds do: (change, what the compute stage then does)
CHANGES: dict[str, tuple[Callable[[Repo], None], set[str]]] = {
    "a report edited": (edit_report, {"kept", "partial"}),
    "a report's date changed": (redate_report, {"partial"}),
    "a report added": (add_report, {"partial"}),
    "a report removed": (remove_report, {"partial"}),
    "reports of two quarters": (edit_two_quarters, {"partial"}),
    "an assessment added": (add_analysts_assessment, {"partial"}),
    "a measure amended": (amend_measure, {"full"}),
}


@pytest.mark.parametrize("mode", ["recorded", "git"])
@pytest.mark.parametrize("change", list(CHANGES))
def test_a_rebuild_after_a_change_equals_a_full_computation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: str, mode: str
) -> None:
    r = kept_repo(tmp_path, mode, monkeypatch)
    assert build(r).how == {"history": "full", "compute": "full"}
    assert build(r).how == {"history": "kept", "compute": "kept"}
    edit, expected = CHANGES[change]
    edit(r)  # in the work tree, as a build before the commit reads it
    how = build(r).how
    assert how["history"] == "kept"
    if expected == {"full"}:
        assert how["compute"] == "full"
    else:  # in `git` mode a report in the history is dated by it, not by its file
        assert how["compute"] in (expected if mode == "recorded" else {"kept", "partial"})
    # then committed: the history moves, and only the commit's reports are dated again
    r.commit("rkuzmenko-me", change, date="2025-04-08T10:00:00+03:00")
    how = build(r).how
    assert how["history"] == "extended"
    assert how["compute"] in {"kept", "partial"}


def test_changes_accumulate_on_the_kept_base(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Builds after the kept snapshots compute from them what changed since, however many
    changes later, and a merge commit moves the history along the first-parent line."""
    r = kept_repo(tmp_path, "git", monkeypatch)
    build(r)
    for n, edit in enumerate((add_report, edit_report, remove_report, add_analysts_assessment)):
        r.git("checkout", "-q", "-b", f"pr{n}")
        edit(r)
        r.commit("rkuzmenko-me", f"change {n}", date=f"2025-04-0{n + 2}T10:00:00+03:00")
        r.git("checkout", "-q", "pr")
        r.merge(f"pr{n}", "vhnatiuk-nazk", date=f"2025-04-0{n + 2}T12:00:00+03:00")
        how = build(r).how
        assert how["history"] == "extended" and how["compute"] in {"kept", "partial"}


DAY = dt.timedelta(days=1)


@pytest.mark.parametrize(
    "dates",
    [
        (dt.date(2025, 7, 10), dt.date(2025, 7, 10)),  # a new quarter end reached
        (dt.date(2025, 4, 21), AS_OF),  # another as_of
        (AS_OF, AS_OF + DAY),  # another day computed on
        (AS_OF + DAY, AS_OF + DAY),  # the next day: the daily case
        (dt.date(2024, 12, 31), AS_OF),  # an earlier day: dates dropped
    ],
)
@pytest.mark.parametrize("mode", ["recorded", "git"])
def test_another_day_computes_only_the_dates_not_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, dates: tuple[dt.date, dt.date], mode: str
) -> None:
    """The first build of another day (`build` compares it with a full computation): the kept
    snapshots of the dates it still shows renamed to the new day, the others computed."""
    r = kept_repo(tmp_path, mode, monkeypatch)
    build(r)
    as_of, computed_on = dates
    assert build(r, as_of, computed_on).how["compute"] == "dates"
    assert build(r, as_of, computed_on).how["compute"] == "kept"


@pytest.mark.parametrize("change", ["a report edited", "a report added", "a measure amended"])
def test_another_day_after_a_change_equals_a_full_computation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    """A change and a new day in one build: the change computed on the kept snapshots (or
    all in full), then the dates; committed the next day, the history moves too."""
    r = kept_repo(tmp_path, "git", monkeypatch)
    build(r)
    edit, expected = CHANGES[change]
    edit(r)
    assert build(r, AS_OF + DAY, AS_OF + DAY).how["compute"] == (
        "full" if expected == {"full"} else "dates"
    )
    r.commit("rkuzmenko-me", change, date="2025-04-08T10:00:00+03:00")
    how = build(r, AS_OF + 2 * DAY, AS_OF + 2 * DAY).how
    assert how == {"history": "extended", "compute": "dates"}


def test_an_amended_measure_keeps_the_snapshots_for_another_day(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A measure with an amendment in force is named in the key by its text and how many of
    its amendments are in force, not by the day: the next day's build keeps the snapshots;
    the day a planned amendment comes into force, everything is computed again."""
    r = kept_repo(tmp_path, "recorded", monkeypatch)
    amend_measure(r)
    build(r)
    assert build(r, AS_OF + DAY, AS_OF + DAY).how["compute"] == "dates"
    path = "data/measures/1.1.1.1.1.yaml"
    planned = (AS_OF + 3 * DAY).isoformat()
    r.write(path, r.read(path).replace("date: 2023-06-18", f"date: {planned}"))
    build(r, AS_OF + 2 * DAY, AS_OF + 2 * DAY)  # the changed file: in full
    assert build(r, AS_OF + 3 * DAY, AS_OF + 3 * DAY).how["compute"] == "full"  # in force


def test_a_history_off_the_first_parent_line_is_read_in_full(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    r = kept_repo(tmp_path, "recorded", monkeypatch)
    add_report(r)
    r.commit("rkuzmenko-me", "report", date="2025-04-07T10:00:00+03:00")
    build(r)
    r.git("reset", "-q", "--hard", "HEAD~1")  # the kept HEAD is no longer on the line
    edit_report(r)
    r.commit("rkuzmenko-me", "edit", date="2025-04-08T10:00:00+03:00")
    assert build(r).how == {"history": "full", "compute": "full"}


def test_a_file_added_again_by_a_new_commit_reads_the_authors_in_full(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Which of two commits adding one file `git log` lists first is Git's to say: read."""
    r = kept_repo(tmp_path, "git", monkeypatch)
    build(r)
    original = r.read(OLD_REPORT)
    (r.path / OLD_REPORT).unlink()
    r.commit("rkuzmenko-me", "removed", date="2025-04-07T10:00:00+03:00")
    r.write(OLD_REPORT, original)
    r.commit("rkuzmenko-me", "added again", date="2025-04-08T10:00:00+03:00")
    assert build(r).how["history"] == "full"


def snapshots_file(r: Repo) -> Path:
    found = list((r.path / ".dap-cache").glob(f"computed-*/{SNAPSHOTS_FILE}"))
    assert len(found) == 1
    return found[0]


def test_a_foreign_or_damaged_kept_file_is_ignored_with_a_note(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    r = kept_repo(tmp_path, "recorded", monkeypatch)
    build(r)
    path = snapshots_file(r)
    raw = bytearray(path.read_bytes())
    raw[-5] ^= 0xFF  # one byte changed: the seal no longer matches
    path.write_bytes(bytes(raw))
    kept = build(r)
    assert kept.how["compute"] == "full"
    assert len(kept.notes) == 1 and "was not written by this user's dap" in kept.notes[0]
    body = b"not a pickle"
    mac = seal(body)
    assert mac is not None and len(mac) == MAC_BYTES
    path.write_bytes(mac + body)  # sealed, but no pickle: damaged
    kept = build(r)
    assert kept.how["compute"] == "full"
    assert len(kept.notes) == 1 and "cannot be read" in kept.notes[0]
    assert build(r).how["compute"] == "kept"


def test_kept_snapshots_that_disagree_with_their_inputs_are_not_built_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Kept snapshots (sealed by this user's dap) whose touched measure says otherwise than
    what the previous build read of it: the check at the old inputs fails, all is computed."""
    r = kept_repo(tmp_path, "recorded", monkeypatch)
    build(r)
    path = snapshots_file(r)
    kept = pickle.loads(path.read_bytes()[MAC_BYTES:])
    last = kept["snapshots"][-1]
    state = last.measures["2.1.1.1.1"]
    wrong = dataclasses.replace(state, due=not state.due)
    last.measures["2.1.1.1.1"] = wrong
    writer = Kept(r.data)
    writer._write(SNAPSHOTS_FILE, {k: v for k, v in kept.items() if k != "format"})
    edit_report(r)
    redate_report(r)
    assert build(r).how["compute"] == "full"


def test_a_wrong_key_would_be_caught(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The kept snapshots serve another day only with the day renamed in them and the dates
    not kept computed: with the dates' check left out, a build of another day would serve
    the kept snapshots of the day before — `build` (which compares with a full computation)
    fails; so it does with the day not renamed. Shown by breaking them here, as a check that
    the tests above can fail."""
    r = kept_repo(tmp_path, "recorded", monkeypatch)
    build(r)
    with monkeypatch.context() as patch:
        patch.setattr(compute_kept, "_on_dates", lambda *args: True)
        with pytest.raises(AssertionError):
            build(r, AS_OF + DAY, AS_OF + DAY)
    with monkeypatch.context() as patch:
        patch.setattr(compute_kept, "_on_day", lambda snap, computed_on: snap)
        with pytest.raises(AssertionError):
            build(r, AS_OF, AS_OF + DAY)


def test_without_a_cache_everything_is_read_and_computed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    r = kept_repo(tmp_path, "recorded", monkeypatch)
    monkeypatch.setenv("DAP_NO_CACHE", "1")
    assert build(r).how == {"history": "full", "compute": "full"}
    assert build(r).how == {"history": "full", "compute": "full"}
    assert not (r.path / ".dap-cache").exists()


def test_the_kept_history_is_the_one_read_from_another_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The paths people give are read from each build's working folder (with the data outside
    it, the kept files are in the user's cache, the same for both)."""
    r = kept_repo(tmp_path, "recorded", monkeypatch)
    for n in (1, 2):
        elsewhere = tmp_path / f"elsewhere{n}"
        elsewhere.mkdir()
        monkeypatch.chdir(elsewhere)
        kept = build(r)
    assert kept.how["history"] == "kept"
    assert kept.history().cwd_prefix == "../elsewhere2"


def package_keys(r: Repo, with_kept: bool) -> tuple[list[str], Kept]:
    """The data packages' keys as a build makes them after the kept snapshots (their values'
    digests taken from `Kept.digested`), or with every value digested anew."""
    data, _ = validate(r.data, str(r.data))
    data = dataset_as_of(data, AS_OF)
    kept = Kept(r.data)
    history = kept.history()
    snapshots = kept.snapshots(data, history, AS_OF, AS_OF)
    plan = package_plan(snapshots)
    digests = Digests(record_contents(), kept.digested if with_kept else None)
    static = static_key("downloads", ())
    keys = incremental.package_keys(data, memo(data, history), snapshots, plan, static, {}, digests)
    return keys, kept


@pytest.mark.parametrize("change", ["a report's date changed", "a report added"])
def test_the_packages_keys_from_kept_digests_are_those_made_anew(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    """The keys a rebuild makes with the kept values' digests equal those made digesting
    every value, before and after a change that moves reports due (computed from the kept
    snapshots: "partial"); and the change reaches the newest package's key (issue 22: a kept
    digest never serves a stale package)."""
    r = kept_repo(tmp_path, "recorded", monkeypatch)
    build(r)
    before, kept = package_keys(r, with_kept=True)
    assert kept.how["compute"] == "kept" and kept.digested is not None
    assert before == package_keys(r, with_kept=False)[0]
    CHANGES[change][0](r)
    after, kept = package_keys(r, with_kept=True)
    assert kept.how["compute"] == "partial"
    assert after == package_keys(r, with_kept=False)[0]
    assert after[-1] != before[-1]
