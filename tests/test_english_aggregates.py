"""The English edition of the aggregate pages (issue 21 items 2 and 3): home, programme and its
filter data, directions, problems, ESR index and cards, implementers, timeliness, the «as of»
control and the paged lists — every interface word in English, the data's English texts where
given and the Ukrainian ones marked `lang="uk"` where not, never an empty cell.

The pages are Markdown with HTML blocks: each is made HTML with the Markdown extensions of
site/mkdocs.yml before it is read for Cyrillic (tests/english_check.py)."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from dataclasses import replace
from pathlib import Path

import markdown
import pytest
import yaml
from english_check import cyrillic_outside_uk

from builder import models as m
from builder.compute import STATUSES, history_snapshots
from builder.site import context
from builder.site.pages import render_pages
from builder.validate import validate
from builder.versions import dataset_as_of
from builder.wording import EN, UK

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "programme" / "data"
AS_OF = dt.date(2025, 4, 10)  # as tests/golden.py builds it: several quarter ends to choose
COMPUTED_ON = dt.date(2025, 4, 11)
AGGREGATE = ("index.md", "programme.md", "timeliness.md")
AGGREGATE_FOLDERS = ("directions/", "problems/", "results/", "executors/")
EXTENSIONS = ["tables", "admonition", "attr_list", "toc"]  # site/mkdocs.yml's


def prepare(data_dir: Path) -> context.Site:
    """The site as `dap build` prepares it from `data_dir` (validated, as in force on AS_OF)."""
    data, problems = validate(data_dir, str(data_dir))
    assert not [p for p in problems if p.severity == "error"]
    data = dataset_as_of(data, AS_OF)
    return context.prepare(data, history_snapshots(data, None, AS_OF, COMPUTED_ON), version="t")


@pytest.fixture(scope="module")
def site() -> context.Site:
    return prepare(FIXTURE)


@pytest.fixture(scope="module")
def english(site: context.Site) -> dict[str, str]:
    return render_pages(replace(site, ed=EN))


def aggregate_pages(pages: dict[str, str]) -> list[str]:
    return sorted(
        p
        for p in pages
        if p.endswith(".md") and (p in AGGREGATE or p.startswith(AGGREGATE_FOLDERS))
    )


def page_html(text: str) -> str:
    """A page's Markdown (front matter off) as the HTML MkDocs makes of it."""
    body = text.split("\n---\n", 1)[1] if text.startswith("---\n") else text
    return markdown.markdown(body, extensions=EXTENSIONS)


def front_title(text: str) -> str:
    found = re.search(r"^title: (.*)$", text, re.M)
    assert found, text[:200]
    return str(json.loads(found[1]))


def data_of(text: str, prefix: str) -> object:
    """The object a data script assigns after `prefix`."""
    start = text.index(prefix) + len(prefix)
    return json.loads(text[start:].rstrip().rstrip(";"))


def test_every_aggregate_page_type_is_rendered(english: dict[str, str]) -> None:
    kinds = {p.split("/")[0] if "/" in p else p for p in aggregate_pages(english)}
    assert kinds == {*AGGREGATE, "directions", "problems", "results", "executors"}
    assert "directions/index.md" in english and "results/index.md" in english
    assert "executors/index.md" in english


def test_no_cyrillic_outside_lang_uk_on_any_english_aggregate_page(
    english: dict[str, str],
) -> None:
    found = {p: cyrillic_outside_uk(page_html(english[p])) for p in aggregate_pages(english)}
    assert {p: f for p, f in found.items() if f} == {}


def test_the_check_would_see_a_ukrainian_word(site: context.Site) -> None:
    """The same pages in Ukrainian are all Cyrillic to it: the check above can fail."""
    ukrainian = render_pages(site)
    for path in ("index.md", "programme.md", "results/index.md", "executors/agency.md"):
        assert cyrillic_outside_uk(page_html(ukrainian[path]))


def test_interface_words_and_official_terms_are_english(english: dict[str, str]) -> None:
    home = english["index.md"]
    assert front_title(home) == "Home"
    assert "## Measures by status" in home and "## Directions" in home
    assert "State as of" in home and "10 April 2025" in home and "published 11 April 2025" in home
    assert "Show the state at the end of the quarter:" in home
    assert "10 April 2025 — the latest state" in home and "(Q1 2025)" in home
    for status in ("Implemented", "Partially implemented", "In progress", "Not implemented"):
        assert status in home  # the status chart's labels and table
    assert "measures in total" in home and "implemented in full / in part" in home
    results = english["results/index.md"]
    assert "# Expected strategic results (ESR)" in results and "Mean score, %" in results
    timeliness = english["timeliness.md"]
    assert "on time" in timeliness and "not submitted" in timeliness and "Q1 2025" in timeliness
    assert "Download the table (CSV)" in timeliness
    programme = english["programme.md"]
    assert 'aria-label="Filter of measures"' in programme and "Reset the filter" in programme


