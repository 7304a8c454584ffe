"""A monitoring record (report, assessment) as the text of its file — the one writer that
`dap new-report`, `dap new-assessment` and the site's report forms share.

The text is canonical: the schema line, the fields in the model's order (None and empty
lists left out), free text (`text`, and any value with a line break or a tab) as a YAML
literal block scalar, short values plain when YAML reads them back as the same string, else
double-quoted with escapes. Whatever a block scalar cannot carry (control characters, CR,
U+0085, U+2028/9, BOM) goes double-quoted with escapes, so nothing typed is lost: `dap
validate` then names the character. `site/pages/assets/dap-form.js` writes the same bytes
(tests/test_form_browser.py holds the two together), so each rule here is kept simple enough
to state twice. YAML's traps that `datafile.py` refuses in plain scalars (` #` cutting a text,
tabs) cannot occur: a block scalar has no comments and carries tabs.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from enum import Enum
from typing import Any

from . import models as m
from .schemas import SCHEMA_NAMES

MODELS: dict[str, type[m.Record]] = {"reports": m.Report, "assessments": m.Assessment}

# Values always written as a block scalar (when it can carry them): the free text of a record.
BLOCK_FIELDS = frozenset({"text"})
# Fields that hold a date: a YYYY-MM-DD value there is written plain (YAML's own date form).
DATE_FIELDS = frozenset(
    name
    for model in MODELS.values()
    for name, info in model.model_fields.items()
    if "date" in str(info.annotation)
)
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
INDENT = "  "

# Characters a literal block scalar cannot carry as they are: control characters (tab and line
# feed aside), CR, NEL, the line and paragraph separators, BOM, surrogates, non-characters.
_NOT_IN_BLOCK = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff\ufffe\uffff]"
)
# Characters that keep a value from being written plain: the above, tab, line feed, and the
# special spaces and invisible characters that `datafile.clean_text` would change.
_NOT_PLAIN = re.compile(
    "[\x00-\x1f\x7f-\x9f\u00a0\u00ad\u1680\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000"
    "\ufeff\ud800-\udfff\ufff9-\uffff]"
)
_PLAIN_FIRST = frozenset("-?:,[]{}#&*!|>'\"%@` ")
# What YAML 1.1 (PyYAML's safe loader) reads as something other than a string: a plain value
# matching one is quoted. The patterns of PyYAML's resolver, in a form JavaScript shares.
_IMPLICIT = re.compile(
    "^(?:"
    "yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF"
    "|[-+]?(?:[0-9][0-9_]*)\\.[0-9_]*(?:[eE][-+][0-9]+)?"
    "|\\.[0-9_]+(?:[eE][-+][0-9]+)?"
    "|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\\.[0-9_]*"
    "|[-+]?\\.(?:inf|Inf|INF)|\\.(?:nan|NaN|NAN)"
    "|[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+"
    "|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+"
    "|<<|~|null|Null|NULL|="
    "|[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]"
    "|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \\t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9]"
    "(?:\\.[0-9]*)?(?:[ \\t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?"
    ")$"
)
_ESCAPES = {
    "\x00": "\\0",
    "\x07": "\\a",
    "\x08": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\x0b": "\\v",
    "\x0c": "\\f",
    "\r": "\\r",
    "\x1b": "\\e",
    '"': '\\"',
    "\\": "\\\\",
    "\x85": "\\N",
    "\u2028": "\\L",
    "\u2029": "\\P",
}
_TO_ESCAPE = re.compile('["\\\\\t\n]|' + _NOT_IN_BLOCK.pattern)


def schema_line(rel: str) -> str:
    """The first line of a data file at `rel` (relative to data/): its JSON Schema, for editors."""
    kind = rel.split("/")[0].removesuffix(".yaml")
    depth = rel.count("/")
    return f"# yaml-language-server: $schema={'../' * (depth + 1)}schemas/{SCHEMA_NAMES[kind]}.schema.json\n"


def plain_ok(value: str) -> bool:
    """`value` may stand plain after `key: `: YAML reads it back as the same string, and
    `datafile.py` keeps it as it is."""
    return (
        value != ""
        and value[0] not in _PLAIN_FIRST
        and value[-1] not in " :"
        and ": " not in value
        and " #" not in value
        and _NOT_PLAIN.search(value) is None
        and _IMPLICIT.match(value) is None
    )


def double_quoted(value: str) -> str:
    """`value` in double quotes, with YAML escapes for what cannot stand in a file as it is."""

    def escape(found: re.Match[str]) -> str:
        char = found.group()
        if char in _ESCAPES:
            return _ESCAPES[char]
        code = ord(char)
        return f"\\x{code:02X}" if code < 0x100 else f"\\u{code:04X}"

    return '"' + _TO_ESCAPE.sub(escape, value) + '"'


def block_ok(value: str) -> bool:
    """A literal block scalar carries `value` exactly."""
    return value != "" and _NOT_IN_BLOCK.search(value) is None


def block(value: str, indent: str) -> str:
    """`value` as a literal block scalar: its header (`|`, chomping by trailing line breaks,
    an indentation indicator when it starts with a space, a tab or a line break) and its lines,
    each `indent` deeper than the field, empty lines left empty."""
    header = "|"
    if value[0] in " \t\n":  # libyaml cannot tell the indentation from a tab either
        header += str(len(INDENT))
    if not value.endswith("\n"):
        header += "-"
        value += "\n"
    elif value == "\n" or value.endswith("\n\n"):
        header += "+"
    lines = value.split("\n")[:-1]
    return header + "\n" + "".join((indent + line if line else "") + "\n" for line in lines)


def scalar(name: str, value: str, indent: str) -> str:
    """A string value after `key:` (the space included), ending with a line break."""
    if name in DATE_FIELDS and _DATE.match(value):
        return " " + value + "\n"
    if (name in BLOCK_FIELDS or "\n" in value or "\t" in value) and block_ok(value):
        return " " + block(value, indent)
    if plain_ok(value):
        return " " + value + "\n"
    return " " + double_quoted(value) + "\n"


def _value(value: Any) -> Any:
    """A field's value as text, lists and mappings (enum values and dates as text)."""
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, m.Record):
        return {k: _value(v) for k, v in value.model_dump(mode="python").items()}
    if isinstance(value, Mapping):
        return {str(k): _value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_value(v) for v in value]
    return value


