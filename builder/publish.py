"""Open data: every public record and figure as a validated Frictionless data package.

`write_downloads()` writes `downloads/latest/`, the package as of the build's date:

* `datapackage.json` and one CSV per resource (UTF-8 with a BOM, so that Excel shows Cyrillic
  on a double-click; text that could start a formula is protected, see `protect_csv`);
* `dap-latest.xlsx`, a sheet per resource, every text a text cell (builder/xlsx.py);
* `README.md` and `dap-latest.zip`: all of the above plus the JSON, `json/<resource>.json`
  (original values) and `json/measures/<id>.json` (everything about one measure), which
  are published inside the zip only (see MEASURE_JSON_ON_SITE);

and, for every programme quarter end, `downloads/2024-Q4/dap-2024-Q4.zip`: the package
(datapackage.json, CSV, README) as it stood on that day.

The Table Schemas are the hand-written contract in `schemas/tables/` (read, never inferred).
Everything is checked against those schemas before a byte is written: the newest package's
CSV as written (`check_newest`), the other snapshots' own rows and every snapshot's keys
(`check_packages`), with frictionless's rules (tests hold the checks to what frictionless
reports, and run frictionless itself on the built packages; the publish workflow runs it on
the site's package). Any error stops the build. At national scale checking and rendering
the newest package run in forked child processes while the older snapshots are built,
checked and rendered.
Output is deterministic: rows in a stable order, fixed zip and workbook timestamps (the
snapshot's own date), no clock.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import gc
import hashlib
import io
import json
import multiprocessing
import operator
import os
import posixpath
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast
from urllib.parse import quote

from . import models as m
from . import xlsx
from .compute import (
    STATUSES,
    DueReport,
    MeasureState,
    ResultScore,
    Snapshot,
    id_sort_key,
    report_date,
)
from .errors import BuildError
from .git import History
from .load import Dataset
from .output import Writer
from .project import bundled

SCHEMA_DIR = bundled("tables")  # TEMP: the project override is wired in with the opendata move

# Every resource of the package, in the order of datapackage.json and of the workbook.
RESOURCES: tuple[str, ...] = (
    "programme",
    "legal_acts",
    "sections",
    "results",
    "indicators",
    "subindicators",
    "measures",
    "measure_results",
    "measure_executors",
    "measure_executor_groups",
    "measure_performance_indicators",
    "measure_amendments",
    "executors",
    "reports",
    "report_evidence",
    "assessments",
    "assessment_reports",
    "assessment_sources",
    "evaluations",
    "evaluation_indicators",
    "evaluation_components",
    "measure_status",
    "aggregates",
    "reporting_timeliness",
    "feedback",
    "notices",
    "notice_links",
)

LATEST = "latest"
# A text value starting with one of these is escaped in CSV with a leading apostrophe
# (OWASP "CSV injection"); an apostrophe itself is escaped too, so the rule is reversible.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")
README_SHEET = "Про набір"
# Up to this many measures the downloads page links each measure's JSON; beyond it the page
# names the address pattern only (a national programme's 2,000 links would make it too heavy).
MEASURE_LINKS_MAX = 300
# The per-measure JSON documents go inside the zip, not on the site as 2,000 files: they repeat
# the tables (46 MB at 2,000 measures) and each measure's page shows the same. True puts them
# on the site (json/measures/<id>.json, listed on the downloads page) and out of the zip.
MEASURE_JSON_ON_SITE = False
# zlib levels of the zips. Level 3 compresses the package's CSV and JSON 2-2.5x faster than
# level 6 and 10-25 % less (benchmarks/publish_bench.py; docs/performance.md); level 1 saves
# little time more and gives up another 10-15 %.
ZIP_LEVEL = 3
LICENSE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0",
}
FILE_TITLES = {
    "datapackage": "Опис набору (Frictionless Data Package: таблиці, поля, типи, ключі)",
    "xlsx": "Усі таблиці в Excel (аркуш на кожну)",
    "readme": "Про набір (українською та англійською)",
    "zip": "Усе разом одним архівом",
}

Value = str | int | float | bool | dt.date | None
Row = dict[str, Value]  # a row while it is built
Record = tuple[Value, ...]  # a row as published: values in the schema's field order
Tables = dict[str, list[Record]]


@dataclass(frozen=True)
class DownloadFile:
    """One downloadable file: where it is, what it holds, how big it is."""

    path: str  # relative to the writer's root, e.g. "downloads/latest/measures.csv"
    snapshot: str  # "latest" or a quarter such as "2024-Q4"
    as_of: dt.date  # the date the data describe
    format: str  # "datapackage" | "csv" | "json" | "xlsx" | "zip" | "readme"
    resource: str | None  # resource name, or None for files about the whole package
    title: str  # Ukrainian title of what is in it
    size: int  # bytes
    rows: int | None  # data rows (CSV/JSON of a resource), None otherwise
    measure: str | None = None  # set for the per-measure JSON files


# ---------------------------------------------------------------- schemas (the contract)


@functools.cache
def table_schemas() -> dict[str, dict[str, Any]]:
    """The resource descriptors of schemas/tables/, in RESOURCES order."""
    found: dict[str, dict[str, Any]] = {}
    on_disk = {p.stem for p in SCHEMA_DIR.glob("*.json")}
    if on_disk != set(RESOURCES):
        extra, missing = sorted(on_disk - set(RESOURCES)), sorted(set(RESOURCES) - on_disk)
        raise BuildError(
            f"{SCHEMA_DIR}: the table schemas do not match the resources "
            f"(missing: {', '.join(missing) or '—'}; unknown: {', '.join(extra) or '—'})"
        )
    for name in RESOURCES:
        path = SCHEMA_DIR / f"{name}.json"
        try:
            descriptor = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise BuildError(f"{path}: cannot read the table schema: {exc}") from exc
        if descriptor.get("name") != name:
            raise BuildError(f"{path}: 'name' must be {name!r}")
        found[name] = descriptor
    return found


def field_names(name: str) -> list[str]:
    """Field names of a resource, in schema order."""
    return [f["name"] for f in table_schemas()[name]["schema"]["fields"]]


def _field_types(name: str) -> dict[str, str]:
    return {f["name"]: f["type"] for f in table_schemas()[name]["schema"]["fields"]}


# ---------------------------------------------------------------- rows


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


def structure_tables(data: Dataset) -> Tables:
    """Resources that do not change with the date: sections, ОСР, indicators, executors."""
    p = data.programme
    if p is None:
        raise BuildError("the data has no programme; run 'dap validate' and fix it first")
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
            }
        ]
    }
    tables["sections"] = [
        {"id": s.id, "level": s.level.value, "title": s.title, "parent": s.parent, "order": s.order}
        for s in sorted(data.sections.values(), key=lambda s: _nat(s.id))
    ]
    tables["results"] = [
        {"id": r.id, "number": r.number, "title": r.title, "problem": r.problem}
        for r in sorted(data.results.values(), key=lambda r: _nat(r.id))
    ]
    indicators: list[Row] = []
    subindicators: list[Row] = []
    for r in tables["results"]:
        result = data.results[str(r["id"])]
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
                    }
                )
    tables["indicators"] = indicators
    tables["subindicators"] = subindicators
    tables["executors"] = [
        {"id": e.id, "name": e.name, "short_name": e.short_name, "by_agreement": e.by_agreement}
        for e in sorted(data.executors.values(), key=lambda e: _nat(e.id))
    ]
    return {name: to_records(name, rows) for name, rows in tables.items()}


def to_records(name: str, rows: list[Row]) -> list[Record]:
    """Rows as tuples in the field order of the resource's schema."""
    names = field_names(name)
    return [tuple(row[n] for n in names) for row in rows]


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
class _Memo:
    """Work shared by the snapshots, so that each record's rows are built once.

    Most rows of an older snapshot are the same as the newest's (a report does not change
    with the date it is seen from); rows are built on first use and reused, keyed by what
    they depend on.
    """

    dates: dict[str, tuple[dt.date | None, bool, str]] = field(default_factory=dict)
    measure_order: list[str] = field(default_factory=list)
    report_order: list[str] = field(default_factory=list)
    assessment_order: list[str] = field(default_factory=list)
    parts: dict[tuple[object, ...], dict[str, list[Record]]] = field(default_factory=dict)
    status: dict[int, list[Record]] = field(default_factory=dict)  # by snapshot index
    aggregates: dict[int, list[Record]] = field(default_factory=dict)
    lines: dict[str, dict[Record, str]] = field(default_factory=dict)  # CSV line of a record

    def once(
        self, key: tuple[object, ...], build: Callable[..., dict[str, list[Row]]], *args: Any
    ) -> dict[str, list[Record]]:
        """The records `build(*args)` makes for `key`, built the first time only."""
        found = self.parts.get(key)
        if found is None:
            found = {name: to_records(name, rows) for name, rows in build(*args).items()}
            self.parts[key] = found
        return found


