"""The command line speaks Ukrainian by default: its own errors and summaries, the errors of
building, notifying and publishing, and click's messages for a wrong command line — each
without a traceback; --lang en gives the English source texts."""

from __future__ import annotations

import inspect
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest

from builder import i18n
from builder.cli import cli
from builder.errors import DataError, Problem
from builder.options import CLICK_MESSAGES, Day

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"


@pytest.fixture
def ukrainian():
    """The run's language set to Ukrainian for one test."""
    i18n.set_language("uk")
    yield
    i18n.set_language(None)


def dap(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """`dap ARGS` as a person runs it: this checkout's code, no DAP_LANG, a neutral locale."""
    environ = {k: v for k, v in os.environ.items() if k not in ("DAP_LANG", "LC_ALL")}
    environ |= {"LANG": "C.UTF-8", "PYTHONPATH": str(ROOT), "DAP_NO_CACHE": "1", **env}
    return subprocess.run(
        [sys.executable, "-m", "builder", *args],
        cwd=cwd,
        env=environ,
        capture_output=True,
        text=True,
        timeout=600,
    )


def said(result: subprocess.CompletedProcess[str]) -> str:
    """Everything a command printed, with no traceback in it."""
    text = result.stdout + result.stderr
    assert "Traceback" not in text and "Internal error" not in text, text
    return text


# ---------------------------------------------------------------- the key messages, as run


def test_build_into_a_folder_it_did_not_make(tmp_path: Path) -> None:
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("моє\n", "utf-8")
    result = dap("build", "--data", str(DATA), "--out", "mine", cwd=tmp_path)
    assert result.returncode == 1
    assert (
        "Помилка: тека mine/ уже існує, і створила її не команда dap build — вкажіть іншу "
        "теку в --out або видаліть цю теку самі"
    ) in said(result)
    assert (tmp_path / "mine" / "notes.txt").read_text("utf-8") == "моє\n"


def test_a_missing_data_folder(tmp_path: Path) -> None:
    result = dap("build", "--data", "nope", "--out", "site", cwd=tmp_path)
    assert result.returncode == 1
    assert "Помилка: 1 помилка в даних" in said(result)
    assert not (tmp_path / "site").exists()


def test_a_bad_smtp_setting(tmp_path: Path) -> None:
    result = dap(
        "notify",
        "--data",
        str(DATA),
        "--send",
        cwd=tmp_path,
        DAP_SMTP_HOST="smtp.example.gov.ua",
        DAP_SMTP_PORT="smtp",
        DAP_SMTP_FROM="noreply@example.gov.ua",
    )
    assert result.returncode == 1
    assert "Помилка: DAP_SMTP_PORT='smtp' — не число: задайте номер порту, наприклад 587" in said(
        result
    )


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("31.12.2024", "дату пишуть як РРРР-ММ-ДД — напишіть 2024-12-31, а не 31.12.2024"),
        ("2024-02-30", "дати 2024-02-30 не існує — перевірте місяць і день"),
        ("вчора", "«вчора» — не дата: напишіть її як РРРР-ММ-ДД, наприклад 2024-12-31"),
    ],
)
def test_a_bad_as_of(tmp_path: Path, value: str, text: str) -> None:
    result = dap("status", "--data", str(DATA), "--as-of", value, cwd=tmp_path)
    assert result.returncode == 2
    out = said(result)
    assert f"Помилка: неправильне значення '--as-of': {text}" in out
    assert "Довідка: dap status --help" in out


def test_lang_en_gives_the_english_texts(tmp_path: Path) -> None:
    result = dap("--lang", "en", "status", "--as-of", "31.12.2024", cwd=tmp_path)
    assert result.returncode == 2
    assert (
        "Error: Invalid value for '--as-of': write the date as YYYY-MM-DD: 2024-12-31, "
        "not 31.12.2024"
    ) in said(result)


# ---------------------------------------------------------------- in process


def run_uk(runner, *args: str, **env: str):
    """`dap ARGS` in this process, the language from an environment without DAP_LANG."""
    result = runner.invoke(cli, list(args), env={"DAP_LANG": None, "LANG": "C.UTF-8", **env})
    i18n.set_language(None)
    return result


@pytest.mark.parametrize(
    ("args", "text"),
    [
        (["status", "--as-off", "2024-12-31"], "Немає параметра '--as-off'."),
        (["status", "--as-off", "2024-12-31"], "Можливо, ви мали на увазі '--as-of'?"),
        (["stat"], "Немає команди 'stat'. Можливо, ви мали на увазі 'status'?"),
        (
            ["status", "--format", "jsn"],
            "неправильне значення '--format': 'jsn' не підходить — можна одне з: 'text', "
            "'json', 'csv'.",
        ),
        (["status", "--executor"], "Після параметра '--executor' потрібне значення."),
        (["import"], "Не вказано аргумент 'PLAN'."),
        (["status", "2024-12-31"], "Зайвий аргумент: 2024-12-31"),
        (["--project", "/nonexistent/dap", "status"], "/nonexistent/dap — не тека"),
    ],
)
def test_clicks_own_messages_are_ukrainian(runner, args: list[str], text: str) -> None:
    result = run_uk(runner, *args)
    assert result.exit_code == 2
    assert "Помилка: " in result.output and text in result.output


