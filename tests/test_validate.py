"""Every rule across files, with a failing case on a copy of the demonstration data.

The passing case of every rule is the demonstration data itself (test_load.test_demo_data_is_valid).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from builder import i18n
from builder.cli import cli
from builder.validate import validate

Edit = Callable[[Any], Any]


def replaced_by(record: dict[str, Any]) -> Edit:
    """An edit that writes `record` whatever the file held."""
    return lambda _old: record


def edit(data: Path, rel: str, fn: Edit) -> None:
    """Load data/rel, apply fn to the dict (in place or returning a new one), write it back."""
    path = data / rel
    if path.exists():
        record = yaml.safe_load(path.read_text(encoding="utf-8"))
        fn(record)
    else:
        record = fn({})
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(record, allow_unicode=True, sort_keys=False), encoding="utf-8")


def errors(data: Path, today: dt.date | None = None) -> list[tuple[str, str, str]]:
    """(file relative to data/, field, code) of every problem (`today`: the day of the run)."""
    _, problems = validate(data, "data", today)
    return [(p.file.removeprefix("data/"), p.field, p.code) for p in problems]


def setitem(path: tuple[Any, ...], value: Any) -> Edit:
    def fn(record: Any) -> None:
        target = record
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = value

    return fn


def person_roles(index: int, roles: list[str]) -> Edit:
    return setitem(("people", index, "roles"), roles)


R = "reports/2024-Q1/1.1.1.1.2.yaml"
A = "assessments/2024-Q3/1.1.1.2.1.yaml"
E = "evaluations/2024/2.1.1.1.yaml"

CASES: list[tuple[str, str, Edit, list[tuple[str, str, str]]]] = [
    # ids and file names
    (
        "report period differs from folder",
        R,
        setitem(("period",), "2024-Q2"),
        [(R, "period", "id-mismatch")],
    ),
    (
        "evaluation year differs from folder",
        E,
        setitem(("year",), 2023),
        [(E, "year", "id-mismatch")],
    ),
    # references
    (
        "report naming another measure than its path",  # the path decides: no cascade
        R,
        setitem(("measure",), "9.9.9"),
        [(R, "measure", "id-mismatch")],
    ),
    (
        "measure with a missing executor",
        "measures/1.1.2.1.1.yaml",
        setitem(("co_executors", 0, "executor"), "mvs"),
        [("measures/1.1.2.1.1.yaml", "co_executors[0].executor", "ref")],
    ),
    (
        "measure in a missing section",
        "measures/1.1.1.1.2.yaml",
        setitem(("section",), "7.7"),
        [
            ("measures/1.1.1.1.2.yaml", "results[0]", "structure"),
            ("measures/1.1.1.1.2.yaml", "section", "ref"),
        ],
    ),
    (
        "section with a missing parent",
        "sections/1.1.1.yaml",
        setitem(("parent",), "4.4"),
        [("sections/1.1.1.yaml", "parent", "ref")],
    ),
    (
        "assessment of a missing report",
        A,
        setitem(("reports",), ["2024-Q3/1.1.1.1.1"]),
        [(A, "reports[0]", "ref")],
    ),
    (
        "feedback on a missing measure",
        "feedback/2024-0001.yaml",
        setitem(("measure",), "5.5.5"),
        [("feedback/2024-0001.yaml", "measure", "ref")],
    ),
    # weights and scores
    (
        "indicator weights not 100",
        "results/1.1.1.1.yaml",
        setitem(("indicators", 1, "weight"), 30),
        [("results/1.1.1.1.yaml", "indicators", "weights")],
    ),
    (
        "cumulative shares off",
        "results/1.1.1.2.yaml",
        setitem(("indicators", 0, "subindicators", 0, "share"), 20),
        [("results/1.1.1.2.yaml", "indicators[0].subindicators", "weights")],
    ),
    (
        "tiered top tier off",
        "results/2.1.1.1.yaml",
        setitem(("indicators", 0, "subindicators", 0, "share"), 45),
        [("results/2.1.1.1.yaml", "indicators[0].subindicators", "weights")],
    ),
    (
        "subindicators without kind",
        "results/2.1.1.1.yaml",
        lambda r: r["indicators"][0].pop("kind"),
        [("results/2.1.1.1.yaml", "indicators[0].kind", "missing")],
    ),
    (
        "free score over weight",
        E,
        setitem(("indicators", 1, "score"), 51),
        [(E, "indicators[1].score", "score")],
    ),
    (
        "score and achieved together",
        E,
        setitem(("indicators", 1, "achieved"), ["а"]),
        [(E, "indicators[1].achieved[0]", "ref"), (E, "indicators[1].score", "score")],
    ),
    (
        "unknown subindicator",
        E,
        setitem(("indicators", 0, "achieved"), ["я"]),
        [(E, "indicators[0].achieved[0]", "ref")],
    ),
    (
        "indicator without subindicators lacks a score",
        E,
        lambda r: r["indicators"][1].pop("score"),
        [(E, "indicators[1]", "missing")],
    ),
    (
        "unknown indicator",
        E,
        setitem(("indicators", 1, "indicator"), "9"),
        [(E, "indicators[1].indicator", "ref")],
    ),
    # dates
    (
        "deadline ends before it starts",
        "measures/1.1.1.2.2.yaml",
        setitem(("deadline", "end"), "2024-09-30"),
        [("measures/1.1.1.2.2.yaml", "deadline.end", "dates")],
    ),
    (
        "deadline outside the programme",
        "measures/1.1.1.1.2.yaml",
        setitem(("deadline", "end"), "2027-06-30"),
        [("measures/1.1.1.1.2.yaml", "deadline.end", "dates")],
    ),
    (
        "level thresholds reversed",
        "programme.yaml",
        setitem(("levels", "medium_from"), 80),
        [("programme.yaml", "levels", "levels")],
    ),
    # reports
    (
        "report by a co-executor",
        "reports/2024-Q2/1.1.2.1.1.yaml",
        setitem(("executor",), "mineconomy"),
        [("reports/2024-Q2/1.1.2.1.1.yaml", "executor", "role-rule")],
    ),
    (
        "prepared by a manager",
        R,
        setitem(("prepared_by",), "i.bondarenko"),
        [(R, "prepared_by", "role-rule")],
    ),
    (
        "approved by another executor's manager",
        R,
        setitem(("approved_by",), "v.oliinyk"),
        [(R, "approved_by", "role-rule")],
    ),
    (
        "approved by nobody known",
        R,
        setitem(("approved_by",), "x.nobody"),
        [(R, "approved_by", "ref")],
    ),
    (
        "prepared after access ended",
        "reports/2024-Q3/1.1.1.2.1.yaml",
        setitem(("prepared_by",), "m.rudenko"),
        [("reports/2024-Q3/1.1.1.2.1.yaml", "prepared_by", "role-rule")],
    ),
    (
        "progress report after the deadline",
        "reports/2024-Q3/3.1.1.1.1.yaml",
        setitem(("kind",), "про хід виконання"),
        [("reports/2024-Q3/3.1.1.1.1.yaml", "kind", "inactive")],
    ),
    # assessments
    (
        "assessment by a non-analyst",
        A,
        setitem(("analyst",), "nazk.editor"),
        [(A, "analyst", "role-rule")],
    ),
    (
        "label does not fit status",
        A,
        setitem(("label",), "захід не виконано"),
        [(A, "label", "label")],
    ),
    (
        "status outside the official list",
        A,
        setitem(("status",), "Майже виконано"),
        [(A, "status", "enum")],
    ),
    # roles (III.15–III.16)
    (
        "two heads",
        "executors/nazk.yaml",
        person_roles(4, ["керівник"]),
        [
            ("executors/nazk.yaml", "people", "role-rule"),
            # and she is no longer a впроваджувач of the measures assigned to her
            ("executors/nazk.yaml", "assignments.1.1.1.1.2.implementers[1]", "assignment"),
            ("executors/nazk.yaml", "assignments.1.1.1.1.3.implementers[0]", "assignment"),
            ("executors/nazk.yaml", "assignments.1.1.1.2.1.implementers[0]", "assignment"),
        ],
    ),
    (
        "no coordinator",
        "executors/minjust.yaml",
        person_roles(1, ["уповноважений менеджер"]),
        [("executors/minjust.yaml", "people", "role-rule")],
    ),
    (
        "manager and implementer",
        "executors/nabu.yaml",
        person_roles(2, ["уповноважений менеджер", "впроваджувач"]),
        [
            ("executors/nabu.yaml", "people[2].roles", "role-rule"),
            ("executors/nabu.yaml", "people[2].id", "idle"),  # a впроваджувач of no measure
        ],
    ),
    (
        "head and implementer",
        "executors/nabu.yaml",
        person_roles(0, ["керівник", "впроваджувач"]),
        [
            ("executors/nabu.yaml", "people[0].roles", "role-rule"),
            ("executors/nabu.yaml", "people[0].id", "idle"),
        ],
    ),
    (
        "role held twice",
        "executors/nabu.yaml",
        person_roles(3, ["впроваджувач", "впроваджувач"]),
        [("executors/nabu.yaml", "people[3].roles", "role-twice")],
    ),
    (
        "analyst with another role",
        "staff.yaml",
        person_roles(3, ["аналітик", "редактор"]),
        [("staff.yaml", "people[3].roles", "role-rule")],
    ),
    (
        "staff with an executor role",
        "staff.yaml",
        person_roles(2, ["впроваджувач"]),
        [("staff.yaml", "people[2].roles", "role-rule")],
    ),
    (
        "same person twice",
        "executors/nabu.yaml",
        lambda r: r["people"].append(
            {"id": "h.pavlenko", "name": "Г. П.", "roles": ["впроваджувач"]}
        ),
        [
            ("executors/nabu.yaml", "people[4].id", "duplicate-id"),
            ("executors/nabu.yaml", "people[4].id", "idle"),
        ],
    ),
    (
        "same GitHub login twice",
        "executors/nazk.yaml",
        setitem(("people", 3, "github"), "pbilyk-nabu"),
        [("executors/nazk.yaml", "people[3].github", "duplicate-id")],
    ),
]


@pytest.mark.parametrize(
    ("rel", "fn", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_rule(data_copy: Path, rel: str, fn: Edit, expected: list[tuple[str, str, str]]) -> None:
    edit(data_copy, rel, fn)
    assert sorted(errors(data_copy)) == sorted(expected)


def test_id_must_match_file_name(data_copy: Path) -> None:
    edit(data_copy, "sections/9.yaml", lambda r: {"id": "8", "level": "напрям", "title": "Тест"})
    assert errors(data_copy) == [("sections/9.yaml", "id", "id-mismatch")]


def test_report_before_the_measure_starts(data_copy: Path) -> None:
    src = data_copy / "reports/2024-Q1/1.1.1.1.2.yaml"
    target = data_copy / "reports/2023-Q4/1.1.1.1.2.yaml"
    target.write_text(
        src.read_text(encoding="utf-8").replace("2024-Q1", "2023-Q4"), encoding="utf-8"
    )
    assert errors(data_copy) == [("reports/2023-Q4/1.1.1.1.2.yaml", "period", "inactive")]


def test_correction_file_name(data_copy: Path) -> None:
    src = data_copy / R
    (src.parent / "1.1.1.1.2@2.yaml").write_text(src.read_text(encoding="utf-8"), encoding="utf-8")
    (src.parent / "1.1.1.1.2@x.yaml").write_text(src.read_text(encoding="utf-8"), encoding="utf-8")
    assert errors(data_copy) == [("reports/2024-Q1/1.1.1.1.2@x.yaml", "measure", "id-mismatch")]


# ---------------------------------------------------------------- the command


def snapshot(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_cli_passes_on_demo_data_and_writes_nothing(runner, data_copy: Path) -> None:
    before = snapshot(data_copy)
    result = runner.invoke(cli, ["validate", "--data", str(data_copy), "--strict"])
    assert result.exit_code == 0, result.output
    assert "OK: 13 measures" in result.output
    assert snapshot(data_copy) == before


def test_cli_fails_with_located_messages(runner, data_copy: Path) -> None:
    edit(data_copy, A, setitem(("analyst",), "nazk.editor"))
    result = runner.invoke(cli, ["validate", "--data", str(data_copy)])
    assert result.exit_code == 1
    assert (
        f"{data_copy}/{A}:4:10: field 'analyst': 'nazk.editor' is not an аналітик of НАЗК"
        in result.output
    )


def test_strict_turns_warnings_into_errors(runner, data_copy: Path) -> None:
    edit(data_copy, A, setitem(("label",), "захід не виконано"))
    assert runner.invoke(cli, ["validate", "--data", str(data_copy)]).exit_code == 0
    assert runner.invoke(cli, ["validate", "--data", str(data_copy), "--strict"]).exit_code == 1


def test_json_format(runner, data_copy: Path) -> None:
    edit(data_copy, A, setitem(("analyst",), "nazk.editor"))
    result = runner.invoke(cli, ["validate", "--data", str(data_copy), "--format", "json"])
    report = json.loads(result.output)
    assert report["errors"] == 1
    assert [(p["field"], p["code"], p["line"]) for p in report["problems"]] == [
        ("analyst", "role-rule", 4)
    ]


def test_github_format_and_step_summary(
    runner, data_copy: Path, tmp_path: Path, monkeypatch
) -> None:
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    for i in range(12):  # more than the 10 annotations GitHub shows per step
        feedback = {
            "id": f"x{i}",
            "date": "2024-01-01",
            "measure": "0.0",
            "author": "А",
            "text": "Т",
        }
        edit(data_copy, f"feedback/x{i}.yaml", replaced_by(feedback))
    result = runner.invoke(cli, ["validate", "--data", str(data_copy), "--format", "github"])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert len(lines) == 12 and lines[0].startswith(
        f"::error file={data_copy}/feedback/x0.yaml,line=3,col=10::"
    )
    table = summary.read_text(encoding="utf-8")
    assert table.count("| ❌ |") == 12


def test_no_traceback_for_user_mistakes(runner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["validate", "--data", str(tmp_path / "missing")])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "the data folder does not exist" in result.output


def test_every_command_has_help_with_an_example(runner) -> None:
    for name in cli.commands:
        result = runner.invoke(cli, [name, "--help"])
        assert result.exit_code == 0, name
        assert "Example" in result.output, f"dap {name} --help has no example"


def test_schemas_are_up_to_date() -> None:
    from builder.schemas import stale_schemas

    assert stale_schemas(Path(__file__).resolve().parent.parent / "schemas") == []


def test_programme_period_reversed(data_copy: Path) -> None:
    edit(data_copy, "programme.yaml", setitem(("period", "end"), "2022-12-31"))
    assert ("programme.yaml", "period.end", "dates") in errors(data_copy)


# ---------------------------------------------------------------- no cascades (issue 15, item 5)

BROKEN_YAML = "broken: [unclosed\n"  # a flow list never closed: the file is no YAML at all
UNKNOWN_KEY = "colour: red\n"  # YAML, but not a record of its kind


@pytest.mark.parametrize(
    ("rel", "tail", "code"),
    [
        ("reports/2024-Q3/1.1.1.2.1.yaml", BROKEN_YAML, "yaml"),  # an assessment points at it
        ("reports/2024-Q3/1.1.1.2.1.yaml", UNKNOWN_KEY, "unknown-key"),
        ("measures/1.1.1.2.1.yaml", BROKEN_YAML, "yaml"),  # reports and an assessment
        ("measures/1.1.1.2.1.yaml", UNKNOWN_KEY, "unknown-key"),
        ("results/2.1.1.1.yaml", BROKEN_YAML, "yaml"),  # measures and an evaluation
        ("sections/1.1.1.yaml", BROKEN_YAML, "yaml"),  # ОСР and measures
        ("sections/1.1.yaml", UNKNOWN_KEY, "unknown-key"),  # a problem's parent
        ("executors/nazk.yaml", BROKEN_YAML, "yaml"),  # measures, reports and their people
        ("staff.yaml", BROKEN_YAML, "yaml"),  # every assessment's and evaluation's analyst
    ],
)
def test_a_broken_record_is_reported_once(data_copy: Path, rel: str, tail: str, code: str) -> None:
    """References to a record that failed to load are not reported as missing."""
    path = data_copy / rel
    path.write_text(path.read_text(encoding="utf-8") + tail, encoding="utf-8")
    assert [(f, c) for f, _field, c in errors(data_copy)] == [(rel, code)]


def test_a_report_with_an_unclosed_text_is_one_problem(data_copy: Path) -> None:
    rel = "reports/2024-Q3/1.1.1.2.1.yaml"
    path = data_copy / rel
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    text = next(i for i, row in enumerate(lines) if row.startswith("text:"))
    lines[text] = "text: [unclosed\n"
    path.write_text("".join(lines), encoding="utf-8")
    assert [(f, c) for f, _field, c in errors(data_copy)] == [(rel, "yaml")]


def test_a_reference_to_a_file_that_is_not_there_is_still_reported(data_copy: Path) -> None:
    (data_copy / "reports/2024-Q3/1.1.1.2.1.yaml").unlink()
    assert errors(data_copy) == [(A, "reports[0]", "ref")]


# ---------------------------------------------------------------- dates of things done (item 4)

TODAY = dt.date(2025, 3, 1)  # after every date of the demonstration data
TOMORROW = "2025-03-02"


@pytest.mark.parametrize(
    ("rel", "path"),
    [
        (R, ("approved_on",)),
        (R, ("submitted",)),
        (A, ("date",)),
        (E, ("date",)),
        ("measures/1.1.1.2.1.yaml", ("completed",)),
        ("programme.yaml", ("act", "date")),
        ("programme.yaml", ("amendments", 0, "date")),
        ("feedback/2025-0001.yaml", ("date",)),
        ("feedback/2024-0001.yaml", ("answered_on",)),
    ],
)
def test_a_date_of_something_done_may_not_be_after_today(
    data_copy: Path, rel: str, path: tuple[str | int, ...]
) -> None:
    assert errors(data_copy, TODAY) == []
    edit(data_copy, rel, setitem(path, TOMORROW))
    field = ".".join(str(p) for p in path).replace(".0.", "[0].")
    assert errors(data_copy, TODAY) == [(rel, field, "future-date")]
    assert errors(data_copy, TODAY + dt.timedelta(days=1)) == []


def test_dates_that_may_be_planned_ahead_are_not_refused(data_copy: Path) -> None:
    later = str(TODAY + dt.timedelta(days=30))
    edit(data_copy, "notices/2026-11-maintenance.yaml", setitem(("date",), later))
    edit(data_copy, "notices/2026-11-maintenance.yaml", setitem(("start",), later))
    edit(data_copy, "executors/nabu.yaml", setitem(("people", 3, "since"), later))
    assert errors(data_copy, TODAY) == []


def test_validate_uses_the_day_of_the_run_by_default(data_copy: Path) -> None:
    edit(data_copy, R, setitem(("approved_on",), str(dt.date.today() + dt.timedelta(days=1))))
    assert (R, "approved_on", "future-date") in errors(data_copy)


# ---------------------------------------------------------------- in Ukrainian


@pytest.fixture
def ukrainian():
    """The run's language set to Ukrainian for one test."""
    i18n.set_language("uk")
    yield
    i18n.set_language(None)


