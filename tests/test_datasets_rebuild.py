"""Incremental data packages (issue 22): a rebuild takes the packages whose key is unchanged from
the store and builds the others, and its files equal a clean build's, byte for byte — with
nothing changed, one report changed, a schema changed, dap's version changed; a damaged, foreign
or stale store is never served."""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from builder import i18n
from builder.compute import history_snapshots
from builder.compute_kept import Kept
from builder.opendata import checks, formats, incremental, tables, xlsx
from builder.opendata.checks import _field_checks
from builder.opendata.downloads import write_downloads
from builder.opendata.incremental import MANIFEST, PackageStore
from builder.opendata.rows import memo
from builder.output import Writer
from builder.project import bundled
from builder.status import load_history
from builder.validate import validate
from builder.versions import dataset_as_of

ROOT = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2025, 2, 15)  # not a quarter end: "latest" is a package of its own
COMPUTED_ON = dt.date(2025, 2, 20)
EVERY = {f"{year}-Q{q}" for year in (2023, 2024) for q in (1, 2, 3, 4)} | {"latest"}


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A project folder of its own (its data, its table schemas, its .dap-cache/), worked in."""
    shutil.copytree(ROOT / "data", tmp_path / "data")
    shutil.copytree(bundled("tables"), tmp_path / "schemas" / "tables")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DAP_NO_CACHE", raising=False)
    forget_schemas()
    yield tmp_path
    forget_schemas()


def forget_schemas() -> None:
    for cached in (tables._schema_dir, tables._schemas_for, tables._read_schemas, _field_checks):
        cached.cache_clear()


def build(project: Path, out: str, store: bool = True, as_of: dt.date = AS_OF) -> PackageStore:
    """The downloads of the project's data written into `out`, as `dap build` writes them."""
    data_dir = project / "data"
    data, problems = validate(data_dir, "data")
    assert [p for p in problems if p.severity == "error"] == []
    history = load_history(data, data_dir)
    snapshots = history_snapshots(data, history, as_of, max(as_of, COMPUTED_ON))
    found = PackageStore.for_data(data_dir) if store else PackageStore(None)
    write_downloads(data, history, snapshots, Writer(project / out), store=found)
    return found


def files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def same_as_clean(project: Path, out: str, as_of: dt.date = AS_OF) -> None:
    """`out` holds exactly what a build without any store makes."""
    build(project, "clean", store=False, as_of=as_of)
    rebuilt, clean = files(project / out), files(project / "clean")
    assert sorted(rebuilt) == sorted(clean)
    assert [path for path in clean if rebuilt[path] != clean[path]] == []
    shutil.rmtree(project / "clean")


def entries(store: PackageStore) -> Path:
    assert store.folder is not None and store.folder.parent == Path.cwd() / ".dap-cache"
    return store.folder


def test_nothing_changed_every_package_is_kept(project: Path) -> None:
    first = build(project, "one")
    assert set(first.built) == EVERY and first.reused == [] and first.notes == []
    again = build(project, "two")
    assert set(again.reused) == EVERY and again.built == [] and again.notes == []
    assert files(project / "one") == files(project / "two")
    same_as_clean(project, "two")


def newest_quarter_report(project: Path) -> Path:
    """A report of the data dated in the newest quarter before AS_OF (2024-Q4)."""
    data, _ = validate(project / "data", "data")
    dates = memo(data, load_history(data, project / "data")).dates
    key = next(
        k
        for k, (day, _v, _s) in sorted(dates.items())
        if day is not None and dt.date(2024, 10, 1) <= day <= dt.date(2024, 12, 31)
    )
    period, measure = key.split("/")
    return project / "data" / "reports" / period / f"{measure}.yaml"


def correct(report: Path) -> None:
    text = report.read_text(encoding="utf-8")
    assert "\ntext: " in text
    report.write_text(text.replace("\ntext: ", "\ntext: (виправлено) ", 1), encoding="utf-8")


def test_one_report_changed_rebuilds_only_the_packages_that_show_it(project: Path) -> None:
    build(project, "site")
    correct(newest_quarter_report(project))
    again = build(project, "site")
    assert sorted(again.built) == ["2024-Q4", "latest"]  # the older quarters did not show it
    assert set(again.reused) == EVERY - {"2024-Q4", "latest"}
    same_as_clean(project, "site")


def measure_of(report: Path) -> str:
    return report.stem


def sheet(resource: str) -> str:
    """The workbook's part of a resource's sheet (the first sheet is about the data)."""
    return f"xlsx:xl/worksheets/sheet{tables.RESOURCES.index(resource) + 2}.xml"


