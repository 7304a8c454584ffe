"""The build's own checks (`check_csv`, `check_rows`) find what frictionless finds."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import pytest

from builder.compute import history_snapshots
from builder.errors import BuildError
from builder.opendata.checks import check_csv, check_rows
from builder.opendata.downloads import DownloadFile, write_downloads
from builder.opendata.formats import csv_bytes
from builder.opendata.rows import snapshot_tables
from builder.opendata.snapshots import Package, build_packages
from builder.opendata.tables import RESOURCES, Record, field_names, table_schemas
from builder.parallel import Forked
from builder.validate import validate

DATA = Path(__file__).resolve().parent.parent / "data"
AS_OF = dt.date(2025, 2, 15)


@pytest.fixture(scope="module")
def newest() -> Package:
    data, problems = validate(DATA, "data")
    assert [p for p in problems if p.severity == "error"] == []
    snapshots = history_snapshots(data, None, AS_OF, AS_OF)
    packages = build_packages(data, None, snapshots)
    return next(p for p in packages if p.latest)


def frictionless_found(tmp: Path, name: str, rows: list[Record]) -> set[tuple[Any, ...]]:
    """(row, field, error type) that frictionless reports for these rows as CSV."""
    import frictionless

    schema = json.loads(json.dumps(table_schemas()[name]["schema"]))
    schema.pop("primaryKey", None)
    schema.pop("foreignKeys", None)
    (tmp / f"{name}.csv").write_bytes(csv_bytes(name, rows))
    resource = frictionless.Resource(
        path=f"{name}.csv",
        basepath=str(tmp),
        format="csv",
        encoding="utf-8",
        schema=frictionless.Schema.from_descriptor(schema),
    )
    report = resource.validate()
    return {
        (getattr(err, "row_number", None), getattr(err, "field_name", None), err.type)
        for task in report.tasks
        for err in task.errors
    }


def own_found(name: str, rows: list[Record], as_csv: bool) -> set[tuple[Any, ...]]:
    """The same triples from the messages of check_csv (on the CSV bytes) or check_rows."""
    found = set()
    if as_csv:
        messages = check_csv(name, csv_bytes(name, rows), "")
    else:
        messages = check_rows(name, enumerate(rows, 2), "")
    for message in messages:
        where, _, rest = message.partition(": ")
        parts = dict(p.split(" ", 1) for p in where.split(", "))
        found.add((int(parts["row"]), parts["field"].strip("'"), rest.split(":")[0]))
    return found


def broken_values(field: dict[str, Any]) -> list[Any]:
    """Values that break this field's type or one of its constraints."""
    c = field.get("constraints", {})
    kind = field["type"]
    values: list[Any] = []
    if c.get("required"):
        values += [None, ""]
    if "pattern" in c:
        values += ["!! не за зразком !!", "-1", "=1+2"]  # the last two get the ' prefix in CSV
    if "enum" in c:
        values.append("не з переліку")
    if "minimum" in c:
        values.append(c["minimum"] - 1)
    if "maximum" in c:
        values.append(c["maximum"] + 1)
    wrong_type: dict[str, list[Any]] = {
        "integer": ["x", 1.5, True],
        "number": ["x"],
        "date": ["2024-13-45", "15.02.2025"],
        "boolean": ["так"],
        "string": [],
    }
    values += wrong_type[kind]
    return values


@pytest.mark.parametrize("name", RESOURCES)
def test_own_check_finds_what_frictionless_finds(
    newest: Package, name: str, tmp_path: Path
) -> None:
    good = newest.tables[name]
    if not good:
        pytest.skip(f"{name}: no rows in the demonstration data")
    base = list(good[0])
    rows: list[Record] = [tuple(base)]
    for i, field in enumerate(table_schemas()[name]["schema"]["fields"]):
        for value in broken_values(field):
            row = list(base)
            row[i] = value
            rows.append(tuple(row))
    expected = frictionless_found(tmp_path, name, rows)
    assert own_found(name, rows, as_csv=True) == expected
    assert own_found(name, rows, as_csv=False) == expected
    assert len(rows) == 1 or expected  # the broken rows do break something


def test_valid_rows_pass_both(newest: Package, tmp_path: Path) -> None:
    for name in ("reports", "measure_status", "aggregates", "evaluations"):
        rows = newest.tables[name]
        assert check_rows(name, enumerate(rows, 2), "x") == []
        assert check_csv(name, csv_bytes(name, rows), "x") == []
        assert frictionless_found(tmp_path, name, rows) == set()


def write(out: Path) -> list[DownloadFile]:
    from builder.output import Writer

    data, _ = validate(DATA, "data")
    snapshots = history_snapshots(data, None, AS_OF, AS_OF)
    return write_downloads(data, None, snapshots, Writer(out))


