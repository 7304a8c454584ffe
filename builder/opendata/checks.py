"""The package checked before it is written, by frictionless's rules: types, constraints, keys."""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import itertools
import operator
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import BuildError
from ..i18n import _, ngettext
from .formats import csv_cell, read_index
from .snapshots import Package
from .tables import RESOURCES, Record, Tables, Value, field_names, schema_dir, table_schemas


def fail(label: str, errors: list[str]) -> BuildError:
    """The error that stops the build: up to 50 of a package's errors and how to fix them.

    Each error stays in frictionless's words ("resource 'measures', row 2, field 'status':
    constraint-error: …"), so it can be compared with `frictionless validate`; the sentences
    around them are the catalogue's."""
    lines = [
        ngettext(
            "the open-data package '{label}' is invalid ({n} error):",
            "the open-data package '{label}' is invalid ({n} errors):",
            len(errors),
            label=label,
        ),
        *(f"  {e}" for e in errors[:50]),
    ]
    if len(errors) > 50:
        lines.append("  " + _("… and {more} more", more=len(errors) - 50))
    lines.append(
        _(
            "A value breaks the contract in schemas/tables/: fix the data it comes from "
            "(run 'dap validate') or, if the contract is wrong, the table schema."
        )
    )
    return BuildError("\n".join(lines))


_TRUE = frozenset(("true", "True", "TRUE", "1"))
_FALSE = frozenset(("false", "False", "FALSE", "0"))
_NOT_A_VALUE = object()
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _read_value(kind: str, text: str) -> object:
    """A CSV cell's text as frictionless reads a field of this type (`_NOT_A_VALUE` if not)."""
    try:
        if kind == "string":
            return text
        if kind == "integer":
            return int(text.strip())
        if kind == "number":
            return float(text.strip())
        if kind == "date":
            if _ISO_DATE.fullmatch(text):
                return dt.date.fromisoformat(text)  # the same as strptime here, 10x faster
            return dt.datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        return _NOT_A_VALUE
    if kind == "boolean":
        return True if text in _TRUE else False if text in _FALSE else _NOT_A_VALUE
    raise BuildError(
        _("the table schemas use the type '{kind}', which the row check does not know", kind=kind)
    )


@dataclass(frozen=True)
class _FieldCheck:
    name: str
    kind: str
    required: bool
    pattern: re.Pattern[str] | None
    enum: tuple[object, ...] | None
    minimum: object
    maximum: object
    constrained: bool  # has any of pattern, enum, minimum, maximum


@functools.cache
def _field_checks(name: str) -> tuple[_FieldCheck, ...]:
    """Each field's type and constraints, read the way frictionless reads them."""
    found = []
    for f in table_schemas()[name]["schema"]["fields"]:
        kind = f["type"]
        c = f.get("constraints", {})
        unknown = set(c) - {"required", "pattern", "enum", "minimum", "maximum"}
        if unknown:
            raise BuildError(
                _(
                    "{path}: field '{field}' uses the constraint(s) {constraints}, which the row "
                    "check does not know",
                    path=schema_dir() / (name + ".json"),
                    field=f["name"],
                    constraints=", ".join(sorted(unknown)),
                )
            )

        def read(value: object, kind: str = kind) -> object:
            return value if not isinstance(value, str) else _read_value(kind, value)

        found.append(
            _FieldCheck(
                f["name"],
                kind,
                bool(c.get("required")),
                re.compile(f"^{c['pattern']}$") if "pattern" in c and kind == "string" else None,
                tuple(read(v) for v in c["enum"]) if "enum" in c else None,
                read(c["minimum"]) if "minimum" in c else None,
                read(c["maximum"]) if "maximum" in c else None,
                bool({"pattern", "enum", "minimum", "maximum"} & set(c)),
            )
        )
    return tuple(found)


def check_rows(name: str, rows: Iterable[tuple[int, Record]], label: str) -> list[str]:
    """Types and constraints of numbered rows, checked on their CSV text as frictionless does.

    The CSV cell of each value (`csv_cell`, formula protection included) is what
    `_check_cells` reads. It serves the rows of older snapshots that are not in the newest
    package; the newest package is checked as written, by `check_csv`.
    """
    cells = ((number, [csv_cell(v) for v in row]) for number, row in rows)
    return _check_cells(name, cells, label)