def _memo(data: Dataset, history: History | None) -> _Memo:
    found = _Memo()
    for key, rep in data.reports.items():
        found.dates[key] = report_date(data, history, key, rep)
    found.measure_order = sorted(data.measures, key=_nat)
    found.report_order = sorted(data.reports, key=_record_key)
    found.assessment_order = sorted(data.assessments, key=_record_key)
    return found


def _measure_row(ms: m.Measure, state: MeasureState | None, as_of: dt.date) -> Row:
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
        "funding_source": ms.funding.source if ms.funding else None,
        "funding_volume": ms.funding.volume if ms.funding else None,
        "completed": ms.completed if ms.completed and ms.completed <= as_of else None,
        "removed": removed,
        "is_removed": removed is not None,
        "status": (state.status if state else m.Status.NOT_STARTED).value,
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


def _amendments(ms: m.Measure, as_of: dt.date) -> dict[str, list[Row]]:
    return {
        "measure_amendments": [
            {
                "measure": ms.id,
                "order": i,
                "date": am.date,
                "act": am.act,
                "field": am.field,
                "old": am.old,
                "new": am.new,
                "note": am.note,
            }
            for i, am in enumerate(ms.amendments, 1)
            if am.date <= as_of
        ]
    }


def _report(
    key: str, rep: m.Report, dated: tuple[dt.date | None, bool, str], approved: bool
) -> dict[str, list[Row]]:
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
    result = data.results[score.result]
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
    memo: _Memo,
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
    out["legal_acts"] = to_records("legal_acts", _legal_acts(p, as_of))

    def add(parts: dict[str, list[Record]]) -> None:
        for name, records in parts.items():
            out[name].extend(records)

    measure_rows: list[Row] = []
    for mid in memo.measure_order:
        ms = data.measures[mid]
        measure_rows.append(_measure_row(ms, snap.measures.get(mid), as_of))
        add(memo.once(("links", mid), _measure_links, ms))
        if ms.amendments:
            shown = sum(am.date <= as_of for am in ms.amendments)
            add(memo.once(("amendments", mid, shown), _amendments, ms, as_of))
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

    for i, earlier in enumerate(snapshots[: index + 1]):
        if i not in memo.status:
            memo.status[i] = to_records("measure_status", _status_rows(earlier, memo.measure_order))
            memo.aggregates[i] = to_records("aggregates", _aggregate_rows(earlier))
        out["measure_status"] += memo.status[i]
        out["aggregates"] += memo.aggregates[i]

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


def measure_documents(
    records: Tables, ready: dict[str, list[dict[str, Any]]] | None = None
) -> dict[str, dict[str, Any]]:
    """Everything about each measure (one JSON document per measure), from the package tables.

    `ready` may hold tables already turned into JSON objects (`json_objects`), to reuse.
    """
    done = ready if ready is not None else {}

    def objects(name: str) -> list[dict[str, Any]]:
        if name not in done:
            done[name] = json_objects(name, records[name])
        return done[name]

    def without(row: dict[str, Any], key: str) -> dict[str, Any]:
        return {k: v for k, v in row.items() if k != key}

    docs: dict[str, dict[str, Any]] = {}
    for row in objects("measures"):
        docs[str(row["id"])] = {
            "measure": dict(row),
            "results": [],
            "executors": [],
            "executor_groups": [],
            "performance_indicators": [],
            "amendments": [],
            "status_history": [],
            "reports": [],
            "assessments": [],
            "reporting_timeliness": [],
            "feedback": [],
        }

    def add(section: str, resource: str, key: str = "measure") -> None:
        for row in objects(resource):
            owner = row.get(key)
            if owner in docs:
                docs[str(owner)][section].append(without(row, key))

    add("results", "measure_results")
    add("executors", "measure_executors")
    add("executor_groups", "measure_executor_groups")
    add("performance_indicators", "measure_performance_indicators")
    add("amendments", "measure_amendments")
    add("status_history", "measure_status")
    add("reporting_timeliness", "reporting_timeliness")
    add("feedback", "feedback")
    evidence = _grouped(objects("report_evidence"), "report")
    for row in objects("reports"):
        item = dict(row)
        item["evidence"] = evidence.get(str(row["id"]), [])
        docs[str(row["measure"])]["reports"].append(item)
    assessed = _grouped(objects("assessment_reports"), "assessment")
    sources = _grouped(objects("assessment_sources"), "assessment")
    for row in objects("assessments"):
        item = dict(row)
        item["reports"] = [r["report"] for r in assessed.get(str(row["id"]), [])]
        item["sources"] = sources.get(str(row["id"]), [])
        docs[str(row["measure"])]["assessments"].append(item)
    return docs


def _grouped(rows: list[dict[str, Any]], key: str) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        found.setdefault(str(row[key]), []).append({k: v for k, v in row.items() if k != key})
    return found


# ---------------------------------------------------------------- formats


def protect_csv(text: str) -> str:
    """Text for a CSV cell: a leading ' when it starts with = + - @ TAB CR or ' (never a formula)."""
    return "'" + text if text.startswith(FORMULA_START) else text