def test_clicks_messages_are_still_clicks() -> None:
    """Each message id of CLICK_MESSAGES is still asked for by this click (else its Ukrainian
    text would silently stop showing)."""
    import click.core
    import click.exceptions
    import click.parser
    import click.types

    source = "".join(
        inspect.getsource(m) for m in (click.core, click.exceptions, click.parser, click.types)
    )
    assert [m for m in CLICK_MESSAGES if f'"{m}"' not in source] == []


def test_an_unknown_executor_is_named_in_ukrainian(runner) -> None:
    result = run_uk(runner, "status", "--data", str(DATA), "--executor", "nope")
    assert result.exit_code == 1
    assert "--executor: виконавця «nope» немає в" in result.output
    assert "вкажіть один з ідентифікаторів:" in result.output and "nazk" in result.output


def test_the_notify_summary_is_ukrainian(runner, tmp_path: Path) -> None:
    outbox = tmp_path / "outbox"
    args = ["notify", "--data", str(DATA), "--as-of", "2025-01-10", "--outbox", str(outbox)]
    result = run_uk(runner, *args)
    assert result.exit_code == 0, result.output
    assert "9 сповіщень на 2025-01-10: строк звітування спливає 9" in result.output
    assert f"(тека для перегляду: {outbox}/2025-01-10)" in result.output
    assert "  записано: 9" in result.output
    assert "не задано адресу сайту" in result.output
    again = run_uk(runner, *args)
    assert "  уже є в теці, без змін: 9" in again.output


def test_validate_closes_with_ukrainian_counts(runner) -> None:
    result = run_uk(runner, "validate", "--data", str(DATA))
    assert result.exit_code == 0, result.output
    last = result.output.strip().splitlines()[-1]
    assert last.startswith("Помилок немає: ") and " заход" in last and " звіт" in last


def test_datasets_summary_is_ukrainian(runner, tmp_path: Path) -> None:
    out = tmp_path / "opendata"
    args = ["datasets", "--data", str(DATA), "--out", str(out), "--as-of", "2024-12-31"]
    result = run_uk(runner, *args)
    assert result.exit_code == 0, result.output
    assert f"записано в {out}/" in result.output and " Б)" in result.output


# ---------------------------------------------------------------- the texts themselves


@pytest.mark.parametrize(
    ("n", "text"), [(1, "1 помилка в даних"), (3, "3 помилки в даних"), (5, "5 помилок у даних")]
)
def test_data_error_counts_in_ukrainian(ukrainian, n: int, text: str) -> None:
    assert DataError([Problem("f", message="x")] * n).message == text


def test_an_invalid_package_keeps_frictionless_words(ukrainian) -> None:
    from builder.opendata.checks import fail

    detail = (
        "resource 'measures', row 2, field 'status': constraint-error: constraint \"enum\" "
        "is not met (value 'Майже виконано')"
    )
    lines = fail("latest", [detail, detail]).message.splitlines()
    assert lines[0] == "пакет відкритих даних «latest» не відповідає своїм схемам (2 помилки):"
    assert lines[1:3] == [f"  {detail}"] * 2
    assert lines[3].startswith("Значення порушує опис таблиць у schemas/tables/")


def test_an_incomplete_tables_override_in_ukrainian(ukrainian, tmp_path: Path) -> None:
    import shutil

    from builder.errors import ConfigError
    from builder.project import bundled, open_project

    tables = tmp_path / "schemas" / "tables"
    shutil.copytree(bundled("tables"), tables)
    (tables / "reports.json").unlink()
    with pytest.raises(ConfigError, match=r"неповна: немає reports\.json — скопіюйте їх з"):
        open_project(tmp_path)


def test_the_build_summary_in_ukrainian(ukrainian, tmp_path: Path) -> None:
    from builder.build import BuildResult, progress_printer, summary

    result = BuildResult(tmp_path / "public", pages=3, files=9, size=2_500_000)
    result.largest, result.timings = ("index.html", 40_960), {"mkdocs": 1.25}
    assert summary(result) == [
        f"Зібрано 3 сторінки (файлів: 9, 2.5 МБ) у {tmp_path}/public/ за 1.2 с; найбільша "
        "сторінка — index.html (40 КБ)"
    ]
    shown: list[str] = []
    progress_printer(False, lambda text, nl=True: shown.append(text))("pages", 0.5, "")
    assert shown == ["збирання: сторінки: 0.50 с"]


def test_a_date_option_reads_iso_dates_only() -> None:
    import datetime as dt

    assert Day().convert("2024-12-31", None, None) == dt.date(2024, 12, 31)
    with pytest.raises(click.BadParameter):
        Day().convert("20241231", None, None)
