"""Amendments the engine replays: a measure as of a day, its versions, the rules on amendments.

The property tests state what "the measure as of D" means; the worked examples are the two of
issue 20 (a deadline extended, a main executor reassigned) on the demonstration data."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from site_fixtures import demo_site
from test_validate import edit, errors, setitem

from builder import models as m
from builder.compute import snapshot
from builder.diff import diff_markdown, diff_snapshots, diff_text
from builder.validate import validate
from builder.versions import current, dataset_as_of, in_programme, measure_as_of, versions

D = dt.date
ORIGINAL = m.Measure(
    id="1.1.1.1.1",
    title="Первинна назва",
    section="1.1.1",
    results=["1.1.1.1"],
    deadline=m.Deadline(text="I–II квартали 2024 р.", start=D(2024, 1, 1), end=D(2024, 6, 30)),
    main_executor=m.ExecutorLink(executor="nazk"),
)

# ---------------------------------------------------------------- properties

days = st.dates(min_value=D(2023, 1, 1), max_value=D(2025, 12, 31))
new_values = st.fixed_dictionaries(
    {},
    optional={
        "title": st.sampled_from(["Нова назва", "Ще одна назва", "Третя"]),
        "deadline": st.builds(
            lambda end: m.Deadline(text=f"до {end}", start=D(2023, 1, 1), end=end), days
        ),
        "main_executor": st.builds(
            m.ExecutorLink,
            executor=st.sampled_from(["nazk", "minjust", "nabu"]),
            by_agreement=st.booleans(),
        ),
        "co_executors": st.lists(
            st.builds(m.ExecutorLink, executor=st.sampled_from(["mvs", "mon"])), max_size=2
        ),
        "performance_indicators": st.lists(st.sampled_from(["Звіт", "Акт"]), max_size=2),
        "funding": st.builds(m.Funding, source=st.sampled_from(["державний бюджет", "інші"])),
        "removed": st.booleans(),
    },
)
amendments = st.lists(
    st.builds(
        lambda day, values: m.Amendment(date=day, act="Постанова", **values), days, new_values
    ),
    max_size=6,
)


def by_hand(original: m.Measure, found: list[m.Amendment], day: dt.date) -> dict[str, Any]:
    """The measure as of `day`, worked out the long way: start from the original's fields and
    overwrite them with each amendment dated <= day, in date order (list order on one day)."""
    fields = original.model_dump()
    for _, _, am in sorted((a.date, i, a) for i, a in enumerate(found) if a.date <= day):
        for name in m.AMENDABLE:
            value = getattr(am, name)
            if value is not None:
                fields[name] = (
                    value.model_dump()
                    if isinstance(value, m.Record)
                    else (
                        [v.model_dump() if isinstance(v, m.Record) else v for v in value]
                        if isinstance(value, list)
                        else value
                    )
                )
        if am.ends():
            fields["removed"] = am.date
    fields["amendments"] = [a.model_dump() for a in found]
    return fields


@settings(max_examples=200, deadline=None)
@given(amendments, days)
def test_the_measure_as_of_a_day_is_the_original_with_the_amendments_until_then(
    found: list[m.Amendment], day: dt.date
) -> None:
    text = ORIGINAL.model_copy(update={"amendments": found})
    assert measure_as_of(text, day).model_dump() == by_hand(ORIGINAL, found, day)


@settings(max_examples=100, deadline=None)
@given(amendments, st.lists(days, min_size=2, max_size=5))
def test_a_record_asked_again_on_other_days_gets_each_days_version(
    found: list[m.Amendment], asked: list[dt.date]
) -> None:
    """The versions of a record are kept for the process (versions.py's memo): asked again,
    on other days and on the same ones, and with other records in between (the memo dropped
    whole when full), each answer is still the long way's."""
    from builder import versions as v

    text = ORIGINAL.model_copy(update={"amendments": found})
    for n, day in enumerate(asked + asked[::-1]):
        if n == len(asked):
            v._ORDERED.clear()
            v._VERSIONS.clear()
        other = ORIGINAL.model_copy(update={"amendments": found[::-1]})
        assert measure_as_of(other, day).model_dump() == by_hand(ORIGINAL, found[::-1], day)
        assert measure_as_of(text, day).model_dump() == by_hand(ORIGINAL, found, day)


@settings(max_examples=100, deadline=None)
@given(amendments)
def test_versions_cover_every_day_once_and_agree_with_as_of(found: list[m.Amendment]) -> None:
    text = ORIGINAL.model_copy(update={"amendments": found})
    vs = versions(text)
    assert vs[0].since is None and vs[0].measure == text and vs[-1].until is None
    for a, b in zip(vs, vs[1:], strict=False):
        assert b.since is not None and a.until == b.since - dt.timedelta(days=1)
        assert b.measure == measure_as_of(text, b.since)
        assert {id(x) for x in b.amendments} == {id(x) for x in found if x.date == b.since}
    assert vs[-1].measure == current(text)


def test_an_unamended_measure_is_returned_as_it_is() -> None:
    assert measure_as_of(ORIGINAL, D(2025, 1, 1)) is ORIGINAL
    assert [v.measure for v in versions(ORIGINAL)] == [ORIGINAL]


def test_an_added_measure_is_not_in_the_programme_before_its_amendment() -> None:
    added = ORIGINAL.model_copy(
        update={"amendments": [m.Amendment(date=D(2024, 10, 18), act="№ 1194", added=True)]}
    )
    assert not in_programme(added, D(2024, 10, 17))
    assert in_programme(added, D(2024, 10, 18))
    assert [v.in_force for v in versions(added)] == [False, True]


# ---------------------------------------------------------------- validation, located

M = "measures/1.1.1.2.1.yaml"  # Мін'юст; reports 2024-Q1..Q3 (its Q3 is a result report)
EXTENDED = "measures/1.1.2.1.2.yaml"  # deadline extended by the amendment of 18.06.2024


def amend(*entries: dict[str, Any]) -> Any:
    def fn(record: dict[str, Any]) -> None:
        record["amendments"] = [*record.get("amendments", []), *entries]

    return fn


def act(day: str, **values: Any) -> dict[str, Any]:
    return {"date": day, "act": "Постанова КМУ № 1194", **values}


@pytest.mark.parametrize(
    ("fn", "expected"),
    [
        (
            amend(act("2024-10-18", title="Нова"), act("2024-06-01", title="Інша")),
            [(M, "amendments[1].date", "amendment-order")],
        ),
        (
            amend(act("2024-10-18", title="Нова"), act("2024-10-18", title="Інша")),
            [(M, "amendments[1].title", "amendment-overlap")],
        ),
        (amend(act("2026-03-01", title="Нова")), [(M, "amendments[0].date", "dates")]),
        (amend(act("2024-10-18")), [(M, "amendments[0]", "amendment-empty")]),
        (
            amend(act("2024-10-18", replaced_by="9.9.9")),
            [(M, "amendments[0].replaced_by", "ref")],
        ),
        (
            amend(act("2024-10-18", split_into=["1.1.1.2.1"])),
            [(M, "amendments[0].split_into[0]", "amendment-loop")],
        ),
        (
            amend(act("2024-10-18", main_executor={"executor": "nobody"})),
            [(M, "amendments[0].main_executor.executor", "ref")],
        ),
        (
            amend(act("2024-10-18", removed=True), act("2024-11-01", title="Нова")),
            [(M, "amendments[1]", "amendment-order")],
        ),
    ],
    ids=[
        "out of order",
        "same field twice on one day",
        "outside the programme period",
        "changes nothing",
        "replacement to a missing measure",
        "split into itself",
        "new main executor unknown",
        "amended after removal",
    ],
)
def test_amendment_rules(data_copy: Path, fn: Any, expected: list[tuple[str, str, str]]) -> None:
    edit(data_copy, M, fn)
    assert [e for e in errors(data_copy) if e[0] == M] == expected


def test_a_loop_of_replacements_is_reported_at_each_measure(data_copy: Path) -> None:
    edit(data_copy, M, amend(act("2024-12-31", replaced_by="1.1.1.2.2")))
    edit(data_copy, "measures/1.1.1.2.2.yaml", amend(act("2025-01-10", renumbered_to="1.1.1.2.1")))
    found = [e for e in errors(data_copy) if e[2] == "amendment-loop"]
    assert found == [
        (M, "amendments[0].replaced_by", "amendment-loop"),
        ("measures/1.1.1.2.2.yaml", "amendments[0].renumbered_to", "amendment-loop"),
    ]


def test_a_reassignment_keeps_the_earlier_reports_valid(data_copy: Path) -> None:
    """Reassigned on 18.10.2024: the reports for 2024-Q1..Q3 by the old main executor stand;
    a report for 2024-Q4 must come from the new one."""
    assert errors(data_copy) == []
    edit(data_copy, M, amend(act("2024-10-18", main_executor={"executor": "nazk"})))
    assert errors(data_copy) == []
    edit(data_copy, M, lambda r: r["amendments"][0].update(date="2024-09-30"))
    found = [e for e in errors(data_copy) if e[0].startswith("reports/2024-Q3/1.1.1.2.1")]
    assert ("reports/2024-Q3/1.1.1.2.1.yaml", "executor", "role-rule") in found


def test_reports_after_a_removal_are_refused_and_earlier_ones_kept(data_copy: Path) -> None:
    edit(data_copy, M, amend(act("2024-08-01", removed=True)))
    assert errors(data_copy) == [("reports/2024-Q3/1.1.1.2.1.yaml", "period", "inactive")]


def test_the_worked_example_of_an_extension_validates(data_copy: Path) -> None:
    """The Q3 2024 progress report of 1.1.2.1.2 is valid only because the deadline was extended
    (from 30.06.2024 to 31.12.2024) before the quarter ended."""
    assert errors(data_copy) == []
    edit(data_copy, EXTENDED, setitem(("amendments", 0, "date"), "2024-10-18"))
    assert ("reports/2024-Q3/1.1.2.1.2.yaml", "kind", "inactive") in errors(data_copy)


# ---------------------------------------------------------------- the engine


def demo() -> Any:
    data, problems = validate(DATA, "data")
    assert [p for p in problems if p.severity == "error"] == []
    return data


DATA = Path(__file__).resolve().parent.parent / "data"
AS_OF = D(2024, 9, 30)


def without_amendments(data: Any) -> Any:
    """The programme as if it had never been amended."""
    plain = {k: ms.model_copy(update={"amendments": []}) for k, ms in data.measures.items()}
    return dataclasses.replace(data, measures=plain)


def test_worked_example_an_extension_is_not_overdue() -> None:
    """1.1.2.1.2: 30.06.2024 extended to 31.12.2024 by the amendment of 18.06.2024 — overdue as
    of 30.09.2024 with the original programme, not overdue with the amendment."""
    data = demo()
    original = snapshot(without_amendments(data), None, AS_OF, AS_OF)
    amended = snapshot(data, None, AS_OF, AS_OF)
    assert original.measures["1.1.2.1.2"].overdue
    assert not amended.measures["1.1.2.1.2"].overdue
    programme = ("programme", "dap-demo-2023-2025")
    assert original.aggregates[programme].overdue == amended.aggregates[programme].overdue + 1
    # …and a date before the amendment is computed with the original deadline either way
    before = D(2024, 6, 17)
    assert snapshot(data, None, before, before) == snapshot(
        without_amendments(data), None, before, before
    )


def test_worked_example_a_reassignment_moves_the_reports_owed() -> None:
    """1.1.1.1.2 reassigned from НАЗК to Мінфін on 18.10.2024: the quarters before stay НАЗК's
    (owed by it, counted for it), 2024-Q4 onwards are owed by Мінфін; its aggregates move."""
    data = demo()
    text = data.measures["1.1.1.1.2"]
    moved = text.model_copy(
        update={
            "amendments": [
                m.Amendment(
                    date=D(2024, 10, 18),
                    act="№ 1194",
                    main_executor=m.ExecutorLink(executor="minfin"),
                )
            ]
        }
    )
    data = dataclasses.replace(data, measures={**data.measures, "1.1.1.1.2": moved})
    day = D(2025, 4, 30)  # 2025-Q1's window has opened
    snap = snapshot(data, None, day, day)
    owed = {d.period: d.executor for d in snap.due if d.measure == "1.1.1.1.2"}
    assert owed == {
        "2024-Q1": "nazk",
        "2024-Q2": "nazk",
        "2024-Q3": "nazk",
        "2024-Q4": "minfin",
        "2025-Q1": "minfin",
    }
    before = snapshot(data, None, D(2024, 9, 30), D(2024, 9, 30))
    plain = snapshot(demo(), None, day, day)
    for executor, change in (("nazk", -1), ("minfin", +1)):
        key = ("executor", executor)
        assert snap.aggregates[key].total == plain.aggregates[key].total + change
        assert (
            before.aggregates[key].total
            == snapshot(demo(), None, D(2024, 9, 30), D(2024, 9, 30)).aggregates[key].total
        )


changes = st.fixed_dictionaries(
    {},
    optional={
        "deadline": st.builds(
            lambda end: m.Deadline(text=f"до {end}", start=D(2023, 1, 1), end=end),
            st.dates(min_value=D(2023, 6, 30), max_value=D(2025, 12, 31)),
        ),
        "main_executor": st.builds(
            m.ExecutorLink, executor=st.sampled_from(["nazk", "minjust", "nabu", "minfin"])
        ),
        "removed": st.just(True),
        "title": st.just("Нова назва"),
    },
).filter(bool)


@settings(max_examples=25, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(sorted(p.stem for p in (DATA / "measures").glob("*.yaml"))),
        st.lists(
            st.builds(
                lambda day, values: m.Amendment(date=day, act="Постанова", **values),
                st.dates(min_value=D(2023, 3, 1), max_value=D(2025, 12, 31)),
                changes,
            ),
            min_size=1,
            max_size=3,
        ),
        min_size=1,
        max_size=5,
    ),
    st.integers(min_value=1, max_value=400),
)
def test_figures_before_the_first_amendment_are_those_of_the_original_programme(
    found: dict[str, list[m.Amendment]], back: int
) -> None:
    data = without_amendments(DEMO)
    amended = {
        mid: data.measures[mid].model_copy(update={"amendments": ams}) for mid, ams in found.items()
    }
    data2 = dataclasses.replace(data, measures={**data.measures, **amended})
    first = min(a.date for ams in found.values() for a in ams)
    day = first - dt.timedelta(days=back)
    assert snapshot(data2, None, day, day) == snapshot(data, None, day, day)