def unprotect_csv(text: str) -> str:
    """The original text of a protected CSV text cell: drop one leading apostrophe."""
    return text[1:] if text.startswith("'") else text


def _number(value: float | int) -> str:
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _csv_cell(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return protect_csv(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return _number(value)
    return value.isoformat()


_CSV_QUOTE = re.compile(r'[,"\r\n]')


def _csv_field(text: str) -> str:
    if _CSV_QUOTE.search(text):
        return '"' + text.replace('"', '""') + '"'
    return text


def _csv_text(value: Value) -> str:
    """`_csv_field(_csv_cell(value))`, with the common types first (every cell goes here)."""
    kind = type(value)
    if kind is str:
        text = cast(str, value)
        if text.startswith(FORMULA_START):
            text = "'" + text
        return '"' + text.replace('"', '""') + '"' if _CSV_QUOTE.search(text) else text
    if value is None:
        return ""
    if kind is int:
        return str(value)  # digits and a sign: never quoted, as with dates and booleans
    return _csv_field(_csv_cell(value))


def csv_line(record: Record) -> str:
    """One CSV record (RFC 4180 quoting, CRLF), text protected against formulas."""
    return ",".join([_csv_text(v) for v in record]) + "\r\n"


def csv_bytes(name: str, rows: list[Record], lines: dict[Record, str] | None = None) -> bytes:
    """A resource as CSV: UTF-8 with BOM, CRLF, a header of field names, text protected.

    `lines` caches the text of records already formatted (older snapshots repeat most rows).
    """
    out = [",".join(_csv_field(n) for n in field_names(name)) + "\r\n"]
    if lines is None:
        out += [csv_line(r) for r in rows]
    else:
        known: list[str | None] = list(map(lines.get, rows))  # one C-level pass
        for i, line in enumerate(known):
            if line is None:
                r = rows[i]
                line = lines.get(r)  # the same record may repeat within one table
                if line is None:
                    line = lines[r] = csv_line(r)
                known[i] = line
        out += cast(list[str], known)
    return "".join(out).encode("utf-8-sig")


def _json_value(value: Value) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _json_default(value: object) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


# The same output as json.dumps(..., ensure_ascii=False, separators=(",", ":")), built once.
_encode_compact = json.JSONEncoder(
    ensure_ascii=False, separators=(",", ":"), default=_json_default
).encode


def json_objects(name: str, rows: list[Record]) -> list[dict[str, Any]]:
    """A resource's rows as JSON objects: original values, dates as ISO text, 2.0 as 2."""
    names = field_names(name)
    types = _field_types(name)
    convert = [i for i, n in enumerate(names) if types[n] in ("date", "number")]
    if not convert:
        return [dict(zip(names, row, strict=True)) for row in rows]
    out = []
    for row in rows:
        values = list(row)
        for i in convert:
            values[i] = _json_value(values[i])
        out.append(dict(zip(names, values, strict=True)))
    return out


def json_bytes(name: str, rows: list[Record], objects: list[dict[str, Any]] | None = None) -> bytes:
    """A resource as a JSON array of objects with the original values, one row per line."""
    lines = [_encode_compact(o) for o in (objects or json_objects(name, rows))]
    return ("[\n" + ",\n".join(lines) + ("\n" if lines else "") + "]\n").encode("utf-8")


def document_bytes(doc: Any, indent: int | None = 2) -> bytes:
    """A JSON document with keys in the order given (compact when indent is None)."""
    if indent is None:
        return (_encode_compact(doc) + "\n").encode("utf-8")
    return (json.dumps(doc, ensure_ascii=False, indent=indent) + "\n").encode("utf-8")


def _width(kind: str, name: str) -> float:
    if name in ("title", "text", "description", "rationale", "answer", "summary", "name"):
        return 60
    if kind == "date":
        return 12
    return max(10, len(name) + 3)


def xlsx_bytes(tables: Tables, as_of: dt.date, title: str) -> bytes:
    """The package as a workbook: a sheet about the data, then one sheet per resource.

    Every text is a text cell, never a formula (see builder/xlsx.py); dates are dates; the
    workbook's own dates are the snapshot's date, so the same data give the same bytes.
    """
    schemas = table_schemas()
    about: list[list[Value]] = [
        ["Станом на", as_of],
        ["Програма", title],
        [
            "Як читати",
            "Кожен аркуш — таблиця набору; перший рядок — назви полів (див. словник даних).",
        ],
        [],
        ["Аркуш", "Назва", "Опис", "Рядків"],
    ]
    about += [
        [name, schemas[name]["title"], schemas[name]["description"], len(tables[name])]
        for name in RESOURCES
    ]
    sheets = [xlsx.Sheet(README_SHEET, [README_SHEET], about, [24, 60, 90, 10], table=False)]
    for name in RESOURCES:
        names = field_names(name)
        types = _field_types(name)
        sheets.append(xlsx.Sheet(name, names, tables[name], [_width(types[n], n) for n in names]))
    return xlsx.workbook(sheets, title, as_of)


# ---------------------------------------------------------------- package descriptor


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9._-]+", "-", text.lower()).strip("-._")
    return slug or "dap"


def package_descriptor(
    data: Dataset, label: str, as_of: dt.date, computed_on: dt.date, csvs: dict[str, bytes]
) -> dict[str, Any]:
    """datapackage.json of one snapshot: the schemas of schemas/tables/, each CSV's size and hash."""
    p = data.programme
    assert p is not None
    when = as_of.strftime("%d.%m.%Y")
    resources = []
    for name in RESOURCES:
        d = table_schemas()[name]
        content = csvs[name]
        resources.append(
            {
                "name": name,
                "path": f"{name}.csv",
                "profile": "tabular-data-resource",
                "title": d["title"],
                "description": d["description"],
                "title_en": d["title_en"],
                "description_en": d["description_en"],
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "bytes": len(content),
                "hash": hashlib.md5(content).hexdigest(),
                "schema": d["schema"],
            }
        )
    descriptor: dict[str, Any] = {
        "profile": "tabular-data-package",
        "name": _slug(p.id),
        "title": f"{p.title}: відкриті дані станом на {when}",
        "description": (
            "Усі публічні дані моніторингу виконання програми: структура, заходи, виконавці, "
            "повідомлення, висновки, оцінки ОСР, статуси на кінець кожного кварталу, зведені "
            "показники, вчасність звітування, відгуки. Текст у CSV, що починається з = + - @ "
            "(а також з табуляції, повернення каретки чи апострофа), має на початку додатковий "
            "апостроф — захист від формул; JSON містить оригінальні значення.\n\n"
            "All public monitoring data of the programme. In the CSV files a text value "
            "starting with = + - @ (or TAB, CR or an apostrophe) has one extra leading "
            "apostrophe (formula protection); the JSON files hold the original values."
        ),
        "snapshot": label,
        "as_of": as_of.isoformat(),
        "computed_on": computed_on.isoformat(),
        "demo": p.demo,
        "licenses": [LICENSE],
        "sources": [{"title": p.act.title, **({"path": p.act.url} if p.act.url else {})}],
        "keywords": ["антикорупційна програма", "НАЗК", "моніторинг", "anti-corruption"],
        "resources": resources,
    }
    if p.site_url:
        descriptor["homepage"] = p.site_url
    return descriptor


# ---------------------------------------------------------------- validation


def _fail(label: str, errors: list[str]) -> BuildError:
    shown = "\n  ".join(errors[:50])
    more = f"\n  … and {len(errors) - 50} more" if len(errors) > 50 else ""
    return BuildError(
        f"the open-data package '{label}' is invalid ({len(errors)} error(s)):\n  {shown}{more}\n"
        "A value breaks the contract in schemas/tables/: fix the data it comes from "
        "(run 'dap validate') or, if the contract is wrong, the table schema."
    )


_TRUE = frozenset(("true", "True", "TRUE", "1"))
_FALSE = frozenset(("false", "False", "FALSE", "0"))
_NOT_A_VALUE = object()
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _read_value(kind: str, text: str) -> object:
    """A CSV cell's text as frictionless reads a field of this type (`_NOT_A_VALUE` if not)."""
    try:
        if kind == "string":
            return text
        if kind == "integer":
            return int(text.strip())
        if kind == "number":
            return float(text.strip())
        if kind == "date":
            if _ISO_DATE.fullmatch(text):
                return dt.date.fromisoformat(text)  # the same as strptime here, 10x faster
            return dt.datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        return _NOT_A_VALUE
    if kind == "boolean":
        return True if text in _TRUE else False if text in _FALSE else _NOT_A_VALUE
    raise BuildError(f"the table schemas use the type '{kind}', which the row check does not know")


@dataclass(frozen=True)
class _FieldCheck:
    name: str
    kind: str
    required: bool
    pattern: re.Pattern[str] | None
    enum: tuple[object, ...] | None
    minimum: object
    maximum: object
    constrained: bool  # has any of pattern, enum, minimum, maximum


@functools.cache
def _field_checks(name: str) -> tuple[_FieldCheck, ...]:
    """Each field's type and constraints, read the way frictionless reads them."""
    found = []
    for f in table_schemas()[name]["schema"]["fields"]:
        kind = f["type"]
        c = f.get("constraints", {})
        unknown = set(c) - {"required", "pattern", "enum", "minimum", "maximum"}
        if unknown:
            raise BuildError(
                f"{SCHEMA_DIR / (name + '.json')}: field '{f['name']}' uses the constraint(s) "
                f"{', '.join(sorted(unknown))}, which the row check does not know"
            )

        def read(value: object, kind: str = kind) -> object:
            return value if not isinstance(value, str) else _read_value(kind, value)

        found.append(
            _FieldCheck(
                f["name"],
                kind,
                bool(c.get("required")),
                re.compile(f"^{c['pattern']}$") if "pattern" in c and kind == "string" else None,
                tuple(read(v) for v in c["enum"]) if "enum" in c else None,
                read(c["minimum"]) if "minimum" in c else None,
                read(c["maximum"]) if "maximum" in c else None,
                bool({"pattern", "enum", "minimum", "maximum"} & set(c)),
            )
        )
    return tuple(found)


def check_rows(name: str, rows: Iterable[tuple[int, Record]], label: str) -> list[str]:
    """Types and constraints of numbered rows, checked on their CSV text as frictionless does.

    The CSV cell of each value (`_csv_cell`, formula protection included) is what
    `_check_cells` reads. It serves the rows of older snapshots that are not in the newest
    package; the newest package is checked as written, by `check_csv`.
    """
    cells = ((number, [_csv_cell(v) for v in row]) for number, row in rows)
    return _check_cells(name, cells, label)


def check_csv(name: str, content: bytes, label: str) -> list[str]:
    """A resource's CSV as published, read back the way frictionless reads it.

    The bytes are parsed as CSV (UTF-8 with BOM, RFC 4180 quoting); the header must be the
    schema's field names and every record must have one cell per field (else a quoting or
    line-break mistake shifted them); then each cell's text is read as its field's type and
    checked against its constraints (`_check_cells`). Tests require the same (row, field,
    error type) as frictionless on broken rows, and frictionless to pass the built packages.
    """
    names = list(field_names(name))
    reader = csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""))
    header = next(reader, [])
    errors: list[str] = []
    if header != names:
        errors.append(f"resource '{name}': the header {header!r} is not the schema's fields")
    records: list[tuple[int, list[str]]] = []
    for number, cells in enumerate(reader, 2):
        if len(cells) == len(names):
            records.append((number, cells))
        else:
            errors.append(
                f"resource '{name}', row {number}: {len(cells)} cells for {len(names)} fields "
                "(a quoting or line-break mistake in the CSV writer)"
            )
    if errors:
        return [f"{label}: {e}" for e in errors] if label else errors
    return _check_cells(name, records, label)


