"""Problems found in data (errors as values) and the small exception tree for commands."""

from __future__ import annotations

from dataclasses import dataclass

import click


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the data: where, what, how to fix it."""

    file: str
    line: int = 0
    col: int = 0
    field: str = ""
    message: str = ""
    hint: str = ""
    code: str = "invalid"
    severity: str = "error"  # "error" or "warning"

    def location(self) -> str:
        """`file:line:col`, leaving out what is unknown."""
        where = self.file
        if self.line:
            where += f":{self.line}"
            if self.col:
                where += f":{self.col}"
        return where

    def __str__(self) -> str:
        text = f"{self.location()}: "
        if self.severity == "warning":
            text += "warning: "
        if self.field:
            text += f"field '{self.field}': "
        text += self.message
        if self.hint:
            text += f" — {self.hint}"
        return text

    def as_dict(self) -> dict[str, object]:
        """A plain dict for JSON output."""
        return {
            "file": self.file,
            "line": self.line,
            "col": self.col,
            "field": self.field,
            "message": self.message,
            "hint": self.hint,
            "code": self.code,
            "severity": self.severity,
        }


class DapError(click.ClickException):
    """Base of every error a command reports without a traceback."""


class DataError(DapError):
    """The data has problems; the command lists them and stops."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        errors = [p for p in problems if p.severity == "error"]
        super().__init__(f"{len(errors)} error(s) in the data")


class ConfigError(DapError):
    """A setting or option is wrong."""


class GitError(DapError):
    """The Git repository cannot be read as needed."""


class BuildError(DapError):
    """The build failed; the previous output is untouched."""


class DeliveryError(DapError):
    """Some notices could not be delivered."""
