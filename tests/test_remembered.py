"""Remembered conclusions of the per-record rules (validate/remembered.py, issue 22): after any
kind of edit, a validation that takes what it remembers gives exactly the problems of a full
validation without any cache, in the same order; a tampered or foreign file is ignored."""

from __future__ import annotations

import datetime as dt
import random
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from builder import cache as c
from builder.errors import Problem
from builder.validate import remembered, validate

TODAY = dt.date(2025, 6, 30)


@pytest.fixture
def folder(data_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The demonstration data, its caches in a user cache of its own."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user"))
    monkeypatch.delenv("DAP_NO_CACHE", raising=False)
    return data_copy


def full(data: Path, monkeypatch: pytest.MonkeyPatch, today: dt.date = TODAY) -> list[Problem]:
    """A validation from scratch: no record cache, nothing remembered."""
    with monkeypatch.context() as patch:
        patch.setenv("DAP_NO_CACHE", "1")
        return validate(data, "data", today)[1]


class Counted:
    """How many reports and assessments the rules looked at again in a run."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.reports = self.assessments = 0
        report, assessment = remembered.report_problems, remembered.assessment_problems

        def report_problems(*args):  # type: ignore[no-untyped-def]
            self.reports += 1
            return report(*args)

        def assessment_problems(*args):  # type: ignore[no-untyped-def]
            self.assessments += 1
            return assessment(*args)

        monkeypatch.setattr(remembered, "report_problems", report_problems)
        monkeypatch.setattr(remembered, "assessment_problems", assessment_problems)


def remembering(
    data: Path, monkeypatch: pytest.MonkeyPatch, today: dt.date = TODAY
) -> tuple[list[Problem], Counted]:
    """A validation as `dap build` runs it (record cache, remembered conclusions)."""
    with monkeypatch.context() as patch:
        counted = Counted(patch)
        notes: list[str] = []
        problems = validate(data, "data", today, notes)[1]
    assert notes == []
    return problems, counted


def agree(data: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[list[Problem], Counted]:
    """Validate both ways; they must agree problem for problem, in order."""
    expected = full(data, monkeypatch)
    found, counted = remembering(data, monkeypatch)
    assert found == expected
    return found, counted


# ---------------------------------------------------------------- edits of every kind


def _edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text("utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, count), "utf-8")


def some(data: Path, pattern: str, n: int = 0) -> Path:
    return sorted(data.glob(pattern))[n]


def report_text(data: Path, rng: random.Random) -> None:
    path = rng.choice(sorted(data.glob("reports/*/*.yaml")))
    _edit(path, "\ntext: ", f"\ntext: ({rng.randrange(10**6)}) ")


def report_wrong_executor(data: Path, rng: random.Random) -> None:
    path = rng.choice(sorted(data.glob("reports/*/*.yaml")))
    text = path.read_text("utf-8")
    path.write_text(re.sub(r"\nexecutor: \S+", "\nexecutor: minjust", text, count=1), "utf-8")


def report_of_another_measure(data: Path, rng: random.Random) -> None:
    path = rng.choice(sorted(data.glob("reports/*/*.yaml")))
    text = path.read_text("utf-8")
    path.write_text(re.sub(r"\nmeasure: \S+", "\nmeasure: 3.1.1.1.1", text, count=1), "utf-8")


def report_added(data: Path, rng: random.Random) -> None:
    source = rng.choice(sorted(data.glob("reports/*/*.yaml")))
    target = source.with_name(source.stem + f"@{rng.randrange(2, 9)}.yaml")
    shutil.copy(source, target)


def report_removed(data: Path, rng: random.Random) -> None:
    rng.choice(sorted(data.glob("reports/*/*.yaml"))).unlink()


def report_broken(data: Path, rng: random.Random) -> None:
    rng.choice(sorted(data.glob("reports/*/*.yaml"))).write_text("measure: [unclosed\n", "utf-8")


def assessment_broken(data: Path, rng: random.Random) -> None:
    path = rng.choice(sorted(data.glob("assessments/*/*.yaml")))
    path.write_text(path.read_text("utf-8") + "colour: red\n", "utf-8")


def assessment_removed(data: Path, rng: random.Random) -> None:
    rng.choice(sorted(data.glob("assessments/*/*.yaml"))).unlink()


def measure_amended(data: Path, rng: random.Random) -> None:
    """A new main executor from a day on: the reports after it name the wrong one."""
    path = rng.choice(sorted(data.glob("measures/*.yaml")))
    text = path.read_text("utf-8")
    if "\namendments:" not in text:
        text += "amendments: []\n"
    text = text.replace("amendments: []\n", "amendments:\n")
    day = dt.date(2023, 1, 1) + dt.timedelta(days=rng.randrange(900))
    text = text.replace(
        "\namendments:\n",
        f"\namendments:\n- date: {day}\n  act: Постанова КМУ № {rng.randrange(999)}\n"
        "  main_executor:\n    executor: nabu\n",
        1,
    )
    path.write_text(text, "utf-8")


def measure_removed(data: Path, rng: random.Random) -> None:
    rng.choice(sorted(data.glob("measures/*.yaml"))).unlink()


def measure_duplicated(data: Path, rng: random.Random) -> None:
    """Two files with one id: the copy's id does not match its name."""
    source = rng.choice(sorted(data.glob("measures/*.yaml")))
    shutil.copy(source, source.with_name(f"9.9.9.9.{rng.randrange(99)}.yaml"))


