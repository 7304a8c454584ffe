"""`dap untranslated`: what has no English text yet — the data's texts by kind, and the site's
interface messages — over builder/translations.py (a module of its own, so that cli.py stays
a table of thin commands)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .i18n import _
from .options import data_option

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.command("untranslated", context_settings=CONTEXT)
@data_option
@click.option(
    "--list",
    "listed",
    is_flag=True,
    help="Also name each text (file:line and field) and each message without English.",
)
def untranslated(data_dir: Path, listed: bool) -> None:
    """List what has no English text for the site's English edition.

    Data texts (programme, section, ОСР, measure, indicator and subindicator titles, executor
    names) without their `<field>_en`, by kind and count; the site's interface messages
    without a text in builder/locale/en/LC_MESSAGES/site.po. Exit status: 0 when everything
    has its English text, 1 when something has none (or the data has errors: run dap validate).

    \b
    Example:
      dap untranslated
      dap untranslated --list
      dap --lang en untranslated
    """
    from .load import load
    from .translations import KINDS
    from .translations import untranslated as find

    data, problems = load(data_dir, str(data_dir))
    if any(p.severity == "error" for p in problems):
        click.echo(_("The data has errors: run dap validate and fix them first."), err=True)
        sys.exit(1)
    found = find(data)
    click.echo(_("Without an English text:"))
    for kind, name in KINDS.items():
        missing, total = found.missing[kind], found.totals[kind]
        click.echo(
            _("  {kind}: {missing} of {total}", kind=_(name), missing=len(missing), total=total)
        )
        for text in missing if listed else ():
            src = data.source(*text.source)
            line, field = src.where(text.loc)[0], text.english_loc[-1]
            click.echo(_("    {path}:{line}: {field}", path=src.path, line=line, field=field))
    click.echo(
        _(
            "  interface messages of the site: {missing} of {total}",
            missing=len(found.messages_missing),
            total=found.messages,
        )
    )
    for msgid in found.messages_missing if listed else ():
        click.echo("    " + msgid)  # a message id is never cut (as `_()` cuts values)
    if found.count():
        sys.exit(1)
    click.echo(_("Everything has its English text."))
