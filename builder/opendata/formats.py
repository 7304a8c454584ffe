"""The package's files by format: CSV (formula-protected), JSON, per-measure JSON, the workbook."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any, cast

from ..i18n import _
from . import xlsx
from .tables import (
    RESOURCES,
    Record,
    Tables,
    Value,
    field_names,
    field_titles,
    field_types,
    table_schemas,
)

# A text value starting with one of these is escaped in CSV with a leading apostrophe
# (OWASP "CSV injection"); an apostrophe itself is escaped too, so the rule is reversible.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")
README_SHEET = "Про набір"


def protect_csv(text: str) -> str:
    """Text for a CSV cell: a leading ' when it starts with = + - @ TAB CR or ' (never a formula)."""
    return "'" + text if text.startswith(FORMULA_START) else text


def unprotect_csv(text: str) -> str:
    """The original text of a protected CSV text cell: drop one leading apostrophe."""
    return text[1:] if text.startswith("'") else text


def _number(value: float | int) -> str:
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def csv_cell(value: Value) -> str:
    """A value's CSV cell text, before quoting: formula protection, true/false, ISO dates."""
    if value is None:
        return ""
    if isinstance(value, str):
        return protect_csv(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return _number(value)
    return value.isoformat()


_CSV_QUOTE = re.compile(r'[,"\r\n]')


def _csv_field(text: str) -> str:
    if _CSV_QUOTE.search(text):
        return '"' + text.replace('"', '""') + '"'
    return text


def _csv_text(value: Value) -> str:
    """`_csv_field(csv_cell(value))`, with the common types first (every cell goes here)."""
    kind = type(value)
    if kind is str:
        text = cast(str, value)
        if text.startswith(FORMULA_START):
            text = "'" + text
        return '"' + text.replace('"', '""') + '"' if _CSV_QUOTE.search(text) else text
    if value is None:
        return ""
    if kind is int:
        return str(value)  # digits and a sign: never quoted, as with dates and booleans
    return _csv_field(csv_cell(value))


def csv_line(record: Record) -> str:
    """One CSV record (RFC 4180 quoting, CRLF), text protected against formulas."""
    return ",".join([_csv_text(v) for v in record]) + "\r\n"


def csv_bytes(name: str, rows: list[Record], lines: dict[Record, str] | None = None) -> bytes:
    """A resource as CSV: UTF-8 with BOM, CRLF, a header of field names, text protected.

    `lines` caches the text of records already formatted (older snapshots repeat most rows).
    """
    out = [",".join(_csv_field(n) for n in field_names(name)) + "\r\n"]
    if lines is None:
        out += [csv_line(r) for r in rows]
    else:
        known: list[str | None] = list(map(lines.get, rows))  # one C-level pass
        for i, line in enumerate(known):
            if line is None:
                r = rows[i]
                line = lines.get(r)  # the same record may repeat within one table
                if line is None:
                    line = lines[r] = csv_line(r)
                known[i] = line
        out += cast(list[str], known)
    return "".join(out).encode("utf-8-sig")


def _json_value(value: Value) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _json_default(value: object) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(_("{kind} is not JSON serializable", kind=type(value).__name__))


# The same output as json.dumps(..., ensure_ascii=False, separators=(",", ":")), built once.
_encode_compact = json.JSONEncoder(
    ensure_ascii=False, separators=(",", ":"), default=_json_default
).encode


def json_objects(name: str, rows: list[Record]) -> list[dict[str, Any]]:
    """A resource's rows as JSON objects: original values, dates as ISO text, 2.0 as 2."""
    names = field_names(name)
    types = field_types(name)
    convert = [i for i, n in enumerate(names) if types[n] in ("date", "number")]
    if not convert:
        return [dict(zip(names, row, strict=True)) for row in rows]
    out = []
    for row in rows:
        values = list(row)
        for i in convert:
            values[i] = _json_value(values[i])
        out.append(dict(zip(names, values, strict=True)))
    return out


def json_bytes(name: str, rows: list[Record], objects: list[dict[str, Any]] | None = None) -> bytes:
    """A resource as a JSON array of objects with the original values, one row per line."""
    lines = [_encode_compact(o) for o in (objects or json_objects(name, rows))]
    return ("[\n" + ",\n".join(lines) + ("\n" if lines else "") + "]\n").encode("utf-8")


def document_bytes(doc: Any, indent: int | None = 2) -> bytes:
    """A JSON document with keys in the order given (compact when indent is None)."""
    if indent is None:
        return (_encode_compact(doc) + "\n").encode("utf-8")
    return (json.dumps(doc, ensure_ascii=False, indent=indent) + "\n").encode("utf-8")


def measure_documents(
    records: Tables, ready: dict[str, list[dict[str, Any]]] | None = None
) -> dict[str, dict[str, Any]]:
    """Everything about each measure (one JSON document per measure), from the package tables.

    `ready` may hold tables already turned into JSON objects (`json_objects`), to reuse.
    """
    done = ready if ready is not None else {}

    def objects(name: str) -> list[dict[str, Any]]:
        if name not in done:
            done[name] = json_objects(name, records[name])
        return done[name]

    def without(row: dict[str, Any], key: str) -> dict[str, Any]:
        return {k: v for k, v in row.items() if k != key}

    docs: dict[str, dict[str, Any]] = {}
    for row in objects("measures"):
        docs[str(row["id"])] = {
            "measure": dict(row),
            "results": [],
            "executors": [],
            "executor_groups": [],
            "performance_indicators": [],
            "amendments": [],
            "versions": [],
            "status_history": [],
            "reports": [],
            "assessments": [],
            "reporting_timeliness": [],
            "feedback": [],
        }

    def add(section: str, resource: str, key: str = "measure") -> None:
        for row in objects(resource):
            owner = row.get(key)
            if owner in docs:
                docs[str(owner)][section].append(without(row, key))

    add("results", "measure_results")
    add("executors", "measure_executors")
    add("executor_groups", "measure_executor_groups")
    add("performance_indicators", "measure_performance_indicators")
    add("amendments", "measure_amendments")
    add("versions", "measure_versions")
    add("status_history", "measure_status")
    add("reporting_timeliness", "reporting_timeliness")
    add("feedback", "feedback")
    evidence = _grouped(objects("report_evidence"), "report")
    for row in objects("reports"):
        item = dict(row)
        item["evidence"] = evidence.get(str(row["id"]), [])
        docs[str(row["measure"])]["reports"].append(item)
    assessed = _grouped(objects("assessment_reports"), "assessment")
    sources = _grouped(objects("assessment_sources"), "assessment")
    for row in objects("assessments"):
        item = dict(row)
        item["reports"] = [r["report"] for r in assessed.get(str(row["id"]), [])]
        item["sources"] = sources.get(str(row["id"]), [])
        docs[str(row["measure"])]["assessments"].append(item)
    return docs


def _grouped(rows: list[dict[str, Any]], key: str) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        found.setdefault(str(row[key]), []).append({k: v for k, v in row.items() if k != key})
    return found


def _width(kind: str, name: str, title: str) -> float:
    """A column's width in characters: wide for texts and names, else its header's."""
    if name in ("title", "text", "description", "rationale", "answer", "summary", "name"):
        return 60
    if name.endswith("_name"):
        return 40
    return min(max(12 if kind == "date" else 10, len(title) + 3), 30)


def xlsx_bytes(tables: Tables, as_of: dt.date, title: str) -> bytes:
    """The package as a workbook: a sheet about the data, then one sheet per resource, its
    header the Ukrainian titles of the columns (the schema's `title`).

    Every text is a text cell, never a formula (see builder/opendata/xlsx.py); dates are dates; the
    workbook's own dates are the snapshot's date, so the same data give the same bytes.
    """
    schemas = table_schemas()
    about: list[list[Value]] = [
        ["Станом на", as_of],
        ["Програма", title],
        [
            "Як читати",
            "Кожен аркуш — таблиця набору; перший рядок — назви стовпців українською. "
            "Ті самі таблиці у CSV мають машинні назви стовпців (латиницею); відповідність "
            "назв і опис кожного стовпця — у словнику даних на сайті.",
        ],
        [],
        ["Аркуш", "Назва", "Опис", "Рядків"],
    ]
    about += [
        [name, schemas[name]["title"], schemas[name]["description"], len(tables[name])]
        for name in RESOURCES
    ]
    sheets = [xlsx.Sheet(README_SHEET, [README_SHEET], about, [24, 60, 90, 10], table=False)]
    for name in RESOURCES:
        names, titles = field_names(name), field_titles(name)
        types = field_types(name)
        widths = [_width(types[n], n, t) for n, t in zip(names, titles, strict=True)]
        # Ukrainian column titles for a person; the CSV and JSON keep the machine names
        sheets.append(xlsx.Sheet(name, titles, tables[name], widths))
    return xlsx.workbook(sheets, title, as_of)
