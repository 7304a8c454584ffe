"""`dap build --internal`: tables, letters, workload, rosters, XLSX, and the page in a browser."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from openpyxl import load_workbook
from test_workflow_repo import (  # noqa: F401  (_isolated_git is an autouse fixture)
    ROOT,
    _isolated_git,
    make_repo,
)

from builder.cli import cli
from builder.errors import BuildError
from builder.internal import gather, run
from builder.internal import page as internal_page
from builder.quarters import monitoring_deadline

AS_OF = dt.date(2025, 4, 20)
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[gather.Internal, Path]:
    """The internal build of the demonstration data, as of 20.04.2025."""
    out = tmp_path_factory.mktemp("internal") / "internal"
    result, _ = run.build_internal(ROOT / "data", out, AS_OF, AS_OF)
    return result, out


def test_timeliness_counts_match_the_snapshot(built: tuple[gather.Internal, Path]) -> None:
    result, _ = built
    header, rows = result.tables["timeliness"]
    assert header[:3] == ["Виконавець", "Квартал", "Вчасно"]
    states = ("on_time", "late", "missing", "pending")
    totals = [sum(int(r[2 + n]) for r in rows) for n in range(4)]  # type: ignore[call-overload]
    assert totals == [sum(d.state == s for d in result.snapshot.due) for s in states]
    assert all(0 <= float(r[6]) <= 100 for r in rows)  # type: ignore[arg-type]


def test_letters_go_to_executors_that_owe_reports(built: tuple[gather.Internal, Path]) -> None:
    result, _ = built
    assert result.letter_period == "2025-Q1"  # its window closed on 15.04.2025
    owing = {
        d.executor
        for d in result.snapshot.due
        if (d.period == "2025-Q1" and d.state in ("missing", "late"))
        or (d.period < "2025-Q1" and d.state == "missing")
    }
    assert {str(letter["executor"]) for letter in result.letters} == owing
    for letter in result.letters:
        assert letter["heads"], letter["name"]  # addressed to the executor's head
        assert "Шановний(а)" in str(letter["text"])
        for d in letter["items"]:  # type: ignore[attr-defined]
            assert f"захід {d.measure}, {d.period}" in str(letter["text"])


def test_workload_and_awaiting_assessment(built: tuple[gather.Internal, Path]) -> None:
    result, _ = built
    header, rows = result.tables["workload"]
    counted = sum(int(r[2]) for r in rows)  # type: ignore[call-overload]
    data = result.data
    assert counted == sum(a.date <= AS_OF for a in data.assessments.values())
    assert {r[0] for r in rows} <= {p.name for p in data.staff}
    _, awaiting = result.tables["awaiting"]
    keys = {str(r[0]) for r in awaiting}
    assert "2024-Q4/2.1.1.1.1" in keys  # no assessment of 2.1.1.1.1 for 2024-Q4
    assert "2024-Q2/2.1.1.1.1" not in keys  # assessed in assessments/2024-Q2/2.1.1.1.1
    assert monitoring_deadline("2025-Q1") == dt.date(2025, 5, 16)
    assert monitoring_deadline("2024-Q4") == dt.date(2025, 2, 16)


def test_rosters_show_iii15_problems(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    roster = data / "executors" / "mineconomy.yaml"
    # a second керівник: invalid by III.15, but only a rule problem, so the build goes on
    text = roster.read_text(encoding="utf-8")
    text += "- id: x.second\n  name: Другий Керівник\n  roles:\n  - керівник\n"
    roster.write_text(text, encoding="utf-8")
    from builder.load import load

    loaded, _ = load(data, str(data))
    views = {str(v["title"]): v for v in gather.roster_views(loaded, AS_OF)}
    minecon = views["Міністерство економіки України"]
    assert any("needs exactly one (III.15)" in p for p in minecon["problems"])  # type: ignore[attr-defined]
    assert views["НАЗК"]["problems"] == []
    assert any("немає логіна GitHub" in n for n in minecon["notes"])  # type: ignore[attr-defined]


def test_files_written_and_xlsx_readable(built: tuple[gather.Internal, Path]) -> None:
    result, out = built
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(
        [".dap-internal", "assets", "index.html", *(f"{n}.xlsx" for n in internal_page.TITLES)]
    )
    assert (out / "assets/plotly.min.js").read_bytes() == run.plotly_js().read_bytes()
    wb = load_workbook(out / "letters.xlsx")
    ws = wb.active
    assert [c.value for c in ws[1]] == result.tables["letters"][0]
    assert ws.max_row == len(result.tables["letters"][1]) + 1
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "cdn" not in page.lower() and "src='assets/plotly.min.js'" in page
    assert "noindex" in page and "Не публікувати" in page
    # contacts stay encrypted: not even the internal build (an artifact of CI) shows them
    assert "@example.gov.ua" not in page
    rows = list(load_workbook(out / "rosters.xlsx").active.iter_rows(values_only=True))
    assert not [cell for row in rows for cell in row if "@" in str(cell)]


def test_text_from_data_is_escaped(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    measure = data / "measures" / "2.1.1.1.1.yaml"
    text = measure.read_text(encoding="utf-8")
    measure.write_text(text.replace("title: ", "title: <script>alert(1)</script> ", 1), "utf-8")
    executor = data / "executors" / "nazk.yaml"
    text = executor.read_text(encoding="utf-8")
    executor.write_text(text.replace("short_name: ", "short_name: <!--<script> ", 1), "utf-8")
    _, _ = run.build_internal(data, tmp_path / "out", AS_OF, AS_OF)
    page = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page
    figures = page.split("<script type='application/json' id='figures'>")[1].split("</script>")[0]
    assert "<" not in figures and "\\u003c!--\\u003cscript> НАЗК" in figures


def test_refuses_foreign_folder_and_keeps_previous_output(tmp_path: Path) -> None:
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep me")
    with pytest.raises(BuildError, match="was not made by"):
        run.build_internal(ROOT / "data", foreign, AS_OF, AS_OF)
    assert (foreign / "notes.txt").read_text() == "keep me"
    out = tmp_path / "internal"
    run.build_internal(ROOT / "data", out, AS_OF, AS_OF)
    before = (out / "index.html").read_bytes()
    broken = tmp_path / "data"
    shutil.copytree(ROOT / "data", broken)
    (broken / "programme.yaml").write_text("id: [\n", encoding="utf-8")
    from builder.errors import DataError

    with pytest.raises(DataError):
        run.build_internal(broken, out, AS_OF, AS_OF)
    assert (out / "index.html").read_bytes() == before


def test_cli_default_folder_is_internal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = make_repo(tmp_path / "repo")
    monkeypatch.chdir(repo.path)
    result = CliRunner().invoke(cli, ["build", "--internal", "--as-of", "2025-04-20"])
    assert result.exit_code == 0, result.output
    assert (repo.path / "internal" / "index.html").is_file()
    assert not (repo.path / "public").exists()
    assert "never publish" in result.output
    # the audit trail reads the repository's history: the demonstration commit is listed
    page = (repo.path / "internal" / "index.html").read_text(encoding="utf-8")
    assert "vhnatiuk-nazk@example.org" in page


@pytest.mark.slow
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium is not installed")
def test_page_opens_in_a_browser_with_charts_and_filters(
    built: tuple[gather.Internal, Path],
) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    _, out = built
    errors: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page()
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto((out / "index.html").as_uri())
        page.wait_for_selector("#chart-timeliness .main-svg")
        assert page.locator("#chart-heat .main-svg").count() >= 1
        assert page.locator("#chart-workload .main-svg").count() >= 1
        rows = page.locator("#t-timeliness tbody tr")
        total = rows.count()
        page.select_option("div[data-table='t-timeliness'] select[data-col='0']", "Мінекономіки")
        visible = page.locator("#t-timeliness tbody tr:visible").count()
        assert 0 < visible < total
        browser.close()
    assert errors == []
    assert all(u.startswith("file://") for u in requests)  # nothing from a CDN


def test_refuses_to_write_inside_the_public_site(tmp_path: Path) -> None:
    from builder.site.reuse import OUTPUT_MARK

    public = tmp_path / "public"
    public.mkdir()
    (public / OUTPUT_MARK).write_text("dap\n")
    with pytest.raises(BuildError, match="inside the public site"):
        run.build_internal(ROOT / "data", public / "internal", AS_OF, AS_OF)
    assert not (public / "internal").exists()
    assert gather.PUBLIC_MARK == OUTPUT_MARK


# ---------------------------------------------------------------- workbooks: text, never formulas

FORMULAS = ("=cmd|' /C calc'!A0", "+1", "-1", "@SUM(1)", '=HYPERLINK("http://x","y")')


def _with_formulas(data: Path) -> None:
    """Every person's name, every executor's name and every measure's title a formula."""
    payloads = itertools.cycle(FORMULAS)
    files = [data / "staff.yaml", *sorted((data / "executors").glob("*.yaml"))]
    for path in [*files, *sorted((data / "measures").glob("*.yaml"))]:
        record = yaml.safe_load(path.read_text(encoding="utf-8"))
        for person in record.get("people", []):
            person["name"] = next(payloads)
        for key in ("name", "short_name", "title"):
            if key in record:
                record[key] = next(payloads)
        path.write_text(yaml.safe_dump(record, allow_unicode=True, sort_keys=False), "utf-8")