def _check_cells(name: str, rows: Iterable[tuple[int, list[str]]], label: str) -> list[str]:
    """Read each cell's text as its field's type (empty means missing), then check it against
    `required`, `pattern`, `enum`, `minimum` and `maximum` (every published cell goes here)."""
    checks = _field_checks(name)
    errors: list[str] = []
    for number, cells in rows:
        for check, text in zip(checks, cells, strict=True):
            if not text:
                if check.required:
                    errors.append(
                        _cell_error(name, number, check, 'constraint "required" is "True"')
                    )
                continue
            read = text if check.kind == "string" else _read_value(check.kind, text)
            if read is _NOT_A_VALUE:
                what = f'type is "{check.kind}/default" (value {text!r})'
                errors.append(_cell_error(name, number, check, what, "type-error"))
            elif check.constrained:
                broken = (
                    ("pattern", check.pattern is not None and not check.pattern.match(text)),
                    ("enum", check.enum is not None and read not in check.enum),
                    ("minimum", check.minimum is not None and not read >= check.minimum),  # type: ignore[operator]
                    ("maximum", check.maximum is not None and not read <= check.maximum),  # type: ignore[operator]
                )
                errors += [
                    _cell_error(
                        name, number, check, f'constraint "{c}" is not met (value {text!r})'
                    )
                    for c, bad in broken
                    if bad
                ]
    return [f"{label}: {e}" for e in errors] if label else errors


def _cell_error(
    name: str, number: int, check: _FieldCheck, what: str, kind: str = "constraint-error"
) -> str:
    return f"resource '{name}', row {number}, field '{check.name}': {kind}: {what}"


def _key_getter(positions: list[int] | tuple[int, ...]) -> Callable[[Record], Any]:
    """A row's key: the value itself for a one-field key, else a tuple (`_key_values`)."""
    return operator.itemgetter(*positions)


def _key_values(key: Any, width: int) -> tuple[Value, ...]:
    return (key,) if width == 1 else tuple(key)


