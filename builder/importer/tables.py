"""A plan file (text, CSV, XLSX, .docx) read into cells with source lines; PlanError, Note."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import DapError, problem_params
from ..i18n import N_, _, language, render, translations
from .deadlines import clean

FORMATS = ("text", "csv", "xlsx", "docx")


class PlanError(DapError):
    """The plan cannot be imported as asked (unreadable file, no table, folder not empty)."""


def say(message_id: str, params: Mapping[str, object], whole: bool = False) -> str:
    """`message_id` in the run's language with `params` put in; values are shortened as in
    every message unless `whole` (the report file, where an editor reads them in full)."""
    if not message_id:
        return ""
    if not whole:
        return render(message_id, params)
    text = translations(language()).gettext(message_id)
    return text.format_map({k: str(v).replace("\n", " ") for k, v in params.items()})


TOPICS = {"heading": N_("heading"), "executors": N_("executors"), "table": N_("table")}


@dataclass(frozen=True)
class Note:
    """Something in the plan the importer could not read, or a choice a person should check.

    `message_id`, `hint_id` (how to act on it) and `prefix_id` (what part of a row it is
    about, «deadline: ») are message ids of the catalogue (builder/i18n.py) whose placeholders
    `params` fill; `subject` and `message` are what a person reads, in the run's language.
    """

    line: int
    level: str  # "warning": not understood, kept as text; "note": a choice to review
    topic: str  # a measure id, "task <id>", "heading", "executors" or "table" (stable, English)
    message_id: str
    params: tuple[tuple[str, str], ...] = ()
    hint_id: str = ""
    prefix_id: str = ""

    @classmethod
    def of(
        cls,
        line: int,
        level: str,
        topic: str,
        message_id: str,
        hint_id: str = "",
        prefix_id: str = "",
        **params: object,
    ) -> Note:
        """A note whose message (and hint) take `params` in their placeholders."""
        return cls(line, level, topic, message_id, problem_params(params), hint_id, prefix_id)

    @property
    def subject(self) -> str:
        """What the note is about («2.4», «завдання 3», «заголовок»), in the run's language."""
        if self.topic in TOPICS:
            return _(TOPICS[self.topic])
        if self.topic.startswith("task "):
            return _("task {task}", task=self.topic.removeprefix("task "))
        return self.topic

    @property
    def message(self) -> str:
        """What is wrong and how to act on it, in the run's language (values shortened)."""
        return self.text()

    def text(self, whole: bool = False) -> str:
        """The message; `whole`: with every value in full (for the report file)."""
        values = dict(self.params)
        text = say(self.prefix_id, values, whole) + say(self.message_id, values, whole)
        if self.hint_id:
            text += " — " + say(self.hint_id, values, whole)
        return text


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


def is_header(cells: Iterable[str]) -> bool:
    """True for the row of column names (two of the header words or more)."""
    text = " ".join(clean(c).lower() for c in cells)
    return sum(word in text for word in HEADER_WORDS) >= 2


def _split_heading(rows: list[list[Cell]]) -> Table:
    """Rows before the header row (or before the first task) are the heading.

    Cells of the header row that are not column names (the plan's title exported in the same
    block, «ПЛАН ЗАХОДІВ …») belong to the heading too.
    """
    header = next((i for i, row in enumerate(rows) if is_header(c.text for c in row)), None)
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
        raise PlanError(
            _("{path}: cannot read the workbook ({reason})", path=path, reason=exc)
        ) from exc
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
        raise PlanError(
            _("{path}: cannot read the document ({reason})", path=path, reason=exc)
        ) from exc
    if not document.tables:
        raise PlanError(_("{path}: the document has no table of measures", path=path))
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
        raise PlanError(
            _("{path}: cannot read the file ({reason})", path=path, reason=exc.strerror)
        ) from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("cp1251")
        except UnicodeDecodeError as exc:  # pragma: no cover - cp1251 decodes almost anything
            raise PlanError(
                _("{path}: the file is neither UTF-8 nor Windows-1251 text", path=path)
            ) from exc
    return read_csv(text) if fmt == "csv" else read_text(text)
