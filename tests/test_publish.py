"""Open data: the built package validates, every format holds the same values, nothing leaks."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from contact_fixtures import read_contacts
from hypothesis import given
from hypothesis import strategies as st
from site_fixtures import all_output_text

from builder import models as m
from builder.cli import cli
from builder.compute import history_snapshots
from builder.errors import BuildError
from builder.opendata.checks import _as_list
from builder.opendata.downloads import DownloadFile, write_downloads
from builder.opendata.formats import README_SHEET, protect_csv, unprotect_csv
from builder.opendata.pages import _link, dictionary_markdown, downloads_markdown
from builder.opendata.rows import snapshot_tables
from builder.opendata.tables import (
    RESOURCES,
    Tables,
    field_names,
    field_titles,
    field_types,
    table_schemas,
)
from builder.output import Writer
from builder.status import load_history
from builder.validate import validate

DATA = Path(__file__).resolve().parent.parent / "data"
AS_OF = dt.date(2025, 2, 15)  # not a quarter end: latest differs from the last quarter
COMPUTED_ON = dt.date(2025, 2, 20)
HYPERLINK = '=HYPERLINK("http://example.invalid","x")'


def build(data_dir: Path, out: Path, as_of: dt.date = AS_OF) -> list[DownloadFile]:
    """Validate the data and write the downloads into `out` the way `dap build` does."""
    data, problems = validate(data_dir, "data")
    assert [p for p in problems if p.severity == "error"] == []
    history = load_history(data, data_dir)
    snapshots = history_snapshots(data, history, as_of, COMPUTED_ON)
    return write_downloads(data, history, snapshots, Writer(out))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[DownloadFile]]:
    """The downloads of the demonstration data (built once for this module)."""
    out = tmp_path_factory.mktemp("site")
    return out, build(DATA, out)


@pytest.fixture(scope="module")
def latest(built: tuple[Path, list[DownloadFile]]) -> Path:
    return built[0] / "downloads" / "latest"


# ---------------------------------------------------------------- the contract


def test_table_schemas_are_complete_and_bilingual() -> None:
    schemas = table_schemas()
    assert list(schemas) == list(RESOURCES)
    for name, d in schemas.items():
        for key in ("title", "title_en", "description", "description_en"):
            assert d[key].strip(), f"{name}: {key}"
        assert re.search("[А-Яа-яІіЇїЄєҐґ]", d["title"]), f"{name}: title is not Ukrainian"
        fields = d["schema"]["fields"]
        names = [f["name"] for f in fields]
        assert len(names) == len(set(names)), name
        for f in fields:
            assert f["type"] in ("string", "integer", "number", "boolean", "date"), (name, f)
            for key in ("title", "title_en", "description", "description_en"):
                assert f[key].strip(), f"{name}.{f['name']}: {key}"
        assert d["schema"]["primaryKey"] and set(d["schema"]["primaryKey"]) <= set(names)
        for fk in d["schema"].get("foreignKeys", []):
            target = fk["reference"]["resource"] or name
            assert target in schemas, (name, fk)
            ref = fk["reference"]["fields"]
            target_names = [f["name"] for f in schemas[target]["schema"]["fields"]]
            assert set(_as_list(ref)) <= set(target_names), (name, fk)
            assert set(_as_list(fk["fields"])) <= set(names), (name, fk)


def enum_of(resource: str, field: str) -> list[str]:
    for f in table_schemas()[resource]["schema"]["fields"]:
        if f["name"] == field:
            return list(f["constraints"]["enum"])
    raise KeyError(field)


@pytest.mark.parametrize(
    "resource, field, values",
    [
        ("measures", "status", list(m.Status)),
        ("measure_status", "status", list(m.Status)),
        ("assessments", "status", list(m.Status)),
        ("assessments", "label", list(m.ResultLabel)),
        ("measure_status", "label", list(m.ResultLabel)),
        ("reports", "kind", list(m.ReportKind)),
        ("sections", "level", list(m.SectionLevel)),
        ("indicators", "kind", list(m.SubindicatorKind)),
        ("notices", "kind", list(m.NoticeKind)),
        ("measures", "deadline_recurrence", list(m.Recurrence)),
    ],
)
def test_enums_follow_the_models(resource: str, field: str, values: list[str]) -> None:
    assert enum_of(resource, field) == [str(v) for v in values]


# ---------------------------------------------------------------- validity


@pytest.mark.slow
def test_latest_package_is_valid_with_frictionless_api(latest: Path) -> None:
    import frictionless

    report = frictionless.validate(str(latest / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    descriptor = json.loads((latest / "datapackage.json").read_text(encoding="utf-8"))
    assert [r["name"] for r in descriptor["resources"]] == list(RESOURCES)
    assert any(r["schema"].get("foreignKeys") for r in descriptor["resources"])
    assert descriptor["as_of"] == AS_OF.isoformat()


@pytest.mark.slow
def test_frictionless_cli_validates_the_package(latest: Path) -> None:
    exe = Path(sys.executable).with_name("frictionless")
    done = subprocess.run(
        [str(exe), "validate", "datapackage.json"],
        cwd=latest,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "INVALID" not in done.stdout


@pytest.mark.slow
def test_quarter_snapshot_zip_is_a_valid_package_of_its_date(
    built: tuple[Path, list[DownloadFile]], tmp_path: Path
) -> None:
    import frictionless

    out, _ = built
    with zipfile.ZipFile(out / "downloads" / "2024-Q2" / "dap-2024-Q2.zip") as zf:
        zf.extractall(tmp_path)
    folder = tmp_path / "dap-2024-Q2"
    report = frictionless.validate(str(folder / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    end = "2024-06-30"
    reports = pd.read_csv(folder / "reports.csv", dtype=str, keep_default_na=False)
    assert len(reports) and (reports["submitted"] <= end).all()
    assessments = pd.read_csv(folder / "assessments.csv", dtype=str, keep_default_na=False)
    assert (assessments["date"] <= end).all()
    status = pd.read_csv(folder / "measure_status.csv", dtype=str, keep_default_na=False)
    assert sorted(set(status["as_of"])) == [
        "2023-03-31",
        "2023-06-30",
        "2023-09-30",
        "2023-12-31",
        "2024-03-31",
        "2024-06-30",
    ]
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["snapshot"] == "2024-Q2" and descriptor["as_of"] == end
    # The newest package has more: the quarter is a true snapshot, not a copy.
    newest = pd.read_csv(out / "downloads/latest/reports.csv", dtype=str, keep_default_na=False)
    assert len(newest) > len(reports)


def test_every_quarter_end_has_a_snapshot(built: tuple[Path, list[DownloadFile]]) -> None:
    out, files = built
    quarters = sorted(p.name for p in (out / "downloads").iterdir() if p.name != "latest")
    assert quarters == [f"{y}-Q{q}" for y in (2023, 2024) for q in (1, 2, 3, 4)]
    assert {f.snapshot for f in files} == {*quarters, "latest"}
    for q in quarters:
        assert [p.name for p in (out / "downloads" / q).iterdir()] == [f"dap-{q}.zip"]


# ---------------------------------------------------------------- the same values everywhere


def typed(value: Any, kind: str) -> Any:
    """A CSV or spreadsheet value as the JSON holds it."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value == "":
        return None
    if kind == "string":
        return value
    if kind == "integer":
        return int(value)
    if kind == "number":
        number = float(value)
        return int(number) if number.is_integer() else number
    if kind == "boolean":
        return value if isinstance(value, bool) else {"true": True, "false": False}[value]
    if kind == "date":
        return value.date().isoformat() if hasattr(value, "date") else str(value)
    raise AssertionError(kind)


