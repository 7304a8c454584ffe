"""The English edition of the record and text pages (issue 21): measure pages (plain, amended,
with versions, reports, conclusions, feedback, hostile texts), methodology, about, feedback,
notices and glossary — every interface word in English, English data texts where the data
has them, the Ukrainian text marked `lang="uk"` where not, escaping kept; the Ukrainian
edition unchanged (tests/test_golden.py), and the messages translated at compile time writing
what `_()` writes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import markdown
import pytest
import yaml
from english_check import cyrillic_outside_uk
from site_fixtures import AS_OF, COMPUTED_ON, HOSTILE_MEASURE, add_hostile_report, copy_data

from builder import models as m
from builder.compute import history_snapshots
from builder.site import about, markup, measures
from builder.site.context import Site, prepare
from builder.validate import validate
from builder.versions import dataset_as_of
from builder.wording import EN, UK, amendment_summary

MARKDOWN_EXTENSIONS = ["tables", "admonition", "attr_list", "toc"]  # site/mkdocs.yml
AMENDED = "1.1.2.1.2"  # amended in the demonstration data: its versions table
WITH_FEEDBACK = "1.1.2.1.1"  # the demonstration's feedback on a measure
ENGLISH_TITLE = "Training <script>window.__xss=1</script> & **officials**"
HOSTILE_TITLE_TEXT = "Training <script>window.__xss=1</script> & **officials**"


def edit(path: Path, change) -> None:
    """Change a YAML record in place."""
    record = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(record)
    path.write_text(yaml.safe_dump(record, allow_unicode=True, sort_keys=False), "utf-8")


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> tuple[Site, Site]:
    """The demonstration data with some English texts (one hostile), a hostile report and a
    renamed measure, in both editions."""
    data_dir = copy_data(tmp_path_factory.mktemp("english") / "data")
    add_hostile_report(data_dir)
    edit(
        data_dir / "measures" / f"{HOSTILE_MEASURE}.yaml",
        lambda r: r.update(title_en=ENGLISH_TITLE),
    )
    edit(
        data_dir / "measures" / f"{AMENDED}.yaml",
        lambda r: r["amendments"].append(
            {
                "date": dt.date(2024, 10, 18),
                "act": "Постанова Кабінету Міністрів України від 18 жовтня 2024 р. № 1194",
                "title": "Інтеграція системи моніторингу з порталом відкритих даних",
                "title_en": "Integrating the monitoring system with the open data portal",
            }
        ),
    )
    edit(
        data_dir / "sections" / "1.1.yaml",
        lambda r: r.update(title_en="Forming and implementing the anti-corruption policy"),
    )
    edit(
        data_dir / "executors" / "nazk.yaml",
        lambda r: r.update(
            name_en="National Agency on Corruption Prevention", short_name_en="NACP"
        ),
    )
    data, problems = validate(data_dir, "data")
    assert [p for p in problems if p.severity == "error"] == []
    data = dataset_as_of(data, AS_OF)  # each measure as in force on the date shown (build)
    snapshots = history_snapshots(data, None, AS_OF, COMPUTED_ON)
    site = prepare(data, snapshots, None, "", "", "test")
    return site, dataclasses.replace(site, ed=EN)


class Page(HTMLParser):
    """A page's HTML as a reader meets it: its text, its tags and event handlers."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.handlers = 0
        self.parts: list[str] = []
        self.feed(html)
        self.close()
        self.text = " ".join("".join(self.parts).split())

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.handlers += sum(name.startswith("on") for name, _ in attrs)
        self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_of(page: str) -> str:
    """A Markdown page as MkDocs turns it into HTML (its front matter left out)."""
    body = re.sub(r"\A---\n.*?\n---\n", "", page, flags=re.S)
    return markdown.markdown(body, extensions=MARKDOWN_EXTENSIONS)


