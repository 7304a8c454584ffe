"""A data file's problems in the person's words: PyYAML's errors explained at the line to
change, with the corrected line; pydantic's errors as our own messages (dates as people write
them, the official lists, the shapes of ids and links); at most a few problems of a kind per file.

No text of PyYAML or pydantic reaches a person: each case has its message id here, with its
Ukrainian text in builder/locale/uk/LC_MESSAGES/datafile.po. `datafile.py` reads the file and
calls these.
"""

from __future__ import annotations

import calendar
import datetime as dt
import difflib
import re
import typing
from collections.abc import Callable
from types import UnionType
from typing import TYPE_CHECKING, Annotated, Any, Union

from pydantic import BaseModel, ValidationError

from . import models as m
from .errors import Problem, problem_params
from .i18n import N_, shorten

if TYPE_CHECKING:
    import yaml

    from .datafile import SourceFile

MAX_PER_KIND = 5  # problems of one kind shown per file; the rest are counted in one line
MAX_SUGGESTED_KEY = 40  # an unknown key this long or longer gets no "did you mean"
SHOWN = 50  # characters of a value shown inside a corrected line
FIELD_SHOWN = 60  # characters of a field's path shown before a message

Path_ = tuple[str | int, ...]


def field_name(loc: Path_) -> str:
    """`indicators[0].weight` from ('indicators', 0, 'weight')."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + str(part)
    return text


class Tally:
    """Counts the problems of one file by kind (code): at most MAX_PER_KIND of a kind are made
    and shown, the rest only counted, in one closing line per kind — a file of 100,000 mistakes
    gets a short answer, and quickly."""

    def __init__(self) -> None:
        self.seen: dict[str, int] = {}
        self.first_unshown: dict[str, tuple[int, int]] = {}

    def wants(self, code: str, where: Callable[..., tuple[int, int]]) -> bool:
        """Count one problem of kind `code`: True if it is to be shown (then make it)."""
        n = self.seen[code] = self.seen.get(code, 0) + 1
        if n > MAX_PER_KIND and code not in self.first_unshown:
            self.first_unshown[code] = where()
        return n <= MAX_PER_KIND

    def more(self, file: str) -> list[Problem]:
        """One line per kind with problems not shown: «… і ще таких самих проблем: N»."""
        return [
            Problem(file, line, col, "", MORE, "", code, params=problem_params({"count": n}))
            for code, (line, col) in self.first_unshown.items()
            for n in [self.seen[code] - MAX_PER_KIND]
        ]


def code_point(char: str) -> str:
    """How a message names an invisible character: U+00A0."""
    return f"U+{ord(char):04X}"


class ReadProblem(Exception):
    """A problem found while reading the YAML: raised to stop, or collected to go on."""

    def __init__(
        self,
        where: tuple[int, int],
        message: str,
        hint: str,
        code: str = "yaml",
        loc: Path_ = (),
        field: str | None = None,
        **params: object,
    ):
        super().__init__(message)
        (self.line, self.col), self.message, self.hint, self.code = where, message, hint, code
        self.loc, self.field, self.params = loc, field, params

    def as_problem(self, shown: str) -> Problem:
        """The problem of file `shown` (its field: the one at `loc`, unless given)."""
        name = shorten(field_name(self.loc) if self.field is None else self.field, FIELD_SHOWN)
        params = problem_params(self.params)
        return Problem(
            shown, self.line, self.col, name, self.message, self.hint, self.code, params=params
        )


def block_form(line: int, lead: str, name: str, body: str) -> dict[str, Any]:
    """The placeholders of BLOCK_HINT: the field's line written as `name: |`, the text below."""
    head = f"{lead}{name}: |" if name != "-" else f"{lead}- |"
    return {"line": line, "head": head, "name": name, "body": shorten(body.strip(), SHOWN)}


# ---------------------------------------------------------------- messages of the reading

