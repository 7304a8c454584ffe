"""Assignments (III.7, III.11, III.12) and deactivation (III.14): each rule passing and failing
at its line, who may change which assignment, and the lookups the other stages use."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from test_workflow_repo import (  # noqa: F401  (_isolated_git is an autouse fixture)
    ROOT,
    Repo,
    _isolated_git,
    make_repo,
)

from builder import assignments as asg
from builder.cli import cli
from builder.validate import validate
from builder.workflow.check import run_check

TODAY = dt.date(2025, 1, 10)
NAZK = "executors/nazk.yaml"


def problems_after(data: Path, rel: str, edit: Callable[[str], str]) -> list[tuple]:
    """(file, line, field, code, severity) of every problem once `rel` is edited."""
    path = data / rel
    path.write_text(edit(path.read_text("utf-8")), "utf-8")
    _data, found = validate(data, "data")
    return [(p.file, p.line, p.field, p.code, p.severity) for p in found]


def replace(old: str, new: str) -> Callable[[str], str]:
    def edit(text: str) -> str:
        assert old in text, old
        return text.replace(old, new, 1)

    return edit


def test_the_demonstration_assignments_pass(data_copy: Path) -> None:
    _data, found = validate(data_copy, "data")
    assert found == []


@pytest.mark.parametrize(
    ("rel", "old", "new", "expected"),
    [
        pytest.param(
            NAZK,
            "  1.1.1.1.1:\n    manager: i.bondarenko",
            "  1.1.1.1.1:\n    manager: k.moroz",
            [(f"data/{NAZK}", 11, "assignments.1.1.1.1.1.manager", "assignment", "error")],
            id="manager of another executor",
        ),
        pytest.param(
            NAZK,
            "  1.1.1.1.1:\n    manager: i.bondarenko",
            "  1.1.1.1.1:\n    manager: t.melnyk",
            [(f"data/{NAZK}", 11, "assignments.1.1.1.1.1.manager", "assignment", "error")],
            id="manager without the role",
        ),
        pytest.param(
            NAZK,
            "    implementers:\n    - t.melnyk\n  1.1.1.1.2:",
            "    implementers:\n    - i.bondarenko\n  1.1.1.1.2:",
            [(f"data/{NAZK}", 13, "assignments.1.1.1.1.1.implementers[0]", "assignment", "error")],
            id="implementer without the role",
        ),
        pytest.param(
            NAZK,
            "    implementers:\n    - t.melnyk\n  1.1.1.1.2:",
            "    implementers:\n    - t.melnyk\n    - t.melnyk\n  1.1.1.1.2:",
            [(f"data/{NAZK}", 14, "assignments.1.1.1.1.1.implementers[1]", "assignment", "error")],
            id="implementer twice",
        ),
        pytest.param(
            NAZK,
            "  1.1.1.1.1:\n",
            "  9.9.9.9.9:\n",
            [(f"data/{NAZK}", 10, "assignments.9.9.9.9.9", "assignment", "error")],
            id="no such measure",
        ),
        pytest.param(
            NAZK,
            "  1.1.1.1.1:\n",
            "  3.1.1.1.2:\n",
            [(f"data/{NAZK}", 10, "assignments.3.1.1.1.2", "assignment", "error")],
            id="another executor's measure",
        ),
        pytest.param(
            "staff.yaml",
            "    1.1.1.1.1: analyst.hrytsenko",
            "    1.1.1.1.1: nazk.editor",
            [("data/staff.yaml", 4, "assignments.measures.1.1.1.1.1", "assignment", "error")],
            id="analyst group to a редактор",
        ),
        pytest.param(
            "staff.yaml",
            "    1.1.1.1: analyst.hrytsenko",
            "    1.1.1.9: analyst.hrytsenko",
            [("data/staff.yaml", 17, "assignments.results.1.1.1.9", "assignment", "error")],
            id="no such ОСР",
        ),
    ],
)
def test_an_assignment_breaking_a_rule_is_located(data_copy, rel, old, new, expected) -> None:
    assert problems_after(data_copy, rel, replace(old, new)) == expected


def test_a_co_executor_assigns_its_share_and_an_unlisted_measure_is_allowed(data_copy) -> None:
    # nazk is a co-executor of 1.1.1.1.3 (assigned) and of 2.1.1.1.1 (not yet): both fine
    data, found = validate(data_copy, "data")
    assert found == []
    assert asg.assignment(data, "nazk", "1.1.1.1.3") is not None
    assert asg.assignment(data, "nazk", "2.1.1.1.1") is None


def test_a_person_who_left_is_named_with_the_measures_left_without_them(data_copy) -> None:
    found = problems_after(
        data_copy,
        NAZK,
        replace(
            "  github: otkachenko-nazk\n  since: 2024-03-01\n",
            "  github: otkachenko-nazk\n  since: 2024-03-01\n  until: 2024-12-31\n"
            "  until_reason: звільнення\n",
        ),
    )
    assert found == [(f"data/{NAZK}", 69, "people[4].until", "left-assigned", "warning")]
    _data, problems = validate(data_copy, "data")
    assert dict(problems[0].params)["items"] == "1.1.1.1.2, 1.1.1.1.3, 1.1.1.2.1"


def test_an_active_implementer_without_measures_is_a_warning(data_copy) -> None:
    edit = replace("    - t.melnyk\n    - o.tkachenko\n", "    - t.melnyk\n")
    edit2 = replace("    implementers:\n    - o.tkachenko\n", "    implementers:\n    - t.melnyk\n")

    def both(text: str) -> str:
        return edit2(edit2(edit(text)))

    found = problems_after(data_copy, NAZK, both)
    assert found == [(f"data/{NAZK}", 62, "people[4].id", "idle", "warning")]


def test_an_executor_that_assigned_nothing_is_told_once(data_copy) -> None:
    def drop(text: str) -> str:
        start, end = text.index("assignments:\n"), text.index("people:\n")
        return text[:start] + text[end:]

    found = problems_after(data_copy, NAZK, drop)
    assert found == [(f"data/{NAZK}", 10, "people", "unassigned", "warning")]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "  until: 2024-05-31\n  until_reason: переведення на іншу посаду\n",
            "  until: 2024-05-31\n",
            [("data/executors/minjust.yaml", 55, "people[4].until", "deactivation", "warning")],
        ),
        (
            "  until: 2024-05-31\n  until_reason: переведення на іншу посаду\n",
            "  until_reason: звільнення\n",
            [  # and, active again, m.rudenko has no measure
                ("data/executors/minjust.yaml", 49, "people[4].id", "idle", "warning"),
                (
                    "data/executors/minjust.yaml",
                    55,
                    "people[4].until_reason",
                    "deactivation",
                    "error",
                ),
            ],
        ),
        (
            "  until_reason: переведення на іншу посаду\n",
            "  until_reason: пішов\n",
            [("data/executors/minjust.yaml", 56, "people[4].until_reason", "enum", "error")],
        ),
    ],
)
def test_deactivation_needs_a_date_and_a_reason_of_the_official_list(
    data_copy, old, new, expected
) -> None:
    assert problems_after(data_copy, "executors/minjust.yaml", replace(old, new)) == expected


# ---------------------------------------------------------------- lookups


def test_assigned_people_are_those_with_the_role_and_access() -> None:
    data, _ = validate(ROOT / "data", "data", today=TODAY)
    manager = asg.assigned_manager(data, "1.1.1.1.2", TODAY)
    assert manager is not None and manager.id == "i.bondarenko"
    assert [p.id for p in asg.assigned_implementers(data, "1.1.1.1.2", TODAY)] == [
        "t.melnyk",
        "o.tkachenko",
    ]
    # before o.tkachenko's access began, only t.melnyk
    assert [p.id for p in asg.assigned_implementers(data, "1.1.1.1.2", dt.date(2024, 1, 1))] == [
        "t.melnyk"
    ]
    assert asg.assigned_manager(data, "2.1.1.1.1", TODAY, "nazk") is None  # co-executor, unassigned
    analyst = asg.assigned_analyst(data, "1.1.1.1.1", TODAY)
    assert analyst is not None and analyst.id == "analyst.hrytsenko"
    assert asg.assigned_analyst(data, "3.1.1.1.2", TODAY) is None


def test_unassigned_measures_per_executor_and_since_when() -> None:
    data, _ = validate(ROOT / "data", "data", today=TODAY)
    found = [(u.executor, u.measure, u.missing) for u in asg.unassigned(data, TODAY)]
    assert ("minjust", "1.1.1.1.1", ("implementers",)) not in found  # completed in 2023
    assert ("nazk", "2.1.1.1.1", ("manager", "implementers")) in found
    assert ("mineconomy", "1.1.2.1.1", ("manager", "implementers")) in found
    assert not [f for f in found if f[0] == "nabu"]
    gone = next(u for u in asg.unassigned(data, TODAY) if u.measure == "2.1.1.1.1")
    assert gone.since == dt.date(2023, 1, 1) and gone.days(TODAY) == 740


# ---------------------------------------------------------------- who may change them

HEAD_NAZK = None  # o.kovalenko has no GitHub login in the demonstration data
MANAGER_NAZK = "ibondarenko-nazk"  # i.bondarenko, менеджер of 1.1.1.1.1
OTHER_MANAGER_NAZK = "ashevchuk-nazk"  # a.shevchuk, координатор and менеджер of 1.1.1.1.3
IMPLEMENTER_NAZK = "tmelnyk-nazk"
USERS_ADMIN = "sdoroshenko-nazk"
EDITOR = "mpanchenko-nazk"
ANALYST = "dhrytsenko-nazk"


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    r = make_repo(tmp_path / "repo")
    r.git("checkout", "-q", "-b", "pr")
    return r


def verdict(repo: Repo, login: str) -> list[tuple[str, str]]:
    result = run_check(repo.path, repo.data, "main", "HEAD", login)
    return [(p.file, p.code) for p in result.problems if p.severity == "error"]


def give_head_a_login(repo: Repo) -> str:
    rel = "data/executors/nazk.yaml"
    text = repo.read(rel).replace(
        "  - керівник\n  since: 2023-01-16\n",
        "  - керівник\n  github: okovalenko-nazk\n  since: 2023-01-16\n",
    )
    repo.write(rel, text)
    repo.commit(USERS_ADMIN, "Логін керівника")
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--ff-only", "pr")
    repo.git("checkout", "-q", "pr")
    return "okovalenko-nazk"


def test_the_manager_assigns_their_measure_to_implementers(repo: Repo) -> None:
    rel = "data/executors/nazk.yaml"
    repo.write(
        rel,
        repo.read(rel).replace(
            "    implementers:\n    - t.melnyk\n  1.1.1.1.2:",
            "    implementers:\n    - t.melnyk\n    - o.tkachenko\n  1.1.1.1.2:",
        ),
    )
    repo.commit(MANAGER_NAZK, "Розподіл 1.1.1.1.1")
    assert verdict(repo, MANAGER_NAZK) == []
    assert verdict(repo, OTHER_MANAGER_NAZK) == [(rel, "not-allowed")]  # not their measure
    assert verdict(repo, IMPLEMENTER_NAZK) == [(rel, "not-allowed")]
    assert verdict(repo, USERS_ADMIN) == [(rel, "not-allowed")]


def test_only_the_head_changes_a_measures_manager(repo: Repo) -> None:
    head = give_head_a_login(repo)
    rel = "data/executors/nazk.yaml"
    repo.write(
        rel,
        repo.read(rel).replace(
            "  1.1.1.1.1:\n    manager: i.bondarenko", "  1.1.1.1.1:\n    manager: a.shevchuk"
        ),
    )
    repo.commit(head, "Перерозподіл 1.1.1.1.1")
    assert verdict(repo, head) == []
    assert verdict(repo, MANAGER_NAZK) == [(rel, "not-allowed")]
    result = run_check(repo.path, repo.data, "main", "HEAD", IMPLEMENTER_NAZK)
    assert [(p.code, p.message) for p in result.problems if p.severity == "error"] == [
        (
            "not-allowed",
            "{person} (@{login}) may not do this: in the assignments of {executor}, the керівник "
            "assigns measures to уповноважені менеджери (III.11) and a менеджер assigns their "
            "measures to впроваджувачі (III.12)",
        )
    ]


def test_an_implementer_may_not_assign_themselves(repo: Repo) -> None:
    rel = "data/executors/nazk.yaml"
    repo.write(
        rel,
        repo.read(rel).replace(
            "    implementers:\n    - o.tkachenko\n    since: 2024-03-01\n  1.1.1.2.1:",
            "    implementers:\n    - o.tkachenko\n    - t.melnyk\n    since: 2024-03-01\n"
            "  1.1.1.2.1:",
        ),
    )
    repo.commit(IMPLEMENTER_NAZK, "Беру 1.1.1.1.3")
    assert verdict(repo, IMPLEMENTER_NAZK) == [(rel, "not-allowed")]
    assert verdict(repo, OTHER_MANAGER_NAZK) == []  # a.shevchuk is its менеджер


def test_people_and_assignments_together_are_refused_for_everyone(repo: Repo) -> None:
    rel = "data/executors/nazk.yaml"
    text = repo.read(rel).replace("  1.1.1.1.1:\n    manager: i.bondarenko\n", "  1.1.1.1.1:\n")
    repo.write(rel, text + "- id: x.new\n  name: Нова Особа\n  roles:\n  - впроваджувач\n")
    repo.commit(USERS_ADMIN, "Люди і розподіл")
    assert verdict(repo, USERS_ADMIN) == [(rel, "refused")]


def test_the_editor_distributes_among_analysts(repo: Repo) -> None:
    rel = "data/staff.yaml"
    repo.write(
        rel,
        repo.read(rel).replace(
            "    3.1.1.1.3: analyst.zinchenko\n",
            "    3.1.1.1.3: analyst.zinchenko\n    3.1.1.1.2: analyst.hrytsenko\n",
        ),
    )
    repo.commit(EDITOR, "Розподіл між аналітиками")
    assert verdict(repo, EDITOR) == []
    assert verdict(repo, ANALYST) == [(rel, "not-allowed")]
    assert verdict(repo, "vhnatiuk-nazk") == [(rel, "not-allowed")]  # технічний адміністратор


def test_the_contacts_belong_to_the_administrators(repo: Repo) -> None:
    rel = "data/contacts.age"
    repo.write(rel, repo.read(rel) + "\n")
    repo.commit(USERS_ADMIN, "Контакти")
    assert verdict(repo, USERS_ADMIN) == []
    assert verdict(repo, "vhnatiuk-nazk") == []
    assert verdict(repo, EDITOR) == [(rel, "not-allowed")]


# ---------------------------------------------------------------- what a person owes, internal views


def status_person(runner, person: str, *more: str):
    return runner.invoke(cli, ["status", "--person", person, "--as-of", "2025-01-20", *more])


def test_status_person_lists_what_each_role_owes(runner) -> None:
    implementer = status_person(runner, "t.melnyk")
    assert implementer.exit_code == 0, implementer.output
    assert "Звіти, які треба підготувати (впроваджувач):" in implementer.output
    assert (
        "1.1.2.1.1" in implementer.output
        and "не подано (строк минув 15.01.2025)" in implementer.output
    )
    manager = status_person(runner, "i.bondarenko")
    assert "Звіти, які треба погодити й подати (менеджер):" in manager.output
    head = status_person(runner, "o.kovalenko")
    assert "Заходи, які треба розподілити:" in head.output and "2.1.1.1.1" in head.output
    editor = status_person(runner, "nazk.editor")
    assert "Заходи та ОСР без аналітика" in editor.output and "3.1.1.1.2" in editor.output
    gone = status_person(runner, "m.rudenko")
    assert "Доступу на цю дату немає" in gone.output and "Нічого не належить." in gone.output


def test_status_person_json_and_errors(runner) -> None:
    import json

    result = status_person(runner, "analyst.zinchenko", "--format", "json")
    view = json.loads(result.output)
    assert view["person"] == "analyst.zinchenko" and "2024-Q2/2.1.1.2.1" in view["to_assess"]
    assert "1.1.1.2" in view["measures"]  # an ОСР of the analyst's group
    unknown = status_person(runner, "nobody")
    assert unknown.exit_code != 0 and "no person 'nobody' in the rosters" in unknown.output
    both = status_person(runner, "t.melnyk", "--executor", "nazk")
    assert both.exit_code != 0 and "--person cannot be used with --executor" in both.output


def test_internal_build_shows_unassigned_measures_and_analyst_groups(tmp_path) -> None:
    from builder.internal.gather import gather

    result = gather(ROOT / "data", dt.date(2025, 1, 20), dt.date(2025, 1, 20))
    header, rows = result.tables["unassigned"]
    assert header == ["Виконавець", "Захід", "Бракує", "Не розподілено з", "Днів"]
    assert ["НАЗК", "2.1.1.1.1", "менеджер, впроваджувачі", dt.date(2023, 1, 1), 750] in rows
    header, rows = result.tables["groups"]
    by_name = {r[0]: r for r in rows}
    assert by_name["Артем Зінченко"][1:3] == [7, 4]
    assert by_name["не розподілено"][4] == "3.1.1.1.2"
    awaiting = len(result.tables["awaiting"][1])
    assert sum(int(str(r[3])) for r in rows) == awaiting  # every awaiting report in one group