def check_keys(
    tables: Tables,
    label: str,
    contents: dict[str, bytes] | None = None,
    checked: set[tuple[object, ...]] | None = None,
) -> None:
    """Primary keys unique and foreign keys resolved, by the rules frictionless applies.

    With `contents` (each resource's CSV bytes) and `checked`, a check whose tables have the
    same content as in a snapshot checked before is skipped. The common case (no error) is
    decided on sets; rows are looked at one by one only to name the ones in error.
    """
    errors: list[str] = []
    schemas = table_schemas()
    present: dict[tuple[str, tuple[int, ...]], set[Any]] = {}
    done = checked if checked is not None else set()

    def first_time(*key: object) -> bool:
        if contents is None:
            return True
        if key in done:
            return False
        done.add(key)
        return True

    for name in RESOURCES:
        schema = schemas[name]["schema"]
        names = field_names(name)
        rows = tables[name]
        own = contents[name] if contents is not None else None
        if first_time("pk", name, own):
            pk = schema["primaryKey"]
            get = _key_getter([names.index(f) for f in pk])
            if len(set(map(get, rows))) != len(rows):
                seen: set[Any] = set()
                for i, row in enumerate(rows, 2):
                    key = get(row)
                    if key in seen:
                        shown = _key_values(key, len(pk))
                        errors.append(f"resource '{name}', row {i}: primary-key: {shown} repeats")
                    seen.add(key)
        for n, fk in enumerate(schema.get("foreignKeys", [])):
            fields = _as_list(fk["fields"])
            ref = fk["reference"]
            target = ref["resource"] or name
            theirs = contents[target] if contents is not None else None
            if not first_time("fk", name, n, own, theirs):
                continue
            target_names = field_names(target)
            ref_at = tuple(target_names.index(f) for f in _as_list(ref["fields"]))
            keys = present.get((target, ref_at))
            if keys is None:
                keys = present[(target, ref_at)] = set(map(_key_getter(ref_at), tables[target]))
            get = _key_getter([names.index(f) for f in fields])
            width = len(fields)
            missing = {
                v
                for v in set(map(get, rows)) - keys
                if not all(x is None for x in _key_values(v, width))
            }
            if not missing:
                continue
            for i, row in enumerate(rows, 2):
                value = get(row)
                if value in missing:
                    where = dict(zip(fields, _key_values(value, width), strict=True))
                    errors.append(
                        f"resource '{name}', row {i}: foreign-key: {where} not found in '{target}'"
                    )
    if errors:
        raise _fail(label, errors)


def _as_list(value: str | list[str]) -> list[str]:
    return value if isinstance(value, list) else [value]


# ---------------------------------------------------------------- the downloads area


@dataclass
class Package:
    """One snapshot's package in memory: its tables and their CSV bytes."""

    label: str  # "latest" or "2024-Q4"
    as_of: dt.date
    computed_on: dt.date
    latest: bool
    tables: Tables
    csvs: dict[str, bytes]


def quarter_label(day: dt.date) -> str:
    """'2024-Q4' for a day in the fourth quarter of 2024."""
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def _is_quarter_end(day: dt.date) -> bool:
    return day.month in (3, 6, 9, 12) and (day + dt.timedelta(days=1)).day == 1


def _package_plan(snapshots: list[Snapshot]) -> list[tuple[int, list[str]]]:
    """Which snapshots get a package, under which labels: quarter ends, and the newest."""
    if not snapshots:
        raise BuildError(
            "nothing to publish: there is no snapshot (is the as-of date before the programme?)"
        )
    plan: list[tuple[int, list[str]]] = []
    last = len(snapshots) - 1
    for i, snap in enumerate(snapshots):
        labels = [quarter_label(snap.as_of)] if _is_quarter_end(snap.as_of) else []
        if i == last:
            labels.append(LATEST)
        if labels:
            plan.append((i, labels))
    return plan


class _PackageMaker:
    """Builds snapshots' packages in any order, sharing rows and CSV lines between them."""

    def __init__(self, data: Dataset, history: History | None, snapshots: list[Snapshot]):
        self.data = data
        self.snapshots = snapshots
        self.structure = structure_tables(data)
        self.memo = _memo(data, history)

    def make(self, index: int, labels: list[str]) -> list[Package]:
        """The packages of snapshot `index`, one per label (they share tables and CSV)."""
        snap = self.snapshots[index]
        latest = index == len(self.snapshots) - 1
        tables = snapshot_tables(
            self.data, self.structure, self.memo, self.snapshots, index, latest=latest
        )
        csvs = {
            name: csv_bytes(name, tables[name], self.memo.lines.setdefault(name, {}))
            for name in RESOURCES
        }
        return [
            Package(label, snap.as_of, snap.computed_on, label == LATEST, tables, csvs)
            for label in labels
        ]


def build_packages(
    data: Dataset, history: History | None, snapshots: list[Snapshot]
) -> list[Package]:
    """Every snapshot's package in memory: quarter ends by quarter, the newest as 'latest'."""
    plan = _package_plan(snapshots)
    maker = _PackageMaker(data, history, snapshots)
    return [pkg for index, labels in plan for pkg in maker.make(index, labels)]


def check_newest(pkg: Package) -> list[str]:
    """Every resource of the newest package as written (`check_csv` on its CSV bytes)."""
    errors: list[str] = []
    for name in RESOURCES:
        errors += check_csv(name, pkg.csvs[name], "")
        if len(errors) > 50:
            break
    return errors


def _child(conn: Any, work: Callable[..., Any], args: tuple[Any, ...]) -> None:
    # What the child inherited is only read: keep the collector off it, so that it neither
    # spends time walking the parent's heap nor copies its pages by touching them; collect
    # what the work itself leaves.
    gc.freeze()
    gc.enable()
    try:
        conn.send((True, work(*args)))
    except Exception as exc:  # reported to the parent, which fails the build with it
        conn.send((False, f"{type(exc).__name__}: {exc}"))
    conn.close()


class _Forked:
    """`work(*args)` in a forked child process while the caller does other work.

    At national scale checking the newest package (~130,000 rows) and rendering its formats
    are two of the largest parts of the datasets; in children they overlap with building,
    checking and rendering the older snapshots on this 2-core machine. The answer comes back pickled through a pipe. With one core, or where `fork`
    is not available, the work runs at once, inline.
    """

    def __init__(self, what: str, work: Callable[..., Any], *args: Any):
        self.what = what
        self.done = False
        self.answer: Any = None
        self.process: Any = None
        if "fork" not in multiprocessing.get_all_start_methods() or (os.cpu_count() or 1) < 2:
            self.answer, self.done = work(*args), True
            return
        ctx = multiprocessing.get_context("fork")
        self.conn, child = ctx.Pipe(duplex=False)
        self.process = ctx.Process(target=_child, args=(child, work, args), daemon=True)
        self.process.start()
        child.close()

    def result(self) -> Any:
        """What `work` returned (waits for the child); BuildError if it failed."""
        if not self.done:
            try:
                ok, answer = self.conn.recv()
            except EOFError:
                ok, answer = False, "it ended without an answer"
            self.conn.close()
            self.process.join()
            self.done = True
            if not ok:
                raise BuildError(f"{self.what} failed: {answer}")
            self.answer = answer
        return self.answer

    def cancel(self) -> None:
        """Stop the child (the build failed for another reason)."""
        if not self.done and self.process is not None:
            self.process.terminate()
            self.process.join()
            self.conn.close()
            self.done = True


