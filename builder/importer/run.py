"""What `dap import` runs: read, interpret, write the records or amendments, and the report."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..i18n import N_, _, ngettext
from ..load import iter_files, load
from ..output import Writer
from ..wording import ua_date
from .amend import Change, amend
from .executors import known_executors
from .interpret import Plan, interpret
from .records import plan_files
from .tables import Note, PlanError, read_table, say


@dataclass
class ImportResult:
    """What `dap import` did: counts, files, notes and changes, for the summary."""

    plan: Plan
    written: list[str]
    unchanged: int
    report: Path
    changes: list[Change] = field(default_factory=list)
    leftovers: list[str] = field(default_factory=list)


# A line of the report for a note, by its level: where, about what, what and how to act
NOTE_LINES = {
    "warning": N_("{where}: {subject}: warning: {text}"),
    "note": N_("{where}: {subject}: note: {text}"),
}


def note_line(note: Note, source: str) -> str:
    """A note as a line of the report, with the plan's file and line, every value in full."""
    where = f"{source}:{note.line}"
    values = {"where": where, "subject": note.subject, "text": note.text(whole=True)}
    return say(NOTE_LINES.get(note.level, NOTE_LINES["note"]), values, whole=True)


def report_text(plan: Plan, source: str, changes: list[Change] | None, amended: bool) -> str:
    """The import report, in the run's language: the act, counts, every note with its source
    line, the changes."""
    p = plan.programme
    period = {"start": ua_date(p.period.start), "end": ua_date(p.period.end)}
    out = [
        say(N_("Import of {source}"), {"source": source}, whole=True),
        say(N_("act: {act}"), {"act": plan.act_label}, whole=True),
        say(N_("plan: {title}"), {"title": p.title}, whole=True),
        say(N_("period: {start} – {end}"), period),
        _(
            "tasks: {tasks}, measures: {measures}, executors: {executors}",
            tasks=len(plan.sections),
            measures=len(plan.measures),
            executors=len(plan.executors),
        ),
        "",
    ]
    warnings = sum(n.level == "warning" for n in plan.notes)
    unread = ngettext(
        "{n} thing not understood (kept as text)",
        "{n} things not understood (kept as text)",
        warnings,
    )
    review = ngettext("{n} choice to review:", "{n} choices to review:", len(plan.notes) - warnings)
    out.append(f"{unread}, {review}")
    for n in sorted(plan.notes, key=lambda n: (n.line, n.topic)):
        out.append(note_line(n, source))
    if amended:
        count = len(changes or [])
        out += [
            "",
            ngettext("{n} change against the data:", "{n} changes against the data:", count),
        ]
        out += [c.describe() for c in changes or []]
    return "\n".join(out) + "\n"


def import_plan(
    path: Path,
    out: Path,
    fmt: str = "auto",
    overwrite: bool = False,
    amend_mode: bool = False,
    executors_from: tuple[Path, ...] = (),
    report: Path | None = None,
) -> ImportResult:
    """Read `path`, write its records into `out` and the report; refuse to overwrite unasked."""
    if overwrite and amend_mode:
        raise PlanError(_("--overwrite cannot be used with --amend: choose one"))
    if not path.is_file():
        raise PlanError(_("{path}: no such file", path=path))
    existing = sorted(iter_files(out)) if out.is_dir() else []
    if out.exists() and not out.is_dir():
        raise PlanError(_("{out} is a file, not a folder: choose another --out", out=out))
    if amend_mode and not existing:
        raise PlanError(
            _(
                "{out} holds no data to amend: import without --amend first, or point --out at "
                "the data folder",
                out=out,
            )
        )
    if existing and not (overwrite or amend_mode):
        shown = ", ".join(existing[:3]) + (" …" if len(existing) > 3 else "")
        raise PlanError(
            _(
                "{out} already holds files ({files}): pass --overwrite to replace the files the "
                "import writes, --amend to record the new plan's changes as amendments, or "
                "choose another --out",
                out=out,
                files=shown,
            )
        )
    folders = [*executors_from] + ([out] if amend_mode else [])
    known = known_executors(folders)
    table = read_table(path, fmt)
    plan = interpret(table, known, str(path))
    changes: list[Change] = []
    leftovers: list[str] = []
    if amend_mode:
        data, problems = load(out)
        errors = [p for p in problems if p.severity == "error"]
        if errors:
            raise PlanError(
                _(
                    "{out} has {count} error(s), e.g. {first} — run 'dap validate --data {out}' "
                    "and fix them before amending",
                    out=out,
                    count=len(errors),
                    first=errors[0],
                )
            )
        files, changes, notes = amend(data, plan)
        plan.notes.extend(notes)
    else:
        files = plan_files(plan)
        leftovers = [
            f for f in existing if f.endswith(".yaml") and f not in files and f != "staff.yaml"
        ]
    report_path = report or out.resolve().parent / f"{out.resolve().name}-import-report.txt"
    text = report_text(plan, str(path), changes, amend_mode)
    writer = Writer(out)
    for rel in sorted(files):
        writer.write(rel, files[rel])
    report_path.parent.mkdir(parents=True, exist_ok=True)
    report_path.write_text(text, encoding="utf-8")
    written = sorted(writer.written)
    return ImportResult(plan, written, writer.unchanged, report_path, changes, leftovers)
