"""The site's search: the Ukrainian stemmer (Python and the browser's copy agree), the entries
made from the data, and the Pagefind index (the same bytes for the same data)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import quote

import pytest

from builder.compute import history_snapshots
from builder.load import load
from builder.site.context import prepare
from builder.site.measures import report_anchor
from builder.site.search import (
    STEM_RULES,
    Entry,
    rules_json,
    search_entries,
    searched,
    stem,
    stem_forms,
    stems,
    words,
    write_index,
)
from builder.wording import uk_plural

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "programme" / "data"
SCRIPT = ROOT / "site" / "pages" / "assets" / "dap-search.js"

# Forms of one word each: every form's query stem must find every other form.
WORD_FORMS = [
    "закупівля закупівлі закупівель закупівлями закупівлю закупівлею закупівлях",
    "звіт звіту звіти звітів звітами звітах звітом",
    "захід заходу заходи заходів заходами заходах",
    "корупція корупції корупцію корупцією",
    "декларація декларації декларацій деклараціями",
    "виконавець виконавця виконавці виконавців виконавцями виконавцю",
    "рішення рішень рішенням рішеннями",
    "рік року роки років",
    "діяльність діяльності діяльністю",
    "програма програми програм програмою програмами",
    "проблема проблеми проблем проблемами",
    "зв'язок зв’язку зв'язки",
    "орган органу органи органів органами",
    "публічний публічна публічні публічних",
    "закон закону закони законів законом",
    "особа особи осіб особам особами",
    "перевірка перевірки перевірок перевіркою перевірками",
    "суддя судді суддів суддями",
    "антикорупційний антикорупційна антикорупційного антикорупційної антикорупційних",
]


def finds(query: str, word: str) -> bool:
    """Whether a query word finds a word of the data: its stem a prefix of one of the word's."""
    return any(form.startswith(stem(query)) for form in stem_forms(word))


@pytest.mark.parametrize("forms", WORD_FORMS, ids=lambda f: f.split()[0])
def test_every_form_finds_every_other(forms: str) -> None:
    for query in forms.split():
        for word in forms.split():
            assert finds(query, word), (query, word, stem(query), stem_forms(word))


def test_purchases_in_the_issue_give_one_stem() -> None:
    assert stem("закупівлі") == stem("закупівель") == stem("закупівлями") == "закупівл"


def test_different_words_stay_apart() -> None:
    assert not finds("звіт", "закон")
    assert not finds("закупівля", "заходи")
    assert not finds("суд", "справа")


def test_stop_words_are_not_indexed() -> None:
    assert stems("Звіт про виконання та закупівлі") == stems("звіт виконання закупівлі")
    assert not searched("Про") and searched("проєкт")


def test_numbers_stay_one_word() -> None:
    assert words("захід 1.2.3, 2024 рік") == ["захід", "1.2.3", "2024", "рік"]
    assert stem("1.2.3") == "1_2_3"
    assert stems("Захід 1.2.3") == "захд 1_2_3"


# ---------------------------------------------------------------- the browser's copy


def js_rules() -> dict[str, object]:
    block = re.search(
        r"/\* stem-rules:.*?\*/\n\s*var STEM_RULES = (.*);\n\s*/\* /stem-rules \*/",
        SCRIPT.read_text(encoding="utf-8"),
    )
    assert block, "dap-search.js has lost its stem-rules block"
    return json.loads(block.group(1))  # type: ignore[no-any-return]


def test_the_script_carries_this_table() -> None:
    """The browser stems queries by the same table (regenerate: rules_json())."""
    assert js_rules() == json.loads(rules_json())
    assert js_rules()["endings"] == STEM_RULES["endings"]  # the order matters: longest first


NODE_RUNNER = """
const fs = require("fs"), vm = require("vm");
const context = { window: {}, document: { readyState: "loading", addEventListener() {} } };
context.window.Intl = Intl;
vm.createContext(context);
vm.runInContext(fs.readFileSync(process.argv[2], "utf8"), context);
const api = context.window.DAP_SEARCH_STEM;
const input = JSON.parse(fs.readFileSync(0, "utf8"));
const out = {
  words: input.texts.map((t) => api.words(t)),
  searched: input.words.map((w) => api.searched(w)),
  stems: input.words.map((w) => [api.stem(w), api.stemForms(w)]),
  plural: input.numbers.map((n) => api.plural(n, "one", "few", "many")),
};
process.stdout.write(JSON.stringify(out));
"""


