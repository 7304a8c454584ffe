"""`dap new-report` and `dap new-assessment`: a new monitoring record's file written at its
path the way the site's forms write it (builder/forms/scaffold.py), kept apart from cli.py so
that it stays a table of thin commands."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from . import models as m
from .i18n import _
from .options import Day, data_option

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

_TEXT_FILE = click.Path(dir_okay=False, exists=True, path_type=Path)


@click.command("new-report", context_settings=CONTEXT)
@click.argument("measure")
@data_option
@click.option("--period", required=True, help="The quarter reported on, YYYY-Qn.")
@click.option("--kind", type=click.Choice([str(k) for k in m.ReportKind]), default=None,
              help="Default: про хід виконання; after the measure's deadline про результат виконання.")  # fmt: skip
@click.option("--prepared-by", help="The впроваджувач (default: the only one).")
@click.option("--approved-by", help="The менеджер (default: the only one).")
@click.option("--approved-on", type=Day(), help="Date approved, YYYY-MM-DD.")
@click.option("--text-file", type=_TEXT_FILE, help="The text (UTF-8); default: a placeholder.")
@click.option("--evidence", nargs=2, multiple=True, metavar="TITLE URL", help="Evidence link.")
@click.option("--correction", is_flag=True, help="A report is there (assessed): MEASURE@N.")
def new_report(measure: str, data_dir: Path, text_file: Path | None, **options: Any) -> None:
    """Write a new report file at its path, as the site's report form writes it.

    Never over an existing file. Then edit its text and run `dap validate`.

    \b
    Example:
      dap new-report 1.1.1.1.2 --period 2025-Q1 --text-file zvit.txt
      dap new-report 1.1.1.1.2 --period 2024-Q4 --correction
    """
    from .forms.scaffold import new_report as write

    text = text_file.read_text(encoding="utf-8") if text_file else None
    path = write(data_dir, measure, text=text, **options)
    click.echo(_("Wrote {path} — check its text, then run dap validate", path=path))


@click.command("new-assessment", context_settings=CONTEXT)
@click.argument("measure")
@data_option
@click.option("--period", required=True, help="The quarter assessed, YYYY-Qn.")
@click.option("--status", required=True, type=click.Choice([str(s) for s in m.Status]))
@click.option("--label", required=True, type=click.Choice([str(x) for x in m.ResultLabel]),
              help="A monitoring-result label that fits the status.")  # fmt: skip
@click.option("--analyst", help="The аналітик (default: the only one).")
@click.option("--date", "day", type=Day(), help="Date of the assessment (default: today).")
@click.option("--text-file", type=_TEXT_FILE, help="The text (UTF-8); default: a placeholder.")
@click.option("--source", "sources", nargs=2, multiple=True, metavar="TITLE URL", help="Source.")
@click.option("--correction", is_flag=True, help="An assessment is there: MEASURE@N.")
def new_assessment(measure: str, data_dir: Path, text_file: Path | None, **options: Any) -> None:
    """Write a new assessment file at its path, as the site's assessment form writes it.

    It covers the measure's reports of the period. Never over an existing file.

    \b
    Example:
      dap new-assessment 1.1.1.1.2 --period 2025-Q1 --status Виконується \\
        --label "прогрес виконання заходу наявний" --text-file vysnovok.txt
    """
    from .forms.scaffold import new_assessment as write

    text = text_file.read_text(encoding="utf-8") if text_file else None
    path = write(data_dir, measure, text=text, **options)
    click.echo(_("Wrote {path} — check its text, then run dap validate", path=path))