def test_english_data_texts_where_given_and_marked_ukrainian_where_not(
    site: context.Site, english: dict[str, str]
) -> None:
    data = site.data
    direction = data.sections["1"]
    assert direction.title_en == "Test direction"
    index = english["directions/index.md"]
    assert "<td>Test direction</td>" in index and direction.title not in index
    # a problem without English: its Ukrainian title, marked, never empty
    problem = next(s for s in data.sections.values() if s.level != m.SectionLevel.DIRECTION)
    assert not problem.title_en
    page = english[f"problems/{problem.id}.md"]
    assert f'<p class="dap-lead"><span lang="uk" class="dap-ua">{problem.title}</span></p>' in page
    # measures: the one with English, the others marked
    measure = data.measures["1.1.1.1"]
    assert measure.title_en
    assert measure.title_en in page
    for mid in site.measures_by[("problem", problem.id)]:
        if not data.measures[mid].title_en:
            assert f'<span lang="uk" class="dap-ua">{data.measures[mid].title}' in page
    # the executor with an English name: in its page's title, heading and the tables
    agency = english["executors/agency.md"]
    assert front_title(agency) == "Test Agency" and "# Test Agency\n" in agency
    assert "Test Agency" in english["timeliness.md"]
    # the programme: its English title on the home page
    assert data.programme and data.programme.title_en
    assert data.programme.title_en in english["index.md"]


def test_english_data_files_carry_english_words_and_mark_ukrainian_texts(
    site: context.Site, english: dict[str, str]
) -> None:
    programme = data_of(english["assets/data/programme.js"], "window.DAP_PROGRAMME = ")
    assert isinstance(programme, dict)
    assert programme["statuses"] == [EN.status(s) for s in STATUSES]
    assert programme["done_statuses"] == ["Implemented", "Partially implemented"]
    assert programme["lang"] == "en"
    assert programme["directions"]["1"] == "Test direction"
    assert "1" not in programme["uk"].get("directions", [])
    assert programme["uk"]["problems"]  # the fixture's problem has no English title
    rows = {row[0]: row for row in programme["measures"]}
    assert rows["1.1.1.1"][2] == site.data.measures["1.1.1.1"].title_en
    assert rows["1.1.1.1"][-1] == ["en", "uk"]  # English title, Ukrainian wording of deadline
    assert all(row[7] in programme["statuses"] for row in rows.values())
    # the Ukrainian edition's rows are as they were: no language pair
    ukrainian = data_of(render_pages(site)["assets/data/programme.js"], "window.DAP_PROGRAMME = ")
    assert isinstance(ukrainian, dict) and "lang" not in ukrainian
    assert len(ukrainian["measures"][0]) == len(programme["measures"][0]) - 1
    # the executor's paged lists: English statuses, Ukrainian titles marked
    lists = english["assets/data/executors/agency.js"]
    assert '["s","Implemented",0]' in lists and "Виконано" not in lists
    assert '["t","' in lists and '","uk"]' in lists
    executors = english["assets/data/executors.js"]
    assert '["a","executors","agency","Test Agency"]' in executors
    # the «as of» data: English statuses, labels, quarters
    asof = english["assets/data/asof/index.js"]
    assert '"statuses":["Implemented"' in asof
    history = english["assets/data/asof/programme-history.js"]
    assert '"names":["Q1 2024"' in history or "Q1 2024" in history


def test_the_ukrainian_edition_is_the_default_and_untouched(site: context.Site) -> None:
    assert site.ed is UK
    ukrainian = render_pages(site)
    assert "## Заходи за статусами" in ukrainian["index.md"]
    assert "Стан на" in ukrainian["index.md"]


def test_hostile_english_titles_are_escaped(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(FIXTURE, data)
    path = data / "sections" / "1.yaml"
    record = yaml.safe_load(path.read_text(encoding="utf-8"))
    record["title_en"] = "<script>alert(1)</script> & {: onclick=x }"
    path.write_text(yaml.safe_dump(record, allow_unicode=True), encoding="utf-8")
    pages = render_pages(replace(prepare(data), ed=EN))
    for path_name in ("directions/index.md", "directions/1.md", "programme.md", "index.md"):
        assert "<script>alert" not in pages[path_name]
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp;" in pages["directions/index.md"]


def test_a_ukrainian_heading_on_an_english_page_is_marked() -> None:
    from builder.site.markup import heading

    assert heading(UK, "Міністерство", "uk") == "# Міністерство\n\n"
    assert heading(EN, "Ministry", "en") == "# Ministry\n\n"
    marked = heading(EN, "Міністерство {: onclick=x }", "uk")
    html = markdown.markdown(marked, extensions=EXTENSIONS)
    assert html.startswith('<h1 class="dap-ua" id=') and 'lang="uk"' in html
    assert " onclick=" not in html.split(">", 1)[0]  # the data's braces stay text
    assert cyrillic_outside_uk(html) == []