def title_of(page: str) -> str:
    """The `title:` of a page's front matter."""
    found = re.search(r'^title: (".*")$', page, re.M)
    assert found
    return str(yaml.safe_load(found[1]))


# ---------------------------------------------------------------- measure pages


def test_every_english_measure_page_is_english_outside_lang_uk(sites) -> None:
    _, en = sites
    for mid in sorted(en.data.measures):
        page = measures.measure_page(en, mid)
        assert cyrillic_outside_uk(html_of(page)) == [], mid
        assert re.fullmatch(r"Measure [\d.]+", title_of(page)), mid
        assert f"# Measure {mid}\n" in page


def test_the_measures_shown_cover_every_block(sites) -> None:
    """The pages checked above hold every part of the page: amendments and versions,
    reports with their steps, conclusions, sources, feedback, an overdue status."""
    _, en = sites
    pages = {mid: measures.measure_page(en, mid) for mid in en.data.measures}
    joined = "\n".join(pages.values())
    for part in (
        "## Versions of the measure",
        "The measure has been amended.",
        '<ul class="dap-steps">',
        "Timeline of monitoring results",
        "## Sources used by the analyst",
        "## Public feedback",
        '<span class="dap-overdue">overdue</span>',
        "Timeliness of reporting by quarter",
        "Evidence:",
    ):
        assert part in joined, part
    assert "## Public feedback" in pages[WITH_FEEDBACK]


def test_english_data_texts_where_given_and_ukrainian_marked_where_not(sites) -> None:
    uk, en = sites
    page = measures.measure_page(en, AMENDED)
    # the title of the version in force, in English: the amendment's own title_en
    assert (
        '<p class="dap-lead">Integrating the monitoring system with the open data portal</p>'
        in page
    )
    assert (
        '<a href="../directions/1.1.html">1.1 Forming and implementing the anti-corruption '
        "policy</a>" in page
    )
    assert '<a href="../executors/nazk.html">National Agency on Corruption Prevention</a>' in page
    # the problem and the ОСР have no English title: shown in Ukrainian, marked
    problem = en.data.sections["1.1.2"].title
    assert f'<span lang="uk" class="dap-ua">{markup.esc(problem)}</span>' in page
    # texts people wrote stay Ukrainian, marked: the act, the deadline's wording, the reports
    act = en.data.measures[AMENDED].amendments[0].act
    assert f'(<span lang="uk">{markup.esc(act)}</span>)' in page
    assert '<p class="dap-report-text" lang="uk">' in page
    assert "Reports and conclusions are published as written, in Ukrainian." in page
    # terms, dates and numbers in English
    assert "amended as of 18 June 2024" in page
    assert "<td>deadline</td>" in page and "<td>title</td>" in page
    assert "Report on the result of the measure implementation; implementer: NACP" in page
    # the Ukrainian edition of the same page: Ukrainian, and nothing marked
    ukrainian = measures.measure_page(uk, AMENDED)
    assert 'lang="uk"' not in ukrainian and "Integrating" not in ukrainian
    assert "з 18.06.2024 змінено" in ukrainian


def test_the_versions_of_a_measure_in_english(sites) -> None:
    _, en = sites
    text = measures.texts(en.data)[AMENDED]
    rows = measures.version_rows(en, text)
    assert [row[:3] for row in rows] == [
        ["0", "until 17 June 2024", "original version"],
        ["1", "18 June 2024 – 17 October 2024", "deadline"],
        ["2", "18 October 2024 – to date", "title"],
    ]
    assert rows[1][3] == "unchanged" and rows[2][4] == "unchanged"
    assert rows[2][3] == "Integrating the monitoring system with the open data portal"
    assert rows[0][5] == (
        'NACP (subject to consent); <span lang="uk" class="dap-ua">Мінекономіки</span>'
    )


