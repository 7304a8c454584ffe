"""One data file: safe YAML with positions, typed into its record, problems as data; the
layout of kinds of file under `data/`.

Every problem is returned as data (`Problem`) with the file, line and column, never raised.
YAML is read with PyYAML's C parser; every scalar stays a string (only `null`/`~` is
special) and pydantic does the typing, so `id: 1.1` stays "1.1" and `yes` is no accident.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from . import models as m
from .errors import Problem, problem_params

MAX_FILE_BYTES = 1024 * 1024
NULL_TAG = "tag:yaml.org,2002:null"
STR_TAG = "tag:yaml.org,2002:str"
MAP_TAG = "tag:yaml.org,2002:map"
SEQ_TAG = "tag:yaml.org,2002:seq"


_NULLS = frozenset(("~", "null", "Null", "NULL", ""))


class _Loader(yaml.CSafeLoader):  # type: ignore[misc,name-defined]
    """C parser; implicit types limited to null so that pydantic types every value."""

    def resolve(self, kind: type, value: Any, implicit: tuple[bool, bool]) -> str:
        """Tag of an untagged node: the answers of PyYAML's resolver with only the null rule.

        The C parser calls this once per node; PyYAML's generic version costs a regex lookup
        per scalar, a quarter of all parsing time on a large programme.
        """
        if kind is yaml.ScalarNode:
            return NULL_TAG if implicit[0] and value in _NULLS else STR_TAG
        return SEQ_TAG if kind is yaml.SequenceNode else MAP_TAG


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag == NULL_TAG]
    for first, resolvers in yaml.CSafeLoader.yaml_implicit_resolvers.items()  # type: ignore[attr-defined]
}

Path_ = tuple[str | int, ...]


@dataclass
class SourceFile:
    """Where a record came from: its file and the line/column of every value in it."""

    path: str
    positions: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[Path_, tuple[int, int]] = field(default_factory=dict)

    def where(self, loc: Path_ = (), key: bool = False) -> tuple[int, int]:
        """Line and column of the value (or key) at `loc`, or of its nearest ancestor."""
        loc = tuple(loc)
        if key and loc in self.key_positions:
            return self.key_positions[loc]
        while loc and loc not in self.positions:
            loc = loc[:-1]
        return self.positions.get(loc, (1, 1))

    def problem(
        self,
        loc: Path_,
        message: str,
        hint: str = "",
        code: str = "invalid",
        severity: str = "error",
        key: bool = False,
        **params: object,
    ) -> Problem:
        """A problem located at `loc` in this file; `message` and `hint` are message ids
        (`N_("…{name}…")`) whose placeholders `params` fill when it is shown."""
        line, col = self.where(loc, key=key)
        return Problem(
            self.path,
            line,
            col,
            field_name(loc),
            message,
            hint,
            code,
            severity,
            problem_params(params),
        )


def field_name(loc: Path_) -> str:
    """`indicators[0].weight` from ('indicators', 0, 'weight')."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + str(part)
    return text


# ---------------------------------------------------------------- YAML with positions


class _YamlProblem(Exception):
    def __init__(self, line: int, col: int, message: str, hint: str, code: str, loc: Path_ = ()):
        super().__init__(message)
        self.line, self.col, self.message, self.hint, self.code, self.loc = (
            line,
            col,
            message,
            hint,
            code,
            loc,
        )


