"""Amendment mode: a new version of a plan against the data, as `amendments` entries.

Each measure the new plan changes gets one amendment dated by the new act, with the new values
of what changed; its file's top-level values (the original text) are never rewritten."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from .. import models as m
from ..i18n import N_, ngettext
from ..load import Dataset
from ..versions import current, section_as_of
from .executors import key
from .interpret import Plan
from .records import record_files
from .tables import Note, PlanError, say

# A change as a person reads it, by Change.field
CHANGE_LINES = {
    "added": N_("{measure}: added: «{new}»"),
    "removed": N_("{measure}: removed: «{old}»"),
    "title": N_("{measure}: title: «{old}» → «{new}»"),
    "deadline": N_("{measure}: deadline: «{old}» → «{new}»"),
    "executors": N_("{measure}: executors: «{old}» → «{new}»"),
    "other": N_("{measure}: other: «{old}» → «{new}»"),
}


@dataclass(frozen=True)
class Change:
    """One difference between the data and the new plan, for one measure."""

    measure: str
    field: str  # "added" | "removed" | "title" | "deadline" | "executors" | "other"
    old: str | None
    new: str | None

    def describe(self, whole: bool = True) -> str:
        """The change in the run's language: «2.3: строк: «до 31 серпня» → «до 30 вересня»»
        (old and new wording in full unless `whole` is False)."""
        line = CHANGE_LINES.get(self.field, CHANGE_LINES["other"])
        values = {"measure": self.measure, "old": self.old or "", "new": self.new or ""}
        return say(line, values, whole)


def executors_text(ms: m.Measure, names: dict[str, m.Executor]) -> str:
    """A measure's executors in words: «МІП; Генеральна прокуратура України (за згодою); …»."""

    def named(link: m.ExecutorLink) -> str:
        ex = names.get(link.executor)
        word = ex.name if ex else link.executor
        return word + (" (за згодою)" if link.by_agreement else "")

    parts = [named(ms.main_executor), *(named(c) for c in ms.co_executors), *ms.executor_groups]
    return "; ".join(parts)


def _executors_key(ms: m.Measure) -> tuple[Any, ...]:
    return (ms.main_executor, tuple(ms.co_executors), tuple(ms.executor_groups))


