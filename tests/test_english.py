"""English texts of the data (issue 21): `<field>_en` beside the Ukrainian field, validated
like it, carried by versions and open data, counted by `dap untranslated`; the importer and
the demonstration leave them empty unless asked."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from builder import i18n
from builder import models as m
from builder.cli import cli
from builder.demo.generate import generate
from builder.demo.plan import Options
from builder.load import load
from builder.translations import KINDS, data_texts, untranslated
from builder.validate import validate
from builder.versions import measure_as_of, section_as_of

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "programme" / "data"


@pytest.fixture
def fixture_copy(tmp_path: Path) -> Path:
    """A writable copy of the fixture programme (it carries a few English texts)."""
    target = tmp_path / "data"
    shutil.copytree(FIXTURE, target)
    return target


def problems(data: Path) -> list[tuple[str, int, str, str, str]]:
    """(file, line, field, code, severity) of every problem."""
    _, found = validate(data, "data", dt.date(2026, 1, 1))
    return [(p.file.removeprefix("data/"), p.line, p.field, p.code, p.severity) for p in found]


def rewrite(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# ---------------------------------------------------------------- the fields


def _rules(schema: dict[str, Any]) -> dict[str, Any]:
    """The constraints of a text field's JSON Schema, optional or not."""
    one = next((s for s in schema.get("anyOf", [schema]) if s.get("type") == "string"), schema)
    return {k: one.get(k) for k in ("type", "minLength", "maxLength", "pattern")}


def test_every_ukrainian_text_field_has_its_english_field() -> None:
    from builder.translations import FIELDS

    for model, fields in FIELDS.items():
        props = model.model_json_schema()["properties"]
        for name in fields:
            assert model.model_fields[name + "_en"].default is None  # optional, empty
            # the same type and rules as the Ukrainian text (length, one line)
            assert _rules(props[name + "_en"]) == _rules(props[name]), (model, name)


def test_the_fixture_is_valid_with_its_english_texts(fixture_copy: Path) -> None:
    assert problems(fixture_copy) == []
    data, _ = load(fixture_copy)
    assert data.programme is not None
    assert data.programme.title_en == "Test anti-corruption programme for 2024–2025"
    assert data.measures["1.1.1.1"].title_en == "A measure implemented on time: #1"
    assert data.executors["agency"].name_en == "Test Agency"


@pytest.mark.parametrize(
    ("rel", "old", "new", "expected"),
    [
        # a control character: refused where it stands, like in the Ukrainian text
        (
            "measures/1.1.1.1.yaml",
            'title_en: "A measure implemented on time: #1"',
            'title_en: "A measure\\x1b implemented"',
            ("measures/1.1.1.1.yaml", 5, "title_en", "control-character", "error"),
        ),
        # ' #' would cut the text: the person's words are never dropped silently
        (
            "sections/1.yaml",
            "title_en: Test direction",
            "title_en: Test direction #1",
            ("sections/1.yaml", 5, "title_en", "comment", "error"),
        ),
        # over the length of a text
        (
            "sections/1.yaml",
            "title_en: Test direction",
            "title_en: " + "x" * 20001,
            ("sections/1.yaml", 5, "title_en", "string_too_long", "error"),
        ),
        # a name is one line
        (
            "executors/agency.yaml",
            "name_en: Test Agency",
            'name_en: "Test\\nAgency"',
            ("executors/agency.yaml", 4, "name_en", "string_pattern_mismatch", "error"),
        ),
        # a misspelt field is an unknown key, with the right one suggested
        (
            "sections/1.yaml",
            "title_en: Test direction",
            "titel_en: Test direction",
            ("sections/1.yaml", 5, "titel_en", "unknown-key", "error"),
        ),
        # the Ukrainian text copied: a warning
        (
            "sections/1.yaml",
            "title_en: Test direction",
            "title_en: Тестовий напрям",
            ("sections/1.yaml", 5, "title_en", "english-same", "warning"),
        ),
        # Cyrillic is no English: a warning
        (
            "executors/agency.yaml",
            "name_en: Test Agency",
            "name_en: Тестове агенство (Test)",
            ("executors/agency.yaml", 4, "name_en", "english-cyrillic", "warning"),
        ),
    ],
)
def test_bad_english_texts_are_located(
    fixture_copy: Path, rel: str, old: str, new: str, expected: tuple[Any, ...]
) -> None:
    rewrite(fixture_copy / rel, old, new)
    assert problems(fixture_copy) == [expected]