DEMO = demo()


def test_dap_diff_reports_an_amendment_as_such() -> None:
    base = DEMO
    text = base.measures["1.1.1.2.1"]  # I–III квартали 2024 р., done in 2024-Q3
    extended = text.model_copy(
        update={
            "amendments": [
                m.Amendment(
                    date=D(2024, 3, 1),
                    act="Постанова КМУ від 01.03.2024 № 100",
                    deadline=m.Deadline(text="2024 рік", start=D(2024, 1, 1), end=D(2024, 12, 31)),
                    co_executors=[],
                )
            ]
        }
    )
    head = dataclasses.replace(base, measures={**base.measures, "1.1.1.2.1": extended})
    day = D(2025, 1, 31)
    d = diff_snapshots(
        base, head, snapshot(base, None, day, day), snapshot(head, None, day, day), "a", "b"
    )
    assert [(x.measure, x.date, x.summary, x.change) for x in d.amendments] == [
        ("1.1.1.2.1", D(2024, 3, 1), "строк, виконавці", "added")
    ]
    assert "Зміни до заходів програми" in diff_text(d)
    assert "| 1.1.1.2.1 | 01.03.2024 | Постанова КМУ від 01.03.2024 № 100 | строк, виконавці |" in (
        diff_markdown(d)
    )
    back = diff_snapshots(
        head, base, snapshot(head, None, day, day), snapshot(base, None, day, day), "b", "a"
    )
    assert [x.change for x in back.amendments] == ["dropped"]