def test_an_english_title_is_escaped_like_the_ukrainian_one(sites) -> None:
    _, en = sites
    page = measures.measure_page(en, HOSTILE_MEASURE)
    shown = Page(html_of(page))
    assert "script" not in shown.tags and shown.handlers == 0
    assert HOSTILE_TITLE_TEXT in shown.text
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt; &amp; **officials**" in page
    # the hostile report of the same page: shown as text, marked Ukrainian
    assert not {"img", "script"} & set(shown.tags)
    assert 'window.__xss = "script"' in shown.text
    assert cyrillic_outside_uk(html_of(page)) == []


def test_the_steps_of_a_report_in_english(sites) -> None:
    _, en = sites
    key = sorted(en.reports_of[HOSTILE_MEASURE])[0]
    steps = measures.report_steps(en, HOSTILE_MEASURE, key)
    assert steps.startswith('<ul class="dap-steps"><li>prepared — ')
    assert re.search(
        r"<li>approved \d{1,2} \w+ \d{4} \(as stated in the report, not verified\) — NACP</li>",
        steps,
    )


def test_the_english_page_offers_feedback_not_the_forms(sites) -> None:
    uk, en = sites
    page = measures.measure_page(en, HOSTILE_MEASURE)
    assert '<a class="dap-button" href="../feedback.html">Send feedback</a>' in page
    assert "report.html" not in page and "assessment.html" not in page
    assert "report.html" in measures.measure_page(uk, HOSTILE_MEASURE)


# ---------------------------------------------------------------- text pages

TEXT_PAGES = {
    "methodology": about.methodology_page,
    "about": about.about_page,
    "feedback": about.feedback_page,
    "notices": about.notices_page,
    "glossary": about.glossary_page,
}


@pytest.mark.parametrize("name", sorted(TEXT_PAGES))
def test_the_text_pages_are_english_outside_lang_uk(sites, name: str) -> None:
    uk, en = sites
    english, ukrainian = TEXT_PAGES[name](en), TEXT_PAGES[name](uk)
    assert cyrillic_outside_uk(html_of(english)) == []
    assert not re.search("[А-яІіЇїЄєҐґ]", title_of(english))
    assert english != ukrainian
    assert "Download the table (CSV)" in english or "<table" not in english


def test_the_methodology_in_english_with_the_official_terms(sites) -> None:
    _, en = sites
    page = about.methodology_page(en)
    assert (
        "otherwise “Not started”; the measure’s page says when its status was set this way." in page
    )
    assert "neither “Implemented” nor “Partially implemented”" in page
    assert "Percentages are rounded to 0.1 (half up)." in page
    assert "<strong>low</strong> — below 40%; <strong>medium</strong> — from 40% to 75%" in page
    assert "= on time ÷ (on time + late + not submitted) × 100." in page
    assert '<a href="downloads.html">Download the data</a>' in page


def test_the_about_page_in_english(sites) -> None:
    _, en = sites
    page = about.about_page(en)
    assert "<strong>In the data:</strong> 13 measures, 6 ESRs, 6 implementers," in page
    assert "No. 220 of 4 March 2023" in page
    assert "State as of 31 December 2025; published 25 November 2026." in page
    assert "by the <code>dap</code> program (version test)." in page


def test_the_feedback_and_notices_pages_keep_what_people_wrote_in_ukrainian(sites) -> None:
    _, en = sites
    feedback = about.feedback_page(en)
    assert '<th scope="col">Concerns</th>' in feedback
    assert '<a href="measures/1.1.2.1.1.html">measure 1.1.2.1.1</a>' in feedback
    assert '<td><div lang="uk"><p>' in feedback
    notices = about.notices_page(en)
    assert '<h3 lang="uk">' in notices and "### " not in notices  # not in the page's TOC
    assert "## National reports" in notices and "(in effect 20 November 2026 —" in notices


# ---------------------------------------------------------------- wording


def amendment(**values: Any) -> m.Amendment:
    return m.Amendment(date=dt.date(2024, 6, 1), act="Постанова", **values)


