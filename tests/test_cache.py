"""The record cache never changes a result: cold, warm, changed, damaged and parallel runs agree."""

from __future__ import annotations

import os
import pickle
import shutil
import stat
from pathlib import Path
from typing import Any

import pytest

from builder import cache as c
from builder.datafile import LAYOUT
from builder.demo.plan import Options
from builder.demo.write import write
from builder.load import load
from builder.opendata import incremental
from builder.parallel import can_fork
from builder.site import pagekeys
from builder.stats import Seen, stats_of, stats_seen
from builder.validate import check, sort_problems


def run(data: Path, cache: Path | None) -> tuple[list[str], dict[str, Any], dict[str, Any]]:
    """Every problem as text, every record, and every position table, loaded through `cache`."""
    loaded, problems = load(data, "data", cache=cache)
    problems = sort_problems(problems + check(loaded))
    records = {kind.name: getattr(loaded, kind.attr) for kind in LAYOUT.values()}
    where = {
        f"{kind}/{key}": (src.positions, src.key_positions)
        for (kind, key), src in loaded.sources.items()
    }
    return [str(p) for p in problems], records, where


@pytest.fixture
def broken(data_copy: Path) -> Path:
    """The demonstration data with problems of every layer: YAML, types and cross-file rules."""
    (data_copy / "reports/2024-Q1/1.1.1.1.2.yaml").write_text("measure: [unclosed\n", "utf-8")
    path = data_copy / "assessments/2024-Q3/1.1.1.2.1.yaml"
    path.write_text(path.read_text("utf-8") + "colour: red\n", "utf-8")
    path = data_copy / "measures/1.1.1.1.1.yaml"
    path.write_text(path.read_text("utf-8").replace("executor: nazk", "executor: nobody"), "utf-8")
    (data_copy / "notes.txt").write_text("not data", "utf-8")
    return data_copy


def test_cold_warm_and_uncached_runs_agree(broken: Path, tmp_path: Path) -> None:
    uncached = run(broken, None)
    assert uncached[0], "the fixture has problems"
    cold = run(broken, tmp_path / "cache")
    assert list((tmp_path / "cache").glob("records-*/*.pickle")), "the cold run wrote shards"
    warm = run(broken, tmp_path / "cache")
    assert cold == uncached
    assert warm == uncached


def test_a_changed_file_is_read_again(broken: Path, tmp_path: Path) -> None:
    run(broken, tmp_path / "cache")
    path = broken / "reports/2023-Q3/1.1.1.1.1.yaml"
    path.write_text(path.read_text("utf-8").replace("про хід виконання", "про щось інше"), "utf-8")
    changed = run(broken, tmp_path / "cache")
    assert changed == run(broken, None)
    assert any("про щось інше" in p for p in changed[0])


