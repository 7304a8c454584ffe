"""The one record writer: canonical text that YAML reads back exactly and `dap validate` keeps."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from builder import recordtext
from builder.datafile import parse_text
from builder.validate import validate

REL = "reports/2025-Q1/1.1.1.1.2.yaml"

# Text a person may well type: YAML's signs, quotes and apostrophes, tabs, emoji, NBSP,
# paragraphs, leading and trailing spaces and line breaks, and a long text.
HOSTILE = [
    "Лист #1234 надіслано: відповідь очікується",
    "текст # не коментар",
    "- почато з тире",
    '"у лапках" і далі',
    "'в одинарних' лапках",
    "| риска",
    "> більше",
    "a:b: c",
    "ключ: значення",
    "табуляція\tусередині",
    "\tпочато табуляцією",
    "емодзі 🇺🇦 👍🏽",
    "нерозривний\u00a0пробіл",
    "апострофи ʼ ’ ' і «лапки»",
    "  з пробілами на початку",
    "з пробілом у кінці ",
    "\nз порожнього рядка",
    "рядок\n\nабзац\n",
    "кінець з двома переносами\n\n",
    "\n",
    "\n\n",
    " ",
    "рядок із пробілами в кінці   \nі ще",
    "---\n...\n# не коментар\n  відступ",
    "@ % ` * & ! [ ] { } , ?",
    "yes",
    "null",
    "1.5",
    "2025-01-01",
    "~",
    "а" * 5000,
    ("Абзац із двокрапкою: і # знаком. " * 60 + "\n") * 3,
]

# What a block scalar cannot carry: double-quoted with escapes, never lost.
ESCAPED = [
    "рядок\r\nWindows",
    "a\x85b",
    "a\u2028b",
    "a\u2029b",
    "\ufeffBOM",
    "дзвінок\x07",
    "\x1b[31m",
]


def report(text: str, title: str = "Наказ") -> dict[str, object]:
    return {
        "measure": "1.1.1.1.2",
        "period": "2025-Q1",
        "kind": "про хід виконання",
        "executor": "nazk",
        "prepared_by": "t.melnyk",
        "approved_by": "i.bondarenko",
        "approved_on": "2025-04-10",
        "text": text,
        "evidence": [{"title": title, "url": "https://example.gov.ua/a?b=1&c=2#d"}],
    }


@pytest.mark.parametrize("text", HOSTILE + ESCAPED)
def test_text_and_titles_round_trip(text: str) -> None:
    written = recordtext.record_text("reports", report(text, title=text), REL)
    for loader in (yaml.SafeLoader, yaml.CSafeLoader):
        back = yaml.load(written, Loader=loader)
        assert back["text"] == text
        assert back["evidence"][0]["title"] == text
        assert list(back) == list(report(text))


def test_the_text_is_a_literal_block_and_the_layout_is_fixed() -> None:
    written = recordtext.record_text("reports", report("Перший: рядок\nдругий #2"), REL)
    assert written == (
        "# yaml-language-server: $schema=../../../schemas/report.schema.json\n"
        "measure: 1.1.1.1.2\n"
        "period: 2025-Q1\n"
        "kind: про хід виконання\n"
        "executor: nazk\n"
        "prepared_by: t.melnyk\n"
        "approved_by: i.bondarenko\n"
        "approved_on: 2025-04-10\n"
        "text: |-\n"
        "  Перший: рядок\n"
        "  другий #2\n"
        "evidence:\n"
        "- title: Наказ\n"
        "  url: https://example.gov.ua/a?b=1&c=2#d\n"
    )


@pytest.mark.parametrize(
    ("text", "header"),
    [("a", "|-"), ("a\n", "|"), ("a\n\n", "|+"), (" a", "|2-"), ("\na\n", "|2"), ("\n", "|2+")],
)
def test_block_headers(text: str, header: str) -> None:
    assert recordtext.scalar("text", text, "  ").split("\n")[0] == " " + header


@pytest.mark.parametrize(
    ("value", "plain"),
    [
        ("1.1.1.4.2", True),
        ("2025-Q1", True),
        ("про хід виконання", True),
        ("https://example.gov.ua/x", True),
        ("1.1", False),
        ("2025-01-01", False),
        ("yes", False),
        ("~", False),
        ("a #b", False),
        ("a: b", False),
        ("-a", False),
        ("a ", False),
        ("a\u00a0b", False),
        ("", False),
    ],
)
def test_plain_only_when_it_reads_back_the_same(value: str, plain: bool) -> None:
    assert recordtext.plain_ok(value) is plain
    if plain:
        assert yaml.safe_load(f"k: {value}")["k"] == value


def test_the_implicit_types_are_pyyaml_s() -> None:
    """Our copy of YAML 1.1's implicit types agrees with PyYAML's resolver on a corpus."""
    resolver = yaml.resolver.Resolver()
    corpus = [
        "1", "01", "0x1F", "0b10", "1_000", "1:20", "1:20.5", "1.5e+3", ".5", ".inf", "-.Inf",
        ".NaN", "yes", "No", "ON", "off", "true", "False", "null", "Null", "~", "<<", "=",
        "2025-01-01", "2025-1-1 10:00:00", "2025-01-01T10:00:00Z", "2025-01-01 10:00:00 +2",
        "1.1.1", "2025-Q1", "y", "n", "nul", "1e3", "1.", "+1", "-0", "0o7", "08", "09.5",
    ]  # fmt: skip
    for value in corpus:
        tag = resolver.resolve(yaml.ScalarNode, value, (True, False))
        assert (recordtext._IMPLICIT.match(value) is None) == tag.endswith(":str"), value


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=300))
def test_any_text_round_trips(text: str) -> None:
    written = recordtext.record_text("reports", report(text, title=text), REL)
    for loader in (yaml.SafeLoader, yaml.CSafeLoader):  # PyYAML's and libyaml's (dap's) parser
        back = yaml.load(written, Loader=loader)
        assert back["text"] == text
        assert back["evidence"][0]["title"] == text


@settings(max_examples=200, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list(" \n\t:#-'\"|>@%`!&*[]{},?~абвґʼ’\u00a0😀xyz019.")),
        max_size=60,
    )
)
def test_yaml_signs_round_trip(text: str) -> None:
    written = recordtext.record_text("reports", report(text, title=text), REL)
    assert yaml.load(written, Loader=yaml.CSafeLoader)["text"] == text


def test_the_schema_line() -> None:
    assert recordtext.schema_line("programme.yaml").endswith("=../schemas/programme.schema.json\n")
    assert recordtext.schema_line("measures/1.yaml").endswith(
        "=../../schemas/measure.schema.json\n"
    )
    assert recordtext.schema_line(REL).endswith("=../../../schemas/report.schema.json\n")


def test_a_record_model_writes_the_same() -> None:
    from builder import models as m

    values = report("Текст: так")
    assert recordtext.record_text("reports", m.Report.model_validate(values), REL) == (
        recordtext.record_text("reports", values, REL)
    )
    with pytest.raises(ValueError, match="no field colour"):
        recordtext.record_text("reports", {"colour": "red"}, REL)


@pytest.mark.parametrize("text", HOSTILE)
def test_dap_reads_the_hostile_texts_as_written(text: str) -> None:
    """`datafile.py` reads the writer's text without a problem, the text as it keeps it."""
    written = recordtext.record_text("reports", report(text, title=text), REL)
    data, _, problems = parse_text(written, REL)
    assert problems == []
    assert data["text"] == text.replace("\u00a0", " ")


