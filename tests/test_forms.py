"""`dap new-report`, `dap new-assessment` and the forms' data (no browser)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import yaml
from click.testing import CliRunner

from builder.cli import cli
from builder.compute import history_snapshots
from builder.forms.formdata import form_scripts
from builder.load import load
from builder.site.context import prepare
from builder.validate import validate

MEASURE = "1.1.1.1.2"
PEOPLE = ["--prepared-by", "t.melnyk", "--approved-by", "i.bondarenko"]


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def test_new_report_writes_once_then_corrections(data_copy: Path) -> None:
    d = str(data_copy)
    code, out = run("new-report", MEASURE, "--data", d, "--period", "2025-Q1", *PEOPLE)
    assert code == 0, out
    first = data_copy / f"reports/2025-Q1/{MEASURE}.yaml"
    text = first.read_text(encoding="utf-8")
    assert yaml.safe_load(text)["kind"] == "про хід виконання"
    assert "ЗАМІНІТЬ ЦЕЙ ТЕКСТ" in text
    code, out = run("new-report", MEASURE, "--data", d, "--period", "2025-Q1", *PEOPLE)
    assert code == 1 and "--correction" in out
    assert first.read_text(encoding="utf-8") == text  # never over a file
    for n in (2, 3):
        code, out = run(
            "new-report", MEASURE, "--data", d, "--period", "2025-Q1", "--correction", *PEOPLE
        )
        assert code == 0, out
        assert (data_copy / f"reports/2025-Q1/{MEASURE}@{n}.yaml").is_file()
    _, problems = validate(data_copy, "data", today=dt.date(2026, 1, 1))
    assert [p for p in problems if "2025-Q1" in p.file] == []


def test_new_report_after_the_deadline_is_a_result_report(data_copy: Path) -> None:
    d = str(data_copy)
    code, out = run(
        "new-report", MEASURE, "--data", d, "--period", "2025-Q3", "--kind",
        "про хід виконання", *PEOPLE,
    )  # fmt: skip
    assert code == 1 and "про результат виконання" in out
    code, out = run("new-report", MEASURE, "--data", d, "--period", "2025-Q3", *PEOPLE)
    assert code == 0, out
    written = (data_copy / f"reports/2025-Q3/{MEASURE}.yaml").read_text(encoding="utf-8")
    assert yaml.safe_load(written)["kind"] == "про результат виконання"


def test_new_report_names_the_people_to_choose_from(data_copy: Path) -> None:
    code, out = run("new-report", MEASURE, "--data", str(data_copy), "--period", "2025-Q1")
    assert code == 1 and "--prepared-by" in out and "t.melnyk" in out
    code, out = run(
        "new-report", MEASURE, "--data", str(data_copy), "--period", "2025-Q1",
        "--prepared-by", "i.bondarenko", "--approved-by", "i.bondarenko",
    )  # fmt: skip
    assert code == 1 and "i.bondarenko" in out


def test_new_assessment_refuses_a_label_of_another_status(data_copy: Path) -> None:
    d = str(data_copy)
    args = ["new-assessment", MEASURE, "--data", d, "--period", "2024-Q4"]
    code, out = run(*args, "--status", "Виконано", "--label", "захід не виконано")
    assert code == 1 and "захід виконано вчасно та в повному обсязі" in out
    code, out = run(
        *args, "--status", "Виконується", "--label", "прогрес виконання заходу наявний",
        "--analyst", "analyst.zinchenko", "--date", "2025-01-20",
    )  # fmt: skip
    assert code == 0, out
    made = list((data_copy / "assessments/2024-Q4").glob(f"{MEASURE}*.yaml"))
    written = yaml.safe_load(max(made, key=lambda p: p.stat().st_mtime).read_text("utf-8"))
    assert written["reports"] and all(r.startswith("2024-Q4/") for r in written["reports"])
    _, problems = validate(data_copy, "data", today=dt.date(2026, 1, 1))
    assert [p for p in problems if "assessments/2024-Q4" in p.file] == []


def _scripts(data_dir: Path) -> dict[str, str]:
    data, _ = load(data_dir, "data")
    snaps = history_snapshots(data, None, dt.date(2025, 12, 31), dt.date(2025, 12, 31))
    return form_scripts(data, prepare(data, snaps).due_of)


def _payload(script: str) -> dict[str, object]:
    return json.loads(script.split("] = ", 1)[1].rstrip(";\n"))


def test_form_data_names_people_only_when_listed_and_never_contacts(data_copy: Path) -> None:
    programme = data_copy / "programme.yaml"
    programme.write_text(
        programme.read_text("utf-8").replace("list_people: false", "list_people: true"), "utf-8"
    )
    scripts = _scripts(data_copy)
    text = "".join(scripts.values())
    assert "@example.gov.ua" not in text.replace("feedback@example.gov.ua", "")
    assert "+380" not in text and "github" not in text.replace('"kind":"github"', "")
    form = _payload(scripts[f"assets/data/forms/{MEASURE}.js"])
    assert ["t.melnyk", "Тарас Мельник"] in form["implementers"]  # type: ignore[operator]
    q3 = next(p for p in form["periods"] if p["period"] == "2025-Q3")  # type: ignore[attr-defined]
    assert q3["kinds"]["про результат виконання"] is None
    assert "про результат виконання" in q3["kinds"]["про хід виконання"]
    programme.write_text(
        programme.read_text("utf-8").replace("list_people: true", "list_people: false"), "utf-8"
    )
    unlisted = _payload(_scripts(data_copy)[f"assets/data/forms/{MEASURE}.js"])
    assert unlisted["implementers"] is None and unlisted["analysts"] is None
    assert "Тарас Мельник" not in json.dumps(unlisted, ensure_ascii=False)
