"""The rows of the open-data tables: the structure, and every record as of a snapshot's date."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from .. import models as m
from ..compute import (
    STATUSES,
    DueReport,
    MeasureState,
    ResultScore,
    Snapshot,
    id_sort_key,
)
from ..errors import BuildError
from ..git.history import History
from ..i18n import _
from ..load import Dataset
from ..versions import Version, evaluated_version, measure_as_of, result_as_of, texts, versions
from ..wording import amendment_summary
from ..workflow.approval import report_date
from .tables import RESOURCES, Record, Row, Tables, record_getter, to_records


@functools.lru_cache(maxsize=1 << 16)
def _nat(value: str) -> tuple[tuple[int, int | str], ...]:
    return id_sort_key(value)


@functools.lru_cache(maxsize=1024)
def _period_key(period: str) -> tuple[int, int]:
    return m.parse_period(period)


def _record_key(key: str) -> tuple[Any, ...]:
    """'2024-Q1/1.1.1.4.2' or '2024/1.1.1.4' → (group, natural id) for a stable order."""
    group, _, rest = key.partition("/")
    return (_nat(group), _nat(rest))


def _links(rows: list[Row], owner_field: str, owner: str, links: Iterable[m.Link]) -> None:
    for i, link in enumerate(links, 1):
        rows.append({owner_field: owner, "order": i, "title": link.title, "url": link.url})


def indicator_rows(data: Dataset, as_of: dt.date | None) -> dict[str, list[Row]]:
    """The indicators and subindicators of every ОСР, as in force on `as_of` (None: the
    original text; an amended ОСР's package rows follow its amendments)."""
    indicators: list[Row] = []
    subindicators: list[Row] = []
    for rid in sorted(data.results, key=_nat):
        result = data.results[rid]
        if as_of is not None:
            result = result_as_of(result, as_of)
        for i, ind in enumerate(result.indicators, 1):
            indicators.append(
                {
                    "result": result.id,
                    "indicator": ind.id,
                    "order": i,
                    "title": ind.title,
                    "weight": float(ind.weight),
                    "kind": ind.kind.value if ind.kind else None,
                    "data_source": ind.data_source,
                    "title_en": ind.title_en,
                }
            )
            for j, sub in enumerate(ind.subindicators, 1):
                subindicators.append(
                    {
                        "result": result.id,
                        "indicator": ind.id,
                        "subindicator": sub.id,
                        "order": j,
                        "title": sub.title,
                        "share": float(sub.share),
                        "title_en": sub.title_en,
                    }
                )
    return {"indicators": indicators, "subindicators": subindicators}


def structure_tables(data: Dataset) -> Tables:
    """Resources that do not change with the date (an amended ОСР's indicators aside:
    `snapshot_tables` redoes them): sections, ОСР, indicators, executors."""
    p = data.programme
    if p is None:
        raise BuildError(_("the data has no programme; run 'dap validate' and fix it first"))
    tables: dict[str, list[Row]] = {
        "programme": [
            {
                "id": p.id,
                "title": p.title,
                "short_title": p.short_title,
                "period_start": p.period.start,
                "period_end": p.period.end,
                "demo": p.demo,
                "submission_dates": p.reporting.submission_dates,
                "level_medium_from": float(p.levels.medium_from),
                "level_high_from": float(p.levels.high_from),
                "site_url": p.site_url,
                "repository_url": p.repository_url,
                "title_en": p.title_en,
                "short_title_en": p.short_title_en,
            }
        ]
    }
    tables["sections"] = [
        {
            "id": s.id,
            "level": s.level.value,
            "title": s.title,
            "parent": s.parent,
            "order": s.order,
            "title_en": s.title_en,
        }
        for s in sorted(data.sections.values(), key=lambda s: _nat(s.id))
    ]
    tables["results"] = [
        {
            "id": r.id,
            "number": r.number,
            "title": r.title,
            "problem": r.problem,
            "title_en": r.title_en,
        }
        for r in sorted(data.results.values(), key=lambda r: _nat(r.id))
    ]
    tables.update(indicator_rows(data, None))
    tables["executors"] = [
        {
            "id": e.id,
            "name": e.name,
            "short_name": e.short_name,
            "by_agreement": e.by_agreement,
            "name_en": e.name_en,
            "short_name_en": e.short_name_en,
        }
        for e in sorted(data.executors.values(), key=lambda e: _nat(e.id))
    ]
    return {name: to_records(name, rows) for name, rows in tables.items()}


def _legal_acts(p: m.Programme, as_of: dt.date) -> list[Row]:
    rows: list[Row] = []
    acts = [("затвердження", p.act)] + [("зміни", a) for a in p.amendments]
    for role, act in acts:
        if role == "зміни" and act.date is not None and act.date > as_of:
            continue
        rows.append(
            {
                "order": len(rows) + 1,
                "role": role,
                "title": act.title,
                "number": act.number,
                "date": act.date,
                "url": act.url,
            }
        )
    return rows


@dataclass
class Memo:
    """Work shared by the snapshots, so that each record's rows are built once.

    Most rows of an older snapshot are the same as the newest's (a report does not change
    with the date it is seen from); rows are built on first use and reused, keyed by what
    they depend on.
    """

    dates: dict[str, tuple[dt.date | None, bool, str]] = field(default_factory=dict)
    measure_order: list[str] = field(default_factory=list)
    report_order: list[str] = field(default_factory=list)
    assessment_order: list[str] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)  # people the datasets may name
    parts: dict[tuple[object, ...], dict[str, list[Record]]] = field(default_factory=dict)
    status: dict[int, list[Record]] = field(default_factory=dict)  # by snapshot index
    aggregates: dict[int, list[Record]] = field(default_factory=dict)
    lines: dict[str, dict[Record, bytes]] = field(default_factory=dict)  # CSV line of a record
    getters: dict[str, Callable[[Row], Record]] = field(default_factory=dict)  # by resource
    # a measure without its later amendments, by its id and how many it keeps: one object
    # for every package that shows it so (`package_inputs`: its JSON digested once)
    known_as: dict[tuple[str, int], m.Measure] = field(default_factory=dict)
    # what `inputs.package_inputs` lists once per build (`inputs.Listed`)
    listed: Any = None

    def once(
        self, key: tuple[object, ...], build: Callable[..., dict[str, list[Row]]], *args: Any
    ) -> dict[str, list[Record]]:
        """The records `build(*args)` makes for `key`, built the first time only."""
        found = self.parts.get(key)
        if found is None:
            found = {}
            for name, rows in build(*args).items():
                get = self.getters.get(name)
                if get is None:  # once per build: the schemas do not change during one
                    get = self.getters[name] = record_getter(name)
                found[name] = list(map(get, rows))
            self.parts[key] = found
        return found


