"""`dap status` on the demonstration data, through click's runner."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from builder.cli import cli

AS_OF = ["--as-of", "2024-12-31"]


def run(runner: CliRunner, *args: str) -> str:
    result = runner.invoke(cli, ["status", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_text_figures_on_the_demonstration_data(runner: CliRunner, demo_data: Path) -> None:
    out = run(runner, "--data", str(demo_data), *AS_OF)
    assert "Станом на 31.12.2024 (обчислено " in out
    lines = out.splitlines()
    programme = [line.split() for line in lines if line.startswith("програма")]
    # statuses 3/1/5/1/3 of 13; 4 of 13 = 30,8%; 7 due, 4 of them done = 57,1%; 1 overdue
    assert programme[0] == ["програма", "dap-demo-2023-2025", "13", "3", "1", "5", "1", "3"] + [
        "30,8",
        "7",
        "4",
        "57,1",
        "1",
    ]
    # 30 reports owed: 25 on time, 3 late, 2 missing = 83,3% on time
    assert programme[1] == ["програма", "dap-demo-2023-2025", "30", "25", "3", "2", "83,3", "0"]
    assert "Прострочені заходи: 1" in out
    assert any(line.startswith("2.1.1.2.1  30.09.2024  mineconomy  Не виконано") for line in lines)
    assert "Відсутні повідомлення: 2" in out
    assert "2.1.1.1.1  2024-Q3  01.10.2024–15.10.2024  mineconomy" in out
    assert "Повідомлення із запізненням: 3" in out
    assert "2.1.1.1.2  2024-Q2  15.07.2024  19.07.2024                4  mineconomy" in out
    assert "Примітка: Дати подання повідомлень взято з файлів" in out


def test_nothing_due_yet_shows_a_dash_not_zero(runner: CliRunner, demo_data: Path) -> None:
    out = run(runner, "--data", str(demo_data), "--as-of", "2023-02-01")
    programme = next(line.split() for line in out.splitlines() if line.startswith("програма"))
    # 13 measures, none done (0,0 % is a fact); none due yet, so no share of the due ones
    assert programme[2] == "13" and programme[8:] == ["0,0", "0", "0", "—", "0"]
    minfin = next(line.split() for line in out.splitlines() if "minfin (Мінфін)" in line)
    assert minfin[-5] == "—"  # no measure at all: no share of them either


def test_json_holds_everything(runner: CliRunner, demo_data: Path) -> None:
    view = json.loads(run(runner, "--data", str(demo_data), *AS_OF, "--format", "json"))
    assert view["as_of"] == "2024-12-31"
    agg = {(a["level"], a["key"]): a for a in view["aggregates"]}
    p = agg[("programme", "dap-demo-2023-2025")]
    assert (p["total"], p["pct_done"], p["due"], p["pct_done_due"], p["pct_on_time"]) == (
        13,
        30.8,
        7,
        57.1,
        83.3,
    )
    assert agg[("executor", "mineconomy")]["missing"] == 2
    assert agg[("result", "2.1.1.2")]["counts"]["Не виконано"] == 1
    assert [(r["measure"], r["period"]) for r in view["missing_reports"]] == [
        ("2.1.1.1.1", "2024-Q3"),
        ("2.1.1.2.1", "2024-Q3"),
    ]
    # evaluations made in 2025 are not known on 31.12.2024
    assert sorted({s["year"] for s in view["scores"]}) == [2023]
    score = {s["result"]: s for s in view["scores"]}["2.1.1.1"]
    assert (score["score"], score["level"]) == (50.0, "середній")
    assert score["indicators"][0]["components"] == [["б", 30.0]]
    states = {s["measure"]: s for s in view["measures"]}
    assert states["1.1.2.1.2"]["status"] == "Виконується" and states["1.1.2.1.2"]["derived"]
    assert states["1.1.1.1.3"]["active"] is False


def test_scores_after_the_2024_evaluations(runner: CliRunner, demo_data: Path) -> None:
    view = json.loads(
        run(runner, "--data", str(demo_data), "--as-of", "2025-03-31", "--format", "json")
    )
    score = {(s["result"], s["year"]): s for s in view["scores"]}
    assert (score[("2.1.1.2", 2024)]["score"], score[("2.1.1.2", 2024)]["state"]) == (
        64.0,
        "наявний прогрес",
    )
    assert score[("2.1.1.1", 2024)]["state"] == "наявний прогрес"  # 30+35 = 65 > 50


def test_csv_is_one_row_per_group(runner: CliRunner, demo_data: Path) -> None:
    rows = list(
        csv.DictReader(
            io.StringIO(run(runner, "--data", str(demo_data), *AS_OF, "--format", "csv"))
        )
    )
    assert [r["level"] for r in rows].count("executor") == 6
    assert len(rows) == 1 + 3 + 4 + 6 + 6
    assert rows[0]["Виконано"] == "3" and rows[0]["pct_done"] == "30.8"


def test_executor_filter(runner: CliRunner, demo_data: Path) -> None:
    view = json.loads(
        run(runner, "--data", str(demo_data), *AS_OF, "--executor", "nabu", "--format", "json")
    )
    assert [(a["level"], a["key"]) for a in view["aggregates"]] == [("executor", "nabu")]
    assert {r["executor"] for r in view["due_reports"]} == {"nabu"}
    assert [(r["measure"], r["days_late"]) for r in view["late_reports"]] == [("3.1.1.1.3", 1)]
    assert view["missing_reports"] == [] and view["overdue"] == []


def test_unknown_executor_is_named(runner: CliRunner, demo_data: Path) -> None:
    result = runner.invoke(cli, ["status", "--data", str(demo_data), "--executor", "nope"])
    assert result.exit_code == 1
    assert "no executor 'nope'" in result.output and "nazk" in result.output


def test_bad_date_is_refused(runner: CliRunner, demo_data: Path) -> None:
    result = runner.invoke(cli, ["status", "--data", str(demo_data), "--as-of", "31.12.2024"])
    assert result.exit_code == 2
    assert "--as-of" in result.output


def test_data_with_errors_is_refused(runner: CliRunner, data_copy: Path) -> None:
    path = data_copy / "reports" / "2024-Q1" / "1.1.1.1.2.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("measure: 1.1.1.1.2", "measure: 9.9"),
        encoding="utf-8",
    )
    result = runner.invoke(cli, ["status", "--data", str(data_copy), *AS_OF])
    assert result.exit_code == 1
    assert "error(s) in the data" in result.output


def test_output_is_deterministic_and_default_date_is_today(
    runner: CliRunner, demo_data: Path
) -> None:
    first = run(runner, "--data", str(demo_data), "--format", "json")
    assert first == run(runner, "--data", str(demo_data), "--format", "json")
    assert json.loads(first)["as_of"] == dt.date.today().isoformat()


def test_measures_list(runner: CliRunner, demo_data: Path) -> None:
    out = run(runner, "--data", str(demo_data), *AS_OF, "--measures")
    assert "1.1.1.1.3  Не розпочато       без висновку" in out


def _git(repo: Path, *args: str, when: str) -> None:
    env = {
        **os.environ,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Редактор",
        "GIT_AUTHOR_EMAIL": "editor@example.org",
        "GIT_COMMITTER_NAME": "Редактор",
        "GIT_COMMITTER_EMAIL": "editor@example.org",
        "GIT_AUTHOR_DATE": when,
        "GIT_COMMITTER_DATE": when,
    }
    subprocess.run(
        ["git", "-c", "commit.gpgsign=false", *args],
        cwd=repo,
        env=env,
        check=True,
        capture_output=True,
    )


def test_git_dates_end_to_end(
    runner: CliRunner, data_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With submission_dates: git, a report's date is when its file reached the branch."""
    repo = data_copy.parent
    programme = data_copy / "programme.yaml"
    programme.write_text(
        programme.read_text(encoding="utf-8").replace(
            "submission_dates: recorded", "submission_dates: git"
        ),
        encoding="utf-8",
    )
    late = data_copy / "reports" / "2024-Q4"
    kept = {p.name: p.read_bytes() for p in late.iterdir()}
    for p in late.iterdir():
        p.unlink()
    _git(repo, "init", "-q", "-b", "main", when="2024-01-01T00:00:00+02:00")
    _git(repo, "add", ".", when="2024-01-01T00:00:00+02:00")
    _git(repo, "commit", "-q", "-m", "everything up to Q3", when="2024-10-14T12:00:00+03:00")
    for name, body in kept.items():
        (late / name).write_bytes(body)
    _git(repo, "add", ".", when="2025-01-20T12:00:00+02:00")
    _git(repo, "commit", "-q", "-m", "Q4 reports", when="2025-01-20T12:00:00+02:00")
    monkeypatch.chdir(repo)
    view = json.loads(run(runner, "--data", "data", "--as-of", "2025-01-31", "--format", "json"))
    due = {(r["measure"], r["period"]): r for r in view["due_reports"]}
    q4 = due[("1.1.1.1.2", "2024-Q4")]
    assert (q4["submitted"], q4["verified"], q4["state"], q4["days_late"]) == (
        "2025-01-20",
        True,
        "late",
        5,
    )
    q1 = due[("1.1.1.1.2", "2024-Q1")]  # committed on 14.10.2024: long after its window
    assert (q1["submitted"], q1["date_source"], q1["state"]) == ("2024-10-14", "git", "late")
    assert view["notes"] == []
