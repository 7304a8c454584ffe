"""The monitoring engine: worked examples, rules of status and timeliness, properties."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builder import compute as c
from builder import models as m
from builder import scores
from builder.git.history import Change, History
from builder.load import Dataset
from builder.quarters import programme_quarters
from builder.status import render_json, status_view
from builder.wording import EN, UK

D = dt.date
S = m.Status
L = m.ResultLabel
TODAY = D(2026, 1, 1)
Y2024_START, Y2024_END = D(2024, 1, 1), D(2024, 12, 31)


def programme(mode: str = "recorded", **levels: Any) -> m.Programme:
    return m.Programme(
        id="p",
        title="Програма",
        act=m.LegalAct(title="Постанова"),
        period=m.ProgrammePeriod(start=D(2023, 1, 1), end=D(2025, 12, 31)),
        reporting=m.Reporting(submission_dates=mode),  # type: ignore[arg-type]
        levels=m.Levels(**levels),
    )


def measure(
    mid: str,
    start: dt.date | None = Y2024_START,
    end: dt.date | None = Y2024_END,
    executor: str = "ex",
    section: str = "1.1.1",
    results: Iterable[str] = ("1.1.1.1",),
    co: Iterable[str] = (),
    removed: dt.date | None = None,
    start_event: str | None = None,
) -> m.Measure:
    return m.Measure(
        id=mid,
        title=f"Захід {mid}",
        section=section,
        results=list(results),
        deadline=m.Deadline(text="строк", start=start, end=end, start_event=start_event),
        main_executor=m.ExecutorLink(executor=executor),
        co_executors=[m.ExecutorLink(executor=e) for e in co],
        removed=removed,
    )


def report(
    mid: str,
    period: str,
    submitted: dt.date | None,
    kind: m.ReportKind = m.ReportKind.PROGRESS,
    approved_on: dt.date | None = None,
) -> m.Report:
    return m.Report(
        measure=mid,
        period=period,
        kind=kind,
        executor="ex",
        prepared_by="i",
        approved_by="a",
        approved_on=approved_on,
        submitted=submitted,
        text="Звіт",
    )


LABEL = {
    S.DONE: L.DONE_ON_TIME,
    S.PARTLY_DONE: L.DONE_LATE_OR_PARTLY,
    S.IN_PROGRESS: L.PROGRESS,
    S.NOT_DONE: L.NOT_DONE,
    S.NOT_STARTED: L.NOT_DONE,
}


def assessment(
    mid: str, period: str, day: dt.date, status: m.Status, label: m.ResultLabel | None = None
) -> m.Assessment:
    return m.Assessment(
        measure=mid,
        period=period,
        date=day,
        analyst="an",
        status=status,
        label=label or LABEL[status],
        text="Висновок",
    )


def result(rid: str, indicators: list[m.Indicator], problem: str = "1.1.1") -> m.ExpectedResult:
    return m.ExpectedResult(id=rid, title=f"ОСР {rid}", problem=problem, indicators=indicators)


def evaluation(rid: str, year: int, day: dt.date, scores: list[m.IndicatorScore]) -> m.Evaluation:
    return m.Evaluation(result=rid, year=year, date=day, analyst="an", indicators=scores)


def dataset(
    measures: Iterable[m.Measure],
    reports: Iterable[m.Report] = (),
    assessments: Iterable[m.Assessment] = (),
    results: Iterable[m.ExpectedResult] = (),
    evaluations: Iterable[m.Evaluation] = (),
    prog: m.Programme | None = None,
    executors: Iterable[str] = ("ex", "co"),
) -> Dataset:
    data = Dataset(root=Path("data"), programme=prog or programme())
    data.sections = {
        "1.1": m.Section(id="1.1", level=m.SectionLevel.DIRECTION, title="Напрям"),
        "1.1.1": m.Section(
            id="1.1.1", level=m.SectionLevel.PROBLEM, title="Проблема", parent="1.1"
        ),
    }
    data.executors = {e: m.Executor(id=e, name=f"Орган {e}") for e in executors}
    data.measures = {ms.id: ms for ms in measures}
    data.results = {r.id: r for r in results} or {"1.1.1.1": result("1.1.1.1", [])}

    def keyed(records: Iterable, attr: str) -> dict:
        found: dict = {}
        for rec in records:
            base = f"{getattr(rec, attr)}/{rec.measure if attr == 'period' else rec.result}"
            key, n = base, 1
            while key in found:
                n += 1
                key = f"{base}@{n}"
            found[key] = rec
        return found

    data.reports = keyed(reports, "period")
    data.assessments = keyed(assessments, "period")
    data.evaluations = {f"{e.year}/{e.result}": e for e in evaluations}
    return data


def snap(data: Dataset, as_of: dt.date, history: History | None = None) -> c.Snapshot:
    return c.snapshot(data, history, as_of, TODAY)


def programme_aggregate(s: c.Snapshot) -> c.Aggregate:
    return s.aggregates[("programme", "p")]


# ---------------------------------------------------------------- rounding


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [
        (237, 1187, 20.0),
        (1, 3, 33.3),
        (2, 3, 66.7),
        (1, 16, 6.3),  # 6.25: the half goes up
        (1, 8, 12.5),
        (1, 40, 2.5),
        (1, 80, 1.3),  # 1.25 → 1.3 (binary floats would give 1.2)
        (0, 5, 0.0),
        (5, 5, 100.0),
        (3, 0, 0.0),
    ],
)
def test_pct_rounds_to_one_place_half_up(part: int, whole: int, expected: float) -> None:
    assert c.pct(part, whole) == expected


@pytest.mark.parametrize(
    ("value", "expected"), [(0.125, 0.13), (2.675, 2.68), (29, 29.0), (33.333, 33.33)]
)
def test_round_score_two_places_half_up(value: float, expected: float) -> None:
    assert scores.round_score(value) == expected


# ---------------------------------------------------------------- worked examples (DOMAIN.md)


def test_portal_distribution_gives_237_of_1187_and_both_denominators() -> None:
    """31.12.2023: 166/71/255/171/524 → 237 of 1,187 = 20.0%; 237 of 745 due = 31.8%."""
    as_of = D(2023, 12, 31)
    plan = [(S.DONE, 166), (S.PARTLY_DONE, 71), (S.IN_PROGRESS, 255), (S.NOT_DONE, 171)]
    plan.append((S.NOT_STARTED, 524))  # no report, no assessment: the status follows from that
    measures: list[m.Measure] = []
    assessments: list[m.Assessment] = []
    others_due = 0  # every measure done (fully or partly) is due, and 508 others
    for status, count in plan:
        for _ in range(count):
            mid = f"1.1.1.1.{len(measures) + 1}"
            due = status in c.DONE_STATUSES or others_due < 508
            others_due += due and status not in c.DONE_STATUSES
            measures.append(measure(mid, D(2023, 1, 1), D(2023, 12, 31) if due else D(2025, 6, 30)))
            if status != S.NOT_STARTED:
                assessments.append(assessment(mid, "2023-Q3", D(2023, 11, 10), status))
    agg = programme_aggregate(snap(dataset(measures, (), assessments), as_of))
    assert [agg.counts[s] for s in c.STATUSES] == [166, 71, 255, 171, 524]
    assert (agg.total, agg.done + agg.partly, agg.pct_done) == (1187, 237, 20.0)
    assert (agg.due, agg.done_due, agg.pct_done_due) == (745, 237, 31.8)


TIERS = m.Indicator(
    id="1",
    title="Частка респондентів",
    weight=50,
    kind=m.SubindicatorKind.TIERED,
    subindicators=[
        m.Subindicator(id="а", title="понад 60%", share=50),
        m.Subindicator(id="б", title="понад 45%", share=30),
        m.Subindicator(id="в", title="понад 30%", share=10),
    ],
)
PARTS = m.Indicator(
    id="2",
    title="Частини",
    weight=30,
    kind=m.SubindicatorKind.CUMULATIVE,
    subindicators=[
        m.Subindicator(id="а", title="а", share=10),
        m.Subindicator(id="б", title="б", share=10),
        m.Subindicator(id="в", title="в", share=10),
    ],
)
FREE = m.Indicator(id="3", title="Вільна оцінка", weight=20)


def given_score(ind: str, achieved: Iterable[str] = (), score: float | None = None):
    return m.IndicatorScore(
        indicator=ind, achieved=list(achieved), score=score, rationale="Тому що"
    )


def test_tiered_indicator_takes_the_highest_tier_reached() -> None:
    """50% of respondents: tiers б (>45%) and в (>30%) are reached; only б's 30 counts."""
    r = scores.indicator_result(TIERS, given_score("1", ["б", "в"]))
    assert (r.score, r.method, r.components) == (30.0, "ступені", (("б", 30.0),))
    assert not r.fully and not r.zero