TOO_DEEP = (
    N_("the values are nested hundreds of levels deep"),
    N_("write the record as the example in docs/data-layout.md shows"),
)
TOO_LARGE = (
    N_("the file is {size} bytes, over the 1 MiB limit"),
    N_("split it or move long text into linked documents"),
)
TOO_MANY = (
    N_("the file has {count} lines and list items, more than the {limit} a record may have"),
    N_("split it, or move long lists into files of their own"),
)
UNREADABLE_FILE = N_("cannot read the file: {reason}"), ""
NOT_UTF8 = (
    N_("the file is not UTF-8 text"),
    N_("save it as UTF-8 (in most editors: Save with encoding → UTF-8)"),
)
NOT_A_RECORD = (
    N_("the file must hold one record: 'field: value' lines"),
    N_("see the example in docs/data-layout.md ({example})"),
)
MORE = N_("… and {count} more problems like this in this file")
EMPTY_FILE = N_("the file is empty"), N_("write the record, or delete the file")
ALIAS = N_("YAML aliases (*name) are not allowed"), N_("write the value out in full")
MERGE_KEY = N_("YAML merge keys (<<) are not allowed"), N_("write the keys out in full")
PLAIN_KEY = N_("a key must be a plain name"), N_("write 'name: value'")
DUPLICATE_KEY = N_("duplicate key '{name}' (first at line {first})"), N_("keep one of them")
TAG = (
    N_("a YAML tag ('{tag}') is not allowed"),
    N_(
        "remove '{tag}'; if it is part of the text, write '{name}: |' and the text below it, indented"
    ),
)
CONTROL = (
    N_("an invisible control character ({char}) is in the text"),
    N_("delete it and retype the text around it (it comes with text pasted from another program)"),
)
SEPARATOR = (
    N_("an invisible line separator ({char}) is in the file: YAML breaks the line there"),
    N_("delete it; press Enter where a new line is meant"),
)
TAB_IN_TEXT = (
    N_("a tab character is in the text"),
    N_("replace it with a space (a tab is kept only in a block text: '{name}: |')"),
)
HIDDEN_SPACE = (
    N_("an invisible character ({char}) stands where YAML needs an ordinary space"),
    N_("delete it and type an ordinary space (it comes with text copied from Word or a web page)"),
)
HIDDEN_IN_NAME = (
    N_("an invisible character ({char}) is in the field name '{name}'"),
    N_("delete the name and type it again"),
)
# The corrected lines of a text that YAML cannot take as written: the block form keeps any text.
BLOCK_HINT = N_(
    "write line {line} as '{head}' and the text below it, each line 2 spaces further right "
    "than '{name}': '{body}'"
)
COMMENT = (
    N_("the text after '#' on line {cut} would be lost: YAML reads it as a comment"),
    N_(
        "to keep it, write line {line} as '{head}' and the text below it, 2 spaces further "
        "right than '{name}': '{body}'; put a comment on a line of its own"
    ),
)
HIDDEN = "\u00a0\u1680\u2000-\u200d\u202f\u205f\u2060\u3000\ufeff"
# An invisible character where YAML needs a space (or nothing): in the indentation, after
# the '-' of a list item or after the ':' of a field.
HIDDEN_IN_LAYOUT = re.compile(f"[ ]*(?:-[ ]+)*(?:-|[^\\s:#'\"][^:]*:)?[{HIDDEN}]")


# ---------------------------------------------------------------- YAML's errors, explained