def amend(data: Dataset, plan: Plan) -> tuple[dict[str, str], list[Change], list[Note]]:
    """Files to write and the changes, when `plan` is a new version of the data's programme.

    Measures are matched by identical title first (so a renumbered measure keeps its id),
    then by id; each measure's changes against its version now in force become one
    `amendments` entry dated by the new act (the new values of what changed); a measure no
    longer in the plan gets an amendment `removed: true`, a new one its text with `added: true`.
    Only records that change are written.
    """
    date = plan.programme.act.date
    assert date is not None
    act = plan.act_label
    notes: list[Note] = []
    changes: list[Change] = []
    names = {**data.executors, **plan.executors}
    old = dict(data.measures)
    by_title: dict[str, list[str]] = {}
    for mid, ms in old.items():
        by_title.setdefault(key(ms.title), []).append(mid)
    new_titles: dict[str, int] = {}
    for ms in plan.measures:
        new_titles[key(ms.title)] = new_titles.get(key(ms.title), 0) + 1
    matched: dict[str, str] = {}  # new id -> old id
    taken: set[str] = set()
    for ms in plan.measures:
        candidates = [c for c in by_title.get(key(ms.title), []) if c not in taken]
        if len(candidates) == 1 and new_titles[key(ms.title)] == 1:
            matched[ms.id] = candidates[0]
            taken.add(candidates[0])
    if old and not matched:
        raise PlanError(
            ngettext(
                "no measure of the plan has the title of the measure in the data ({n} measure): "
                "it does not look like a new version of this programme — import it into another "
                "--out instead",
                "no measure of the plan has the title of a measure in the data ({n} measures): "
                "it does not look like a new version of this programme — import it into another "
                "--out instead",
                len(old),
            )
        )
    for ms in plan.measures:
        if ms.id not in matched and ms.id in old and ms.id not in taken:
            matched[ms.id] = ms.id
            taken.add(ms.id)

    out_measures: list[m.Measure] = []
    for ms in plan.measures:
        if ms.id in matched:
            before = old[matched[ms.id]]
            after, found = _amend_measure(before, ms, names, date, act)
            changes.extend(found)
            if after != before:
                out_measures.append(after)
            continue
        mid = ms.id
        while mid in old or mid in {o.id for o in out_measures}:
            mid += "-2"
        if mid != ms.id:
            notes.append(
                Note.of(
                    plan.lines.get(ms.id, 0),
                    "note",
                    mid,
                    N_("new measure {number}: its number is taken, id '{measure}'"),
                    number=ms.number or ms.id,
                    measure=mid,
                )
            )
        added = ms.model_copy(
            update={
                "id": mid,
                "amendments": [m.Amendment(date=date, act=act, added=True)],
            }
        )
        changes.append(Change(mid, "added", None, ms.title))
        out_measures.append(added)
    for mid, ms in sorted(old.items()):
        now = current(ms)
        if mid in taken or now.removed is not None:
            continue
        removed = ms.model_copy(
            update={"amendments": [*ms.amendments, m.Amendment(date=date, act=act, removed=True)]}
        )
        changes.append(Change(mid, "removed", now.title, None))
        out_measures.append(removed)

    sections: list[m.Section] = []
    for s in plan.sections:
        existing = data.sections.get(s.id)
        if existing is None:
            sections.append(s)
            continue
        in_force = section_as_of(existing, date)
        if in_force.title != s.title:  # an amendment of its title; the original text stays
            amended = m.SectionAmendment(date=date, act=act, title=s.title)
            sections.append(
                existing.model_copy(update={"amendments": [*existing.amendments, amended]})
            )
            notes.append(
                Note.of(
                    plan.section_lines.get(s.id, 0),
                    "note",
                    f"task {s.id}",
                    N_("title changed: «{old}» → «{new}»"),
                    old=in_force.title,
                    new=s.title,
                )
            )
    programme = None
    p = data.programme
    if p is None:
        programme = plan.programme
    else:
        new_act = plan.programme.act
        same = (p.act.number, p.act.date) == (new_act.number, new_act.date)
        listed = any((a.number, a.date) == (new_act.number, new_act.date) for a in p.amendments)
        if not same and not listed:
            programme = p.model_copy(update={"amendments": [*p.amendments, new_act]})
    executors = [ex for eid, ex in plan.executors.items() if eid not in data.executors]
    files = record_files(programme, sections, out_measures, executors)
    return files, changes, notes


def _amend_measure(
    text: m.Measure, ms: m.Measure, names: dict[str, m.Executor], date: dt.date, act: str
) -> tuple[m.Measure, list[Change]]:
    """`text` (a measure as in its file) with one more amendment if `ms` differs from its
    version now in force; the changes as a person reads them."""
    before = current(text)
    changes: list[Change] = []
    update: dict[str, Any] = {}

    def record(fieldname: str, old: str | None, new: str | None) -> None:
        changes.append(Change(before.id, fieldname, old, new))

    if before.removed is not None:
        update["added"] = True
        record("added", None, ms.title)
    if before.title != ms.title:
        update["title"] = ms.title
        record("title", before.title, ms.title)
    if before.deadline.text != ms.deadline.text:
        update["deadline"] = ms.deadline
        record("deadline", before.deadline.text, ms.deadline.text)
    if _executors_key(before) != _executors_key(ms):
        update.update(
            main_executor=ms.main_executor,
            co_executors=ms.co_executors,
            executor_groups=ms.executor_groups,
        )
        record("executors", executors_text(before, names), executors_text(ms, names))
    if before.number != ms.number and ms.number is not None:
        update["number"] = ms.number
        record("other", before.number, ms.number)
    if before.section != ms.section:
        update["section"] = ms.section
        record("other", f"завдання {before.section}", f"завдання {ms.section}")
    if not update:
        return text, changes
    amendment = m.Amendment(date=date, act=act, **update)
    return text.model_copy(update={"amendments": [*text.amendments, amendment]}), changes
