"""Bad input gets a clear, located error: one test per kind of broken file."""

from __future__ import annotations

from pathlib import Path

import pytest

from builder.validate import validate

REPORT = "reports/2024-Q1/1.1.1.1.2.yaml"


def problems_for(
    data: Path, rel: str, content: bytes | str
) -> list[tuple[str, int, int, str, str]]:
    """Write `content` into data/rel and return the located problems of that file."""
    target = data / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    _, problems = validate(data, "data")
    return [(p.file, p.line, p.col, p.field, p.code) for p in problems if p.file == f"data/{rel}"]


def test_demo_data_is_valid(demo_data: Path) -> None:
    _, problems = validate(demo_data, "data")
    assert [str(p) for p in problems] == []


def test_malformed_yaml(data_copy: Path) -> None:
    text = "measure: 1.1.1.1.2\nperiod: [2024-Q1\nkind: x\n"
    found = problems_for(data_copy, REPORT, text)
    assert len(found) == 1 and found[0][4] == "yaml" and found[0][1] in (2, 3)


def test_tab_in_indentation(data_copy: Path) -> None:
    text = "measure: 1.1.1.1.2\nevidence:\n\t- title: x\n"
    (data_copy / REPORT).write_text(text, encoding="utf-8")
    _, problems = validate(data_copy, "data")
    mine = [p for p in problems if p.file.endswith(REPORT)]
    assert [(p.line, p.code) for p in mine] == [(3, "yaml")]
    assert "tab" in mine[0].message and "spaces" in mine[0].hint


def test_duplicate_keys_are_refused(data_copy: Path) -> None:
    original = (data_copy / REPORT).read_text(encoding="utf-8")
    found = problems_for(data_copy, REPORT, original + "kind: про результат виконання\n")
    assert found == [(f"data/{REPORT}", original.count("\n") + 1, 1, "kind", "duplicate-key")]


def test_unknown_key_with_suggestion(data_copy: Path) -> None:
    original = (data_copy / REPORT).read_text(encoding="utf-8")
    text = original.replace("approved_by:", "aproved_by:")
    line = next(i for i, row in enumerate(text.splitlines(), 1) if row.startswith("aproved_by"))
    (data_copy / REPORT).write_text(text, encoding="utf-8")
    _, problems = validate(data_copy, "data")
    mine = [p for p in problems if p.file.endswith(REPORT)]
    assert sorted((p.line, p.col, p.field, p.code) for p in mine) == [
        (2, 1, "approved_by", "missing"),
        (line, 1, "aproved_by", "unknown-key"),
    ]
    unknown = next(p for p in mine if p.code == "unknown-key")
    assert "did you mean 'approved_by'" in unknown.how()


def test_unknown_key_of_another_record_is_not_suggested_as_itself(data_copy: Path) -> None:
    rel = "results/1.1.2.1.yaml"  # an ОСР's amendment has no 'text'; a measure's has
    text = (data_copy / rel).read_text(encoding="utf-8")
    first = next(row for row in text.splitlines() if row.lstrip().startswith("- date:"))
    indent = " " * (len(first) - len(first.lstrip()) + 2)
    text = text.replace(first, f"{first}\n{indent}text: нове формулювання", 1)
    (data_copy / rel).write_text(text, encoding="utf-8")
    _, problems = validate(data_copy, "data")
    unknown = [p for p in problems if p.file.endswith(rel) and p.code == "unknown-key"]
    assert [p.field for p in unknown] == ["amendments[0].text"]
    assert "did you mean 'text'" not in unknown[0].how()


def test_wrong_type(data_copy: Path) -> None:
    rel = "results/1.1.1.2.yaml"
    text = (data_copy / rel).read_text(encoding="utf-8").replace("weight: 100", "weight: багато")
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "weight: багато" in row)
    found = problems_for(data_copy, rel, text)
    assert found == [(f"data/{rel}", line, 11, "indicators[0].weight", "float_parsing")]


