"""One data file, as a person writes it: every YAML trap explained at the line to change, in
Ukrainian, with the corrected line; text cleaned the same way for everyone; what would be lost
(a text cut at ' #') refused, never shortened; tags refused; dates as people write them; a file
of thousands of mistakes answered in a few lines. And the property: any text written by our own
YAML dumper reads back as the same text after the documented cleaning, or as a located refusal."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builder import explain as x
from builder import i18n
from builder.cli import cli
from builder.datafile import LAYOUT, MAX_VALUES, clean_text, parse_bytes, read_record
from builder.demo.write import _Dumper as DemoDumper
from builder.demo.write import dump
from builder.errors import Problem
from builder.importer.records import _Dumper as ImportDumper

SHOWN = "data/reports/2024-Q1/1.1.1.1.2.yaml"
REPORT = """\
# yaml-language-server: $schema=../../../schemas/report.schema.json
measure: 1.1.1.1.2
period: 2024-Q1
kind: про хід виконання
executor: nazk
prepared_by: t.melnyk
approved_by: i.bondarenko
approved_on: 2024-04-08
text: Проведено 3 вебінари.
evidence:
- title: Матеріали навчання
  url: https://example.gov.ua/nazk/navchannia-2024-q1
"""
TEXT = "text: Проведено 3 вебінари."  # line 9
TITLE = "- title: Матеріали навчання"  # line 11


def read(content: str, kind: str = "reports") -> tuple[Any, list[Problem]]:
    """The record of `content` read as a file of `kind`, and its problems."""
    parse = lambda _path, shown: parse_bytes(content.encode("utf-8"), shown)  # noqa: E731
    record, _source, problems = read_record(Path("unused"), SHOWN, LAYOUT[kind], parse)
    return record, problems


def report(old: str, new: str) -> str:
    """The report with line `old` replaced by `new` (one line or several)."""
    assert old in REPORT
    return REPORT.replace(old, new)


@pytest.fixture
def ukrainian():
    i18n.set_language("uk")
    yield
    i18n.set_language(None)


def test_the_report_as_written_reads_without_problems() -> None:
    record, problems = read(REPORT)
    assert problems == [] and record.text == "Проведено 3 вебінари."


# ---------------------------------------------------------------- the catalogue of traps

S = x.SIGN_FIRST
TRAPS = {  # name → (file content, line, code, message id)
    "colon-space in a text": (
        report(TEXT, "text: Захід виконано: закон ухвалено"),
        9,
        "yaml",
        x.COLON_IN_TEXT,
    ),
    "colon-space on a text's second line": (
        report(TEXT, "text: Захід виконано\n  закон: ухвалено"),
        9,
        "yaml",
        x.COLON_IN_TEXT,
    ),
    "a text starting with a double quote": (
        report(TEXT, 'text: "Прозорі закупівлі" — лист'),
        9,
        "yaml",
        x.QUOTE_FIRST,
    ),
    "a text starting with an apostrophe": (
        report(TEXT, "text: 'Прозорі' закупівлі"),
        9,
        "yaml",
        x.QUOTE_FIRST,
    ),
    "a quote never closed": (report(TEXT, "text: 'Прозорі закупівлі"), 9, "yaml", x.UNCLOSED),
    "a backslash in double quotes": (report(TEXT, 'text: "C:\\Users"'), 9, "yaml", x.BACKSLASH),
    "a text starting with a dash": (report(TEXT, "text: - пункт перший"), 9, "yaml", S),
    "a text starting with |": (report(TEXT, "text: | пункт"), 9, "yaml", S),
    "a text starting with >": (report(TEXT, "text: > 50% респондентів"), 9, "yaml", S),
    "a text starting with @": (report(TEXT, "text: @nazk повідомив"), 9, "yaml", S),
    "a text starting with a backtick": (report(TEXT, "text: `код` оновлено"), 9, "yaml", S),
    "a text starting with %": (report(TEXT, "text: %50 виконано"), 9, "yaml", S),
    "a text starting with *": (report(TEXT, "text: *важливо* виконано"), 9, "yaml", S),
    "a text that is one alias": (report(TEXT, "text: *abc"), 9, "yaml", S),
    "a text starting with &": (report(TEXT, "text: & виконано"), 9, "yaml", S),
    "a text starting with ! and a Cyrillic word": (
        report(TEXT, "text: !важливо так"),
        9,
        "yaml",
        S,
    ),
    "a text starting with [": (
        report(TEXT, "text: [чернетка] звіт"),
        9,
        "yaml",
        x.LIST_FIRST,
    ),
    "a paragraph break in a plain text": (
        report(TEXT, "text: Перший абзац.\n\nДругий абзац."),
        9,
        "yaml",
        x.PARAGRAPH,
    ),
    "a text's second line without indentation": (
        report(TEXT, "text: Перший рядок\nдругий рядок"),
        10,
        "yaml",
        x.NOT_INDENTED[0],
    ),
    "a value on the next line": (
        report(TEXT, "text:\nПроведено 3 вебінари."),
        10,
        "yaml",
        x.NEXT_LINE[0],
    ),
    "a tab in the indentation": (
        report(TITLE, "\t- title: Матеріали навчання"),
        11,
        "yaml",
        x.TAB[0],
    ),
    "a tab inside a text": (
        report(TEXT, "text: Проведено\t3 вебінари."),
        9,
        "tab",
        x.TAB_IN_TEXT[0],
    ),
    "a non-breaking space after the colon": (
        report(TEXT, "text:\u00a0Проведено 3 вебінари."),
        9,
        "yaml",
        x.HIDDEN_SPACE[0],
    ),
    "non-breaking spaces as indentation": (
        report("  url:", "\u00a0\u00a0url:"),
        12,
        "yaml",
        x.HIDDEN_SPACE[0],
    ),
    "a non-breaking space after a list's dash": (
        report(TITLE, "-\u00a0title: Матеріали навчання"),
        11,
        "yaml",
        x.HIDDEN_SPACE[0],
    ),
    "a zero-width space in a field's name": (
        report(TEXT, "te\u200bxt: Проведено 3 вебінари."),
        9,
        "yaml",
        x.HIDDEN_IN_NAME[0],
    ),
    "no space after the colon": (
        report("kind: про", "kind:про"),
        4,
        "yaml",
        x.NO_SPACE[0],
    ),
    "no colon after the field": (report("kind: про", "kind про"), 4, "yaml", x.NO_COLON[0]),
    "a field indented under the one above": (
        report("kind: про", "  kind: про"),
        4,
        "yaml",
        x.INDENTED[0],
    ),
    "two records in one file": (report(TEXT, TEXT + "\n---"), 10, "yaml", x.TWO_RECORDS[0]),
    "' #' inside a text": (
        report(TEXT, "text: Лист #1234 надіслано"),
        9,
        "comment",
        x.COMMENT[0],
    ),
    "' #' right after the colon": (
        report(TEXT, "text: #1234 надіслано"),
        9,
        "comment",
        x.COMMENT[0],
    ),
    "a comment line going on with a text": (
        report(TEXT, "text: Лист\n  #1234 надіслано"),
        9,
        "comment",
        x.COMMENT[0],
    ),
    "' #' in a list item's field": (
        report(TITLE, "- title: Лист #12"),
        11,
        "comment",
        x.COMMENT[0],
    ),
    "a control character in a text": (
        report(TEXT, "text: Проведено\x1b 3 вебінари."),
        9,
        "control-character",
        x.CONTROL[0],
    ),
    "a control character written as an escape": (
        report(TEXT, 'text: "Проведено\\x07 3 вебінари."'),
        9,
        "control-character",
        x.CONTROL[0],
    ),
    "a vertical tab": (
        report(TEXT, "text: Проведено\x0b 3 вебінари."),
        9,
        "control-character",
        x.CONTROL[0],
    ),
    "a right-to-left override": (
        report(TEXT, "text: Проведено\u202e 3 вебінари."),
        9,
        "control-character",
        x.CONTROL[0],
    ),
    "a line separator": (
        report(TEXT, "text: Проведено\u2028 3 вебінари."),
        9,
        "control-character",
        x.SEPARATOR[0],
    ),
    "a NUL": (report(TEXT, "text: Проведено\x00"), 9, "control-character", x.CONTROL[0]),
    "the tag !!str": (report("measure: 1", "measure: !!str 1"), 2, "tag", x.TAG[0]),
    "a verbatim tag": (
        report("measure: 1", "measure: !<tag:yaml.org,2002:str> 1"),
        2,
        "tag",
        x.TAG[0],
    ),
    "a local tag": (report("measure: 1", "measure: !important 1"), 2, "tag", x.TAG[0]),
    "a lone !": (report("measure: 1", "measure: ! 1"), 2, "tag", x.TAG[0]),
    "a tag on a list": (report("evidence:", "evidence: !!seq"), 10, "tag", x.TAG[0]),
    "a tag on a key": (report("kind:", "!!str kind:"), 4, "tag", x.TAG[0]),
    "an alias": (
        report(TEXT, "text: &t Звіт\nsubmitted: *t"),
        10,
        "alias",
        x.ALIAS[0],
    ),
    "a date as dd.mm.yyyy": (
        report("approved_on: 2024-04-08", "approved_on: 08.04.2024"),
        8,
        "date_from_datetime_parsing",
        "'{value}' is not written as YYYY-MM-DD",
    ),
    "a date that does not exist": (
        report("approved_on: 2024-04-08", "approved_on: 2025-02-30"),
        8,
        "date_from_datetime_parsing",
        x.NO_SUCH_DATE,
    ),
    "the empty file": ("", 1, "empty", x.EMPTY_FILE[0]),
    "a file of one text": ("Звіт про виконання\n", 1, "not-a-mapping", x.NOT_A_RECORD[0]),
}


@pytest.mark.parametrize("name", list(TRAPS))
def test_a_trap_is_explained_at_the_line_to_change(name: str, ukrainian) -> None:
    content, line, code, message = TRAPS[name]
    record, problems = read(content)
    assert record is None
    assert [(p.file, p.line, p.code, p.message) for p in problems[:1]] == [
        (SHOWN, line, code, message)
    ]
    for p in problems:
        shown = str(p)
        assert len(shown) <= 300, shown
        assert "Traceback" not in shown and "YAML" not in shown
        assert english_words(i18n.translations("uk").gettext(p.message)) == []
        assert english_words(i18n.translations("uk").gettext(p.hint)) == []


# Latin words a Ukrainian message may hold: names of files, formats, values and programs.
ALLOWED = {"docs", "data", "layout", "md", "UTF", "Word", "Enter", "true", "false", "GitHub", "Qn"}
ALLOWED |= {"http", "https", "name", "example", "gov", "ua"}


def english_words(text: str) -> list[str]:
    """The Latin words of a translated message, its {placeholders} left out."""
    words = re.findall(r"[A-Za-z]{2,}", re.sub(r"\{\w+\}", "", text))
    return [w for w in words if w not in ALLOWED]


def test_no_ukrainian_text_of_this_area_holds_english() -> None:
    from babel.messages.pofile import read_po

    po = Path(__file__).parent.parent / "builder/locale/uk/LC_MESSAGES/datafile.po"
    with po.open("rb") as handle:
        texts = [str(m.string) for m in read_po(handle, locale="uk") if m.id]
    assert [t for t in texts if english_words(t)] == []


@pytest.mark.parametrize(
    "name",
    ["' #' inside a text", "' #' in a list item's field", "a comment line going on with a text"],
)
def test_a_text_cut_by_a_comment_is_refused_never_shortened(name: str) -> None:
    content = TRAPS[name][0]
    assert yaml.safe_load(content) is not None  # YAML itself would read it, shortened
    record, problems = read(content)
    assert record is None and [p.code for p in problems] == ["comment"]


def test_a_comment_after_an_id_a_date_or_an_official_value_stays_allowed() -> None:
    guide = (Path(__file__).parent.parent / "docs/guides/vprovadzhuvach.md").read_text("utf-8")
    example = re.search(r"```yaml\n(.*?)```", guide, re.S)
    assert example and "# або: про результат виконання" in example[1]
    record, problems = read(textwrap.dedent(example[1]))  # the guide's report, as shown
    assert problems == [] and record.kind == "про хід виконання" and record.executor == "mineconomy"


def test_comments_on_their_own_line_stay_allowed() -> None:
    content = (
        report(TITLE, "# докази\n" + TITLE + "\n  # адреса сторінки")
        .replace("text:", "# текст звіту\ntext:")
        .replace("evidence:", "evidence: # посилання нижче: у рядку нічого не пропадає")
    )
    record, problems = read(content)
    assert problems == [] and record.evidence[0].title == "Матеріали навчання"


def test_the_corrected_lines_are_shown(ukrainian) -> None:
    _, problems = read(report(TEXT, "text: Лист #1234 надіслано"))
    assert str(problems[0]) == (
        f"{SHOWN}:9:1: поле text: текст після «#» у рядку 9 пропаде: це знак коментаря — щоб "
        "його зберегти, напишіть у рядку 9 «text: |», а текст — нижче, на 2 пробіли правіше від "
        "«text»: «Лист #1234 надіслано»; коментар — в окремому рядку"
    )
    _, problems = read(report(TITLE, "- title: «Лист»: відповідь"))
    assert str(problems[0]) == (
        f"{SHOWN}:11:3: поле title: у тексті є «: » (двокрапка й пробіл), і програма "
        "сприймає це як початок нового поля — напишіть у рядку 11 «- title: |», а текст — "
        "нижче, на 2 пробіли правіше від «title»: ««Лист»: відповідь»"
    )
    corrected = report(TITLE, "- title: |\n    «Лист»: відповідь")
    record, problems = read(corrected)
    assert problems == [] and record.evidence[0].title == "«Лист»: відповідь"


def test_pydantic_speaks_our_words(ukrainian) -> None:
    _, problems = read(report("approved_on: 2024-04-08", "approved_on: 08.04.2025"))
    assert [str(p) for p in problems] == [
        f"{SHOWN}:8:14: поле approved_on: дату «08.04.2025» записано не як РРРР-ММ-ДД — "
        "напишіть 2025-04-08"
    ]
    _, problems = read(report("approved_on: 2024-04-08", "approved_on: 2025-02-30"))
    assert [str(p) for p in problems] == [
        f"{SHOWN}:8:14: поле approved_on: такої дати не існує: «2025-02-30» — останній день "
        "цього місяця — 2025-02-28"
    ]
    _, problems = read(report("kind: про хід виконання", "kind: про хід виконаня"))
    assert [str(p) for p in problems] == [
        f"{SHOWN}:4:7: поле kind: «про хід виконаня» немає в офіційному переліку — можливо, ви "
        "мали на увазі «про хід виконання»?"
    ]
    _, problems = read(report("kind: про хід виконання", "kind: звіт"))
    assert [str(p) for p in problems] == [
        f"{SHOWN}:4:7: поле kind: «звіт» немає в офіційному переліку — виберіть одне з: «про "
        "хід виконання», «про результат виконання»"
    ]
    _, problems = read(report("approved_by: i.bondarenko\n", ""))
    assert [str(p) for p in problems] == [
        f"{SHOWN}:2:1: поле approved_by: бракує обов'язкового поля — додайте рядок «approved_by: …»"
    ]


@pytest.mark.parametrize(
    ("written", "message", "date"),
    [
        ("08.04.2025", "'{value}' is not written as YYYY-MM-DD", "2025-04-08"),
        ("8.4.2025", "'{value}' is not written as YYYY-MM-DD", "2025-04-08"),
        ("08/04/2025", "'{value}' is not written as YYYY-MM-DD", "2025-04-08"),
        ("8 квітня 2025 р.", "'{value}' is not written as YYYY-MM-DD", "2025-04-08"),
        ("2025-4-8", "'{value}' is not written as YYYY-MM-DD", "2025-04-08"),
        ("20250408", "'{value}' is not written as YYYY-MM-DD", "2025-04-08"),
        ("2025-04-08T10:00", "'{value}' has a time of day", "2025-04-08"),
        ("2025-02-29", x.NO_SUCH_DATE, "2025-02-28"),
        ("2024-04-31", x.NO_SUCH_DATE, "2024-04-30"),
        ("31.02.2025", x.NO_SUCH_DATE, "2025-02-28"),
        ("2025-13-01", x.NO_SUCH_DATE, ""),
        ("квітень", "'{value}' is not a date", ""),
    ],
)
def test_dates_people_write(written: str, message: str, date: str) -> None:
    _, problems = read(report("approved_on: 2024-04-08", f"approved_on: {written}"))
    assert [(p.line, p.field, p.message, dict(p.params).get("date", "")) for p in problems] == [
        (8, "approved_on", message, date)
    ]


# ---------------------------------------------------------------- text as it is kept


@pytest.mark.parametrize(
    ("written", "kept"),
    [
        ("зв’язок", "зв’язок"),  # apostrophes and quotes are kept as written
        ("зв'язок", "зв'язок"),
        ("звʼязок", "звʼязок"),
        ("«Прозорі» „закупівлі“ ’цитата’", "«Прозорі» „закупівлі“ ’цитата’"),
        ("№\u00a0220 від 04.03.2023\u202fр.", "№ 220 від 04.03.2023 р."),
        ("анти\u00adкорупційний", "антикорупційний"),
        ("zero\u200bwidth\u2060joiner\ufeff", "zerowidthjoiner"),
        ("рядок\r\nрядок\rрядок", "рядок\nрядок\nрядок"),
    ],
)
def test_text_is_cleaned_once_on_read(written: str, kept: str) -> None:
    assert clean_text(written) == kept
    record, problems = read(report(TEXT, f"text: {dump({'t': written})[3:].strip()}"))
    assert problems == [] and record.text == kept


def test_a_tab_is_kept_in_a_block_text() -> None:
    record, problems = read(report(TEXT, "text: |\n  Графа\tзначення\n  друга"))
    assert problems == [] and record.text == "Графа\tзначення\nдруга"


def test_names_and_addresses_are_one_line() -> None:
    executor = "id: nazk\nname: |\n  Національне агентство\n  з питань запобігання корупції\n"
    _, problems = read(executor, "executors")
    assert [(p.line, p.field, p.code, p.message) for p in problems] == [
        (2, "name", "string_pattern_mismatch", x.ONE_LINE[0])
    ]
    person = "people:\n- id: a\n  name: А\n  roles: [аналітик]\n  email: a@x.ua\n"
    _, problems = read(
        person, "staff"
    )  # contacts are private: never in a roster (builder/contacts.py)
    assert [(p.line, p.field, p.code) for p in problems] == [
        (5, "people[0].email", "private-contact")
    ]
    assert "dap contacts migrate" in problems[0].hint


# ---------------------------------------------------------------- bounded answers


def test_thousands_of_mistakes_give_a_short_answer(ukrainian) -> None:
    content = REPORT + "".join(f"key{i}: x\n" for i in range(MAX_VALUES - 100))
    _, problems = read(content)
    unknown = [p for p in problems if p.code == "unknown-key"]
    assert len(unknown) == x.MAX_PER_KIND + 1
    assert str(unknown[-1]).endswith(
        f"… і ще таких самих проблем у цьому файлі: {MAX_VALUES - 100 - x.MAX_PER_KIND}"
    )
    assert all(len(str(p)) <= 300 for p in problems)


def test_a_file_of_too_many_values_is_refused_unread() -> None:
    content = REPORT + "".join(f"key{i}: x\n" for i in range(MAX_VALUES))
    _, problems = read(content)
    assert [(p.line, p.code) for p in problems] == [(0, "too-large")]


def test_long_keys_and_values_are_shortened(ukrainian) -> None:
    _, problems = read(REPORT + "к" * 5000 + ": x\n")
    assert len(problems) == 1 and len(str(problems[0])) <= 300
    assert problems[0].what().startswith("назва поля «кккк") and problems[0].line == 13
    _, problems = read(report(TEXT, "text: " + "а" * 30_000))
    assert [p.code for p in problems] == ["string_too_long"] and len(str(problems[0])) <= 300


def test_values_nested_too_deep_are_refused_without_a_traceback() -> None:
    for content in (
        report(TEXT, "text: " + "[" * 2000 + "]" * 2000),
        "measure:\n" + "".join("  " * i + "- \n" for i in range(1, 990)),
    ):
        record, problems = read(content)
        assert record is None and [p.code for p in problems] == ["yaml"]


def test_the_command_speaks_ukrainian_without_a_traceback(runner, data_copy: Path) -> None:
    (data_copy / "reports/2024-Q1/1.1.1.1.2.yaml").write_text(
        report(TEXT, "text: Захід виконано: закон ухвалено"), encoding="utf-8"
    )
    (data_copy / "reports/2024-Q1/1.1.1.1.3.yaml").write_text(
        REPORT.replace("1.1.1.1.2", "1.1.1.1.3").replace("2024-04-08", "08.04.2024"),
        encoding="utf-8",
    )
    result = runner.invoke(cli, ["--lang", "uk", "validate", "--data", str(data_copy)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "у тексті є «: » (двокрапка й пробіл)" in result.output
    assert "напишіть 2024-04-08" in result.output
    assert "mapping values" not in result.output and "Input should" not in result.output


# ---------------------------------------------------------------- the property

SPECIAL = (
    " \n\t\r#:-|>@`%*&!'\"[]{},?~\\"
    "\u00a0\u202f\u2007\u00ad\u200b\u200c\u200d\u2060\ufeff’ʼ‘«»„“"
    "\x00\x1b\x0b\x7f\x85\u2028\u2029\u202e"
    "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя"
)
TEXTS = st.text(
    alphabet=st.sampled_from(SPECIAL) | st.characters(exclude_categories=["Cs"]), max_size=60
)


class BlockDumper(DemoDumper):
    """The demonstration's dumper, asked for the block form (`|`) for the report's text."""


class Block(str):
    """A text to be written in the block form."""


BlockDumper.add_representer(
    Block,
    lambda dumper, value: dumper.represent_scalar(
        yaml.resolver.BaseResolver.DEFAULT_SCALAR_TAG, str(value), style="|"
    ),
)


def written(text: str, dumper: type) -> str:
    """A report whose text is `text`, as our dumper writes it."""
    record = yaml.safe_load(REPORT)
    record["approved_on"] = "2024-04-08"
    record["text"] = Block(text) if dumper is BlockDumper else text
    return yaml.dump(record, Dumper=dumper, allow_unicode=True, sort_keys=False, width=100)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=TEXTS, dumper=st.sampled_from([DemoDumper, BlockDumper, ImportDumper]))
def test_any_text_reads_back_the_same_or_is_refused_where_it_is(text: str, dumper: type) -> None:
    record, problems = read(written(text, dumper))
    if record is not None:
        assert problems == []
        assert record.text == clean_text(text).strip()  # never shorter than the rules say
    else:
        assert problems and all(p.line >= 1 for p in problems)
        assert {p.code for p in problems} <= {
            "control-character",
            "tab",
            "string_too_short",
        }, [(p.code, p.message) for p in problems]
