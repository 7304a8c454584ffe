"""The built site: pages, weight, banners, escaping, privacy, no other host, safe output swap."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml
from contact_fixtures import read_contacts
from hypothesis import given, settings
from hypothesis import strategies as st
from site_fixtures import (
    AS_OF,
    HOSTILE_MEASURE,
    ROOT,
    build_site,
    copy_data,
    copy_site,
    demo_site,
    hostile_site,
    shared_folder,
    site_files,
)

from builder import parallel
from builder.build import MAX_PAGE_BYTES, build, docs_lock
from builder.errors import BuildError, DataError
from builder.output import file_sizes
from builder.project import bundled
from builder.site import context, markup
from builder.site import mkdocs as site_mkdocs
from builder.site.mkdocs import run_mkdocs, run_mkdocs_parallel
from builder.site.reuse import OUTPUT_MARK, record_pages

SITE = bundled("site")  # the MkDocs project (in this checkout: site/)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demonstration data with a hostile report, built once per test run (read only)."""
    return hostile_site(tmp_path_factory)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demonstration data built once per test run (copy it with copy_site to change it)."""
    return demo_site(tmp_path_factory)


def correct_a_report(data: Path) -> None:
    """Change the text of one report of the demonstration data."""
    report = data / "reports" / "2024-Q3" / "1.1.1.1.2.yaml"
    report.write_text(
        report.read_text(encoding="utf-8").replace("\ntext: ", "\ntext: (виправлено) ", 1),
        encoding="utf-8",
    )


@pytest.fixture(scope="module")
def corrected(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh build of the demonstration data with one report corrected, once per test run."""

    def make(base: Path) -> None:
        correct_a_report(copy_data(base / "data"))
        build_site(base / "data", base / "public")

    return shared_folder(tmp_path_factory, "corrected-site", make) / "public"


def html_pages(out: Path) -> list[Path]:
    """Every HTML page of a built site."""
    return sorted(out.rglob("*.html"))


