"""Workbooks (XLSX) and zips with fixed timestamps, byte-identical for identical content.

The one writer of every workbook dap makes, public (the data package) and internal (`dap build
--internal`): a small SpreadsheetML writer instead of openpyxl, which writes ~60,000 cells/s
here (minutes for the snapshots of a national programme) and turns text starting with = into a
formula. Every text is an inline-string cell (`t="inlineStr"`), which a spreadsheet never
evaluates as a formula; text starting with = + - @ also gets Excel's quote prefix, so that
editing the cell keeps it text. Control characters are removed (tab and line breaks stay).
Dates are date cells, numbers numbers, booleans booleans. The workbook's own dates are the
given day.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import shutil
import struct
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, BinaryIO, cast

from ..errors import BuildError
from ..i18n import _

CellValue = str | int | float | bool | dt.date | None

# Text starting with these gets the quote prefix (it is a text cell anyway).
FORMULA_START = ("=", "+", "-", "@")
# Removed from every text of a workbook: control characters (C0 but tab and line breaks, DEL,
# C1), which XML 1.0 cannot hold or a spreadsheet shows as boxes, non-characters and lone
# surrogates (which UTF-8 cannot hold).
ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# Characters a sheet's name cannot hold (Excel's rule), and its length.
_SHEET_NAME_BAD = re.compile(r"[:\\/?*\[\]]")
SHEET_NAME_MAX = 31
MAX_ROWS = 1_048_576  # Excel's limit per sheet, header included
# zlib level of the workbook: 3 is 2.3x faster than 6 on sheet XML and 25 % larger here.
LEVEL = 3

_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_NS_PKG = "http://schemas.openxmlformats.org/package/2006"
_CT = "application/vnd.openxmlformats-officedocument"
_XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_SPECIAL = re.compile(r"[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_EXCEL_EPOCH = dt.date(1899, 12, 30)
STYLE_DATE, STYLE_BOLD, STYLE_QUOTED = 1, 2, 3
_QUOTED = f' s="{STYLE_QUOTED}"'
_STYLES = (
    _XML_HEAD + f'<styleSheet xmlns="{_NS}">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" '
    'quotePrefix="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


@dataclass
class Sheet:
    """One sheet: a bold, frozen, filtered header row, then the rows."""

    name: str  # at most 31 characters, no : \\ / ? * [ ]
    header: list[str]
    rows: Iterable[Sequence[CellValue]]
    widths: list[float]  # one per column; the sheet has max(len(header), len(widths)) columns
    table: bool = True  # a data table: header frozen, filters on; False for a text sheet


class FixedZip:
    """A zip written entry by entry — from bytes, from a file, or streamed as it is made —
    in the order given, every timestamp `when` at midnight; the same entries give the same
    bytes however they arrive (deflate's output does not depend on how its input is cut).
    Writing a package this way keeps one chunk of it in memory, not the whole.

    With `previous` (a zip this class wrote before) and `known` (the key of each of its
    entries, as `keys` recorded them then), an entry whose key is the same is copied from it
    still compressed (`reused`), its bytes exactly those that compressing it again would
    give (issue 22: a merged report changes a few members of the newest package's zip; the
    others are not compressed again). An entry's key is a digest of its content (`add`,
    `add_file`) or one the caller computes from what the content is made of (`stream`)."""

    CHUNK = 1 << 20

    def __init__(
        self,
        target: Path | BinaryIO,
        when: dt.date,
        level: int = 6,
        stored: tuple[str, ...] = (),
        previous: Path | None = None,
        known: Mapping[str, str] | None = None,
    ):
        self.stamp = (max(when.year, 1980), when.month, when.day, 0, 0, 0)
        self.level = level
        self.stored = stored
        self.zf = zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED)
        self.keys: dict[str, str] = {}  # each entry's key, for the next build's `known`
        self.made: list[str] = []  # the entries made anew, not taken from `previous`
        self._known = known or {}
        self._previous: zipfile.ZipFile | None = None
        if previous is not None and self._known:
            try:
                self._previous = zipfile.ZipFile(previous)
            except (OSError, zipfile.BadZipFile):
                self._previous = None  # the entries are made anew

    def _info(self, name: str, size: int = 0) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=self.stamp)
        info.compress_type = zipfile.ZIP_STORED if name in self.stored else zipfile.ZIP_DEFLATED
        info.create_system = 3
        info.external_attr = 0o644 << 16
        info.file_size = size  # as writestr sets it (it decides on ZIP64 from it)
        info._compresslevel = self.level  # type: ignore[attr-defined]  # what writestr sets
        return info

    def reused(self, name: str, key: str) -> bool:
        """Whether entry `name`, made of what `key` digests, was copied from the previous zip
        (False: the caller writes it); the key is kept for the next build either way."""
        self.keys[name] = key
        found = None
        if self._previous is not None and self._known.get(name) == key:
            found = self._raw(name)
        if found is None:
            self.made.append(name)
            return False
        info, raw = found
        zf = self.zf
        assert zf.fp is not None
        info.header_offset = zf.fp.tell()
        zf.fp.write(raw)
        zf.filelist.append(info)
        zf.NameToInfo[name] = info
        zf.start_dir = zf.fp.tell()
        zf._didModify = True  # type: ignore[attr-defined]  # as ZipFile's own writers set it
        return True

    def previous_member(self, name: str) -> bytes | None:
        """Entry `name` of the previous zip, uncompressed (its CRC checked), or None."""
        if self._previous is None:
            return None
        try:
            return self._previous.read(name)
        except (OSError, KeyError, zipfile.BadZipFile):
            return None

    def _raw(self, name: str) -> tuple[zipfile.ZipInfo, bytes] | None:
        """Entry `name` of the previous zip, its local header and compressed data as they
        are, if it was written as this zip writes it (the same timestamp and compression, no
        data descriptor, no extra field); None otherwise."""
        assert self._previous is not None
        try:
            info = self._previous.getinfo(name)
        except KeyError:
            return None
        expected = zipfile.ZIP_STORED if name in self.stored else zipfile.ZIP_DEFLATED
        if (
            info.date_time != self.stamp
            or info.compress_type != expected
            or info.flag_bits & 0x08
            or info.extra
            or info.comment
        ):
            return None
        fp = self._previous.fp
        assert fp is not None
        try:
            fp.seek(info.header_offset)
            head = fp.read(30)
            if len(head) != 30 or head[:4] != b"PK\x03\x04":
                return None
            n, m = struct.unpack("<HH", head[26:30])
            rest = fp.read(n + m + info.compress_size)
        except OSError:
            return None
        if m or len(rest) != n + info.compress_size or rest[:n] != name.encode("utf-8"):
            return None
        return info, head + rest

    def add(
        self,
        name: str,
        content: bytes,
        key: str | None = None,
        shared: tuple[Deflated, str] | None = None,
    ) -> None:
        """One entry from bytes. `key`: the digest of `content` if the caller has it (as
        `_key` makes it). `shared`: this build's `Deflated` and the entry's name there, to
        start from another package's entry that begins with the same bytes."""
        if self.reused(name, key or _key(content)):
            return
        with self.zf.open(self._info(name, len(content)), "w") as out:
            if shared is None or name in self.stored:
                out.write(content)
            else:
                shared[0].write(out, shared[1], content)

    def add_file(self, name: str, path: Path) -> None:
        """One entry from a file, read a chunk at a time."""
        if self.reused(name, _file_key(path)):
            return
        with (
            path.open("rb") as source,
            self.zf.open(self._info(name, path.stat().st_size), "w") as out,
        ):
            shutil.copyfileobj(source, out, self.CHUNK)

    @contextmanager
    def stream(self, name: str) -> Iterator[IO[bytes]]:
        """One entry written through the file object given (its size is not known before)."""
        with self.zf.open(self._info(name), "w") as out:
            yield out

    def close(self) -> None:
        """Write the zip's directory."""
        self.zf.close()
        if self._previous is not None:
            self._previous.close()

    def __enter__(self) -> FixedZip:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Deflated:
    """Members compressed by this build, to start a later member from (issue 22: the older
    quarters' packages repeat most rows, and a table's CSV of one quarter begins with many
    megabytes of the next quarter's). Each member is compressed a `STEP` of bytes at a time,
    and after each step the compressor's state is copied with the CRC and the output so far.
    A member of the same name whose first steps hold the same bytes starts from the state
    after the last of them and compresses only the rest: deflate's output depends only on
    the bytes it was given, not on how they were cut, so the member's bytes are those that
    compressing it whole gives (tests/test_datasets_clean.py compares them). Holds the last
    member of each name, one package's worth."""

    STEP = 1 << 20

    def __init__(self) -> None:
        self._last: dict[str, tuple[bytes, list[tuple[Any, int, int]], list[bytes]]] = {}
        self.saved = 0  # bytes not compressed again

    def write(self, out: IO[bytes], name: str, content: bytes) -> None:
        """`content` through `out`, a zip entry opened for writing (`zipfile`'s writer, whose
        counters and compressor are set here as its own `write` sets them)."""
        w = cast(Any, out)
        fields = ("_compressor", "_crc", "_file_size", "_compress_size", "_fileobj")
        if not all(hasattr(w, f) for f in fields) or w._compressor is None:
            out.write(content)  # not the writer this was made for: compressed whole
            return
        step = self.STEP
        view = memoryview(content)
        marks: list[tuple[Any, int, int]] = []  # after step k: compressor, CRC, pieces
        pieces: list[bytes] = []
        before = self._last.pop(name, None)  # dropped as soon as what is the same is taken
        if before is not None:
            old, old_marks, old_pieces = before
            same = memoryview(old)
            k = 0  # the steps that hold the same bytes (compared in place, not copied)
            while k < len(old_marks) and content.startswith(
                same[k * step : (k + 1) * step], k * step
            ):
                k += 1
            if k:
                compressor, crc, n = old_marks[k - 1]
                marks, pieces = old_marks[:k], old_pieces[:n]
                w._compressor = compressor.copy()
                w._crc, w._file_size = crc, k * step
                self.saved += k * step
                w._compress_size = sum(map(len, pieces))
                for piece in pieces:
                    w._fileobj.write(piece)
            del before, old, old_marks, old_pieces, same
        for at in range(len(marks) * step, len(content), step):
            chunk = view[at : at + step]
            w._file_size += len(chunk)
            w._crc = zlib.crc32(chunk, w._crc)
            data = w._compressor.compress(chunk)
            w._compress_size += len(data)
            w._fileobj.write(data)
            pieces.append(data)
            if at + step < len(content):
                marks.append((w._compressor.copy(), w._crc, len(pieces)))
        if marks:
            self._last[name] = (content, marks, pieces)