def test_free_score_stays_as_given() -> None:
    ind = m.Indicator(id="1", title="Оцінка", weight=30)
    r = scores.indicator_result(ind, given_score("1", score=29))
    assert (r.score, r.method, r.fully, r.zero) == (29.0, "вільна оцінка", False, False)


def test_cumulative_parts_add_up() -> None:
    r = scores.indicator_result(PARTS, given_score("2", ["а", "в"]))
    assert (r.score, r.method, r.components) == (20.0, "сумарні", (("а", 10.0), ("в", 10.0)))


def test_all_parts_reached_is_fully_and_none_is_zero() -> None:
    assert scores.indicator_result(PARTS, given_score("2", ["а", "б", "в"])).fully
    none = scores.indicator_result(PARTS, given_score("2", []))
    assert (none.score, none.zero, none.fully) == (0.0, True, False)
    missing = scores.indicator_result(PARTS, None)
    assert (missing.score, missing.evaluated, missing.zero) == (0.0, False, True)


def test_free_score_above_weight_is_capped() -> None:
    ind = m.Indicator(id="1", title="Оцінка", weight=30)
    assert scores.indicator_result(ind, given_score("1", score=45)).score == 30.0


def _osr_data(*evaluations: m.Evaluation, **levels: Any) -> Dataset:
    return dataset(
        [measure("1.1.1.1.1")],
        results=[result("1.1.1.1", [TIERS, PARTS, FREE])],
        evaluations=evaluations,
        prog=programme(**levels),
    )