def check_packages(packages: list[Package]) -> None:
    """What `check_newest` does not check: older snapshots' new rows, and keys.

    Rows of an older snapshot that also are in the newest package are checked there (a
    row's types and constraints do not depend on the snapshot); the others (e.g. a status
    as it was then) get `check_rows`, the same checks on the same CSV text. Keys depend on
    which rows are present: `check_keys` checks every distinct snapshot.
    """
    newest = next(p for p in packages if p.latest)
    keys_checked: set[tuple[object, ...]] = set()
    check_keys(newest.tables, newest.label, newest.csvs, keys_checked)
    seen = {name: set(newest.tables[name]) for name in RESOURCES}
    done = {id(newest.tables)}
    errors: list[str] = []
    label = newest.label
    for pkg in packages:
        if id(pkg.tables) in done:
            continue
        done.add(id(pkg.tables))
        for name in RESOURCES:
            known = seen[name]
            fresh = [(i, row) for i, row in enumerate(pkg.tables[name], 2) if row not in known]
            known.update(row for _, row in fresh)
            if fresh and not errors:
                errors += check_rows(name, fresh, "")
                label = pkg.label
        if errors:
            break
        check_keys(pkg.tables, pkg.label, pkg.csvs, keys_checked)
    if errors:
        raise _fail(label, errors)


def readme_text(data: Dataset, pkg: Package, files: list[tuple[str, int | None]]) -> str:
    """README.md of a snapshot: what it is, how values are protected, the files (UA + EN)."""
    p = data.programme
    assert p is not None
    when = pkg.as_of.strftime("%d.%m.%Y")
    demo_uk = "\n**Це демонстраційні дані, не справжні.**\n" if p.demo else ""
    demo_en = "\n**These are demonstration data, not real.**\n" if p.demo else ""
    listing = "\n".join(
        f"* `{path}`" + (f" — {rows} рядків / rows" if rows is not None else "")
        for path, rows in files
    )
    return f"""# {p.title}: відкриті дані

Станом на {when} (розраховано {pkg.computed_on.strftime("%d.%m.%Y")}). Знімок `{pkg.label}`.
{demo_uk}
Усі публічні дані моніторингу виконання програми у форматі
[Frictionless Data Package](https://datapackage.org/): `datapackage.json` описує кожну таблицю
(поля, типи, первинні та зовнішні ключі); опис полів — також у словнику даних на сайті.

* **CSV** — UTF-8 з позначкою BOM (Excel і LibreOffice показують кирилицю після подвійного
  клацання), роздільник — кома, кінець рядка — CRLF, перший рядок — назви полів.
* **Захист від формул.** Якщо текст у CSV починається з `=`, `+`, `-`, `@`, табуляції,
  повернення каретки або апострофа `'`, на початок додано один апостроф `'`, щоб електронна
  таблиця не виконала його як формулу. Оригінальне значення: приберіть один початковий
  апостроф у текстовому полі. У JSON — оригінальні значення. У файлі Excel кожен текст —
  текстова клітинка, ніколи не формула.
* **Особисті дані не публікуються:** імен і контактів працівників (e-mail, телефонів) немає;
  виконавці — назви органів; відгуки — без контактних даних авторів.
* **Ідентифікатори стабільні** між збірками та змінами до програми: номер заходу чи ОСР;
  для повідомлень і висновків — `ПЕРІОД/ФАЙЛ` (напр. `2024-Q1/1.1.1.4.2`); для оцінок — `РІК/ОСР`.
* Знімок містить лише записи, датовані не пізніше {when}; статуси та зведені показники — на
  кінець кожного кварталу до цієї дати.
* Ліцензія: {LICENSE["title"]} ({LICENSE["path"]}).

## English

Open data of the monitoring of the programme above, as of {pkg.as_of.isoformat()}
(computed on {pkg.computed_on.isoformat()}), snapshot `{pkg.label}`.
{demo_en}
A [Frictionless Data Package](https://datapackage.org/): `datapackage.json` describes every
table (fields, types, primary and foreign keys).

* **CSV**: UTF-8 with a byte-order mark (for Excel), comma-separated, CRLF line ends, a header
  row of field names.
* **Formula protection**: a CSV text value starting with `=`, `+`, `-`, `@`, TAB, CR or `'`
  has one extra leading `'`. To recover the original, remove one leading apostrophe from text
  fields. The JSON files hold the original values; in the XLSX workbook every text is a text
  cell, never a formula.
* **No personal data**: no staff names or contacts; executors are public bodies; feedback
  carries no contact data.
* **Identifiers are stable** across builds and programme amendments.
* Only records dated on or before {pkg.as_of.isoformat()} are included.
* Licence: {LICENSE["title"]} ({LICENSE["path"]}).

## Файли / Files

{listing}
"""


def write_downloads(
    data: Dataset,
    history: History | None,
    snapshots: list[Snapshot],
    writer: Writer,
    prefix: str = "downloads",
    front_matter: str = "",
) -> list[DownloadFile]:
    """Build, validate and write the downloads area; return every file written.

    `latest/` gets every format; each quarter end gets `<quarter>/dap-<quarter>.zip`, the
    package (datapackage.json, CSV, README) as it stood on that day. The newest package is
    checked (`check_newest`) and rendered in child processes while the older snapshots are
    built, checked and rendered in memory; nothing is written unless all of it is valid.
    `front_matter`: YAML lines for Markdown files, which are pages of the site (banners).
    """
    # The rows are tuples, lists and dicts without cycles, freed by reference counting; the
    # cyclic collector would only walk the growing heap again and again (0.5-1 s here).
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _write_downloads(data, history, snapshots, writer, prefix, front_matter)
    finally:
        if enabled:
            gc.enable()


def _write_downloads(
    data: Dataset,
    history: History | None,
    snapshots: list[Snapshot],
    writer: Writer,
    prefix: str,
    front_matter: str,
) -> list[DownloadFile]:
    plan = _package_plan(snapshots)
    maker = _PackageMaker(data, history, snapshots)
    newest = maker.make(*plan[-1])
    jobs = [
        _Forked("checking the newest package", check_newest, newest[-1]),
        _Forked("rendering the newest package", _render_all, data, newest, prefix),
    ]
    try:
        packages = [pkg for index, labels in plan[:-1] for pkg in maker.make(index, labels)]
        check_packages(packages + newest)
        rendered = [render_package(data, pkg, prefix) for pkg in packages]
        errors = jobs[0].result()
        if errors:
            raise _fail(newest[-1].label, errors)
        rendered += jobs[1].result()
    except BaseException:
        for job in jobs:
            job.cancel()
        raise
    files: list[DownloadFile] = []
    for outputs in rendered:
        for f, content in outputs:
            if front_matter and f.path.endswith(".md"):  # a page of the site: its banners
                content = with_front_matter(content.decode("utf-8"), front_matter).encode("utf-8")
            writer.write(f.path, content)
            files.append(f)
    return files