def _key(content: bytes) -> str:
    return hashlib.blake2b(content, digest_size=16).hexdigest()


def _file_key(path: Path) -> str:
    h = hashlib.blake2b(digest_size=16)
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def fixed_zip(
    entries: list[tuple[str, bytes]], when: dt.date, level: int = 6, stored: tuple[str, ...] = ()
) -> bytes:
    """A zip of the entries in the order given, every timestamp `when` at midnight."""
    out = io.BytesIO()
    with FixedZip(out, when, level, stored) as zf:
        for name, content in entries:
            zf.add(name, content)
    return out.getvalue()


def xml_text(text: str) -> str:
    """Text for XML content: escaped, control characters removed (`ILLEGAL`), CR kept."""
    if not _SPECIAL.search(text):
        return text
    text = ILLEGAL.sub("", text)
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    )


def sheet_name(title: str) -> str:
    """A sheet's name from a title: what Excel refuses removed, at most 31 characters."""
    name = " ".join(_SHEET_NAME_BAD.sub(" ", ILLEGAL.sub("", title)).strip("'").split())
    return name[:SHEET_NAME_MAX].strip().strip("'") or "Sheet"


def columns(n: int) -> list[str]:
    """Column letters A, B, … Z, AA … for `n` columns."""
    letters = []
    for i in range(1, n + 1):
        name = ""
        while i:
            i, rem = divmod(i - 1, 26)
            name = chr(65 + rem) + name
        letters.append(name)
    return letters