def test_result_score_sums_indicators_with_level_and_counts() -> None:
    ev = evaluation(
        "1.1.1.1",
        2023,
        D(2024, 3, 1),
        [
            given_score("1", ["б", "в"]),
            given_score("2", ["а", "б", "в"]),
            given_score("3", score=0),
        ],
    )
    s = snap(_osr_data(ev), D(2024, 12, 31))
    rs = s.scores[("1.1.1.1", 2023)]
    assert (rs.score, rs.level, rs.state) == (60.0, "середній", None)
    assert (rs.fully, rs.partly, rs.zero) == (1, 1, 1)
    assert [i.score for i in rs.indicators] == [30.0, 30.0, 0.0]
    assert rs.evaluation == "2023/1.1.1.1"


@pytest.mark.parametrize(
    ("score", "level"),
    [(0, "низький"), (39.99, "низький"), (40, "середній"), (74.99, "середній"), (75, "високий")],
)
def test_levels_follow_the_programme_thresholds(score: float, level: str) -> None:
    assert scores.level_of(score, m.Levels(medium_from=40, high_from=75)) == level


def test_levels_are_configurable() -> None:
    ev = evaluation("1.1.1.1", 2023, D(2024, 3, 1), [given_score("1", ["в"])])
    low = snap(_osr_data(ev), D(2024, 12, 31)).scores[("1.1.1.1", 2023)]
    high = snap(_osr_data(ev, medium_from=5, high_from=10), D(2024, 12, 31))
    assert (low.score, low.level) == (10.0, "низький")
    assert high.scores[("1.1.1.1", 2023)].level == "високий"


@pytest.mark.parametrize(
    ("before", "after", "state"),
    [
        (["в"], ["б"], "наявний прогрес"),
        (["б"], ["б"], "немає прогресу"),
        (["а"], ["в"], "наявний регрес"),
    ],
)
def test_state_compares_with_the_previous_year(before, after, state) -> None:
    ev1 = evaluation("1.1.1.1", 2023, D(2024, 3, 1), [given_score("1", before)])
    ev2 = evaluation("1.1.1.1", 2024, D(2025, 3, 1), [given_score("1", after)])
    s = snap(_osr_data(ev1, ev2), D(2025, 6, 30))
    rs = s.scores[("1.1.1.1", 2024)]
    assert rs.state == state
    assert rs.previous_year == 2023
    assert s.scores[("1.1.1.1", 2023)].state is None
    # before the 2024 evaluation was made, only 2023 is known
    assert ("1.1.1.1", 2024) not in snap(_osr_data(ev1, ev2), D(2025, 2, 28)).scores


