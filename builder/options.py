"""The command line's shared pieces: the --data and --as-of options (a date read by `Day`:
YYYY-MM-DD only, with 31.12.2024 and impossible dates named; a moment read by `Moment`),
parameter errors, counts as people write them, problems printed as text, GitHub annotations
(with the job summary) or JSON, lines that are safe to print in a GitHub Actions step
(workflow commands escaped as GitHub's spec requires, control characters shown),
and click's own messages for a wrong command line through the catalogue.

click asks Python's `gettext` module for its texts ("Error: …", "Invalid value for …", "No
such option …"), which knows nothing of builder/locale/; `speak_click` (run on import, before
any command line is read) answers those asks from the catalogue in the run's language. Texts
of click's that CLICK_MESSAGES does not list stay English, as do the --help pages (the
developers' documentation).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path

import click

from .errors import Problem
from .i18n import N_, _, language, ngettext, set_language, translations

# click's texts that cli.po gives a Ukrainian text (marked here for the catalogue's extraction).
CLICK_MESSAGES = (
    N_("Error: {message}"),
    N_("Try '{command} {option}' for help."),
    N_("Invalid value for {param_hint}: {message}"),
    N_("Invalid value: {message}"),
    N_("Missing argument"),
    N_("Missing option"),
    N_("Missing parameter"),
    N_("Missing command."),
    N_("No such option {name!r}."),
    N_("No such command {name!r}."),
    N_("Did you mean {possibility}?"),
    N_("(Did you mean one of: {possibilities}?)"),
    N_("Got unexpected extra argument ({args})"),
    N_("Got unexpected extra arguments ({args})"),
    N_("Option {name!r} requires an argument."),
    N_("Option {name!r} does not take a value."),
    N_("{value!r} is not {choice}."),
    N_("{value!r} is not one of {choices}."),
    N_("{value} is not in the range {range}."),
)


def _click_gettext(message: str) -> str:
    return translations(language()).gettext(message)


def _click_ngettext(singular: str, plural: str, n: int) -> str:
    # click's singular and plural say different things (one choice, or a list of them), not
    # one thing counted: each is a message of its own in the catalogue.
    return _click_gettext(singular if n == 1 else plural)


def speak_click() -> None:
    """Let click's messages for a wrong command line come from the catalogue, in the run's
    language (click asks the `gettext` module, which knows nothing of builder/locale/)."""
    import click.core
    import click.exceptions
    import click.parser
    import click.types

    for module in (click.core, click.exceptions, click.parser, click.types):
        module._ = _click_gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = _click_ngettext  # type: ignore[attr-defined]


speak_click()  # before any command line is read: group options are checked first


ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
DOTTED_DAY = re.compile(r"([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})")


class Day(click.ParamType):
    """A date written YYYY-MM-DD, as a datetime.date; a date written 31.12.2024 is refused
    with its YYYY-MM-DD form, an impossible one named as such."""

    name = "YYYY-MM-DD"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None):
        if isinstance(value, dt.date):
            return value
        text = str(value).strip()
        if ISO_DAY.fullmatch(text):
            try:
                return dt.date.fromisoformat(text)
            except ValueError:
                self.fail(_("there is no date {value} — check the month and the day", value=text))
        dotted = DOTTED_DAY.fullmatch(text)
        if dotted:
            day, month, year = (int(part) for part in dotted.groups())
            try:
                iso = dt.date(year, month, day).isoformat()
            except ValueError:
                self.fail(_("there is no date {value} — check the month and the day", value=text))
            self.fail(_("write the date as YYYY-MM-DD: {iso}, not {value}", iso=iso, value=text))
        self.fail(
            _("'{value}' is not a date — write it as YYYY-MM-DD, e.g. 2024-12-31", value=text)
        )


class Moment(Day):
    """A day (YYYY-MM-DD, as `Day` reads it) or a moment in ISO 8601 with its offset, e.g.
    GitHub's event time 2025-04-05T09:30:00Z, as a timezone-aware datetime (UTC when it gives
    no offset); the caller decides whose calendar day it is."""

    name = "YYYY-MM-DD|ISO-8601"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None):
        if isinstance(value, dt.date):
            return value
        text = str(value).strip()
        if text[10:11] in ("T", " "):
            try:
                moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
            except ValueError:
                self.fail(
                    _(
                        "'{value}' is not a moment — write it as YYYY-MM-DD or in ISO 8601, "
                        "e.g. 2025-04-05T09:30:00Z",
                        value=text,
                    )
                )
            return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
        return super().convert(text, param, ctx)


# ---------------------------------------------------------------- printing in a GitHub step
#
# A GitHub Actions runner reads every line a step prints for workflow commands (`::error …::`,
# `::stop-commands::…`); a line ends at \n or \r. Text from data (a file name, a value) must
# never start a line of its own: annotations escape their properties and message as the
# workflow-command spec requires, and every other printed line shows control characters as
# escapes (\n, \x1b).

CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")


def printable(text: str) -> str:
    """`text` with every control character but tab shown as its escape (\\n, \\r, \\x1b): one
    printed line stays one line, and no terminal or runner acts on it."""
    return CONTROL.sub(lambda found: repr(found.group())[1:-1], text)


def command_message(text: str) -> str:
    """The message of a workflow command, escaped as GitHub requires: %, CR, LF."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def command_property(text: str) -> str:
    """A property value of a workflow command, escaped as GitHub requires: %, CR, LF, ':', ','."""
    return command_message(text).replace(":", "%3A").replace(",", "%2C")


