"""The command line's shared pieces: the --data and --as-of options (a date read by `Day`:
YYYY-MM-DD only, with 31.12.2024 and impossible dates named), parameter errors, counts as
people write them, and click's own messages for a wrong command line through the catalogue.

click asks Python's `gettext` module for its texts ("Error: …", "Invalid value for …", "No
such option …"), which knows nothing of builder/locale/; `speak_click` (run on import, before
any command line is read) answers those asks from the catalogue in the run's language. Texts
of click's that CLICK_MESSAGES does not list stay English, as do the --help pages (the
developers' documentation).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import click

from .i18n import N_, _, language, set_language, translations

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
