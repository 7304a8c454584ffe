"""The package's files by format: CSV (formula-protected), JSON, per-measure JSON, the workbook."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
import struct
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any, BinaryIO, cast

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


def csv_bytes(name: str, rows: list[Record], lines: dict[Record, bytes] | None = None) -> bytes:
    """A resource as CSV: UTF-8 with BOM, CRLF, a header of field names, text protected.

    `lines` caches the encoded lines of records already formatted (older snapshots repeat
    most rows: issue 22, each line is encoded once, not once per package).
    """
    return _csv_head_bytes(name) + b"".join(_csv_lines(rows, lines))


def csv_made(
    name: str, rows: list[Record], lines: dict[Record, bytes] | None = None
) -> tuple[bytes, list[int]]:
    """`csv_bytes`, and the length in bytes of each row's line (for its row index)."""
    found = _csv_lines(rows, lines)
    return _csv_head_bytes(name) + b"".join(found), list(map(len, found))


def _csv_lines(rows: list[Record], lines: dict[Record, bytes] | None) -> list[bytes]:
    if lines is None:
        return [csv_line(r).encode("utf-8") for r in rows]
    known: list[bytes | None] = list(map(lines.get, rows))  # one C-level pass
    for i, line in enumerate(known):
        if line is None:
            r = rows[i]
            line = lines.get(r)  # the same record may repeat within one table
            if line is None:
                line = lines[r] = csv_line(r).encode("utf-8")
            known[i] = line
    return cast(list[bytes], known)


def _csv_head(name: str) -> str:
    return ",".join(_csv_field(n) for n in field_names(name)) + "\r\n"


def _csv_head_bytes(name: str) -> bytes:
    """The start of a table's CSV: the byte order mark and the header."""
    return ("\ufeff" + _csv_head(name)).encode("utf-8")


# The row index of a table's CSV (issue 22): each row's digest (of its `repr`) and its CSV
# line's length in bytes, so that the next build takes the lines of unchanged rows from this
# CSV. Little-endian: the count, the digests, the lengths.
ROW_DIGEST = 16


def row_digests(reprs: list[str]) -> list[bytes]:
    """Each row's digest, from its `repr` (`table_digests`)."""
    blake = hashlib.blake2b
    return [
        blake(text.encode("utf-8", "surrogatepass"), digest_size=ROW_DIGEST).digest()
        for text in reprs
    ]


def row_index(digests: list[bytes], lengths: list[int]) -> bytes:
    """A table's row index: its rows' digests and their CSV lines' lengths."""
    return struct.pack(f"<I{len(lengths)}I", len(lengths), *lengths) + b"".join(digests)


def read_index(index: bytes) -> tuple[tuple[int, ...], list[bytes]]:
    """A row index's lines' lengths and rows' digests, in their order (none of either if it
    is not a row index)."""
    if len(index) < 4:
        return (), []
    (n,) = struct.unpack_from("<I", index)
    if len(index) != 4 + n * (4 + ROW_DIGEST):
        return (), []
    at = 4 + 4 * n
    digests = [index[at + i * ROW_DIGEST : at + (i + 1) * ROW_DIGEST] for i in range(n)]
    return struct.unpack_from(f"<{n}I", index, 4), digests


def indexed_lines(index: bytes, content: bytes, name: str) -> dict[bytes, bytes]:
    """The CSV lines of a table (`content`, as `csv_bytes` wrote it) by their rows' digests,
    from its row index; empty if the index does not describe this CSV."""
    head = _csv_head_bytes(name)
    lengths, digests = read_index(index)
    if not content.startswith(head) or len(head) + sum(lengths) != len(content):
        return {}
    lines: dict[bytes, bytes] = {}
    start = len(head)
    for digest, length in zip(digests, lengths, strict=True):
        lines[digest] = content[start : start + length]
        start += length
    return lines