@pytest.mark.parametrize(
    ("values", "uk", "en"),
    [
        ({"deadline": {"text": "2025 р."}}, "строк", "deadline"),
        (
            {"title": "Нова", "title_en": "New", "co_executors": [], "funding": {}},
            "назва, виконавці, фінансування",
            "title, implementers, funding",
        ),
        (
            {"added": True, "results": ["1.1"]},
            "включено до програми, ОСР",
            "included in the program, ESR",
        ),
        (
            {"split_into": ["1.2", "1.3"], "removed": True},
            "поділено на заходи 1.2, 1.3, вилучено з програми",
            "split into measures 1.2, 1.3, removed from the program",
        ),
        ({"replaced_by": "1.4"}, "замінено заходом 1.4", "replaced by measure 1.4"),
        (
            {"renumbered_to": "1.5"},
            "перенумеровано: тепер захід 1.5",
            "renumbered: now measure 1.5",
        ),
    ],
)
def test_amendment_summary_in_each_edition(values: dict[str, Any], uk: str, en: str) -> None:
    am = amendment(**values)
    assert amendment_summary(am) == amendment_summary(am, UK) == uk
    assert amendment_summary(am, EN) == en


# ---------------------------------------------------------------- messages at compile time

SOURCES = [
    '{{ _("Status:") }}|{{ _("Measure %(number)s", number=n) }}',
    '{{ _("Measure %(number)s", number=n) | striptags }}|{{ _("methodology") ~ "!" }}',
    '{% set x = _("Evidence:") %}{{ x }}{{ [_("No."), _("Title")] | join(", ") }}',
    '{{ f(_("Kind: %(kind)s; implementer: %(implementer)s", kind=k | upper, implementer=n)) }}',
    '{{- _("What changed") -}} {{ _("Not a message of the catalogue") }}',
    "{{ _('%(period)s, conclusion of %(date)s:', period=n, date=(n ~ '%')) }}",
]


@pytest.mark.parametrize("lang", ["uk", "en"])
@pytest.mark.parametrize("source", SOURCES)
def test_messages_translated_at_compile_time_write_what_the_call_writes(
    lang: str, source: str
) -> None:
    values = {"n": "<b>1.2</b>", "k": "x&y", "f": lambda v: f"[{v}]"}
    plain = markup.templates(lang).from_string(source).render(**values)
    folded = measures.page_templates(lang).from_string(source).render(**values)
    assert folded == plain


def test_the_compiled_measure_template_calls_no_gettext() -> None:
    env = measures.page_templates("en")
    source = env.loader.get_source(env, "measure.md.jinja")[0]  # type: ignore[union-attr]
    assert "_(" in source
    code = env.compile(source, "measure.md.jinja", raw=True)
    assert "'_'" not in code and "gettext" not in code
    assert "About the measure" in code and "Відомості про захід" not in code
    uk_code = measures.page_templates("uk").compile(source, "measure.md.jinja", raw=True)
    assert "Відомості про захід" in uk_code


# ---------------------------------------------------------------- carried-over pages


def test_an_english_page_is_never_carried_over_from_a_ukrainian_site(tmp_path: Path) -> None:
    from builder.project import bundled
    from builder.site.editions import edition_key
    from builder.site.reuse import OUTPUT_MARK, reusable_pages, site_key, write_manifest
    from builder.wording import EN, UK

    site_dir = bundled("site")
    ukrainian, english = site_key(site_dir, edition_key(UK)), site_key(site_dir, edition_key(EN))
    assert ukrainian == site_key(site_dir, edition_key(UK)) != english
    out = tmp_path / "public"  # a Ukrainian site as `dap build` leaves it
    (out / "measures").mkdir(parents=True)
    (out / OUTPUT_MARK).write_text("dap\n", encoding="utf-8")
    (out / "measures" / "1.1.html").write_text("<p>Захід</p>", encoding="utf-8")
    digests, records = {"measures/1.1.md": "same"}, ["measures/1.1.md"]
    write_manifest(out, ukrainian, digests, records)
    assert reusable_pages(out, ukrainian, digests, records) == frozenset(records)
    assert reusable_pages(out, english, digests, records) == frozenset()