class Elements(HTMLParser):
    """Every start tag with its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def elements(path: Path) -> list[tuple[str, dict[str, str | None]]]:
    """The tags of an HTML file."""
    parser = Elements()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.tags


# ---------------------------------------------------------------- pages and weight


@pytest.mark.slow
def test_every_page_type_is_built(site: Path) -> None:
    expected = [
        "index.html",
        "programme.html",
        "directions/index.html",
        "directions/1.1.html",
        "problems/1.1.1.html",
        "results/index.html",
        "results/1.1.1.1.html",
        "measures/1.1.1.1.2.html",
        "executors/index.html",
        "executors/nazk.html",
        "timeliness.html",
        "notices.html",
        "downloads.html",
        "dictionary.html",
        "methodology.html",
        "feedback.html",
        "about.html",
        "assets/data/programme.js",
        "assets/vendor/plotly-basic.min.js",
        OUTPUT_MARK,
    ]
    assert [p for p in expected if not (site / p).is_file()] == []
    assert site.stat().st_mode & 0o005 == 0o005  # readable by a web server's user


@pytest.mark.slow
def test_every_measure_result_and_executor_has_a_page(site: Path) -> None:
    data = yaml.safe_load((ROOT / "data/programme.yaml").read_text(encoding="utf-8"))
    assert data["demo"] is True
    for kind in ("measures", "results", "executors"):
        ids = [p.stem for p in (ROOT / "data" / kind).glob("*.yaml")]
        assert ids
        assert [i for i in ids if not (site / kind / f"{i}.html").is_file()] == []


@pytest.mark.slow
def test_no_generated_page_is_over_the_budget(site: Path) -> None:
    heavy = [
        (p.relative_to(site).as_posix(), p.stat().st_size)
        for p in html_pages(site)
        if p.stat().st_size > MAX_PAGE_BYTES and not p.match("downloads.html")
    ]
    assert heavy == []


@pytest.mark.slow
def test_sidebar_lists_index_pages_only(site: Path) -> None:
    links = [
        attrs.get("href") or ""
        for tag, attrs in elements(site / "programme.html")
        if tag == "a" and "md-nav__link" in (attrs.get("class") or "")
    ]
    assert "executors/index.html" in links and "results/index.html" in links
    assert [
        x for x in links if re.search(r"(measures|executors|results|problems)/(?!index)", x)
    ] == []


@pytest.mark.slow
def test_demo_label_is_on_every_page(site: Path) -> None:
    missing = [
        p.relative_to(site).as_posix()
        for p in html_pages(site)
        if p.name != "404.html"
        and BANNER[p.relative_to(site).parts[0] == "en"] not in p.read_text(encoding="utf-8")
    ]
    assert missing == []


BANNER = {False: "Демонстраційні дані.", True: "Demonstration data."}  # by edition: en/ or not


@pytest.mark.slow
def test_maintenance_banner_is_on_every_page_while_active(site: Path) -> None:
    pages = [p for p in html_pages(site) if p.name != "404.html"]
    text = "Планові технічні роботи.</strong>"
    assert [p for p in pages if text not in p.read_text(encoding="utf-8")] == []


@pytest.mark.slow
def test_home_has_two_dates_figures_and_charts(site: Path) -> None:
    text = (site / "index.html").read_text(encoding="utf-8")
    assert 'Стан на <span class="dap-asof-date">31.12.2025</span>; опубліковано 25.11.2026.' in text
    assert text.count('class="dap-chart"') == 2
    assert "% виконання (від усіх заходів)" in text
    # every chart carries its numbers in a table beside it
    boxes = re.findall(r'<div class="dap-chart-box[^"]*"[^>]*>.*?</table>', text, flags=re.S)
    assert len(boxes) == 2 and all("<caption>" in b and 'data-chart="' in b for b in boxes)


@pytest.mark.slow
def test_cyrillic_headings_get_cyrillic_anchors(site: Path) -> None:
    text = (site / "measures" / f"{HOSTILE_MEASURE}.html").read_text(encoding="utf-8")
    assert 'id="відомості-про-захід"' in text
    assert 'id="результати-моніторингу"' in text


@pytest.mark.slow
def test_measure_page_has_every_part(site: Path) -> None:
    text = (site / "measures" / "1.1.1.1.2.html").read_text(encoding="utf-8")
    for part in (
        "Відомості про захід",
        "Результати моніторингу",
        "Звіти виконавця",
        "Своєчасність звітування за кварталами",
        "Показники виконання",
        "Головний виконавець",
        "Історія змін",
        "прогрес виконання заходу наявний",
    ):
        assert part in text, part


@pytest.mark.slow
def test_search_is_the_sites_own_index_from_the_data(site: Path) -> None:
    entry = json.loads((site / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert list(entry["languages"]) == ["uk"]
    assert not (site / "search").exists()  # no MkDocs search plugin, no whole-site index
    config = yaml.safe_load(
        re.sub(r"!!python/\S+", "", (ROOT / "site/mkdocs.yml").read_text(encoding="utf-8"))
    )
    assert config["plugins"] == []  # an empty list: MkDocs would add its own search
    assert config["theme"]["font"] is False


def test_config_stays_plain_mkdocs_material_and_pymdownx() -> None:
    text = (ROOT / "site/mkdocs.yml").read_text(encoding="utf-8")
    config = yaml.safe_load(re.sub(r"!!python/\S+", "", text))
    extensions = [e if isinstance(e, str) else next(iter(e)) for e in config["markdown_extensions"]]
    assert set(extensions) <= {"tables", "admonition", "attr_list", "toc"}
    assert "pymdownx.slugs.slugify" in text  # Cyrillic anchors
    assert config["theme"]["name"] == "material" and config["theme"]["language"] == "uk"
    assert "repo_url" not in config  # would make every page call the GitHub API
    # Zensical requires the output folder inside the project folder
    assert not config["site_dir"].startswith("..")


# ---------------------------------------------------------------- self-contained and private


@pytest.mark.slow
def test_no_asset_comes_from_another_host(site: Path) -> None:
    found = []
    for page in html_pages(site):
        for tag, attrs in elements(page):
            for name in ("src", "href"):
                value = attrs.get(name) or ""
                loads = tag in ("script", "img", "iframe", "link") and name in ("src", "href")
                if loads and re.match(r"^(https?:)?//", value):
                    found.append((page.relative_to(site).as_posix(), tag, value))
    assert found == []
    for asset in (site / "assets").rglob("*.css"):
        assert "fonts.googleapis" not in asset.read_text(encoding="utf-8", errors="replace")


@pytest.mark.slow
def test_no_personal_contact_data_is_published(site: Path) -> None:
    kept = read_contacts(ROOT / "data")
    people = [v for c in kept.values() for v in (c.email, c.phone) if v]
    assert people
    public_address = yaml.safe_load((ROOT / "data/programme.yaml").read_text())["feedback_email"]
    leaks = []
    for path in site.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".js", ".json", ".csv", ".md"):
            text = path.read_text(encoding="utf-8", errors="replace")
            leaks += [(path.name, x) for x in people if x in text and x != public_address]
    assert leaks == []


@pytest.mark.slow
def test_feedback_page_offers_a_route_without_github(site: Path) -> None:
    text = (site / "feedback.html").read_text(encoding="utf-8")
    assert "без облікового запису GitHub" in text
    assert "feedback@example.gov.ua" in text
    assert "повідомлення-відгук" in text


@pytest.mark.slow
def test_methodology_states_the_thresholds(site: Path) -> None:
    text = (site / "methodology.html").read_text(encoding="utf-8")
    assert "менше 40%" in text and "від 75%" in text
    assert "з 1 по 15 число" in text


# ---------------------------------------------------------------- escaping


@pytest.mark.slow
def test_hostile_report_is_shown_as_text(site: Path) -> None:
    page = site / "measures" / f"{HOSTILE_MEASURE}.html"
    text = page.read_text(encoding="utf-8")
    assert "&lt;script&gt;window.__xss" in text
    assert "<script>window.__xss" not in text
    assert "[натисніть тут](javascript:" in text  # the Markdown link stays literal text
    bad = [
        (tag, name, value)
        for tag, attrs in elements(page)
        for name, value in attrs.items()
        if name.startswith("on") or (value or "").strip().lower().startswith("javascript:")
    ]
    assert bad == []
    assert 'href="https://example.gov.ua/evidence?a=1&amp;b=2"' in text
    assert "&lt;b onmouseover=" in text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("<b>x</b>", "&lt;b&gt;x&lt;/b&gt;"),
        ("[a](javascript:x)", r"\[a\](javascript:x)"),
        ("![d](x)", r"\!\[d\](x)"),
        ("# not a heading", r"\# not a heading"),
        ("a & b", "a &amp; b"),
        ("{: onclick=x}", r"\{: onclick=x\}"),
        ("line\nbreak", "line break"),
        ("1. not a list", r"1\. not a list"),
        ("ДАП 2023–2025 (демо): 31.12.2025", "ДАП 2023–2025 (демо): 31.12.2025"),
    ],
)
def test_md_escapes_markdown_and_html(raw: str, expected: str) -> None:
    assert markup.md(raw) == expected


HOSTILE_TEXTS = [
    "<script>window.__xss=1</script>",
    "[x](javascript:alert(1))",
    "![d](x)",
    "<img src=x onerror=alert(1)>",
    "{: onclick=alert(1) }",
    "C# and # closing #",
    "=== ",
    "--- ",
    "- item",
    "+ item",
    "* item",
    "1. item",
    "> quote",
    "!!! note",
    "[TOC]",
    "a | b | c",
    "`code` **bold** __bold__ _em_",
    "&amp; &copy; &#61;",
    "<https://example.org>",
    "back\\slash\\",
    "a:b=c~d^e",
    "[ref]: https://example.org",
    "    indented",
]


def _shown(markdown_text: str) -> tuple[str, list[str]]:
    """What Python-Markdown (the site's extensions) shows of a text: its words, and any tags."""
    import html as html_module

    import markdown

    out = markdown.markdown(markdown_text, extensions=["tables", "admonition", "attr_list", "toc"])
    inner = re.sub(r"^<(p|h1)[^>]*>|</(p|h1)>$", "", out)
    return html_module.unescape(inner), re.findall(r"<[^>]*>", inner)


@pytest.mark.parametrize("text", HOSTILE_TEXTS)
@pytest.mark.parametrize("place", ["{}", "# {}", "before\n{}", "{} after"])
def test_md_text_is_shown_as_text_in_every_place(text: str, place: str) -> None:
    shown, tags = _shown(place.format(markup.md(text)))
    assert tags == []
    assert shown == place.replace("# ", "").format(" ".join(text.split()))


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.one_of(
            st.sampled_from(list("\\`*_{}[]()#+-.!|<>&=:~^ 1aя")),
            st.characters(blacklist_categories=("Cc", "Cs")),
        ),
        max_size=40,
    )
)
def test_md_any_text_is_shown_as_it_is(text: str) -> None:
    for place in ("{}", "# {}"):
        shown, tags = _shown(place.format(markup.md(text)))
        assert tags == []
        assert shown == " ".join(text.split())