def memo(data: Dataset, history: History | None) -> Memo:
    """A new Memo: each report's date, and the records in their published order."""
    found = Memo()
    for key, rep in data.reports.items():
        found.dates[key] = report_date(data, history, key, rep)
    found.measure_order = sorted(data.measures, key=_nat)
    found.report_order = sorted(data.reports, key=_record_key)
    found.assessment_order = sorted(data.assessments, key=_record_key)
    found.names = data.public_names()
    return found


def _measure_row(
    ms: m.Measure, state: MeasureState | None, as_of: dt.date, executors: dict[str, m.Executor]
) -> Row:
    """One row of `measures`: the measure in force on `as_of`, with its main executor's name
    and where it stood that day (status, overdue, latest monitoring label and its date), so a
    reader of the spreadsheet needs no lookup in the other tables."""
    main = executors.get(ms.main_executor.executor)
    removed = ms.removed if ms.removed is not None and ms.removed <= as_of else None
    d = ms.deadline
    return {
        "id": ms.id,
        "number": ms.number,
        "title": ms.title,
        "section": ms.section,
        "deadline_text": d.text,
        "deadline_start": d.start,
        "deadline_end": d.end,
        "deadline_start_event": d.start_event,
        "deadline_recurrence": d.recurrence.value if d.recurrence else None,
        "main_executor": ms.main_executor.executor,
        "main_executor_name": main.name if main else ms.main_executor.executor,
        "funding_source": ms.funding.source if ms.funding else None,
        "funding_volume": ms.funding.volume if ms.funding else None,
        "completed": ms.completed if ms.completed and ms.completed <= as_of else None,
        "removed": removed,
        "is_removed": removed is not None,
        "status": (state.status if state else m.Status.NOT_STARTED).value,
        "overdue": bool(state and state.overdue),
        "label": state.label.value if state and state.label else None,
        "label_date": state.label_date if state else None,
        "title_en": ms.title_en,
        "main_executor_name_en": main.name_en if main else None,
    }