def executor_renamed(data: Path, rng: random.Random) -> None:
    path = rng.choice(sorted(data.glob("executors/*.yaml")))
    path.rename(path.with_name(f"renamed-{path.name}"))


def executor_person_removed(data: Path, rng: random.Random) -> None:
    """A roster loses a person, whom reports may name."""
    path = rng.choice(sorted(data.glob("executors/*.yaml")))
    text = path.read_text("utf-8")
    people = list(re.finditer(r"\n- id: [^\n]*(\n  [^\n]*)*", text))
    cut = rng.choice(people)
    path.write_text(text[: cut.start()] + text[cut.end() :], "utf-8")


def implementer_role_taken(data: Path, rng: random.Random) -> None:
    """A впроваджувач of the executor that reports most is one no more: their reports are
    prepared by someone without the role."""
    path = data / "executors/nazk.yaml"
    _edit(path, "  - впроваджувач\n", "  - уповноважений менеджер\n", rng.randrange(1, 4))


def executor_broken(data: Path, rng: random.Random) -> None:
    """A roster that fails to load: its reports' people are not checked against it."""
    (data / "executors/nazk.yaml").write_text("people: [unclosed\n", "utf-8")


def person_duplicated(data: Path, rng: random.Random) -> None:
    """A person of one executor listed in another one too (duplicated ids across files)."""
    first, second = rng.sample(sorted(data.glob("executors/*.yaml")), 2)
    person = re.search(r"\n(- id: [^\n]*(\n  [^\n]*)*)", first.read_text("utf-8"))
    assert person is not None
    text = second.read_text("utf-8")
    if "\npeople:\n" in text:
        second.write_text(text.replace("\npeople:\n", f"\npeople:\n{person.group(1)}\n", 1))


def analyst_left(data: Path, rng: random.Random) -> None:
    """The staff roster changes: an analyst's access ends."""
    path = data / "staff.yaml"
    text = path.read_text("utf-8")
    ids = re.findall(r"\n- id: (analyst\.\S+)", text)
    if ids:
        who = rng.choice(ids)
        path.write_text(
            text.replace(f"- id: {who}\n", f"- id: {who}\n  until: 2024-01-01\n", 1), "utf-8"
        )


def staff_broken(data: Path, rng: random.Random) -> None:
    (data / "staff.yaml").write_text("people: [unclosed\n", "utf-8")


def result_changed(data: Path, rng: random.Random) -> None:
    """An ОСР's indicator weight changed (its evaluations are checked against it)."""
    path = rng.choice(sorted(data.glob("results/*.yaml")))
    text = path.read_text("utf-8")
    path.write_text(re.sub(r"weight: \d+", "weight: 7", text, count=1), "utf-8")


