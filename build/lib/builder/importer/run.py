"""What `dap import` runs: read, interpret, write the records or amendments, and the report."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..load import iter_files, load
from ..output import Writer
from .amend import Change, amend
from .executors import known_executors
from .interpret import Plan, interpret
from .records import plan_files
from .tables import PlanError, read_table


@dataclass
class ImportResult:
    """What `dap import` did: counts, files, notes and changes, for the summary."""

    plan: Plan
    written: list[str]
    unchanged: int
    report: Path
    changes: list[Change] = field(default_factory=list)
    leftovers: list[str] = field(default_factory=list)


def report_text(plan: Plan, source: str, changes: list[Change] | None, amended: bool) -> str:
    """The import report: the act, counts, every note with its source line, the changes."""
    p = plan.programme
    out = [
        f"Import of {source}",
        f"act: {plan.act_label}",
        f"plan: {p.title}",
        f"period: {p.period.start} – {p.period.end}",
        f"tasks: {len(plan.sections)}, measures: {len(plan.measures)}, "
        f"executors: {len(plan.executors)}",
        "",
    ]
    warnings = [n for n in plan.notes if n.level == "warning"]
    out.append(
        f"{len(warnings)} thing(s) not understood (kept as text), "
        f"{len(plan.notes) - len(warnings)} choice(s) to review:"
    )
    for n in sorted(plan.notes, key=lambda n: (n.line, n.subject)):
        out.append(f"{source}:{n.line}: {n.subject}: {n.level}: {n.message}")
    if amended:
        out += ["", f"{len(changes or [])} change(s) against the data:"]
        for c in changes or []:
            if c.field == "added":
                out.append(f"{c.measure}: added: «{c.new}»")
            elif c.field == "removed":
                out.append(f"{c.measure}: removed: «{c.old}»")
            else:
                out.append(f"{c.measure}: {c.field}: «{c.old}» → «{c.new}»")
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
        raise PlanError("--overwrite cannot be used with --amend: choose one")
    if not path.is_file():
        raise PlanError(f"{path}: no such file")
    existing = sorted(iter_files(out)) if out.is_dir() else []
    if out.exists() and not out.is_dir():
        raise PlanError(f"{out} is a file, not a folder: choose another --out")
    if amend_mode and not existing:
        raise PlanError(
            f"{out} holds no data to amend: import without --amend first, or point --out at the "
            "data folder"
        )
    if existing and not (overwrite or amend_mode):
        shown = ", ".join(existing[:3]) + (" …" if len(existing) > 3 else "")
        raise PlanError(
            f"{out} already holds files ({shown}): pass --overwrite to replace the files the "
            "import writes, --amend to record the new plan's changes as amendments, or choose "
            "another --out"
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
                f"{out} has {len(errors)} error(s), e.g. {errors[0]} — run "
                f"'dap validate --data {out}' and fix them before amending"
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