def check_csv(name: str, content: bytes, label: str) -> list[str]:
    """A resource's CSV as published, read back the way frictionless reads it.

    The bytes are parsed as CSV (UTF-8 with BOM, RFC 4180 quoting); the header must be the
    schema's field names and every record must have one cell per field (else a quoting or
    line-break mistake shifted them); then each cell's text is read as its field's type and
    checked against its constraints (`_check_cells`). Tests require the same (row, field,
    error type) as frictionless on broken rows, and frictionless to pass the built packages.
    """
    names = list(field_names(name))
    # read as a stream: neither the decoded text nor its records are ever whole in memory
    text = io.TextIOWrapper(io.BytesIO(content), encoding="utf-8-sig", newline="")
    reader = csv.reader(text)
    header = next(reader, [])
    shape: list[str] = []  # a wrong header or cell count: reported alone, as frictionless does
    if header != names:
        shape.append(f"resource '{name}': the header {header!r} is not the schema's fields")

    def records() -> Iterator[tuple[int, list[str]]]:
        for number, cells in enumerate(reader, 2):
            if len(cells) != len(names):
                shape.append(
                    f"resource '{name}', row {number}: {len(cells)} cells for {len(names)} "
                    "fields (a quoting or line-break mistake in the CSV writer)"
                )
            elif not shape:
                yield number, cells

    errors = _check_cells(name, records(), label)
    if shape:
        return [f"{label}: {e}" for e in shape] if label else shape
    return errors


def _check_cells(name: str, rows: Iterable[tuple[int, list[str]]], label: str) -> list[str]:
    """Read each cell's text as its field's type (empty means missing), then check it against
    `required`, `pattern`, `enum`, `minimum` and `maximum` (every published cell goes here)."""
    checks = _field_checks(name)
    errors: list[str] = []
    for number, cells in rows:
        for check, text in zip(checks, cells, strict=True):
            if not text:
                if check.required:
                    errors.append(
                        _cell_error(name, number, check, 'constraint "required" is "True"')
                    )
                continue
            read = text if check.kind == "string" else _read_value(check.kind, text)
            if read is _NOT_A_VALUE:
                what = f'type is "{check.kind}/default" (value {text!r})'
                errors.append(_cell_error(name, number, check, what, "type-error"))
            elif check.constrained:
                broken = (
                    ("pattern", check.pattern is not None and not check.pattern.match(text)),
                    ("enum", check.enum is not None and read not in check.enum),
                    ("minimum", check.minimum is not None and not read >= check.minimum),  # type: ignore[operator]
                    ("maximum", check.maximum is not None and not read <= check.maximum),  # type: ignore[operator]
                )
                errors += [
                    _cell_error(
                        name, number, check, f'constraint "{c}" is not met (value {text!r})'
                    )
                    for c, bad in broken
                    if bad
                ]
    return [f"{label}: {e}" for e in errors] if label else errors


def _cell_error(
    name: str, number: int, check: _FieldCheck, what: str, kind: str = "constraint-error"
) -> str:
    return f"resource '{name}', row {number}, field '{check.name}': {kind}: {what}"


def _key_getter(positions: list[int] | tuple[int, ...]) -> Callable[[Record], Any]:
    """A row's key: the value itself for a one-field key, else a tuple (`_key_values`)."""
    return operator.itemgetter(*positions)


def _key_values(key: Any, width: int) -> tuple[Value, ...]:
    return (key,) if width == 1 else tuple(key)


def check_keys(
    tables: Tables,
    label: str,
    contents: Mapping[str, object] | None = None,
    checked: set[tuple[object, ...]] | None = None,
) -> None:
    """Primary keys unique and foreign keys resolved, by the rules frictionless applies.

    With `contents` (each resource's CSV bytes, or their digests) and `checked`, a check whose tables have the
    same content as in a snapshot checked before is skipped. The common case (no error) is
    decided on sets; rows are looked at one by one only to name the ones in error.
    """
    errors: list[str] = []
    schemas = table_schemas()
    present: dict[tuple[str, tuple[int, ...]], set[Any]] = {}
    done = checked if checked is not None else set()

    def first_time(*key: object) -> bool:
        if contents is None:
            return True
        if key in done:
            return False
        done.add(key)
        return True

    for name in RESOURCES:
        schema = schemas[name]["schema"]
        names = field_names(name)
        rows = tables[name]
        own = contents[name] if contents is not None else None
        if first_time("pk", name, own):
            pk = schema["primaryKey"]
            get = _key_getter([names.index(f) for f in pk])
            if len(set(map(get, rows))) != len(rows):
                seen: set[Any] = set()
                for i, row in enumerate(rows, 2):
                    key = get(row)
                    if key in seen:
                        shown = _key_values(key, len(pk))
                        errors.append(f"resource '{name}', row {i}: primary-key: {shown} repeats")
                    seen.add(key)
        for n, fk in enumerate(schema.get("foreignKeys", [])):
            fields = _as_list(fk["fields"])
            ref = fk["reference"]
            target = ref["resource"] or name
            theirs = contents[target] if contents is not None else None
            if not first_time("fk", name, n, own, theirs):
                continue
            target_names = field_names(target)
            ref_at = tuple(target_names.index(f) for f in _as_list(ref["fields"]))
            keys = present.get((target, ref_at))
            if keys is None:
                keys = present[(target, ref_at)] = set(map(_key_getter(ref_at), tables[target]))
            get = _key_getter([names.index(f) for f in fields])
            width = len(fields)
            missing = {
                v
                for v in set(map(get, rows)) - keys
                if not all(x is None for x in _key_values(v, width))
            }
            if not missing:
                continue
            for i, row in enumerate(rows, 2):
                value = get(row)
                if value in missing:
                    where = dict(zip(fields, _key_values(value, width), strict=True))
                    errors.append(
                        f"resource '{name}', row {i}: foreign-key: {where} not found in '{target}'"
                    )
    if errors:
        raise fail(label, errors)