def with_front_matter(text: str, lines: str) -> str:
    """Markdown with `lines` (YAML) added to its front matter, which it gets if it has none."""
    if text.startswith("---\n"):
        return "---\n" + lines + text[4:]
    return "---\n" + lines + "---\n\n" + text


def _render_all(
    data: Dataset, packages: list[Package], prefix: str
) -> list[list[tuple[DownloadFile, bytes]]]:
    return [render_package(data, pkg, prefix) for pkg in packages]


@dataclass(frozen=True)
class _Entry:
    """One file of a snapshot's package, before it is written."""

    path: str  # inside the snapshot's folder
    content: bytes
    format: str
    resource: str | None = None
    rows: int | None = None
    measure: str | None = None
    on_site: bool = True  # False: only inside the zip
    in_zip: bool = True  # False: only on the site


def _package_entries(data: Dataset, pkg: Package) -> list[_Entry]:
    p = data.programme
    assert p is not None
    descriptor = package_descriptor(data, pkg.label, pkg.as_of, pkg.computed_on, pkg.csvs)
    entries = [_Entry("datapackage.json", document_bytes(descriptor), "datapackage")]
    for name in RESOURCES:
        rows = len(pkg.tables[name])
        entries.append(_Entry(f"{name}.csv", pkg.csvs[name], "csv", name, rows))
    if not pkg.latest:
        return entries
    # JSON of each table: inside the zip only. On the site the CSV files hold the same rows
    # (with datapackage.json, typed for any reader); a second copy would be ~50 MB.
    objects = {name: json_objects(name, pkg.tables[name]) for name in RESOURCES}
    for name in RESOURCES:
        content = json_bytes(name, pkg.tables[name], objects[name])
        entries.append(
            _Entry(f"json/{name}.json", content, "json", name, len(pkg.tables[name]), on_site=False)
        )
    # Everything about one measure: inside the zip (MEASURE_JSON_ON_SITE: on the site instead).
    for mid, doc in measure_documents(pkg.tables, objects).items():
        entries.append(
            _Entry(
                f"json/measures/{mid}.json",
                document_bytes(doc, None),
                "json",
                measure=mid,
                on_site=MEASURE_JSON_ON_SITE,
                in_zip=not MEASURE_JSON_ON_SITE,
            )
        )
    title = f"{p.short_title or p.title} — станом на {pkg.as_of.strftime('%d.%m.%Y')}"
    entries.append(
        _Entry(f"dap-{pkg.label}.xlsx", xlsx_bytes(pkg.tables, pkg.as_of, title), "xlsx")
    )
    return entries


def render_package(data: Dataset, pkg: Package, prefix: str) -> list[tuple[DownloadFile, bytes]]:
    """Every file of one snapshot's package, with its bytes, in the order they are listed."""
    entries = _package_entries(data, pkg)
    listed = [(e.path, e.rows) for e in entries if e.measure is None]
    measures = sum(e.measure is not None for e in entries)
    if measures:
        listed.append((f"json/measures/<id>.json ({measures})", None))
    readme = readme_text(data, pkg, listed).encode("utf-8")
    entries.append(_Entry("README.md", readme, "readme"))
    folder = f"dap-{pkg.label}"
    # The zip holds the package and its formats; the workbook is stored as is (it is a zip
    # itself).
    archive = xlsx.fixed_zip(
        [(f"{folder}/{e.path}", e.content) for e in entries if e.in_zip],
        pkg.as_of,
        level=ZIP_LEVEL,
        stored=(f"{folder}/dap-{pkg.label}.xlsx",),
    )
    if not pkg.latest:  # an older snapshot is published as its zip only
        entries = []
    entries.append(_Entry(f"dap-{pkg.label}.zip", archive, "zip"))

    base = posixpath.join(prefix, pkg.label) if prefix else pkg.label
    schemas = table_schemas()
    out: list[tuple[DownloadFile, bytes]] = []
    for e in entries:
        if not e.on_site:
            continue
        if e.resource is not None:
            what = schemas[e.resource]["title"]
        elif e.measure is not None:
            what = f"Захід {e.measure}"
        else:
            what = FILE_TITLES[e.format]
        path = f"{base}/{e.path}"
        out.append(
            (
                DownloadFile(
                    path,
                    pkg.label,
                    pkg.as_of,
                    e.format,
                    e.resource,
                    what,
                    len(e.content),
                    e.rows,
                    e.measure,
                ),
                e.content,
            )
        )
    return out


def run_datasets(
    data_dir: Path, out: Path, as_of: dt.date, computed_on: dt.date
) -> list[DownloadFile]:
    """`dap datasets`: validate the data, compute every snapshot, write the downloads to `out`."""
    from .compute import history_snapshots
    from .errors import DataError
    from .status import load_history
    from .validate import validate

    data, problems = validate(data_dir, str(data_dir))
    if any(p.severity == "error" for p in problems):
        raise DataError(problems)
    history = load_history(data, data_dir)
    snapshots = history_snapshots(data, history, as_of, computed_on)
    return write_downloads(data, history, snapshots, Writer(out), prefix="")


# ---------------------------------------------------------------- pages


def _size(n: int) -> str:
    if n < 1024:
        return f"{n} Б"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} КБ".replace(".", ",")
    return f"{n / 1024 / 1024:.1f} МБ".replace(".", ",")


def _md(text: str) -> str:
    """Text from data made safe inside a Markdown table cell."""
    out = text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")
    for ch in "<>&":
        out = out.replace(ch, {"<": "&lt;", ">": "&gt;", "&": "&amp;"}[ch])
    for ch in "*_`[]":
        out = out.replace(ch, "\\" + ch)
    return out


def _link(path: str, page: str) -> str:
    return quote(posixpath.relpath(path, posixpath.dirname(page) or "."), safe="/.-_~")


