"""One measure of a demonstration, with its reports and assessments along one simulated course."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from .. import models as m
from ..quarters import quarter_bounds
from .plan import Options, _day, _sentences
from .words import (
    ACTIONS,
    ASSESSMENT_SENTENCES,
    MONTHS,
    OBJECTS,
    PURPOSES,
    QUALIFIERS,
    REPORT_SENTENCES,
    RESULT_SENTENCES,
    ROMAN,
    _words,
)

# Shares of the final outcome of a measure (sum 1).
OUTCOMES = [("done", 0.5), ("partly", 0.12), ("not_done", 0.14), ("not_started", 0.08)]
LATE_SHARE = 0.14  # reports submitted after the window closed
MISSING_SHARE = 0.07  # reports never submitted


def _deadline(rng: random.Random, qs: list[str], start: dt.date, end: dt.date) -> dict[str, Any]:
    """A deadline in the wording of published plans, with its normalised dates."""
    years = end.year - start.year + 1
    roll = rng.random()
    if roll < 0.75:  # most measures of a real plan run for the whole programme
        text = f"{start.year}–{end.year} роки" if years > 1 else f"{start.year} рік"
        d: dict[str, Any] = {"text": text, "start": start, "end": end}
        if rng.random() < 0.5:
            d["recurrence"] = rng.choice(
                [m.Recurrence.QUARTERLY.value, m.Recurrence.CONTINUOUS.value]
            )
            d["text"] = f"{d['recurrence']}, {text}"
        return d
    if roll < 0.8:
        event = "з дня набрання чинності законом про внесення змін до Закону України «Про запобігання корупції»"
        _, last = quarter_bounds(qs[rng.randrange(len(qs) // 2, len(qs))])
        return {"text": f"{event}, до {_words(last)}", "start_event": event, "end": last}
    first = rng.randrange(0, len(qs) - 1)
    span = rng.randint(1, min(10, len(qs) - first))
    q_start, _ = quarter_bounds(qs[first])
    _, q_end = quarter_bounds(qs[first + span - 1])
    y1, n1 = m.parse_period(qs[first])
    y2, n2 = m.parse_period(qs[first + span - 1])
    if rng.random() < 0.3:  # «до 15 листопада 2024 р.»: a day inside the last quarter
        q_end = _day(rng, q_end - dt.timedelta(days=75), q_end)
        return {"text": f"до {_words(q_end)}", "start": q_start, "end": q_end}
    if y1 == y2 and n1 == n2:
        text = f"{ROMAN[n1 - 1]} квартал {y1} р."
    elif y1 == y2:
        text = f"{ROMAN[n1 - 1]}–{ROMAN[n2 - 1]} квартали {y1} р."
    else:
        text = f"{MONTHS[q_start.month - 1]} {y1} р. — {MONTHS[q_end.month - 1]} {y2} р."
    return {"text": text, "start": q_start, "end": q_end}


def _pick_outcome(rng: random.Random) -> str:
    roll, acc = rng.random(), 0.0
    for name, share in OUTCOMES:
        acc += share
        if roll < acc:
            return name
    return "in_progress"


def _measure(
    rng: random.Random,
    opts: Options,
    mid: str,
    number: str,
    section: str,
    serves: list[str],
    main: str,
    executor_ids: list[str],
    agreement: dict[str, bool],
    qs: list[str],
    start: dt.date,
    end: dt.date,
) -> tuple[dict[str, Any], list[tuple[str, dict[str, Any]]], list[tuple[str, dict[str, Any]]]]:
    """A measure and its reports and assessments, following one simulated course."""
    title = f"{rng.choice(ACTIONS)} {rng.choice(OBJECTS)} {rng.choice(QUALIFIERS)}"
    if rng.random() < 0.5:
        title += f" {rng.choice(PURPOSES)}"
    deadline = _deadline(rng, qs, start, end)
    d_start: dt.date = deadline.get("start") or start
    d_end: dt.date = deadline["end"]
    co = [
        e for e in rng.sample(executor_ids, min(len(executor_ids), rng.randint(0, 3))) if e != main
    ]
    measure: dict[str, Any] = {
        "id": mid,
        "number": number,
        "title": title,
        "section": section,
        "results": serves,
        "deadline": deadline,
        "main_executor": {"executor": main, "by_agreement": agreement[main]},
        "co_executors": [
            {"executor": e, "by_agreement": True} if agreement[e] else {"executor": e} for e in co
        ],
    }
    if rng.random() < 0.1:
        measure["executor_groups"] = ["центральні органи виконавчої влади"]
    measure["funding"] = {
        "source": rng.choice(
            ["державний бюджет", "місцеві бюджети", "міжнародна технічна допомога"]
        ),
        "volume": rng.choice(
            ["в межах бюджетних призначень", f"{rng.randint(50, 9000)} тис. гривень"]
        ),
    }
    measure["performance_indicators"] = [
        f"{rng.choice(ACTIONS)} {rng.choice(OBJECTS)} здійснено",
        *(["Інформацію оприлюднено на офіційному вебсайті"] if rng.random() < 0.6 else []),
    ]

    # The course of the measure over the quarters it is active in.
    outcome = _pick_outcome(rng)
    active = [q for q in qs if quarter_bounds(q)[1] >= d_start]
    due = [q for q in active if quarter_bounds(q)[0] <= d_end]
    after = [q for q in active if quarter_bounds(q)[0] > d_end]
    if outcome == "in_progress" and d_end < end:
        outcome = "not_done"
    late_finish = outcome == "done" and after and rng.random() < 0.2
    finish: str | None = None
    if outcome in ("done", "partly"):
        finish = (
            rng.choice(after[:2]) if late_finish else due[max(0, len(due) - rng.randint(1, 3)) :][0]
        )
    started_late = outcome != "not_started" and len(due) > 2 and rng.random() < 0.15

    reports: list[tuple[str, dict[str, Any]]] = []
    assessments: list[tuple[str, dict[str, Any]]] = []
    for n, period in enumerate(active):
        q_start, q_end = quarter_bounds(period)
        if finish is not None and qs.index(period) > qs.index(finish):
            break
        is_finish = period == finish
        if period in after and not is_finish:
            continue  # past the deadline only a result report is accepted; none came
        not_started = outcome == "not_started" or (started_late and n == 0)
        if not_started and outcome == "not_started" and n > 0 and rng.random() < 0.6:
            continue  # nothing to say about an idle measure every quarter
        missing = not is_finish and (not_started or rng.random() < MISSING_SHARE)
        late = rng.random() < LATE_SHARE
        window_open = q_end + dt.timedelta(days=1)
        window_close = q_end + dt.timedelta(days=15)
        report_key: str | None = None
        submitted: dt.date | None = None
        if not missing:
            if late:
                submitted = _day(
                    rng, window_close + dt.timedelta(days=1), window_close + dt.timedelta(days=50)
                )
            elif is_finish and rng.random() < 0.4:
                submitted = _day(rng, max(q_start, d_start, q_end - dt.timedelta(days=30)), q_end)
            else:
                submitted = _day(rng, window_open, window_close)
            kind = m.ReportKind.RESULT if is_finish else m.ReportKind.PROGRESS
            pool = RESULT_SENTENCES[:3] if outcome == "done" else RESULT_SENTENCES[3:]
            text = _sentences(rng, REPORT_SENTENCES, rng.randint(3, 9))
            if is_finish:
                text += " " + _sentences(rng, pool, 1)
            rec: dict[str, Any] = {
                "measure": mid,
                "period": period,
                "kind": kind.value,
                "executor": main,
                "approved_on": submitted - dt.timedelta(days=rng.randint(0, 2)),
                "submitted": submitted,
                "text": text,
            }
            if rng.random() < 0.6:
                rec["evidence"] = [
                    {
                        "title": "Підтвердний документ",
                        "url": f"https://example.gov.ua/{main}/{mid}/{period.lower()}",
                    }
                ]
            reports.append((period, rec))
            report_key = f"{period}/{mid}"
        if missing and rng.random() < 0.5:
            continue  # analysts do not always write about a missing report
        # The analyst's conclusion, in the monitoring window after the report.
        a_from = max(q_end + dt.timedelta(days=16), (submitted or q_end) + dt.timedelta(days=3))
        a_day = _day(rng, a_from, a_from + dt.timedelta(days=30))
        if is_finish and outcome == "done":
            status = m.Status.DONE
            label = (
                m.ResultLabel.DONE_LATE_OR_PARTLY if period in after else m.ResultLabel.DONE_ON_TIME
            )
            said = "done"
        elif is_finish:
            status, label, said = m.Status.PARTLY_DONE, m.ResultLabel.DONE_LATE_OR_PARTLY, "partly"
        elif not_started and q_end >= d_end:
            status, label, said = m.Status.NOT_DONE, m.ResultLabel.NOT_DONE, "not_done"
        elif not_started:
            status, label, said = m.Status.NOT_STARTED, m.ResultLabel.NOT_DONE, "not_started"
        elif outcome == "not_done" and period == due[-1]:
            status, label, said = m.Status.NOT_DONE, m.ResultLabel.NOT_DONE, "not_done"
        else:
            status = m.Status.IN_PROGRESS
            first = not any(a[1]["status"] == m.Status.IN_PROGRESS.value for a in assessments)
            if first:
                label = (
                    m.ResultLabel.STARTED_LATE if started_late else m.ResultLabel.STARTED_ON_TIME
                )
            else:
                label = m.ResultLabel.PROGRESS
            said = "progress"
        text = _sentences(rng, ASSESSMENT_SENTENCES[said], rng.randint(1, 3))
        if missing:
            text += " " + ASSESSMENT_SENTENCES["missing"][0]
        elif late:
            text += " " + ASSESSMENT_SENTENCES["late"][0]
        a: dict[str, Any] = {
            "measure": mid,
            "period": period,
            "date": a_day,
            "status": status.value,
            "label": label.value,
            "text": text,
            "reports": [report_key] if report_key else [],
        }
        if rng.random() < 0.2:
            a["sources"] = [
                {
                    "title": "Відповідь на запит НАЗК",
                    "url": f"https://example.gov.ua/nazk/zapyt/{mid}",
                }
            ]
        assessments.append((period, a))
    if finish is not None and outcome == "done":
        measure["completed"] = next(r["submitted"] for p, r in reports if p == finish)
    return measure, reports, assessments