def csv_from_lines(
    name: str, rows: list[Record], digests: list[bytes], known: Mapping[bytes, bytes]
) -> tuple[bytes, list[int], list[int]]:
    """A table's CSV (as `csv_bytes` makes it), the line of each row whose digest is in
    `known` (the previous build's lines, `indexed_lines`) taken from there; with each line's
    length and the positions of the rows made anew (the checks read those only)."""
    head = _csv_head_bytes(name)
    lines: list[bytes] = list(map(known.get, digests))  # type: ignore[arg-type]
    fresh = [i for i, line in enumerate(lines) if line is None]
    for i in fresh:
        lines[i] = csv_line(rows[i]).encode("utf-8")
    return head + b"".join(lines), list(map(len, lines)), fresh


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


def _json_maker(name: str) -> Callable[[Record], dict[str, Any]]:
    """A function giving one of the resource's rows as its JSON object (`json_objects`)."""
    names = field_names(name)
    types = field_types(name)
    convert = [i for i, n in enumerate(names) if types[n] in ("date", "number")]
    if not convert:
        return lambda row: dict(zip(names, row, strict=True))

    def make(row: Record) -> dict[str, Any]:
        values = list(row)
        for i in convert:
            values[i] = _json_value(values[i])
        return dict(zip(names, values, strict=True))

    return make


def json_objects(name: str, rows: list[Record]) -> list[dict[str, Any]]:
    """A resource's rows as JSON objects: original values, dates as ISO text, 2.0 as 2."""
    return list(map(_json_maker(name), rows))


def json_bytes(name: str, rows: list[Record]) -> bytes:
    """A resource as a JSON array of objects with the original values, one row per line."""
    out = io.BytesIO()
    write_json_table(name, rows, out)
    return out.getvalue()


# Rows encoded and written at a time by the streaming writers.
BATCH = 2000


def write_json_table(
    name: str,
    rows: list[Record],
    out: IO[bytes],
    digests: list[bytes] | None = None,
    known: Callable[[], Mapping[bytes, bytes]] | None = None,
) -> None:
    """`json_bytes` written to `out` a batch of rows at a time (never the whole table as one
    string: the national reports table is ~100 MB of JSON). With the rows' `digests` and
    the previous build's lines by digest (`known`, `indexed_json`), a row's line is taken
    from there when its row is the same (issue 22)."""
    make = _json_maker(name)
    found = known() if known is not None and digests is not None else {}
    out.write(b"[\n")
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        if found and digests is not None:
            taken = list(map(found.get, digests[start : start + BATCH]))
            lines = [
                line if line is not None else _encode_compact(make(batch[i])).encode("utf-8")
                for i, line in enumerate(taken)
            ]
            out.write((b",\n" if start else b"") + b",\n".join(lines))
        else:
            texts = [_encode_compact(make(row)) for row in batch]
            out.write(((",\n" if start else "") + ",\n".join(texts)).encode("utf-8"))
    out.write(b"\n]\n" if rows else b"]\n")


def indexed_json(index: bytes, content: bytes) -> dict[bytes, bytes]:
    """The lines of a table's JSON (`content`, as `write_json_table` wrote it: one compact
    object a line, which never holds a line break) by their rows' digests, from the row
    index of the same rows; empty if they do not match."""
    _, digests = read_index(index)
    if not digests or not content.startswith(b"[\n") or not content.endswith(b"\n]\n"):
        return {}
    lines = content[2:-3].split(b",\n")
    if len(lines) != len(digests):
        return {}
    return dict(zip(digests, lines, strict=True))


def document_bytes(doc: Any, indent: int | None = 2) -> bytes:
    """A JSON document with keys in the order given (compact when indent is None)."""
    if indent is None:
        return (_encode_compact(doc) + "\n").encode("utf-8")
    return (json.dumps(doc, ensure_ascii=False, indent=indent) + "\n").encode("utf-8")


# The sections of a measure's document made of one resource's rows, in the document's order,
# with the field that names the measure (dropped from each row).
_SECTIONS = (
    ("results", "measure_results"),
    ("executors", "measure_executors"),
    ("executor_groups", "measure_executor_groups"),
    ("performance_indicators", "measure_performance_indicators"),
    ("amendments", "measure_amendments"),
    ("versions", "measure_versions"),
    ("status_history", "measure_status"),
    ("reports", "reports"),
    ("assessments", "assessments"),
    ("reporting_timeliness", "reporting_timeliness"),
    ("feedback", "feedback"),
)


Positions = tuple[
    list[str],
    dict[str, dict[str, list[int]]],
    dict[str, list[int]],
    dict[str, list[int]],
    dict[str, list[int]],
]