def test_full_score_is_achieved() -> None:
    ev = evaluation(
        "1.1.1.1",
        2023,
        D(2024, 3, 1),
        [given_score("1", ["а"]), given_score("2", ["а", "б", "в"]), given_score("3", score=20)],
    )
    rs = snap(_osr_data(ev), D(2024, 12, 31)).scores[("1.1.1.1", 2023)]
    assert (rs.score, rs.state, rs.level, rs.fully) == (100.0, "досягнуто", "високий", 3)


# ---------------------------------------------------------------- timeliness


def _due(data: Dataset, as_of: dt.date) -> dict[str, c.DueReport]:
    return {d.period: d for d in snap(data, as_of).due}


def test_report_in_window_is_on_time_and_before_window_is_early_on_time() -> None:
    data = dataset(
        [measure("1")],
        [report("1", "2024-Q1", D(2024, 4, 15)), report("1", "2024-Q2", D(2024, 6, 20))],
    )
    due = _due(data, D(2024, 7, 31))
    assert [(d.state, d.days_late, d.report) for d in due.values()] == [
        ("on_time", 0, "2024-Q1/1"),
        ("on_time", 0, "2024-Q2/1"),
    ]
    assert (due["2024-Q1"].window_start, due["2024-Q1"].window_end) == (
        D(2024, 4, 1),
        D(2024, 4, 15),
    )
    assert not due["2024-Q1"].verified and due["2024-Q1"].date_source == "recorded"


def test_report_after_window_is_late_by_n_days() -> None:
    data = dataset([measure("1")], [report("1", "2024-Q1", D(2024, 4, 22))])
    d = _due(data, D(2024, 5, 1))["2024-Q1"]
    assert (d.state, d.days_late, d.submitted) == ("late", 7, D(2024, 4, 22))


def test_missing_then_late_as_the_date_moves() -> None:
    data = dataset([measure("1")], [report("1", "2024-Q1", D(2024, 4, 22))])
    assert _due(data, D(2024, 4, 10))["2024-Q1"].state == "pending"
    assert _due(data, D(2024, 4, 15))["2024-Q1"].state == "pending"
    assert _due(data, D(2024, 4, 16))["2024-Q1"].state == "missing"
    assert _due(data, D(2024, 4, 22))["2024-Q1"].state == "late"


def test_nothing_due_before_the_window_opens() -> None:
    data = dataset([measure("1")], [report("1", "2024-Q1", D(2024, 3, 20))])
    assert _due(data, D(2024, 3, 31)) == {}
    s = snap(data, D(2024, 3, 31))
    assert s.measures["1"].status == S.IN_PROGRESS  # the early report already counts


def test_not_due_once_done_before_the_window() -> None:
    data = dataset(
        [measure("1")],
        [report("1", "2024-Q1", D(2024, 4, 5), m.ReportKind.RESULT)],
        [assessment("1", "2024-Q1", D(2024, 5, 6), S.DONE)],
    )
    due = _due(data, D(2025, 1, 31))
    assert list(due) == ["2024-Q1"]
    assert snap(data, D(2025, 1, 31)).measures["1"].missing_reports == ()


def test_reporting_resumes_if_done_is_withdrawn() -> None:
    data = dataset(
        [measure("1")],
        [report("1", "2024-Q1", D(2024, 4, 5), m.ReportKind.RESULT)],
        [
            assessment("1", "2024-Q1", D(2024, 5, 6), S.DONE),
            assessment("1", "2024-Q2", D(2024, 8, 6), S.IN_PROGRESS),
        ],
    )
    assert list(_due(data, D(2025, 1, 31))) == ["2024-Q1", "2024-Q3", "2024-Q4"]


