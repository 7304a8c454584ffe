"""Docs stay honest: every field, status and command is named in the docs."""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import BaseModel

from builder import models as m
from builder.cli import cli

ROOT = Path(__file__).resolve().parent.parent


def all_models() -> list[type[BaseModel]]:
    return [
        v
        for v in vars(m).values()
        if isinstance(v, type) and issubclass(v, m.Record) and v is not m.Record
    ]


def test_every_field_is_documented() -> None:
    text = (ROOT / "docs/data-layout.md").read_text(encoding="utf-8")
    missing = [
        f"{model.__name__}.{name}"
        for model in all_models()
        for name in model.model_fields
        if not re.search(rf"(`{name}`|^\s*-?\s*{name}:)", text, re.M)
    ]
    assert missing == []


def test_every_official_value_is_documented() -> None:
    text = (ROOT / "docs/data-layout.md").read_text(encoding="utf-8")
    enums = [
        m.Status,
        m.ResultLabel,
        m.ReportKind,
        m.ExecutorRole,
        m.StaffRole,
        m.SectionLevel,
        m.SubindicatorKind,
        m.NoticeKind,
        m.Recurrence,
        m.LeaveReason,
    ]
    missing = [v.value for e in enums for v in e if f"«{v.value}»" not in text]
    assert missing == []


def test_every_command_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert [name for name in cli.commands if f"`dap {name}" not in readme] == []