def test_text_html_keeps_paragraphs_without_blank_lines() -> None:
    html = markup.text_html("один <i>\nдва\n\nтри")
    assert html == "<p>один &lt;i&gt;<br>два</p><p>три</p>"
    assert "\n" not in html


@pytest.mark.parametrize(
    ("source", "target", "expected"),
    [
        ("index.md", "programme.md", "programme.html"),
        ("programme.md", "index.md", "index.html"),
        ("measures/1.1.md", "executors/nazk.md", "../executors/nazk.html"),
        ("executors/index.md", "executors/nazk.md", "../executors/nazk.html"),
        ("programme.md", "assets/data/programme.js", "assets/data/programme.js"),
        ("index.md", "measures/1.2.(6).md", "measures/1.2.(6).html"),
        ("index.md", "executors/мінфін.md", "executors/%D0%BC%D1%96%D0%BD%D1%84%D1%96%D0%BD.html"),
    ],
)
def test_relative_links(source: str, target: str, expected: str) -> None:
    assert context.href(source, target) == expected


def test_link_html_refuses_other_schemes() -> None:
    assert markup.link_html("x", "javascript:alert(1)") == "x (javascript:alert(1))"
    assert markup.link_html("x", "https://a.ua/?q=<").startswith("x (")
    assert markup.link_html("<x>", "https://a.ua/").startswith('<a href="https://a.ua/"')


# ---------------------------------------------------------------- maintenance banner


def test_maintenance_banner_only_while_active(tmp_path: Path) -> None:
    data = copy_data(tmp_path / "data")
    active = context.site_extra(load_data(data), dt.date(2026, 11, 25))
    notices = active["dap_maintenance"]
    assert isinstance(notices, list)
    assert [n["title"] for n in notices] == ["Планові технічні роботи"]
    assert context.site_extra(load_data(data), dt.date(2026, 12, 2))["dap_maintenance"] == []
    assert active["dap_demo"] is True


def load_data(path: Path):  # noqa: ANN201 - test helper
    from builder.validate import validate

    data, problems = validate(path, str(path))
    assert not [p for p in problems if p.severity == "error"]
    return data


# ---------------------------------------------------------------- pages that must not grow