def test_partly_done_keeps_reports_due_while_active() -> None:
    data = dataset(
        [measure("1")],
        [report("1", "2024-Q1", D(2024, 4, 5), m.ReportKind.RESULT)],
        [assessment("1", "2024-Q1", D(2024, 5, 6), S.PARTLY_DONE)],
    )
    due = _due(data, D(2024, 7, 31))
    assert due["2024-Q2"].state == "missing"


def test_earliest_report_of_a_period_counts_and_missing_lists_periods() -> None:
    data = dataset(
        [measure("1", D(2023, 1, 1), D(2023, 12, 31))],
        [report("1", "2023-Q1", D(2023, 4, 20)), report("1", "2023-Q1", D(2023, 4, 3))],
    )
    s = snap(data, D(2023, 12, 31))
    due = {d.period: d for d in s.due}
    assert (due["2023-Q1"].state, due["2023-Q1"].report) == ("on_time", "2023-Q1/1@2")
    assert s.measures["1"].missing_reports == ("2023-Q2", "2023-Q3")
    agg = programme_aggregate(s)
    assert (agg.reports_due, agg.on_time, agg.late, agg.missing, agg.pct_on_time) == (
        3,
        1,
        0,
        2,
        33.3,
    )


def test_pending_reports_stay_out_of_the_share() -> None:
    data = dataset([measure("1")], [report("1", "2024-Q1", D(2024, 4, 2))])
    agg = programme_aggregate(snap(data, D(2024, 7, 10)))
    assert (agg.reports_due, agg.on_time, agg.pending, agg.pct_on_time) == (1, 1, 1, 100.0)


def test_git_dates_win_over_typed_ones_and_are_verified() -> None:
    prog = programme("git")
    data = dataset(
        [measure("1")],
        [report("1", "2024-Q1", D(2024, 4, 2)), report("1", "2024-Q2", D(2024, 7, 2))],
        prog=prog,
    )
    when = dt.datetime(2024, 4, 15, 22, 30, tzinfo=dt.UTC)  # 16 April in Kyiv (UTC+3)
    history = History(
        True,
        {
            "data/reports/2024-Q1/1.yaml": [
                Change("a" * 40, when, "Автор", "x@example.org", "A", "data/reports/2024-Q1/1.yaml")
            ]
        },
    )
    due = {d.period: d for d in snap(data, D(2024, 7, 31), history).due}
    assert (due["2024-Q1"].submitted, due["2024-Q1"].state, due["2024-Q1"].days_late) == (
        D(2024, 4, 16),
        "late",
        1,
    )
    assert (due["2024-Q1"].verified, due["2024-Q1"].date_source) == (True, "git")
    # not committed yet: the typed date, unverified
    assert (due["2024-Q2"].verified, due["2024-Q2"].date_source) == (False, "recorded")
    # no history at all (a tarball, a shallow clone): every date is typed, and a note says so
    s = snap(data, D(2024, 7, 31), History(False, reason="shallow"))
    assert {d.date_source for d in s.due} == {"recorded"}
    assert s.notes[0].text(UK) == (
        "Історія Git недоступна (неповна копія репозиторію (shallow clone): дати комітів "
        "невідомі): дати подання взято з файлів (не перевірені)."
    )
    assert s.notes[0].text(EN) == (
        "Git history is not available (a shallow clone of the repository: the commits' dates "
        "are unknown): submission dates are taken from the files (not verified)."
    )


def test_without_any_date_approved_on_then_nothing() -> None:
    data = dataset(
        [measure("1")],
        [
            report("1", "2024-Q1", None, approved_on=D(2024, 4, 9)),
            report("1", "2024-Q2", None),
        ],
    )
    s = snap(data, D(2024, 7, 31))
    due = {d.period: d for d in s.due}
    assert (due["2024-Q1"].state, due["2024-Q1"].date_source) == ("on_time", "approved_on")
    assert (due["2024-Q2"].state, due["2024-Q2"].report) == ("missing", None)
    assert [n.text(UK) for n in s.notes][-1:] == ["1 повідомлення без жодної дати не враховано."]
    assert [n.text(EN) for n in s.notes][-1:] == ["1 report without any date is not counted."]


# ---------------------------------------------------------------- status