# A line `  - name: value` (the value may be empty): its lead, field name and value.
_KEY_LINE = re.compile(
    r"(?P<lead>[ ]*(?:-[ ]+)*)(?P<key>[^\s:#'\"\[\]{}][^:]*?):(?:[ \t]+(?P<value>.*?))?[ \t]*$"
)
_NO_SPACE = re.compile(r"[ ]*(?:-[ ]+)*(?P<key>[A-Za-z_][\w.]*):(?P<value>[^\s/].*)$")
_NO_COLON = re.compile(r"[ ]*(?:-[ ]+)*(?P<key>[A-Za-z_]\w*)[ ]+(?P<value>\S.*)$")
QUOTE_FIRST = N_("the text starts with a quote ({char}), so YAML ends it at the next {char}")
LIST_FIRST = N_("the text starts with '{char}', so YAML reads a list, not a text")
SIGN_FIRST = N_("the text starts with '{char}', which YAML does not allow at the start of a value")
# The first character of a value that YAML reads as a sign of its own → what to say.
_FIRST = {"'": QUOTE_FIRST, '"': QUOTE_FIRST, "[": LIST_FIRST, "{": LIST_FIRST}
_FIRST.update(dict.fromkeys("-|>@`%*&!", SIGN_FIRST))
COLON_IN_TEXT = N_("the text contains ': ' (a colon and a space), which YAML reads as a new field")
UNCLOSED = N_("the quote ({char}) that begins the text is never closed")
BACKSLASH = N_("a backslash (\\) inside double quotes starts a special sign")
PARAGRAPH = N_(
    "a new paragraph of the text (line {paragraph}) is not indented, so YAML takes it for a "
    "new field"
)
TAB = N_("a tab is used for indentation"), N_("indent with spaces, never tabs")
TWO_RECORDS = (
    N_("the file holds more than one record: the line '---' starts another"),
    N_("keep one record in the file and delete the '---' line"),
)
NO_SPACE = N_("there is no space after the ':' of '{name}'"), N_("write '{fixed}'")
LONG_KEY = N_("the field name '{name}' is too long"), N_("remove it or check its spelling")
NO_COLON = N_("the ':' after '{name}' is missing"), N_("write '{fixed}'")
NEXT_LINE = (
    N_("the value of '{name}' is on the next line and is not indented"),
    N_(
        "write it on the same line: '{fixed}', or begin this line 2 spaces further right than '{name}'"
    ),
)
NOT_INDENTED = (
    N_("this line goes on with the text of '{name}' but is not indented"),
    N_(
        "begin it 2 spaces further right than '{name}', or write '{head}' and the whole text "
        "below it, indented"
    ),
)
INDENTED = (
    N_(
        "'{name}' is indented further than '{above}' above it, so YAML reads it as part of that value"
    ),
    N_("begin '{name}' at the same column as '{above}'"),
)
UNREADABLE = (
    N_("YAML cannot read this line: the spaces at its start or its punctuation are wrong"),
    N_(
        "every line is 'field: value', indented like the other lines of its level; compare it "
        "with the example in docs/data-layout.md"
    ),
)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _previous(lines: list[str], row: int) -> int:
    """The nearest line above `row` with something on it other than a comment (-1: none)."""
    for r in range(row - 1, -1, -1):
        stripped = lines[r].strip()
        if stripped and not stripped.startswith("#"):
            return r
    return -1


def _owner(lines: list[str], row: int, col: int) -> tuple[int, re.Match[str]] | None:
    """The line of the field whose value holds (`row`, `col`), and that line's parts."""
    here = _KEY_LINE.match(lines[row]) if row < len(lines) else None
    if here and here.end("key") < col:
        return row, here
    indent = _indent(lines[row]) if row < len(lines) else 0
    r = row
    while (r := _previous(lines, r)) >= 0:
        if _indent(lines[r]) < indent:
            found = _KEY_LINE.match(lines[r])
            return (r, found) if found else None
    return None


def _at(row: int, col: int, pair: tuple[str, str], name: str = "", **params: Any) -> ReadProblem:
    """A problem at line `row`, column `col` (both from 0) of field `name`."""
    return ReadProblem((row + 1, col + 1), *pair, field=name, name=name, **params)