def _as_list(value: str | list[str]) -> list[str]:
    return value if isinstance(value, list) else [value]


def check_newest(pkg: Package) -> list[str]:
    """Every resource of the newest package as written (`check_csv` on its CSV bytes), but
    those whose CSV is the previous build's, checked then (`Package.reused`); of a CSV made
    of the previous build's lines and new ones (`Package.fresh`), the new lines."""
    errors: list[str] = []
    for name in RESOURCES:
        if name in pkg.reused:
            continue
        if name in pkg.fresh:
            errors += check_lines(name, pkg.csvs[name], pkg.fresh[name], pkg.indexes[name])
        else:
            errors += check_csv(name, pkg.csvs[name], "")
        if len(errors) > 50:
            break
    return errors


def check_lines(name: str, content: bytes, positions: list[int], index: bytes) -> list[str]:
    """Rows `positions` of a resource's CSV (`content`, its lines' lengths in its row index),
    each line read on its own as `check_csv` reads the whole: one record, one cell per
    field, each cell read and checked (issue 22: the other lines were checked by the build
    that made them, under the same schemas and code)."""
    names = field_names(name)
    lengths, _ = read_index(index)
    starts = list(itertools.accumulate(lengths, initial=len(content) - sum(lengths)))
    shape: list[str] = []
    cells: list[tuple[int, list[str]]] = []
    for i in positions:
        line = content[starts[i] : starts[i + 1]].decode("utf-8")
        records = list(csv.reader(io.StringIO(line, newline="")))
        if len(records) != 1 or len(records[0]) != len(names):
            found = sum(map(len, records))
            shape.append(
                f"resource '{name}', row {i + 2}: {found} cells for {len(names)} "
                "fields (a quoting or line-break mistake in the CSV writer)"
            )
        else:
            cells.append((i + 2, records[0]))
    return shape or _check_cells(name, cells, "")


def check_packages(packages: list[Package]) -> None:
    """What `check_newest` does not check: older snapshots' new rows, and keys (the packages
    in one list; `PackageChecks` checks them as they are made)."""
    checks = PackageChecks()
    newest = next((p for p in packages if p.latest), None)  # None: it was not built anew
    if newest is not None:
        checks.add([newest], newest=True)
    for pkg in packages:
        if pkg is not newest and (newest is None or pkg.tables is not newest.tables):
            checks.add([pkg])


class PackageChecks:
    """`check_packages` one snapshot at a time, the newest package first, so that an older
    snapshot's package can be dropped once it is checked and rendered (issue 22: the build
    holds one older package at a time, not all twelve).

    Rows of an older snapshot that also are in an earlier-checked package (the newest) are
    checked there (a row's types and constraints do not depend on the snapshot); the others
    (e.g. a status as it was then) get `check_rows`, the same checks on the same CSV text.
    Keys depend on which rows are present: `check_keys` checks every distinct snapshot,
    skipping a check whose tables have the same content (by their CSV's digest) as one done.
    The first package with an error stops the build (`fail`)."""

    def __init__(self) -> None:
        self.keys_checked: set[tuple[object, ...]] = set()
        self.seen: dict[str, set[Record]] = {name: set() for name in RESOURCES}
        self._newest: Tables | None = None  # its rows join `seen` when an older one comes

    def newest_rows(self, tables: Tables) -> None:
        """The newest package's rows, when it is made after the older ones (issue 22: the
        build holds its CSVs only once those are done): an older snapshot's rows that are
        among them are checked with it, as when it is added first (`check_newest`)."""
        self._newest = tables

    def add(self, packages: list[Package], newest: bool = False) -> None:
        """Check one snapshot's packages (its labels share the tables: checked once).
        `newest`: the newest package, whose rows `check_newest` checks on its CSV.

        Each table's content for `check_keys` is the digest of its rows when the package has
        them (the newest: `Package.digests`), else of its CSV (issue 22: a rebuild that makes
        the newest package only hashes no CSV and builds no set of its rows)."""
        if not packages:
            return
        pkg = packages[0]
        errors: list[str] = []
        if newest:
            self._newest = pkg.tables
        else:
            if self._newest is not None:
                for name in RESOURCES:
                    self.seen[name].update(self._newest[name])
                self._newest = None
            for name in RESOURCES:
                known = self.seen[name]
                fresh = [(i, row) for i, row in enumerate(pkg.tables[name], 2) if row not in known]
                known.update(row for _, row in fresh)
                if fresh and not errors:
                    errors += check_rows(name, fresh, "")
        if errors:
            raise fail(pkg.label, errors)
        contents: dict[str, object] = {
            name: ("rows", pkg.digests[name]) if pkg.digests else ("csv", pkg.csv_digest(name))
            for name in RESOURCES
        }
        check_keys(pkg.tables, pkg.label, contents, self.keys_checked)
