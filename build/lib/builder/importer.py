"""`dap import`: a published plan of measures (text, CSV, XLSX or .docx table) to data records.

Stages, each a plain function: read the file into a table of cells with their source lines
(`read_table`) → understand the heading, tasks, measures, deadlines and executors
(`interpret`) → records as YAML text (`plan_files`), or, over existing data, the changes as
amendments (`amend`) → write them (`import_plan`). Nothing is written before everything is
read; what could not be understood is kept as text and listed with its source line.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from . import models as m
from .deadlines import MONTHS, clean, is_ditto, parse_deadline
from .errors import DapError
from .load import Dataset, iter_files, load
from .output import Writer

ALIASES_FILE = Path(__file__).with_name("executor_aliases.yaml")
FORMATS = ("text", "csv", "xlsx", "docx")
SCHEMA_HEADER = {
    "programme": "# yaml-language-server: $schema=../schemas/programme.schema.json\n",
    "sections": "# yaml-language-server: $schema=../../schemas/section.schema.json\n",
    "measures": "# yaml-language-server: $schema=../../schemas/measure.schema.json\n",
    "executors": "# yaml-language-server: $schema=../../schemas/executor.schema.json\n",
}


class PlanError(DapError):
    """The plan cannot be imported as asked (unreadable file, no table, folder not empty)."""


# ---------------------------------------------------------------- the table, from any format


@dataclass
class Cell:
    """One table cell: its text (lines kept) and the source line where it starts."""

    text: str
    line: int


@dataclass
class Table:
    """A plan as read from a file: heading lines before the table, then rows of cells."""

    heading: list[tuple[int, str]]
    rows: list[list[Cell]]


HEADER_WORDS = ("строк виконання", "найменування заходу", "відповідальні виконавці")
COLUMN_WORDS = (*HEADER_WORDS, "найменування завдання", "виконавці", "номер", "№ з/п")


def _is_header(cells: Iterable[str]) -> bool:
    text = " ".join(clean(c).lower() for c in cells)
    return sum(word in text for word in HEADER_WORDS) >= 2


def _split_heading(rows: list[list[Cell]]) -> Table:
    """Rows before the header row (or before the first task) are the heading.

    Cells of the header row that are not column names (the plan's title exported in the same
    block, «ПЛАН ЗАХОДІВ …») belong to the heading too.
    """
    header = next((i for i, row in enumerate(rows) if _is_header(c.text for c in row)), None)
    extra: list[Cell] = []
    if header is None:
        first = next(
            (
                i
                for i, row in enumerate(rows)
                if len([c for c in row if c.text.strip()]) >= 3
                and re.match(r"^\d+\.?(\s|$)", clean(row[0].text))
            ),
            0,
        )
    else:
        first = header + 1
        extra = [
            c
            for c in rows[header]
            if c.text.strip() and not any(w in clean(c.text).lower() for w in COLUMN_WORDS)
        ]
    heading = [
        (c.line + i, line.strip())
        for cell_row in [*rows[: header if header is not None else first], extra]
        for c in cell_row
        for i, line in enumerate(c.text.split("\n"))
        if line.strip()
    ]
    return Table(heading, rows[first:])


def read_text(text: str) -> Table:
    """The legislation database's text export: a cell starts with a tab, rows end at a blank line.

    Lines without a tab continue the cell above (multi-line cells). A file whose rows are
    single lines of tab-separated cells (plain TSV) is read too.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    tabbed = [ln for ln in lines if ln.count("\t") >= 3]
    rows: list[list[Cell]] = []
    if len(tabbed) >= max(3, len([ln for ln in lines if ln.strip()]) // 2):
        for n, line in enumerate(lines, 1):
            if line.strip():
                rows.append([Cell(part, n) for part in line.split("\t")])
        return _split_heading(rows)
    row: list[Cell] = []
    for n, line in enumerate(lines, 1):
        if line == "":
            if row:
                rows.append(row)
            row = []
            continue
        pieces = line.split("\t")
        if pieces[0].strip() or not row:
            if row:
                row[-1].text += "\n" + pieces[0]
            elif pieces[0].strip():
                row.append(Cell(pieces[0], n))
        row.extend(Cell(piece, n) for piece in pieces[1:])
    if row:
        rows.append(row)
    return _split_heading(rows)


def read_csv(text: str) -> Table:
    """CSV (comma, semicolon or tab separated), a row per record; quoted cells may hold lines."""

    def score(delimiter: str) -> int:
        return sum(len(r) >= 4 for r in csv.reader(io.StringIO(text), delimiter=delimiter))

    delimiter = max((",", ";", "\t"), key=score)  # the one that makes the most table rows
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows: list[list[Cell]] = []
    start = 1
    for record in reader:
        if any(c.strip() for c in record):
            rows.append([Cell(c, start) for c in record])
        start = reader.line_num + 1
    return _split_heading(rows)


def read_xlsx(path: Path) -> Table:
    """The first sheet of a workbook; the line of a cell is its row number."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise PlanError(f"{path}: cannot read the workbook ({exc})") from exc
    sheet = book.worksheets[0]
    rows: list[list[Cell]] = []
    for n, values in enumerate(sheet.iter_rows(values_only=True), 1):
        cells = [Cell("" if v is None else _cell_value(v), n) for v in values]
        while cells and not cells[-1].text.strip():
            cells.pop()
        if cells:
            rows.append(cells)
    book.close()
    return _split_heading(rows)


def _cell_value(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_docx(path: Path) -> Table:
    """The first table of a Word document; paragraphs before it are the heading.

    Lines are counted as paragraphs before the table, then the table's rows after them.
    A cell merged over several rows repeats in each row and is read as one.
    """
    import docx

    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises many kinds for a damaged file
        raise PlanError(f"{path}: cannot read the document ({exc})") from exc
    if not document.tables:
        raise PlanError(f"{path}: the document has no table of measures")
    table = document.tables[0]
    body = document.element.body
    heading: list[tuple[int, str]] = []
    n = 0
    for child in body.iterchildren():
        if child is table._tbl:
            break
        if child.tag.endswith("}p"):
            n += 1
            text = "".join(t.text or "" for t in child.iter() if t.tag.endswith("}t"))
            if text.strip():
                heading.append((n, text))
    rows: list[list[Cell]] = []
    for r, row in enumerate(table.rows, 1):
        cells: list[Cell] = []
        previous = None
        for cell in row.cells:
            if cell._tc is previous:  # a cell spanning columns repeats
                continue
            previous = cell._tc
            cells.append(Cell("\n".join(p.text for p in cell.paragraphs), n + r))
        rows.append(cells)
    parsed = _split_heading(rows)
    return Table(heading + parsed.heading, parsed.rows)


def read_table(path: Path, fmt: str = "auto") -> Table:
    """Read a plan file in `fmt` (auto: by extension) into a Table."""
    if fmt == "auto":
        fmt = {
            ".csv": "csv",
            ".xlsx": "xlsx",
            ".xlsm": "xlsx",
            ".docx": "docx",
            ".tsv": "text",
            ".txt": "text",
        }.get(path.suffix.lower(), "text")
    if fmt == "xlsx":
        return read_xlsx(path)
    if fmt == "docx":
        return read_docx(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PlanError(f"{path}: cannot read the file ({exc.strerror})") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("cp1251")
        except UnicodeDecodeError as exc:  # pragma: no cover - cp1251 decodes almost anything
            raise PlanError(f"{path}: the file is neither UTF-8 nor Windows-1251 text") from exc
    return read_csv(text) if fmt == "csv" else read_text(text)


# ---------------------------------------------------------------- what was understood


@dataclass(frozen=True)
class Note:
    """Something in the plan the importer could not read, or a choice a person should check."""

    line: int
    level: str  # "warning": not understood, kept as text; "note": a choice to review
    subject: str  # a measure or task id, "heading" or "executors"
    message: str


@dataclass
class Known:
    """Bodies the importer can name: by id, and by every normalised name, short name or alias."""

    executors: dict[str, m.Executor] = field(default_factory=dict)
    index: dict[str, str] = field(default_factory=dict)
    groups: list[str] = field(default_factory=list)

    def add(self, executor: m.Executor, override: bool) -> None:
        """Add a body; `override` lets it win over a body already known by the same words."""
        self.executors[executor.id] = executor
        for word in (executor.id, executor.name, executor.short_name, *executor.aliases):
            if word and (override or key(word) not in self.index):
                self.index[key(word)] = executor.id

    def find(self, name: str) -> str | None:
        """The id of the body called `name`, if known."""
        return self.index.get(key(name))


def key(text: str) -> str:
    """How names are compared: lower case, one kind of apostrophe and quote, single spaces."""
    text = clean(text).lower()
    text = re.sub(r"[’ʼ`´']", "'", text)
    text = re.sub(r"[«»“”„\"]", "", text)
    return re.sub(r"\s+", " ", text).strip(" .,;")


def known_executors(folders: Iterable[Path] = ()) -> Known:
    """The built-in table, then executors/*.yaml of each data folder (later ones win)."""
    table = yaml.safe_load(ALIASES_FILE.read_text(encoding="utf-8"))
    known = Known(groups=[clean(g) for g in table.get("groups", [])])
    for entry in table.get("executors", []):
        known.add(m.Executor.model_validate(entry), override=False)
    for folder in folders:
        data, _ = load(folder)
        for executor in data.executors.values():
            known.add(executor, override=True)
    return known


@dataclass
class Mention:
    """One body or group named in an executors cell."""

    words: str  # as written, without the flags
    by_agreement: bool
    short: str | None = None  # «(далі - робоча група)»
    qualifier: str | None = None  # «, утворена постановою …»


@dataclass
class Plan:
    """Everything understood from a plan, before it becomes files."""

    programme: m.Programme
    act_label: str
    sections: list[m.Section]
    measures: list[m.Measure]
    executors: dict[str, m.Executor]
    notes: list[Note]
    lines: dict[str, int]  # measure id -> source line
    section_lines: dict[str, int] = field(default_factory=dict)  # task id -> source line


# ---------------------------------------------------------------- heading


RE_ACT = re.compile(
    r"від\s+(\d{1,2})\s+(" + "|".join(MONTHS) + r")\s+(\d{4})\s*(?:р\.?|року)?\s*№\s*([\w\-/]+)",
    re.IGNORECASE,
)
RE_ACT_NUMERIC = re.compile(
    r"від\s+(\d{1,2})\.(\d{1,2})\.(\d{4})\s*(?:р\.?|року)?\s*№\s*([\w\-/]+)"
)
ISSUERS = {
    "кабінет міністрів україни": "Кабінету Міністрів України",
    "національне агентство з питань запобігання корупції": "Національного агентства з питань "
    "запобігання корупції",
}
ACT_KINDS = ("розпорядження", "постанова", "наказ", "рішення", "указ")


@dataclass
class Heading:
    """The act and plan named above the table."""

    title: str | None = None
    subject: str | None = None
    kind: str | None = None
    issuer: str | None = None
    number: str | None = None
    date: dt.date | None = None
    years: tuple[int, int] | None = None


def read_heading(lines: list[tuple[int, str]]) -> Heading:
    """Act kind, issuer, number, date, subject and the plan's title and years."""
    h = Heading()
    texts = [(n, clean(t)) for n, t in lines]
    for _n, text in texts:
        low = text.lower()
        if h.issuer is None and low in ISSUERS:
            h.issuer = ISSUERS[low]
        if h.kind is None and low in ACT_KINDS:
            h.kind = text.capitalize()
        if h.date is None and (mt := RE_ACT.search(text)):
            h.date = dt.date(int(mt.group(3)), MONTHS[mt.group(2).lower()], int(mt.group(1)))
            h.number = mt.group(4)
        elif h.date is None and (mt := RE_ACT_NUMERIC.search(text)):
            try:
                h.date = dt.date(int(mt.group(3)), int(mt.group(2)), int(mt.group(1)))
                h.number = mt.group(4)
            except ValueError:
                pass
        if h.subject is None and low.startswith("про "):
            h.subject = text
    for i, (_n, text) in enumerate(texts):
        if re.match(r"^план\s+заходів\b", text, re.IGNORECASE):
            parts = [text]  # «ПЛАН ЗАХОДІВ» often stands alone, its subject on the next line
            if i + 1 < len(texts) and texts[i + 1][1][:1].islower():
                parts.append(texts[i + 1][1])
            title = re.sub(r"\s+", " ", " ".join(parts))
            h.title = "План заходів" + title[len("план заходів") :]
            break
    if h.title is None and h.subject:
        mt = re.match(r"^про затвердження\s+(.+)$", h.subject, re.IGNORECASE)
        if mt:
            named = re.sub(r"^плану\b", "план", mt.group(1), flags=re.IGNORECASE)
            h.title = named[0].upper() + named[1:]
    for text in (h.title or "", h.subject or ""):
        if mt := re.search(r"на\s+(\d{4})\s*(?:[-–—]\s*(\d{4}))?\s+(?:рік|роки|року)", text):
            h.years = (int(mt.group(1)), int(mt.group(2) or mt.group(1)))
            break
    return h


def act_label(h: Heading) -> str:
    """«Розпорядження Кабінету Міністрів України від 31.01.2018 № 86-р»."""
    words = " ".join(w for w in (h.kind or "Акт", h.issuer) if w)
    if h.date:
        words += f" від {h.date:%d.%m.%Y}"
    if h.number:
        words += f" № {h.number}"
    return words


# ---------------------------------------------------------------- executors


RE_AGREEMENT = re.compile(r"\(\s*за\s+згодою\s*\)", re.IGNORECASE)
RE_DEFINED = re.compile(r"\(\s*далі\s*[-–—]\s*([^()]+?)\s*\)", re.IGNORECASE)


def _split_top(text: str, separators: str) -> list[str]:
    """Split at separators outside brackets."""
    parts, depth, current = [], 0, ""
    for ch in text:
        depth += ch == "("
        depth -= ch == ")" and depth > 0
        if ch in separators and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    parts.append(current)
    return parts


def split_executors(text: str, known: Known, local: dict[str, str]) -> list[str]:
    """The bodies and groups of an executors cell, one string each (flags still attached).

    Line breaks and «;» always separate; a comma separates only when what follows starts a
    name (upper case, or a known group, alias or defined short name); a known group or name
    followed directly by a capitalised name («центральні органи виконавчої влади Генеральна
    прокуратура України») is two entries.
    """
    group_keys = {key(g) for g in known.groups}
    phrases = sorted(group_keys | set(known.index) | set(local), key=len, reverse=True)
    lines: list[str] = []
    for line in clean(text).split("\n"):
        line = line.strip()
        if not line:
            continue
        if lines and (line.startswith("(") or line[0] in ",;"):
            lines[-1] += " " + line  # «Національне антикорупційне бюро\n(за згодою)»
        else:
            lines.append(line)
    items: list[str] = []
    for line in lines:
        for part in _split_top(line, ";"):
            pieces = [p.strip() for p in _split_top(part, ",") if p.strip()]
            merged: list[str] = []
            for piece in pieces:
                low = key(piece)
                starts_name = piece[0].isupper() or any(
                    low == ph or low.startswith(ph + " ") for ph in phrases if ph
                )
                joined = key(f"{merged[-1]}, {piece}") if merged else ""
                in_group = joined and any(g.startswith(joined) for g in group_keys)
                if merged and (not starts_name or in_group):
                    merged[-1] += ", " + piece
                else:
                    merged.append(piece)
            for item in merged:
                items.extend(_split_run_on(item, phrases))
    return [i for i in items if i.strip(" ,;.")]


def _split_run_on(item: str, phrases: list[str]) -> list[str]:
    words = item.split()
    known = set(phrases)
    for k in range(len(words) - 1, 0, -1):
        head = " ".join(words[:k])
        if words[k][:1].isupper() and key(head) in known and len(key(head)) > 3:
            return [head, *_split_run_on(" ".join(words[k:]), phrases)]
    return [item]


def read_mention(item: str) -> Mention:
    """Flags and definitions out of one entry: «X (за згодою)», «X, утворена … (далі - Y)»."""
    by_agreement = bool(RE_AGREEMENT.search(item))
    words = RE_AGREEMENT.sub("", item)
    short = None
    if mt := RE_DEFINED.search(words):
        short = clean(mt.group(1))
        words = words[: mt.start()] + words[mt.end() :]
    words = clean(words).strip(" ,;.")
    qualifier = None
    parts = _split_top(words, ",")
    if len(parts) > 1 and words[:1].isupper():
        words, qualifier = parts[0].strip(), ",".join(parts[1:]).strip()
    return Mention(words, by_agreement, short, qualifier)


TRANSLIT = {
    "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "ie", "ж": "zh",
    "з": "z", "и": "y", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n",
    "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ь": "", "ю": "iu", "я": "ia",
}  # fmt: skip
WORD_START = {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"}
SLUG_STOP = {"з", "із", "зі", "та", "і", "й", "у", "в", "щодо", "питань", "по", "для", "на"}


def transliterate(word: str) -> str:
    """Ukrainian to Latin by the official table (Cabinet resolution 55 of 2010)."""
    word = word.lower().replace("зг", "zgh")
    out = ""
    for i, ch in enumerate(word):
        if ch in "'’ʼ":
            continue
        out += WORD_START.get(ch, TRANSLIT.get(ch, ch)) if i == 0 else TRANSLIT.get(ch, ch)
    return out


def slug(name: str, limit: int = 60) -> str:
    """An ASCII id from a Ukrainian name: «Міжвідомча робоча група …» → mizhvidomcha-robocha-…."""
    words = [w for w in re.split(r"[^\w'’ʼ]+", name.lower()) if w]
    kept = [w for w in words if w not in SLUG_STOP] or words
    parts = [re.sub(r"[^a-z0-9]", "", transliterate(w)) for w in kept]
    text = ""
    for part in filter(None, parts):
        if text and len(text) + 1 + len(part) > limit:
            break
        text = f"{text}-{part}" if text else part
    return text[:limit] or "executor"


# ---------------------------------------------------------------- interpreting the rows


@dataclass
class _Row:
    line: int
    number: str
    task: str
    measure: Cell
    deadline: Cell
    executors: Cell


def _rows(table: Table, notes: list[Note]) -> list[_Row]:
    """Rows as (task number, task title, measure, deadline, executors); others are reported."""
    out: list[_Row] = []
    for cells in table.rows:
        texts = [clean(c.text) for c in cells]
        if not any(texts) or _is_header(texts):
            continue
        while len(cells) > 5 and not texts[-1]:
            cells, texts = cells[:-1], texts[:-1]
        line = cells[0].line
        if len(cells) == 5:
            number, task = texts[0], texts[1]
        elif len(cells) == 4:
            mt = re.match(r"^(\d+)\.?\s+(.+)$", texts[0], re.DOTALL)
            number, task = (mt.group(1), mt.group(2)) if mt else (texts[0], "")
        else:
            notes.append(
                Note(
                    line,
                    "warning",
                    "table",
                    f"a row of {len(cells)} cells was skipped: expected 5 (number, task, measure, "
                    "deadline, executors) or 4 (task with its number, measure, deadline, executors)",
                )
            )
            continue
        out.append(_Row(line, number, task, cells[-3], cells[-2], cells[-1]))
    return out


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", clean(text)).strip()


def _programme(h: Heading, notes: list[Note], line: int) -> m.Programme:
    """The programme record from the heading: title, act, period (the plan's years)."""
    assert h.date is not None
    years = h.years or (h.date.year, h.date.year)
    if h.years is None:
        notes.append(
            Note(
                line,
                "note",
                "heading",
                "the plan's title names no year («на 2018 рік»): its "
                f"period is taken as {h.date.year}, the act's year",
            )
        )
    if h.title is None:
        notes.append(Note(line, "warning", "heading", "no plan title found («ПЛАН ЗАХОДІВ …»)"))
    act_title = " ".join(w for w in (h.kind or "Акт", h.issuer) if w)
    if h.subject:
        act_title += f" «{h.subject}»"
    pid = f"plan-{years[0]}" + (f"-{years[1]}" if years[1] != years[0] else "")
    return m.Programme(
        id=pid + (f"-{slug(h.number, 20)}" if h.number else ""),
        title=h.title or f"План заходів ({act_label(h)})",
        act=m.LegalAct(title=act_title, number=h.number, date=h.date),
        period=m.ProgrammePeriod(start=dt.date(years[0], 1, 1), end=dt.date(years[1], 12, 31)),
    )


GROUP_MARK = " (група органів)"  # ends the short name of a record standing for a group


def is_group_record(executor: m.Executor) -> bool:
    """True for an executor record made for a group of bodies that leads a measure."""
    return (executor.short_name or "").endswith(GROUP_MARK)


@dataclass
class _Bodies:
    """The executors met so far while reading a plan, and how the plan names them."""

    known: Known
    notes: list[Note]
    local: dict[str, str] = field(default_factory=dict)  # «(далі - робоча група)» → id
    found: dict[str, m.Executor] = field(default_factory=dict)
    wordings: dict[str, list[str]] = field(default_factory=dict)
    agreed: set[str] = field(default_factory=set)

    def note(self, line: int, level: str, subject: str, message: str) -> None:
        """Add a line to the report."""
        self.notes.append(Note(line, level, subject, message))

    def resolve(self, text: str, line: int, mid: str) -> tuple[list[m.ExecutorLink], list[str]]:
        """An executors cell as links (the first is the main executor) and groups.

        The first listed leads, as a reader of the plan takes it: when that is a group of
        bodies («центральні органи виконавчої влади»), the group becomes the main executor (a
        record marked as a group) and the bodies after it co-executors.
        """
        links: list[m.ExecutorLink] = []
        groups: list[str] = []
        first_group: Mention | None = None
        group_keys = {key(g) for g in self.known.groups}
        for item in split_executors(text, self.known, self.local):
            mention = read_mention(item)
            if not mention.words:
                continue
            words = key(mention.words)
            eid = self.local.get(words) or self.known.find(mention.words)
            # A lower-case wording is a group unless the plan defined it («(далі - робоча
            # група)») or an editor made it an alias; a record that merely carries a group's
            # name (made for a measure led by a group) does not make it a body.
            own_name = eid is not None and (
                key(self.known.executors[eid].name) == words
                or is_group_record(self.known.executors[eid])
            )
            if (
                words not in self.local
                and (eid is None or own_name)
                and (words in group_keys or mention.words[0].islower())
            ):
                if not (links or groups):
                    first_group = mention
                groups.append(mention.words)
                if words not in group_keys:
                    self.note(
                        line,
                        "note",
                        mid,
                        f"«{mention.words}» is read as a group of bodies, not one executor",
                    )
                continue
            if eid is None:
                eid = self._new_body(mention.words, line)
            self._remember(eid, mention, line)
            if any(link.executor == eid for link in links):
                self.note(line, "note", mid, f"'{eid}' is listed twice: kept once")
                continue
            links.append(m.ExecutorLink(executor=eid, by_agreement=mention.by_agreement))
        if first_group is not None:
            name = groups.pop(0)
            eid = self._group_body(name, first_group.by_agreement)
            if links:
                self.note(
                    line,
                    "note",
                    mid,
                    f"the first listed is a group of bodies («{name}»): recorded as the main "
                    f"executor '{eid}' — nobody can report on the measure until the editor "
                    "names the responsible body",
                )
            else:
                self.note(
                    line,
                    "warning",
                    mid,
                    f"no single body is named, only «{name}»: recorded as the main executor "
                    f"'{eid}', a group of bodies — nobody can report on the measure until the "
                    "editor names the responsible body",
                )
            links.insert(0, m.ExecutorLink(executor=eid, by_agreement=first_group.by_agreement))
        elif not links:
            self.note(
                line, "warning", mid, "no executor: recorded as 'unknown' — name the main executor"
            )
            self.found.setdefault(
                "unknown", m.Executor(id="unknown", name="Виконавця не визначено")
            )
            links.append(m.ExecutorLink(executor="unknown"))
        return links, groups

    def _group_body(self, name: str, by_agreement: bool) -> str:
        """The executor record standing for a group of bodies that leads a measure."""
        title = name[0].upper() + name[1:]
        eid = slug(name)
        while eid in self.known.executors and key(self.known.executors[eid].name) != key(name):
            eid += "-2"
        self.found.setdefault(
            eid, m.Executor(id=eid, name=title, short_name=f"{title}{GROUP_MARK}")
        )
        if by_agreement:
            self.agreed.add(eid)
        return eid

    def _new_body(self, words: str, line: int) -> str:
        eid = slug(words, 48)
        while eid in self.known.executors and key(self.known.executors[eid].name) != key(words):
            eid += "-2"
        self.note(
            line,
            "note",
            "executors",
            f"«{words}» is not in the executors table: new executor '{eid}'",
        )
        self.known.add(m.Executor(id=eid, name=words), override=False)
        return eid

    def _remember(self, eid: str, mention: Mention, line: int) -> None:
        if mention.qualifier:
            self.note(
                line,
                "note",
                "executors",
                f"«, {mention.qualifier}» after «{mention.words}» is left out of the name",
            )
        if mention.short:
            self.local[key(mention.short)] = eid
        record = self.found.setdefault(eid, self.known.executors[eid])
        if mention.short and not record.short_name:
            self.found[eid] = record.model_copy(update={"short_name": mention.short})
        said = self.wordings.setdefault(eid, [])
        said.extend(w for w in (mention.words, mention.short) if w and w not in said)
        if mention.by_agreement:
            self.agreed.add(eid)

    def records(self) -> dict[str, m.Executor]:
        """The executor records: known data, the plan's wordings as aliases, «за згодою»."""
        out: dict[str, m.Executor] = {}
        for eid, ex in self.found.items():
            aliases = list(ex.aliases)
            for w in self.wordings.get(eid, []):
                if key(w) != key(ex.name) and all(key(w) != key(a) for a in aliases):
                    aliases.append(w)
            out[eid] = m.Executor(
                id=ex.id,
                name=ex.name,
                short_name=ex.short_name,
                aliases=aliases,
                by_agreement=ex.by_agreement or eid in self.agreed,
            )
        return out


def _cover_deadlines(
    programme: m.Programme, measures: list[m.Measure], lines: dict[str, int], notes: list[Note]
) -> m.Programme:
    """Widen the period to whole years holding every deadline (a plan may look ahead)."""
    start, end = programme.period.start, programme.period.end
    for ms in measures:
        for day in (ms.deadline.start, ms.deadline.end):
            if day is None or start <= day <= end:
                continue
            notes.append(
                Note(
                    lines[ms.id],
                    "warning",
                    ms.id,
                    f"the deadline {day:%d.%m.%Y} is outside the plan's years: the programme "
                    "period is widened to hold it — check the year",
                )
            )
            start, end = min(start, dt.date(day.year, 1, 1)), max(end, dt.date(day.year, 12, 31))
    if (start, end) == (programme.period.start, programme.period.end):
        return programme
    return programme.model_copy(update={"period": m.ProgrammePeriod(start=start, end=end)})


def interpret(table: Table, known: Known, source: str = "") -> Plan:
    """Understand a plan's table: tasks, measures, deadlines, executors, and what was not."""
    notes: list[Note] = []
    h = read_heading(table.heading)
    first_line = table.heading[0][0] if table.heading else 1
    if h.date is None:
        raise PlanError(
            f"{source}:{first_line}: the heading names no act date — the plan needs a line like "
            "«від 31 січня 2018 р. № 86-р» above the table (the year of undated deadlines comes "
            "from it)"
        )
    programme = _programme(h, notes, first_line)
    year = h.years[0] if h.years and h.years[0] == h.years[1] else h.date.year
    bodies = _Bodies(known, notes)
    sections: list[m.Section] = []
    measures: list[m.Measure] = []
    lines: dict[str, int] = {}
    section_lines: dict[str, int] = {}
    task: m.Section | None = None
    count = 0
    above: dict[str, Cell] = {}  # the last non-empty cell of each column, for «-“-»

    def note(line: int, level: str, subject: str, message: str) -> None:
        notes.append(Note(line, level, subject, message))

    for row in _rows(table, notes):
        number = row.number.rstrip(".").strip()
        task_title = _one_line(row.task)
        new_task = bool(number or task_title) and (
            task is None or number != task.id or task_title != task.title
        )
        if new_task:
            if not re.fullmatch(r"\d+", number):
                guess = str(int(task.id) + 1) if task and task.id.isdigit() else "1"
                note(
                    row.line,
                    "warning",
                    f"task {guess}",
                    f"the task cell «{_one_line(row.number)}» has no number: numbered {guess}",
                )
                number = guess
            if any(s.id == number for s in sections):
                note(row.line, "warning", f"task {number}", "the task number is used twice")
            title = task_title or f"Завдання {number}"
            if not task_title:
                note(row.line, "warning", f"task {number}", "the task has no title")
            task = m.Section(
                id=number, level=m.SectionLevel.TASK, title=title, order=len(sections) + 1
            )
            sections.append(task)
            section_lines.setdefault(task.id, row.line)
            count = 0
        if task is None:
            note(row.line, "warning", "table", "a measure before the first task was skipped")
            continue
        count += 1
        measure_text = _one_line(row.measure.text)
        published = None
        if mt := re.match(r"^(\d+)\s*\)\s*(.*)$", measure_text, re.DOTALL):
            published, measure_title = f"{task.id}.{mt.group(1)}", mt.group(2).strip()
            if int(mt.group(1)) != count:
                note(
                    row.line,
                    "note",
                    published,
                    f"measure {mt.group(1)}) is number {count} in task {task.id}",
                )
        elif measure_text:
            measure_title = measure_text
            if count > 1 or not new_task:
                note(row.line, "note", f"{task.id}.{count}", "the measure has no number")
        else:
            measure_title = task.title
            note(
                row.line,
                "note",
                f"{task.id}.{count}",
                "the measure cell is empty: the task's wording is the measure's title",
            )
        mid = published or f"{task.id}.{count}"
        while mid in lines:
            note(row.line, "warning", mid, "this measure number is used twice")
            mid += "-2"
        cells: dict[str, Cell] = {}
        for column, cell in (("deadline", row.deadline), ("executors", row.executors)):
            cells[column] = cell
            if is_ditto(cell.text):
                cells[column] = above.get(column, Cell("", cell.line))
                if column not in above:
                    note(row.line, "warning", mid, f"«-“-» in the {column} has nothing above")
            if clean(cells[column].text):
                above[column] = cells[column]
        try:
            parsed = parse_deadline(cells["deadline"].text, year)
            for issue in parsed.issues:
                note(row.deadline.line, "warning", mid, f"deadline: {issue}")
            links, groups = bodies.resolve(cells["executors"].text, row.executors.line, mid)
            measure = m.Measure(
                id=mid,
                number=published,
                title=measure_title,
                section=task.id,
                deadline=parsed.deadline,
                main_executor=links[0],
                co_executors=links[1:],
                executor_groups=groups,
            )
        except ValidationError as exc:  # e.g. a cell over the length limits of the models
            first = exc.errors(include_url=False)[0]
            where = ".".join(str(part) for part in first["loc"])
            if exc.title != "Measure":  # raised while building a part: say which
                where = f"{exc.title.lower()}.{where}"
            raise PlanError(
                f"{source}:{row.line}: measure {mid}: {where}: {first['msg']} — shorten or correct "
                "the cell in the plan"
            ) from exc
        measures.append(measure)
        lines[mid] = row.line
    if not measures:
        raise PlanError(
            f"{source}: no tasks or measures found — the table needs rows of: task number, task, "
            "measure, deadline, executors"
        )
    skipped = sum(n.subject == "table" for n in notes)
    if skipped > len(measures):
        raise PlanError(
            f"{source}: {skipped} rows do not have the shape of a plan table and only "
            f"{len(measures)} do — check --format (the text export, CSV, XLSX or .docx) and that "
            "the columns are: task number, task, measure, deadline, executors"
        )
    programme = _cover_deadlines(programme, measures, lines, notes)
    records = bodies.records()
    return Plan(programme, act_label(h), sections, measures, records, notes, lines, section_lines)


# ---------------------------------------------------------------- records as YAML


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


# ---------------------------------------------------------------- amendment mode


@dataclass(frozen=True)
class Change:
    """One difference between the data and the new plan, for one measure."""

    measure: str
    field: str  # as models.Amendment.field
    old: str | None
    new: str | None


def executors_text(ms: m.Measure, names: dict[str, m.Executor]) -> str:
    """A measure's executors in words: «МІП; Генеральна прокуратура України (за згодою); …»."""

    def named(link: m.ExecutorLink) -> str:
        ex = names.get(link.executor)
        word = ex.name if ex else link.executor
        return word + (" (за згодою)" if link.by_agreement else "")

    parts = [named(ms.main_executor), *(named(c) for c in ms.co_executors), *ms.executor_groups]
    return "; ".join(parts)


def _executors_key(ms: m.Measure) -> tuple[Any, ...]:
    return (ms.main_executor, tuple(ms.co_executors), tuple(ms.executor_groups))


def amend(data: Dataset, plan: Plan) -> tuple[dict[str, str], list[Change], list[Note]]:
    """Files to write and the changes, when `plan` is a new version of the data's programme.

    Measures are matched by identical title first (so a renumbered measure keeps its id),
    then by id; every change becomes an `amendments` entry dated by the new act; measures
    no longer in the plan get `removed`. Only records that change are written.
    """
    date = plan.programme.act.date
    assert date is not None
    act = plan.act_label
    notes: list[Note] = []
    changes: list[Change] = []
    names = {**data.executors, **plan.executors}
    old = dict(data.measures)
    by_title: dict[str, list[str]] = {}
    for mid, ms in old.items():
        by_title.setdefault(key(ms.title), []).append(mid)
    new_titles: dict[str, int] = {}
    for ms in plan.measures:
        new_titles[key(ms.title)] = new_titles.get(key(ms.title), 0) + 1
    matched: dict[str, str] = {}  # new id -> old id
    taken: set[str] = set()
    for ms in plan.measures:
        candidates = [c for c in by_title.get(key(ms.title), []) if c not in taken]
        if len(candidates) == 1 and new_titles[key(ms.title)] == 1:
            matched[ms.id] = candidates[0]
            taken.add(candidates[0])
    if old and not matched:
        raise PlanError(
            f"no measure of the plan has the title of a measure in the data ({len(old)} "
            "measures): it does not look like a new version of this programme — import it into "
            "another --out instead"
        )
    for ms in plan.measures:
        if ms.id not in matched and ms.id in old and ms.id not in taken:
            matched[ms.id] = ms.id
            taken.add(ms.id)

    out_measures: list[m.Measure] = []
    for ms in plan.measures:
        if ms.id in matched:
            before = old[matched[ms.id]]
            after, found = _amend_measure(before, ms, names, date, act)
            changes.extend(found)
            if after != before:
                out_measures.append(after)
            continue
        mid = ms.id
        while mid in old or mid in {o.id for o in out_measures}:
            mid += "-2"
        if mid != ms.id:
            notes.append(
                Note(
                    plan.lines.get(ms.id, 0),
                    "note",
                    mid,
                    f"new measure {ms.number or ms.id}: its number is taken, id '{mid}'",
                )
            )
        added = ms.model_copy(
            update={
                "id": mid,
                "amendments": [m.Amendment(date=date, act=act, field="added", new=ms.title)],
            }
        )
        changes.append(Change(mid, "added", None, ms.title))
        out_measures.append(added)
    for mid, ms in sorted(old.items()):
        if mid in taken or ms.removed is not None:
            continue
        removed = ms.model_copy(
            update={
                "removed": date,
                "amendments": [
                    *ms.amendments,
                    m.Amendment(date=date, act=act, field="removed", old=ms.title),
                ],
            }
        )
        changes.append(Change(mid, "removed", ms.title, None))
        out_measures.append(removed)

    sections: list[m.Section] = []
    for s in plan.sections:
        existing = data.sections.get(s.id)
        if existing is None:
            sections.append(s)
        elif existing.title != s.title:
            sections.append(existing.model_copy(update={"title": s.title}))
            notes.append(
                Note(
                    plan.section_lines.get(s.id, 0),
                    "note",
                    f"task {s.id}",
                    f"title changed: «{existing.title}» → «{s.title}»",
                )
            )
    programme = None
    p = data.programme
    if p is None:
        programme = plan.programme
    else:
        new_act = plan.programme.act
        same = (p.act.number, p.act.date) == (new_act.number, new_act.date)
        listed = any((a.number, a.date) == (new_act.number, new_act.date) for a in p.amendments)
        if not same and not listed:
            programme = p.model_copy(update={"amendments": [*p.amendments, new_act]})
    executors = [ex for eid, ex in plan.executors.items() if eid not in data.executors]
    files = record_files(programme, sections, out_measures, executors)
    return files, changes, notes


def _amend_measure(
    before: m.Measure, ms: m.Measure, names: dict[str, m.Executor], date: dt.date, act: str
) -> tuple[m.Measure, list[Change]]:
    changes: list[Change] = []
    update: dict[str, Any] = {}
    amendments = list(before.amendments)

    def record(fieldname: str, old: str | None, new: str | None) -> None:
        changes.append(Change(before.id, fieldname, old, new))
        amendments.append(m.Amendment(date=date, act=act, field=fieldname, old=old, new=new))  # type: ignore[arg-type]

    if before.removed is not None:
        update["removed"] = None
        record("added", None, ms.title)
    if before.title != ms.title:
        update["title"] = ms.title
        record("title", before.title, ms.title)
    if before.deadline.text != ms.deadline.text:
        update["deadline"] = ms.deadline
        record("deadline", before.deadline.text, ms.deadline.text)
    if _executors_key(before) != _executors_key(ms):
        update.update(
            main_executor=ms.main_executor,
            co_executors=ms.co_executors,
            executor_groups=ms.executor_groups,
        )
        record("executors", executors_text(before, names), executors_text(ms, names))
    if before.number != ms.number and ms.number is not None:
        update["number"] = ms.number
        record("other", before.number, ms.number)
    if before.section != ms.section:
        update["section"] = ms.section
        record("other", f"завдання {before.section}", f"завдання {ms.section}")
    if not update:
        return before, changes
    update["amendments"] = amendments
    return before.model_copy(update=update), changes


# ---------------------------------------------------------------- the command


@dataclass
class ImportResult:
    """What `dap import` did: counts, files, notes and changes, for the summary."""

    plan: Plan
    written: list[str]
    unchanged: int
    report: Path
    changes: list[Change] = field(default_factory=list)
    leftovers: list[str] = field(default_factory=list)


def report_text(plan: Plan, source: str, changes: list[Change] | None, amended: bool) -> str:
    """The import report: the act, counts, every note with its source line, the changes."""
    p = plan.programme
    out = [
        f"Import of {source}",
        f"act: {plan.act_label}",
        f"plan: {p.title}",
        f"period: {p.period.start} – {p.period.end}",
        f"tasks: {len(plan.sections)}, measures: {len(plan.measures)}, "
        f"executors: {len(plan.executors)}",
        "",
    ]
    warnings = [n for n in plan.notes if n.level == "warning"]
    out.append(
        f"{len(warnings)} thing(s) not understood (kept as text), "
        f"{len(plan.notes) - len(warnings)} choice(s) to review:"
    )
    for n in sorted(plan.notes, key=lambda n: (n.line, n.subject)):
        out.append(f"{source}:{n.line}: {n.subject}: {n.level}: {n.message}")
    if amended:
        out += ["", f"{len(changes or [])} change(s) against the data:"]
        for c in changes or []:
            if c.field == "added":
                out.append(f"{c.measure}: added: «{c.new}»")
            elif c.field == "removed":
                out.append(f"{c.measure}: removed: «{c.old}»")
            else:
                out.append(f"{c.measure}: {c.field}: «{c.old}» → «{c.new}»")
    return "\n".join(out) + "\n"


def import_plan(
    path: Path,
    out: Path,
    fmt: str = "auto",
    overwrite: bool = False,
    amend_mode: bool = False,
    executors_from: tuple[Path, ...] = (),
    report: Path | None = None,
) -> ImportResult:
    """Read `path`, write its records into `out` and the report; refuse to overwrite unasked."""
    if overwrite and amend_mode:
        raise PlanError("--overwrite cannot be used with --amend: choose one")
    if not path.is_file():
        raise PlanError(f"{path}: no such file")
    existing = sorted(iter_files(out)) if out.is_dir() else []
    if out.exists() and not out.is_dir():
        raise PlanError(f"{out} is a file, not a folder: choose another --out")
    if amend_mode and not existing:
        raise PlanError(
            f"{out} holds no data to amend: import without --amend first, or point --out at the "
            "data folder"
        )
    if existing and not (overwrite or amend_mode):
        shown = ", ".join(existing[:3]) + (" …" if len(existing) > 3 else "")
        raise PlanError(
            f"{out} already holds files ({shown}): pass --overwrite to replace the files the "
            "import writes, --amend to record the new plan's changes as amendments, or choose "
            "another --out"
        )
    folders = [*executors_from] + ([out] if amend_mode else [])
    known = known_executors(folders)
    table = read_table(path, fmt)
    plan = interpret(table, known, str(path))
    changes: list[Change] = []
    leftovers: list[str] = []
    if amend_mode:
        data, problems = load(out)
        errors = [p for p in problems if p.severity == "error"]
        if errors:
            raise PlanError(
                f"{out} has {len(errors)} error(s), e.g. {errors[0]} — run "
                f"'dap validate --data {out}' and fix them before amending"
            )
        files, changes, notes = amend(data, plan)
        plan.notes.extend(notes)
    else:
        files = plan_files(plan)
        leftovers = [
            f for f in existing if f.endswith(".yaml") and f not in files and f != "staff.yaml"
        ]
    report_path = report or out.resolve().parent / f"{out.resolve().name}-import-report.txt"
    text = report_text(plan, str(path), changes, amend_mode)
    writer = Writer(out)
    for rel in sorted(files):
        writer.write(rel, files[rel])
    report_path.parent.mkdir(parents=True, exist_ok=True)
    report_path.write_text(text, encoding="utf-8")
    written = sorted(writer.written)
    return ImportResult(plan, written, writer.unchanged, report_path, changes, leftovers)