def parse_yaml(text: str, source: SourceFile) -> Any:
    """Parse one YAML document into plain dicts/lists/strings, recording positions."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    finally:
        loader.dispose()
    if node is None:
        raise _YamlProblem(
            1, 1, "the file is empty", "write the record, or delete the file", "empty"
        )
    # Without an anchor (&name) there can be no alias, so the check for them is skipped.
    seen: set[int] | None = set() if "&" in text else None
    try:
        return _construct(node, (), source, seen)
    except _YamlProblem as exc:
        if exc.code == "alias":
            exc.line, exc.col = _alias_position(text, source.where(exc.loc[:-1]))
        raise


def _alias_position(text: str, parent: tuple[int, int]) -> tuple[int, int]:
    """Line and column of the first `*alias` at or after the parent node (nodes keep no alias marks)."""
    lines = text.splitlines(keepends=True)
    offset = sum(len(row) for row in lines[: parent[0] - 1]) + parent[1] - 1
    found = _ALIAS_RE.search(text, offset)
    if not found:
        return parent
    start = found.start()
    line = text.count("\n", 0, start) + 1
    return line, start - (text.rfind("\n", 0, start) + 1) + 1


_ALIAS_RE = re.compile(r"(?<![\w'\"])\*[^\s,\[\]{}]+")


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _construct(node: yaml.Node, loc: Path_, source: SourceFile, seen: set[int] | None) -> Any:
    if seen is not None:
        if id(node) in seen:
            line, col = _mark(node)
            raise _YamlProblem(
                line,
                col,
                "YAML aliases (*name) are not allowed",
                "write the value out in full",
                "alias",
                loc,
            )
        seen.add(id(node))
    mark = node.start_mark
    source.positions[loc] = (mark.line + 1, mark.column + 1)
    if isinstance(node, yaml.ScalarNode):
        if node.tag == NULL_TAG:
            return None
        if node.tag != STR_TAG:
            line, col = _mark(node)
            raise _YamlProblem(
                line, col, f"YAML tag {node.tag!r} is not allowed", "remove the '!' tag", "tag", loc
            )
        return node.value
    if isinstance(node, yaml.SequenceNode):
        if node.tag != SEQ_TAG:
            raise _YamlProblem(
                *_mark(node),
                f"YAML tag {node.tag!r} is not allowed",
                "remove the '!' tag",
                "tag",
                loc,
            )
        return [_construct(item, loc + (i,), source, seen) for i, item in enumerate(node.value)]
    if isinstance(node, yaml.MappingNode):
        if node.tag != MAP_TAG:
            raise _YamlProblem(
                *_mark(node),
                f"YAML tag {node.tag!r} is not allowed",
                "remove the '!' tag",
                "tag",
                loc,
            )
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in (STR_TAG, NULL_TAG):
                raise _YamlProblem(
                    *_mark(key_node),
                    "a key must be a plain name",
                    "write 'name: value'",
                    "key",
                    loc,
                )
            key = key_node.value
            if key == "<<":
                raise _YamlProblem(
                    *_mark(key_node),
                    "YAML merge keys (<<) are not allowed",
                    "write the keys out in full",
                    "alias",
                    loc,
                )
            if key in result:
                first = source.key_positions[loc + (key,)]
                raise _YamlProblem(
                    *_mark(key_node),
                    f"duplicate key '{key}' (first at line {first[0]})",
                    "keep one of them",
                    "duplicate-key",
                    loc + (key,),
                )
            key_loc = loc + (key,)
            mark = key_node.start_mark
            source.key_positions[key_loc] = (mark.line + 1, mark.column + 1)
            result[key] = _construct(value_node, key_loc, source, seen)
        return result
    raise _YamlProblem(*_mark(node), "unsupported YAML node", "", "yaml", loc)  # pragma: no cover


def read_yaml(path: Path, shown: str) -> tuple[Any, SourceFile, list[Problem]]:
    """Read and parse one file; problems (size, encoding, syntax) are returned, not raised."""
    source = SourceFile(shown)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return (
                None,
                source,
                [
                    Problem(
                        shown,
                        0,
                        0,
                        "",
                        f"the file is {size:,} bytes, over the 1 MiB limit",
                        "split it or move long text into linked documents",
                        "too-large",
                    )
                ],
            )
        raw = path.read_bytes()
    except OSError as exc:
        return (
            None,
            source,
            [Problem(shown, 0, 0, "", f"cannot read the file: {exc.strerror}", "", "unreadable")],
        )
    return parse_bytes(raw, shown)


def parse_bytes(raw: bytes, shown: str) -> tuple[Any, SourceFile, list[Problem]]:
    """Decode and parse the bytes of one file (as read by `read_yaml`)."""
    source = SourceFile(shown)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return (
            None,
            source,
            [
                Problem(
                    shown,
                    line,
                    col,
                    "",
                    "the file is not UTF-8 text",
                    "save it as UTF-8 (in most editors: Save with encoding → UTF-8)",
                    "encoding",
                )
            ],
        )
    try:
        return parse_yaml(text, source), source, []
    except _YamlProblem as exc:
        return (
            None,
            source,
            [
                Problem(
                    shown, exc.line, exc.col, field_name(exc.loc), exc.message, exc.hint, exc.code
                )
            ],
        )
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        message = f"YAML syntax: {exc.problem or exc.context}"
        hint = "check the indentation and quoting on this line"
        if "\t" in (exc.problem or "") or (
            mark
            and text.splitlines()[mark.line : mark.line + 1]
            and "\t" in text.splitlines()[mark.line][: mark.column + 1]
        ):
            message = "a tab is used for indentation"
            hint = "indent with spaces, never tabs"
        return None, source, [Problem(shown, line, col, "", message, hint, "yaml")]
    except yaml.YAMLError as exc:
        return None, source, [Problem(shown, 1, 1, "", f"YAML: {exc}", "", "yaml")]


# ---------------------------------------------------------------- pydantic errors to positions

_KNOWN_FIELDS = sorted(
    {
        name
        for model in vars(m).values()
        if isinstance(model, type) and issubclass(model, BaseModel)
        for name in model.model_fields
    }
)

_HINTS = {
    "missing": "add it",
    "string_pattern_mismatch": "",
    "date_from_datetime_parsing": "write dates as YYYY-MM-DD",
    "date_parsing": "write dates as YYYY-MM-DD",
    "date_from_datetime_inexact": "write dates as YYYY-MM-DD",
    "date_type": "write dates as YYYY-MM-DD",
    "bool_parsing": "write true or false",
    "int_parsing": "write a whole number",
    "float_parsing": "write a number, e.g. 25 or 12.5",
    "list_type": "write a list: one '- item' per line",
    "dict_type": "write 'key: value' lines under it",
    "model_type": "write 'key: value' lines under it",
}


def _pattern_hint(ctx: dict[str, Any]) -> str:
    pattern = str(ctx.get("pattern", ""))
    if pattern == m.ID_PATTERN:
        return "an id uses letters, digits, '.', '-', '_' and brackets — no spaces, '/' or '..'"
    if pattern == m.PERIOD_PATTERN:
        return "write a quarter as YYYY-Qn, e.g. 2024-Q1"
    if pattern.startswith("^https?"):
        return "links must start with http:// or https://"
    if "@" in pattern:
        return "write an e-mail address like name@example.gov.ua"
    return f"it must match {pattern}"


def _trim(loc: tuple[Any, ...], data: Any) -> tuple[Path_, Any]:
    """The part of a pydantic location that exists in the data (drops union member names)."""
    kept: list[str | int] = []
    current = data
    for part in loc:
        if isinstance(current, dict) and isinstance(part, str) and part in current:
            current = current[part]
        elif isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current):
            current = current[part]
        else:
            return tuple(kept), part
        kept.append(part)
    return tuple(kept), None


def validation_problems(exc: ValidationError, data: Any, source: SourceFile) -> list[Problem]:
    """Turn pydantic's errors into located problems, one per distinct place."""
    problems: dict[tuple[Path_, str], Problem] = {}
    for err in exc.errors(include_url=False):
        loc, rest = _trim(tuple(err["loc"]), data)
        kind = err["type"]
        hint = _HINTS.get(kind, "")
        msg = err["msg"]
        if kind == "extra_forbidden":
            near = difflib.get_close_matches(str(loc[-1]), _KNOWN_FIELDS, n=1)
            msg = f"unknown key '{loc[-1]}'"
            hint = f"did you mean '{near[0]}'?" if near else "remove it or check its spelling"
            problems[(loc, kind)] = source.problem(loc, msg, hint, "unknown-key", key=True)
            continue
        if kind == "missing" and rest is not None:
            full = loc + (rest,)
            line, col = source.where(loc)
            problems[(full, kind)] = Problem(
                source.path,
                line,
                col,
                field_name(full),
                "required field is missing",
                "add it",
                "missing",
            )
            continue
        if kind == "string_pattern_mismatch":
            value = err.get("input")
            msg = f"{value!r} is not allowed here"
            hint = _pattern_hint(err.get("ctx") or {})
        elif kind == "enum":
            msg = f"{err.get('input')!r} is not in the official list"
            hint = "use one of: " + str((err.get("ctx") or {}).get("expected", ""))
        elif kind in ("literal_error",):
            msg = f"{err.get('input')!r} is not allowed"
            hint = "use one of: " + str((err.get("ctx") or {}).get("expected", ""))
        elif kind.startswith("date") or kind in ("int_parsing", "float_parsing", "bool_parsing"):
            msg = f"{err.get('input')!r}: {msg[0].lower()}{msg[1:]}"
        key = (
            loc,
            kind if kind not in ("enum", "literal_error", "string_pattern_mismatch") else "value",
        )
        if key in problems:  # a union reports one error per member; the first says enough
            continue
        problems[key] = source.problem(loc, msg, hint, kind)
    return list(problems.values())