def json_rows(latest: Path, name: str) -> list[dict[str, Any]]:
    """A table's JSON, which is published inside the zip only."""
    with zipfile.ZipFile(latest / "dap-latest.zip") as zf:
        return json.loads(zf.read(f"dap-latest/json/{name}.json").decode("utf-8"))


def measure_json(latest: Path, measure: str) -> dict[str, Any]:
    """A measure's JSON document, which is published inside the zip only."""
    with zipfile.ZipFile(latest / "dap-latest.zip") as zf:
        return json.loads(zf.read(f"dap-latest/json/measures/{measure}.json").decode("utf-8"))


def test_json_is_in_the_zip_only(latest: Path) -> None:
    assert not (latest / "json").exists()
    assert json_rows(latest, "reports")
    assert measure_json(latest, "1.1.1.1.1")["measure"]["id"] == "1.1.1.1.1"


@pytest.mark.parametrize("name", RESOURCES)
def test_csv_equals_json(latest: Path, name: str) -> None:
    types = field_types(name)
    frame = pd.read_csv(latest / f"{name}.csv", dtype=str, keep_default_na=False)
    assert list(frame.columns) == field_names(name)
    from_csv = [
        {
            k: typed(unprotect_csv(v) if types[k] == "string" else v, types[k])
            for k, v in row.items()
        }
        for row in frame.to_dict(orient="records")
    ]
    assert from_csv == json_rows(latest, name)