# ---------------------------------------------------------------- what people see


def latest_csv(built: Path, name: str) -> str:
    return (built / "public" / "downloads" / "latest" / f"{name}.csv").read_text(
        encoding="utf-8-sig"
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_site(tmp_path_factory)


def test_the_measure_page_shows_the_version_in_force_and_its_history(built: Path) -> None:
    page = (built / "public" / "measures" / "1.1.2.1.2.html").read_text(encoding="utf-8")
    article = page.split("<article", 1)[1]
    top, _, rest = article.partition('id="відомості-про-захід"')
    assert "Захід змінено." in top
    assert "з 18.06.2024 змінено (Постанова Кабінету Міністрів України від 18 червня 2024 р." in top
    assert "січень — грудень 2024 р." in rest.split("Результати моніторингу")[0]  # in force
    versions_table = rest.split('id="редакції-заходу"')[-1]
    assert "до 17.06.2024" in versions_table and "18.06.2024 – досі" in versions_table
    assert "січень — червень 2024 р." in versions_table  # the original deadline
    untouched = (built / "public" / "measures" / "1.1.1.1.1.html").read_text(encoding="utf-8")
    assert "Захід змінено." not in untouched and "Редакції заходу" not in untouched


def test_measure_versions_are_in_the_datasets(built: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(latest_csv(built, "measure_versions"))))
    mine = [r for r in rows if r["measure"] == "1.1.2.1.2"]
    assert [(r["version"], r["valid_from"], r["valid_to"], r["deadline_end"]) for r in mine] == [
        ("0", "", "2024-06-17", "2024-06-30"),
        ("1", "2024-06-18", "", "2024-12-31"),
    ]
    assert len({r["measure"] for r in rows}) == len(list((DATA / "measures").glob("*.yaml")))
    measures = list(csv.DictReader(io.StringIO(latest_csv(built, "measures"))))
    row = next(r for r in measures if r["id"] == "1.1.2.1.2")
    assert row["deadline_end"] == "2024-12-31"  # the version in force