def test_an_invalid_newest_package_fails_through_the_checking_child(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = snapshot_tables

    def broken(data: Any, structure: Any, memo: Any, snapshots: Any, index: int, latest: bool):
        tables = original(data, structure, memo, snapshots, index, latest)
        if latest:  # only the newest package: check_newest, in its child, must catch it
            names = field_names("reports")
            row = list(tables["reports"][0])
            row[names.index("submitted")] = "вчора"
            tables["reports"] = [tuple(row), *tables["reports"][1:]]
        return tables

    monkeypatch.setattr("builder.opendata.snapshots.snapshot_tables", broken)
    with pytest.raises(BuildError) as caught:
        write(tmp_path)
    assert "package 'latest' is invalid" in caught.value.message
    assert "resource 'reports', row 2, field 'submitted': type-error" in caught.value.message
    assert list(tmp_path.iterdir()) == []


def test_a_csv_with_shifted_cells_fails_as_it_does_in_frictionless(
    newest: Package, tmp_path: Path
) -> None:
    """A quoting mistake in the CSV writer: check_csv reads the bytes, so it sees it."""
    name = "reports"
    content = csv_bytes(name, newest.tables[name]).decode("utf-8-sig").split("\r\n")
    content[1] += ",зайве"  # one cell too many on the first record (row 2)
    content[2] = content[2].rsplit(",", 1)[0]  # one too few on row 3
    broken = "\r\n".join(content).encode("utf-8-sig")
    errors = check_csv(name, broken, "latest")
    assert errors == [
        "latest: resource 'reports', row 2: 13 cells for 12 fields "
        "(a quoting or line-break mistake in the CSV writer)",
        "latest: resource 'reports', row 3: 11 cells for 12 fields "
        "(a quoting or line-break mistake in the CSV writer)",
    ]
    import frictionless

    (tmp_path / "reports.csv").write_bytes(broken)
    schema = json.loads(json.dumps(table_schemas()[name]["schema"]))
    schema.pop("foreignKeys", None)
    report = frictionless.Resource(
        path="reports.csv",
        basepath=str(tmp_path),
        format="csv",
        encoding="utf-8",
        schema=frictionless.Schema.from_descriptor(schema),
    ).validate()
    types = {
        (getattr(err, "row_number", None), err.type) for task in report.tasks for err in task.errors
    }
    assert (2, "extra-cell") in types and (3, "missing-cell") in types


def test_a_wrong_header_fails(newest: Package) -> None:
    content = csv_bytes("reports", newest.tables["reports"]).replace(b"period", b"perod", 1)
    errors = check_csv("reports", content, "")
    assert len(errors) == 1 and "the header" in errors[0] and "perod" in errors[0]


def test_without_fork_the_same_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    forked = write(tmp_path / "forked")
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    inline = write(tmp_path / "inline")
    assert [f.path for f in forked] == [f.path for f in inline]
    for f in forked:
        assert (tmp_path / "forked" / f.path).read_bytes() == (
            tmp_path / "inline" / f.path
        ).read_bytes()


def test_a_child_that_fails_fails_the_build() -> None:
    def boom() -> None:
        raise ValueError("зламано")

    job = Forked("rendering", boom)
    with pytest.raises(BuildError, match="rendering failed: ValueError: зламано"):
        job.result()


def test_over_the_fork_budget_the_same_files_from_one_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 22: where two forked copies would not fit the memory budget, the newest package
    is checked and rendered in the process itself — the same files, byte for byte."""
    from builder import parallel
    from builder.opendata import downloads

    forks: list[str] = []
    original = downloads.Forked

    def counted(what: str, *args: Any) -> Any:
        forks.append(what)
        return original(what, *args)

    monkeypatch.setattr(downloads, "Forked", counted)
    forked = write(tmp_path / "forked")
    forked_jobs, forks[:] = list(forks), []
    monkeypatch.setattr(parallel, "FORK_BUDGET_MB", 0)
    inline = write(tmp_path / "inline")
    assert forks == [] and (forked_jobs or not parallel.can_fork())
    assert forked == inline
    for f in forked:
        assert (tmp_path / "forked" / f.path).read_bytes() == (
            tmp_path / "inline" / f.path
        ).read_bytes()
    assert not [p for p in (tmp_path / "inline").rglob(".dap-datasets-*")]  # no work folder left


def test_an_invalid_older_package_fails_before_anything_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Older packages are made, checked and rendered one at a time; one that is invalid still
    stops the build before a file is written, naming its quarter."""
    original = snapshot_tables
    made: list[int] = []

    def broken(data: Any, structure: Any, memo: Any, snapshots: Any, index: int, latest: bool):
        tables = original(data, structure, memo, snapshots, index, latest)
        if not latest:
            made.append(index)
        if not latest and len(made) == 2:  # the second older package made
            names = field_names("measure_status")
            row = list(tables["measure_status"][0])
            row[names.index("status")] = "зламано"
            tables["measure_status"] = [tuple(row), *tables["measure_status"][1:]]
        return tables

    monkeypatch.setattr("builder.opendata.snapshots.snapshot_tables", broken)
    with pytest.raises(BuildError) as caught:
        write(tmp_path)
    assert "is invalid" in caught.value.message and "measure_status" in caught.value.message
    assert list(tmp_path.iterdir()) == [] and len(made) == 2  # it stopped there