def test_same_stat_after_a_change_within_a_second_is_caught(
    data_copy: Path, tmp_path: Path
) -> None:
    """A file rewritten with the same size and mtime right after caching is checked by content.

    (Git has the same "racy" case: a stat cache cannot see a change within one clock tick.)
    """
    path = data_copy / "reports/2023-Q3/1.1.1.1.1.yaml"
    os.utime(path)  # written just now, as by an editor a moment before `dap validate`
    run(data_copy, tmp_path / "cache")
    before = os.stat(path)
    path.write_text(path.read_text("utf-8").replace("2023-Q3", "2023-Q9", 1), "utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert run(data_copy, tmp_path / "cache") == run(data_copy, None)


def test_a_damaged_cache_is_ignored_and_rebuilt(broken: Path, tmp_path: Path) -> None:
    expected = run(broken, None)
    run(broken, tmp_path / "cache")
    shards = sorted((tmp_path / "cache").glob("records-*/*.pickle"))
    shards[0].write_bytes(b"not a pickle")
    shards[1].write_bytes(shards[1].read_bytes()[:40])
    assert run(broken, tmp_path / "cache") == expected
    assert shards[0].read_bytes() != b"not a pickle", "the damaged shard was rewritten"


def test_cache_from_other_code_is_not_used(data_copy: Path, tmp_path: Path, monkeypatch) -> None:
    run(data_copy, tmp_path / "cache")
    monkeypatch.setattr(c, "_FINGERPRINT", ["another version of the code"])
    path = data_copy / "sections/1.1.yaml"
    old = os.stat(path)
    path.write_text(path.read_text("utf-8").replace("напрям", "розділ"), "utf-8")
    os.utime(path, ns=(old.st_atime_ns, old.st_mtime_ns - 10**10))  # looks unchanged by stat
    problems = run(data_copy, tmp_path / "cache")[0]
    assert any("розділ" in p for p in problems)


def test_deleted_folders_leave_no_shards(data_copy: Path, tmp_path: Path) -> None:
    run(data_copy, tmp_path / "cache")
    count = len(list((tmp_path / "cache").glob("records-*/*.pickle")))
    shutil.rmtree(data_copy / "notices")
    run(data_copy, tmp_path / "cache")
    assert len(list((tmp_path / "cache").glob("records-*/*.pickle"))) == count - 1


def test_parallel_cold_run_agrees(tmp_path: Path, monkeypatch) -> None:
    data = tmp_path / "data"
    write(Options(measures=40, executors=5, years=2, seed=2), data)
    (data / "measures/1.1.1.1.1.yaml").write_text("id: [broken\n", "utf-8")
    expected = run(data, None)
    monkeypatch.setattr(c, "PARALLEL_FROM", 1)
    if not can_fork():
        pytest.skip("no worker processes here (one CPU or no fork)")
    assert run(data, tmp_path / "cache") == expected
    assert run(data, tmp_path / "cache") == expected


def test_auto_cache_in_the_project_or_the_user_cache(tmp_path: Path, monkeypatch) -> None:
    """Data inside the working (project) folder is cached in its .dap-cache/; data anywhere
    else in the user cache, where the shards of folders that are gone are removed."""
    project, elsewhere, user = tmp_path / "project", tmp_path / "elsewhere", tmp_path / "user"
    for folder in (project / "data", elsewhere / "data"):
        folder.mkdir(parents=True)
    monkeypatch.chdir(project)
    monkeypatch.setenv("XDG_CACHE_HOME", str(user))
    inside = c.cache_folder(project / "data", "auto")
    assert inside is not None and inside.parent == project / ".dap-cache"
    outside = c.cache_folder(elsewhere / "data", "auto")
    assert outside is not None and outside.parent == user / "dap"
    assert (outside / "root").read_text("utf-8") == str((elsewhere / "data").resolve())
    # the build's own folders of the same data: the data packages', the page keys'
    stores = [
        c.cache_folder(elsewhere / "data", "auto", prefix=incremental.PREFIX),
        c.cache_folder(elsewhere / "data", "auto", prefix=pagekeys.PREFIX),
    ]
    assert all(folder is not None and folder.is_dir() for folder in stores)
    shutil.rmtree(elsewhere)
    c.cache_folder(project.parent / "third", "auto")  # any use of the user cache tidies it
    assert not outside.exists()
    assert [folder for folder in stores if folder is not None and folder.exists()] == []
    monkeypatch.setenv("DAP_NO_CACHE", "1")
    assert c.cache_folder(project / "data", "auto") is None


def test_validate_is_cached_for_data_outside_the_working_folder(
    data_copy: Path, tmp_path: Path, monkeypatch
) -> None:
    """`dap validate --data` outside the project folder (as in `dap demo --help`) caches too:
    the second run reads every record from the shards."""
    monkeypatch.chdir(tmp_path / "..")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user"))
    first = run(data_copy, "auto")  # type: ignore[arg-type]
    folder = c.cache_folder(data_copy, "auto")
    assert folder is not None and any(folder.glob("*.pickle"))
    monkeypatch.setattr(c, "parse_bytes", None)  # a warm run never parses (would raise)
    monkeypatch.setattr(c, "read_record", None)
    assert run(data_copy, "auto") == first  # type: ignore[arg-type]


def test_a_cache_from_elsewhere_is_never_unpickled(data_copy: Path, tmp_path: Path) -> None:
    """Shards are pickles: one not sealed with this user's key (committed in a pull request,
    say) is ignored, so the code a crafted pickle would run never runs."""
    expected = run(data_copy, None)
    run(data_copy, tmp_path / "cache")
    marker = tmp_path / "PWNED"
    payload = pickle.dumps(Payload(str(marker)))
    for shard in (tmp_path / "cache").glob("records-*/*.pickle"):
        shard.write_bytes(b"\0" * c.MAC_BYTES + payload)
    assert run(data_copy, tmp_path / "cache") == expected
    assert not marker.exists()


class Payload:
    """Unpickling this writes a file: what an attacker's shard would do."""

    def __init__(self, target: str):
        self.target = target

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (Path.write_text, (Path(self.target), "x"))  # type: ignore[return-value]


def test_records_of_git_blobs_are_parsed_once(broken: Path, tmp_path: Path, monkeypatch) -> None:
    """The base and head of a change share every blob but the changed one: a warm read parses
    (and asks Git for) only that one, a fresh process reads the rest from the shards, and
    every record, problem and position is what an uncached read gives."""
    files = sorted(p for p in broken.rglob("*.yaml"))
    raw = {p.relative_to(broken).as_posix(): p.read_bytes() for p in files}
    blobs = {rel: f"{n:040x}" for n, rel in enumerate(raw)}  # stand-ins for blob ids
    wanted = [(rel, blobs[rel], LAYOUT[rel.split("/")[0].removesuffix(".yaml")]) for rel in raw]
    contents = {blobs[rel]: data for rel, data in raw.items()}
    asked: list[list[str]] = []

    def fetch(ids: list[str]) -> dict[str, bytes]:
        asked.append(ids)
        return {i: contents[i] for i in ids}

    def shown(reads: list[Any]) -> list[Any]:
        return [
            (r, s.path, s.positions, s.key_positions, [str(p) for p in ps]) for r, s, ps in reads
        ]

    folder = tmp_path / "cache"
    c._BLOB_MEMO.clear()
    plain = shown(c.read_blob_records(tmp_path, "data", wanted, fetch, cache=None))
    c._BLOB_MEMO.clear()
    asked.clear()
    assert shown(c.read_blob_records(tmp_path, "data", wanted, fetch, cache=folder)) == plain
    assert len(asked) == 1 and len(asked[0]) == len(wanted)
    # the head: one report changed; in this process and in a fresh one (memory cleared)
    rel = "reports/2024-Q1/1.1.1.1.2.yaml"
    contents["f" * 40] = raw[rel].replace(b"[unclosed", b"1.1.1.1.2")
    head = [(r, "f" * 40 if r == rel else b, k) for r, b, k in wanted]
    c._BLOB_MEMO.clear()
    head_plain = shown(c.read_blob_records(tmp_path, "data", head, fetch, cache=None))
    c._BLOB_MEMO.clear()
    c.read_blob_records(tmp_path, "data", wanted, fetch, cache=folder)  # the base, in memory
    for expected in ([["f" * 40]], []):  # parsed once; then, in a fresh process, from disk
        asked.clear()
        assert shown(c.read_blob_records(tmp_path, "data", head, fetch, cache=folder)) == head_plain
        assert asked == expected
        c._BLOB_MEMO.clear()
    asked.clear()
    assert shown(c.read_blob_records(tmp_path, "data", wanted, fetch, cache=folder)) == plain
    assert asked == []  # the base's blobs are still in the shards


def test_the_blob_id_kept_for_a_file_is_gits_own(
    broken: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file's read is shared with a commit's file only by path and Git's blob id (the diff in
    `dap validate --diff`): the id the cache keeps — parsed in workers, here, from the shards,
    after a change of stat alone — is the one `git hash-object` gives, broken files' included."""
    import subprocess

    wanted = [
        (rel, kind)
        for rel in (p.relative_to(broken).as_posix() for p in sorted(broken.rglob("*.yaml")))
        for kind in [LAYOUT.get(rel.split("/")[0].removesuffix(".yaml"))]
        if kind is not None
    ]
    ids = subprocess.run(
        ["git", "hash-object", "--no-filters", *(str(broken / rel) for rel, _ in wanted)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    runs = ["cold", "warm", "touched"]
    if can_fork():
        runs.insert(0, "workers")
    for run_ in runs:
        if run_ == "workers":
            monkeypatch.setattr(c, "PARALLEL_FROM", 1)
        else:
            monkeypatch.setattr(c, "PARALLEL_FROM", 10**9)
        if run_ in ("workers", "cold"):
            shutil.rmtree(tmp_path / "cache", ignore_errors=True)
        if run_ == "touched":
            for rel, _ in wanted:
                os.utime(broken / rel, ns=(1, 1))  # stat changed, bytes the same
        c._CONTENT_READS.clear()
        reads = c.read_records(broken, "data", wanted, cache=tmp_path / "cache")
        content = c._CONTENT_READS["data"]
        assert len(content) == len(wanted), run_
        for (rel, _), blob, read in zip(wanted, ids, reads, strict=True):
            assert content[f"{rel}\0{blob}"] is read, (run_, rel)


def test_restored_records_and_kept_results_are_what_was_kept(
    data_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Records restored from a shard have the fields set they were read with (records of a
    class share one set object, and a copy with changes never touches the others'), and a
    computed snapshot kept with `write_result` — slotted dataclasses restored without their
    own __setstate__ — is read back equal."""
    import datetime as dt

    from builder import compute
    from builder.git.history import History

    fresh, _ = load(data_copy, "data", cache=None)
    load(data_copy, "data", cache=tmp_path / "cache")
    warm, _ = load(data_copy, "data", cache=tmp_path / "cache")
    for kind in ("measures", "reports", "assessments"):
        for key, record in getattr(fresh, kind).items():
            again = getattr(warm, kind)[key]
            assert again == record and again.model_fields_set == record.model_fields_set
    first, second = list(warm.reports.values())[:2]
    before = set(second.model_fields_set)
    changed = first.model_copy(update={"text": "Інший текст."})
    assert "text" in changed.model_fields_set and second.model_fields_set == before

    monkeypatch.chdir(tmp_path)
    day = dt.date(2025, 4, 20)
    snap = compute.snapshot(fresh, History(available=False), day, day)
    c.write_result(tmp_path, "snapshot", snap)
    kept = c.read_result(tmp_path, "snapshot")
    assert kept == snap and kept is not snap


def test_equal_strings_and_dates_of_a_shard_are_restored_as_one(data_copy: Path) -> None:
    """A shard pickles each string and date of its records once (`_Pickler._same`): restored
    records equal the ones kept, and the executor and approval day that two reports share
    are one object after restoring even when they were two before."""
    import datetime as dt
    import io

    loaded, _ = load(data_copy, "data", cache=None)
    by_executor: dict[str, list[Any]] = {}
    for rep in loaded.reports.values():
        if rep.approved_on is not None:
            by_executor.setdefault(rep.executor, []).append(rep)
    first, other = next(reps for reps in by_executor.values() if len(reps) > 1)[:2]
    executor = (first.executor + ".")[:-1]  # equal, another object
    day = dt.date.fromordinal(first.approved_on.toordinal())
    second = other.model_copy(update={"executor": executor, "approved_on": day})
    assert second.executor is not first.executor and second.approved_on is not first.approved_on
    out = io.BytesIO()
    c._Pickler(out, protocol=pickle.HIGHEST_PROTOCOL).dump([first, second, [executor, day]])
    one, two, (text, when) = pickle.loads(out.getvalue())
    assert (one, two) == (first, second)
    assert (one.model_fields_set, two.model_fields_set) == (
        first.model_fields_set,
        second.model_fields_set,
    )
    assert one.executor is two.executor and one.approved_on is two.approved_on
    assert (text, when) == (executor, day)  # values outside records are pickled as they are


def test_files_are_stat_ed_in_their_folder_as_by_their_whole_path(data_copy: Path) -> None:
    """A warm load stats a shard's files relative to their folder's descriptor (`_stats`):
    the same answers as `os.stat` of each whole path, None for a file gone since the folder
    was listed or a folder that cannot be opened, whole paths for the top-level files."""

    def seen(found: list[os.stat_result | Seen | None]) -> list[tuple[int, int, int] | None]:
        return [(s.st_ino, s.st_size, s.st_mtime_ns) if s else None for s in found]

    folder = "reports/2023-Q3"
    names = sorted(p.name for p in (data_copy / folder).glob("*.yaml"))
    items = [(f"{folder}/{name}", LAYOUT["reports"]) for name in [*names, "gone.yaml"]]
    top = [("programme.yaml", LAYOUT["programme"]), ("staff.yaml", LAYOUT["staff"])]
    for asked in (items, top):
        whole: list[os.stat_result | Seen | None] = [
            os.stat(data_copy / rel) if (data_copy / rel).exists() else None for rel, _ in asked
        ]
        assert seen(stats_of(str(data_copy), asked)) == seen(whole)
        assert seen(whole)[0] is not None
    assert seen(whole)[-1] is not None and seen(stats_of(str(data_copy), items))[-1] is None
    assert stats_of(str(data_copy), [("nowhere/1.yaml", LAYOUT["measures"])]) == [None]


def test_the_stats_the_build_s_scan_saw_are_used_within_their_block_only(data_copy: Path) -> None:
    """`stats_seen`: within its block the record cache takes a file's stat from the scan of the
    build's inputs stage (fingerprint.inputs) instead of asking again; a file the scan did not
    see is stat-ed; outside the block every file is stat-ed."""
    from builder.fingerprint import inputs

    found = inputs(data_copy, [], {}, [])
    rel = "reports/2023-Q3/" + sorted(p.name for p in (data_copy / "reports/2023-Q3").iterdir())[0]
    item = [(rel, LAYOUT["reports"]), ("reports/2023-Q3/new.yaml", LAYOUT["reports"])]
    real = os.stat(data_copy / rel)
    assert found.seen._by_path is None  # the map is made only when the load asks for it
    by_path = found.seen.by_path()
    at = by_path[os.path.realpath(data_copy / rel)]
    assert (at.st_size, at.st_mtime_ns, at.st_ino) == (real.st_size, real.st_mtime_ns, real.st_ino)
    assert all(stat.S_ISREG(st.st_mode) for st in by_path.values())
    assert len(by_path) == sum(1 for p in data_copy.rglob("*") if p.is_file())
    (data_copy / "reports/2023-Q3/new.yaml").write_text("text: x\n", encoding="utf-8")
    planted = {path: Seen(1, 2, 3) for path in by_path}  # what a scan "saw"
    with stats_seen(data_copy, planted):
        inside = stats_of(str(data_copy), item)
    assert inside[0] == Seen(1, 2, 3)  # taken from the scan, not asked again
    assert inside[1] is not None and inside[1].st_size == len("text: x\n")  # not seen: stat-ed
    outside = stats_of(str(data_copy), item)
    assert outside[0] is not None and outside[0].st_ino == real.st_ino  # the block is over
    with stats_seen(data_copy, found.seen):  # as the build hands it over: the scan's own stat
        assert stats_of(str(data_copy), item)[0] is at
