"""A build with nothing to do does nothing (issue 22, builder/fingerprint.py): the same inputs
and an output left as the last build made it keep the site as it is; any change to what the
build reads — a data file, the data's Git history, an option, the day — or to the site or
docs it wrote makes a full build, whose output equals a clean build's."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from builder import fingerprint
from builder.build import BuildResult, build, summary

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "programme" / "data"
AS_OF = dt.date(2025, 12, 31)
DAY = dt.date(2026, 1, 20)


def settle(folder: Path) -> None:
    """Date every file a minute back, as files that were not just written (never "racy")."""
    past = time.time_ns() - 60_000_000_000
    for path in folder.rglob("*"):
        if path.is_file():
            os.utime(path, ns=(past, past))


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project folder with the fixture programme's data, worked in (its own .dap-cache/)."""
    shutil.copytree(FIXTURE, tmp_path / "data")
    settle(tmp_path / "data")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DAP_NO_CACHE", raising=False)
    return tmp_path


def run(project: Path, computed_on: dt.date = DAY, out: str = "public") -> BuildResult:
    return build(
        project / "data",
        project / out,
        as_of=AS_OF,
        computed_on=computed_on,
        docs_dir=project / f"{out}-docs",
    )


def files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def same_as_clean(project: Path) -> None:
    """public/ holds exactly what a build into a new folder makes."""
    run(project, out="clean")
    built, clean = files(project / "public"), files(project / "clean")
    assert sorted(built) == sorted(clean)
    assert [path for path in clean if built[path] != clean[path]] == []


def test_a_second_build_with_nothing_changed_does_nothing(project: Path) -> None:
    first = run(project)
    assert not first.unchanged and first.pages > 10
    page = project / "public" / "index.html"
    before = page.stat()
    second = run(project)
    assert second.unchanged
    assert list(second.timings) == ["inputs"]  # nothing loaded, rendered or written
    assert (second.pages, second.files, second.size) == (first.pages, first.files, first.size)
    assert second.largest == first.largest and second.search_entries == first.search_entries
    after = page.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    lines = summary(second)
    assert len(lines) == 1 and "is already this site" in lines[0]
    assert f"({first.pages} pages" in lines[0]


def test_the_message_is_ukrainian_for_people(project: Path) -> None:
    from builder import i18n

    run(project)
    second = run(project)
    i18n.set_language("uk")
    try:
        line = summary(second)[0]
    finally:
        i18n.set_language(None)
    assert line.startswith("Нічого не змінилося з попередньої збірки:")
    assert "залишено як є" in line


def test_a_changed_data_file_makes_a_full_build_equal_to_a_clean_one(project: Path) -> None:
    run(project)
    report = sorted((project / "data" / "reports").rglob("*.yaml"))[0]
    report.write_text(
        report.read_text(encoding="utf-8").replace("\ntext: ", "\ntext: (виправлено) ", 1),
        encoding="utf-8",
    )
    settle(project / "data")
    second = run(project)
    assert not second.unchanged and "load and validate" in second.timings
    same_as_clean(project)
    assert run(project).unchanged  # and the build after it has nothing to do again


def test_a_new_day_or_another_option_makes_a_full_build(project: Path) -> None:
    run(project)
    assert not run(project, computed_on=DAY + dt.timedelta(days=1)).unchanged
    assert run(project, computed_on=DAY + dt.timedelta(days=1)).unchanged
    other = build(
        project / "data",
        project / "public",
        as_of=AS_OF - dt.timedelta(days=40),
        computed_on=DAY + dt.timedelta(days=1),
        docs_dir=project / "public-docs",
    )
    assert not other.unchanged


@pytest.mark.parametrize("change", ["edit", "add", "remove", "docs"])
def test_an_output_not_as_it_was_left_makes_a_full_build(project: Path, change: str) -> None:
    run(project)
    page = project / "public" / "index.html"
    if change == "edit":  # the same size: only its stat's time (and inode) tell
        text = page.read_bytes()
        page.unlink()
        page.write_bytes(text.replace(b"<html", b"<HTML", 1))
    elif change == "add":
        (project / "public" / "planted.html").write_text("<p>чуже</p>", encoding="utf-8")
    elif change == "remove":
        page.unlink()
    else:
        (project / "public-docs" / "index.md").unlink()
    second = run(project)
    assert not second.unchanged
    same_as_clean(project)


def test_a_data_file_written_just_now_is_not_trusted_by_its_stat(project: Path) -> None:
    report = sorted((project / "data" / "reports").rglob("*.yaml"))[0]
    report.write_bytes(report.read_bytes())  # "racy": its time may not change if edited again
    run(project)
    assert not run(project).unchanged  # nothing was remembered
    settle(project / "data")
    assert not run(project).unchanged  # the stats changed (dated back): a full build …
    assert run(project).unchanged  # … which is remembered


def test_a_new_commit_of_the_same_files_makes_a_full_build(project: Path) -> None:
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.gov.ua"]
    subprocess.run([*git, "init", "-q", "."], cwd=project, check=True)
    subprocess.run([*git, "add", "data"], cwd=project, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "data"], cwd=project, check=True)
    run(project)
    assert run(project).unchanged
    subprocess.run([*git, "commit", "-q", "--allow-empty", "-m", "again"], cwd=project, check=True)
    assert not run(project).unchanged  # the history (approvals, "last changed") is read anew


def test_a_record_not_sealed_by_this_users_dap_is_ignored(project: Path) -> None:
    run(project)
    record = next((project / ".dap-cache").glob(f"{fingerprint.PREFIX}*")) / fingerprint.RECORD
    sealed = json.loads(record.read_text(encoding="utf-8"))
    sealed["seal"] = "00" * 32  # the right inputs and outputs, planted by someone else
    record.write_text(json.dumps(sealed), encoding="utf-8")
    assert not run(project).unchanged
    record.write_text("{broken", encoding="utf-8")
    assert not run(project).unchanged
    assert run(project).unchanged


def test_no_cache_means_no_shortcut(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DAP_NO_CACHE", "1")
    run(project)
    assert not run(project).unchanged


def forget_code() -> None:
    """As in a new process: dap's files read again (`fingerprint.code_files`)."""
    fingerprint.code_files.cache_clear()
    fingerprint.code_digest.cache_clear()


def test_the_code_is_digested_once_a_process_as_a_build_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The keys a build makes of dap's code (pages, data packages) name the code the process
    runs: its digest is taken once, when a build starts, so a dap upgraded on disk while a
    build runs does not give the old code's output the new code's keys."""
    code = tmp_path / "builder"
    (code / "site").mkdir(parents=True)
    (code / "site" / "pages.py").write_text("A = 1\n", encoding="utf-8")
    (code / "__pycache__").mkdir()
    (code / "__pycache__" / "pages.cpython-311.pyc").write_bytes(b"compiled")
    monkeypatch.setattr(fingerprint, "CODE", code)
    forget_code()
    try:
        first = fingerprint.code_digest()
        (code / "site" / "pages.py").write_text("A = 2\n", encoding="utf-8")  # upgraded
        assert fingerprint.code_digest() == first  # the same process: the code it runs
        forget_code()  # a new process
        assert fingerprint.code_digest() != first
    finally:
        forget_code()
