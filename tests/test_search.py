"""The site's search: the Ukrainian stemmer (Python and the browser's copy agree), the entries
made from the data, and the Pagefind index (the same bytes for the same data)."""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import gzip
import itertools
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import pytest

from builder.compute import history_snapshots
from builder.load import load
from builder.site.context import prepare
from builder.site.daily import DAILY_FILE, daily_index
from builder.site.measures import report_anchor
from builder.site.search.chunks import MARK, chunk_starts, chunks_file, needed
from builder.site.search.entries import Entry, search_entries
from builder.site.search.index import WORDS_FILE, MainIndex, index_key, write_index
from builder.site.search.stems import (
    STEM_RULES,
    rules_json,
    searched,
    stem,
    stem_forms,
    stems,
    unextended,
    words,
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


def test_unextended_drops_only_the_stems_another_extends() -> None:
    found = ["закупівл", "звітн", "закупівлі", "звіт", "1_2", "1_2_3", "суд", "суддя", "уд"]
    assert unextended(found) == ["звітн", "закупівлі", "1_2_3", "суддя", "уд"]
    assert unextended([]) == [] and unextended(["звіт"]) == ["звіт"]


def test_every_records_stems_find_its_words_query_stems(
    entries: list[Entry], daily_entries: list[Entry]
) -> None:
    """Both indexes hold a record's stems that no other of them extends (`unextended`, issue
    22, twelfth session: Pagefind's records 32 % smaller): every word's query stem (`stem`,
    its shortest) begins one of them, so a query finds the record by prefix — in Pagefind,
    in whichever chunk of its words the extension falls (`dap-search.js` has every such
    chunk loaded: `chunks.py`, `tests/test_browser_chunks.py`)."""
    assert any(e.daily for e in daily_entries)
    for entry in entries + daily_entries:
        text = "\n".join([entry.title, entry.text, *(r[2] for r in entry.reports)])
        daily = "\n".join(r[2] for r in entry.daily)
        for held, source in ((entry.content(), text), (entry.daily_content(), daily)):
            every = stems(source).split()
            kept = held.split()
            assert kept == unextended(every) and set(kept) <= set(every)
            assert all(any(k.startswith(s) for k in kept) for s in every)
            queried = {stem(w) for w in words(source) if searched(w)}
            assert all(any(k.startswith(q) for k in kept) for q in queried)


def test_numbers_stay_one_word() -> None:
    assert words("захід 1.2.3, 2024 рік") == ["захід", "1.2.3", "2024", "рік"]
    assert stem("1.2.3") == "1_2_3"
    assert stems("Захід 1.2.3") == "захд 1_2_3"


def _pagefind_starts(chunks: list[list[str]]) -> list[str]:
    """Each chunk's first word as Pagefind 1.5.2 trims it (`chunk_meta`): to one letter more
    than it shares with the last word of the chunk before."""
    starts = [chunks[0][0]]
    for before, chunk in itertools.pairwise(chunks):
        same = len(os.path.commonprefix([before[-1], chunk[0]]))
        starts.append(chunk[0][: same + 1])
    return starts


def test_the_chunks_a_stem_needs_are_every_chunk_with_a_word_it_begins() -> None:
    """`chunks.needed` (dap-search.js's `chunkStarts` does the same): for any prefix, every
    chunk that holds a word the prefix begins, and no chunk whose range cannot hold one."""
    vocabulary = sorted({s for t in WORD_FORMS for w in t.split() for s in stem_forms(w)})
    vocabulary += ["громад", "громада", "громадськ", "громадське", "громадськості", "гро"]
    vocabulary = sorted(set(vocabulary))
    for size in (1, 2, 3, 5):
        chunks = [vocabulary[i : i + size] for i in range(0, len(vocabulary), size)]
        starts = _pagefind_starts(chunks)
        assert starts == sorted(starts)
        prefixes = {w[:n] for w in vocabulary for n in range(1, len(w) + 1)} | {"а", "я", "ґ"}
        for prefix in prefixes:
            holding = [i for i, c in enumerate(chunks) if any(w.startswith(prefix) for w in c)]
            got = needed(starts, prefix)
            assert set(holding) <= set(got), (size, prefix)
            # more only where the range [start, next start) could hold such a word
            assert len(got) <= len(holding) + 1, (size, prefix)


def test_chunk_starts_are_read_from_pagefinds_metadata(tmp_path: Path) -> None:
    """The metadata's CBOR: what Pagefind 1.5.2 writes (an array: version, pages, chunks as
    [from, to, hash], filters, sorts, meta fields); anything else is an error."""

    def cbor(value: object) -> bytes:
        def head(major: int, n: int) -> bytes:
            if n < 24:
                return bytes([major << 5 | n])
            return bytes([major << 5 | 25]) + n.to_bytes(2, "big")

        if isinstance(value, int):
            return head(0, value)
        if isinstance(value, str):
            raw = value.encode()
            return head(3, len(raw)) + raw
        assert isinstance(value, list)
        return head(4, len(value)) + b"".join(cbor(v) for v in value)

    chunks = [["1_1", "аг", "uk_1"], ["ад", "громадськг", "uk_2"], ["громадське", "я", "uk_3"]]
    meta = ["1.5.2", [["uk_a", 300]], chunks, [], [], ["kind", "title"]]
    data = gzip.compress(MARK + cbor(meta))
    assert chunk_starts(data) == ["1_1", "ад", "громадське"]
    assert json.loads(gzip.decompress(chunks_file(data))) == ["1_1", "ад", "громадське"]
    for spoiled in (
        gzip.compress(cbor(meta)),  # no mark
        gzip.compress(MARK + cbor(meta) + b"\x00"),  # bytes after
        gzip.compress(MARK + cbor(["1.5.2", []])),  # no chunks
        gzip.compress(MARK + cbor([*meta[:2], [chunks[1], chunks[0]], *meta[3:]])),
        gzip.compress(MARK + cbor(meta)[:-3]),  # cut short
        gzip.compress(MARK + b"\xff"),  # not an item Pagefind writes
    ):
        with pytest.raises(ValueError):
            chunk_starts(spoiled)


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
        held = entry.content().split()  # every stem of the report begins one the entry holds
        assert all(any(h.startswith(s) for h in held) for s in stems(report.text).split())
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


def test_records_stemmed_while_pagefind_adds_the_batch_before_give_the_same_index(
    entries: list[Entry], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 22: a batch of records is stemmed while Pagefind adds the one before, and the
    reports' files are written while it builds the index; in batches of 2 (many in flight
    one after another) the files are those of one batch, byte for byte."""
    from builder.site.search import index

    write_index(entries, tmp_path / "one")
    monkeypatch.setattr(index, "RECORDS_AT_ONCE", 2)
    write_index(entries, tmp_path / "many")

    def files(root: Path) -> dict[str, bytes]:
        return {
            p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()
        }

    assert len(entries) > 2 * 3
    assert files(tmp_path / "many") == files(tmp_path / "one")


def test_the_first_records_go_to_pagefind_in_small_batches(
    entries: list[Entry], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 22, fifteenth session: Pagefind starts adding a small first batch while the
    next one, twice as large, is stemmed, and so on up to `RECORDS_AT_ONCE`; the same
    files as in one batch."""
    from builder.site.search import index, service

    write_index(entries, tmp_path / "one")
    monkeypatch.setattr(index, "RECORDS_AT_ONCE", 3)
    monkeypatch.setattr(index, "RECORDS_FIRST", 1, raising=False)
    sizes: list[int] = []
    send = service.PagefindService.send

    def counted(self: service.PagefindService, payloads: list[dict[str, Any]]) -> range:
        if payloads and payloads[0]["type"] == "AddRecord":
            sizes.append(len(payloads))
        return send(self, payloads)

    monkeypatch.setattr(service.PagefindService, "send", counted)
    write_index(entries, tmp_path / "ramp")
    assert len(entries) > 1 + 2 + 3
    assert sizes[:4] == [1, 2, 3, 3] and sum(sizes) == len(entries)

    def files(root: Path) -> dict[str, bytes]:
        return {
            p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()
        }

    assert files(tmp_path / "ramp") == files(tmp_path / "one")


def log_pagefind_files(monkeypatch: pytest.MonkeyPatch, events: list[str]) -> None:
    """`events` gets "pagefind's files" when Pagefind's answer with the index's files comes."""
    from builder.site.search import service

    answers = service.PagefindService.answers

    def logged(self: service.PagefindService, numbers: range) -> list[dict[str, Any]]:
        out = answers(self, numbers)
        if len(out) == 1 and "files" in out[0]:
            events.append("pagefind's files")
        return out

    monkeypatch.setattr(service.PagefindService, "answers", logged)


def test_the_daily_index_is_made_while_pagefind_builds_its_index(
    entries: list[Entry], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 22, fifteenth session: the daily index's reports' files and all of it but
    Pagefind's page hashes are made before Pagefind's answer (its index's files), not after
    it on the search stage's critical path; its file is the one made after the answer."""
    from builder.site import daily

    events: list[str] = []
    part = daily.daily_part

    def early(*args: Any, **kwargs: Any) -> daily.DailyPart:
        events.append("daily")
        return part(*args, **kwargs)

    monkeypatch.setattr(daily, "daily_part", early)
    log_pagefind_files(monkeypatch, events)
    write_index(entries, tmp_path / "a")
    assert events == ["daily", "pagefind's files"]
    manifest = json.loads((tmp_path / "a" / "pagefind" / "dap-index.json").read_text())
    main = MainIndex(manifest["files"], manifest["pages"], [])
    words = gzip.decompress((tmp_path / "a" / "pagefind" / WORDS_FILE).read_bytes())
    main.words = words.decode().split("\n")
    written = gzip.decompress((tmp_path / "a" / "pagefind" / DAILY_FILE).read_bytes())
    assert written == daily_index(entries, main)


def test_a_new_index_is_keyed_while_pagefind_builds_it(
    entries: list[Entry], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 22, sixteenth session: where no index can be carried over (no previous site of
    dap's), the search stage's indexes are not keyed when they are set up (in a clean build,
    the site's process between the pages and MkDocs, on one core) but while Pagefind builds
    the index, after the records are sent; the manifest names the same key. With a previous
    index, the key is made at once (it decides whether the index is carried over)."""
    from builder.site import indexes
    from builder.site.search import index as search_index

    events: list[str] = []
    keyed = search_index.index_key

    def key(these: list[Entry]) -> str:
        events.append("key")
        return keyed(these)

    monkeypatch.setattr(search_index, "index_key", key)
    monkeypatch.setattr(indexes, "index_key", key)
    log_pagefind_files(monkeypatch, events)
    stage = indexes.SearchIndexes(tmp_path / "public", tmp_path / "folder", False, entries, [])
    assert events == [] and stage.keys == [None, None]
    write_index(entries, tmp_path / "a")
    assert events == ["key", "pagefind's files"]
    manifest = json.loads((tmp_path / "a" / "pagefind" / "dap-index.json").read_text())
    assert manifest["key"] == keyed(entries)
    events.clear()
    stage = indexes.SearchIndexes(tmp_path / "a", tmp_path / "folder", True, entries, [])
    assert events == ["key", "key"] and stage.keys == [keyed(entries), keyed([])]


def test_the_service_answers_requests_read_in_any_order() -> None:
    """`PagefindService.send` returns at once; `answers` waits for the answers of those
    requests, keeping any others it reads on the way for their own turn."""
    from pagefind.service import get_executable

    from builder.site.search.service import PagefindService

    binary = get_executable()
    assert binary is not None
    with PagefindService(binary) as service:
        first = service.send([{"type": "NewIndex", "config": None}] * 3)
        second = service.send([{"type": "NewIndex", "config": None}] * 2)
        assert [a["index_id"] for a in service.answers(second)] == [3, 4]
        assert [a["index_id"] for a in service.answers(first)] == [0, 1, 2]
        assert service.answered == {}
        with pytest.raises(ValueError, match="index"):
            service.ask([{"type": "GetFiles", "index_id": 99}])


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
    # a manifest without each entry's page, or without the stems' file (the daily index
    # needs both): made anew
    for lost in ("pages", WORDS_FILE):
        shutil.rmtree(spoiled)
        shutil.copytree(clean, spoiled)
        partial = json.loads((spoiled / "dap-index.json").read_text())
        partial.pop(lost, None)
        partial["files"].pop(lost, None)
        (spoiled / "dap-index.json").write_text(json.dumps(partial))
        assert write_index(entries, tmp_path / f"without-{lost}", previous=spoiled) is False


def test_a_rebuild_checks_the_files_as_recorded_and_reads_only_what_changed(
    entries: list[Entry], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 22, ninth session: the files of the served index are recorded (size, time,
    inode, digest) in the build cache, not in the site; a rebuild trusts a file as recorded
    without reading it, reads one that is not (edited in place, replaced, racy) by its digest,
    and never carries over a changed one."""
    from builder.site.search import entries as made
    from builder.site.search import index
    from builder.site.search import seen as saw

    monkeypatch.setattr(saw, "SEEN_RACY_NS", 0)  # no wait for the racy window
    home = tmp_path / "site" / "pagefind"
    write_index(entries, tmp_path / "site", None, home=home)
    manifest = json.loads((home / "dap-index.json").read_text())
    listed = {**manifest["files"], **manifest["daily"]}
    seen = saw.Seen(home)
    assert seen.path is not None and not str(seen.path).startswith(str(tmp_path / "site"))
    assert set(seen.before) == set(listed)  # every file, as written
    read: list[int] = []
    digest = made._digest

    def counted(data: bytes) -> str:
        read.append(len(data))
        return digest(data)

    for module in (made, index, saw):  # each reads the digest function where it is defined
        monkeypatch.setattr(module, "_digest", counted)
    assert write_index(entries, tmp_path / "again", home, home=home) is True
    assert len(read) <= 3  # the stems' file, the previous daily index (read) and the new one

    def files(root: Path) -> dict[str, bytes]:
        return {
            p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()
        }

    clean = files(home)
    assert files(tmp_path / "again" / "pagefind") == clean
    # a fragment edited in place, its size kept: its time differs from the record's, so it is
    # read, found changed and the index made anew, as a clean one
    fragment = home / next(rel for rel in listed if rel.startswith("fragment/"))
    spoiled = bytearray(fragment.read_bytes())
    spoiled[-1] ^= 1
    fragment.write_bytes(bytes(spoiled))
    read.clear()
    assert write_index(entries, tmp_path / "after-edit", home, home=home) is False
    assert files(tmp_path / "after-edit" / "pagefind") == clean
    # a record not sealed by this user's dap is not read: every file is read instead
    shutil.rmtree(home.parent)
    shutil.copytree(tmp_path / "after-edit", home.parent)
    assert seen.path is not None
    seen.path.write_text(json.dumps({"body": json.dumps({"files": {}}), "seal": "00" * 32}))
    read.clear()
    assert write_index(entries, tmp_path / "forged", home, home=home) is True
    assert len(read) > len(listed) // 2


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


# ---------------------------------------------------------------- the daily index (issue 22)

DAILY_DAY = dt.date(2024, 10, 20)  # the fixture's 2024-Q3 reports are being reported on


@pytest.fixture(scope="module")
def daily_entries() -> list[Entry]:
    data, _ = load(FIXTURE, "data")
    return search_entries(prepare(data, history_snapshots(data, None, DAILY_DAY, DAILY_DAY)))


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def read_daily(index: Path) -> dict[str, Any]:
    return json.loads(gzip.decompress((index / DAILY_FILE).read_bytes()))  # type: ignore[no-any-return]


def daily_pages(held: str | list[int], count: int) -> list[int]:
    """A stem's page numbers from the daily index (differences or a base64 bitmap)."""
    if isinstance(held, list):
        return list(itertools.accumulate(held))
    bits = base64.b64decode(held)
    return [n for n in range(count) if bits[n // 8] >> (n % 8) & 1]


def test_the_reports_being_reported_on_are_daily_and_not_in_pagefind(
    daily_entries: list[Entry],
) -> None:
    data, _ = load(FIXTURE, "data")
    newest = "2024-Q3"  # reporting_cycle as of 20.10.2024
    with_daily = [e for e in daily_entries if e.daily]
    assert with_daily and len(with_daily) < len([e for e in daily_entries if e.reports])
    for entry in daily_entries:
        assert all("2024-q3" in unquote(r[0]) for r in entry.daily)
        assert not any("2024-q3" in unquote(r[0]) for r in entry.reports)
    for key, report in data.reports.items():
        entry = next(e for e in daily_entries if e.url == f"measures/{report.measure}.html")
        held = entry.daily if report.period >= newest else entry.reports
        assert [r for r in held if r[0] == quote(report_anchor(key))]
    # the daily texts are not in Pagefind's records, and they do not change its key
    entry = with_daily[0]
    only = set(entry.daily_content().split()) - set(entry.content().split())
    assert only
    edited = dataclasses.replace(entry, daily=((*entry.daily[0][:2], "нове слово"),))
    swapped = [edited if e is entry else e for e in daily_entries]
    assert index_key(swapped) == index_key(daily_entries)
    older = dataclasses.replace(entry, reports=((*entry.reports[0][:2], "нове"),))
    assert index_key([older if e is entry else e for e in daily_entries]) != index_key(swapped)


def test_the_daily_index_finds_what_pagefind_would(
    daily_entries: list[Entry], tmp_path: Path
) -> None:
    """Every stem of the daily reports, and every prefix of it, finds exactly the pages with a
    daily stem it begins; `reach` says whether Pagefind's index has a word it begins; each
    page is Pagefind's page of that entry; its reports' file holds its daily reports."""
    write_index(daily_entries, tmp_path)
    index = tmp_path / "pagefind"
    daily = read_daily(index)
    listed = [e for e in daily_entries if e.daily]
    assert len(daily["pages"]) == len(listed)
    main_words = sorted({w for e in daily_entries for w in e.content().split()})
    assert gzip.decompress((index / WORDS_FILE).read_bytes()).decode().split("\n") == main_words
    for (page, name), entry in zip(daily["pages"], listed, strict=True):
        fragment = gzip.decompress((index / "fragment" / f"{page}.pf_fragment").read_bytes())
        assert json.loads(fragment.removeprefix(b"pagefind_dcd"))["url"] == entry.url
        reports = gzip.decompress((index / "reports" / f"{name}.dap_reports").read_bytes())
        assert json.loads(reports) == [list(r) for r in entry.daily]
    assert daily["stems"] == sorted({s for e in listed for s in e.daily_content().split()})
    for at, stem_ in enumerate(daily["stems"]):
        pages = daily_pages(daily["in"][at], len(listed))
        assert pages == [n for n, e in enumerate(listed) if stem_ in e.daily_content().split()]
        for cut in range(1, len(stem_) + 1):
            prefix = stem_[:cut]
            in_main = any(w.startswith(prefix) for w in main_words)
            assert (daily["reach"][at] >= cut) == in_main, (stem_, prefix)
    manifest = json.loads((index / "dap-index.json").read_text())
    assert set(manifest["daily"]) == {DAILY_FILE} | {
        f"reports/{name}.dap_reports" for _, name in daily["pages"]
    }
    assert not set(manifest["daily"]) & set(manifest["files"])


def test_a_daily_report_changed_remakes_the_daily_index_only(
    daily_entries: list[Entry], tmp_path: Path
) -> None:
    """A rebuild after a daily report changed carries Pagefind's index over (linked) and
    writes the daily index anew: the same files as a clean build of the changed entries;
    a daily index or reports' file of the previous site is never kept when it is stale."""
    assert write_index(daily_entries, tmp_path / "clean") is False
    clean = tmp_path / "clean" / "pagefind"
    one = next(e for e in daily_entries if e.daily)
    anchor, heading, text = one.daily[0]
    edited = dataclasses.replace(one, daily=((anchor, heading, text + " самоврядування"),))
    changed = [edited if e is one else e for e in daily_entries]
    assert write_index(changed, tmp_path / "rebuilt", previous=clean) is True
    rebuilt = tmp_path / "rebuilt" / "pagefind"
    write_index(changed, tmp_path / "fresh")
    assert tree(rebuilt) == tree(tmp_path / "fresh" / "pagefind")
    assert tree(rebuilt) != tree(clean)
    fragments = [p for p in (clean / "fragment").iterdir()]
    assert fragments and all(
        (rebuilt / "fragment" / p.name).stat().st_ino == p.stat().st_ino for p in fragments
    )
    daily = read_daily(rebuilt)
    # the word's stems are «самоврядуван» and «самоврядування»: the daily index holds the one
    # the other does not extend (`unextended`)
    new = "самоврядування"
    assert new in daily["stems"] and new not in read_daily(clean)["stems"]
    assert "самоврядуван" not in daily["stems"]
    at = daily["stems"].index(new)
    assert daily["reach"][at] < len(new)  # not in Pagefind's index
    number = [e.url for e in changed if e.daily].index(one.url)
    assert daily_pages(daily["in"][at], len(daily["pages"])) == [number]
    # the other measures' daily reports' files are linked from the previous site
    others = [(e.daily_file() or ("", b""))[0] for e in changed if e.daily and e is not edited]
    assert others and all(
        (rebuilt / rel).stat().st_ino == (clean / rel).stat().st_ino for rel in others
    )
    # a daily file of the previous site planted with other bytes is written anew
    spoiled = tmp_path / "spoiled"
    shutil.copytree(clean, spoiled)
    victim = others[0]
    (spoiled / victim).write_bytes(gzip.compress(b'[["x","planted","planted"]]'))
    (spoiled / DAILY_FILE).write_bytes(gzip.compress(b'{"pages": []}'))
    assert write_index(changed, tmp_path / "after-edit", previous=spoiled) is True
    assert tree(tmp_path / "after-edit" / "pagefind") == tree(tmp_path / "fresh" / "pagefind")
    # an older report changed: Pagefind's index is made anew
    older = next(e for e in daily_entries if e.reports)
    anchor, heading, text = older.reports[0]
    moved = dataclasses.replace(older, reports=((anchor, heading, text + " нове"),))
    rest = [moved if e is older else e for e in changed]
    assert write_index(rest, tmp_path / "older", previous=rebuilt) is False


def synthetic() -> tuple[list[Entry], MainIndex]:
    """40 measures with daily reports from a small vocabulary (frequent stems: bitmaps; rare
    ones: differences), 10 without, and a Pagefind index that holds some of their words."""
    pool = [
        "закупівлі",
        "звіт",
        "захід",
        "декларації",
        "корупція",
        "реєстр",
        "тренінги",
        "суддів",
        "рішення",
        "органи",
    ]
    entries, pages = [], {}
    for n in range(50):
        url = f"measures/1.1.{n}.html"
        pages[url] = f"uk_{n:07x}"
        said = " ".join(pool[(n * k) % len(pool)] for k in range(1, 1 + n % 7))
        title = f"Захід {pool[n % 4]}"
        rare = "рідкісн" + "абвгдежзклмнпрстфхцчшщ"[n % 22] + "ий"  # on one or two pages
        daily = (("a", "h", f"{said} слово{n % 5} {rare}"),) if n < 40 else ()
        entries.append(Entry(url, "Захід", title, "", (), daily))
    words = sorted({w for e in entries for w in e.content().split()} | {"реєстрації"})
    return entries, MainIndex({}, pages, words)


def test_the_daily_index_has_both_ways_of_listing_pages() -> None:
    entries, main = synthetic()
    daily = json.loads(daily_index(entries, main))
    assert {type(held) for held in daily["in"]} == {str, list}
    listed = [e for e in entries if e.daily]
    for at, stem_ in enumerate(daily["stems"]):
        pages = daily_pages(daily["in"][at], len(listed))
        assert pages == [n for n, e in enumerate(listed) if stem_ in e.daily_content().split()]
        assert daily["reach"][at] == max(len(os.path.commonprefix([stem_, w])) for w in main.words)


def test_the_browser_reads_the_daily_index_as_written(tmp_path: Path) -> None:
    """dap-search.js's `dailyIndex` (run by Node) finds, for every daily stem, its prefixes
    and words that are not there, the pages the index's writer meant, with `inMain` as the
    stems of Pagefind's index say; `searchBoth` over a stand-in for Pagefind gives a page
    when every query stem is in Pagefind's index or in the daily one, Pagefind's own results
    first, then the daily ones by their score."""
    node = shutil.which("node") or shutil.which("nodejs")
    if node is None:
        pytest.fail("Node.js is needed to run the browser's search (tests/run.sh installs it)")
    entries, main = synthetic()
    daily = json.loads(daily_index(entries, main))
    listed = [e for e in entries if e.daily]
    main_words = main.words
    queries = sorted({s[:cut] for s in daily["stems"] for cut in range(1, len(s) + 1)})
    queries += ["щось", "яяя", "1_1"]
    expected = {}
    for q in queries:
        pages = [
            n
            for n, e in enumerate(listed)
            if any(s.startswith(q) for s in e.daily_content().split())
        ]
        expected[q] = (
            {"pages": pages, "inMain": any(w.startswith(q) for w in main_words)} if pages else None
        )
    script = tmp_path / "daily.js"
    script.write_text(NODE_DAILY, encoding="utf-8")
    words_of = {main.pages[e.url]: e.content().split() for e in entries}
    asks = [["реєстр"], ["захд"], ["захд", "суд"], ["закупівл", "слово1"], ["щось"]]
    asks += [[s] for s in daily["stems"][:40]]
    asks += [[daily["stems"][i], daily["stems"][-1 - i]] for i in range(10)]
    done = subprocess.run(
        [node, str(script), str(SCRIPT)],
        input=json.dumps(
            {"daily": daily, "queries": queries, "words": words_of, "asks": asks},
            ensure_ascii=False,
        ),
        capture_output=True,
        text=True,
        check=True,
    )
    browser = json.loads(done.stdout)
    assert browser["found"] == [expected[q] for q in queries]
    ids = [page for page, _ in daily["pages"]]
    for ask, got in zip(asks, browser["both"], strict=True):

        def main_has(page: str, stem_: str) -> bool:
            return any(w.startswith(stem_) for w in words_of[page])

        def daily_has(page: str, stem_: str) -> bool:
            n = ids.index(page) if page in ids else -1
            return n >= 0 and any(s.startswith(stem_) for s in listed[n].daily_content().split())

        everywhere = [p for p in words_of if all(main_has(p, s) for s in ask)]
        found = [p for p in words_of if all(main_has(p, s) or daily_has(p, s) for s in ask)]
        assert sorted(got) == sorted(found), ask
        assert got[: len(everywhere)] == sorted(everywhere)  # the stand-in's order: by id
        assert set(got[len(everywhere) :]) <= set(ids)


# The daily index's reader and the search over both, in Node, with a stand-in for Pagefind:
# a page is found by a term when one of its words begins with it; results sorted by id, each
# scoring 1.
NODE_DAILY = """
const fs = require("fs"), vm = require("vm");
const context = { window: {}, document: { readyState: "loading", addEventListener() {} } };
context.window.Intl = Intl;
context.atob = (s) => Buffer.from(s, "base64").toString("binary");
vm.createContext(context);
vm.runInContext(fs.readFileSync(process.argv[2], "utf8"), context);
const api = context.window.DAP_SEARCH_STEM;
const input = JSON.parse(fs.readFileSync(0, "utf8"));
const index = api.dailyIndex(input.daily);
const found = input.queries.map((q) => {
  const hit = index.find(q);
  return hit && { pages: Object.keys(hit.pages).map(Number).sort((a, b) => a - b), inMain: hit.inMain };
});
const pagefind = {
  search(term) {
    const ids = Object.keys(input.words).sort();
    const terms = term === null ? [] : term.split(" ");
    const results = ids
      .filter((id) => terms.every((t) => input.words[id].some((w) => w.startsWith(t))))
      .map((id) => ({ id: id, score: 1 }));
    return Promise.resolve({ results: results });
  },
};
const pageOf = (id) => ({ id: id, score: 0, own: true });
Promise.all(input.asks.map((ask) => api.searchBoth(pagefind, index, ask, pageOf))).then((both) => {
  process.stdout.write(JSON.stringify({ found: found, both: both.map((r) => r.map((x) => x.id)) }));
});
"""


@pytest.mark.slow
def test_a_site_rebuilt_after_a_daily_report_equals_a_clean_build(tmp_path: Path) -> None:
    """`dap build` as of 20.01.2025 (the demonstration's 2024-Q4 reports are daily), one of
    them edited, built again over the previous site: Pagefind's index is carried over, the
    daily index has the new word, and the whole site equals a clean build of the same data."""
    from builder.build import build

    day = dt.date(2025, 1, 20)
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)

    def make(out: Path) -> None:
        build(data, out, as_of=day, computed_on=day, docs_dir=out.parent / f"{out.name}-docs")

    make(tmp_path / "public")
    before = tree(tmp_path / "public")
    index = tmp_path / "public" / "pagefind"
    inodes = {p.name: p.stat().st_ino for p in (index / "fragment").iterdir()}
    report = data / "reports" / "2024-Q4" / "1.1.2.1.1.yaml"
    text = report.read_text(encoding="utf-8")
    report.write_text(text.replace("\ntext: ", "\ntext: Кібербезпеку посилено. ", 1), "utf-8")
    make(tmp_path / "public")
    make(tmp_path / "fresh")
    after, fresh = tree(tmp_path / "public"), tree(tmp_path / "fresh")
    assert sorted(after) == sorted(fresh)
    assert [p for p in after if after[p] != fresh[p]] == []
    changed = sorted(p for p in after if p.startswith("pagefind/") and before.get(p) != after[p])
    assert "pagefind/dap-daily.dap_daily" in changed
    assert [p for p in changed if not p.startswith(("pagefind/reports/", "pagefind/dap-"))] == []
    assert inodes == {p.name: p.stat().st_ino for p in (index / "fragment").iterdir()}
    daily, word = read_daily(index), stem("Кібербезпеку")
    assert word in daily["stems"]
    assert daily["reach"][daily["stems"].index(word)] < len(word)  # not in Pagefind's index
