"""The open-data contract: the table schemas (the project's schemas/tables/ or the bundled
ones), the resources, row types."""

from __future__ import annotations

import datetime as dt
import functools
import json
import operator
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import BuildError
from ..i18n import _
from ..project import open_project

# Every resource of the package, in the order of datapackage.json and of the workbook.
RESOURCES: tuple[str, ...] = (
    "programme",
    "legal_acts",
    "sections",
    "results",
    "indicators",
    "subindicators",
    "measures",
    "measure_results",
    "measure_executors",
    "measure_executor_groups",
    "measure_performance_indicators",
    "measure_amendments",
    "measure_versions",
    "executors",
    "reports",
    "report_evidence",
    "assessments",
    "assessment_reports",
    "assessment_sources",
    "evaluations",
    "evaluation_indicators",
    "evaluation_components",
    "measure_status",
    "aggregates",
    "reporting_timeliness",
    "feedback",
    "notices",
    "notice_links",
)

Value = str | int | float | bool | dt.date | None
Row = dict[str, Value]  # a row while it is built
Record = tuple[Value, ...]  # a row as published: values in the schema's field order
Tables = dict[str, list[Record]]


def schema_dir() -> Path:
    """The table schemas in use: the working (project) folder's own, else the bundled ones."""
    return _schema_dir(os.getcwd())


@functools.cache
def _schema_dir(cwd: str) -> Path:
    return open_project(Path(cwd)).tables


def table_schemas() -> dict[str, dict[str, Any]]:
    """The resource descriptors of the table schemas in use, in RESOURCES order."""
    return _schemas_for(os.getcwd())  # called per table and row batch: a str key, no Path


@functools.cache
def _schemas_for(cwd: str) -> dict[str, dict[str, Any]]:
    return _read_schemas(_schema_dir(cwd))


@functools.cache
def _read_schemas(folder: Path) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    on_disk = {p.stem for p in folder.glob("*.json")}
    if on_disk != set(RESOURCES):
        extra, missing = sorted(on_disk - set(RESOURCES)), sorted(set(RESOURCES) - on_disk)
        raise BuildError(
            _(
                "{folder}: the table schemas do not match the resources (missing: {missing}; "
                "unknown: {unknown})",
                folder=folder,
                missing=", ".join(missing) or "—",
                unknown=", ".join(extra) or "—",
            )
        )
    for name in RESOURCES:
        path = folder / f"{name}.json"
        try:
            descriptor = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise BuildError(
                _("{path}: cannot read the table schema: {error}", path=path, error=exc)
            ) from exc
        if descriptor.get("name") != name:
            raise BuildError(_("{path}: 'name' must be '{name}'", path=path, name=name))
        found[name] = descriptor
    return found


def field_names(name: str) -> list[str]:
    """Field names of a resource, in schema order."""
    return [f["name"] for f in table_schemas()[name]["schema"]["fields"]]


def field_titles(name: str) -> list[str]:
    """Ukrainian column titles of a resource (the schema's `title`), in schema order: the
    workbook's header; the CSV keeps the machine names."""
    return [f.get("title") or f["name"] for f in table_schemas()[name]["schema"]["fields"]]


def field_types(name: str) -> dict[str, str]:
    """Field types of a resource, by field name."""
    return {f["name"]: f["type"] for f in table_schemas()[name]["schema"]["fields"]}


def to_records(name: str, rows: list[Row]) -> list[Record]:
    """Rows as tuples in the field order of the resource's schema."""
    return list(map(record_getter(name), rows))


def record_getter(name: str) -> Callable[[Row], Record]:
    """A function giving one of the resource's rows as a record (`to_records`)."""
    fields = table_schemas()[name]["schema"]["fields"]
    found = _RECORD_GETTERS.get(id(fields))
    if found is None or found[0] is not fields:
        found = _RECORD_GETTERS[id(fields)] = (fields, _getter([f["name"] for f in fields]))
    return found[1]


# A record of each resource's rows by its schema's field list (kept alive here, so no id is
# reused): one C-level call per row (issue 22: ~112,000 calls in a national rebuild).
_RECORD_GETTERS: dict[int, tuple[object, Callable[[Row], Record]]] = {}


def _getter(names: list[str]) -> Callable[[Row], Record]:
    if len(names) == 1:
        only = names[0]
        return lambda row: (row[only],)
    return operator.itemgetter(*names)