def _measure_links(ms: m.Measure) -> dict[str, list[Row]]:
    """A measure's ОСР, executors, executor groups and performance indicators."""
    executors = [("головний виконавець", ms.main_executor)] + [
        ("співвиконавець", link) for link in ms.co_executors
    ]
    return {
        "measure_results": [
            {"measure": ms.id, "result": rid, "order": i}
            for i, rid in enumerate(dict.fromkeys(ms.results), 1)
        ],
        "measure_executors": [
            {
                "measure": ms.id,
                "executor": link.executor,
                "role": role,
                "by_agreement": link.by_agreement,
                "order": i,
            }
            for i, (role, link) in enumerate(executors, 1)
        ],
        "measure_executor_groups": [
            {"measure": ms.id, "order": i, "name": group}
            for i, group in enumerate(ms.executor_groups, 1)
        ],
        "measure_performance_indicators": [
            {"measure": ms.id, "order": i, "text": text}
            for i, text in enumerate(ms.performance_indicators, 1)
        ],
    }


def _amendments(text: m.Measure, as_of: dt.date) -> dict[str, list[Row]]:
    """A measure's amendments and versions as known on `as_of` (later ones not yet)."""
    return {
        "measure_amendments": [
            {
                "measure": text.id,
                "order": i,
                "date": am.date,
                "act": am.act,
                "changes": amendment_summary(am),
                "fields": " ".join(am.changes()) or None,
                "successors": " ".join(am.successors()) or None,
                "note": am.note,
            }
            for i, am in enumerate(text.amendments, 1)
            if am.date <= as_of
        ],
        # Versions as known on `as_of`: a later amendment ends none of them yet.
        "measure_versions": [
            _version_row(text, v)
            for v in versions(
                text.model_copy(
                    update={"amendments": [a for a in text.amendments if a.date <= as_of]}
                )
            )
        ],
    }


def _version_row(text: m.Measure, v: Version) -> Row:
    ms = v.measure
    return {
        "measure": text.id,
        "version": v.number,
        "valid_from": v.since,
        "valid_to": v.until,
        "in_programme": v.in_force and ms.removed is None,
        "acts": "; ".join(dict.fromkeys(a.act for a in v.amendments)) or None,
        "number": ms.number,
        "title": ms.title,
        "section": ms.section,
        "results": " ".join(ms.results) or None,
        "deadline_text": ms.deadline.text,
        "deadline_start": ms.deadline.start,
        "deadline_end": ms.deadline.end,
        "main_executor": ms.main_executor.executor,
        "main_by_agreement": ms.main_executor.by_agreement,
        "co_executors": " ".join(x.executor for x in ms.co_executors) or None,
        "title_en": ms.title_en,
    }


def _report(
    key: str,
    rep: m.Report,
    dated: tuple[dt.date | None, bool, str],
    approved: bool,
    names: dict[str, str],
) -> dict[str, list[Row]]:
    """A report's rows; its people by name only if the programme publishes them (`names`)."""
    day, verified, source = dated
    evidence: list[Row] = []
    _links(evidence, "report", key, rep.evidence)
    return {
        "reports": [
            {
                "id": key,
                "measure": rep.measure,
                "period": rep.period,
                "kind": rep.kind.value,
                "executor": rep.executor,
                "prepared_by": names.get(rep.prepared_by),
                "approved_by": names.get(rep.approved_by),
                "approved_on": rep.approved_on if approved else None,
                "submitted": day,
                "submitted_verified": verified,
                "date_source": source or None,
                "text": rep.text,
            }
        ],
        "report_evidence": evidence,
    }


def _assessment(key: str, a: m.Assessment) -> dict[str, list[Row]]:
    sources: list[Row] = []
    _links(sources, "assessment", key, a.sources)
    return {
        "assessments": [
            {
                "id": key,
                "measure": a.measure,
                "period": a.period,
                "date": a.date,
                "status": a.status.value,
                "label": a.label.value,
                "text": a.text,
            }
        ],
        "assessment_reports": [
            {"assessment": key, "report": ref, "order": i}
            for i, ref in enumerate(dict.fromkeys(a.reports), 1)
        ],
        "assessment_sources": sources,
    }