def test_no_workbook_cell_is_a_formula(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    _with_formulas(data)
    run.build_internal(data, tmp_path / "out", AS_OF, AS_OF)
    formulas, unquoted, texts = [], [], set()
    for book in sorted((tmp_path / "out").glob("*.xlsx")):
        for ws in load_workbook(book).worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    if cell.data_type == "f":
                        formulas.append(f"{book.name}!{cell.coordinate}: {cell.value}")
                    elif isinstance(cell.value, str) and cell.value in FORMULAS:
                        texts.add(cell.value)
                        if not cell.quotePrefix:  # editing the cell keeps it text
                            unquoted.append(f"{book.name}!{cell.coordinate}")
    assert formulas == []
    assert unquoted == []
    assert texts == set(FORMULAS)  # each payload is there, as text


def test_workbook_cells_hold_no_control_characters(tmp_path: Path) -> None:
    table: gather.Table = (["Ім'я", "Код", "Дата"], [["Іван\x1b\x00 Петренко\x07", "=1+1", AS_OF]])
    ws = load_workbook(io.BytesIO(internal_page.xlsx(table, "Тест", AS_OF))).active
    assert [c.value for c in ws[2]] == ["Іван Петренко", "=1+1", dt.datetime(2025, 4, 20)]
    assert [c.data_type for c in ws[2]] == ["s", "s", "d"]