def test_impossible_date(data_copy: Path) -> None:
    text = (
        (data_copy / REPORT)
        .read_text(encoding="utf-8")
        .replace("approved_on: 2024-04-08", "approved_on: 2024-02-30")
    )
    line = next(i for i, row in enumerate(text.splitlines(), 1) if row.startswith("approved_on"))
    found = problems_for(data_copy, REPORT, text)
    assert [(f, li, fld) for f, li, _, fld, _ in found] == [(f"data/{REPORT}", line, "approved_on")]


def test_empty_file(data_copy: Path) -> None:
    assert problems_for(data_copy, REPORT, "") == [(f"data/{REPORT}", 1, 1, "", "empty")]
    assert problems_for(data_copy, REPORT, "# only a comment\n") == [
        (f"data/{REPORT}", 1, 1, "", "empty")
    ]


def test_not_utf8(data_copy: Path) -> None:
    content = "measure: 1.1.1.1.2\ntext: Звіт\n".encode("cp1251")
    assert problems_for(data_copy, REPORT, content) == [(f"data/{REPORT}", 2, 7, "", "encoding")]


def test_utf8_bom_is_fine(data_copy: Path) -> None:
    original = (data_copy / REPORT).read_bytes()
    assert problems_for(data_copy, REPORT, b"\xef\xbb\xbf" + original) == []


def test_file_over_one_mebibyte(data_copy: Path) -> None:
    text = "text: " + "а" * (600 * 1024) + "\n"
    assert problems_for(data_copy, REPORT, text) == [(f"data/{REPORT}", 0, 0, "", "too-large")]


def test_alias_bomb_is_refused(data_copy: Path) -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
        for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    )
    found = problems_for(data_copy, REPORT, bomb)
    assert found == [(f"data/{REPORT}", 2, 8, "b[0]", "alias")]


def test_yaml_tags_are_refused(data_copy: Path) -> None:
    found = problems_for(data_copy, REPORT, "measure: !!python/object:os.system x\n")
    assert found == [(f"data/{REPORT}", 1, 10, "measure", "tag")]


@pytest.mark.parametrize("bad_id", ["1.1/2", "../x", "1..2", "with space"])
def test_bad_ids(data_copy: Path, bad_id: str) -> None:
    rel = "sections/1.1.yaml"
    text = (data_copy / rel).read_text(encoding="utf-8").replace("id: '1.1'", f"id: '{bad_id}'")
    found = problems_for(data_copy, rel, text)
    assert [(fld, code) for _, _, _, fld, code in found] == [("id", "string_pattern_mismatch")]


def test_file_outside_layout(data_copy: Path) -> None:
    found = problems_for(data_copy, "reports/notes.yaml", "a: b\n")
    assert found == [("data/reports/notes.yaml", 0, 0, "", "layout")]


def test_yml_extension_gets_a_hint(data_copy: Path) -> None:
    (data_copy / "sections/9.yml").write_text("id: '9'\n", encoding="utf-8")
    _, problems = validate(data_copy, "data")
    assert [p.hint for p in problems if p.file == "data/sections/9.yml"] == ["rename it to .yaml"]


def test_missing_data_folder(tmp_path: Path) -> None:
    _, problems = validate(tmp_path / "nope", "nope")
    assert [(p.file, p.code) for p in problems] == [("nope", "no-data")]


@pytest.mark.parametrize(
    "rel",
    [
        "programme.yaml",
        "staff.yaml",
        "other.yaml",
        "reports/2024-Q1/1.1.1.4.2.yaml",
        "reports/2024-Q1/1.1.1.4.2@2.yaml",
        "reports/2024-Q1/deeper/1.yaml",
        "reports/1.1.1.4.2.yaml",
        "measures/1.1.1.4.2.yaml",
        "measures/group/1.yaml",
        "measures/1.yml",
        "measures/README.md",
        "evaluations/2024/1.1.1.4.yaml",
        "unknown/1.yaml",
        "a/b/c/d.yaml",
    ],
)
def test_the_kind_of_a_path_asked_once_per_folder_is_kind_ofs(rel: str) -> None:
    """`load.layout_kind` (by folder, issue 22) says what `datafile.kind_of` says."""
    from builder.datafile import kind_of
    from builder.load import layout_kind

    for path in (rel, rel.replace(".yaml", "-again.yaml")):  # the folder's second file too
        assert layout_kind(path) == kind_of(path)
