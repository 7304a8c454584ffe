"""dap notify: which notices are due on a date, their words, the outbox and --since REF."""

from __future__ import annotations

import dataclasses
import datetime as dt
import email
import email.policy
import os
import shutil
import subprocess
from email.message import EmailMessage
from pathlib import Path

import pytest
from contact_fixtures import read_contacts, set_contacts

from builder.cli import cli
from builder.compute import snapshot
from builder.errors import ConfigError
from builder.notify.ledger import Ledger
from builder.notify.messages import render
from builder.notify.plan import (
    ACCESS_GRANTED,
    DEADLINE_NEAR,
    KINDS,
    OVERDUE_DIGEST,
    REPORT_OVERDUE,
    WINDOW_CLOSING,
    Item,
    Notice,
    Plan,
    notice_id,
    reporting_cycle,
    work_out,
)
from builder.validate import validate

SITE = "https://monitoring.example.org/dap"
D = dt.date


@pytest.fixture(scope="module")
def demo():
    """The demonstration data, loaded and checked once."""
    root = Path(__file__).resolve().parent.parent / "data"
    data, problems = validate(root, "data")
    assert not [p for p in problems if p.severity == "error"]
    return data


def plan_on(data, day: dt.date, site: str | None = SITE) -> Plan:
    return work_out(data, snapshot(data, None, day, day), day, site, contacts=read_contacts())


def kinds_and_people(plan: Plan) -> list[tuple[str, str]]:
    return [(n.kind, n.person) for n in plan.notices]


def read_eml(path: Path) -> EmailMessage:
    msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert isinstance(msg, EmailMessage)
    return msg


# ---------------------------------------------------------------- the reporting cycle


@pytest.mark.parametrize(
    ("day", "period", "phase"),
    [
        (D(2025, 1, 1), "2024-Q4", "open"),
        (D(2025, 1, 9), "2024-Q4", "open"),
        (D(2025, 1, 10), "2024-Q4", "closing"),
        (D(2025, 1, 15), "2024-Q4", "closing"),
        (D(2025, 1, 16), "2024-Q4", "overdue"),
        (D(2025, 3, 31), "2024-Q4", "overdue"),
        (D(2024, 7, 12), "2024-Q2", "closing"),
        (D(2024, 12, 31), "2024-Q3", "overdue"),
    ],
)
def test_reporting_cycle(demo, day, period, phase):
    cycle = reporting_cycle(demo.programme, day)
    assert (cycle.period, cycle.phase) == (period, phase)


# ---------------------------------------------------------------- working out notices


def test_window_closing_on_2025_01_10_goes_to_the_assigned_people_and_the_coordinator(demo):
    plan = plan_on(demo, D(2025, 1, 10))
    assert {n.kind for n in plan.notices} == {WINDOW_CLOSING}
    people = {n.person: n for n in plan.notices}
    # керівники (o.kovalenko, s.lysenko, l.marchenko) are not told; m.rudenko left in 2024;
    # o.tkachenko's measures owe nothing this quarter
    assert sorted(people) == [
        "a.shevchuk",
        "d.polishchuk",
        "i.bondarenko",
        "k.moroz",
        "n.kravchenko",
        "r.kuzmenko",
        "t.melnyk",
        "v.oliinyk",
        "y.savchenko",
    ]
    nazk = people["a.shevchuk"]  # the координатор, in copy of every measure
    assert [i.measure for i in nazk.items] == ["1.1.2.1.1", "1.1.2.1.2"]
    assert nazk.backlog == ()
    assert [i.measure for i in people["t.melnyk"].items] == ["1.1.2.1.1", "1.1.2.1.2"]
    mineconomy = people["d.polishchuk"]
    assert [i.measure for i in mineconomy.items] == ["2.1.1.1.1", "2.1.1.1.2"]
    assert [(i.measure, "III квартал 2024" in i.note) for i in mineconomy.backlog] == [
        ("2.1.1.1.1", True),
        ("2.1.1.2.1", True),
    ]
    assert people["n.kravchenko"].items[0].url == f"{SITE}/measures/1.1.1.2.2.html"
    # nabu owes nothing for 2024-Q4 (its 2025 measure has not started): nobody there is told
    assert not {"h.pavlenko", "b.romanenko", "l.kharchenko", "p.bilyk"} & set(people)