def shown(data: Path, today: dt.date = TODAY) -> list[str]:
    """Every problem as a person reads it, file names relative to data/."""
    _, problems = validate(data, "data", today)
    return [str(p).removeprefix("data/") for p in problems]


@pytest.mark.parametrize(
    ("rel", "fn", "text"),
    [
        (
            A,
            setitem(("analyst",), "nazk.editor"),
            f"{A}:4:10: поле analyst: «nazk.editor» не є аналітиком НАЗК — вкажіть аналітика з "
            "data/staff.yaml (аналітик не може мати інших ролей, п. 16 розділу III Положення)",
        ),
        (
            R,
            setitem(("prepared_by",), "i.bondarenko"),
            f"{R}:5:14: поле prepared_by: «i.bondarenko» не є впроваджувачем виконавця nazk — "
            "додайте цій особі роль «впроваджувач» у data/executors/nazk.yaml або доручіть "
            "підготувати звіт впроваджувачу виконавця nazk",
        ),
        (
            R,
            setitem(("approved_on",), TOMORROW),
            f"{R}:7:14: поле approved_on: дата 02.03.2025 ще не настала (сьогодні 01.03.2025) — "
            "вкажіть день, коли це справді відбулося, у форматі РРРР-ММ-ДД",
        ),
        (
            "executors/nabu.yaml",
            person_roles(3, ["уповноважений менеджер", "впроваджувач"]),
            "executors/nabu.yaml:42:3: поле people[3].roles: p.bilyk: одна особа не може бути "
            "водночас уповноваженим менеджером і впроваджувачем (п. 15 розділу III Положення) — "
            "доручіть одну з цих ролей іншій особі",
        ),
        (
            "results/1.1.1.1.yaml",
            setitem(("indicators", 1, "weight"), 30),
            "results/1.1.1.1.yaml:7:1: поле indicators: сума ваг індикаторів дорівнює 90, а має "
            "бути 100 — виправте ваги так, щоб разом вони становили 100",
        ),
    ],
)
def test_problems_read_in_ukrainian(
    ukrainian, data_copy: Path, rel: str, fn: Edit, text: str
) -> None:
    edit(data_copy, rel, fn)
    assert shown(data_copy) == [text]


def test_the_command_speaks_ukrainian_without_a_traceback(runner, data_copy: Path) -> None:
    edit(data_copy, "reports/2024-Q3/1.1.1.2.1.yaml", setitem(("approved_by",), "x.nobody"))
    result = runner.invoke(cli, ["--lang", "uk", "validate", "--data", str(data_copy)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert (
        "поле approved_by: особи «x.nobody» немає серед користувачів — перевірте" in result.output
    )
    assert "1 помилка, 0 попереджень" in result.output