def _trap(row: int, found: re.Match[str], message: str, **params: Any) -> ReadProblem:
    """A text that YAML cannot take as written, at its field's line, with the block form."""
    name = found["key"]
    fix = block_form(row + 1, found["lead"], name, found["value"] or "")
    return ReadProblem(
        (row + 1, found.start("key") + 1), message, BLOCK_HINT, field=name, **params, **fix
    )


def unreadable(row: int, col: int) -> ReadProblem:
    """A line YAML cannot read, for none of the reasons this module knows."""
    return _at(row, col, UNREADABLE)


def hidden_space(lines: list[str]) -> ReadProblem | None:
    """An invisible character (a non-breaking space …) where YAML needs a space."""
    for row, line in enumerate(lines):
        found = HIDDEN_IN_LAYOUT.match(line)
        if found:
            return _at(row, found.end() - 1, HIDDEN_SPACE, char=code_point(found.group()[-1]))
    return None


def no_space_after_colon(lines: list[str], row: int) -> ReadProblem | None:
    """`period:2024-Q1`: without a space after ':' YAML reads one text, not a field."""
    found = _NO_SPACE.match(lines[row]) if row < len(lines) else None
    if found is None:
        return None
    fixed = shorten(f"{found['key']}: {found['value']}", SHOWN)
    return _at(row, found.end("key"), NO_SPACE, found["key"], fixed=fixed)


def explain_yaml(text: str, exc: yaml.MarkedYAMLError) -> ReadProblem:
    """PyYAML's error as a problem a person can act on, at the line to change."""
    lines = text.splitlines()
    problem, context = exc.problem or "", exc.context or ""
    mark = exc.problem_mark or exc.context_mark
    row, col = (mark.line, mark.column) if mark else (0, 0)
    line = lines[row] if row < len(lines) else ""
    hidden = hidden_space(lines)
    if hidden:
        return hidden
    if "\t" in problem or "\t" in line[: col + 1]:
        return _at(row, line.find("\t") if "\t" in line else col, TAB)
    if "nesting depth" in problem:
        return ReadProblem((row + 1, col + 1), *TOO_DEEP, field="")
    if "another document" in problem:
        return _at(row, 0, TWO_RECORDS)
    if context.startswith("while scanning a simple key") and exc.context_mark:
        return _not_a_field(lines, exc.context_mark.line)
    if problem.startswith("mapping values are not allowed"):
        return _colon_in_text(lines, row, col)
    if "quoted scalar" in context and exc.context_mark:
        at = exc.context_mark
        owner = _owner(lines, at.line, at.column)
        if owner is None:
            return unreadable(at.line, at.column)
        message = UNCLOSED if "end of stream" in problem else BACKSLASH
        return _trap(*owner, message, char=lines[at.line][at.column])
    # A value that begins with a sign of YAML: the error comes at it or soon after it.
    owner = _owner(lines, row, col)
    value = owner[1]["value"] if owner else None
    if owner and value and value[0] in _FIRST:
        return _trap(*owner, _FIRST[value[0]], char=value[0])
    return unreadable(row, col)


def _not_a_field(lines: list[str], row: int) -> ReadProblem:
    """A line YAML takes for the start of a field but which has no ': ' (PyYAML: "could not
    find expected ':'"): a missing colon or space, or a line of a text without indentation."""
    spaced = no_space_after_colon(lines, row)
    if spaced:
        return spaced
    line = lines[row] if row < len(lines) else ""
    bare = _NO_COLON.match(line)
    if bare and bare["key"] in KNOWN_FIELDS:
        fixed = shorten(f"{bare['key']}: {bare['value']}", SHOWN)
        return _at(row, bare.end("key"), NO_COLON, bare["key"], fixed=fixed)
    long_key = _KEY_LINE.match(line)
    if long_key:  # a field's name of more than 1,024 characters: YAML stops looking for ':'
        return _at(row, 0, LONG_KEY, shorten(long_key["key"], SHOWN))
    above = _previous(lines, row)
    owner = _KEY_LINE.match(lines[above]) if above >= 0 else None
    if owner is None or _indent(line) > owner.start("key"):
        return unreadable(row, 0)
    name, value = owner["key"], owner["value"] or ""
    if not value:
        fixed = shorten(f"{name}: {line.strip()}", SHOWN)
        return _at(row, _indent(line), NEXT_LINE, name, fixed=fixed)
    if value[0] in _FIRST:
        return unreadable(row, 0)
    if not lines[row - 1].strip():
        return _trap(above, owner, PARAGRAPH, paragraph=row + 1)
    return _at(row, _indent(line), NOT_INDENTED, name, head=f"{owner['lead']}{name}: |")