def test_status_before_any_assessment_follows_reports() -> None:
    data = dataset(
        [measure("1"), measure("2"), measure("3")],
        [
            report("2", "2024-Q1", D(2024, 4, 5)),
            report("3", "2024-Q1", D(2024, 4, 5), m.ReportKind.RESULT),
        ],
    )
    s = snap(data, D(2024, 6, 30))
    assert [(x.status, x.derived, x.overdue) for x in s.measures.values()] == [
        (S.NOT_STARTED, True, False),
        (S.IN_PROGRESS, True, False),
        (S.IN_PROGRESS, True, False),  # a result report is not «Виконано» until assessed
    ]


def test_latest_assessment_on_or_before_the_date_sets_the_status() -> None:
    data = dataset(
        [measure("1")],
        [report("1", "2024-Q1", D(2024, 4, 5))],
        [
            assessment("1", "2024-Q1", D(2024, 5, 6), S.IN_PROGRESS, L.STARTED_ON_TIME),
            assessment("1", "2024-Q3", D(2024, 11, 6), S.DONE),
        ],
    )
    before = snap(data, D(2024, 11, 5)).measures["1"]
    after = snap(data, D(2024, 11, 6)).measures["1"]
    assert (before.status, before.label, before.assessment) == (
        S.IN_PROGRESS,
        L.STARTED_ON_TIME,
        "2024-Q1/1",
    )
    assert (after.status, after.label_date, after.derived) == (S.DONE, D(2024, 11, 6), False)


def test_overdue_when_the_deadline_passed_and_not_done() -> None:
    data = dataset(
        [measure("1", end=D(2024, 6, 30)), measure("2", end=D(2024, 6, 30))],
        [report("1", "2024-Q1", D(2024, 4, 5))],
        [assessment("2", "2024-Q2", D(2024, 7, 20), S.PARTLY_DONE)],
    )
    assert not snap(data, D(2024, 6, 30)).measures["1"].overdue  # the last day is still in time
    s = snap(data, D(2024, 7, 1))
    assert (s.measures["1"].overdue, s.measures["1"].derived) == (True, True)
    assert snap(data, D(2024, 7, 20)).measures["2"].overdue is False
    assert [x.measure for x in c.overdue_measures(s)] == ["1", "2"]


def test_event_tied_measure_is_not_active_until_it_has_a_start() -> None:
    data = dataset([measure("1", start=None, end=None, start_event="набрання чинності законом")])
    s = snap(data, D(2025, 12, 31))
    st_ = s.measures["1"]
    assert (st_.active, st_.status, st_.overdue, s.due) == (False, S.NOT_STARTED, False, ())
    agg = programme_aggregate(s)
    assert (agg.total, agg.due) == (1, 0)


def test_removed_measure_leaves_the_aggregates_from_its_removal() -> None:
    data = dataset(
        [measure("1"), measure("2", removed=D(2024, 10, 18))],
        [report("2", "2024-Q1", D(2024, 4, 5))],
    )
    before = snap(data, D(2024, 9, 30))
    assert programme_aggregate(before).total == 2
    after = snap(data, D(2024, 12, 31))
    assert programme_aggregate(after).total == 1
    assert after.measures["2"].removed
    # owed reports stop with the quarter it was removed in
    assert [d.period for d in after.due if d.measure == "2"] == ["2024-Q1", "2024-Q2", "2024-Q3"]
    assert c.missing_reports(after) == [
        d for d in after.due if d.measure == "1" and d.state == "missing"
    ]


def test_started_late_from_the_first_report_or_the_label() -> None:
    data = dataset(
        [measure("1"), measure("2"), measure("3")],
        [report("1", "2024-Q1", D(2024, 4, 16)), report("2", "2024-Q1", D(2024, 4, 15))],
        [assessment("3", "2024-Q2", D(2024, 8, 1), S.IN_PROGRESS, L.STARTED_LATE)],
    )
    s = snap(data, D(2024, 8, 1))
    assert [s.measures[i].started_late for i in "123"] == [True, False, True]
    assert not snap(data, D(2024, 7, 31)).measures["3"].started_late


# ---------------------------------------------------------------- aggregates