def reassigned(data, executor: str, measure: str, **fields):
    """The Dataset with one assignment changed (None: the measure unassigned)."""
    ex = data.executors[executor]
    block = dict(ex.assignments)
    if fields.get("drop"):
        del block[measure]
    else:
        block[measure] = block[measure].model_copy(update=fields)
    executors = {**data.executors, executor: ex.model_copy(update={"assignments": block})}
    return dataclasses.replace(data, executors=executors)


def test_each_person_hears_only_of_the_measures_assigned_to_them(demo):
    data = reassigned(demo, "nazk", "1.1.2.1.2", implementers=["o.tkachenko"])
    data = reassigned(data, "nazk", "1.1.2.1.1", manager="a.shevchuk")
    people = {n.person: n for n in plan_on(data, D(2025, 1, 10)).notices}
    assert [i.measure for i in people["t.melnyk"].items] == ["1.1.2.1.1"]
    assert [i.measure for i in people["o.tkachenko"].items] == ["1.1.2.1.2"]
    assert [i.measure for i in people["i.bondarenko"].items] == ["1.1.2.1.2"]
    assert [i.measure for i in people["a.shevchuk"].items] == ["1.1.2.1.1", "1.1.2.1.2"]


def test_an_unassigned_measure_goes_to_every_reporting_person(demo):
    """Until the measure is distributed (or when its people have left), nobody is skipped."""
    data = reassigned(demo, "nazk", "1.1.2.1.2", drop=True)
    people = {n.person: n for n in plan_on(data, D(2025, 1, 10)).notices}
    assert [i.measure for i in people["o.tkachenko"].items] == ["1.1.2.1.2"]
    assert [i.measure for i in people["t.melnyk"].items] == ["1.1.2.1.1", "1.1.2.1.2"]
    gone = reassigned(demo, "nazk", "1.1.2.1.2", manager=None, implementers=["x.unknown"])
    assert "o.tkachenko" in {n.person for n in plan_on(gone, D(2025, 1, 10)).notices}


def test_ids_are_stable_within_a_cycle_and_differ_between_people(demo):
    first = plan_on(demo, D(2025, 1, 10))
    later = plan_on(demo, D(2025, 1, 13))
    assert [n.id for n in first.notices] == [n.id for n in later.notices]
    assert len({n.id for n in first.notices}) == len(first.notices)
    n = first.notices[0]
    assert n.id == notice_id(n.kind, n.person, n.subject_keys, n.bucket)
    opened = plan_on(demo, D(2025, 1, 3))
    assert not {n.id for n in opened.notices} & {n.id for n in first.notices}


def test_after_the_window_overdue_notices_and_the_analysts_digest(demo):
    plan = plan_on(demo, D(2025, 1, 20))
    kinds = kinds_and_people(plan)
    assert (OVERDUE_DIGEST, "analyst.zinchenko") in kinds
    assert (OVERDUE_DIGEST, "analyst.hrytsenko") in kinds
    overdue = {n.person: n for n in plan.notices if n.kind == REPORT_OVERDUE}
    assert [(i.measure, i.note.split(" не ")[0]) for i in overdue["n.kravchenko"].items] == [
        ("1.1.1.2.2", "звіт за IV квартал 2024 р.")
    ]
    digest = {n.person: n for n in plan.notices if n.kind == OVERDUE_DIGEST}
    # the редактор assigned 1.1.1.2.2 and 2.1.1.2.1 to analyst.zinchenko: only they hear
    z = [i.measure for i in digest["analyst.zinchenko"].items]
    h = [i.measure for i in digest["analyst.hrytsenko"].items]
    assert "1.1.1.2.2" in z and "1.1.1.2.2" not in h
    assert "2.1.1.2.1" in z and "2.1.1.2.1" not in h
    assert "2.1.1.1.1" in h and "2.1.1.1.1" not in z
    # unassigned: the author of the latest assessment (2.1.1.2.1: analyst.zinchenko), and for
    # a measure never assessed (1.1.1.2.2) every analyst
    groups = demo.analyst_groups.model_copy(update={"measures": {}})
    plan = plan_on(dataclasses.replace(demo, analyst_groups=groups), D(2025, 1, 20))
    digest = {n.person: n for n in plan.notices if n.kind == OVERDUE_DIGEST}
    z = [i.measure for i in digest["analyst.zinchenko"].items]
    h = [i.measure for i in digest["analyst.hrytsenko"].items]
    assert "1.1.1.2.2" in z and "1.1.1.2.2" in h
    assert "2.1.1.2.1" in z and "2.1.1.2.1" not in h
    assert digest["analyst.zinchenko"].items[0].note.startswith("Мінекономіки: ")