def _number(value: float | int) -> str:
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _text_cell(ref: str, text: str, style: int = 0) -> str:
    # Escaping keeps the first character of what is left after control characters go.
    escaped = xml_text(text)
    if not style and escaped.startswith(FORMULA_START):
        style = STYLE_QUOTED
    s = f' s="{style}"' if style else ""
    return f'<c r="{ref}" t="inlineStr"{s}><is><t xml:space="preserve">{escaped}</t></is></c>'


def _cell(ref: str, value: CellValue) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return _text_cell(ref, value)
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{_number(value)}</v></c>'
    return f'<c r="{ref}" s="{STYLE_DATE}"><v>{(value - _EXCEL_EPOCH).days}</v></c>'


def _row(n: int, cols: list[str], values: Sequence[CellValue]) -> str:
    """One <row>: `_cell` for each value, inlined (this loop writes every cell of a workbook)."""
    out = [f'<row r="{n}">']
    add = out.append
    for c, v in zip(cols, values, strict=False):
        if v is None:
            continue
        kind = type(v)
        if kind is str:
            t = cast(str, v)
            text = t if not _SPECIAL.search(t) else xml_text(t)
            quoted = _QUOTED if text.startswith(FORMULA_START) else ""
            add(
                f'<c r="{c}{n}" t="inlineStr"{quoted}><is><t xml:space="preserve">{text}</t></is></c>'
            )
        elif kind is int:
            add(f'<c r="{c}{n}"><v>{v}</v></c>')
        elif kind is dt.date:
            days = (cast(dt.date, v) - _EXCEL_EPOCH).days
            add(f'<c r="{c}{n}" s="{STYLE_DATE}"><v>{days}</v></c>')
        else:
            add(_cell(f"{c}{n}", v))
    out.append("</row>")
    return "".join(out)