def test_groups_direction_problem_result_and_executor() -> None:
    data = dataset(
        [
            measure("1", results=["1.1.1.1", "1.1.1.2"], co=["co"]),
            measure("2", executor="co", results=["1.1.1.2"]),
        ],
        assessments=[assessment("1", "2024-Q1", D(2024, 5, 1), S.DONE)],
        results=[result("1.1.1.1", []), result("1.1.1.2", [])],
    )
    s = snap(data, D(2024, 6, 30))
    totals = {k: (a.total, a.done) for k, a in s.aggregates.items()}
    assert totals == {
        ("programme", "p"): (2, 1),
        ("direction", "1.1"): (2, 1),
        ("problem", "1.1.1"): (2, 1),
        ("result", "1.1.1.1"): (1, 1),
        ("result", "1.1.1.2"): (2, 1),  # a measure serving two ОСР counts in both
        ("executor", "co"): (1, 0),
        ("executor", "ex"): (1, 1),
    }
    co = s.aggregates[("executor", "co")]
    assert (co.co_total, co.co_done) == (1, 1)
    assert all(a.as_of == D(2024, 6, 30) and a.computed_on == TODAY for a in s.aggregates.values())


def test_history_snapshots_at_each_quarter_end_then_the_date() -> None:
    data = dataset([measure("1")], [report("1", "2024-Q1", D(2024, 4, 5))])
    snaps = c.history_snapshots(data, None, D(2024, 5, 20), TODAY)
    assert [s.as_of for s in snaps] == [
        D(2023, 3, 31),
        D(2023, 6, 30),
        D(2023, 9, 30),
        D(2023, 12, 31),
        D(2024, 3, 31),
        D(2024, 5, 20),
    ]
    assert [s.measures["1"].status for s in snaps][-2:] == [S.NOT_STARTED, S.IN_PROGRESS]
    at_end = c.history_snapshots(data, None, D(2024, 3, 31), TODAY)
    assert [s.as_of for s in at_end][-2:] == [D(2023, 12, 31), D(2024, 3, 31)]
    # the same as computing each date alone
    alone = snap(data, D(2024, 5, 20))
    assert snaps[-1] == alone


def test_id_sort_key_is_natural() -> None:
    ids = ["1.10", "1.2", "1.1.1.2.2.(1)", "1.1.1.2.2", "2"]
    assert sorted(ids, key=c.id_sort_key) == ["1.1.1.2.2", "1.1.1.2.2.(1)", "1.2", "1.10", "2"]


# ---------------------------------------------------------------- properties

PERIODS = [q.period for q in programme_quarters(programme())]
DAYS = st.dates(D(2023, 1, 1), D(2026, 3, 31))


@st.composite
def programmes(draw: st.DrawFn) -> Dataset:
    """A small random programme: measures over two ОСР and three executors, with records."""
    n = draw(st.integers(1, 8))
    measures, reports, assessments = [], [], []
    for i in range(n):
        event = draw(st.booleans()) and draw(st.booleans())
        start = draw(st.dates(D(2023, 1, 1), D(2025, 12, 31)))
        end = draw(st.dates(start, D(2025, 12, 31)))
        mid = f"1.1.1.1.{i + 1}"
        measures.append(
            measure(
                mid,
                None if event else start,
                end,
                executor=draw(st.sampled_from(["ex", "co", "e3"])),
                results=draw(
                    st.lists(st.sampled_from(["1.1.1.1", "1.1.1.2"]), min_size=1, max_size=2)
                ),
                co=draw(st.lists(st.sampled_from(["co", "e3"]), max_size=1)),
                removed=draw(st.none() | st.dates(D(2023, 6, 1), D(2025, 12, 31))),
                start_event="подія" if event else None,
            )
        )
        for _ in range(draw(st.integers(0, 4))):
            reports.append(
                report(
                    mid,
                    draw(st.sampled_from(PERIODS)),
                    draw(st.none() | DAYS),
                    draw(st.sampled_from(list(m.ReportKind))),
                    draw(st.none() | DAYS),
                )
            )
        for _ in range(draw(st.integers(0, 3))):
            status = draw(st.sampled_from(list(S)))
            assessments.append(
                assessment(
                    mid,
                    draw(st.sampled_from(PERIODS)),
                    draw(DAYS),
                    status,
                    draw(st.sampled_from(list(L))),
                )
            )
    evaluations = []
    for rid in ("1.1.1.1", "1.1.1.2"):
        for year in draw(st.sets(st.sampled_from([2023, 2024, 2025]))):
            evaluations.append(
                evaluation(
                    rid,
                    year,
                    draw(DAYS),
                    [
                        given_score("1", draw(st.lists(st.sampled_from(["а", "б", "в"])))),
                        given_score("2", draw(st.lists(st.sampled_from(["а", "б", "в"])))),
                        given_score("3", score=draw(st.floats(0, 20, allow_nan=False))),
                    ],
                )
            )
    return dataset(
        measures,
        reports,
        assessments,
        [result("1.1.1.1", [TIERS, PARTS, FREE]), result("1.1.1.2", [TIERS, PARTS, FREE])],
        evaluations,
        prog=programme(),
        executors=("ex", "co", "e3"),
    )


