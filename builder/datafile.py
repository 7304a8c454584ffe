"""One data file: safe YAML with positions, its text cleaned, typed into its record, problems
as data; the layout of kinds of file under `data/`.

Every problem is returned as data (`Problem`) with the file, line and column, never raised,
and said in the person's words (builder/explain.py): PyYAML's and pydantic's own texts never
reach them. YAML is read with PyYAML's C parser; every scalar stays a string (only `null`/`~`
is special) and pydantic does the typing, so `id: 1.1` stays "1.1" and `yes` is no accident.
Text is cleaned here, once, so that validate, the site and the datasets see the same text
(`clean_text`, docs/data-layout.md "Text as it is kept"); what cleaning cannot mend is refused, located:
control characters, tabs outside a block text, a ' #' that would cut a text, YAML tags.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from . import models as m
from .errors import Problem, problem_params
from .explain import (
    ALIAS,
    COMMENT,
    CONTROL,
    DUPLICATE_KEY,
    EMPTY_FILE,
    FIELD_SHOWN,
    FREE_TEXT,
    HIDDEN,
    HIDDEN_IN_LAYOUT,
    HIDDEN_IN_NAME,
    HIDDEN_SPACE,
    KNOWN_FIELDS,
    MERGE_KEY,
    NOT_A_RECORD,
    NOT_UTF8,
    PLAIN_KEY,
    SEPARATOR,
    TAB_IN_TEXT,
    TAG,
    TOO_DEEP,
    TOO_LARGE,
    TOO_MANY,
    UNREADABLE_FILE,
    Path_,
    ReadProblem,
    Tally,
    block_form,
    code_point,
    explain_yaml,
    field_name,
    hidden_space,
    last_field,
    no_space_after_colon,
    unreadable,
    validation_problems,
)
from .i18n import shorten


def imported_on_use(name: str) -> ModuleType:
    """The module `name`, imported when one of its names is first used (the standard
    library's `importlib.util.LazyLoader`): a warm command restores its records from the cache
    and parses no file, and importing PyYAML costs every process ~15 ms (issue 14)."""
    found = sys.modules.get(name)
    if found is not None:
        return found
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ImportError(name)
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


if TYPE_CHECKING:
    import yaml
else:
    yaml = imported_on_use("yaml")


MAX_FILE_BYTES = 1024 * 1024
MAX_VALUES = 20_000  # lines and list items of one file (`_values`): a record needs far fewer
NULL_TAG = "tag:yaml.org,2002:null"
STR_TAG = "tag:yaml.org,2002:str"
MAP_TAG = "tag:yaml.org,2002:map"
SEQ_TAG = "tag:yaml.org,2002:seq"


_NULLS = frozenset(("~", "null", "Null", "NULL", ""))


@cache
def _loader() -> type:
    """PyYAML's C loader with implicit types limited to null, so that pydantic types every
    value (made on the first parse: PyYAML is imported then)."""

    class _Loader(yaml.CSafeLoader):  # type: ignore[misc,name-defined]
        def resolve(self, kind: type, value: Any, implicit: tuple[bool, bool]) -> str:
            """Tag of an untagged node: the answers of PyYAML's resolver with only the null
            rule.

            The C parser calls this once per node; PyYAML's generic version costs a regex
            lookup per scalar, a quarter of all parsing time on a large programme.
            """
            if kind is yaml.ScalarNode:
                return NULL_TAG if implicit[0] and value in _NULLS else STR_TAG
            return SEQ_TAG if kind is yaml.SequenceNode else MAP_TAG

    _Loader.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag == NULL_TAG]
        for first, resolvers in yaml.CSafeLoader.yaml_implicit_resolvers.items()  # type: ignore[attr-defined]
    }
    return _Loader


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
            shorten(field_name(loc), FIELD_SHOWN),
            message,
            hint,
            code,
            severity,
            problem_params(params),
        )


# ---------------------------------------------------------------- text as it is kept

_BREAKS = re.compile("\r\n?|[\x85\u2028\u2029]")
_RAW_BREAK = re.compile("[\x85\u2028\u2029]")  # line breaks to YAML 1.1, unseen in editors
# Control characters (newline and tab are judged apart) and the bidirectional overrides that
# make a text look other than it is: refused.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufff9-\ufffb]")
_SPACES = re.compile("[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")  # → " "
_INVISIBLE = re.compile("[\u00ad\u200b-\u200d\u2060\ufeff]")  # soft hyphen, zero width → ""
# Any of the above, or a tab or a line break to normalise: a text without one is kept as is.
_SUSPECT = re.compile(
    "[\t\x00-\x08\x0b-\x1f\x7f-\x9f\u00a0\u00ad\u1680\u2000-\u200d"
    "\u2028-\u202f\u205f-\u2069\u3000\ufeff\ufff9-\ufffb]"
)


def clean_text(text: str) -> str:
    """A text as it is kept (docs/data-layout.md, "Text as it is kept"): line breaks as \\n,
    non-breaking and other special spaces as a space, soft hyphens and zero-width characters
    removed. Control characters are refused before this, not cleaned."""
    if not _SUSPECT.search(text):
        return text
    text = _BREAKS.sub("\n", text)
    text = _SPACES.sub(" ", text)
    return _INVISIBLE.sub("", text)


# ---------------------------------------------------------------- YAML with positions


def parse_yaml(text: str, source: SourceFile) -> Any:
    """Parse one YAML document into plain dicts/lists/strings, recording positions and
    cleaning text; the first problem found is raised (`parse_text` returns them all)."""
    data, reader = _parse(text, source)
    if reader.found:
        raise reader.found[0]
    return data


def _parse(text: str, source: SourceFile) -> tuple[Any, _Reader]:
    values = _values(text) if len(text) > MAX_VALUES else 0  # each thing counted is a character
    if values > MAX_VALUES:  # PyYAML would take seconds over it: no record is that long
        raise ReadProblem((0, 0), *TOO_MANY, "too-large", count=values, limit=MAX_VALUES)
    suspect = _SUSPECT.search(text) is not None
    separator = _RAW_BREAK.search(text) if suspect else None
    if separator:  # an invisible line break: YAML breaks the line where nobody sees it
        at, char = _position(text, separator.start()), code_point(separator.group())
        raise ReadProblem(at, *SEPARATOR, "control-character", char=char)
    loader = _loader()(text)
    try:
        node = loader.get_single_node()
    finally:
        loader.dispose()
    if node is None:
        raise ReadProblem((1, 1), *EMPTY_FILE, "empty")
    reader = _Reader(text, source, suspect)
    try:
        data = reader.construct(node, (), -1)
    except ReadProblem as exc:
        if exc.code == "alias":
            exc.line, exc.col = _alias_position(text, source.where(exc.loc[:-1]))
        raise
    if isinstance(node, yaml.ScalarNode) and data is not None:
        lines = text.splitlines()
        hidden = hidden_space(lines)
        if hidden:
            raise hidden
        spaced = no_space_after_colon(lines, node.start_mark.line)
        if spaced:
            raise spaced
    return data, reader


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
_HIDDEN_OR_CONTROL = re.compile(f"[{HIDDEN}]|{_CONTROL.pattern}")
_ANCHOR_RE = re.compile(r"&\S*\s+")
_TAG_RE = re.compile(r"!\S*")
_COMMENT_AFTER = re.compile(r"[ \t]+#")
# Where a tag could be: a file without one is not searched for tags node by node.
_TAG_ANYWHERE = re.compile(r"(?:^|[ \t\[{,])!", re.M)


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


class _Reader:
    """One YAML text turned into plain values: positions recorded, text cleaned, traps found.

    The checks that cost time per value run only when the text holds the character they look
    for ('&' for aliases, '!' for tags, ' #' for comments, a suspect character for text).
    Problems that stop the reading are raised; those of one value are collected in `found`.
    """

    def __init__(self, text: str, source: SourceFile, suspect: bool):
        self.text, self.source = text, source
        self.seen: set[int] | None = set() if "&" in text else None
        self.tags = "!" in text and _TAG_ANYWHERE.search(text) is not None
        self.comments = " #" in text or "\t#" in text
        self.suspect = suspect or ('"' in text and "\\" in text)  # or an escape: "\x1b"
        self.found: list[ReadProblem] = []
        self.tally = Tally()
        self.lines = text.splitlines() if self.comments or self.suspect else []

    def construct(self, node: yaml.Node, loc: Path_, owner: int) -> Any:
        """The value of `node` at `loc`; `owner` is the column of its field's name or of its
        list item's '-' (-1 for the whole file)."""
        if self.seen is not None:
            if id(node) in self.seen:
                raise ReadProblem(_mark(node), *ALIAS, "alias", loc)
            self.seen.add(id(node))
        mark = node.start_mark
        self.source.positions[loc] = (mark.line + 1, mark.column + 1)
        if self.tags:
            self._refuse_tag(node, loc)
        if isinstance(node, yaml.ScalarNode):
            if self.comments and owner >= 0 and not node.style:
                self._cut_by_comment(node, loc, owner)
            if node.tag == NULL_TAG:
                return None
            return self._text(node, loc) if self.suspect else node.value
        if isinstance(node, yaml.SequenceNode):
            col = node.start_mark.column
            return [self.construct(item, loc + (i,), col) for i, item in enumerate(node.value)]
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise ReadProblem(_mark(key_node), *PLAIN_KEY, "key", loc)
            if self.tags:
                self._refuse_tag(key_node, loc)
            key = key_node.value
            if key == "<<":
                raise ReadProblem(_mark(key_node), *MERGE_KEY, "alias", loc)
            key_loc = loc + (key,)
            if key in result:
                first = self.source.key_positions[key_loc][0]
                message, hint = DUPLICATE_KEY
                raise ReadProblem(
                    _mark(key_node), message, hint, "duplicate-key", key_loc, name=key, first=first
                )
            if self.suspect and _HIDDEN_OR_CONTROL.search(key):
                raise self._hidden_in_key(key_node, key, key_loc)
            self.source.key_positions[key_loc] = _mark(key_node)
            result[key] = self.construct(value_node, key_loc, key_node.start_mark.column)
        return result

    def _refuse_tag(self, node: yaml.Node, loc: Path_) -> None:
        """A tag (`!!str`, `!<…>`, `!name`, a lone `!`) before a value: refused, as any is.
        A node starts at its tag (after its anchor), and no plain value starts with '!'."""
        text, at = self.text, node.start_mark.index
        if text.startswith("&", at):
            anchor = _ANCHOR_RE.match(text, at)
            at = anchor.end() if anchor else at
        if not text.startswith("!", at):
            return
        tag = _TAG_RE.match(text, at)
        raise ReadProblem(
            _mark(node), *TAG, "tag", loc, tag=tag.group() if tag else "!", name=last_field(loc)
        )

    def _cut_by_comment(self, node: yaml.ScalarNode, loc: Path_, owner: int) -> None:
        """A ' #' after a plain value of free text starts a comment, which YAML drops: what
        the person wrote after it would be lost, so it is refused. So is a comment line right
        below the value and indented under it, as if it went on with the text. Comments on
        their own line, and after ids, dates, numbers and official values, stay allowed."""
        if next((p for p in reversed(loc) if isinstance(p, str)), "") not in FREE_TEXT:
            return
        end, row = node.end_mark.index, node.end_mark.line
        stop = self.text.find("\n", end)
        cut = row
        if not _COMMENT_AFTER.match(self.text, end, len(self.text) if stop < 0 else stop):
            below = next((r for r in range(row + 1, len(self.lines)) if self.lines[r].strip()), -1)
            line = self.lines[below] if below >= 0 else ""
            if not line.lstrip(" ").startswith("#") or len(line) - len(line.lstrip(" ")) <= owner:
                return
            cut = below
        if not self.tally.wants("comment", lambda: _mark(node)):
            return
        key_line, key_col = self._owner_position(node, loc)
        lead = self.lines[key_line - 1][: key_col - 1]
        first = node.start_mark
        body = self.lines[first.line][first.column :].strip()
        if cut != first.line:
            body += " " + self.lines[cut].strip()
        fix = block_form(key_line, lead, last_field(loc), body)
        message, hint = COMMENT
        self.found.append(
            ReadProblem((key_line, key_col), message, hint, "comment", loc, cut=cut + 1, **fix)
        )

    def _owner_position(self, node: yaml.Node, loc: Path_) -> tuple[int, int]:
        """Line and column of the field name (or list item '-') that `node` is the value of."""
        if loc in self.source.key_positions:
            return self.source.key_positions[loc]
        line, col = node.start_mark.line, node.start_mark.column
        dash = self.lines[line].rfind("-", 0, col) if line < len(self.lines) else -1
        return line + 1, (dash if dash >= 0 else col) + 1

    def _text(self, node: yaml.ScalarNode, loc: Path_) -> str:
        """The text of a scalar as it is kept (`clean_text`); a control character, or a tab
        outside a block text, is refused (collected, and the reading goes on)."""
        value: str = node.value
        if not _SUSPECT.search(value):
            return value
        bad = _CONTROL.search(_BREAKS.sub("\n", value))
        code = "control-character" if bad else "tab"
        tab = "\t" in value and node.style not in ("|", ">")
        if (bad or tab) and self.tally.wants(code, lambda: _mark(node)):
            char = bad.group() if bad else "\t"
            message, hint = CONTROL if bad else TAB_IN_TEXT
            raw = self.text.find(char, node.start_mark.index, node.end_mark.index)
            line, col = _position(self.text, raw) if raw >= 0 else _mark(node)
            params = {"char": code_point(char), "name": last_field(loc)}
            self.found.append(ReadProblem((line, col), message, hint, code, loc, **params))
        hidden = None if node.style else HIDDEN_IN_LAYOUT.match(value)
        if hidden and value.partition(":")[0].strip() not in KNOWN_FIELDS:
            hidden = None  # a text with a non-breaking space after a colon: cleaned below
        if hidden and self.tally.wants("yaml", lambda: _mark(node)):  # `- url:\u00a0https://…`
            line, col = node.start_mark.line + 1, node.start_mark.column + hidden.end()
            char = code_point(hidden.group()[-1])
            self.found.append(ReadProblem((line, col), *HIDDEN_SPACE, "yaml", loc, "", char=char))
        return clean_text(value)

    def _hidden_in_key(self, key_node: yaml.Node, key: str, loc: Path_) -> ReadProblem:
        """An invisible character where the field's line needs a space, or in its name."""
        row = key_node.start_mark.line
        found = HIDDEN_IN_LAYOUT.match(self.lines[row]) if row < len(self.lines) else None
        if found:
            char = code_point(found.group()[-1])
            return ReadProblem(
                (row + 1, found.end()), *HIDDEN_SPACE, "yaml", loc[:-1], "", char=char
            )
        at = _HIDDEN_OR_CONTROL.search(key)
        col = key_node.start_mark.column + 1 + (at.start() if at else 0)
        char = code_point(at.group() if at else key[0])
        name = clean_text(_CONTROL.sub("", key))
        return ReadProblem(
            (row + 1, col), *HIDDEN_IN_NAME, "yaml", loc[:-1], "", char=char, name=name
        )


def _position(text: str, index: int) -> tuple[int, int]:
    """Line and column of the character at `index`."""
    return text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1


def read_yaml(path: Path, shown: str) -> tuple[Any, SourceFile, list[Problem]]:
    """Read and parse one file; problems (size, encoding, syntax) are returned, not raised."""
    source = SourceFile(shown)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            size_ = f"{size:,}".replace(",", " ")
            return (
                None,
                source,
                [ReadProblem((0, 0), *TOO_LARGE, "too-large", size=size_).as_problem(shown)],
            )
        raw = path.read_bytes()
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        found = ReadProblem((0, 0), *UNREADABLE_FILE, "unreadable", reason=reason)
        return None, source, [found.as_problem(shown)]
    return parse_bytes(raw, shown)


def parse_bytes(raw: bytes, shown: str) -> tuple[Any, SourceFile, list[Problem]]:
    """Decode and parse the bytes of one file (as read by `read_yaml`)."""
    source = SourceFile(shown)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, source, [ReadProblem((line, col), *NOT_UTF8, "encoding").as_problem(shown)]
    return parse_text(text, shown, source)


def _values(text: str) -> int:
    """About how many values a text holds, at most (counted in C, before any parsing): its
    lines, list items ('- '), and the items of [flow] lists when it has any."""
    values = text.count("\n") + 1 + text.count("- ")
    if "[" in text or "{" in text:
        values += text.count(",") + text.count("[") + text.count("{")
    return values


def parse_text(
    text: str, shown: str, source: SourceFile | None = None
) -> tuple[Any, SourceFile, list[Problem]]:
    """Parse the text of one file: its plain values, their positions, and every problem."""
    source = source or SourceFile(shown)
    try:
        data, reader = _parse(text, source)
    except ReadProblem as exc:
        return None, source, [exc.as_problem(shown)]
    except yaml.MarkedYAMLError as exc:
        return None, source, [explain_yaml(text, exc).as_problem(shown)]
    except yaml.reader.ReaderError as exc:
        before = text.encode("utf-8")[: exc.position].decode("utf-8", "ignore")  # a byte offset
        at = _position(text, len(before))
        char = code_point(chr(exc.character))
        control = ReadProblem(at, *CONTROL, "control-character", char=char)
        return None, source, [control.as_problem(shown)]
    except yaml.YAMLError:
        return None, source, [unreadable(0, 0).as_problem(shown)]
    except RecursionError:  # a value nested hundreds of levels deep: no record is like it
        return None, source, [ReadProblem((1, 1), *TOO_DEEP, field="").as_problem(shown)]
    if reader.found:
        found = [p.as_problem(shown) for p in reader.found]
        return None, source, found + reader.tally.more(shown)
    return data, source, []


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
        one = ReadProblem((1, 1), *NOT_A_RECORD, "not-a-mapping", example=kind.example)
        return None, source, [one.as_problem(shown)]
    try:
        return kind.model.model_validate(raw), source, []
    except ValidationError as exc:
        return None, source, validation_problems(exc, raw, source)