def word_list() -> list[str]:
    """Every word of the shipped demonstration data's titles and reports, and the forms above."""
    found: set[str] = set(" ".join(WORD_FORMS).split())
    for kind in ("reports", "measures", "sections", "results"):
        for path in sorted((ROOT / "data" / kind).rglob("*.yaml")):
            found.update(words(path.read_text(encoding="utf-8")))
    return sorted(found)


def test_python_and_the_browser_give_the_same_stems(tmp_path: Path) -> None:
    node = shutil.which("node") or shutil.which("nodejs")
    if node is None:
        pytest.fail("Node.js is needed to run the browser's stemmer (tests/run.sh installs it)")
    texts = [
        "Закупівлі, закупівель; «закупівлями» — зв'язок ЗВ’ЯЗКУ 1.2.3.4 and Latin words.",
        (ROOT / "data" / "programme.yaml").read_text(encoding="utf-8"),
    ]
    vocabulary = word_list()
    assert len(vocabulary) > 500
    numbers = list(range(0, 130)) + [1001, 1011, 1021, 1111, 12345]
    script = tmp_path / "run.js"
    script.write_text(NODE_RUNNER, encoding="utf-8")
    done = subprocess.run(
        [node, str(script), str(SCRIPT)],
        input=json.dumps({"texts": texts, "words": vocabulary, "numbers": numbers}),
        capture_output=True,
        text=True,
        check=True,
    )
    browser = json.loads(done.stdout)
    assert browser["words"] == [words(t) for t in texts]
    assert browser["searched"] == [searched(w) for w in vocabulary]
    python = [[stem(w), stem_forms(w)] for w in vocabulary]
    differ = [
        (w, p, b) for w, p, b in zip(vocabulary, python, browser["stems"], strict=True) if p != b
    ]
    assert differ == []
    assert browser["plural"] == [uk_plural(n, "one", "few", "many") for n in numbers]


# ---------------------------------------------------------------- entries and the index


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    data, _ = load(FIXTURE, "data")
    day = dt.date(2025, 12, 31)
    return search_entries(prepare(data, history_snapshots(data, None, day, day)))


def test_entries_cover_every_record_and_report(entries: list[Entry]) -> None:
    data, _ = load(FIXTURE, "data")
    urls = {e.url for e in entries}
    for mid in data.measures:
        assert f"measures/{mid}.html" in urls
    by_url = {e.url: e for e in entries}
    for key, report in data.reports.items():
        entry = by_url[f"measures/{report.measure}.html"]
        found = [r for r in entry.reports if r[0] == quote(report_anchor(key))]
        assert len(found) == 1
        assert found[0][2] == " ".join(report.text.split())  # the text as written, not stems
        assert set(stems(report.text).split()) <= set(entry.content().split())
        rel, written = entry.reports_file() or ("", b"")
        assert entry.meta()["reports"] in rel  # the result names its reports' file
        assert json.loads(written)[entry.reports.index(found[0])] == list(found[0])
    for rid in data.results:
        assert f"results/{rid}.html" in urls
    for eid in data.executors:
        assert f"executors/{eid}.html" in urls
    assert {e.kind for e in entries} >= {"Захід", "ОСР", "Виконавець", "Напрям"}


def test_report_anchor_is_the_measure_page_id() -> None:
    """The anchor a result links to is the id the measure page gives the report's block."""
    template = (ROOT / "builder" / "site" / "templates" / "measure.md.jinja").read_text(
        encoding="utf-8"
    )
    assert "{% set anchor = report_anchor(k) %}" in template
    assert report_anchor("2024-Q1/1.2.3") == "звіт-2024-q1"
    assert report_anchor("2024-Q1/1.2.3@2") == "звіт-2024-q1-2"


def test_the_index_is_the_same_for_the_same_data(entries: list[Entry], tmp_path: Path) -> None:
    write_index(entries, tmp_path / "a")
    write_index(list(entries), tmp_path / "b")
    files_a = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*"))
    files_b = sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*"))
    assert files_a == files_b
    for rel in files_a:
        if (tmp_path / "a" / rel).is_file():
            assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes()
    names = {p.name for p in (tmp_path / "a" / "pagefind").iterdir()}
    assert {"pagefind.js", "pagefind-entry.json", "wasm.unknown.pagefind"} <= names
    assert not any(n.startswith("pagefind-ui") for n in names)  # our interface, not Pagefind's
    entry = json.loads((tmp_path / "a" / "pagefind" / "pagefind-entry.json").read_text())
    assert list(entry["languages"]) == ["uk"]