def _rows(sheet: Sheet) -> Sequence[Sequence[CellValue]]:
    """The sheet's rows as a sequence (their count heads the sheet's XML); at most Excel's."""
    rows = sheet.rows if isinstance(sheet.rows, Sequence) else list(sheet.rows)
    if len(rows) + 1 > MAX_ROWS:
        raise BuildError(
            _(
                "the workbook's sheet '{sheet}' would have more than {limit} rows, Excel's "
                "limit — the CSV and JSON files hold every row; leave this table out of "
                "the workbook",
                sheet=sheet.name,
                limit=format(MAX_ROWS, ","),
            )
        )
    return rows


# Rows of a sheet's XML encoded and written at a time (the XML of a national table is
# hundreds of MB as one string; a batch is a few hundred KB).
ROW_BATCH = 500


def sheet_rows(xml: bytes, count: int) -> list[bytes] | None:
    """The <row> elements of the data rows of a worksheet part `write_sheet` wrote with
    `count` of them (the header's not among them), or None if it does not have that many.
    A text's "<" is escaped, so "<row r=" starts a row and nothing else."""
    pieces = xml.split(b'<row r="')
    if len(pieces) != count + 2:
        return None
    last = pieces[-1]
    end = last.rfind(b"</row>")
    if end < 0:
        return None
    pieces[-1] = last[: end + len(b"</row>")]
    return [b'<row r="' + piece for piece in pieces[2:]]