def test_an_amendment_in_the_old_form_is_explained(data_copy: Path) -> None:
    edit(
        data_copy,
        EXTENDED,
        setitem(("amendments", 0), {"date": "2024-06-18", "act": "№ 640", "field": "deadline"}),
    )
    _, problems = validate(data_copy, "data")
    found = [(p.file, p.field, p.code) for p in problems]
    assert found == [(f"data/{EXTENDED}", "amendments[0].field", "amendment-old-form")]


# ---------------------------------------------------------------- ОСР: indicators and weights

RESULT = "results/1.1.2.1.yaml"  # weights 50/50 until 18.10.2024, then 60/40 (shares 30+30)


def test_an_evaluation_scores_with_the_indicators_in_force_in_its_year() -> None:
    snap = snapshot(DEMO, None, D(2025, 3, 31), D(2025, 3, 31))
    year_2023, year_2024 = snap.scores[("1.1.2.1", 2023)], snap.scores[("1.1.2.1", 2024)]
    assert [i.weight for i in year_2023.indicators] == [50.0, 50.0]
    assert [i.weight for i in year_2024.indicators] == [60.0, 40.0]
    assert year_2024.indicators[0].components == (("а", 30.0),)  # a 30% share after the act
    plain = dataclasses.replace(
        DEMO,
        results={k: r.model_copy(update={"amendments": []}) for k, r in DEMO.results.items()},
    )
    before = snapshot(plain, None, D(2025, 3, 31), D(2025, 3, 31)).scores[("1.1.2.1", 2024)]
    assert before.indicators[0].components == (("а", 25.0),)
    assert year_2024.score == before.score + 5