def programme_period(data: Path, rng: random.Random) -> None:
    """The programme ends earlier: reports of later quarters fall outside it."""
    path = data / "programme.yaml"
    text = path.read_text("utf-8")
    path.write_text(re.sub(r"\n  end: \S+", "\n  end: 2024-06-30", text, count=1), "utf-8")


EDITS: list[Callable[[Path, random.Random], None]] = [
    report_text,
    report_wrong_executor,
    report_of_another_measure,
    report_added,
    report_removed,
    report_broken,
    assessment_broken,
    assessment_removed,
    measure_amended,
    measure_removed,
    measure_duplicated,
    executor_renamed,
    executor_person_removed,
    implementer_role_taken,
    executor_broken,
    person_duplicated,
    analyst_left,
    staff_broken,
    result_changed,
    programme_period,
]


@pytest.mark.parametrize("edit", EDITS, ids=lambda edit: edit.__name__)
def test_after_each_kind_of_edit_and_its_undoing_the_problems_are_a_full_validations(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, edit: Callable
) -> None:
    before = tmp_path / "before"
    shutil.copytree(folder, before)
    agree(folder, monkeypatch)  # remembers the clean data
    edit(folder, random.Random(edit.__name__))
    after, _ = agree(folder, monkeypatch)
    shutil.rmtree(folder)
    shutil.copytree(before, folder)  # fixed: back as it was (new inodes, same bytes)
    fixed, _ = agree(folder, monkeypatch)
    assert fixed == full(before, monkeypatch)