def measure_documents(
    records: Tables, only: Collection[str] | None = None, positions: Positions | None = None
) -> Iterator[tuple[str, dict[str, Any]]]:
    """Everything about each measure (one JSON document per measure), from the package
    tables, one measure at a time in the order of the measures table (`only`: of these
    measures alone; `positions`: the tables' `document_positions`, if known).

    Only the rows' positions are grouped by measure beforehand; each document's objects are
    made when it is reached and dropped with it, so the memory this takes is one measure's,
    not the package's again as objects."""
    measure = _json_maker("measures")
    own = positions is None
    ids, at, evidence, assessed, sources = positions or document_positions(records)
    makers = {resource: _json_maker(resource) for resource in RESOURCES}

    def rows(resource: str, positions: list[int], key: str) -> list[dict[str, Any]]:
        make, table = makers[resource], records[resource]
        return [_without(make(table[i]), key) for i in positions]

    for mid, row in zip(ids, records["measures"], strict=True):
        found = at.pop(mid) if own else at[mid]
        if only is not None and mid not in only:
            continue
        doc: dict[str, Any] = {"measure": measure(row)}
        for section, resource in _SECTIONS:
            if section == "reports":
                doc[section] = []
                for i in found[section]:
                    item = makers["reports"](records["reports"][i])
                    item["evidence"] = rows(
                        "report_evidence", evidence.get(str(item["id"]), []), "report"
                    )
                    doc[section].append(item)
            elif section == "assessments":
                doc[section] = []
                for i in found[section]:
                    item = makers["assessments"](records["assessments"][i])
                    mine = str(item["id"])
                    item["reports"] = [
                        r["report"]
                        for r in rows("assessment_reports", assessed.get(mine, []), "assessment")
                    ]
                    item["sources"] = rows(
                        "assessment_sources", sources.get(mine, []), "assessment"
                    )
                    doc[section].append(item)
            else:
                doc[section] = rows(resource, found[section], "measure")
        yield mid, doc


def document_keys(
    records: Tables, rows: Mapping[str, list[bytes]], positions: Positions | None = None
) -> dict[str, str]:
    """The key of each measure's document (`measure_documents`): a digest of the digests of
    every row it is made of (`rows`: each table's rows' digests, `row_digests`, in their
    order), in the document's order, each run of rows headed by its length — the same rows
    give the same document (issue 22: a merged report changes one measure's document; the
    others are taken from the previous package)."""
    ids, at, evidence, assessed, sources = positions or document_positions(records)
    report_id = field_names("reports").index("id")
    assessment_id = field_names("assessments").index("id")
    reports, assessments = records["reports"], records["assessments"]
    measures = rows["measures"]
    sections = [(section, rows[resource]) for section, resource in _SECTIONS]
    blake = hashlib.blake2b
    keys: dict[str, str] = {}
    for k, mid in enumerate(ids):
        found = at[mid]
        parts = [measures[k]]
        for section, shown in sections:
            mine = found[section]
            parts.append(b"\x1e%d:" % len(mine))
            parts += [shown[i] for i in mine]
            if section == "reports":
                for i in mine:
                    own = str(reports[i][report_id])
                    parts.append(_joined(rows["report_evidence"], evidence.get(own, [])))
            elif section == "assessments":
                for i in mine:
                    own = str(assessments[i][assessment_id])
                    parts.append(_joined(rows["assessment_reports"], assessed.get(own, [])))
                    parts.append(_joined(rows["assessment_sources"], sources.get(own, [])))
        keys[mid] = blake(b"".join(parts), digest_size=16).hexdigest()
    return keys


def _joined(shown: list[bytes], positions: list[int]) -> bytes:
    return b"\x1c%d:" % len(positions) + b"".join([shown[i] for i in positions])