def test_deadline_near_lists_start_and_end_dates_within_the_programme_setting(demo):
    plan = plan_on(demo, D(2024, 12, 20))
    near = {(n.subject_keys, n.person) for n in plan.notices if n.kind == DEADLINE_NEAR}
    keys = {k for k, _ in near}
    assert ("1.1.2.1.1", "end", "2024-12-31") in keys
    assert ("3.1.1.1.2", "start", "2025-01-01") in keys
    # 1.1.2.1.2 was completed on 2024-12-20: its end date needs no reminder
    assert not any(k[0] == "1.1.2.1.2" for k in keys)
    # 14 days (programme.reminders.deadline_near_days): nothing on the day before the window
    assert not [n for n in plan_on(demo, D(2024, 12, 10)).notices if n.kind == DEADLINE_NEAR]


def test_access_granted_reaches_the_new_person_only(demo):
    plan = plan_on(demo, D(2024, 3, 1))
    assert kinds_and_people(plan) == [(ACCESS_GRANTED, "o.tkachenko")]
    # a missed run is caught up within a week; the ledger keeps it to one e-mail
    assert kinds_and_people(plan_on(demo, D(2024, 3, 6))) == [(ACCESS_GRANTED, "o.tkachenko")]
    assert plan_on(demo, D(2024, 3, 9)).notices == ()


def test_no_site_address_means_no_links_and_a_note(demo):
    plan = plan_on(demo, D(2025, 1, 10), site=None)
    assert all(i.url is None for n in plan.notices for i in n.items)
    assert any("site_url" in note for note in plan.notes)


# ---------------------------------------------------------------- rendering


def test_rendered_words_are_ukrainian_and_html_is_escaped(demo):
    plan = plan_on(demo, D(2025, 1, 10))
    n = next(n for n in plan.notices if n.person == "d.polishchuk")
    evil = Item("2.1.1.1.1", 'Захід <script>alert("x")</script> & ко', "примітка <b>")
    n = Notice(**{**n.__dict__, "items": (evil,)})
    r = render(n, demo.programme, D(2025, 1, 10), SITE)
    assert r.subject == (
        "Нагадування: звіти за IV квартал 2024 р. приймаються до 15.01.2025 "
        "(Міністерство економіки України)"
    )
    assert "<script>" not in r.html and "&lt;script&gt;" in r.html and "&amp; ко" in r.html
    assert '<script>alert("x")</script>' in r.text  # plain text is plain
    assert r.text.startswith("Доброго дня, Дмитро Поліщук!\n")
    assert "\n\n\n" not in r.text


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_has_both_templates_and_renders(demo, kind):
    person = demo.executors["nazk"].people[1]
    item = Item("1.1.2.1.1", "Назва", "примітка", f"{SITE}/measures/1.1.2.1.1.html")
    facts = {
        "period": "2024-Q4",
        "period_label": "IV квартал 2024 р.",
        "window_start": "01.01.2025",
        "window_end": "15.01.2025",
        "days_left": "0",
        "executor": "НАЗК",
        "which": "end",
        "date": "31.12.2024",
        "days": "3",
        "since": "01.03.2024",
        "commit": "0123456789ab",
        "commit_url": "https://github.com/example/dap/commit/0123456789ab",
    }
    n = Notice(
        "x" * 24,
        kind,
        person.id,
        person.name,
        read_contacts()[person.id].email,
        ("впроваджувач",),
        "НАЗК",
        ("k",),
        "b",
        (item,),
        (),
        tuple(facts.items()),
    )
    r = render(n, demo.programme, D(2025, 1, 15), SITE)
    assert r.subject and "\n" not in r.subject and "{" not in r.subject
    assert person.name in r.text and person.name in r.html
    if kind != ACCESS_GRANTED:
        assert f'<a href="{SITE}/measures/1.1.2.1.1.html">1.1.2.1.1</a>' in r.html
        assert f"{SITE}/measures/1.1.2.1.1.html" in r.text


# ---------------------------------------------------------------- the outbox (the command)