def test_result_amendment_rules(data_copy: Path) -> None:
    def fn(record: dict[str, Any]) -> None:
        record["amendments"][0]["indicators"][1]["weight"] = 50  # 60 + 50
        record["amendments"].append({"date": "2024-01-01", "act": "№ 1"})

    edit(data_copy, RESULT, fn)
    assert sorted(e for e in errors(data_copy) if e[0] == RESULT) == [
        (RESULT, "amendments[0].indicators", "weights"),
        (RESULT, "amendments[1]", "amendment-empty"),
        (RESULT, "amendments[1].date", "amendment-order"),
    ]


def test_the_result_page_shows_its_versions(built: Path) -> None:
    page = (built / "public" / "results" / "1.1.2.1.html").read_text(encoding="utf-8")
    history = page.split('id="редакції-оср"', 1)[1]
    assert "з 18.10.2024 змінено" in history and "індикатори та ваги" in history
    assert "1 — 50%; 2 — 50%" in history and "1 — 60%; 2 — 40%" in history
    weights = (built / "public" / "downloads" / "latest" / "indicators.csv").read_text(
        encoding="utf-8-sig"
    )
    assert any(line.startswith("1.1.2.1,1,1,") and ",60," in line for line in weights.splitlines())


# ---------------------------------------------------------------- sections: titles


def test_a_section_title_is_amended_and_shown_as_of_a_day(data_copy: Path) -> None:
    edit(
        data_copy,
        "sections/1.1.2.yaml",
        amend({"date": "2024-10-18", "act": "№ 1194", "title": "Нова назва проблеми"}),
    )
    data = demo_at(data_copy)
    original = data.sections["1.1.2"].title
    assert dataset_as_of(data, D(2024, 10, 17)).sections["1.1.2"].title == original
    assert dataset_as_of(data, D(2024, 10, 18)).sections["1.1.2"].title == "Нова назва проблеми"
    edit(data_copy, "sections/1.1.2.yaml", amend({"date": "2024-01-01", "act": "№ 1"}))
    assert sorted(e for e in errors(data_copy) if e[0] == "sections/1.1.2.yaml") == [
        ("sections/1.1.2.yaml", "amendments[1]", "amendment-empty"),
        ("sections/1.1.2.yaml", "amendments[1].date", "amendment-order"),
    ]


def demo_at(folder: Path) -> Any:
    data, problems = validate(folder, "data")
    assert [p for p in problems if p.severity == "error"] == []
    return data


def test_an_executor_main_only_through_an_amendment_must_list_its_people(data_copy: Path) -> None:
    edit(
        data_copy, "executors/newbody.yaml", lambda _r: {"id": "newbody", "name": "Нове агентство"}
    )
    assert ("executors/newbody.yaml", "people", "roster") not in errors(data_copy)
    edit(data_copy, M, amend(act("2025-10-18", main_executor={"executor": "newbody"})))
    assert ("executors/newbody.yaml", "people", "roster") in errors(data_copy)