def _colon_in_text(lines: list[str], row: int, col: int) -> ReadProblem:
    """': ' inside a text (YAML reads a new field), or a field indented under the one above."""
    owner = _owner(lines, row, col)
    if owner is None:
        return unreadable(row, col)
    inner = _KEY_LINE.match(lines[row])
    if owner[0] != row and inner and inner["key"] in KNOWN_FIELDS:
        return _at(row, inner.start("key"), INDENTED, inner["key"], above=owner[1]["key"])
    return _trap(*owner, COLON_IN_TEXT)


# ---------------------------------------------------------------- pydantic's errors, in our words

KNOWN_FIELDS = sorted(
    {
        name
        for model in vars(m).values()
        if isinstance(model, type) and issubclass(model, BaseModel)
        for name in model.model_fields
    }
)


def _free_text(annotation: Any, metadata: list[Any] | None = None) -> bool:
    """A type of free text: a str without a pattern (a name's one-line rule aside), or a list
    or an optional one of those."""
    if annotation is str:
        patterns = {getattr(c, "pattern", None) for c in metadata or []}
        return patterns <= {None, m.ONE_LINE_PATTERN}
    if typing.get_origin(annotation) is Annotated:
        inner, *more = typing.get_args(annotation)
        return _free_text(inner, [*(metadata or []), *more])
    if typing.get_origin(annotation) in (Union, UnionType, list):
        return any(_free_text(arg) for arg in typing.get_args(annotation))
    return False


# Fields of free text, where a ' #' would silently cut what the person wrote. After an id, a
# date, a number or a value of an official list, ' #' starts an ordinary comment: a value cut
# there fails its own check, loudly.
FREE_TEXT = frozenset(
    name
    for model in vars(m).values()
    if isinstance(model, type) and issubclass(model, BaseModel)
    for name, info in model.model_fields.items()
    if _free_text(info.annotation, info.metadata)
)