def write_sheet(
    sheet: Sheet,
    rows: Sequence[Sequence[CellValue]],
    out: IO[bytes],
    selected: bool = False,
    taken: Mapping[int, bytes] | None = None,
) -> None:
    """The worksheet part of `rows` (`_rows(sheet)`), written to `out` a batch of rows at a
    time. `taken`: the XML of rows (by position from 0) as the previous workbook had them at
    the same place, the same values (issue 22: a changed table's sheet makes its changed
    rows only; a row's XML holds its number, so a row that moved is made anew)."""
    cols = columns(max(len(sheet.header), len(sheet.widths), 1))
    n = len(rows) + 1
    last = f"{cols[-1]}{n}"
    tab = ' tabSelected="1"' if selected else ""
    widths = "".join(
        f'<col min="{i}" max="{i}" width="{w:g}" customWidth="1"/>'
        for i, w in enumerate(sheet.widths, 1)
    )
    pane = (
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        '<selection pane="bottomLeft"/>'
        if sheet.table
        else ""
    )
    head = (
        _XML_HEAD + f'<worksheet xmlns="{_NS}" xmlns:r="{_NS_R}">'
        f'<dimension ref="A1:{last}"/>'
        f'<sheetViews><sheetView workbookViewId="0"{tab}>{pane}</sheetView></sheetViews>'
        '<sheetFormatPr defaultRowHeight="15"/>' + (f"<cols>{widths}</cols>" if widths else "")
    )
    parts = [head, "<sheetData>", '<row r="1">']
    parts += [
        _text_cell(f"{c}1", h, STYLE_BOLD) for c, h in zip(cols, sheet.header, strict=False) if h
    ]
    parts.append("</row>")
    for start in range(0, len(rows), ROW_BATCH):
        batch = rows[start : start + ROW_BATCH]
        if not taken:
            parts += [_row(r, cols, values) for r, values in enumerate(batch, start + 2)]
            out.write("".join(parts).encode("utf-8"))
            parts = []
            continue
        made = [
            found if (found := taken.get(r - 2)) is not None else _row(r, cols, values).encode()
            for r, values in enumerate(batch, start + 2)
        ]
        out.write("".join(parts).encode("utf-8") + b"".join(made))
        parts = []
    filtered = sheet.table and n > 1
    parts.append(
        "</sheetData>" + (f'<autoFilter ref="A1:{last}"/>' if filtered else "") + "</worksheet>"
    )
    out.write("".join(parts).encode("utf-8"))


def sheet_xml(sheet: Sheet, selected: bool = False) -> tuple[bytes, int]:
    """The worksheet part and its number of rows (header included; 0 without a filter)."""
    rows = _rows(sheet)
    out = io.BytesIO()
    write_sheet(sheet, rows, out, selected)
    n = len(rows) + 1
    return out.getvalue(), n if sheet.table and n > 1 else 0


def workbook(sheets: list[Sheet], title: str, when: dt.date) -> bytes:
    """An XLSX file of the sheets (the first one selected), dated `when`."""
    out = io.BytesIO()
    write_workbook(sheets, title, when, out)
    return out.getvalue()


