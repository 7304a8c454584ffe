"""Problems found in data (errors as values) and the small exception tree for commands."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import click

from .i18n import _, ngettext, render


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the data: where, what, how to fix it.

    `message` and `hint` are message ids of the catalogue (builder/i18n.py) with `{name}`
    placeholders filled from `params` when shown, in the run's language; `code` is the stable
    English name of the problem for tools (JSON output, tests).
    """

    file: str
    line: int = 0
    col: int = 0
    field: str = ""
    message: str = ""
    hint: str = ""
    code: str = "invalid"
    severity: str = "error"  # "error" or "warning"
    params: tuple[tuple[str, str], ...] = ()

    def location(self) -> str:
        """`file:line:col`, leaving out what is unknown."""
        where = self.file
        if self.line:
            where += f":{self.line}"
            if self.col:
                where += f":{self.col}"
        return where

    def what(self) -> str:
        """What is wrong, in the run's language."""
        return render(self.message, dict(self.params))

    def how(self) -> str:
        """How to fix it, in the run's language ("" if there is no hint)."""
        return render(self.hint, dict(self.params)) if self.hint else ""

    def __str__(self) -> str:
        text = f"{self.location()}: "
        if self.severity == "warning":
            text += _("warning: ")
        if self.field:
            text += _("field '{field}': ", field=self.field)
        text += self.what()
        if self.hint:
            text += f" — {self.how()}"
        return text

    def as_dict(self) -> dict[str, object]:
        """A plain dict for JSON output (message and hint in the run's language)."""
        return {
            "file": self.file,
            "line": self.line,
            "col": self.col,
            "field": self.field,
            "message": self.what(),
            "hint": self.how(),
            "code": self.code,
            "severity": self.severity,
        }


def problem_params(params: dict[str, object]) -> tuple[tuple[str, str], ...]:
    """A problem's placeholder values, as kept in it (text, sorted by name).

    A date is a person's date, 30.06.2025, as every page and notice writes it; a value a
    person must type into a data file (YAML's 2025-06-30) is passed as text and kept as is.
    """
    return tuple(sorted((name, _param_text(value)) for name, value in params.items()))


def _param_text(value: object) -> str:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return f"{value:%d.%m.%Y}"
    return str(value)


class DapError(click.ClickException):
    """Base of every error a command reports without a traceback."""


class DataError(DapError):
    """The data has problems; the command lists them and stops."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        errors = [p for p in problems if p.severity == "error"]
        super().__init__(
            ngettext("{n} error(s) in the data", "{n} error(s) in the data", len(errors))
        )

    def __reduce__(self) -> tuple[type[DataError], tuple[list[Problem]]]:
        # made again from its problems where it is unpickled: a build's forked child raises
        # it, the build's own process reports it (parallel.Forked)
        return (DataError, (self.problems,))


class ConfigError(DapError):
    """A setting or option is wrong."""


class GitError(DapError):
    """The Git repository cannot be read as needed."""


class BuildError(DapError):
    """The build failed; the previous output is untouched."""


class DeliveryError(DapError):
    """Some notices could not be delivered."""