PROPS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPS
@given(programmes(), DAYS)
def test_counts_sum_to_totals_and_shares_stay_in_range(data: Dataset, as_of: dt.date) -> None:
    s = snap(data, as_of)
    kept = [x for x in s.measures.values() if not x.removed]
    for a in s.aggregates.values():
        assert sum(a.counts.values()) == a.total
        assert a.done + a.partly <= a.total and a.done_due <= a.due <= a.total
        assert a.on_time + a.late + a.missing == a.reports_due
        for value in (a.pct_done, a.pct_done_due, a.pct_on_time):
            assert 0 <= value <= 100
    totals = {lv: 0 for lv in c.LEVELS}
    for (level, _), a in s.aggregates.items():
        totals[level] += a.total
    assert totals["programme"] == totals["direction"] == totals["problem"] == len(kept)
    assert totals["executor"] == len(kept)
    assert totals["result"] == sum(len(set(data.measures[x.measure].results)) for x in kept)
    for rs in s.scores.values():
        assert 0 <= rs.score <= 100
        assert rs.fully + rs.partly + rs.zero == len(rs.indicators)


def _before(data: Dataset, as_of: dt.date) -> Dataset:
    """The same data without any record dated after `as_of`."""
    cut = dataclasses.replace(data)
    cut.reports = {
        k: r
        for k, r in data.reports.items()
        if (day := r.submitted or r.approved_on) is not None and day <= as_of
    }
    cut.assessments = {k: a for k, a in data.assessments.items() if a.date <= as_of}
    cut.evaluations = {k: e for k, e in data.evaluations.items() if e.date <= as_of}
    return cut


@PROPS
@given(programmes(), DAYS)
def test_status_never_depends_on_records_dated_after_it(data: Dataset, as_of: dt.date) -> None:
    full, cut = snap(data, as_of), snap(_before(data, as_of), as_of)
    assert full.measures == cut.measures
    assert full.aggregates == cut.aggregates
    assert full.scores == cut.scores
    assert full.due == cut.due


@PROPS
@given(programmes(), DAYS)
def test_same_inputs_give_byte_identical_output(data: Dataset, as_of: dt.date) -> None:
    shuffled = dataclasses.replace(data)
    for attr in ("measures", "reports", "assessments", "evaluations", "executors", "results"):
        setattr(shuffled, attr, dict(reversed(list(getattr(data, attr).items()))))
    first = render_json(status_view(data, snap(data, as_of)))
    assert first == render_json(status_view(data, snap(data, as_of)))
    assert first == render_json(status_view(shuffled, snap(shuffled, as_of)))


@PROPS
@given(programmes(), DAYS)
def test_history_snapshots_equal_single_snapshots(data: Dataset, as_of: dt.date) -> None:
    snaps = c.history_snapshots(data, None, as_of, TODAY)
    assert snaps[-1].as_of == as_of
    for s in snaps[:: max(1, len(snaps) // 3)]:
        assert s == snap(data, s.as_of)


@PROPS
@given(programmes(), st.lists(DAYS, min_size=1, max_size=6))
def test_one_index_in_any_date_order_equals_fresh_snapshots(
    data: Dataset, days: list[dt.date]
) -> None:
    """Results reused between dates (the per-measure memo) never leak into another date."""
    index = c.build_index(data, None)
    for day in days:
        assert c.snapshot_from_index(index, day, TODAY) == snap(data, day)