def test_one_report_changed_remakes_only_the_parts_it_is_in(project: Path) -> None:
    """Of the packages rebuilt, only the parts made of the report's rows are made again: its
    table's CSV and JSON, its measure's document, its sheet of the workbook, and the files
    that list them (datapackage.json, the workbook, the zips); every other member of the
    zips is copied from the previous build still compressed, and the files equal a clean
    build's."""
    first = build(project, "site")
    assert len(first.remade["latest"]) > 100  # the first build makes every part
    report = newest_quarter_report(project)
    correct(report)
    again = build(project, "site")
    assert again.remade == {
        "2024-Q4": ["zip:dap-2024-Q4/datapackage.json", "zip:dap-2024-Q4/reports.csv"],
        "latest": [
            "table:reports",
            "xlsx:xl/worksheets/sheet1.xml",  # about the data: small, made every time
            sheet("reports"),
            "zip:dap-latest/datapackage.json",
            "zip:dap-latest/reports.csv",
            "zip:dap-latest/json/reports.json",
            f"zip:dap-latest/json/measures/{measure_of(report)}.json",
            "zip:dap-latest/dap-latest.xlsx",
        ],
    }
    same_as_clean(project, "site")


def test_a_change_undone_is_made_again_from_the_changed_parts(project: Path) -> None:
    """The previous build's parts are those of the changed report: undoing the change makes
    them again (their keys differ), never serves the changed ones."""
    build(project, "site")
    report = newest_quarter_report(project)
    original = report.read_bytes()
    correct(report)
    build(project, "site")
    report.write_bytes(original)
    again = build(project, "site")
    assert "table:reports" in again.remade["latest"]
    assert f"zip:dap-latest/json/measures/{measure_of(report)}.json" in again.remade["latest"]
    same_as_clean(project, "site")


def test_another_date_copies_no_member_of_the_zip(project: Path) -> None:
    """A zip's members carry the package's date: a day later, the newest package's tables
    that do not show the date are the same (their CSV taken from the store), but every
    member of the zip and of the workbook is compressed anew with the new date, and the
    files equal a clean build's of that day."""
    build(project, "site")
    later = AS_OF + dt.timedelta(days=1)
    again = build(project, "site", as_of=later)
    assert again.built == ["latest"]
    made = again.remade["latest"]
    assert "table:sections" not in made and "table:measure_status" in made
    assert "zip:dap-latest/sections.csv" in made and "zip:dap-latest/dap-latest.xlsx" in made
    assert sheet("sections") in made  # the workbook's parts are dated too
    same_as_clean(project, "site", as_of=later)