class _Html:
    def __html__(self) -> str:
        return "<i>x</i>"


@pytest.mark.parametrize("lang", ["uk", "en"])
def test_the_measure_templates_write_every_kind_of_value_as_jinja_writes_it(lang: str) -> None:
    """`markup.EscapedOutput` writes the finalize's text alone where Jinja wraps it in its
    `escape` (issue 22): text, HTML, an object with `__html__`, a number and a date come out
    the same, in a block, a `set` block, a macro and a message with its values."""
    from jinja2.compiler import CodeGenerator
    from markupsafe import Markup

    source = (
        "{{ s }}|{{ m }}|{{ h }}|{{ n }}|{{ d }}|{{ s | upper }}|{{ m | safe }}"
        "|{{ _('%(period)s, conclusion of %(date)s:', period=s, date=m) }}"
        "|{{ _('%(period)s, conclusion of %(date)s:', period=d, date=h) }}"
        "|{% set x %}{{ s }}{{ m }}{% endset %}{{ x }}"
        "|{% macro f(v) %}<{{ v }}>{% endmacro %}{{ f(s) }}{{ f(m) }}"
        "|{% filter upper %}{{ s }}{% endfilter %}"
    )
    values = {
        "s": "a'b\"<&> —",
        "m": Markup("<b>'\"</b>"),
        "h": _Html(),
        "n": 12,
        "d": dt.date(2024, 1, 2),
    }
    plain = markup.templates(lang).from_string(source).render(**values)
    fast = measures.page_templates(lang).from_string(source).render(**values)
    assert fast == plain and "&#x27;" in plain and "&#39;" in plain  # both escapers' styles
    code = measures.page_templates(lang).compile(source, raw=True)
    assert "escape(environment.finalize(" not in code and "environment.finalize(" in code
    jinja_own = measures.page_templates(lang).overlay()  # were the hooks ever ignored
    jinja_own.code_generator_class = CodeGenerator
    assert jinja_own.from_string(source).render(**values) == plain


def test_a_report_s_steps_keep_their_order_across_its_record_and_its_assessment() -> None:
    """`steps_html` looks a report's steps up by record (issue 22) and writes them in the
    order of the measure's steps, the report's and its period's assessment's interleaved."""
    from builder.workflow.audit import Step

    fixture = Path(__file__).parent / "fixtures" / "programme" / "data"
    data = dataset_as_of(validate(fixture, str(fixture))[0], AS_OF)
    site = prepare(data, history_snapshots(data, None, AS_OF, COMPUTED_ON), None, "d", "x", "1")
    day = dt.date(2024, 4, 1)
    steps = [
        Step("reports/2024-Q1/1.1", "submitted", "", "", day),
        Step("assessments/2024-Q1/1.1", "assessed", "", "", day + dt.timedelta(days=1)),
        Step("reports/2024-Q1/1.1@2", "corrected", "", "", day + dt.timedelta(days=2)),
        Step("reports/2024-Q2/1.1", "submitted", "", "", day + dt.timedelta(days=3)),
        Step("reports/2024-Q1/1.1", "amended", "", "", day + dt.timedelta(days=4)),
        Step("reports/2024-Q1/1.1", "not-public", "", "", day),
    ]
    site = dataclasses.replace(site, steps_of={"1.1": steps})
    html = measures.report_steps(site, "1.1", "2024-Q1/1.1")
    dates = re.findall(r"\d\d\.\d\d\.\d{4}", html)
    assert dates == ["01.04.2024", "02.04.2024", "05.04.2024"]
    assert re.findall(
        r"\d\d\.\d\d\.\d{4}", measures.report_steps(site, "1.1", "2024-Q1/1.1@2")
    ) == [
        "02.04.2024",
        "03.04.2024",
    ]
