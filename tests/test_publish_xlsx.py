"""The small XLSX writer: what openpyxl and pandas read back is what was written."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from builder.errors import BuildError
from builder.opendata import xlsx

DAY = dt.date(2024, 12, 31)


def book(rows: list[list[xlsx.CellValue]], header: list[str] | None = None) -> bytes:
    header = header or [f"c{i}" for i in range(len(rows[0]) if rows else 1)]
    return xlsx.workbook([xlsx.Sheet("дані", header, rows, [12] * len(header))], "Назва", DAY)


def test_column_letters() -> None:
    assert xlsx.columns(28)[:3] == ["A", "B", "C"]
    assert xlsx.columns(28)[-3:] == ["Z", "AA", "AB"]
    assert xlsx.columns(703)[-1] == "AAA"


def test_values_come_back_with_their_types() -> None:
    rows: list[list[xlsx.CellValue]] = [
        ["текст", 3, 2.5, True, DAY, None],
        ["=1+2", -4, 0.1, False, dt.date(2023, 1, 1), "+380"],
    ]
    ws = load_workbook(io.BytesIO(book(rows)))["дані"]
    got = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    assert got == [
        ["текст", 3, 2.5, True, dt.datetime(2024, 12, 31), None],
        ["=1+2", -4, 0.1, False, dt.datetime(2023, 1, 1), "+380"],
    ]
    assert [c.data_type for c in ws[3]] == ["s", "n", "n", "b", "d", "s"]
    assert ws["A3"].quotePrefix and ws["F3"].quotePrefix and not ws["A2"].quotePrefix
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:F3"


def test_markup_is_escaped_and_control_characters_removed() -> None:
    text = 'a & b <c> "d"\r\ne\x01\x1b\x7f\x85\ud800f\ttab'
    ws = load_workbook(io.BytesIO(book([[text]])))["дані"]
    assert ws["A2"].value == 'a & b <c> "d"\r\nef\ttab'
    frame = pd.read_excel(io.BytesIO(book([[text]])), dtype=object)
    assert frame.iloc[0, 0] == 'a & b <c> "d"\r\nef\ttab'


@pytest.mark.parametrize(
    "text", ["=cmd|' /C calc'!A0", "+1", "-1", "@SUM(1)", "\x00=1+1", "\x1b@A1", "=\x07A1"]
)
def test_formula_text_is_a_quoted_text_cell(text: str) -> None:
    ws = load_workbook(io.BytesIO(book([[text, "x"]])))["дані"]
    cell = ws["A2"]
    assert cell.data_type == "s" and cell.quotePrefix
    assert cell.value == xlsx.ILLEGAL.sub("", text)
    assert not ws["B2"].quotePrefix


def test_sheet_names_keep_to_excels_rules() -> None:
    assert xlsx.sheet_name("Користувачі та правила III.15") == "Користувачі та правила III.15"
    assert xlsx.sheet_name("a:b/c\\d?e*f[g]h\x00") == "a b c d e f g h"
    assert len(xlsx.sheet_name("д" * 40)) == 31
    assert xlsx.sheet_name("'[]'") == "Sheet"


def test_same_content_same_bytes_and_the_date_is_the_given_day() -> None:
    assert book([["x", 1]]) == book([["x", 1]])
    wb = load_workbook(io.BytesIO(book([["x", 1]])))
    assert wb.properties.created == wb.properties.modified == dt.datetime(2024, 12, 31)
    assert wb.properties.title == "Назва"


def test_an_empty_table_has_its_header_only() -> None:
    ws = load_workbook(io.BytesIO(book([], header=["a", "b"])))["дані"]
    assert [[c.value for c in row] for row in ws.iter_rows()] == [["a", "b"]]


def test_too_many_rows_for_excel_is_a_build_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xlsx, "MAX_ROWS", 3)
    with pytest.raises(BuildError, match="more than 3 rows"):
        book([["x"], ["y"], ["z"]])


def test_a_zip_is_the_same_from_bytes_files_and_streams(tmp_path: Path) -> None:
    """Issue 22: entries streamed into the zip (in any chunks) or copied from a file give the
    bytes `fixed_zip` gives from the same content in memory."""
    big = ("рядок,з,текстом\r\n" * 50_000).encode("utf-8")
    entries = [("a/one.csv", big), ("a/two.json", b"[]\n"), ("a/book.xlsx", b"PK\x03\x04 x")]
    expected = xlsx.fixed_zip(entries, DAY, level=3, stored=("a/book.xlsx",))
    (tmp_path / "one.csv").write_bytes(big)
    with xlsx.FixedZip(tmp_path / "out.zip", DAY, 3, stored=("a/book.xlsx",)) as zf:
        zf.add_file("a/one.csv", tmp_path / "one.csv")
        with zf.stream("a/two.json") as out:
            out.write(b"[")
            out.write(b"]\n")
        zf.add("a/book.xlsx", b"PK\x03\x04 x")
    assert (tmp_path / "out.zip").read_bytes() == expected


def test_a_zip_copies_the_members_whose_key_is_unchanged(tmp_path: Path) -> None:
    """Issue 22: a member whose key is the previous zip's is copied from it still compressed;
    the zip's bytes are those of a zip made from scratch. A changed member, another date or
    another storage (stored, not deflated) makes the member anew."""
    big = ("рядок,з,текстом\r\n" * 20_000).encode("utf-8")
    old = [("a/one.csv", big), ("a/two.json", b"[1]\n"), ("a/book.xlsx", b"PK\x03\x04 x")]
    new = [("a/one.csv", big), ("a/two.json", b"[2]\n"), ("a/book.xlsx", b"PK\x03\x04 x")]
    with xlsx.FixedZip(tmp_path / "old.zip", DAY, 3, stored=("a/book.xlsx",)) as first:
        for name, content in old:
            first.add(name, content)
    assert first.made == [name for name, _ in old]

    def rebuilt(day: dt.date, stored: tuple[str, ...]) -> xlsx.FixedZip:
        target = tmp_path / "new.zip"
        with xlsx.FixedZip(target, day, 3, stored, tmp_path / "old.zip", first.keys) as zf:
            for name, content in new:
                zf.add(name, content)
        assert target.read_bytes() == xlsx.fixed_zip(new, day, level=3, stored=stored)
        return zf

    assert rebuilt(DAY, ("a/book.xlsx",)).made == ["a/two.json"]
    assert rebuilt(DAY + dt.timedelta(days=1), ("a/book.xlsx",)).made == [n for n, _ in new]
    assert rebuilt(DAY, ()).made == ["a/two.json", "a/book.xlsx"]


def test_a_workbook_written_to_a_file_is_the_same(tmp_path: Path) -> None:
    rows: list[list[xlsx.CellValue]] = [
        [f"текст {i}", i, DAY] for i in range(2 * xlsx.ROW_BATCH + 3)
    ]
    sheets = [xlsx.Sheet("дані", ["a", "b", "c"], rows, [12, 12, 12])]
    xlsx.write_workbook(sheets, "Назва", DAY, tmp_path / "book.xlsx")
    assert (tmp_path / "book.xlsx").read_bytes() == xlsx.workbook(sheets, "Назва", DAY)
    ws = load_workbook(tmp_path / "book.xlsx")["дані"]
    assert (
        ws.max_row == len(rows) + 1 and ws.cell(row=len(rows) + 1, column=2).value == len(rows) - 1
    )