DATE_HINT = N_("write the date as YYYY-MM-DD, e.g. 2025-04-08")
EMPTY = N_("the value is empty"), N_("write it after '{name}:' on the same line")
WHOLE = N_("'{value}' is not a whole number"), N_("write a whole number, e.g. 15")
NUMBER = N_("'{value}' is not a number")
MAPPING = (
    N_("one value is written where 'field: value' lines are expected"),
    N_("write 'field: value' lines below '{name}:', indented"),
)
_WORDS: dict[str, tuple[str, str]] = {  # pydantic's error type → our message and hint
    "int_parsing": WHOLE,
    "int_from_float": WHOLE,
    "float_parsing": (NUMBER, N_("write a number, e.g. 25 or 12.5")),
    "bool_parsing": (N_("'{value}' is neither true nor false"), N_("write true or false")),
    "greater_than_equal": (N_("{value} is less than {limit}"), N_("write {limit} or more")),
    "greater_than": (N_("{value} is not more than {limit}"), N_("write more than {limit}")),
    "less_than_equal": (N_("{value} is more than {limit}"), N_("write {limit} or less")),
    "less_than": (N_("{value} is not less than {limit}"), N_("write less than {limit}")),
    "string_too_long": (
        N_("the text is {length} characters long, over the limit of {limit}"),
        N_("shorten it, or put the details into a linked document"),
    ),
    "too_short": (N_("the list is empty"), N_("add at least one item: '- …' on the line below")),
    "list_type": (
        N_("one value is written where a list is expected"),
        N_("write a list: one '- item' per line below '{name}:'"),
    ),
    "dict_type": MAPPING,
    "model_type": MAPPING,
    "model_attributes_type": MAPPING,
    "string_type": (N_("a text is expected here"), EMPTY[1]),
    "date_type": (N_("a date is expected here"), DATE_HINT),
}
TEXT_NOT_FIELDS = (
    N_("'field: value' lines are written where a text is expected"),
    N_(
        "if the text holds ': ' (a colon and a space), write '{name}: |' and the text below it, indented"
    ),
)
LIST_NOT_TEXT = N_("a list is written where a text is expected"), EMPTY[1]
NOT_ALLOWED = N_("'{value}' is not allowed here")
AS_EXAMPLE = N_("write it as the example in docs/data-layout.md shows")
_PATTERNS = {  # a pattern of models.py → how to write a value that matches it
    m.ID_PATTERN: N_(
        "an id uses letters, digits, '.', '-', '_' and brackets — no spaces, '/' or '..'"
    ),
    m.PERIOD_PATTERN: N_("write a quarter as YYYY-Qn, e.g. 2024-Q1"),
    m.URL_PATTERN: N_("links must start with http:// or https://"),
    m.EMAIL_PATTERN: N_("write an e-mail address like name@example.gov.ua"),
    m.GITHUB_PATTERN: N_("write the GitHub login: Latin letters, digits and '-'"),
}
ONE_LINE = N_("this is written on one line"), N_("remove the line break")
NOT_LISTED = N_("'{value}' is not in the official list")
NO_SUCH_DATE = N_("there is no such date: '{value}'")
_MONTHS = "січня лютого березня квітня травня червня липня серпня вересня жовтня листопада грудня"
_DMY = re.compile(r"(\d{1,2})[./-](\d{1,2})[./-](\d{4})(?:\s*(?:р\.?|року))?")
_YMD = re.compile(r"(\d{4})-?(\d{1,2})-?(\d{1,2})")
_WORDY = re.compile(
    rf"(\d{{1,2}})\s+({'|'.join(_MONTHS.split())})\s+(\d{{4}})(?:\s*(?:р\.?|року))?"
)


def _date_words(value: object) -> tuple[str, str, dict[str, Any]]:
    """What is wrong with a date as written, and how to write it: `08.04.2025`, «8 квітня
    2025 р.», `2025-4-8` → 2025-04-08; a date with a time; a date that does not exist."""
    text = str(value).strip()
    ymd: tuple[int, int, int] | None = None
    if found := _DMY.fullmatch(text):
        ymd = int(found[3]), int(found[2]), int(found[1])
    elif found := _WORDY.fullmatch(text.lower()):
        ymd = int(found[3]), _MONTHS.split().index(found[2]) + 1, int(found[1])
    elif found := _YMD.fullmatch(text):
        ymd = int(found[1]), int(found[2]), int(found[3])
    elif (found := re.match(r"(\d{4}-\d{2}-\d{2})[T ]", text)) and _date(found[1]):
        return (
            N_("'{value}' has a time of day"),
            N_("write only the date: {date}"),
            {"date": found[1]},
        )
    if ymd is None:
        return N_("'{value}' is not a date"), DATE_HINT, {}
    year, month, day = ymd
    if written := _date(f"{year:04d}-{month:02d}-{day:02d}"):
        return N_("'{value}' is not written as YYYY-MM-DD"), N_("write {date}"), {"date": written}
    if not 1 <= month <= 12 or year < 1:
        return (
            NO_SUCH_DATE,
            N_("a year has 12 months: check the order of the day and the month"),
            {},
        )
    last = dt.date(year, month, calendar.monthrange(year, month)[1]).isoformat()
    return NO_SUCH_DATE, N_("the last day of that month is {date}"), {"date": last}


