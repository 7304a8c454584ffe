"""`dap new-report` and `dap new-assessment`: a new monitoring record's file at its path, the
same text the site's forms write (builder/recordtext.py), never over an existing file."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .. import models as m
from ..errors import ConfigError
from ..i18n import _
from ..load import Dataset, load
from ..quarters import quarter_bounds
from ..recordtext import record_text
from ..validate.records import LABELS_FOR_STATUS, report_period_problem
from ..versions import main_executor_on

PLACEHOLDER = {
    "reports": "ЗАМІНІТЬ ЦЕЙ ТЕКСТ: що зроблено за квартал, з датами, номерами документів і "
    "посиланнями.\n",
    "assessments": "ЗАМІНІТЬ ЦЕЙ ТЕКСТ: висновок аналітика щодо стану виконання заходу.\n",
}


def free_stem(taken: set[str], measure: str, correction: bool, kind: str, rel: str) -> str:
    """The file name for a new record: MEASURE, or with `correction` the next free MEASURE@N
    (N ≥ 2); an existing MEASURE without `correction` is refused."""
    if measure not in taken:
        return measure
    if not correction:
        raise ConfigError(
            _(
                "{path} already exists — to correct a report that was assessed, add "
                "--correction (a new file {measure}@2.yaml or the next free number); to change "
                "one not assessed yet, edit the file",
                path=rel,
                measure=measure,
            )
            if kind == "reports"
            else _(
                "{path} already exists — add --correction for a further file "
                "({measure}@2.yaml or the next free number), or edit it",
                path=rel,
                measure=measure,
            )
        )
    n = 2
    while f"{measure}@{n}" in taken:
        n += 1
    return f"{measure}@{n}"


def _load(data_dir: Path) -> Dataset:
    data, _problems = load(data_dir, str(data_dir))  # `dap validate` reports them
    if data.programme is None:
        raise ConfigError(
            _("{folder} has no programme.yaml — give the data folder", folder=data_dir)
        )
    return data


def _measure(data: Dataset, measure: str) -> m.Measure:
    ms = data.measures.get(measure)
    if ms is None:
        raise ConfigError(
            _("measure '{measure}' does not exist — see data/measures/", measure=measure)
        )
    return ms


def _person(
    people: Sequence[m.Person], role: object, given: str | None, option: str, where: str
) -> str:
    """The person given, checked to hold `role`; without one, the only person who does."""
    holders = [p.id for p in people if role in p.roles and p.until is None]
    if given:
        if given not in [p.id for p in people if role in p.roles]:
            raise ConfigError(
                _(
                    "{option} {person}: not a {role} of {where} — choose one of: {choices}",
                    option=option,
                    person=given,
                    role=role,
                    where=where,
                    choices=", ".join(holders) or "—",
                )
            )
        return given
    if len(holders) == 1:
        return holders[0]
    raise ConfigError(
        _(
            "give {option} — the {role} of {where}: {choices}",
            option=option,
            role=role,
            where=where,
            choices=", ".join(holders) or "—",
        )
    )


def _write(data_dir: Path, rel: str, kind: str, values: dict[str, Any]) -> Path:
    path = data_dir / rel
    text = record_text(kind, values, rel)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8", newline="") as handle:  # never over a file
            handle.write(text)
    except FileExistsError:
        raise ConfigError(_("{path} already exists", path=rel)) from None
    return path


def _taken(data_dir: Path, folder: str) -> set[str]:
    base = data_dir / folder
    return {p.stem for p in base.glob("*.yaml")} if base.is_dir() else set()


def new_report(
    data_dir: Path,
    measure: str,
    period: str,
    kind: str | None = None,
    prepared_by: str | None = None,
    approved_by: str | None = None,
    approved_on: dt.date | None = None,
    text: str | None = None,
    evidence: Sequence[tuple[str, str]] = (),
    correction: bool = False,
) -> Path:
    """Write a new report of `measure` for `period`; the path written."""
    data = _load(data_dir)
    ms = _measure(data, measure)
    if not m.PERIOD_RE.match(period):
        raise ConfigError(_("--period {period}: write it as YYYY-Qn, e.g. 2025-Q1", period=period))
    chosen = m.ReportKind(kind) if kind else m.ReportKind.PROGRESS
    refused = report_period_problem(ms, data.programme, period, chosen)
    if refused is not None and kind is None and refused[0] == ("kind",):
        chosen = m.ReportKind.RESULT  # after the deadline only a result report is accepted
        refused = report_period_problem(ms, data.programme, period, chosen)
    if refused is not None:
        raise ConfigError(_(refused[1], **refused[4]) + " — " + _(refused[2], **refused[4]))
    eid = main_executor_on(ms, quarter_bounds(period)[1])  # the version in force then
    executor = data.executors.get(eid)
    people = executor.people if executor else []
    where = f"data/executors/{eid}.yaml"
    values: dict[str, Any] = {
        "measure": measure,
        "period": period,
        "kind": chosen,
        "executor": eid,
        "prepared_by": _person(
            people, m.ExecutorRole.IMPLEMENTER, prepared_by, "--prepared-by", where
        ),
        "approved_by": _person(people, m.ExecutorRole.MANAGER, approved_by, "--approved-by", where),
        "approved_on": approved_on,
        "text": text if text is not None else PLACEHOLDER["reports"],
        "evidence": [{"title": t, "url": u} for t, u in evidence],
    }
    folder = f"reports/{period}"
    stem = free_stem(
        _taken(data_dir, folder), measure, correction, "reports", f"{folder}/{measure}.yaml"
    )
    return _write(data_dir, f"{folder}/{stem}.yaml", "reports", values)


def new_assessment(
    data_dir: Path,
    measure: str,
    period: str,
    status: str,
    label: str,
    analyst: str | None = None,
    day: dt.date | None = None,
    text: str | None = None,
    sources: Sequence[tuple[str, str]] = (),
    correction: bool = False,
) -> Path:
    """Write a new assessment of `measure` for `period`; the path written."""
    data = _load(data_dir)
    _measure(data, measure)
    if not m.PERIOD_RE.match(period):
        raise ConfigError(_("--period {period}: write it as YYYY-Qn, e.g. 2025-Q1", period=period))
    chosen = m.Status(status)
    allowed = sorted(str(x) for x in LABELS_FOR_STATUS[chosen])
    if label not in allowed:
        raise ConfigError(
            _(
                "--label «{label}» does not fit status «{status}» — choose one of: {choices}",
                label=label,
                status=status,
                choices="; ".join(allowed),
            )
        )
    reports = sorted(
        f"{period}/{stem}"
        for stem in _taken(data_dir, f"reports/{period}")
        if stem.split("@", 1)[0] == measure
    )
    values: dict[str, Any] = {
        "measure": measure,
        "period": period,
        "date": day or dt.date.today(),
        "analyst": _person(
            data.staff, m.StaffRole.ANALYST, analyst, "--analyst", "data/staff.yaml"
        ),
        "status": chosen,
        "label": label,
        "text": text if text is not None else PLACEHOLDER["assessments"],
        "reports": reports,
        "sources": [{"title": t, "url": u} for t, u in sources],
    }
    folder = f"assessments/{period}"
    stem = free_stem(
        _taken(data_dir, folder), measure, correction, "assessments", f"{folder}/{measure}.yaml"
    )
    return _write(data_dir, f"{folder}/{stem}.yaml", "assessments", values)