def write_workbook(
    sheets: list[Sheet],
    title: str,
    when: dt.date,
    target: Path | BinaryIO,
    sheet_keys: Sequence[str | None] = (),
    previous: Path | None = None,
    known: Mapping[str, str] | None = None,
    same_rows: Mapping[int, Sequence[int]] | None = None,
) -> FixedZip:
    """`workbook` written to `target` (a file's path or a binary file object), each sheet's
    XML compressed as it is made: the whole workbook is never in memory.

    `sheet_keys`: a digest of what each sheet is made of (its name, header, widths, rows and
    place), or None; a sheet whose key is in `known` for the `previous` workbook is copied
    from it still compressed (`FixedZip.reused`). `same_rows`: of a sheet (by place) made
    anew, the positions of its rows that the `previous` workbook's sheet had at the same
    place with the same values: their XML is taken from it (`write_sheet`). Returns the
    (closed) zip: every part's key (the next build's `known`) and which parts it made
    anew."""
    rows = [_rows(sheet) for sheet in sheets]
    filters: list[str] = []
    for i, sheet in enumerate(sheets):
        n = len(rows[i]) + 1
        if sheet.table and n > 1:
            last = columns(max(len(sheet.header), len(sheet.widths), 1))[-1]
            filters.append(
                f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
                f"'{xml_text(sheet.name)}'!$A$1:${last}${n}</definedName>"
            )
    count = len(sheets)
    moment = f"{when.isoformat()}T00:00:00Z"
    content_types = (
        _XML_HEAD + f'<Types xmlns="{_NS_PKG}/content-types">'
        f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.spreadsheetml.sheet.main+xml"/>'
        + "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
            f'ContentType="{_CT}.spreadsheetml.worksheet+xml"/>'
            for i in range(1, count + 1)
        )
        + f'<Override PartName="/xl/styles.xml" ContentType="{_CT}.spreadsheetml.styles+xml"/>'
        '<Override PartName="/docProps/core.xml" '
        'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        f'<Override PartName="/docProps/app.xml" ContentType="{_CT}.extended-properties+xml"/>'
        "</Types>"
    )
    root_rels = (
        _XML_HEAD + f'<Relationships xmlns="{_NS_PKG}/relationships">'
        f'<Relationship Id="rId1" Type="{_NS_R}/officeDocument" Target="xl/workbook.xml"/>'
        f'<Relationship Id="rId2" Type="{_NS_PKG}/relationships/metadata/core-properties" '
        'Target="docProps/core.xml"/>'
        f'<Relationship Id="rId3" Type="{_NS_R}/extended-properties" Target="docProps/app.xml"/>'
        "</Relationships>"
    )
    core = (
        _XML_HEAD + f'<cp:coreProperties xmlns:cp="{_NS_PKG}/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{xml_text(title)}</dc:title><dc:creator>dap</dc:creator>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{moment}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{moment}</dcterms:modified>'
        "</cp:coreProperties>"
    )
    app = (
        _XML_HEAD + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        'extended-properties"><Application>dap</Application></Properties>'
    )
    names = "".join(
        f'<sheet name="{xml_text(s.name).replace(chr(34), "&quot;")}" sheetId="{i}" r:id="rId{i}"/>'
        for i, s in enumerate(sheets, 1)
    )
    book = (
        _XML_HEAD + f'<workbook xmlns="{_NS}" xmlns:r="{_NS_R}">'
        '<bookViews><workbookView activeTab="0"/></bookViews>'
        f"<sheets>{names}</sheets>"
        + (f"<definedNames>{''.join(filters)}</definedNames>" if filters else "")
        + "</workbook>"
    )
    book_rels = (
        _XML_HEAD
        + f'<Relationships xmlns="{_NS_PKG}/relationships">'
        + "".join(
            f'<Relationship Id="rId{i}" Type="{_NS_R}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, count + 1)
        )
        + f'<Relationship Id="rId{count + 1}" Type="{_NS_R}/styles" Target="styles.xml"/>'
        "</Relationships>"
    )
    entries = [
        ("[Content_Types].xml", content_types),
        ("_rels/.rels", root_rels),
        ("docProps/core.xml", core),
        ("docProps/app.xml", app),
        ("xl/workbook.xml", book),
        ("xl/_rels/workbook.xml.rels", book_rels),
        ("xl/styles.xml", _STYLES),
    ]
    with FixedZip(target, when, level=LEVEL, previous=previous, known=known) as zf:
        for name, text in entries:
            zf.add(name, text.encode("utf-8"))
        for i, sheet in enumerate(sheets):
            part = f"xl/worksheets/sheet{i + 1}.xml"
            key = sheet_keys[i] if i < len(sheet_keys) else None
            if key is None:
                zf.made.append(part)
            elif zf.reused(part, key):
                continue
            taken: dict[int, bytes] = {}
            same = (same_rows or {}).get(i)
            if same:
                xml = zf.previous_member(part)
                found = sheet_rows(xml, _previous_count(xml)) if xml is not None else None
                if found is not None:
                    taken = {k: found[k] for k in same if k < len(found)}
                    taken = {
                        k: row
                        for k, row in taken.items()
                        if row.startswith(b'<row r="%d"' % (k + 2))
                    }
            with zf.stream(part) as out:
                write_sheet(sheet, rows[i], out, selected=i == 0, taken=taken)
    return zf


_DIMENSION = re.compile(rb'<dimension ref="A1:[A-Z]+([0-9]+)"/>')


def _previous_count(xml: bytes) -> int:
    """The number of data rows of a worksheet part `write_sheet` wrote (from its dimension)."""
    found = _DIMENSION.search(xml, 0, 2000)
    return int(found.group(1)) - 1 if found else -1