def _evaluation(data: Dataset, score: ResultScore) -> dict[str, list[Row]]:
    """An annual evaluation with its indicator scores and the subindicators achieved."""
    ev = data.evaluations[score.evaluation]
    indicators: list[Row] = []
    components: list[Row] = []
    given = {s.indicator: s for s in ev.indicators}
    result = evaluated_version(data.results[score.result], ev.year)
    shares = {
        ind.id: {s.id: float(s.share) for s in ind.subindicators} for ind in result.indicators
    }
    for ir in score.indicators:
        indicators.append(
            {
                "evaluation": score.evaluation,
                "result": score.result,
                "indicator": ir.indicator,
                "weight": ir.weight,
                "method": ir.method,
                "score": ir.score,
                "fully": ir.fully,
                "zero": ir.zero,
                "evaluated": ir.evaluated,
                "value": ir.value,
                "rationale": ir.rationale or None,
                "data_source": ir.data_source,
            }
        )
        counted = {sid for sid, _ in ir.components}
        achieved = given[ir.indicator].achieved if ir.indicator in given else []
        for sid in dict.fromkeys(achieved):
            share = shares.get(ir.indicator, {}).get(sid)
            if share is not None:
                components.append(
                    {
                        "evaluation": score.evaluation,
                        "indicator": ir.indicator,
                        "subindicator": sid,
                        "share": share,
                        "counted": sid in counted,
                    }
                )
    return {
        "evaluations": [
            {
                "id": score.evaluation,
                "result": score.result,
                "year": score.year,
                "date": ev.date,
                "score": score.score,
                "level": score.level,
                "state": score.state,
                "indicators_fully": score.fully,
                "indicators_partly": score.partly,
                "indicators_zero": score.zero,
                "previous_year": score.previous_year,
                "previous_score": score.previous_score,
                "summary": ev.summary,
            }
        ],
        "evaluation_indicators": indicators,
        "evaluation_components": components,
    }


def _due(d: DueReport) -> dict[str, list[Row]]:
    return {
        "reporting_timeliness": [
            {
                "measure": d.measure,
                "executor": d.executor,
                "period": d.period,
                "window_start": d.window_start,
                "window_end": d.window_end,
                "report": d.report,
                "submitted": d.submitted,
                "submitted_verified": d.verified,
                "date_source": d.date_source or None,
                "state": d.state,
                "days_late": d.days_late,
            }
        ]
    }


def snapshot_tables(
    data: Dataset,
    structure: Tables,
    memo: Memo,
    snapshots: list[Snapshot],
    index: int,
    latest: bool,
) -> Tables:
    """Every resource as it stood on `snapshots[index].as_of`: only records dated by then."""
    snap = snapshots[index]
    as_of = snap.as_of
    p = data.programme
    assert p is not None
    out: Tables = {name: [] for name in RESOURCES}
    out.update(structure)
    if any(r.amendments for r in data.results.values()):
        out.update({k: to_records(k, v) for k, v in indicator_rows(data, as_of).items()})
    out["legal_acts"] = to_records("legal_acts", _legal_acts(p, as_of))

    def add(parts: dict[str, list[Record]]) -> None:
        for name, records in parts.items():
            out[name].extend(records)

    measure_rows: list[Row] = []
    written = texts(data)
    for mid in memo.measure_order:
        text = written[mid]
        ms = measure_as_of(text, as_of)  # the version in force on the package's date
        measure_rows.append(_measure_row(ms, snap.measures.get(mid), as_of, data.executors))
        shown = sum(am.date <= as_of for am in text.amendments)
        add(memo.once(("links", mid, shown), _measure_links, ms))
        add(memo.once(("amendments", mid, shown), _amendments, text, as_of))
    out["measures"] = to_records("measures", measure_rows)

    # Reports submitted by the date (undated ones only in the newest package).
    shown_reports: set[str] = set()
    for key in memo.report_order:
        dated = memo.dates[key]
        if not _dated_by(dated[0], as_of, latest):
            continue
        rep = data.reports[key]
        approved = rep.approved_on is not None and rep.approved_on <= as_of
        add(
            memo.once(
                ("report", key, approved),
                _report,
                key,
                rep,
                dated,
                approved,
                memo.names,
            )
        )
        shown_reports.add(key)

    for key in memo.assessment_order:
        a = data.assessments[key]
        if a.date > as_of:
            continue
        parts = memo.once(("assessment", key), _assessment, key, a)
        out["assessments"] += parts["assessments"]
        out["assessment_sources"] += parts["assessment_sources"]
        out["assessment_reports"] += [
            r for r in parts["assessment_reports"] if r[1] in shown_reports
        ]

    for score in sorted(snap.scores.values(), key=lambda s: (_nat(s.result), s.year)):
        add(
            memo.once(
                ("evaluation", score.evaluation, score.previous_year),
                _evaluation,
                data,
                score,
            )
        )

    for i in range(index + 1):
        status, aggregates = status_records(memo, snapshots, i)
        out["measure_status"] += status
        out["aggregates"] += aggregates

    for d in sorted(snap.due, key=lambda d: (_nat(d.measure), _period_key(d.period))):
        add(memo.once(("due", d), _due, d))

    feedback: list[Row] = []
    for fb in sorted(data.feedback.values(), key=lambda f: (f.date, _nat(f.id))):
        if fb.date > as_of:
            continue
        answered = fb.answer is not None and (fb.answered_on is None or fb.answered_on <= as_of)
        feedback.append(
            {
                "id": fb.id,
                "date": fb.date,
                "measure": fb.measure,
                "result": fb.result,
                "author": fb.author,
                "text": fb.text,
                "answer": fb.answer if answered else None,
                "answered_on": fb.answered_on if answered else None,
            }
        )
    out["feedback"] = to_records("feedback", feedback)
    notices: list[Row] = []
    notice_links: list[Row] = []
    for nt in sorted(data.notices.values(), key=lambda n: (n.date, _nat(n.id))):
        if nt.date > as_of:
            continue
        notices.append(
            {
                "id": nt.id,
                "kind": nt.kind.value,
                "title": nt.title,
                "text": nt.text,
                "date": nt.date,
                "start": nt.start,
                "end": nt.end,
            }
        )
        _links(notice_links, "notice", nt.id, nt.links)
    out["notices"] = to_records("notices", notices)
    out["notice_links"] = to_records("notice_links", notice_links)
    return out