def _mapping(values: Mapping[str, Any], indent: str, first: str = "") -> str:
    """Keys and values at one level; `first` replaces the indent of the first key (a list
    item's `- `)."""
    out: list[str] = []
    for name, value in values.items():
        if value is None or value == [] or value == {}:
            continue
        lead = first if not out and first else indent
        out.append(lead + name + ":" + _node(name, value, indent))
    return "".join(out)


def _node(name: str, value: Any, indent: str) -> str:
    if isinstance(value, dict):
        return "\n" + _mapping(value, indent + INDENT)
    if isinstance(value, list):
        items: list[str] = []
        for item in value:
            if isinstance(item, dict):
                items.append(_mapping(item, indent + INDENT, first=indent + "- "))
            else:
                items.append(indent + "-" + scalar(name, item, indent + INDENT))
        return "\n" + "".join(items)
    return scalar(name, value, indent + INDENT)


def ordered(kind: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """`values` in the model's field order, as text; a field the model lacks is a ValueError."""
    fields = MODELS[kind].model_fields
    unknown = [k for k in values if k not in fields]
    if unknown:
        raise ValueError(f"{kind} have no field {', '.join(unknown)}")
    return {k: _value(values[k]) for k in fields if k in values}


def record_text(kind: str, values: Mapping[str, Any] | m.Record, rel: str) -> str:
    """The text of the file `rel` (relative to data/) holding a record of `kind` ('reports' or
    'assessments'): schema line, then the fields in the model's order."""
    if isinstance(values, m.Record):
        values = values.model_dump(mode="python", exclude_defaults=True)
    return schema_line(rel) + _mapping(ordered(kind, values), "")