def test_a_damaged_previous_package_is_not_used_with_a_note(project: Path) -> None:
    """A changed report rebuilds the newest package from parts of the previous one; if that
    one's zip was edited in the store, none of it is used, one note says so, and the files
    equal a clean build's."""
    i18n.set_language("uk")
    folder = entries(build(project, "site"))
    archive = next((folder / "latest").glob("*dap-latest.zip"))
    body = bytearray(archive.read_bytes())
    body[len(body) // 3] ^= 0xFF
    archive.write_bytes(bytes(body))
    correct(newest_quarter_report(project))
    again = build(project, "site")
    assert len(again.notes) == 1
    assert "latest" in again.notes[0] and "обрізаний або змінений" in again.notes[0]
    assert len(again.remade["latest"]) > 100  # made anew, part by part
    same_as_clean(project, "site")
    assert build(project, "site").notes == []


def test_an_amendment_reaches_only_the_packages_dated_after_it(project: Path) -> None:
    build(project, "site")
    measure = next(
        path
        for path in sorted((project / "data" / "measures").glob("*.yaml"))
        if "amendments:" not in path.read_text(encoding="utf-8")
    )
    text = measure.read_text(encoding="utf-8")
    measure.write_text(
        text
        + "amendments:\n- date: 2025-01-20\n  act: Постанова КМУ № 1\n"
        + "  title: Нова назва заходу після змін\n",
        encoding="utf-8",
    )
    again = build(project, "site")
    assert again.built == ["latest"]  # the quarter ends before it read the measure as it was
    same_as_clean(project, "site")


def test_a_changed_schema_rebuilds_every_package(project: Path) -> None:
    build(project, "site")
    schema = project / "schemas" / "tables" / "measures.json"
    described = json.loads(schema.read_text(encoding="utf-8"))
    described["title"] = described["title"] + " (змінено)"
    schema.write_text(json.dumps(described, ensure_ascii=False, indent=2), encoding="utf-8")
    forget_schemas()
    again = build(project, "site")
    assert set(again.built) == EVERY and again.reused == []
    same_as_clean(project, "site")


def test_a_changed_column_title_remakes_the_sheets_of_unchanged_rows(project: Path) -> None:
    """A part's key digests its rows; what else it is made of (the schemas, dap's code, the
    options) is the package's: a package made under other schemas gives no part to this
    build, even one of the same rows (here a sheet whose header changed)."""
    build(project, "site")
    schema = project / "schemas" / "tables" / "sections.json"
    described = json.loads(schema.read_text(encoding="utf-8"))
    described["schema"]["fields"][0]["title"] = "Код розділу (змінено)"
    schema.write_text(json.dumps(described, ensure_ascii=False, indent=2), encoding="utf-8")
    forget_schemas()
    correct(newest_quarter_report(project))
    again = build(project, "site")
    assert sheet("sections") in again.remade["latest"]
    same_as_clean(project, "site")


def test_another_dap_version_rebuilds_every_package(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(project, "site")
    monkeypatch.setattr(incremental, "__version__", "99.0")
    again = build(project, "site")
    assert set(again.built) == EVERY and again.reused == [] and again.notes == []


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        ("manifest missing", "немає його опису"),
        ("manifest truncated", "не читається"),
        ("zip truncated", "обрізаний або змінений"),
        ("file edited", "обрізаний або змінений"),
        ("file missing", "відсутній"),
        ("foreign seal", "не dap цього користувача"),
    ],
)
def test_a_damaged_or_foreign_store_entry_is_ignored_with_a_note(
    project: Path, damage: str, reason: str
) -> None:
    i18n.set_language("uk")  # the tests' default is English (conftest.py)
    folder = entries(build(project, "site"))
    entry = folder / "2024-Q2"
    manifest = entry / MANIFEST
    stored = sorted(p for p in entry.iterdir() if p.name != MANIFEST)
    if damage == "manifest missing":
        manifest.unlink()
    elif damage == "manifest truncated":
        manifest.write_bytes(manifest.read_bytes()[:100])
    elif damage == "zip truncated":
        archive = next(p for p in stored if p.name.endswith(".zip"))
        archive.write_bytes(archive.read_bytes()[:-200])
    elif damage == "file edited":
        archive = next(p for p in stored if p.name.endswith(".zip"))
        body = bytearray(archive.read_bytes())
        body[len(body) // 2] ^= 0xFF  # same size, other bytes
        archive.write_bytes(bytes(body))
    elif damage == "file missing":
        stored[0].unlink()
    else:  # a manifest that another key sealed (a store planted, or copied from elsewhere)
        sealed = json.loads(manifest.read_text(encoding="utf-8"))
        sealed["seal"] = "00" * 32
        manifest.write_text(json.dumps(sealed), encoding="utf-8")
    again = build(project, "site")
    assert again.built == ["2024-Q2"]
    assert len(again.notes) == 1
    note = again.notes[0]
    assert "2024-Q2" in note and reason in note and "\n" not in note
    assert note.startswith("примітка: ")
    same_as_clean(project, "site")
    assert build(project, "site").notes == []  # the entry was made anew


def test_an_entry_made_from_other_inputs_is_rebuilt_never_served(project: Path) -> None:
    folder = entries(build(project, "site"))
    shutil.rmtree(folder / "2024-Q3")
    shutil.copytree(folder / "2024-Q2", folder / "2024-Q3")  # sealed, intact, another key
    again = build(project, "site")
    assert again.built == ["2024-Q3"] and again.notes == []
    same_as_clean(project, "site")


def test_an_interrupted_build_leaves_the_store_usable(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(project, "site")
    correct(newest_quarter_report(project))
    from builder.opendata import downloads

    def interrupted(*args: object, **kwargs: object) -> object:
        raise KeyboardInterrupt

    render = downloads.render_package
    monkeypatch.setattr(downloads, "render_package", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build(project, "other")
    monkeypatch.setattr(downloads, "render_package", render)
    again = build(project, "site")
    assert sorted(again.built) == ["2024-Q4", "latest"] and again.notes == []
    same_as_clean(project, "site")


def test_no_store_without_a_cache(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DAP_NO_CACHE", "1")
    store = build(project, "site")
    assert store.folder is None and store.reused == [] and set(store.built) == EVERY
    assert not (project / ".dap-cache").exists()


def test_the_notes_are_in_the_catalogue() -> None:
    i18n.set_language("uk")
    for msgid in (incremental.NO_MANIFEST, incremental.UNREADABLE, incremental.FOREIGN):
        assert i18n._(msgid) != msgid


# ---------------------------------------------------------------- row by row (issue 22)


def test_a_changed_table_takes_the_lines_of_its_other_rows(project: Path) -> None:
    """One report changed: the reports table's CSV is made of the previous build's lines but
    the report's own, which alone is made and checked; the files equal a clean build's."""
    build(project, "site")
    report = newest_quarter_report(project)
    correct(report)
    again = build(project, "site")
    fresh = again.fresh["latest"]
    assert list(fresh) == ["reports"] and len(fresh["reports"]) == 1
    lines = (project / "site" / "downloads" / "latest" / "reports.csv").read_text("utf-8-sig")
    assert "(виправлено)" in lines.splitlines()[fresh["reports"][0] + 1]
    same_as_clean(project, "site")


def test_rows_that_moved_keep_their_lines(project: Path) -> None:
    """A report gone: the rows after it move up, and their lines are still taken (a line
    does not depend on where its row is); of the tables it changed, only the rows it
    changed are made."""
    build(project, "site")
    data, _ = validate(project / "data", "data")
    cited = {key for a in data.assessments.values() for key in a.reports}
    gone = next(
        key
        for key in sorted(data.reports)
        if key not in cited and key.startswith("2024-Q4/") and not data.reports[key].evidence
    )
    (project / "data" / "reports" / f"{gone}.yaml").unlink()
    again = build(project, "site")
    fresh = again.fresh["latest"]
    assert fresh["reports"] == []  # one line fewer, the others moved up: none made
    # the measure's status (a report missing now) and the aggregates over it: a few rows
    assert {"measure_status", "aggregates"} <= set(fresh)
    assert all(len(rows) < 10 for rows in fresh.values())
    same_as_clean(project, "site")


def test_a_damaged_row_index_is_not_used(project: Path) -> None:
    """A row index edited in the store is not used (its digest is sealed in the manifest),
    nor is anything of its package, with a note, as any damaged file of the store: the
    package is made anew, its tables made and checked whole, as a clean build does."""
    i18n.set_language("uk")
    folder = entries(build(project, "site"))
    manifest = json.loads(json.loads((folder / "latest" / MANIFEST).read_text())["body"])
    index = next(e for e in manifest["extras"] if e["name"] == "rows:reports")
    path = folder / "latest" / index["stored"]
    body = bytearray(path.read_bytes())
    body[-1] ^= 0xFF
    path.write_bytes(bytes(body))
    correct(newest_quarter_report(project))
    again = build(project, "site")
    assert again.fresh["latest"] == {} and len(again.remade["latest"]) > 100
    assert len(again.notes) == 1 and "latest" in again.notes[0]
    assert index["stored"] in again.notes[0] and "обрізаний або змінений" in again.notes[0]
    same_as_clean(project, "site")
    assert "reports" in build_after_change(project).fresh["latest"]  # a good index again


def build_after_change(project: Path) -> PackageStore:
    report = newest_quarter_report(project)
    report.write_text(report.read_text("utf-8").replace("(виправлено) ", "(знову) ", 1), "utf-8")
    return build(project, "site")


def test_an_index_of_another_csv_gives_no_lines() -> None:
    rows = [("a", 1), ("b, c", 2)]
    digests = formats.row_digests(list(map(repr, rows)))
    content, lengths = formats.csv_made("feedback", [], None)
    assert formats.indexed_lines(formats.row_index(digests, lengths), content, "feedback") == {}
    assert formats.indexed_lines(b"\x01", content, "feedback") == {}


def test_the_lines_made_anew_are_checked_as_the_whole_csv_is(project: Path) -> None:
    """`check_lines` finds in the lines it reads what `check_csv` finds in the whole CSV,
    under the same row numbers; a line that is not one record of the right width too."""
    data, _ = validate(project / "data", "data")
    history = load_history(data, project / "data")
    snapshots = history_snapshots(data, history, AS_OF, COMPUTED_ON)
    from builder.opendata.snapshots import PackageMaker, package_plan

    plan = package_plan(snapshots)
    pkg = PackageMaker(data, history, snapshots).make(*plan[-1])[-1]
    rows = list(pkg.tables["reports"])
    at = formats.field_names("reports").index("id")
    broken = list(rows[3])
    broken[at] = None  # a required field left empty
    rows[3] = tuple(broken)
    digests = formats.row_digests(list(map(repr, rows)))
    content, lengths = formats.csv_made("reports", rows, None)
    index = formats.row_index(digests, lengths)
    whole = checks.check_csv("reports", content, "")
    assert whole and all("row 5," in e for e in whole)
    assert checks.check_lines("reports", content, [0, 3, 4], index) == whole
    assert checks.check_lines("reports", content, [0, 4], index) == []
    wrong = content.replace(b"\r\n", b"\r\n,", 1)  # the first row one cell too wide
    wider = formats.row_index(digests, [lengths[0] + 1, *lengths[1:]])
    assert "cells for" in checks.check_lines("reports", wrong, [0], wider)[0]


def test_a_record_read_from_a_file_is_digested_as_that_file(project: Path) -> None:
    """A record as read is digested by its file's path and blob id (no JSON); a copy made by
    the build, even an equal one, by its JSON — the same whichever way it was made."""
    from builder.cache import record_contents

    data, _ = validate(project / "data", "data")
    report = next(iter(data.reports.values()))
    contents = record_contents()
    assert id(report) in contents
    read = incremental.Digests(contents)
    copy = report.model_copy()
    assert read.digest(report) != read.digest(copy)
    assert read.digest(report, as_json=True) == read.digest(copy)
    assert read.digest(copy) == incremental.Digests().digest(report)


def test_json_lines_are_taken_only_from_json_of_the_same_rows() -> None:
    rows = [("a", 1), ("b", 2)]
    digests = formats.row_digests(list(map(repr, rows)))
    index = formats.row_index(digests, [5, 5])
    content = b'[\n{"x":"a"},\n{"x":"b"}\n]\n'
    assert formats.indexed_json(index, content) == {
        digests[0]: b'{"x":"a"}',
        digests[1]: b'{"x":"b"}',
    }
    assert formats.indexed_json(index, b'[\n{"x":"a"}\n]\n') == {}  # one row fewer
    assert formats.indexed_json(formats.row_index([], []), b"[\n]\n") == {}


def test_a_sheet_takes_the_rows_it_had_at_the_same_place() -> None:
    """The rows of a changed sheet taken from the previous one (the same values at the same
    place) give the bytes a sheet made whole gives; a text holding '<row r="' is no row."""
    rows: list[tuple[xlsx.CellValue, ...]] = [
        ("a", 1, dt.date(2025, 1, 1)),
        ('<row r="9">', None, None),
        ("=1+1", 2.5, True),
    ]
    sheet = xlsx.Sheet("t", ["A", "B", "C"], rows, [10, 10, 10])
    before, _ = xlsx.sheet_xml(sheet)
    found = xlsx.sheet_rows(before, 3)
    assert found is not None and len(found) == 3
    assert xlsx.sheet_rows(before, 2) is None
    rows[1] = ("changed", 3, None)
    changed = xlsx.Sheet("t", ["A", "B", "C"], rows, [10, 10, 10])
    whole, _ = xlsx.sheet_xml(changed)
    out = io.BytesIO()
    xlsx.write_sheet(changed, rows, out, taken={0: found[0], 2: found[2]})
    assert out.getvalue() == whole


# ---------------------------------------------------------------- ninth session (issue 22)


def test_an_intact_store_is_checked_by_its_inodes_not_read(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stored file whose inode is as the store wrote it (size, times, number) is not read
    and digested again; one whose inode differs (a copied or restored store) is, and is used
    when its bytes are the same."""
    folder = entries(build(project, "site"))
    digested: list[Path] = []
    digest = incremental._file_digest

    def counted(path: Path) -> str:
        digested.append(path)
        return digest(path)

    monkeypatch.setattr(incremental, "_file_digest", counted)
    again = build(project, "two")
    assert set(again.reused) == EVERY and digested == []
    copy = folder.with_name(folder.name + ".copy")
    shutil.copytree(folder, copy)  # other inodes, the same bytes
    shutil.rmtree(folder)
    copy.rename(folder)
    again = build(project, "three")
    assert set(again.reused) == EVERY and again.notes == [] and len(digested) > 13
    same_as_clean(project, "three")


def test_a_stored_file_edited_with_its_time_put_back_is_not_used(project: Path) -> None:
    """Editing a stored file and putting its modification time back changes its change
    time (ctime): the file is read and digested, found edited, and not used."""
    import os

    i18n.set_language("uk")
    folder = entries(build(project, "site"))
    archive = next((folder / "2024-Q2").glob("*.zip"))
    before = archive.stat()
    body = bytearray(archive.read_bytes())
    body[len(body) // 2] ^= 0xFF  # same size, other bytes
    with archive.open("r+b") as f:  # in place: the same inode
        f.write(bytes(body))
    os.utime(archive, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert archive.stat().st_ino == before.st_ino
    again = build(project, "site")
    assert again.built == ["2024-Q2"] and len(again.notes) == 1
    assert "обрізаний або змінений" in again.notes[0]
    same_as_clean(project, "site")


def test_digests_made_together_equal_those_made_one_by_one(project: Path) -> None:
    """`Digests.many` makes the digests of a list's new objects together (records read from
    files, reports due, tuples): each equals what `digest` makes of it alone."""
    from builder.cache import record_contents

    data, _ = validate(project / "data", "data")
    history = load_history(data, project / "data")
    snapshots = history_snapshots(data, history, AS_OF, COMPUTED_ON)
    contents = record_contents()
    cases: list[list[object]] = [
        list(data.reports.values()),
        list(snapshots[-1].due),
        [(dt.date(2024, 1, 2), True, "git"), (None, False, "")],
        [*data.reports.values(), *snapshots[-1].due],  # mixed: one at a time
    ]
    for items in cases:
        together = incremental.Digests(contents).many(items)
        alone = incremental.Digests(contents)
        assert together == b"".join(alone.digest(item) for item in items)
        assert len(together) == 16 * len(items) > 0


def test_every_kind_of_input_is_read_by_some_table(project: Path) -> None:
    """The tables' keys (`inputs.READS`, `inputs.COMMON`) name exactly the kinds of input that
    `package_inputs` gives, and every table has one."""
    from builder.opendata import inputs
    from builder.opendata.snapshots import PackageMaker

    data, _ = validate(project / "data", "data")
    history = load_history(data, project / "data")
    snapshots = history_snapshots(data, history, AS_OF, COMPUTED_ON)
    maker = PackageMaker(data, history, snapshots)
    last = len(snapshots) - 1
    kinds = {str(v[0]) for v in inputs.package_inputs(data, maker.memo, snapshots, last, True)}
    assert set(inputs.COMMON) | {k for reads in inputs.READS.values() for k in reads} == kinds
    assert tuple(inputs.READS) == tables.RESOURCES


def test_an_assessment_changed_reaches_the_measures_table_by_its_status(project: Path) -> None:
    """A newer assessment's status changes the measure's state: the measures table (which
    shows it) is made again, not taken as the previous build's, though no measure changed."""
    build(project, "site")
    path = project / "data" / "assessments" / "2024-Q4" / "1.1.2.1.1.yaml"
    text = path.read_text(encoding="utf-8")
    old = "status: Не виконано\nlabel: захід не виконано\n"
    assert old in text
    new = "status: Виконується\nlabel: прогрес виконання заходу наявний\n"
    path.write_text(text.replace(old, new), encoding="utf-8")
    again = build(project, "site")
    same_as_clean(project, "site")  # a stale measures table fails here (its status column)
    assert "table:measures" in again.remade["latest"]
    assert "table:sections" not in again.remade["latest"]


def test_an_executor_renamed_reaches_every_table_that_names_it(project: Path) -> None:
    """An input every table reads (`inputs.COMMON`: here an executor's name, shown in the
    executors table and beside each measure it leads) changes every table's key: none is
    taken as the previous build's, and the files equal a clean build's."""
    build(project, "site")
    path = project / "data" / "executors" / "nazk.yaml"
    text = path.read_text(encoding="utf-8")
    assert "\nname: " in text
    path.write_text(text.replace("\nname: ", "\nname: Змінене — ", 1), encoding="utf-8")
    again = build(project, "site")
    same_as_clean(project, "site")
    made = again.remade["latest"]
    assert "table:executors" in made and "table:measures" in made
    assert "table:sections" not in made  # digested again: the same rows, its CSV taken whole
    assert again.fresh["latest"]["measures"]  # the rows of the measures NAZK leads


# ---------------------------------------------------------------- ninth session, second pass


def test_the_hashes_of_unchanged_csvs_are_taken_from_the_previous_build(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """datapackage.json lists each CSV's MD5: of the newest package, those of tables with the
    same rows (the same digest) are the previous build's, the changed tables' are computed —
    and the file equals a clean build's (a hash taken for a changed table fails here)."""
    import hashlib
    import types

    from builder.opendata import downloads

    build(project, "site")
    hashed: list[bytes] = []

    def md5(content: bytes) -> object:
        hashed.append(content)
        return hashlib.md5(content)

    correct(newest_quarter_report(project))
    with monkeypatch.context() as patched:
        patched.setattr(downloads, "hashlib", types.SimpleNamespace(md5=md5))
        patched.setattr(downloads, "can_fork_copies", lambda *a, **k: False)  # seen here
        again = build(project, "site")
    same_as_clean(project, "site")  # a hash taken for a changed table fails here
    made = {name[6:] for name in again.remade["latest"] if name.startswith("table:")}
    assert "reports" in made and 0 < len(hashed) == len(made) < len(tables.RESOURCES)
    folder = entries(again) / "latest"
    body = incremental.unsealed((folder / MANIFEST).read_text(encoding="utf-8"))
    assert body is not None
    parts = json.loads(body)["parts"]
    assert {k[4:] for k in parts if k.startswith("md5:")} == set(tables.RESOURCES)


def test_the_packages_lists_are_the_records_dated_by_their_day(project: Path) -> None:
    """`package_inputs` gives each package's reports and assessments as the groups of the
    dates up to its own (`inputs.Shown`): together the records dated by its day, in their
    order within each group, each group naming its records and the same object in every
    package that shows it (a report not yet approved in the latest package only)."""
    from builder.opendata import inputs
    from builder.opendata.snapshots import PackageMaker

    data, _ = validate(project / "data", "data")
    history = load_history(data, project / "data")
    snapshots = history_snapshots(data, history, AS_OF, COMPUTED_ON)
    memo_ = PackageMaker(data, history, snapshots).memo
    seen = 0
    groups: dict[object, object] = {}
    for index, snap in enumerate(snapshots):
        for latest in (False, True):
            found: dict[object, Any] = {
                v[0]: v for v in inputs.package_inputs(data, memo_, snapshots, index, latest)
            }
            day = snap.as_of
            shown = [
                k
                for k in memo_.report_order
                if ((when := memo_.dates[k][0]) is None and latest)
                or (when is not None and when <= day)
            ]
            (shown_groups,) = found["reports"][1:]
            assert isinstance(shown_groups, inputs.Shown)
            reports: list[Any] = list(shown_groups)
            keys = [k for group in reports for k in group[0]]
            assert sorted(keys, key=memo_.report_order.index) == shown
            for place, (keys, dated, records) in enumerate(reports):
                assert keys == sorted(keys, key=memo_.report_order.index)
                assert list(dated) == [memo_.dates[k] for k in keys]
                assert all(a is data.reports[k] for a, k in zip(records, keys, strict=True))
                undated = latest and place == len(reports) - 1
                # each group the same object in every package that shows it
                assert groups.setdefault("undated" if undated else place, keys) is keys
            kept = [k for k in memo_.assessment_order if data.assessments[k].date <= day]
            assessments: list[Any] = list(found["assessments"][1])
            keys = [k for group in assessments for k in group[0]]
            assert sorted(keys, key=memo_.assessment_order.index) == kept
            for keys, records in assessments:
                assert all(a is data.assessments[k] for a, k in zip(records, keys, strict=True))
            seen += len(shown)
    assert seen > 0


def test_a_table_digest_tells_its_rows_their_order_and_count_apart() -> None:
    """A table's digest is made of its rows' digests (`formats.table_digests`): the same rows
    give the same digest, a value changed (even only its type), rows swapped or a row more
    give another; each row's digest is returned with it, in the table's order."""
    rows: list[tuple[object, ...]] = [("a", 1, None), ("b", 2, dt.date(2024, 1, 1))]
    variants = {
        "same": list(rows),
        "value": [("a", 1, None), ("b", 3, dt.date(2024, 1, 1))],
        "type": [("a", 1.0, None), ("b", 2, dt.date(2024, 1, 1))],
        "order": rows[::-1],
        "more": [*rows, rows[-1]],
    }
    tables_ = {name: {"t": table} for name, table in variants.items()}
    found = {name: formats.table_digests(t, ["t"]) for name, t in tables_.items()}  # type: ignore[arg-type]
    base, base_rows = formats.table_digests({"t": rows}, ["t"])  # type: ignore[dict-item]
    assert found["same"][0] == base and found["same"][1] == base_rows
    assert len({found[n][0]["t"] for n in variants}) == len(variants)
    assert base_rows["t"] == formats.row_digests([repr(r) for r in rows])


def test_the_newest_entry_keeps_its_unchanged_files_without_reading_them(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 22: after one report changed, the newest entry's CSVs of unchanged tables and
    their row indexes are moved from the previous entry, and the CSVs made are not read
    again (their digests are known), so only the files that hold the change are digested;
    the next build finds every file intact by its inode, and the files equal a clean
    build's. A stored CSV edited in between is still caught."""
    build(project, "site")
    correct(newest_quarter_report(project))
    digested: list[str] = []
    digest = incremental._file_digest

    def counted(path: Path) -> str:
        digested.append(path.name)
        return digest(path)

    monkeypatch.setattr(incremental, "_file_digest", counted)
    store = build(project, "site")
    assert sorted(store.built) == ["2024-Q4", "latest"]
    latest = [name for name in digested if not name.endswith(".zip")]  # 2024-Q4: its zip only
    assert not [name for name in latest if name.endswith(".csv")]
    assert len(latest) <= 5  # datapackage.json, the workbook, README.md, the changed indexes
    digested.clear()
    again = build(project, "again")
    assert set(again.reused) == EVERY and again.notes == [] and digested == []
    same_as_clean(project, "again")
    stored = next((entries(again) / "latest").glob("*-measures.csv"))
    stored.write_bytes(stored.read_bytes() + b"\n")
    broken = build(project, "broken")
    assert "latest" in broken.built and len(broken.notes) == 1
    same_as_clean(project, "broken")


def test_an_assessment_moved_to_another_date_reaches_the_packages_of_both_dates(
    project: Path,
) -> None:
    """A package's assessments are the groups of the dates up to its own (`inputs.Shown`):
    an assessment moved into an earlier quarter (on its last day: the date of a package)
    changes the packages from that quarter on,
    one moved past the newest date leaves them all, and the files equal a clean build's."""
    build(project, "site")
    path = project / "data" / "assessments" / "2024-Q4" / "1.1.2.1.1.yaml"
    text = path.read_text(encoding="utf-8")
    assert "\ndate: 2025-02-10\n" in text  # shown in the latest package only
    path.write_text(text.replace("\ndate: 2025-02-10\n", "\ndate: 2024-12-31\n"), "utf-8")
    moved = build(project, "site")
    assert sorted(moved.built) == ["2024-Q4", "latest"]
    same_as_clean(project, "site")
    path.write_text(text.replace("\ndate: 2025-02-10\n", "\ndate: 2025-02-16\n"), "utf-8")
    gone = build(project, "site")
    assert sorted(gone.built) == ["2024-Q4", "latest"]
    same_as_clean(project, "site")


# ---------------------------------------------------------------- thirteenth session


def newest_tables(project: Path) -> tuple[Any, Any, dict[int, bytes]]:
    """The data, the newest package's tables and the digests of the records read from files,
    as `write_downloads` makes them."""
    from builder.cache import record_contents
    from builder.opendata.rows import snapshot_tables
    from builder.opendata.snapshots import PackageMaker

    data, _ = validate(project / "data", "data")
    history = load_history(data, project / "data")
    snapshots = history_snapshots(data, history, AS_OF, COMPUTED_ON)
    maker = PackageMaker(data, history, snapshots)
    last = len(snapshots) - 1
    found = snapshot_tables(data, maker.structure, maker.memo, snapshots, last, latest=True)
    return data, found, incremental.Digests(record_contents()).files()


def test_the_reports_rows_are_digested_by_their_files_not_their_texts(project: Path) -> None:
    """The reports table's rows are digested as their other values and their report's file
    (`snapshots.report_row_digests`), not their texts' `repr`: two rows that differ by
    any other value differ, the same row gives the same digest, and a row whose text is not
    its report's own (the same value, another object) is digested whole — never the file
    standing for a text it does not hold."""
    from builder.opendata.snapshots import report_row_digests

    data, found, read = newest_tables(project)
    rows = found["reports"]
    assert len(rows) > 10
    by_file = report_row_digests(data, rows, read)
    whole = formats.row_digests(list(map(repr, rows)))
    assert all(a != b for a, b in zip(by_file, whole, strict=True))  # each by its file
    assert report_row_digests(data, rows, read) == by_file
    assert len(set(by_file)) == len(rows)
    at = tables.field_names("reports").index("text")
    copy = [(*row[:at], "".join(list(str(row[at]))), *row[at + 1 :]) for row in rows[:3]]
    assert [r[at] == rows[i][at] and r[at] is not rows[i][at] for i, r in enumerate(copy)] == [
        True
    ] * 3
    assert report_row_digests(data, copy, read) == whole[:3]
    assert report_row_digests(data, rows[:3], {}) == whole[:3]  # no file known: whole
    who = tables.field_names("reports").index("prepared_by")
    other = [(*row[:who], "Інша Людина", *row[who + 1 :]) for row in rows[:3]]
    assert set(report_row_digests(data, other, read)).isdisjoint(by_file)


def test_a_persons_name_changed_reaches_the_reports_rows_of_unchanged_files(
    project: Path,
) -> None:
    """With people published, a report's row names who prepared it: renaming that person
    changes the row although the report's file did not change, so the rows' digests (made of
    the file and the row's other values) change, and the rebuilt reports table equals a
    clean build's (a row digested by its file alone would keep the old name's line)."""
    path = project / "data" / "programme.yaml"
    path.write_text(
        path.read_text(encoding="utf-8") + "publish:\n  people: true\n", encoding="utf-8"
    )
    build(project, "site")
    assert "Павло Білик".encode() in (project / "site/downloads/latest/reports.csv").read_bytes()
    executor = project / "data" / "executors" / "nabu.yaml"
    text = executor.read_text(encoding="utf-8")
    assert "name: Павло Білик" in text
    executor.write_text(text.replace("name: Павло Білик", "name: Павло Білик-Змінений"), "utf-8")
    again = build(project, "site")
    assert "table:reports" in again.remade["latest"]
    assert "Білик-Змінений".encode() in (project / "site/downloads/latest/reports.csv").read_bytes()
    same_as_clean(project, "site")


def test_a_csv_taken_whole_has_its_stored_digest(project: Path) -> None:
    """A table's CSV taken whole from the previous build is not digested again: its digest
    is the one the sealed manifest lists (`StoredTables.csv_digest`), which is the digest of
    the bytes taken (`Package.csv_digest`: the zip's key of the member), and a rebuild still
    equals a clean build."""
    import hashlib

    from builder.opendata.downloads import StoredTables
    from builder.opendata.snapshots import Package

    first = build(project, "site")
    previous = first.previous("latest")
    assert previous is not None
    stored = StoredTables(previous, "downloads", "latest")
    for name in tables.RESOURCES:
        digest = previous.parts[f"table:{name}"]
        content = stored.csv(name, digest)
        assert content is not None
        known = stored.csv_digest(name)
        assert known == hashlib.blake2b(content, digest_size=16).digest()
        pkg = Package("latest", AS_OF, AS_OF, True, {}, {name: content}, csv_digests={})
        assert pkg.csv_digest(name) == known
    assert StoredTables(None, "", "latest").csv_digest("reports") is None
    correct(newest_quarter_report(project))
    build(project, "site")
    same_as_clean(project, "site")


# ---------------------------------------------------------------- fifteenth session


def build_kept(project: Path, out: str) -> tuple[PackageStore, Kept]:
    """`build`, with the snapshots as a build computes them (`compute_kept.Kept`: kept, or
    computed from the kept ones) and the packages' keys taking the kept values' digests
    (`Kept.digested`), as `dap build`'s datasets stage does."""
    data_dir = project / "data"
    data, problems = validate(data_dir, "data")
    assert [p for p in problems if p.severity == "error"] == []
    data = dataset_as_of(data, AS_OF)
    kept = Kept(data_dir)
    history = kept.history()
    snapshots = kept.snapshots(data, history, AS_OF, max(AS_OF, COMPUTED_ON))
    found = PackageStore.for_data(data_dir)
    write_downloads(
        data, history, snapshots, Writer(project / out), store=found, digested=kept.digested
    )
    return found, kept


def redate(report: Path, day: str) -> None:
    text = report.read_text(encoding="utf-8")
    lines = [
        f"submitted: {day}" if line.startswith("submitted:") else line for line in text.splitlines()
    ]
    report.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_packages_keyed_with_the_kept_values_digests_equal_a_clean_build(
    project: Path,
) -> None:
    """Rebuilds whose keys take the kept snapshots' values' digests (issue 22, fifteenth
    session): a report's text edited (the snapshots kept), then its submission moved late
    (its reports due computed again from the kept snapshots): the packages that show it are
    made again and every file equals a clean build's; an unchanged rebuild takes them all."""
    first, kept = build_kept(project, "site")
    assert set(first.built) == EVERY and kept.digested is not None
    report = newest_quarter_report(project)
    correct(report)
    edited, kept = build_kept(project, "site")
    assert kept.how["compute"] == "kept" and sorted(edited.built) == ["2024-Q4", "latest"]
    same_as_clean(project, "site")
    timeliness = (
        project / "site" / "downloads" / "latest" / "reporting_timeliness.csv"
    ).read_bytes()
    redate(report, "2025-02-14")  # after its window: late
    late, kept = build_kept(project, "site")
    assert kept.how["compute"] == "partial" and "latest" in late.built
    assert (
        project / "site" / "downloads" / "latest" / "reporting_timeliness.csv"
    ).read_bytes() != timeliness
    same_as_clean(project, "site")
    again, _ = build_kept(project, "site")
    assert set(again.reused) == EVERY and again.built == []