def test_a_rebuild_carries_the_index_over_only_when_it_is_intact(
    entries: list[Entry], tmp_path: Path
) -> None:
    """The same entries: the previous index is copied, byte for byte what Pagefind makes; a
    changed entry, an edited, missing or linked file, or a foreign manifest: made anew."""
    assert write_index(entries, tmp_path / "clean") is False
    clean = tmp_path / "clean" / "pagefind"
    manifest = json.loads((clean / "dap-index.json").read_text())
    assert manifest["files"] and all(not rel.startswith("/") for rel in manifest["files"])

    def tree(root: Path) -> dict[str, bytes]:
        return {
            p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()
        }

    assert write_index(entries, tmp_path / "again", previous=clean) is True
    assert tree(tmp_path / "again" / "pagefind") == tree(clean)

    changed = [*entries[:-1], dataclasses.replace(entries[-1], title=entries[-1].title + " нове")]
    assert write_index(changed, tmp_path / "changed", previous=clean) is False

    fragment = next(rel for rel in manifest["files"] if rel.startswith("fragment/"))
    carried = (tmp_path / "again" / "pagefind" / fragment).stat()
    assert carried.st_ino == (clean / fragment).stat().st_ino  # linked, not written again
    spoiled = tmp_path / "spoiled"
    shutil.copytree(clean, spoiled)
    (spoiled / fragment).write_bytes(b"planted")
    assert write_index(entries, tmp_path / "after-edit", previous=spoiled) is False
    assert tree(tmp_path / "after-edit" / "pagefind") == tree(clean)
    (spoiled / fragment).unlink()
    assert write_index(entries, tmp_path / "after-loss", previous=spoiled) is False
    (spoiled / fragment).symlink_to(clean / fragment)
    assert write_index(entries, tmp_path / "after-link", previous=spoiled) is False
    (spoiled / "dap-index.json").write_text("{not json")
    assert write_index(entries, tmp_path / "after-junk", previous=spoiled) is False


def test_reports_texts_are_files_of_their_own_carried_over_when_unchanged(
    entries: list[Entry], tmp_path: Path
) -> None:
    """Issue 22: a measure's reports are not in Pagefind's record (they cost 40 % of its
    time) but in pagefind/reports/, one file per measure named by its JSON's digest; a rebuild
    after one report changed links every other measure's file and writes that one; a file
    edited since is written anew, never linked."""
    import gzip

    write_index(entries, tmp_path / "clean")
    clean = tmp_path / "clean" / "pagefind"
    reported = [e for e in entries if e.reports]
    assert reported
    for entry in reported:
        rel, data = entry.reports_file() or ("", b"")
        assert rel.startswith("reports/") and rel.endswith(".dap_reports")
        assert gzip.decompress((clean / rel).read_bytes()) == data
        assert json.loads(data) == [list(r) for r in entry.reports]
        assert re.fullmatch("[0-9a-f]{32}", entry.meta()["reports"])  # a name, not the texts
    listed = json.loads((clean / "dap-index.json").read_text())["files"]
    assert {rel for rel in listed if rel.startswith("reports/")} == {
        (e.reports_file() or ("", b""))[0] for e in reported
    }

    one = reported[0]
    anchor, heading, text = one.reports[0]
    edited = dataclasses.replace(one, reports=((anchor, heading, text + " нове"), *one.reports[1:]))
    changed = [edited if e is one else e for e in entries]
    assert write_index(changed, tmp_path / "rebuilt", previous=clean) is False
    rebuilt = tmp_path / "rebuilt" / "pagefind"
    for entry in reported[1:]:
        rel = (entry.reports_file() or ("", b""))[0]
        assert (rebuilt / rel).stat().st_ino == (clean / rel).stat().st_ino  # linked
    old, new = (one.reports_file() or ("", b""))[0], (edited.reports_file() or ("", b""))[0]
    assert old != new and not (rebuilt / old).exists()
    write_index(changed, tmp_path / "fresh")
    fresh = tmp_path / "fresh" / "pagefind"

    def tree(root: Path) -> dict[str, bytes]:
        return {
            p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()
        }

    assert tree(rebuilt) == tree(fresh)  # a rebuild equals a clean build, file by file

    spoiled = tmp_path / "spoiled"
    shutil.copytree(clean, spoiled)
    victim = (reported[1].reports_file() or ("", b""))[0]
    (spoiled / victim).write_bytes(gzip.compress(b'[["x","planted","planted"]]'))
    write_index(changed, tmp_path / "after-edit", previous=spoiled)
    after = tmp_path / "after-edit" / "pagefind"
    assert (after / victim).stat().st_ino != (spoiled / victim).stat().st_ino
    assert tree(after) == tree(fresh)