def test_bad_english_texts_are_told_in_ukrainian(fixture_copy: Path) -> None:
    rewrite(fixture_copy / "sections/1.yaml", "title_en: Test direction", "title_en: Test #1")
    rewrite(fixture_copy / "executors/agency.yaml", "name_en: Test Agency", "name_en: Агенція")
    i18n.set_language("uk")
    _, found = validate(fixture_copy, "data", dt.date(2026, 1, 1))
    shown = [str(p) for p in found]
    assert shown[0].startswith("data/executors/agency.yaml:4:")
    assert "поле name_en: name_en написано кирилицею" in shown[0]
    assert shown[1].startswith("data/sections/1.yaml:5:") and "поле title_en" in shown[1]


def test_an_amendments_english_title_goes_with_its_new_title(fixture_copy: Path) -> None:
    path = fixture_copy / "measures/1.1.1.2.yaml"
    path.write_text(
        path.read_text(encoding="utf-8")
        + "amendments:\n- date: 2024-10-01\n  act: Постанова № 1\n  note: переклад\n"
        "  title_en: A new English title\n",
        encoding="utf-8",
    )
    found = problems(fixture_copy)
    lone = ("measures/1.1.1.2.yaml", 20, "amendments[0].title_en", "english-without-title", "error")
    assert lone in found


# ---------------------------------------------------------------- versions


def _measure(**fields: Any) -> m.Measure:
    return m.Measure.model_validate(
        {
            "id": "1.1",
            "title": "Захід",
            "section": "1",
            "deadline": {"text": "2024"},
            "main_executor": {"executor": "x"},
            **fields,
        }
    )


def test_an_amended_title_takes_its_english_from_its_amendment_or_none() -> None:
    day = dt.date(2024, 6, 1)
    plain = _measure(title_en="A measure", amendments=[{"date": day, "act": "a", "title": "Нова"}])
    assert measure_as_of(plain, day - dt.timedelta(days=1)).title_en == "A measure"
    assert measure_as_of(plain, day).title_en is None  # never the old title's English
    both = _measure(
        title_en="A measure",
        amendments=[{"date": day, "act": "a", "title": "Нова", "title_en": "New"}],
    )
    assert measure_as_of(both, day).title_en == "New"
    deadline = _measure(
        title_en="A measure",
        amendments=[{"date": day, "act": "a", "deadline": {"text": "2025"}}],
    )
    assert measure_as_of(deadline, day).title_en == "A measure"


def test_an_amended_section_title_takes_its_english_from_its_amendment() -> None:
    day = dt.date(2024, 6, 1)
    section = m.Section.model_validate(
        {
            "id": "1",
            "level": "напрям",
            "title": "Напрям",
            "title_en": "Direction",
            "amendments": [{"date": day, "act": "a", "title": "Новий напрям"}],
        }
    )
    assert section_as_of(section, day).title_en is None
    assert section_as_of(section, day - dt.timedelta(days=1)).title_en == "Direction"


# ---------------------------------------------------------------- what is untranslated


def test_untranslated_counts_every_kind_of_text() -> None:
    data, _ = load(FIXTURE)
    found = untranslated(data)
    assert found.totals == {
        "programme": 2,
        "sections": 2,
        "results": 1,
        "measures": 5,
        "indicators": 2,
        "subindicators": 2,
        "executors": 2,
    }
    assert {kind: len(texts) for kind, texts in found.missing.items()} == {
        "programme": 1,  # the short title
        "sections": 1,
        "results": 1,
        "measures": 4,
        "indicators": 2,
        "subindicators": 2,
        "executors": 1,  # the short name
    }
    assert [t.english_loc for t in found.missing["programme"]] == [("short_title_en",)]
    assert list(KINDS) == list(found.totals)
    assert found.messages_missing == [] and found.messages > 40
    assert found.count() == 12