def _date(text: str) -> str:
    """`text` if it is a real date written YYYY-MM-DD, else ""."""
    try:
        return dt.date.fromisoformat(text).isoformat() if len(text) == 10 else ""
    except ValueError:
        return ""


def _choices(errors: list[dict[str, Any]]) -> list[str]:
    """The official values of an enum or literal field, from the errors of all its union members."""
    found: list[str] = []
    for err in errors:
        for value in re.findall(r"'([^']*)'", str((err.get("ctx") or {}).get("expected", ""))):
            if value not in found:
                found.append(value)
    return found


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
    """pydantic's errors as located problems in our words: one per place (a union reports
    one error per member), at most MAX_PER_KIND of a kind; the rest are only counted, so a
    file of 100,000 mistakes costs little more than reading it."""
    shown: dict[tuple[Path_, str], tuple[Path_, list[Any]]] = {}
    places: set[tuple[Path_, str]] = set()
    tally = Tally()
    counts = tally.seen
    for err in exc.errors(include_url=False):
        kind, raw = err["type"], tuple(err["loc"])
        code = _CODES.get(kind, kind)
        if counts.get(code, 0) >= MAX_PER_KIND and kind not in _IN_UNIONS:  # counted only
            counts[code] += 1
            if code not in tally.first_unshown:
                tally.first_unshown[code] = source.where(_trim(raw, data)[0])
            continue
        same = "value" if kind in _IN_UNIONS else kind
        place = (raw[:-1] if raw and _member(raw[-1]) and kind != "extra_forbidden" else raw, same)
        if place in shown:
            shown[place][1].append(err)  # another member of the same union
        if place in places:
            continue
        places.add(place)
        if tally.wants(code, lambda raw=raw: source.where(_trim(raw, data)[0])):
            loc, rest = _trim(raw, data)
            shown[place] = (loc + (rest,) if kind == "missing" and rest is not None else loc, [err])
    problems = [_problem(source, loc, errors) for loc, errors in shown.values()]
    return problems + tally.more(source.path)


_IN_UNIONS = ("enum", "literal_error", "string_pattern_mismatch")  # one error per union member
# Contacts a roster may not hold (they live in the encrypted data/contacts.age).
PRIVATE_KEYS = ("email", "phone")
# Keys of the old form of an amendment (notes, before effective dating).
OLD_AMENDMENT_KEYS = ("field", "old", "new")
_CODES = {"extra_forbidden": "unknown-key"}  # our codes where pydantic's type is not kept


def _member(part: object) -> bool:
    """A part of a pydantic location that names a member of a union, not a field."""
    return isinstance(part, str) and not part.isidentifier()


def _problem(source: SourceFile, loc: Path_, errors: list[Any]) -> Problem:
    """The problem of the errors of one place."""
    kind, name = errors[0]["type"], last_field(loc)
    code = _CODES.get(kind, kind)
    if kind == "extra_forbidden" and name in OLD_AMENDMENT_KEYS and "amendments" in loc:
        return source.problem(
            loc,
            N_("'{name}' belongs to the old form of an amendment (field, old, new)"),
            N_(
                "give the new values under their own names (e.g. deadline: with text and end) "
                "and keep the original text in the measure's top-level fields — see "
                "«Amendments» in docs/data-layout.md"
            ),
            "amendment-old-form",
            key=True,
            name=name,
        )
    if kind == "extra_forbidden" and name in PRIVATE_KEYS and "people" in loc:
        return source.problem(
            loc,
            N_("'{name}' is private and is not kept in a public roster"),
            N_(
                "move every e-mail and phone into the encrypted contacts with 'dap contacts "
                "migrate' (or remove the line and run 'dap contacts set PERSON --{name} …'); "
                "see docs/data-layout.md"
            ),
            "private-contact",
            key=True,
            name=name,
        )
    if kind == "extra_forbidden":
        short = len(name) < MAX_SUGGESTED_KEY  # difflib's time grows with the length
        # a field of another kind of record ('text' in an ОСР's amendment) is no suggestion
        # for itself: "unknown key 'text' — did you mean 'text'?" told the person nothing
        others = [field for field in KNOWN_FIELDS if field != name]
        near = difflib.get_close_matches(name, others, n=1) if short else []
        hint = N_("did you mean '{near}'?") if near else N_("remove it or check its spelling")
        message, near_name = N_("unknown key '{name}'"), near[0] if near else ""
        name = shorten(name, SHOWN)
        return source.problem(loc, message, hint, code, key=True, name=name, near=near_name)
    if kind == "missing":
        message, hint = N_("required field is missing"), N_("add the line '{name}: …'")
        return source.problem(loc, message, hint, code, name=name)
    message, hint, params = _words(kind, errors, name)
    return source.problem(loc, message, hint, code, **params)