def test_outbox_on_2025_01_10_is_what_a_coordinator_expects(runner, tmp_path):
    outbox = tmp_path / "outbox"
    args = ["notify", "--as-of", "2025-01-10", "--outbox", str(outbox), "--site-url", SITE]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "9 notice(s) due on 2025-01-10: window_closing 9" in result.output
    assert "@" not in result.output
    files = sorted((outbox / "2025-01-10").iterdir())
    assert len(files) == 9
    coordinator = next(f for f in files if "--d.polishchuk--" in f.name)
    msg = read_eml(coordinator)
    assert msg["To"].addresses[0].addr_spec == "d.polishchuk@example.gov.ua"
    assert msg["To"].addresses[0].display_name == "Дмитро Поліщук"
    assert msg["Subject"] == (
        "Нагадування: звіти за IV квартал 2024 р. приймаються до 15.01.2025 "
        "(Міністерство економіки України)"
    )
    assert msg.get_content_type() == "multipart/alternative"
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert "закінчується 15.01.2025 (залишилося днів: 5)" in text
    assert "* 2.1.1.1.1 — Запровадження автоматичного моніторингу" in text
    assert "Прострочено також звіти за попередні квартали" in text
    assert "звіт за III квартал 2024 р. не подано (строк минув 15.10.2024)" in text
    assert f"{SITE}/measures/2.1.1.2.1.html" in text
    assert f'<a href="{SITE}/measures/2.1.1.1.2.html">2.1.1.1.2</a>' in html
    assert "координатор впровадження" in text
    # the same run again: identical files are left as they are
    again = runner.invoke(cli, args)
    assert again.exit_code == 0 and "already in the outbox, identical: 9" in again.output


def test_outbox_never_overwrites_a_changed_file(runner, tmp_path):
    outbox = tmp_path / "outbox"
    args = ["notify", "--as-of", "2025-01-10", "--outbox", str(outbox)]
    assert runner.invoke(cli, args).exit_code == 0
    edited = sorted((outbox / "2025-01-10").iterdir())[0]
    edited.write_bytes(b"reviewed by hand\n")
    result = runner.invoke(cli, args)
    assert result.exit_code == 1
    assert "exists with other content" in result.output
    assert edited.read_bytes() == b"reviewed by hand\n"


def test_a_person_without_email_is_reported_not_fatal(runner, data_copy, tmp_path):
    set_contacts(data_copy, {"y.savchenko": {"email": None}, "t.melnyk": {"email": None}})
    outbox = tmp_path / "outbox"
    args = ["notify", "--data", str(data_copy), "--as-of", "2025-01-10", "--outbox", str(outbox)]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    for person in ("t.melnyk", "y.savchenko"):  # one message each, the others still written
        assert (
            f"{person}: no e-mail address in the contacts, their notices were not written — "
            f"add it with 'dap contacts set {person} --email ADDRESS'"
        ) in result.output
    assert len(list((outbox / "2025-01-10").iterdir())) == 7


def test_outbox_skips_what_the_ledger_says_was_sent(runner, tmp_path, demo):
    plan = plan_on(demo, D(2025, 1, 10))
    ledger = tmp_path / "ledger.jsonl"
    book = Ledger(ledger)
    book.open()
    book.record(plan.notices[0], dt.datetime(2025, 1, 10, 9, tzinfo=dt.UTC))
    book.close()
    args = ["notify", "--as-of", "2025-01-10", "--outbox", str(tmp_path / "o"), "--ledger"]
    result = runner.invoke(cli, [*args, str(ledger)])
    assert "already sent (in the ledger), skipped: 1" in result.output
    assert "written: 8" in result.output


def test_invalid_data_stops_before_anything_is_written(runner, data_copy, tmp_path):
    (data_copy / "measures" / "1.1.1.1.1.yaml").write_text("id: [\n", "utf-8")
    outbox = tmp_path / "outbox"
    result = runner.invoke(
        cli, ["notify", "--data", str(data_copy), "--as-of", "2025-01-10", "--outbox", str(outbox)]
    )
    assert result.exit_code == 1
    assert not outbox.exists()


def test_send_and_outbox_together_are_refused(runner, tmp_path):
    result = runner.invoke(cli, ["notify", "--send", "--outbox", str(tmp_path)])
    assert result.exit_code == 2
    assert "--send cannot be used with --outbox" in result.output


# ---------------------------------------------------------------- the ledger