def test_data_texts_include_amended_titles() -> None:
    day = dt.date(2024, 6, 1)
    data, _ = load(FIXTURE)
    ms = _measure(amendments=[{"date": day, "act": "a", "title": "Нова", "title_en": "New"}])
    data.measures["1.1"] = ms
    data.texts = {}  # the measures as written: those above
    texts = [t for t in data_texts(data) if t.kind == "measures" and t.record == "1.1"]
    assert [(t.loc, t.english) for t in texts] == [
        (("title",), None),
        (("amendments", 0, "title"), "New"),
    ]
    assert texts[1].english_loc == ("amendments", 0, "title_en")


def test_dap_untranslated_lists_by_kind_in_ukrainian(runner, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    result = runner.invoke(
        cli, ["--lang", "uk", "untranslated", "--data", "tests/fixtures/programme/data"]
    )
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "Без англійського тексту:",
        "  програма: 1 з 2",
        "  напрями, проблеми та завдання: 1 з 2",
        "  очікувані стратегічні результати (ОСР): 1 з 1",
        "  заходи: 4 з 5",
        "  індикатори: 2 з 2",
        "  субіндикатори: 2 з 2",
        "  виконавці: 1 з 2",
        # every message of the site's catalogue (their number grows with the site)
        f"  повідомлення інтерфейсу сайту: 0 з {i18n.site_messages_without_english()[0]}",
    ]
    listed = runner.invoke(
        cli, ["--lang", "en", "untranslated", "--list", "--data", "tests/fixtures/programme/data"]
    )
    assert "  programme: 1 of 2" in listed.output
    assert "    tests/fixtures/programme/data/programme.yaml:5: short_title_en" in listed.output
    assert "    tests/fixtures/programme/data/executors/agency.yaml:5: short_name_en" in (
        listed.output
    )