def test_many_edits_one_after_another(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(22)
    agree(folder, monkeypatch)
    seen: set[str] = set()
    for _ in range(30):
        edit = rng.choice(EDITS)
        try:
            edit(folder, rng)
        except (AssertionError, IndexError, ValueError, FileNotFoundError):
            continue  # an edit that no longer applies to what earlier ones left
        problems, _ = agree(folder, monkeypatch)
        seen.update(p.code for p in problems)
    assert {"role-rule", "ref", "id-mismatch"} <= seen, "the edits made problems to check"


def test_only_what_a_change_can_reach_is_checked_again(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reports = len(list(folder.glob("reports/*/*.yaml")))
    assessments = len(list(folder.glob("assessments/*/*.yaml")))
    _, first = remembering(folder, monkeypatch)
    assert (first.reports, first.assessments) == (reports, assessments)
    _, same = remembering(folder, monkeypatch)
    assert (same.reports, same.assessments) == (0, 0)
    # one report's text: that report, and the assessments that list it
    path = some(folder, "reports/2024-Q4/*.yaml")
    _edit(path, "\ntext: ", "\ntext: (змінено) ")
    listing = [
        a
        for a in folder.glob("assessments/*/*.yaml")
        if f"- 2024-Q4/{path.stem}\n" in a.read_text("utf-8")
    ]
    _, one = agree(folder, monkeypatch)
    assert (one.reports, one.assessments) == (1, len(listing))
    # a measure: its reports, and the assessments of it or listing one of them
    measure = folder / "measures/1.1.1.1.2.yaml"
    _edit(measure, "\ntitle: ", "\ntitle: (змінено) ")
    _, by_measure = agree(folder, monkeypatch)
    assert by_measure.reports == len(list(folder.glob("reports/*/1.1.1.1.2*.yaml")))
    # a roster: everything
    _edit(
        folder / "staff.yaml",
        "\npeople:\n",
        "\npeople:\n- id: new.person\n  name: Нова Особа\n  roles: [редактор]\n",
    )
    _, roster = agree(folder, monkeypatch)
    assert (roster.reports, roster.assessments) == (reports, assessments)


def test_a_tampered_or_foreign_file_is_ignored_with_a_note(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = some(folder, "reports/2024-Q4/*.yaml")
    text = report.read_text("utf-8")
    report.write_text(re.sub(r"\nexecutor: \S+", "\nexecutor: minjust", text, count=1), "utf-8")
    expected = full(folder, monkeypatch)
    assert any(p.code == "role-rule" for p in expected)
    remembering(folder, monkeypatch)
    kept = c.cache_folder(folder, "auto", prefix=remembered.PREFIX)
    assert kept is not None
    path = kept / remembered.RECORD
    sealed = path.read_bytes()
    body = sealed[remembered.MAC_BYTES :]
    cases = {
        "foreign": b"\0" * remembered.MAC_BYTES + body,  # not sealed by this user's dap
        "damaged": sealed[:-40] + b"x" * 40,  # its seal no longer matches
        "short": sealed[:10],
        # sealed, yet not what dap writes
        "garbage": (c.seal(b"not a pickle") or b"") + b"not a pickle",
    }
    for name, tampered in cases.items():
        path.write_bytes(tampered)
        notes: list[str] = []
        found = validate(folder, "data", TODAY, notes)[1]
        assert found == expected, name
        assert len(notes) == 1 and str(path) in notes[0], (name, notes)
        notes.clear()
        assert validate(folder, "data", TODAY, notes)[1] == expected  # written anew
        assert notes == [], name


def test_a_forged_conclusion_under_another_key_is_not_served(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A remembered file of another context (other rosters, code or folder) is not used, even
    sealed: its conclusions are worked out anew."""
    expected, _ = agree(folder, monkeypatch)
    kept = c.cache_folder(folder, "auto", prefix=remembered.PREFIX)
    assert kept is not None
    path = kept / remembered.RECORD
    import pickle

    stored = pickle.loads(path.read_bytes()[remembered.MAC_BYTES :])
    key = next(iter(stored["blobs"]))
    lie = Problem("data/" + key, 1, 1, "", "forged", code="forged")
    report = next(iter(sorted(folder.glob("reports/*/*.yaml"))))
    name = report.relative_to(folder / "reports").with_suffix("").as_posix()
    stored["found"]["reports"][name] = ((lie,), ())
    stored["context"] += "\nanother roster"
    body = pickle.dumps(stored)
    path.write_bytes((c.seal(body) or b"") + body)
    found, counted = remembering(folder, monkeypatch)
    assert found == expected and counted.reports > 0
    # the same forgery under this run's context would be served: the seal is what keeps it out
    stored["context"] = stored["context"].removesuffix("\nanother roster")
    body = pickle.dumps(stored)
    path.write_bytes((c.seal(body) or b"") + body)
    assert any(p.code == "forged" for p in remembering(folder, monkeypatch)[0])


def test_nothing_is_remembered_with_the_cache_off(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DAP_NO_CACHE", "1")
    validate(folder, "data", TODAY)
    _, counted = remembering(folder, monkeypatch)
    assert counted.reports == len(list(folder.glob("reports/*/*.yaml")))


def test_a_rule_of_the_day_is_worked_out_again_on_another_day(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The assignments are checked as of the day of the run: people who left since are named."""
    text = (folder / "staff.yaml").read_text("utf-8")
    who = re.findall(r"\n- id: (analyst\.\S+)", text)[0]
    (folder / "staff.yaml").write_text(
        text.replace(f"- id: {who}\n", f"- id: {who}\n  until: 2025-09-30\n", 1), "utf-8"
    )
    days = [TODAY, dt.date(2025, 12, 31), TODAY]
    found = [remembering(folder, monkeypatch, day)[0] for day in days]
    assert found == [full(folder, monkeypatch, day) for day in days]
    assert any(p.code == "left-assigned" for p in found[1])
    assert not any(p.code == "left-assigned" for p in found[0])


def test_a_folder_gone_since_its_last_load_is_not_taken_for_it(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    agree(folder, monkeypatch)
    shutil.rmtree(folder)
    found, _ = agree(folder, monkeypatch)
    assert [p.code for p in found] == ["no-data"]


def test_every_rule_is_remembered_or_named_as_run_every_time() -> None:
    """A rule added to RULES is not remembered whole until it is shown to read no report or
    assessment (and named in WHOLE_DATA)."""
    from builder.validate import RULES

    per_record = {"check_ids", "check_reports", "check_assessments"}
    names = {rule.__name__ for rule in RULES} | {"check_assignments"}
    assert names >= remembered.WHOLE_DATA
    assert names - remembered.WHOLE_DATA == per_record