def status_records(
    memo: Memo, snapshots: list[Snapshot], index: int
) -> tuple[list[Record], list[Record]]:
    """The rows of `measure_status` and `aggregates` of one snapshot, made once per build."""
    if index not in memo.status:
        snap = snapshots[index]
        memo.status[index] = to_records("measure_status", _status_rows(snap, memo.measure_order))
        memo.aggregates[index] = to_records("aggregates", _aggregate_rows(snap))
    return memo.status[index], memo.aggregates[index]


def _dated_by(day: dt.date | None, as_of: dt.date, latest: bool) -> bool:
    """A record belongs to a snapshot if dated by then; an undated one only to the newest."""
    return latest if day is None else day <= as_of


def _status_rows(snap: Snapshot, measure_ids: list[str]) -> list[Row]:
    rows: list[Row] = []
    for mid in measure_ids:
        st = snap.measures.get(mid)
        if st is None:
            continue
        rows.append(
            {
                "as_of": snap.as_of,
                "measure": mid,
                "status": st.status.value,
                "label": st.label.value if st.label else None,
                "label_date": st.label_date,
                "assessment": st.assessment,
                "derived": st.derived,
                "overdue": st.overdue,
                "started_late": st.started_late,
                "missing_reports": len(st.missing_reports),
                "missing_periods": "; ".join(st.missing_reports) or None,
                "removed": st.removed,
                "active": st.active,
                "last_report": st.last_report,
            }
        )
    return rows


_COUNT_FIELDS = dict(
    zip(STATUSES, ("done", "partly", "in_progress", "not_done", "not_started"), strict=False)
)


def _aggregate_rows(snap: Snapshot) -> list[Row]:
    rows: list[Row] = []
    for a in snap.aggregates.values():
        row: Row = {
            "as_of": a.as_of,
            "computed_on": a.computed_on,
            "level": a.level,
            "key": a.key,
            "total": a.total,
            "due": a.due,
        }
        for status, name in _COUNT_FIELDS.items():
            row[name] = a.counts.get(status, 0)
        row.update(
            {
                "pct_done": a.pct_done,
                "pct_done_due": a.pct_done_due,
                "done_due": a.done_due,
                "overdue": a.overdue,
                "reports_due": a.reports_due,
                "reports_on_time": a.on_time,
                "reports_late": a.late,
                "reports_missing": a.missing,
                "reports_pending": a.pending,
                "pct_on_time": a.pct_on_time,
                "co_total": a.co_total,
                "co_done": a.co_done,
            }
        )
        rows.append(row)
    return rows