def test_ledger_survives_a_torn_last_line(tmp_path, demo):
    plan = plan_on(demo, D(2025, 1, 10))
    a, b, c = plan.notices[:3]
    path = tmp_path / "ledger.jsonl"
    torn = f'{{"id": "{b.id}", "person": "о'.encode()[:-1]  # cut inside a Cyrillic letter
    path.write_bytes(f'{{"id": "{a.id}", "kind": "x"}}\n'.encode() + torn)
    book = Ledger(path)
    assert a.id in book and b.id not in book and book.torn == 1
    book.open()
    book.record(c, dt.datetime(2025, 1, 10, tzinfo=dt.UTC))
    book.close()
    again = Ledger(path)
    assert a.id in again and c.id in again and again.torn == 1
    assert b"@" not in path.read_bytes()


def test_the_ledger_is_read_again_once_locked(tmp_path, demo):
    """A run that finished between this one's start and its lock has appended: it counts."""
    notice = plan_on(demo, D(2025, 1, 10)).notices[0]
    path = tmp_path / "ledger.jsonl"
    late = Ledger(path)
    other = Ledger(path)
    other.open()
    other.record(notice, dt.datetime(2025, 1, 10, tzinfo=dt.UTC))
    other.close()
    assert notice.id not in late
    late.open()
    try:
        assert notice.id in late
    finally:
        late.close()


def test_one_sending_run_per_ledger(tmp_path):
    path = tmp_path / "ledger.jsonl"
    first = Ledger(path)
    first.open()
    try:
        with pytest.raises(ConfigError, match="another 'dap notify --send'"):
            Ledger(path).open()
    finally:
        first.close()


# ---------------------------------------------------------------- --since REF


