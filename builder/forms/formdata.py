"""What the site's report and assessment forms know, generated at build time from the data and
the rules `dap validate` applies (no second copy of a rule): one small script per measure,
`assets/data/forms/<measure>.js`, loaded by the form page (`site/pages/assets/dap-form.js`).

Only ids and names of people go in, never contacts, and only when the programme's forge
settings list people (`forge.list_people`); NACP's analysts likewise.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .. import models as m
from ..compute import DueReport, id_sort_key
from ..i18n import translations
from ..load import Dataset
from ..quarters import Quarter, programme_quarters
from ..recordtext import DATE_FIELDS, MODELS
from ..validate.records import LABELS_FOR_STATUS, measure_of, report_period_problem
from ..versions import texts

FORMS_FOLDER = "assets/data/forms"


def uk(msgid: str, params: Mapping[str, object]) -> str:
    """A message of the catalogue in Ukrainian (the site's language), its placeholders filled."""
    return translations("uk").gettext(msgid).format_map({k: str(v) for k, v in params.items()})


def max_length(model: type[m.Record], name: str) -> int:
    """The longest text the model takes in a field (from its constraints)."""
    for item in model.model_fields[name].metadata:
        limit = getattr(item, "max_length", None)
        if limit is not None:
            return int(limit)
    raise ValueError(f"{model.__name__}.{name} has no length limit")


def limits() -> dict[str, int]:
    """The length limits the forms check, from the models."""
    return {
        "text": max_length(m.Report, "text"),
        "title": max_length(m.Link, "title"),
        "url": max_length(m.Link, "url"),
    }


def common(data: Dataset) -> dict[str, Any]:
    """What every form of the programme shares: forge, limits, patterns, kinds, statuses."""
    p = data.programme
    assert p is not None and p.forge is not None
    forge = p.forge
    analysts = None
    if forge.list_people:
        analysts = [
            [person.id, person.name]
            for person in data.staff
            if m.StaffRole.ANALYST in person.roles and person.until is None
        ]
    return {
        "forge": {
            "kind": forge.kind,
            "repository": forge.repository.rstrip("/"),
            "branch": forge.branch,
            "data_folder": forge.data_folder,
        },
        "programme": {"start": p.period.start.isoformat(), "end": p.period.end.isoformat()},
        "limits": limits(),
        "patterns": {"url": m.URL_PATTERN, "id": m.ID_PATTERN},
        "date_fields": sorted(DATE_FIELDS),
        "fields": {kind: list(model.model_fields) for kind, model in MODELS.items()},
        "kinds": [str(k) for k in m.ReportKind],
        "labels": {str(s): sorted(str(x) for x in LABELS_FOR_STATUS[s]) for s in m.Status},
        "analysts": analysts,
        "feedback_email": p.feedback_email,
    }


def _people(executor: m.Executor | None, role: m.ExecutorRole) -> list[list[str]]:
    if executor is None:
        return []
    return [[x.id, x.name] for x in executor.people if role in x.roles and x.until is None]


@dataclass
class Files:
    """The monitoring files of every measure, arranged once: by measure, period → file names."""

    reports: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    assessments: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    assessed: set[str] = field(default_factory=set)  # 'PERIOD/FILE' of reports assessed

    @classmethod
    def of(cls, data: Dataset) -> Files:
        """Index the report and assessment files of `data`."""
        files = cls()
        for kind, target in (("reports", files.reports), ("assessments", files.assessments)):
            for key in getattr(data, kind):
                period, stem = key.split("/", 1)
                target.setdefault(measure_of(key), {}).setdefault(period, []).append(stem)
        files.assessed = {ref for a in data.assessments.values() for ref in a.reports}
        return files


def _refusal(text: m.Measure, p: m.Programme, period: str, kind: m.ReportKind) -> str | None:
    """Why `dap validate` refuses this kind for this quarter, in its words (its hint is about
    the file; the form says which kind to choose instead); `text` is the measure as written."""
    refused = report_period_problem(text, p, period, kind)
    return None if refused is None else uk(refused[1], refused[4])


def _sorted(names: list[str]) -> list[str]:
    return sorted(names, key=id_sort_key) if len(names) > 1 else names


def measure_form(
    data: Dataset,
    files: Files,
    mid: str,
    due: list[DueReport],
    quarters: list[Quarter] | None = None,
) -> dict[str, Any]:
    """One measure's form data: the measure, its main executor and people, the quarters a
    report may be written for with the kinds allowed in each (the refusal in `dap validate`'s
    own words otherwise), whether one is owed and its window, and the files already there."""
    p = data.programme
    assert p is not None and p.forge is not None
    ms = data.measures[mid]  # the version in force on the date the site shows
    written = texts(data)[mid]  # its original text and amendments: each quarter's own version
    eid = ms.main_executor.executor
    executor = data.executors.get(eid)
    listed = p.forge.list_people
    reports = files.reports.get(mid, {})
    assessments = files.assessments.get(mid, {})
    owed = {d.period: d for d in due}
    periods = []
    for q in quarters if quarters is not None else programme_quarters(p):
        kinds = {str(kind): _refusal(written, p, q.period, kind) for kind in m.ReportKind}
        if all(v is not None for v in kinds.values()):
            continue
        d = owed.get(q.period)
        mine = _sorted(reports.get(q.period, []))
        periods.append(
            {
                "period": q.period,
                "start": q.start.isoformat(),
                "end": q.end.isoformat(),
                "window": [q.window_start.isoformat(), q.window_end.isoformat()],
                "kinds": kinds,
                "owed": d is not None,
                "state": d.state if d else "",
                "files": mine,
                "assessed": [f for f in mine if f"{q.period}/{f}" in files.assessed],
                "assessments": _sorted(assessments.get(q.period, [])),
            }
        )
    return {
        "measure": {"id": mid, "number": ms.number or mid, "title": " ".join(ms.title.split())},
        "executor": {"id": eid, "name": executor.name if executor else eid},
        "implementers": _people(executor, m.ExecutorRole.IMPLEMENTER) if listed else None,
        "managers": _people(executor, m.ExecutorRole.MANAGER) if listed else None,
        "periods": periods,
    }


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def form_scripts(
    data: Dataset, due_of: Mapping[tuple[str, str], list[DueReport]]
) -> dict[str, str]:
    """Every measure's form data as a script, by its path in the site ({} without a forge)."""
    p = data.programme
    if p is None or p.forge is None:
        return {}
    shared = _json(common(data))  # the same in every script: serialised once
    files = Files.of(data)
    quarters = programme_quarters(p)
    out = {}
    for mid in sorted(data.measures, key=id_sort_key):
        if data.measures[mid].removed is not None:
            continue
        own = measure_form(data, files, mid, due_of.get(("measure", mid), []), quarters)
        text = shared[:-1] + "," + _json(own)[1:]
        # `</` never closes a script; U+2028/9 are line breaks to old JavaScript.
        text = text.replace("</", "<\\/").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
        out[f"{FORMS_FOLDER}/{mid}.js"] = (
            f"(window.DAP_FORMS = window.DAP_FORMS || {{}})[{json.dumps(mid)}] = {text};\n"
        )
    return out