def last_field(loc: Path_) -> str:
    """The field a value belongs to, as the person wrote it ('-' for an item of a list)."""
    return str(loc[-1]) if loc and isinstance(loc[-1], str) else "-"


def _words(kind: str, errors: list[dict[str, Any]], name: str) -> tuple[str, str, dict[str, Any]]:
    """Our message and hint for a pydantic error of type `kind` of field `name`, and their values."""
    value, ctx = errors[0].get("input"), errors[0].get("ctx") or {}
    params: dict[str, Any] = {"value": shorten(value, SHOWN), "name": name}
    written = str(value).strip()
    if value is None or (kind == "string_too_short" and not written):
        hint = DATE_HINT if kind.startswith("date") else _WORDS.get(kind, EMPTY)[1]
        return EMPTY[0], hint, params
    if kind.startswith("date"):
        message, hint, more = _date_words(value)
        return message, hint, {**params, **more}
    if kind in ("enum", "literal_error"):
        choices = _choices(errors)
        near = difflib.get_close_matches(written, choices, n=1, cutoff=0.6)
        listed = ", ".join(f"«{c}»" for c in choices)
        if near:
            return NOT_LISTED, N_("did you mean '{near}'?"), {**params, "near": near[0]}
        if len(listed) <= 120:
            return NOT_LISTED, N_("use one of: {choices}"), {**params, "choices": listed}
        return NOT_LISTED, N_("use a value of the official list (docs/data-layout.md)"), params
    if kind == "string_pattern_mismatch":
        pattern = str(ctx.get("pattern", ""))
        if pattern == m.ONE_LINE_PATTERN:
            return *ONE_LINE, params
        return NOT_ALLOWED, _PATTERNS.get(pattern, AS_EXAMPLE), params
    if kind == "float_parsing" and re.fullmatch(r"-?\d+,\d+", written):
        return (
            NUMBER,
            N_("write it with a dot: {fixed}"),
            {**params, "fixed": written.replace(",", ".")},
        )
    if kind == "float_parsing" and re.fullmatch(r"-?\d+(?:[.,]\d+)?\s*%", written):
        fixed = written.rstrip(" %").replace(",", ".")
        return NUMBER, N_("write the number without '%': {fixed}"), {**params, "fixed": fixed}
    if kind == "string_type" and isinstance(value, (dict, list)):
        return *(TEXT_NOT_FIELDS if isinstance(value, dict) else LIST_NOT_TEXT), params
    if kind not in _WORDS:
        return NOT_ALLOWED, AS_EXAMPLE, params
    limit = next((ctx[k] for k in ("le", "ge", "lt", "gt", "max_length") if k in ctx), "")
    if isinstance(limit, float) and limit.is_integer():
        limit = int(limit)
    length = len(value) if isinstance(value, str) else ""
    return *_WORDS[kind], {**params, "limit": limit, "length": length}
