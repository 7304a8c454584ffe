"""`dap import`: a published plan of measures read into records (builder/importer/), kept
apart from cli.py so that it stays a table of thin commands."""

from __future__ import annotations

from pathlib import Path

import click

from .i18n import _, ngettext

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.command("import", context_settings=CONTEXT)
@click.argument("plan", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--out",
    default="imported",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the records (created; must be empty unless --overwrite or --amend).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["auto", "text", "csv", "xlsx", "docx"]),
    default="auto",
    show_default=True,
    help="The plan's format; auto: by the file's extension (.txt text, .csv, .xlsx, .docx).",
)
@click.option("--overwrite", is_flag=True, help="Replace the files the import writes in --out.")
@click.option(
    "--amend",
    is_flag=True,
    help="--out holds the data: record the new plan's changes there as amendments.",
)
@click.option(
    "--executors",
    "executors_from",
    multiple=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="A data folder whose executors/*.yaml (ids, names, aliases) name the bodies. Repeatable.",
)
@click.option(
    "--report",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the import report [default: <out>-import-report.txt beside --out].",
)
def import_(
    plan: Path,
    out: Path,
    fmt: str,
    overwrite: bool,
    amend: bool,
    executors_from: tuple[Path, ...],
    report: Path | None,
) -> None:
    """Import a published plan of measures (text export, CSV, XLSX or .docx table) as records.

    Writes programme.yaml, sections/ (one завдання per task), measures/ and executors/ into
    --out, and a report of everything it could not read, with the plan's line numbers.
    Deadlines keep their wording beside the dates read from it; executors are matched by
    name and abbreviation (builder/importer/executor_aliases.yaml, then --executors folders).

    \b
    Example:
      dap import plan-2018.txt --out imported --executors data
      dap validate --data imported
      dap import plan-2018-amended.docx --out imported --amend
    """
    from .importer.run import import_plan

    result = import_plan(plan, out, fmt, overwrite, amend, executors_from, report)
    p = result.plan
    warnings = sum(n.level == "warning" for n in p.notes)
    found = [
        ngettext("{n} task", "{n} tasks", len(p.sections)),
        ngettext("{n} measure", "{n} measures", len(p.measures)),
        ngettext("{n} executor", "{n} executors", len(p.executors)),
    ]
    click.echo(p.act_label + ": " + ", ".join(found))
    shown = [n for n in p.notes if n.level == "warning"]
    for n in shown[:20]:
        where = f"{plan}:{n.line}: {n.subject}: "  # the importer's own words follow
        click.echo(where + str(n.message))
    if len(shown) > 20:
        click.echo(_("… and {more} more in the report", more=len(shown) - 20))
    if amend:
        click.echo(
            ngettext(
                "{n} change(s) recorded as amendments",
                "{n} change(s) recorded as amendments",
                len(result.changes),
            )
        )
        for c in result.changes:
            click.echo("  " + c.describe(whole=False))  # the report file has them in full
    written = len(result.written) - result.unchanged
    unclear = len(p.notes) - warnings
    click.echo(
        _(
            "{written}, {unchanged} in {folder}/; {unclear}, {choices} — see {report}",
            written=ngettext("{n} file written", "{n} files written", written),
            unchanged=ngettext("{n} unchanged", "{n} unchanged", result.unchanged),
            folder=out,
            unclear=ngettext("{n} thing not understood", "{n} things not understood", warnings),
            choices=ngettext("{n} choice to review", "{n} choices to review", unclear),
            report=result.report,
        )
    )
    if result.leftovers:
        click.echo(
            ngettext(
                "{n} older file in {folder}/ is not from this plan (e.g. {example}): delete it "
                "if it should go",
                "{n} older files in {folder}/ are not from this plan (e.g. {example}): delete "
                "them if they should go",
                len(result.leftovers),
                folder=out,
                example=result.leftovers[0],
            )
        )
