"""Deadline wording of published plans to start, end and recurrence (DOMAIN.md §6)."""

from __future__ import annotations

import datetime as dt

import pytest

from builder.importer.deadlines import is_ditto, parse_deadline
from builder.models import Recurrence

D = dt.date
Q = Recurrence.QUARTERLY
H = Recurrence.HALF_YEARLY
Y = Recurrence.YEARLY
C = Recurrence.CONTINUOUS
M = Recurrence.MONTHLY


@pytest.mark.parametrize(
    ("text", "start", "end", "recurrence"),
    [
        ("до 15 листопада", None, D(2018, 11, 15), None),
        ("до 31 грудня", None, D(2018, 12, 31), None),
        ("до 1 лютого", None, D(2018, 2, 1), None),
        ("9 грудня", D(2018, 12, 9), D(2018, 12, 9), None),
        ("січень", D(2018, 1, 1), D(2018, 1, 31), None),
        ("травень", D(2018, 5, 1), D(2018, 5, 31), None),
        ("лютий", D(2018, 2, 1), D(2018, 2, 28), None),
        ("січень - грудень", D(2018, 1, 1), D(2018, 12, 31), None),
        ("січень – грудень", D(2018, 1, 1), D(2018, 12, 31), None),
        ("січень—грудень", D(2018, 1, 1), D(2018, 12, 31), None),
        ("березень - травень 2019 р.", D(2019, 3, 1), D(2019, 5, 31), None),
        ("I квартал", D(2018, 1, 1), D(2018, 3, 31), None),
        ("II квартал", D(2018, 4, 1), D(2018, 6, 30), None),
        ("ІІ квартал", D(2018, 4, 1), D(2018, 6, 30), None),  # Cyrillic І
        ("III квартал", D(2018, 7, 1), D(2018, 9, 30), None),
        ("IV квартал", D(2018, 10, 1), D(2018, 12, 31), None),
        ("ІV квартал", D(2018, 10, 1), D(2018, 12, 31), None),  # Cyrillic І, Latin V
        ("II-IV квартали", D(2018, 4, 1), D(2018, 12, 31), None),
        ("II–IV квартали 2023 р.", D(2023, 4, 1), D(2023, 12, 31), None),
        ("І—ІІІ квартали", D(2018, 1, 1), D(2018, 9, 30), None),
        ("I квартал 2019 року", D(2019, 1, 1), D(2019, 3, 31), None),
        ("II півріччя", D(2018, 7, 1), D(2018, 12, 31), None),
        ("щокварталу", None, None, Q),
        ("щоквартально", None, None, Q),
        ("раз на півроку", None, None, H),
        ("щомісяця", None, None, M),
        ("протягом року", D(2018, 1, 1), D(2018, 12, 31), None),
        ("протягом 2019 року", D(2019, 1, 1), D(2019, 12, 31), None),
        ("2018 рік", D(2018, 1, 1), D(2018, 12, 31), None),
        ("постійно", None, None, C),
        ("щорічно (до 15 лютого)", None, D(2018, 2, 15), Y),
        ("щороку до 1 березня", None, D(2018, 3, 1), Y),
        ("раз на рік (до 31 грудня)", None, D(2018, 12, 31), Y),
        ("до 15 листопада 2018 р.", None, D(2018, 11, 15), None),
        ("до 15 листопада 2019 року", None, D(2019, 11, 15), None),
        ("до 1 липня 2019 р", None, D(2019, 7, 1), None),
        ("01.03.2023 - 30.06.2023", D(2023, 3, 1), D(2023, 6, 30), None),
        ("до 30.06.2023", None, D(2023, 6, 30), None),
        ("до\u00a015\u00a0листопада", None, D(2018, 11, 15), None),  # no-break spaces
        ("До 15 Листопада.", None, D(2018, 11, 15), None),
        ("до кінця року", None, D(2018, 12, 31), None),
    ],
)
def test_readable_wordings(
    text: str, start: dt.date | None, end: dt.date | None, recurrence: Recurrence | None
) -> None:
    parsed = parse_deadline(text, 2018)
    d = parsed.deadline
    assert (d.start, d.end, d.recurrence, d.start_event) == (start, end, recurrence, None)
    assert parsed.issues == ()
    assert d.text == text.replace("\u00a0", " ")  # the wording is kept as published


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("у місячний строк", "counts from an event"),
        ("у тримісячний строк", "counts from an event"),
        ("до 31 лютого", "cannot be read"),
        ("за окремим планом", "no known deadline wording"),
        ("V квартал", "no known deadline wording"),
        ("грудень - січень", "no known deadline wording"),
    ],
)
def test_unreadable_wordings_are_kept_and_flagged(text: str, flag: str) -> None:
    parsed = parse_deadline(text, 2018)
    d = parsed.deadline
    assert (d.text, d.start, d.end, d.recurrence, d.start_event) == (text, None, None, None, None)
    issues = [str(i) for i in parsed.issues]  # in the run's language (English in tests)
    assert len(issues) == 1 and flag in issues[0] and text in issues[0]


def test_event_tied_start() -> None:
    parsed = parse_deadline("з дня набрання чинності законом про Національне бюро", 2018)
    d = parsed.deadline
    assert d.start_event == "з дня набрання чинності законом про Національне бюро"
    assert (d.start, d.end) == (None, None)
    assert "start_event" in str(parsed.issues[0])


def test_compound_wording_reads_what_it_can() -> None:
    text = (
        "за загальними показниками плану заходів з реалізації\u00a0Стратегії\u00a0- раз на рік "
        "(до 31 грудня);\u00a0\nза показниками для окремих заходів з плану заходів з реалізації "
        "Стратегії - після завершення реалізації ініціатив"
    )
    parsed = parse_deadline(text, 2018)
    d = parsed.deadline
    assert (d.start, d.end, d.recurrence, d.start_event) == (None, D(2018, 12, 31), Y, None)
    assert d.text == (
        "за загальними показниками плану заходів з реалізації Стратегії - раз на рік "
        "(до 31 грудня); за показниками для окремих заходів з плану заходів з реалізації "
        "Стратегії - після завершення реалізації ініціатив"
    )
    issues = [str(i) for i in parsed.issues]
    assert any("після завершення реалізації ініціатив" in i for i in issues)
    assert any("compound" in i for i in issues)


def test_compound_of_two_periods_spans_both() -> None:
    parsed = parse_deadline("I квартал; IV квартал", 2018)
    assert (parsed.deadline.start, parsed.deadline.end) == (D(2018, 1, 1), D(2018, 12, 31))


def test_empty_wording_is_flagged() -> None:
    parsed = parse_deadline("  ", 2018)
    assert parsed.deadline.text == "—" and [str(i) for i in parsed.issues] == [
        "the deadline is empty"
    ]


@pytest.mark.parametrize("text", ["-“-", '-"-', "–“–", "— ” —", "-„-", "-«-"])
def test_ditto_marks(text: str) -> None:
    assert is_ditto(text)


@pytest.mark.parametrize("text", ["-", "до 15 листопада", "“-”", ""])
def test_not_ditto(text: str) -> None:
    assert not is_ditto(text)