# ---------------------------------------------------------------- the data layout


@dataclass(frozen=True)
class Kind:
    """One kind of file in the layout: where it lives and which model it holds."""

    name: str
    model: type[m.Record]
    depth: int  # path components below data/: 0 = a single file, 1 = folder/<id>.yaml, 2 = folder/<group>/<id>.yaml
    attr: str
    example: str


LAYOUT: dict[str, Kind] = {
    "programme": Kind("programme", m.Programme, 0, "programme", "programme.yaml"),
    "staff": Kind("staff", m.Staff, 0, "staff", "staff.yaml"),
    "sections": Kind("sections", m.Section, 1, "sections", "sections/1.1.yaml"),
    "results": Kind("results", m.ExpectedResult, 1, "results", "results/1.1.1.4.yaml"),
    "measures": Kind("measures", m.Measure, 1, "measures", "measures/1.1.1.4.2.yaml"),
    "executors": Kind("executors", m.Executor, 1, "executors", "executors/nazk.yaml"),
    "reports": Kind("reports", m.Report, 2, "reports", "reports/2024-Q1/1.1.1.4.2.yaml"),
    "assessments": Kind(
        "assessments", m.Assessment, 2, "assessments", "assessments/2024-Q1/1.1.1.4.2.yaml"
    ),
    "evaluations": Kind(
        "evaluations", m.Evaluation, 2, "evaluations", "evaluations/2024/1.1.1.4.yaml"
    ),
    "feedback": Kind("feedback", m.Feedback, 1, "feedback", "feedback/2024-0001.yaml"),
    "notices": Kind("notices", m.Notice, 1, "notices", "notices/2025-01-maintenance.yaml"),
}


