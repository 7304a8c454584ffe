"""JSON Schemas of the data files, generated from the models for editors (VS Code YAML)."""

from __future__ import annotations

import json
from pathlib import Path

from .datafile import LAYOUT

# File name in schemas/ for each kind of data file.
SCHEMA_NAMES = {
    "programme": "programme",
    "staff": "staff",
    "sections": "section",
    "results": "result",
    "measures": "measure",
    "executors": "executor",
    "reports": "report",
    "assessments": "assessment",
    "evaluations": "evaluation",
    "feedback": "feedback",
    "notices": "notice",
}


def record_schemas() -> dict[str, str]:
    """File name → JSON text of each record kind's JSON Schema."""
    out: dict[str, str] = {}
    for kind_name, kind in LAYOUT.items():
        schema = kind.model.model_json_schema()
        schema = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"{SCHEMA_NAMES[kind_name]}.schema.json",
            "x-example-path": f"data/{kind.example}",
            **schema,
        }
        out[f"{SCHEMA_NAMES[kind_name]}.schema.json"] = (
            json.dumps(schema, ensure_ascii=False, indent=2) + "\n"
        )
    return out


def stale_schemas(folder: Path) -> list[str]:
    """Names of schema files in `folder` that differ from what the models generate."""
    return [
        name
        for name, text in record_schemas().items()
        if not (folder / name).is_file() or (folder / name).read_text(encoding="utf-8") != text
    ]


def write_schemas(folder: Path) -> list[str]:
    """Write the JSON Schemas into `folder`; return the names that changed."""
    folder.mkdir(parents=True, exist_ok=True)
    changed = stale_schemas(folder)
    for name, text in record_schemas().items():
        if name in changed:
            (folder / name).write_text(text, encoding="utf-8")
    return changed