def test_timeliness_and_results_pages_list_only_the_worst(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from builder.compute import history_snapshots
    from builder.models import SectionLevel
    from builder.site import executors, overview, results

    data = load_data(ROOT / "data")
    site = context.prepare(data, history_snapshots(data, None, AS_OF, AS_OF), None, None, None, "t")
    monkeypatch.setattr(executors, "EXECUTOR_LIMIT", 2)
    monkeypatch.setattr(results, "RESULT_LIMIT", 2)
    timeliness = executors.timeliness_page(site).split("## Виконавці з найменшою", 1)[1]
    worst = timeliness.split("## ", 1)[0]
    assert len(re.findall(r"<tr[^>]*><td", worst)) == 2 and "Показано 2 з 4 виконавців" in worst
    shares = [float(x.replace(",", ".")) for x in re.findall(r"<td data-sort=\"([\d.]+)\">", worst)]
    assert shares == sorted(shares)  # the lowest share on time first
    index = results.results_index(site)
    lowest = index.split("ОСР з найнижчою оцінкою", 1)[1]
    assert len(re.findall(r"<tr[^>]*><td", lowest)) == 2
    directions = [s for s in data.sections.values() if s.level == SectionLevel.DIRECTION]
    by_direction = index.split("## За напрямами", 1)[1].split("## ", 1)[0]
    assert len(re.findall(r"<tr[^>]*><td", by_direction)) == len(directions)
    # every ОСР is still listed: on its direction's page
    listed = "".join(overview.section_page(site, d.id, "direction") for d in directions)
    assert [rid for rid in data.results if f"results/{rid}.html" not in listed] == []


# ---------------------------------------------------------------- MkDocs in two processes


@pytest.mark.slow
def test_two_mkdocs_processes_build_the_same_site_as_one(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = site.parent / f"{site.name}-docs"
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir()
    two.mkdir()
    assert run_mkdocs(SITE, docs, one) == []
    monkeypatch.setattr(site_mkdocs, "PARALLEL_MIN_PAGES", 1)
    monkeypatch.setattr(parallel, "FORK_BUDGET_MB", 1 << 20)  # however large this process is
    assert run_mkdocs_parallel(SITE, docs, two) == []
    first, second = site_files(one), site_files(two)
    assert sorted(first) == sorted(second)
    assert [p for p in first if first[p] != second[p]] == []
    assert "measures/1.1.1.1.2.html" in second
    assert sorted(p.name for p in tmp_path.iterdir()) == ["one", "two"]  # no part left behind


@pytest.mark.slow
def test_generated_files_are_linked_into_the_site_and_keep_their_bytes(
    site: Path, tmp_path: Path
) -> None:
    """dap's data scripts and downloads are hard-linked from the docs folder, not copied
    (issue 22); the theme's files are copied; a later write to the docs folder replaces the
    docs file and leaves the built site's file as it was."""

    from builder.output import Writer

    docs, out = tmp_path / "docs", tmp_path / "out"
    shutil.copytree(site.parent / f"{site.name}-docs", docs)
    assert run_mkdocs(SITE, docs, out) == []
    ours = [
        p.relative_to(docs).as_posix()
        for p in docs.rglob("*")
        if p.is_file()
        and p.suffix in {".js", ".zip", ".csv"}
        and "en" not in p.relative_to(docs).parts[:1]
    ]
    assert any(rel.startswith("assets/data/") for rel in ours)
    assert any(rel.startswith("downloads/") for rel in ours)
    for rel in ours:
        assert os.path.samefile(docs / rel, out / rel), rel
    theme = out / "assets" / "javascripts"
    assert [p for p in theme.rglob("*.js") if p.stat().st_nlink != 1] == []
    script = next(rel for rel in ours if rel.startswith("assets/data/"))
    before = (out / script).read_bytes()
    Writer(docs).write(script, "var changed = 1;\n")
    assert (out / script).read_bytes() == before
    assert not os.path.samefile(docs / script, out / script)


@pytest.mark.slow
def test_compiled_templates_are_kept_privately_and_change_nothing(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The theme's compiled templates are kept in this user's cache folder, private, between
    MkDocs runs (issue 22); a site built with them is the site built without."""
    docs = site.parent / f"{site.name}-docs"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("DAP_NO_CACHE", "1")
    assert run_mkdocs(SITE, docs, tmp_path / "plain") == []
    assert not (tmp_path / "cache").exists()
    monkeypatch.setenv("DAP_NO_CACHE", "")
    for name in ("first", "second"):
        assert run_mkdocs(SITE, docs, tmp_path / name) == []
    kept = tmp_path / "cache" / "dap" / "templates"
    assert len(list(kept.iterdir())) > 10 and kept.stat().st_mode & 0o077 == 0
    plain = site_files(tmp_path / "plain")
    for name in ("first", "second"):
        built = site_files(tmp_path / name)
        assert sorted(built) == sorted(plain)
        assert [p for p in plain if plain[p] != built[p]] == []
    kept.chmod(0o755)  # open to others: not trusted, not used
    assert site_mkdocs.template_cache() is None


@pytest.mark.slow
def test_a_broken_link_in_the_second_process_fails_the_build(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    docs = tmp_path / "docs"
    shutil.copytree(site.parent / f"{site.name}-docs", docs)
    theirs = record_pages(docs)[0]  # every other record page goes to the child, the first too
    with (docs / theirs).open("a", encoding="utf-8") as handle:
        handle.write("\n[зламане посилання](nowhere.md)\n")
    monkeypatch.setattr(site_mkdocs, "PARALLEL_MIN_PAGES", 1)
    monkeypatch.setattr(parallel, "FORK_BUDGET_MB", 1 << 20)  # however large this process is
    (tmp_path / "out").mkdir()
    with pytest.raises(BuildError, match="nowhere.md"):
        run_mkdocs_parallel(SITE, docs, tmp_path / "out")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["docs", "out"]


@pytest.mark.slow
def test_the_english_run_beside_the_ukrainian_one_builds_the_same_site(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In a rebuild both editions' MkDocs runs go at once, the English one forked into a
    folder of its own and moved into en/ (issue 22): the same pages as one after the other;
    a failure in it fails the build and leaves nothing behind."""
    from builder.site.editions import EN_FOLDER
    from builder.wording import EN

    monkeypatch.setattr(parallel, "FORK_BUDGET_MB", 1 << 20)  # however large this process is
    docs = tmp_path / "docs"
    shutil.copytree(site.parent / f"{site.name}-docs", docs)
    sites = {}
    for name, fork in (("inline", False), ("forked", True)):
        staging = tmp_path / name / "staging"
        staging.mkdir(parents=True)
        uk = site_mkdocs.plan_html(SITE, docs, tmp_path / "none", {})
        en = site_mkdocs.plan_html(SITE, docs / EN_FOLDER, tmp_path / "none", {}, EN)
        monkeypatch.setattr(site_mkdocs, "PARALLEL_MIN_PAGES", 1 << 20 if fork else 0)
        beside = site_mkdocs.Beside(en, staging / EN_FOLDER, uk)
        assert (beside.child is not None) is fork
        assert site_mkdocs.run_plan(uk, staging)[0] == []
        assert beside.result()[0] == []
        sites[name] = site_files(staging)
        assert sorted(p.name for p in (tmp_path / name).iterdir()) == ["staging"]
    assert any(p.startswith("en/measures/") for p in sites["forked"])
    assert sorted(sites["forked"]) == sorted(sites["inline"])
    assert [p for p in sites["inline"] if sites["inline"][p] != sites["forked"][p]] == []
    # a broken link on an English page: the forked run's failure is the build's
    english_page = docs / EN_FOLDER / "about.md"
    with english_page.open("a", encoding="utf-8") as handle:
        handle.write("\n[broken link](nowhere.md)\n")
    monkeypatch.setattr(site_mkdocs, "PARALLEL_MIN_PAGES", 1 << 20)
    staging = tmp_path / "broken" / "staging"
    staging.mkdir(parents=True)
    uk = site_mkdocs.plan_html(SITE, docs, tmp_path / "none", {})
    beside = site_mkdocs.Beside(
        site_mkdocs.plan_html(SITE, docs / EN_FOLDER, tmp_path / "none", {}, EN),
        staging / EN_FOLDER,
        uk,
    )
    site_mkdocs.run_plan(uk, staging)
    with pytest.raises(BuildError, match="nowhere.md"):
        beside.result()
    assert sorted(p.name for p in (tmp_path / "broken").iterdir()) == ["staging"]
    assert not (staging / EN_FOLDER).exists()


@pytest.mark.slow
def test_the_datasets_beside_the_pages_give_the_same_site_as_one_after_the_other(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The datasets are made in a forked process while the pages are made (issue 22): the
    docs folder and the site are those of the datasets made first, in the same process; a
    failure in the forked datasets fails the build and leaves the previous site as it was.
    Both from within the site's own forked child (the stages from load to MkDocs)."""
    from builder import build as build_module

    monkeypatch.setenv("DAP_NO_CACHE", "1")  # both builds make every package
    monkeypatch.setattr(parallel, "FORK_BUDGET_MB", 1 << 20)  # however large this process is
    data = copy_data(tmp_path / "data")
    calls = tmp_path / "forked.txt"  # by whichever process forks: the datasets in the site's
    real = build_module.Forked

    def spy(what: str, work: Callable[..., object], *args: object, **kwargs: Any) -> object:
        with open(calls, "a", encoding="utf-8") as f:
            f.write(what + "\n")
        return real(what, work, *args, **kwargs)

    def forked() -> list[str]:
        return calls.read_text(encoding="utf-8").splitlines()

    site = "the site (from the data to the HTML pages)"

    monkeypatch.setattr(build_module, "Forked", spy)
    build_site(data, tmp_path / "beside")
    assert forked() == [site, "the datasets"]
    monkeypatch.setattr(build_module, "can_fork_copies", lambda *a, **k: False)
    build_site(data, tmp_path / "inline")
    assert forked() == [site, "the datasets", site]  # the datasets not forked this time
    for folder in ("{}", "{}-docs"):
        beside = site_files(tmp_path / folder.format("beside"))
        inline = site_files(tmp_path / folder.format("inline"))
        assert sorted(beside) == sorted(inline)
        assert [p for p in beside if beside[p] != inline[p]] == []
    assert any(p.startswith("downloads/latest/") for p in beside)
    before = site_files(tmp_path / "beside")

    def broken(*args: object, **kwargs: object) -> object:
        raise BuildError("the packages could not be written")

    monkeypatch.setattr(build_module, "can_fork_copies", lambda *a, **k: True)
    monkeypatch.setattr(build_module, "write_downloads", broken)
    with pytest.raises(BuildError, match="could not be written"):
        build_site(data, tmp_path / "beside")
    assert forked() == [site, "the datasets", site, site, "the datasets"]
    assert site_files(tmp_path / "beside") == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "beside",
        "beside-docs",
        "data",
        "forked.txt",
        "inline",
        "inline-docs",
    ]


# ---------------------------------------------------------------- safe output


@pytest.mark.slow
def test_the_data_is_loaded_in_a_forked_child_and_the_stages_are_told(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 22: the stages from load to MkDocs run in a forked child, which ends before the
    search stage, so that the process beside Pagefind never held the data; each stage is
    told as it ends, with its time and CPU, as when the build runs in one process."""
    from builder import build as build_module

    data = copy_data(tmp_path / "data")
    loaded_in = tmp_path / "pid.txt"
    validate = build_module.validate

    def spy(*args: object, **kwargs: object) -> object:
        loaded_in.write_text(str(os.getpid()), encoding="utf-8")
        return validate(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(build_module, "validate", spy)
    told: list[tuple[str, bool]] = []
    result = build_site(
        data, tmp_path / "forked", progress=lambda stage, s, _d: told.append((stage, s is None))
    )
    assert (int(loaded_in.read_text()) != os.getpid()) == parallel.can_fork()
    assert [stage for stage, started in told if not started] == list(result.timings)
    assert [stage for stage, started in told if started] == list(result.timings)
    assert set(result.timings) == set(build_module.STAGES)  # a clean build has every stage
    assert set(result.cpu) == set(result.timings) and result.search_entries > 0
    monkeypatch.setattr(parallel, "can_fork", lambda: False)
    inline = build_site(data, tmp_path / "inline")
    assert int(loaded_in.read_text()) == os.getpid()
    assert (inline.pages, inline.files, inline.size) == (result.pages, result.files, result.size)
    assert site_files(tmp_path / "inline") == site_files(tmp_path / "forked")


@pytest.mark.slow
def test_failed_build_leaves_the_previous_site_untouched(demo: Path, tmp_path: Path) -> None:
    data = copy_data(tmp_path / "data")
    out = tmp_path / "public"
    copy_site(demo, out)  # as built from `data`
    before = {p.relative_to(out).as_posix(): p.stat().st_mtime_ns for p in out.rglob("*")}
    (data / "measures" / "1.1.1.1.2.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    with pytest.raises(DataError) as raised:  # found in the build's forked child (issue 22)
        build_site(data, out)
    errors = [p for p in raised.value.problems if p.severity == "error"]
    assert [p.file for p in errors] == [str(data / "measures" / "1.1.1.1.2.yaml")]
    assert errors[0].line > 0
    after = {p.relative_to(out).as_posix(): p.stat().st_mtime_ns for p in out.rglob("*")}
    assert after == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "public", "public-docs"]


def test_build_refuses_a_folder_it_did_not_make(tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    with pytest.raises(BuildError, match="not made by dap build"):
        build(ROOT / "data", out, as_of=AS_OF, docs_dir=tmp_path / "docs")
    assert (out / "notes.txt").read_text() == "keep me"


def test_a_second_build_into_the_same_docs_folder_is_refused(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    with docs_lock(docs), pytest.raises(BuildError, match="another dap build is writing"):
        build(ROOT / "data", tmp_path / "public", as_of=AS_OF, docs_dir=docs)
    assert not (tmp_path / "public").exists()


@pytest.mark.slow
def test_cli_build_prints_one_line_per_stage_when_piped(tmp_path: Path, runner) -> None:  # noqa: ANN001
    from builder.cli import cli

    out = tmp_path / "public"
    result = runner.invoke(
        cli,
        [
            "build",
            "--data",
            str(ROOT / "tests" / "fixtures" / "programme" / "data"),
            "--out",
            str(out),
            "--docs-dir",
            str(tmp_path / "docs"),
            "--as-of",
            "2025-12-31",
        ],
    )
    assert result.exit_code == 0, result.output
    stages = [
        line.split(":")[1].strip()
        for line in result.output.splitlines()
        if line.startswith("build:")
    ]
    assert stages == [
        "inputs checked",  # issue 22: a build with nothing to do stops here
        "load and validate",
        "history",
        "compute",
        "pages",
        "pages in English",  # issue 21: the English edition, from the same computation
        "datasets",  # issue 22: made beside the pages, waited for here
        "mkdocs",
        "mkdocs in English",
        "search index",
        "search index in English",
        "swap",
    ]
    assert "Built " in result.output and (out / "index.html").is_file()


def test_on_a_terminal_the_running_stage_shows_until_it_ends() -> None:
    from builder.build import progress_printer

    shown: list[tuple[str, bool]] = []
    show = progress_printer(True, lambda text, nl=True: shown.append((text, nl)))
    show("mkdocs", None, "")
    show("mkdocs", 9.5, "2579 pages, 195.4 MB")
    assert shown == [
        ("  … mkdocs", False),  # no newline: the tick replaces it
        ("\r\x1b[K  ✓ mkdocs               9.50 s  2579 pages, 195.4 MB", True),
    ]
    plain: list[str] = []
    show = progress_printer(False, lambda text, nl=True: plain.append(text))
    show("mkdocs", None, "")
    show("mkdocs", 9.5, "")
    assert plain == ["build: mkdocs: 9.50 s"]


# ---------------------------------------------------------------- rebuilding


@pytest.mark.slow
@pytest.mark.parametrize("processes", [1, 2])
def test_a_rebuild_keeps_unchanged_pages_and_equals_a_fresh_build(
    demo: Path, corrected: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, processes: int
) -> None:
    if processes == 2:  # the pages still to render are shared with a second MkDocs process
        monkeypatch.setattr(site_mkdocs, "PARALLEL_MIN_PAGES", 1)
    data = copy_data(tmp_path / "data")
    out = tmp_path / "public"
    first = copy_site(demo, out)  # as built from `data`
    assert first.reused == 0 and first.changed > 40
    kept = out / "measures" / "1.1.1.2.1.html"
    inode = kept.stat().st_ino
    correct_a_report(data)
    second = build_site(data, out)
    records = record_pages(tmp_path / "public-docs")
    # all but the measure whose report changed, in each of the two editions (issue 21)
    assert second.reused == 2 * (len(records) - 1)
    assert 0 < second.changed < first.changed // 4  # its page, the downloads; others kept
    assert kept.stat().st_ino == inode  # carried over, not rendered again
    assert "(виправлено)" in (out / "measures" / "1.1.1.1.2.html").read_text(encoding="utf-8")
    first_files, second_files = site_files(out), site_files(corrected)  # a fresh build
    assert sorted(first_files) == sorted(second_files)
    assert [p for p in first_files if first_files[p] != second_files[p]] == []


@pytest.mark.slow
def test_pages_are_reused_only_from_the_same_site_configuration(demo: Path, tmp_path: Path) -> None:
    from builder.site.editions import edition_key
    from builder.site.reuse import MANIFEST, reusable_pages, site_key
    from builder.wording import UK

    out = tmp_path / "public"
    copy_site(demo, out)
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    digests = manifest["pages"]
    records = sorted(digests)
    key = site_key(SITE, edition_key(UK))
    assert manifest["key"] == key
    assert reusable_pages(out, key, digests, records) == frozenset(records)
    assert reusable_pages(out, "another key", digests, records) == frozenset()
    changed = {**digests, records[0]: "0" * 32}
    assert records[0] not in reusable_pages(out, key, changed, records)
    linked = out / (records[1][: -len(".md")] + ".html")  # a link is never carried over
    (tmp_path / "elsewhere.html").write_text("<p>чуже</p>", encoding="utf-8")
    linked.unlink()
    linked.symlink_to(tmp_path / "elsewhere.html")
    assert records[1] not in reusable_pages(out, key, digests, records)
    (out / MANIFEST).write_text("{broken", encoding="utf-8")
    assert reusable_pages(out, key, digests, records) == frozenset()
    assert reusable_pages(tmp_path / "nothing", key, digests, records) == frozenset()
    # the theme's templates are part of the key: a changed template rebuilds every page
    site = tmp_path / "site"
    shutil.copytree(SITE, site, ignore=shutil.ignore_patterns("docs", "_build"))
    (site / "overrides" / "main.html").write_text(
        (site / "overrides" / "main.html").read_text(encoding="utf-8") + "\n{# changed #}\n",
        encoding="utf-8",
    )
    assert site_key(site, edition_key(UK)) != key


def test_the_docs_folder_holds_exactly_the_latest_pages(tmp_path: Path) -> None:
    from builder.output import Writer

    root = tmp_path / "docs"
    first = Writer(root)
    first.write("measures/1.md", "один")
    first.write("measures/2.md", "два")
    first.write("old/gone.md", "стара")
    (root / ".dap-docs").write_text("mark")
    before = (root / "measures" / "1.md").stat().st_mtime_ns
    second = Writer(root)
    second.write("measures/1.md", "один")
    assert second.prune(keep=frozenset({".dap-docs"})) == 2
    assert sorted(p.relative_to(root).as_posix() for p in root.rglob("*")) == [
        ".dap-docs",
        "measures",
        "measures/1.md",
    ]
    assert second.unchanged == 1 and (root / "measures" / "1.md").stat().st_mtime_ns == before


def test_the_writer_refuses_every_way_out_of_its_folder(tmp_path: Path) -> None:
    """`Writer.path` checks a folder once and remembers it (issue 22); no path, link or
    remembered folder leads a write outside the root."""
    from builder.errors import BuildError
    from builder.output import Writer

    root, outside = tmp_path / "docs", tmp_path / "outside"
    outside.mkdir()
    writer = Writer(root)
    assert writer.write("measures/1.md", "один") == root.resolve() / "measures" / "1.md"
    assert writer.path("measures/./2.md") == root.resolve() / "measures" / "2.md"
    assert writer.path("a/../b.md") == root.resolve() / "b.md"  # inside, so allowed
    (root / "linked").symlink_to(outside, target_is_directory=True)
    (root / "measures" / "file.md").symlink_to(outside / "file.md")
    for rel in (
        "../x.md",
        "measures/../../x.md",
        str(outside / "x.md"),
        "linked/x.md",
        "measures/file.md",
    ):
        with pytest.raises(BuildError, match="refusing to write outside"):
            writer.write(rel, "ні")
    assert list(outside.iterdir()) == []


def test_a_new_file_is_made_in_place_and_an_interrupted_one_is_never_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file that did not exist is written at its name without a temporary file (issue 22);
    one whose writing failed is removed, and one left half-written (a build killed) is
    rewritten by the next build: its bytes are compared, never trusted by its name."""
    import os

    from builder import output
    from builder.output import Writer

    root = tmp_path / "docs"
    writer = Writer(root)
    writer.write("a/b/new.md", "новий")  # its folders made
    assert (root / "a" / "b" / "new.md").read_text(encoding="utf-8") == "новий"
    umask = os.umask(0)
    os.umask(umask)
    assert (root / "a" / "b" / "new.md").stat().st_mode & 0o777 == 0o666 & ~umask
    assert writer.unchanged == 0 and not list((root / "a" / "b").glob(".*"))

    def fails(fd: int, data: object) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(output.os, "write", fails)
    with pytest.raises(OSError):
        Writer(root).write("a/failed.md", "x" * 100)
    monkeypatch.undo()
    assert not (root / "a" / "failed.md").exists()

    (root / "a" / "half.md").write_bytes("цілий текст".encode()[:7])  # a build killed
    again = Writer(root)
    again.write("a/half.md", "цілий текст")
    again.write("a/b/new.md", "новий")
    assert (root / "a" / "half.md").read_text(encoding="utf-8") == "цілий текст"
    assert again.unchanged == 1  # new.md kept its bytes


# ---------------------------------------------------------------- dap serve

NOT_FOUND_PAGE = "<!doctype html><html lang='uk'><title>Сторінку не знайдено</title></html>"


def _get(port: int, path: str, method: str = "GET") -> tuple[int, bytes]:
    """One raw HTTP request (any bytes in the path, as a client may send them): status, body."""
    import socket

    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(f"{method} {path} HTTP/1.0\r\nHost: localhost\r\n\r\n".encode("latin-1"))
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    assert answer, f"{path!r}: the connection was dropped without an answer"
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


class Served:
    """`dap serve --no-build` in its own process on a free port."""

    def __init__(self, site: Path) -> None:
        import os
        import subprocess
        import sys

        env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}
        command = [sys.executable, "-m", "builder", "--project", str(site.parent), "serve"]
        self.process = subprocess.Popen(
            [*command, "--no-build", "--port", "0", "--out", str(site)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        found = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        assert found, line
        self.port = int(found[1])
        self.log = ""

    def stop(self) -> str:
        """Stop the server as Ctrl+C does; what it wrote to stderr (its request log)."""
        import signal

        if self.process.returncode is None:
            self.process.send_signal(signal.SIGINT)
            _, self.log = self.process.communicate(timeout=30)
        return self.log


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    """`dap serve` over a small site: a page, the 404 page, a folder with a file but no index."""
    site = tmp_path / "public"
    (site / "assets").mkdir(parents=True)
    (site / "index.html").write_text("<!doctype html><title>Головна</title>", "utf-8")
    (site / "404.html").write_text(NOT_FOUND_PAGE, "utf-8")
    (site / "assets" / "dap.css").write_text("body{}", "utf-8")
    server = Served(site)
    yield server
    server.stop()


MALFORMED = ["/index.html%00", "/%00", "/index.html%0a", "/a\x01b", "/%ff", "/%ed%a0%80", "/%c0%af"]


@pytest.mark.parametrize("path", MALFORMED)
def test_serve_answers_a_malformed_path_with_400(served: Served, path: str) -> None:
    assert _get(served.port, path)[0] == 400
    assert _get(served.port, "/index.html")[0] == 200  # and goes on serving


def test_serve_shows_its_own_404_page_and_never_a_folder_listing(served: Served) -> None:
    status, body = _get(served.port, "/index.html")
    assert (status, body.decode("utf-8")) == (200, "<!doctype html><title>Головна</title>")
    for path in ("/assets/", "/assets", "/nope.html", "/assets/nope/", "/..%2f..%2fetc%2fpasswd"):
        status, body = _get(served.port, path)
        assert (status, body.decode("utf-8")) == (404, NOT_FOUND_PAGE), path
    assert _get(served.port, "/nope.html", "HEAD") == (404, b"")
    assert _get(served.port, "/index.html?q=%00")[0] == 200  # the query is not a path


def test_serve_logs_bad_requests_without_a_traceback(served: Served) -> None:
    for path in [*MALFORMED, "/assets/", "/nope.html"]:
        _get(served.port, path)
    log = served.stop()
    assert "Traceback" not in log and "Error" not in log
    assert '"GET /nope.html HTTP/1.0" 404' in log and '"GET /%ff HTTP/1.0" 400' in log


def test_the_site_has_a_ukrainian_404_page_and_dap_serve_answers_with_it(demo: Path) -> None:
    page = (demo / "public" / "404.html").read_text(encoding="utf-8")
    assert 'lang="uk"' in page and "Сторінку не знайдено" in page
    assert "Not found" not in page
    server = Served(demo / "public")
    try:
        for path in ("/measures/nope.html", "/assets/", "/downloads/"):
            assert _get(server.port, path) == (404, page.encode("utf-8")), path
        assert _get(server.port, "/downloads/latest/")[0] == 200  # the README's page
        english = (demo / "public" / "en" / "404.html").read_text(encoding="utf-8")
        assert 'lang="en"' in english and "Page not found" in english
        assert _get(server.port, "/en/measures/nope.html") == (404, english.encode("utf-8"))
    finally:
        assert "Traceback" not in server.stop()


# ---------------------------------------------------------------- reading comfort


def test_executor_lists_are_in_ukrainian_alphabetical_order() -> None:
    """Code-point order puts «Івано-Франківська…» and «Єдине…» after «Я…»; the alphabet does
    not. The executors' index and a direction's per-executor table follow the alphabet."""
    from builder.compute import history_snapshots
    from builder.site import executors
    from builder.wording import uk_sort_key

    data = load_data(ROOT / "data")
    names = [
        "Івано-Франківська обласна державна адміністрація",
        "Ясинуватська міська рада",
        "Агентство з розшуку та менеджменту активів",
        "Єдиний державний реєстр",
        "Ґрунтова служба",
        "Гідрометцентр",
    ]
    ids = sorted(data.executors)
    assert len(ids) >= len(names)
    renamed = {
        eid: ex.model_copy(update={"name": name, "short_name": None})
        for (eid, ex), name in zip(sorted(data.executors.items()), names, strict=False)
    }
    data.executors.update(renamed)
    site = context.prepare(data, history_snapshots(data, None, AS_OF, AS_OF), None, None, None, "t")
    script = executors.executors_data(site)  # the index's rows (a paged list, in this order)
    rows = json.loads(script[script.rindex("] = ") + 4 : script.rindex(";")])
    shown = [row[0][3] for row in rows if row[0][3] in names]
    expected = [
        "Агентство з розшуку та менеджменту активів",
        "Гідрометцентр",
        "Ґрунтова служба",
        "Єдиний державний реєстр",
        "Івано-Франківська обласна державна адміністрація",
        "Ясинуватська міська рада",
    ]
    assert shown == expected
    assert sorted(names) != expected  # code-point order would differ
    assert sorted(names, key=uk_sort_key) == expected


def test_file_sizes_lists_what_rglob_lists(tmp_path: Path) -> None:
    """`output.file_sizes` (issue 22: `os.scandir`, on the daily rebuild's path) gives the files
    `Path.rglob` gives, with their sizes: nested folders, a link to a file followed, a link to
    a folder and a broken link not."""
    root = tmp_path / "pagefind"
    (root / "fragment" / "deep").mkdir(parents=True)
    (root / "index").mkdir()
    (root / "pagefind.js").write_bytes(b"x" * 7)
    (root / "fragment" / "a.pf_fragment").write_bytes(b"y" * 11)
    (root / "fragment" / "deep" / "b").write_bytes(b"")
    (root / "index" / "c.pf_index").write_bytes(b"z" * 3)
    (root / "linked.js").symlink_to(root / "pagefind.js")
    (root / "folder-link").symlink_to(root / "index")
    (root / "broken").symlink_to(root / "nowhere")
    expected = {
        p.relative_to(root).as_posix(): p.stat().st_size for p in root.rglob("*") if p.is_file()
    }
    assert file_sizes(root) == expected
    assert expected == {
        "pagefind.js": 7,
        "fragment/a.pf_fragment": 11,
        "fragment/deep/b": 0,
        "index/c.pf_index": 3,
        "linked.js": 7,
    }