def test_dap_untranslated_exits_0_when_everything_has_english(runner, tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    text = (FIXTURE / "programme.yaml").read_text(encoding="utf-8")
    text = text.replace("short_title: Тестова програма\n", "short_title: Тестова програма\n"
                        "short_title_en: Test programme\n")  # fmt: skip
    (data / "programme.yaml").write_text(text, encoding="utf-8")
    result = runner.invoke(cli, ["untranslated", "--data", str(data)])
    assert result.exit_code == 0, result.output
    assert "  programme: 0 of 2" in result.output
    assert result.output.splitlines()[-1] == "Everything has its English text."


def test_dap_untranslated_refuses_data_with_errors(runner, tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "programme.yaml").write_text("id: [\n", encoding="utf-8")
    result = runner.invoke(cli, ["untranslated", "--data", str(tmp_path / "data")])
    assert result.exit_code == 1 and "run dap validate" in result.output


# ---------------------------------------------------------------- importer and demonstration


def test_the_demonstration_has_no_english_unless_asked() -> None:
    plain = generate(Options(measures=20, executors=4, years=1, seed=2, today=dt.date(2026, 1, 1)))
    assert not [rel for rel, rec in plain.files.items() if any(k.endswith("_en") for k in rec)]
    english = generate(
        Options(measures=20, executors=4, years=1, seed=2, today=dt.date(2026, 1, 1), english=True)
    )
    assert english.files["programme.yaml"]["title_en"].startswith("State Anti-Corruption")
    keys = list(english.files["executors/nazk.yaml"])
    assert keys[keys.index("name") + 1] == "name_en"  # beside the Ukrainian field
    changed = {rel for rel in plain.files if plain.files[rel] != english.files[rel]}
    assert changed and all(
        rel.startswith(("programme", "sections/", "executors/")) for rel in changed
    )
    for rel in changed:  # the same records, only English texts added
        without = {k: v for k, v in english.files[rel].items() if not k.endswith("_en")}
        assert without == plain.files[rel]


def test_a_demonstration_with_english_is_valid(tmp_path: Path) -> None:
    from builder.demo.write import write

    write(Options(30, 30, 2, 3, today=dt.date(2026, 1, 1), english=True), tmp_path / "data")
    _, found = validate(tmp_path / "data", "data", dt.date(2026, 1, 1))
    assert [p for p in found if p.severity == "error"] == []
    data, _ = load(tmp_path / "data")
    counts = untranslated(data)
    assert counts.missing["programme"] == [] and counts.totals["executors"] == 60
    assert len(counts.missing["executors"]) == 10  # the 5 oblast administrations' names


def test_the_importer_writes_no_english(tmp_path: Path) -> None:
    from builder.importer.run import import_plan

    out = tmp_path / "imported"
    import_plan(ROOT / "tests" / "fixtures" / "import" / "plan.csv", out)
    texts = [p.read_text(encoding="utf-8") for p in out.rglob("*.yaml")]
    assert texts and not [t for t in texts if "_en:" in t]


def test_an_imported_amendment_keeps_the_english_text_and_adds_none(tmp_path: Path) -> None:
    from builder.importer.run import import_plan

    plan = ROOT / "tests" / "fixtures" / "import" / "plan.csv"
    out = tmp_path / "data"
    import_plan(plan, out)
    measure = out / "measures" / "1.1.yaml"
    title = "title: подання МІП пропозицій до проекту плану\n"
    rewrite(measure, title, title + "title_en: Proposals of the MIP to the draft plan\n")
    amended = tmp_path / "plan2.csv"
    amended.write_text(
        plan.read_text(encoding="utf-8").replace("до проекту плану", "до нового проекту плану", 1),
        encoding="utf-8",
    )
    import_plan(amended, out, amend_mode=True)
    record = m.Measure.model_validate(yaml.safe_load(measure.read_text(encoding="utf-8")))
    assert record.title_en == "Proposals of the MIP to the draft plan"  # nothing cut
    assert record.amendments[-1].title == "подання МІП пропозицій до нового проекту плану"
    assert record.amendments[-1].title_en is None  # the new title is untranslated


def test_english_texts_in_the_open_data_are_protected_like_any_text(
    fixture_copy: Path, runner, tmp_path: Path
) -> None:
    import csv

    rewrite(
        fixture_copy / "measures/1.1.1.1.yaml",
        'title_en: "A measure implemented on time: #1"',
        "title_en: '=HYPERLINK(\"http://example.com\")'",
    )
    out = tmp_path / "out"
    args = ["datasets", "--data", str(fixture_copy), "--out", str(out), "--as-of", "2025-03-31"]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    with (out / "latest" / "measures.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    header = list(rows[0])
    assert header[-2:] == ["title_en", "main_executor_name_en"]  # appended, nothing moved
    assert header[:3] == ["id", "number", "title"]
    first = next(r for r in rows if r["id"] == "1.1.1.1")
    assert first["title_en"] == '\'=HYPERLINK("http://example.com")'  # never a formula
    assert first["main_executor_name_en"] == "Test Agency"
    assert next(r for r in rows if r["id"] == "1.1.1.2")["title_en"] == ""  # empty, not Ukrainian


def test_the_english_page_check_sees_ukrainian_outside_lang_uk_only() -> None:
    from english_check import cyrillic_outside_uk

    page = (
        '<p>Measures <span lang="uk" class="dap-ua">Заходи <b>жирно</b></span></p>'
        '<script>var x = "дані";</script><div lang="uk"><p lang="en">Done</p><p>Виконано</p></div>'
        '<button aria-label="Закрити">x</button><p>Статус: <br>Done</p>'
    )
    assert cyrillic_outside_uk(page) == ["<button aria-label='Закрити'>", "Статус:"]