def annotation(level: str, message: str, **properties: object) -> str:
    """One workflow-command annotation (`::error file=…,line=…::message`), every part escaped,
    so nothing in it can end the line or start another command."""
    props = ",".join(f"{name}={command_property(str(value))}" for name, value in properties.items())
    return f"::{level}{' ' if props else ''}{props}::{command_message(message)}"


def markdown_cell(text: str) -> str:
    """Text in a cell of a Markdown table (a job summary): one line, no cell break, no HTML."""
    text = printable(text.replace("\r\n", " ").replace("\n", " ").replace("\r", " "))
    return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def choose_language(lang: str | None) -> str | None:
    """Use `lang` for this run (None: from the environment); return it."""
    set_language(lang)
    return lang


def bad_value(name: str, message: str) -> click.BadParameter:
    """A wrong value of the running command's parameter `name`, for click to show."""
    ctx = click.get_current_context()
    param = next(p for p in ctx.command.params if p.name == name)
    return click.BadParameter(message, ctx=ctx, param=param)


def grouped(number: int) -> str:
    """A count with its thousands apart: 12,345 in English, 12 345 in Ukrainian."""
    text = f"{number:,}"
    return text.replace(",", "\u00a0") if language() == "uk" else text


def data_option(f):
    """--data PATH, shared by every command that reads the data."""
    return click.option(
        "--data",
        "data_dir",
        default="data",
        show_default=True,
        type=click.Path(file_okay=False, path_type=Path),
        help="The data folder.",
    )(f)


def as_of_option(help_text: str):
    """--as-of YYYY-MM-DD (parameter `as_of`, a date or None), shared by the commands."""
    return click.option("--as-of", "as_of", type=Day(), default=None, help=help_text)


# ---------------------------------------------------------------- problems, printed


def print_problems(problems: list[Problem], fmt: str) -> None:
    """Print problems as text, GitHub annotations or JSON; nothing from the data can start a
    line of its own (a GitHub runner reads every printed line for workflow commands)."""
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    if fmt == "json":
        click.echo(
            json.dumps(
                {
                    "errors": errors,
                    "warnings": warnings,
                    "problems": [p.as_dict() for p in problems],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    if fmt == "github":
        for p in problems:
            level = "error" if p.severity == "error" else "warning"
            text = (
                (_("field '{field}': ", field=p.field) if p.field else "")
                + p.what()
                + (f" — {p.how()}" if p.hint else "")
            )
            click.echo(annotation(level, text, file=p.file, line=p.line or 1, col=p.col or 1))
        summary = os.environ.get("GITHUB_STEP_SUMMARY")
        if summary:
            with open(summary, "a", encoding="utf-8") as fh:
                fh.write(github_summary(problems))
        return
    for p in problems:
        click.echo(printable(str(p)))
    if problems:
        click.echo(counts(errors, warnings), err=True)


def counts(errors: int, warnings: int) -> str:
    """«2 помилки, 1 попередження» — the closing line of a list of problems."""
    return (
        ngettext("{n} error", "{n} errors", errors)
        + ", "
        + ngettext("{n} warning", "{n} warnings", warnings)
    )


def github_summary(problems: list[Problem]) -> str:
    """The complete list as a Markdown table for the job summary (annotations stop at 10)."""
    if not problems:
        return "### dap validate\n\n" + _("No problems found.") + "\n"
    lines = [
        "### dap validate",
        "",
        ngettext("{n} problem.", "{n} problems.", len(problems)),
        "",
        "| | "
        + " | ".join([_("file"), _("line"), _("field"), _("problem"), _("how to fix")])
        + " |",
        "|---|---|---|---|---|---|",
    ]
    for p in problems:
        cells = [
            ("❌" if p.severity == "error" else "⚠️"),
            p.file,
            str(p.line or ""),
            p.field,
            p.what(),
            p.how(),
        ]
        lines.append("| " + " | ".join(markdown_cell(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"