@pytest.mark.parametrize("name", RESOURCES)
def test_xlsx_sheet_equals_json(latest: Path, name: str) -> None:
    types = field_types(name)
    frame = pd.read_excel(latest / "dap-latest.xlsx", sheet_name=name, dtype=object)
    # the workbook's header is the Ukrainian titles; the CSV's, the machine names
    assert list(frame.columns) == field_titles(name)
    frame.columns = field_names(name)
    from_xlsx = [
        {k: typed(v, types[k]) for k, v in row.items()} for row in frame.to_dict(orient="records")
    ]
    assert from_xlsx == json_rows(latest, name)


def test_workbook_headers_are_the_schemas_ukrainian_titles(latest: Path) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(latest / "dap-latest.xlsx", read_only=True)
    header = next(wb["measures"].iter_rows(max_row=1, values_only=True))
    assert header[:3] == ("Ідентифікатор заходу", "Номер", "Назва")
    assert "Головний виконавець (назва)" in header and "Результат моніторингу" in header
    for name in RESOURCES:
        titles = field_titles(name)
        assert len(set(titles)) == len(titles), name  # a sheet's columns are told apart
    csv_header = (latest / "measures.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert csv_header.split(",") == field_names("measures")


def test_measures_carry_executor_name_overdue_and_latest_label(latest: Path) -> None:
    measures = json_rows(latest, "measures")
    names = {e["id"]: e["name"] for e in json_rows(latest, "executors")}
    history = json_rows(latest, "measure_status")  # every quarter end, then the package's day
    day = max(s["as_of"] for s in history)
    status = {s["measure"]: s for s in history if s["as_of"] == day}
    assert measures
    for row in measures:
        assert row["main_executor_name"] == names[row["main_executor"]]
        st = status[row["id"]]
        assert (row["overdue"], row["label"], row["label_date"]) == (
            st["overdue"],
            st["label"],
            st["label_date"],
        ), row["id"]
    assert any(r["overdue"] for r in measures) and any(r["label"] for r in measures)


def test_xlsx_has_an_about_sheet_then_one_sheet_per_resource(latest: Path) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(latest / "dap-latest.xlsx", read_only=True)
    assert wb.sheetnames == [README_SHEET, *RESOURCES]
    about = [row for row in wb[README_SHEET].iter_rows(values_only=True)]
    assert about[1][0] == "Станом на" and about[1][1].date() == AS_OF
    assert wb.properties.created == dt.datetime(2025, 2, 15)


def test_csv_opens_in_excel_with_cyrillic(latest: Path) -> None:
    raw = (latest / "measures.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    assert b"\r\n" in raw
    assert "Розроблення" in raw.decode("utf-8-sig")


def test_per_measure_json_holds_everything_about_it(latest: Path) -> None:
    doc = measure_json(latest, "1.1.1.1.2")
    assert doc["measure"]["id"] == "1.1.1.1.2"
    reports = json_rows(latest, "reports")
    assert [r["id"] for r in doc["reports"]] == [
        r["id"] for r in reports if r["measure"] == "1.1.1.1.2"
    ]
    assert doc["reports"][0]["evidence"][0]["url"].startswith("https://")
    assert {s["as_of"] for s in doc["status_history"]} >= {"2023-03-31", "2025-02-15"}
    assert doc["executors"][0]["role"] == "головний виконавець"
    with zipfile.ZipFile(latest / "dap-latest.zip") as zf:
        docs = [n for n in zf.namelist() if n.startswith("dap-latest/json/measures/")]
    assert len(docs) == len(json_rows(latest, "measures"))


def test_zip_holds_the_package_and_a_bilingual_readme(latest: Path) -> None:
    with zipfile.ZipFile(latest / "dap-latest.zip") as zf:
        names = zf.namelist()
        readme = zf.read("dap-latest/README.md").decode("utf-8")
        assert {i.date_time for i in zf.infolist()} == {(2025, 2, 15, 0, 0, 0)}
    assert "dap-latest/datapackage.json" in names
    assert {f"dap-latest/{n}.csv" for n in RESOURCES} <= set(names)
    assert {f"dap-latest/json/{n}.json" for n in RESOURCES} <= set(names)
    assert "dap-latest/dap-latest.xlsx" in names
    assert "Захист від формул" in readme and "Formula protection" in readme


def test_readme_shows_a_hostile_programme_title_as_text(tmp_path: Path) -> None:
    import html

    import markdown
    from site_fixtures import HOSTILE_TITLE, set_hostile_title

    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    set_hostile_title(data)
    build(data, tmp_path / "out")
    readme = (tmp_path / "out" / "downloads" / "latest" / "README.md").read_text("utf-8")
    with zipfile.ZipFile(tmp_path / "out" / "downloads" / "latest" / "dap-latest.zip") as zf:
        assert zf.read("dap-latest/README.md").decode("utf-8") == readme
    page = markdown.markdown(readme, extensions=["tables", "admonition", "attr_list", "toc"])
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S)
    assert heading and "<" not in heading[1]
    assert html.unescape(heading[1]) == f"{HOSTILE_TITLE}: відкриті дані"
    assert re.findall(r"<(?:script|img|title)\b|href=\"(?!https://)", page) == []


# ---------------------------------------------------------------- formulas stay text


@pytest.fixture(scope="module")
def formula_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Downloads of a data copy whose report text is a spreadsheet formula."""
    root = tmp_path_factory.mktemp("formula")
    data = root / "data"
    shutil.copytree(DATA, data)
    report = data / "reports/2024-Q1/1.1.1.1.2.yaml"
    text = report.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^text: .*$", "text: " + json.dumps(HYPERLINK), text)
    report.write_text(text, encoding="utf-8")
    build(data, root / "site")
    return root / "site/downloads/latest"


def test_formula_text_is_a_text_cell_in_the_xlsx(formula_build: Path) -> None:
    from openpyxl import load_workbook

    ws = load_workbook(formula_build / "dap-latest.xlsx")["reports"]
    header = [c.value for c in ws[1]]
    col = header.index("Текст")
    cells = [row[col] for row in ws.iter_rows(min_row=2) if row[0].value == "2024-Q1/1.1.1.1.2"]
    assert len(cells) == 1
    assert cells[0].data_type == "s"
    assert cells[0].value == HYPERLINK
    assert cells[0].quotePrefix


def test_formula_text_is_protected_in_the_csv_and_original_in_the_json(
    formula_build: Path,
) -> None:
    raw = (formula_build / "reports.csv").read_text(encoding="utf-8-sig")
    assert '"\'=HYPERLINK(""http://example.invalid"",""x"")"' in raw
    assert ',"=HYPERLINK' not in raw and ",=HYPERLINK" not in raw
    frame = pd.read_csv(formula_build / "reports.csv", dtype=str, keep_default_na=False)
    value = frame.loc[frame["id"] == "2024-Q1/1.1.1.1.2", "text"].item()
    assert value == "'" + HYPERLINK and unprotect_csv(value) == HYPERLINK
    rows = json_rows(formula_build, "reports")
    assert [r["text"] for r in rows if r["id"] == "2024-Q1/1.1.1.1.2"] == [HYPERLINK]


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_reads_the_protected_csv_as_text(formula_build: Path, tmp_path: Path) -> None:
    shutil.copy(formula_build / "reports.csv", tmp_path / "reports.csv")
    done = subprocess.run(
        [
            "soffice",
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--infilter=CSV:44,34,76,1",  # comma, double quote, UTF-8, from line 1
            "--convert-to",
            "xlsx",
            "--outdir",
            str(tmp_path),
            str(tmp_path / "reports.csv"),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    from openpyxl import load_workbook

    ws = load_workbook(tmp_path / "reports.xlsx").active
    header = [c.value for c in ws[1]]
    col = header.index("text")
    cells = [row[col] for row in ws.iter_rows(min_row=2) if row[0].value == "2024-Q1/1.1.1.1.2"]
    assert cells[0].data_type == "s" and cells[0].value == "'" + HYPERLINK
    assert not any(c.data_type == "f" for row in ws.iter_rows() for c in row)
    assert any("виконання" in str(c.value) for row in ws.iter_rows() for c in row)


@given(st.text())
def test_csv_protection_is_reversible(text: str) -> None:
    protected = protect_csv(text)
    assert not protected.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert unprotect_csv(protected) == text


# ---------------------------------------------------------------- privacy


def test_no_contact_data_or_staff_names_in_any_file(
    built: tuple[Path, list[DownloadFile]],
) -> None:
    data, _ = validate(DATA, "data")
    people = list(data.staff) + [p for e in data.executors.values() for p in e.people]
    kept = read_contacts(DATA)
    emails = {c.email for c in kept.values() if c.email}
    phones = {c.phone for c in kept.values() if c.phone}
    names = {p.name for p in people}
    assert emails and phones and names
    text = all_output_text(built[0])
    assert len(text) > 100_000
    assert [e for e in emails if e in text] == []
    assert [p for p in phones if p in text] == []
    assert [n for n in names if n in text] == []
    assert re.findall(r"[\w.+-]+@[\w-]+\.[\w.]+", text) == []


# ---------------------------------------------------------------- determinism and failures


def tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_same_data_gives_identical_bytes(
    built: tuple[Path, list[DownloadFile]], tmp_path: Path
) -> None:
    build(DATA, tmp_path)
    first, second = tree(built[0]), tree(tmp_path)
    assert list(first) == list(second)
    assert [name for name in first if first[name] != second[name]] == []


def test_an_invalid_value_fails_the_build_with_a_clear_message_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = snapshot_tables

    def broken(*args: Any, **kwargs: Any) -> Tables:
        tables = original(*args, **kwargs)
        names = field_names("measures")
        row = list(tables["measures"][0])
        row[names.index("status")] = "Майже виконано"
        tables["measures"] = [tuple(row), *tables["measures"][1:]]
        return tables

    monkeypatch.setattr("builder.opendata.snapshots.snapshot_tables", broken)
    with pytest.raises(BuildError) as caught:
        build(DATA, tmp_path)
    message = caught.value.message
    assert "resource 'measures', row 2, field 'status': constraint-error" in message
    assert "Майже виконано" in message
    assert list(tmp_path.iterdir()) == []


def test_a_broken_reference_fails_the_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = snapshot_tables

    def broken(*args: Any, **kwargs: Any) -> Tables:
        tables = original(*args, **kwargs)
        tables["measures"] = tables["measures"][1:]  # measure 1.1.1.1.1 disappears
        return tables

    monkeypatch.setattr("builder.opendata.snapshots.snapshot_tables", broken)
    with pytest.raises(BuildError) as caught:
        build(DATA, tmp_path)
    assert "foreign-key: {'measure': '1.1.1.1.1'} not found in 'measures'" in caught.value.message


def test_an_older_snapshot_is_checked_too(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    original = snapshot_tables

    def broken(data: Any, structure: Any, memo: Any, snapshots: Any, index: int, latest: bool):
        tables = original(data, structure, memo, snapshots, index, latest)
        if snapshots[index].as_of == dt.date(2023, 12, 31):
            names = field_names("reports")
            row = list(tables["reports"][0])
            row[names.index("period")] = "2023-Q5"
            tables["reports"] = [tuple(row), *tables["reports"][1:]]
        return tables

    monkeypatch.setattr("builder.opendata.snapshots.snapshot_tables", broken)
    with pytest.raises(BuildError) as caught:
        build(DATA, tmp_path)
    assert "package '2023-Q4' is invalid" in caught.value.message
    assert "field 'period': constraint-error" in caught.value.message


# ---------------------------------------------------------------- pages and command


def test_downloads_page_lists_every_file(built: tuple[Path, list[DownloadFile]]) -> None:
    _, files = built
    page = downloads_markdown(files)
    for f in files:
        assert f"({_link(f.path, 'downloads.md')})" in page, f.path
    assert "## Найновіші дані (станом на 15.02.2025)" in page
    assert page.index("Найновіші") < page.index("| 2024-Q4 |") < page.index("| 2023-Q1 |")
    assert "[словнику даних](dictionary.md)" in page
    rows = next(f for f in files if f.path == "downloads/latest/reports.csv").rows
    assert rows and f"| {rows} |" in page
    assert "JSON — в архіві ZIP" in page and "(`json/measures/`)" in page


def test_downloads_page_names_only_the_pattern_for_many_measures(
    built: tuple[Path, list[DownloadFile]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("builder.opendata.pages.MEASURE_LINKS_MAX", 2)
    monkeypatch.setattr("builder.opendata.pages.MEASURE_JSON_ON_SITE", True)
    first = built[1][0]
    per_measure = [
        DownloadFile(
            f"downloads/latest/json/measures/{mid}.json",
            "latest",
            first.as_of,
            "json",
            None,
            f"Захід {mid}",
            100,
            None,
            mid,
        )
        for mid in ("1.1.1.1.1", "1.1.1.1.2", "1.1.1.1.3")
    ]
    page = downloads_markdown(built[1] + per_measure)
    assert "json/measures/1.1.1.1.1.json" not in page
    assert "`downloads/latest/json/measures/<ідентифікатор>.json`" in page


def test_dictionary_names_every_resource_and_field() -> None:
    page = dictionary_markdown()
    for name in RESOURCES:
        assert f"(`{name}`)" in page
        for field in field_names(name):
            assert f"| `{field}` |" in page
    assert "Первинний ключ: `as_of`, `level`, `key`." in page
    assert "Зовнішній ключ: `measure` → `measures` (`id`)." in page


def test_dap_datasets_writes_the_downloads(runner: Any, tmp_path: Path) -> None:
    result = runner.invoke(
        cli, ["datasets", "--data", str(DATA), "--out", str(tmp_path), "--as-of", "2024-12-31"]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "latest/datapackage.json").is_file()
    assert (tmp_path / "2024-Q4/dap-2024-Q4.zip").is_file()
    assert "written to" in result.output


def test_open_data_doc_names_every_resource() -> None:
    text = (Path(__file__).resolve().parent.parent / "docs/open-data.md").read_text(
        encoding="utf-8"
    )
    assert [name for name in RESOURCES if f"| `{name}` |" not in text] == []


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_opens_the_workbook_and_keeps_formula_text_as_text(
    formula_build: Path, tmp_path: Path
) -> None:
    source = tmp_path / "in" / "dap-latest.xlsx"
    source.parent.mkdir()
    shutil.copy(formula_build / "dap-latest.xlsx", source)
    done = subprocess.run(
        [
            "soffice",
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    from openpyxl import load_workbook

    wb = load_workbook(tmp_path / "dap-latest.xlsx")  # as LibreOffice saved it
    assert wb.sheetnames == [README_SHEET, *RESOURCES]
    ws = wb["reports"]
    header = [c.value for c in ws[1]]
    col = header.index("Текст")
    cells = [row[col] for row in ws.iter_rows(min_row=2) if row[0].value == "2024-Q1/1.1.1.1.2"]
    assert cells[0].data_type == "s" and cells[0].value == HYPERLINK
    formulas = {
        c.value for sheet in wb for row in sheet.iter_rows() for c in row if c.data_type == "f"
    }
    assert formulas <= {"=TRUE()", "=FALSE()"}  # LibreOffice saves booleans so; no text became one
    assert wb["measures"]["B1"].value == "Номер"
    assert "Розроблення" in str(wb["measures"]["C2"].value)


def test_dap_datasets_refuses_invalid_data_and_writes_nothing(
    runner: Any, data_copy: Path, tmp_path: Path
) -> None:
    measure = data_copy / "measures/1.1.1.1.1.yaml"
    measure.write_text(
        measure.read_text(encoding="utf-8").replace("section: 1.1.1", "section: 9.9.9"),
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = runner.invoke(
        cli, ["datasets", "--data", str(data_copy), "--out", str(out), "--as-of", "2024-12-31"]
    )
    assert result.exit_code == 1
    assert "error(s) in the data" in result.output
    assert not out.exists()


def test_git_dates_are_verified_and_authors_stay_private(data_copy: Path, tmp_path: Path) -> None:
    from builder.git.history import Change, History

    programme = data_copy / "programme.yaml"
    programme.write_text(
        programme.read_text(encoding="utf-8").replace(
            "submission_dates: recorded", "submission_dates: git"
        ),
        encoding="utf-8",
    )
    data, problems = validate(data_copy, "data")
    assert [p for p in problems if p.severity == "error"] == []
    path = "data/reports/2024-Q1/1.1.1.1.2.yaml"
    when = dt.datetime(2024, 4, 5, 10, 0, tzinfo=dt.UTC)
    change = Change("a" * 40, when, "Автор Комітів", "author.private@example.org", "A", path)
    history = History(True, {path: [change]})
    snapshots = history_snapshots(data, history, AS_OF, COMPUTED_ON)
    write_downloads(data, history, snapshots, Writer(tmp_path))
    latest = tmp_path / "downloads/latest"
    rows = {r["id"]: r for r in json_rows(latest, "reports")}
    assert rows["2024-Q1/1.1.1.1.2"]["submitted"] == "2024-04-05"
    assert rows["2024-Q1/1.1.1.1.2"]["submitted_verified"] is True
    assert rows["2024-Q1/1.1.1.1.2"]["date_source"] == "git"
    assert rows["2024-Q2/1.1.1.1.2"]["submitted_verified"] is False
    assert rows["2024-Q2/1.1.1.1.2"]["date_source"] == "recorded"
    due = [
        r for r in json_rows(latest, "reporting_timeliness") if r["report"] == "2024-Q1/1.1.1.1.2"
    ]
    assert [(r["submitted"], r["submitted_verified"]) for r in due] == [("2024-04-05", True)]
    text = all_output_text(tmp_path)
    assert "author.private@example.org" not in text and "Автор Комітів" not in text