def git(repo: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.org",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.org",
        "GIT_CONFIG_GLOBAL": os.devnull,  # a developer's signing or hooks must not interfere
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    out = subprocess.run(
        ["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=True
    )
    return out.stdout.strip()


REPORT = """\
measure: 1.1.1.2.2
period: 2024-Q4
kind: про хід виконання
executor: minjust
prepared_by: y.savchenko
approved_by: v.oliinyk
approved_on: 2025-01-09
submitted: 2025-01-09
text: Законопроєкт підготовлено, триває погодження з заінтересованими органами.
"""

NEW_PERSON = """\
- id: o.hnatenko
  name: Олег Гнатенко
  roles:
  - впроваджувач
  since: 2024-06-03
"""


ASSESSMENT = """\
measure: 1.1.1.2.2
period: 2024-Q4
date: 2025-01-10
analyst: analyst.hrytsenko
status: Виконується
label: прогрес виконання заходу наявний
text: Законопроєкт на погодженні; строк виконання не минув.
reports:
- 2024-Q4/1.1.1.2.2
"""


def outbox_files(folder: Path) -> dict[str, list[Path]]:
    """Files by 'kind--person'."""
    found: dict[str, list[Path]] = {}
    for f in sorted(folder.iterdir()):
        kind, person, _ = f.name.split("--")
        found.setdefault(f"{kind}--{person}", []).append(f)
    return found


def test_since_ref_tells_of_each_commits_status_changes_and_people_added(runner, tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    shutil.copytree(Path(__file__).resolve().parent.parent / "data", repo / "data")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "data")
    git(repo, "commit", "-q", "-m", "data")
    (repo / "data" / "reports" / "2024-Q4" / "1.1.1.2.2.yaml").write_text(REPORT, "utf-8")
    roster = repo / "data" / "executors" / "minjust.yaml"
    roster.write_text(roster.read_text("utf-8") + NEW_PERSON, "utf-8")
    set_contacts(repo / "data", {"o.hnatenko": {"email": "o.hnatenko@example.gov.ua"}})
    git(repo, "add", "data")
    git(repo, "commit", "-q", "-m", "report and a new implementer")
    (repo / "README.md").write_text("not data\n", "utf-8")
    git(repo, "add", "README.md")
    git(repo, "commit", "-q", "-m", "a commit that does not touch the data")
    (repo / "data" / "assessments" / "2024-Q4" / "1.1.1.2.2.yaml").write_text(ASSESSMENT, "utf-8")
    git(repo, "add", "data")
    git(repo, "commit", "-q", "-m", "assessment")

    def run(ref: str, outbox: Path):
        args = ["notify", "--data", str(repo / "data"), "--as-of", "2025-01-10"]
        args += ["--since", ref, "--outbox", str(outbox), "--site-url", SITE]
        result = runner.invoke(cli, args)
        assert result.exit_code == 0, result.output
        return outbox_files(outbox / "2025-01-10")

    wide = run("HEAD~3", tmp_path / "wide")
    changed = {k: len(v) for k, v in wide.items() if k.startswith("status_changed")}
    # the people 1.1.1.2.2 is assigned to (not the new, unassigned впроваджувач), the
    # координатор, and its analyst: one e-mail per commit that changed a status
    assert changed == {
        "status_changed--analyst.zinchenko": 2,
        "status_changed--n.kravchenko": 2,
        "status_changed--v.oliinyk": 2,
        "status_changed--y.savchenko": 2,
    }
    assert "access_granted--o.hnatenko" in wide
    texts = sorted(
        read_eml(f).get_body(("plain",)).get_content() for f in wide["status_changed--v.oliinyk"]
    )
    assert msg_subjects(wide["status_changed--v.oliinyk"]) == {"Змінено статус: 1.1.1.2.2"}
    joined = "\n".join(texts)
    assert "статус заходу змінено: «Не розпочато» → «Виконується»" in joined
    assert "звіт за IV квартал 2024 р.: «очікується» → «подано вчасно»" in joined
    assert "звіт за IV квартал 2024 р.: «подано вчасно» → «розглянуто аналітиком»" in joined
    # the report is in: minjust is no longer reminded of the closing window
    assert not [k for k in wide if k.startswith("window_closing--v.oliinyk")]

    # a narrower range finds the same notices for the commits it covers: same ids
    narrow = run("HEAD~1", tmp_path / "narrow")
    narrow_names = {f.name for fs in narrow.values() for f in fs if "status_changed" in f.name}
    wide_names = {f.name for fs in wide.values() for f in fs if "status_changed" in f.name}
    assert len(narrow_names) == 4 and narrow_names < wide_names
    assert "access_granted--o.hnatenko" not in narrow  # she was added before HEAD~1


def msg_subjects(files: list[Path]) -> set[str]:
    return {str(read_eml(f)["Subject"]) for f in files}


def test_since_an_unknown_ref_names_it(runner, tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    shutil.copytree(Path(__file__).resolve().parent.parent / "data", repo / "data")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "data")
    git(repo, "commit", "-q", "-m", "data")
    args = ["notify", "--data", str(repo / "data"), "--as-of", "2025-01-10", "--since", "nope"]
    result = runner.invoke(cli, [*args, "--outbox", str(tmp_path / "o")])
    assert result.exit_code == 1
    assert "--since nope: not a commit" in result.output


def test_since_outside_git_is_an_error(runner, data_copy, tmp_path):
    args = ["notify", "--data", str(data_copy), "--as-of", "2025-01-10", "--since", "HEAD"]
    result = runner.invoke(cli, [*args, "--outbox", str(tmp_path / "o")])
    assert result.exit_code == 1
    assert "--since needs Git" in result.output


def test_an_unwritable_outbox_or_ledger_is_named(runner, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", "utf-8")
    outbox = blocker / "outbox"
    result = runner.invoke(cli, ["notify", "--as-of", "2025-01-10", "--outbox", str(outbox)])
    assert result.exit_code == 1
    assert f"cannot write {outbox}/2025-01-10/" in result.output
    ledger = blocker / "ledger.jsonl"
    env = {"DAP_SMTP_HOST": "127.0.0.1", "DAP_SMTP_SECURITY": "none", "DAP_SMTP_FROM": "a@b.org"}
    result = runner.invoke(
        cli, ["notify", "--as-of", "2025-01-10", "--send", "--ledger", str(ledger)], env=env
    )
    assert result.exit_code == 1
    assert "the ledger cannot be written" in result.output
    assert "Internal error" not in result.output


def test_measures_are_shown_by_their_published_number(demo, data_copy):
    path = data_copy / "measures" / "2.1.1.1.1.yaml"
    path.write_text(
        path.read_text("utf-8").replace("number: 2.1.1.1.1", "number: 2.1.1.1.1 (6)"), "utf-8"
    )
    data, problems = validate(data_copy, "data")
    assert not [p for p in problems if p.severity == "error"]
    plan = plan_on(data, D(2025, 1, 10))
    n = next(n for n in plan.notices if n.person == "k.moroz")
    r = render(n, data.programme, D(2025, 1, 10), SITE)
    assert "* 2.1.1.1.1 (6) — Запровадження" in r.text
    assert f'<a href="{SITE}/measures/2.1.1.1.1.html">2.1.1.1.1 (6)</a>' in r.html
