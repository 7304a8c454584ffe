"""Records as the YAML text of their files, for a fresh import or amendments."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import yaml

from .. import models as m
from .interpret import Plan

SCHEMA_HEADER = {
    "programme": "# yaml-language-server: $schema=../schemas/programme.schema.json\n",
    "sections": "# yaml-language-server: $schema=../../schemas/section.schema.json\n",
    "measures": "# yaml-language-server: $schema=../../schemas/measure.schema.json\n",
    "executors": "# yaml-language-server: $schema=../../schemas/executor.schema.json\n",
}


class _Dumper(yaml.SafeDumper):
    """Safe YAML with enum values written as their text and no anchors (`&id001`)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


_Dumper.add_multi_representer(str, lambda dumper, value: dumper.represent_str(str(value)))


def to_yaml(kind: str, record: m.Record, keep: tuple[str, ...] = ()) -> str:
    """A record as the YAML text of its file (defaults left out, `keep` fields always written)."""
    data = record.model_dump(mode="python", exclude_defaults=True)
    full = record.model_dump(mode="python")
    ordered = {name: data[name] if name in data else full[name] for name in full}
    ordered = {k: v for k, v in ordered.items() if k in data or k in keep}
    body = yaml.dump(
        ordered, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100, indent=2
    )
    return SCHEMA_HEADER[kind] + body


def record_files(
    programme: m.Programme | None,
    sections: Iterable[m.Section],
    measures: Iterable[m.Measure],
    executors: Iterable[m.Executor],
) -> dict[str, str]:
    """Relative path → text of each record's file."""
    files: dict[str, str] = {}
    if programme is not None:
        files["programme.yaml"] = to_yaml("programme", programme)
    for s in sections:
        files[f"sections/{s.id}.yaml"] = to_yaml("sections", s)
    for ms in measures:
        files[f"measures/{ms.id}.yaml"] = to_yaml("measures", ms)
    for ex in executors:
        files[f"executors/{ex.id}.yaml"] = to_yaml("executors", ex, keep=("by_agreement", "people"))
    return files


def plan_files(plan: Plan) -> dict[str, str]:
    """Every file of a fresh import."""
    return record_files(plan.programme, plan.sections, plan.measures, plan.executors.values())