def test_the_hostile_texts_pass_dap_validate(data_copy: Path) -> None:
    """Each hostile text as a report of the demonstration data: `dap validate` passes (the
    model trims a text's outer spaces; a text of only spaces is empty, refused as such; a title
    is at most 2,000 characters)."""
    folder = data_copy / "reports" / "2025-Q1"
    folder.mkdir(parents=True)
    kept = [t for t in HOSTILE if t.strip()]
    for i, text in enumerate(kept):
        rel = f"reports/2025-Q1/1.1.1.1.2{'' if i == 0 else f'@{i + 1}'}.yaml"
        (data_copy / rel).write_text(
            recordtext.record_text("reports", report(text, title=text[:2000]), rel), "utf-8"
        )
    data, problems = validate(data_copy, "data")
    assert [p for p in problems if p.file.startswith("data/reports/2025-Q1")] == []
    assert len([k for k in data.reports if k.startswith("2025-Q1/")]) == len(kept)
    assert data.reports["2025-Q1/1.1.1.1.2"].text == kept[0]


def test_what_a_block_cannot_carry_is_named_by_dap_validate() -> None:
    """A control character reaches the file escaped and `dap validate` names it; nothing is cut."""
    written = recordtext.record_text("reports", report("дзвінок\x07"), REL)
    assert 'text: "дзвінок\\a"' in written
    _, _, problems = parse_text(written, REL)
    assert [p.code for p in problems] == ["control-character"]