def document_positions(records: Tables) -> Positions:
    """The measures' ids, and where each document's rows are (`measure_documents`,
    `document_keys`): by measure and section, the evidence by report, the reports and
    sources by assessment."""
    ids = measure_ids(records)
    at: dict[str, dict[str, list[int]]] = {
        mid: {section: [] for section, _ in _SECTIONS} for mid in ids
    }
    for section, resource in _SECTIONS:
        key = field_names(resource).index("measure")
        for i, row in enumerate(records[resource]):
            # a row of no measure of the package (a broken reference) is in no document:
            # the package's checks (`check_keys`) stop the build on it
            found = at.get(str(row[key]))
            if found is not None:
                found[section].append(i)
    evidence = _positions(records, "report_evidence", "report")
    assessed = _positions(records, "assessment_reports", "assessment")
    sources = _positions(records, "assessment_sources", "assessment")
    return ids, at, evidence, assessed, sources


def measure_ids(records: Tables) -> list[str]:
    """The ids of the measures of the package tables, in their order."""
    at = field_names("measures").index("id")
    return [str(row[at]) for row in records["measures"]]


def _without(row: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k != key}


def _positions(records: Tables, resource: str, key: str) -> dict[str, list[int]]:
    """The positions of a resource's rows by the text of their `key` field."""
    at = field_names(resource).index(key)
    found: dict[str, list[int]] = {}
    for i, row in enumerate(records[resource]):
        found.setdefault(str(row[at]), []).append(i)
    return found


def _width(kind: str, name: str, title: str) -> float:
    """A column's width in characters: wide for texts and names, else its header's."""
    if name in ("title", "text", "description", "rationale", "answer", "summary", "name"):
        return 60
    if name.endswith("_name"):
        return 40
    return min(max(12 if kind == "date" else 10, len(title) + 3), 30)


def xlsx_bytes(tables: Tables, as_of: dt.date, title: str) -> bytes:
    """The package as a workbook (`write_xlsx`), as bytes."""
    out = io.BytesIO()
    write_xlsx(tables, as_of, title, out)
    return out.getvalue()


def write_xlsx(
    tables: Tables,
    as_of: dt.date,
    title: str,
    target: Path | BinaryIO,
    digests: Mapping[str, str] | None = None,
    previous: Path | None = None,
    known: Mapping[str, str] | None = None,
    same_rows: Mapping[str, Sequence[int]] | None = None,
) -> xlsx.FixedZip:
    """The package as a workbook: a sheet about the data, then one sheet per resource, its
    header the Ukrainian titles of the columns (the schema's `title`).

    Every text is a text cell, never a formula (see builder/opendata/xlsx.py); dates are dates; the
    workbook's own dates are the snapshot's date, so the same data give the same bytes.
    `digests` (of each table's rows, `table_digests`): a table's sheet is copied from the
    `previous` workbook when its rows are the same (`xlsx.write_workbook`), and of a table
    whose rows changed, the rows in `same_rows` (positions: the same values at the same
    place) are taken from its sheet; returns the workbook's (closed) zip, with the keys of
    its parts.
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
    keys: list[str | None] = [None]  # the sheet about the data: small, made every time
    for name in RESOURCES:  # the sheet's name, header and widths follow the schema (static)
        keys.append(f"{name}:{digests[name]}" if digests else None)
    places = {RESOURCES.index(name) + 1: rows for name, rows in (same_rows or {}).items()}
    return xlsx.write_workbook(sheets, title, as_of, target, keys, previous, known, places)


def table_digests(
    tables: Tables,
    names: Sequence[str] = RESOURCES,
    given: Mapping[str, list[bytes]] | None = None,
) -> tuple[dict[str, str], dict[str, list[bytes]]]:
    """Each table's digest and its rows' digests (`row_digests`, of their `repr`s: the `repr`
    of a row of plain values — text, numbers, booleans, dates, None — tells every value and
    its type apart), so two tables with the same digest have the same rows and make the same
    files in every format (issue 22: the parts of the newest package whose tables a merged
    report left as they were are taken from the previous build). A table's digest is made of
    its row count and its rows' digests, not of its whole text again (the reports table's
    ~17 MB). `given`: the rows' digests of some tables, made otherwise (`snapshots.
    report_row_digests`)."""
    known = given or {}
    rows = {
        name: known[name] if name in known else row_digests(list(map(repr, tables[name])))
        for name in names
    }
    digests = {
        name: hashlib.blake2b(b"%d\n" % len(found) + b"".join(found), digest_size=16).hexdigest()
        for name, found in rows.items()
    }
    return digests, rows
