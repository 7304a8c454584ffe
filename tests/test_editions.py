"""The two editions' configuration and words (issue 21, builder/site/editions.py): every word
the site's scripts ask for is in the per-edition words file, with each language's plural rule;
the English MkDocs configuration has no Ukrainian sidebar title; the English pages' asset links
point at the root's assets."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from builder.site import editions
from builder.wording import EN, UK

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ("dap.js", "dap-asof.js", "dap-rows.js", "dap-search.js")
CALL = re.compile(r"""\b([TP])\(\s*((?:"(?:[^"\\]|\\.)*"\s*\+?\s*)+)""")
LITERAL = re.compile(r'"((?:[^"\\]|\\.)*)"')
CYRILLIC = re.compile(r"[\u0400-\u04ff]")


def asked() -> set[tuple[str, str]]:
    """Every `T("…")` and `P("…")` message id in the site's scripts (literals joined by +)."""
    found = set()
    for name in SCRIPTS:
        text = (ROOT / "site" / "pages" / "assets" / name).read_text(encoding="utf-8")
        for kind, literals in CALL.findall(text):
            found.add((kind, "".join(json.loads(f'"{s}"') for s in LITERAL.findall(literals))))
    return found


def test_every_word_the_scripts_ask_for_is_in_both_editions() -> None:
    calls = asked()
    assert len(calls) > 40
    for ed in (UK, EN):
        words = editions.js_words(ed)
        missing = [m for kind, m in calls if m not in words["t" if kind == "T" else "n"]]
        assert missing == [], (ed.lang, missing)
    # the scripts' own Ukrainian literals are gone: their words come from the edition
    for name in SCRIPTS:
        text = (ROOT / "site" / "pages" / "assets" / name).read_text(encoding="utf-8")
        code = [
            line
            for line in text.splitlines()
            if CYRILLIC.search(line)
            and not line.strip().startswith(("/*", "*", "//"))
            and "STEM_RULES" not in line
            and "/*" not in line
        ]
        allowed = ("var WORD", "ё", 'event.key === "і"')  # the stemmer's letters, a key
        assert [c for c in code if not any(a in c for a in allowed)] == [], name


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_the_words_file_runs_with_each_languages_plural_rule() -> None:
    script = "\n".join(
        [
            "var window = {};",
            editions.js_text(UK),
            "var uk = [window.DAP_P('{n} row in all', 1), window.DAP_P('{n} row in all', 3),",
            "  window.DAP_P('{n} row in all', 11), window.DAP_P('{n} row in all', 21),",
            "  window.DAP_T('Page {page} of {pages}', {page: 2, pages: 5}), window.DAP_D('2024-12-31')];",
            "window = {};",
            editions.js_text(EN),
            "var en = [window.DAP_P('{n} row in all', 1), window.DAP_P('{n} row in all', 3),",
            "  window.DAP_T('Page {page} of {pages}', {page: 2, pages: 5}), window.DAP_D('2024-12-31'),",
            "  window.DAP_P('Showing {shown} of {n} selected measure (of {total} in all)', 1,",
            "    {shown: 1, total: 9})];",
            "console.log(JSON.stringify({uk: uk, en: en}));",
        ]
    )
    out = subprocess.run(["node", "-e", script], capture_output=True, text=True, check=True)
    result = json.loads(out.stdout)
    assert result["uk"] == [
        "Усього 1 рядок",
        "Усього 3 рядки",
        "Усього 11 рядків",
        "Усього 21 рядок",
        "Сторінка 2 з 5",
        "31.12.2024",
    ]
    assert result["en"] == [
        "1 row in all",
        "3 rows in all",
        "Page 2 of 5",
        "31 December 2024",
        "Showing 1 of 1 selected measure (of 9 in all)",
    ]


def test_english_configuration_has_english_titles_and_words() -> None:
    english = editions.config_overrides(ROOT / "site", EN)
    assert english["theme"]["language"] == "en"
    titles = json.dumps(english["nav"], ensure_ascii=False)
    assert not CYRILLIC.search(titles), titles
    assert not CYRILLIC.search(english["site_name"])
    words = english["extra"]["dap"]["words"]
    assert not [w for w in words.values() if CYRILLIC.search(w)]
    ukrainian = editions.config_overrides(ROOT / "site", UK)
    assert "/en/" in ukrainian["exclude_docs"] and "nav" not in ukrainian
    # every Ukrainian sidebar title of site/mkdocs.yml is a message of NAV_TITLES
    from mkdocs.utils import yaml_load

    with (ROOT / "site" / "mkdocs.yml").open(encoding="utf-8") as handle:
        nav = yaml_load(handle)["nav"]
    known = {UK.t(m) for m in editions.NAV_TITLES}
    assert [k for item in nav for k in item if k not in known] == []


def test_english_pages_link_to_the_root_assets_but_keep_their_data() -> None:
    html = (
        '<link href="../assets/stylesheets/main.css"><script src="../assets/dap.js"></script>'
        '<script src="../assets/data/dap-text.js"></script><a href="assets.html">x</a>'
        '<img src="assets/images/favicon.png">'
    )
    assert editions.shared_link(html) == (
        '<link href="../../assets/stylesheets/main.css"><script src="../../assets/dap.js">'
        '</script><script src="../assets/data/dap-text.js"></script><a href="assets.html">x</a>'
        '<img src="../assets/images/favicon.png">'
    )


# the expression `shared_link` replaced (issue 22): the same pages, found ~8 times faster
ASSET_LINK = re.compile(r'((?:href|src)=")((?:\.\./)*)(assets/(?!data/))')


@given(
    st.lists(
        st.sampled_from(
            ['href="', 'src="', 'data-src="', "../", "assets/", "data/", "x", '"', "..", "/", " "]
            + ['href="../assets/', 'src="assets/data/', 'href="assets/']
        ),
        max_size=14,
    )
)
def test_english_links_to_the_root_assets_as_the_expression_finds_them(parts: list[str]) -> None:
    html = "".join(parts)
    assert editions.shared_link(html) == ASSET_LINK.sub(r"\1\2../\3", html)


def test_the_english_404_page_links_into_en_and_to_the_root_assets() -> None:
    html = (
        '<a href="/index.html"><script src="/assets/dap.js"></script>'
        '<script src="/assets/data/dap-text.js"></script><div data-root="/">'
        '<script>var c = {"base": "/", "x": 1}</script>'
    )
    assert editions.english_not_found(html) == (
        '<a href="/en/index.html"><script src="/assets/dap.js"></script>'
        '<script src="/en/assets/data/dap-text.js"></script><div data-root="/en/">'
        '<script>var c = {"base": "/en/", "x": 1}</script>'
    )