def downloads_markdown(
    files: list[DownloadFile], page: str = "downloads.md", dictionary: str = "dictionary.md"
) -> str:
    """The downloads page (Ukrainian): every file with its size, row count and date.

    `page` and `dictionary` are the paths of this page and of the data-dictionary page,
    relative to the same root as the files' paths, so that every link is relative.
    """

    def link(f: DownloadFile) -> str:
        return f"[{_md(posixpath.basename(f.path))}]({_link(f.path, page)}) ({_size(f.size)})"

    lines = [
        "# Завантажити дані",
        "",
        "Усі публічні дані моніторингу — у машиночитних форматах для повторного використання: "
        "[Frictionless Data Package](https://datapackage.org/) з таблицями CSV, ті самі дані в "
        "JSON та Excel, а також ZIP-архів усього разом. Опис кожної таблиці й поля — у "
        f"[словнику даних]({_link(dictionary, page)}).",
        "",
        "* CSV — UTF-8 з BOM: кирилиця правильно відкривається в Excel; у LibreOffice оберіть "
        "кодування «Unicode (UTF-8)» у вікні імпорту.",
        "* Текст, що починається з `=`, `+`, `-`, `@` або `'`, у CSV має на початку додатковий "
        "апостроф (захист від формул); у JSON — оригінальні значення; у XLSX кожен текст — "
        "текстова клітинка.",
        "* Імена та контакти працівників не публікуються.",
        "* Знімки на кінець кожного кварталу містять дані такими, якими вони були того дня, щоб "
        "будь-яку цифру можна було перевірити; найновіші дані — за сталою адресою `latest`.",
        "",
    ]
    newest = [f for f in files if f.snapshot == LATEST]
    if newest:
        when = newest[0].as_of.strftime("%d.%m.%Y")
        lines += [f"## Найновіші дані (станом на {when})", ""]
        whole = [f for f in newest if f.resource is None and f.measure is None]
        lines += [f"* {_md(f.title)}: {link(f)}" for f in whole]
        lines += [
            "",
            "JSON — в архіві ZIP: кожна таблиця (`json/<таблиця>.json`, ті самі рядки з "
            "оригінальними значеннями)"
            + ("" if MEASURE_JSON_ON_SITE else " і все про кожен захід (`json/measures/`)")
            + ".",
            "",
            "| таблиця | що містить | рядків | CSV |",
            "|---|---|---:|---|",
        ]
        by_resource: dict[str, dict[str, DownloadFile]] = {}
        for f in newest:
            if f.resource is not None:
                by_resource.setdefault(f.resource, {})[f.format] = f
        for name, formats in by_resource.items():
            first = next(iter(formats.values()))
            csv = link(formats["csv"]) if "csv" in formats else ""
            lines.append(
                f"| `{name}` | {_md(first.title)} | {first.rows if first.rows is not None else ''}"
                f" | {csv} |"
            )
        per_measure = [f for f in newest if f.measure is not None]
        if per_measure:
            total = sum(f.size for f in per_measure)
            pattern = posixpath.join(posixpath.dirname(per_measure[0].path), "<ідентифікатор>.json")
            lines += [
                "",
                "**JSON за кожним заходом** — усе про захід (виконавці, строки, повідомлення, "
                f"висновки, статуси, вчасність, відгуки): {len(per_measure)} файлів, "
                f"{_size(total)} разом, за адресою "
                f"`{posixpath.relpath(pattern, posixpath.dirname(page) or '.')}`.",
            ]
            if len(per_measure) <= MEASURE_LINKS_MAX:
                lines += [
                    "",
                    " · ".join(
                        f"[{_md(f.measure or '')}]({_link(f.path, page)}) ({_size(f.size)})"
                        for f in per_measure
                    ),
                ]
        lines.append("")
    older = sorted(
        (f for f in files if f.snapshot != LATEST), key=lambda f: (_neg_label(f.snapshot), f.path)
    )
    if older:
        lines += [
            "## Знімки на кінець кварталів",
            "",
            "Кожен архів містить набір (datapackage.json, таблиці CSV, README) таким, яким він "
            "був на кінець кварталу: лише записи, датовані не пізніше цього дня, статуси та "
            "зведені показники на кінець кожного кварталу до нього.",
            "",
            "| квартал | станом на | файл |",
            "|---|---|---|",
        ]
        lines += [f"| {f.snapshot} | {f.as_of.strftime('%d.%m.%Y')} | {link(f)} |" for f in older]
        lines.append("")
    return "\n".join(lines)


def _neg_label(label: str) -> tuple[int, int]:
    try:
        year, q = m.parse_period(label)
    except ValueError:
        return (0, 0)
    return (-year, -q)


def dictionary_markdown() -> str:
    """The data dictionary page (Ukrainian, with English names) from schemas/tables/."""
    lines = [
        "# Словник даних",
        "",
        "Опис кожної таблиці відкритих даних і кожного її поля. Це той самий контракт, за яким "
        "набір перевіряється під час кожної збірки (Frictionless Table Schema у `schemas/tables/`).",
        "Порожнє значення означає «немає даних». Дати — у форматі РРРР-ММ-ДД. Логічні значення — "
        "`true` / `false`.",
        "",
    ]
    schemas = table_schemas()
    for name in RESOURCES:
        d = schemas[name]
        schema = d["schema"]
        lines += [
            f"## {_md(d['title'])} (`{name}`)",
            "",
            _md(d["description"]),
            "",
            f"*{_md(d['title_en'])}.* {_md(d['description_en'])}",
            "",
            f"Файли: `{name}.csv`, `json/{name}.json`, аркуш `{name}` у XLSX.",
            "",
            "| поле | назва | тип | обов'язкове | опис | обмеження |",
            "|---|---|---|---|---|---|",
        ]
        for f in schema["fields"]:
            cons = dict(f.get("constraints", {}))
            required = "так" if cons.pop("required", False) else ""
            parts = []
            if "enum" in cons:
                parts.append("одне з: " + "; ".join(f"«{_md(v)}»" for v in cons.pop("enum")))
            if "minimum" in cons:
                parts.append(f"≥ {cons.pop('minimum')}")
            if "maximum" in cons:
                parts.append(f"≤ {cons.pop('maximum')}")
            if "pattern" in cons:
                pattern = cons.pop("pattern")
                parts.append(_PATTERN_WORDS.get(pattern, f"шаблон `{pattern}`"))
            parts += [f"{k}: {v}" for k, v in cons.items()]
            lines.append(
                f"| `{f['name']}` | {_md(f['title'])} | {_TYPE_NAMES.get(f['type'], f['type'])} | "
                f"{required} | {_md(f['description'])} *({_md(f['description_en'])})* | "
                f"{'; '.join(parts)} |"
            )
        lines += ["", f"* Первинний ключ: {', '.join(f'`{k}`' for k in schema['primaryKey'])}."]
        for fk in schema.get("foreignKeys", []):
            fields = fk["fields"] if isinstance(fk["fields"], list) else [fk["fields"]]
            ref = fk["reference"]
            ref_fields = ref["fields"] if isinstance(ref["fields"], list) else [ref["fields"]]
            target = ref["resource"] or name
            lines.append(
                f"* Зовнішній ключ: {', '.join(f'`{x}`' for x in fields)} → "
                f"`{target}` ({', '.join(f'`{x}`' for x in ref_fields)})."
            )
        lines.append("")
    return "\n".join(lines)


_PATTERN_WORDS = {
    r"^\S+$": "без пропусків",
    m.PERIOD_PATTERN: "квартал у форматі РРРР-Qn",
    r"^https?://\S+$": "адреса http:// або https://",
    r"^20[0-9]{2}-Q[1-4]/\S+$": "ПЕРІОД/ФАЙЛ",
    r"^20[0-9]{2}/\S+$": "РІК/ОСР",
}
_TYPE_NAMES = {
    "string": "текст",
    "integer": "ціле число",
    "number": "число",
    "boolean": "логічне",
    "date": "дата",
}