def kind_of(rel: str) -> tuple[Kind | None, str]:
    """The kind of a path relative to data/ and the record's key ('' if the path is not in the layout)."""
    parts = rel.split("/")
    if not parts[-1].endswith(".yaml"):
        return None, ""
    if len(parts) == 1:
        kind = LAYOUT.get(parts[0][:-5])
        return (kind, kind.name) if kind and kind.depth == 0 else (None, "")
    kind = LAYOUT.get(parts[0])
    if kind is None or len(parts) != kind.depth + 1:
        return None, ""
    return kind, "/".join(parts[1:])[:-5]


ParseFn = Callable[[Path, str], tuple[Any, SourceFile, list[Problem]]]
Read = tuple[m.Record | None, SourceFile, list[Problem]]


def read_record(path: Path, shown: str, kind: Kind, parse: ParseFn = read_yaml) -> Read:
    """Read, parse and type one file of the layout: its record, or the problems that stop it."""
    raw, source, found = parse(path, shown)
    if found:
        return None, source, found
    if not isinstance(raw, dict):
        return (
            None,
            source,
            [
                Problem(
                    shown,
                    1,
                    1,
                    "",
                    "the file must hold one record: 'key: value' lines",
                    f"see the example in docs/data-layout.md ({kind.example})",
                    "not-a-mapping",
                )
            ],
        )
    try:
        return kind.model.model_validate(raw), source, []
    except ValidationError as exc:
        return None, source, validation_problems(exc, raw, source)
