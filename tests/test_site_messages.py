"""The site's message catalogue (the `site` gettext domain, issue 21): every message has its
Ukrainian and English text, a message without English falls back to Ukrainian and is
reported, the official terms keep the Ukrainian output byte for byte, English dates and
numbers come from Babel, and each page language has its own template environment."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from builder import i18n, scores
from builder import models as m
from builder import wording as w
from builder.cli import cli
from builder.site import markup

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "builder"
# The keywords of docs/translating.md's `pybabel extract` (and locale/babel.cfg's mapping).
KEYWORDS = {
    "S_": None,
    "SN_": (1, 2),
    "t": None,
    "tn": (1, 2),
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
}
PLACEHOLDER = re.compile(r"\{(\w+)\}|%\((\w+)\)s")


def mapping() -> tuple[list[tuple[str, str]], dict[str, dict[str, str]]]:
    """locale/babel.cfg as Babel's method map and options (paths relative to the checkout)."""
    from babel.messages.frontend import parse_mapping_cfg

    with (PACKAGE / "locale" / "babel.cfg").open(encoding="utf-8") as handle:
        return parse_mapping_cfg(handle)


def extracted() -> dict[str, tuple[str, ...]]:
    """Every message id of the site's domain in the code and templates → its forms."""
    method_map, options_map = mapping()
    found: dict[str, tuple[str, ...]] = {}
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        forms = message if isinstance(message, tuple) else (message,)
        found[forms[0]] = forms
    return found


def catalogue(lang: str) -> dict[str, object]:
    """The site's .po of `lang`: message id → its text (or forms)."""
    with (PACKAGE / "locale" / lang / "LC_MESSAGES" / "site.po").open("rb") as handle:
        return {
            str(msg.id[0] if isinstance(msg.id, (tuple, list)) else msg.id): msg.string
            for msg in read_po(handle, locale=lang)
            if msg.id
        }


def test_the_site_messages_are_extracted_from_code_and_templates() -> None:
    found = extracted()
    assert "Implemented" in found and "Glossary" in found  # wording.py and site/about.py
    assert "Error: {message}" not in found  # dap's own domain stays out


def test_every_site_message_has_its_ukrainian_text_and_no_other() -> None:
    ours, code = catalogue("uk"), extracted()
    assert sorted(set(code) - set(ours)) == [], "add them to locale/uk/LC_MESSAGES/site.po"
    assert sorted(set(ours) - set(code)) == [], "the code no longer uses them"
    assert [k for k, v in ours.items() if not v or (isinstance(v, tuple) and not all(v))] == []


def test_every_site_message_has_its_english_text() -> None:
    """The report of messages without English: today none (dap untranslated says the same)."""
    total, missing = i18n.site_messages_without_english()
    assert missing == [], "add them to locale/en/LC_MESSAGES/site.po"
    assert total == len(catalogue("uk"))
    assert set(catalogue("en")) <= set(catalogue("uk"))


@pytest.mark.parametrize("lang", ["uk", "en"])
def test_site_translations_keep_the_placeholders(lang: str) -> None:
    wrong = []
    for msgid, text in catalogue(lang).items():
        wanted = {a or b for a, b in PLACEHOLDER.findall(msgid)} - {"n"}
        for form in text if isinstance(text, tuple) else (text,):
            if {a or b for a, b in PLACEHOLDER.findall(str(form))} - {"n"} != wanted:
                wrong.append((msgid, form))
    assert wrong == []


# ---------------------------------------------------------------- fallback to Ukrainian


@pytest.fixture
def without_english(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The package's catalogues with "Not started" taken out of the English one."""
    locale = tmp_path / "locale"
    shutil.copytree(i18n.LOCALE, locale)
    po = locale / "en" / "LC_MESSAGES" / "site.po"
    text = po.read_text(encoding="utf-8")
    entry = 'msgid "Not started"\nmsgstr "Not started"\n'
    assert entry in text
    po.write_text(text.replace(entry, 'msgid "Not started"\nmsgstr ""\n'), encoding="utf-8")
    monkeypatch.setattr(i18n, "LOCALE", locale)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    i18n.site_translations.cache_clear()
    yield
    i18n.site_translations.cache_clear()


def test_a_message_without_english_falls_back_to_ukrainian_and_is_reported(
    without_english, runner, monkeypatch
) -> None:
    english = i18n.site_catalogue("en")
    assert english.translate("Not started") == ("Не розпочато", "uk")
    assert english.falls_back("Not started") and not english.falls_back("Implemented")
    assert w.EN.status(m.Status.NOT_STARTED) == "Не розпочато"
    assert w.EN.status(m.Status.DONE) == "Implemented"
    # a page marks it as Ukrainian
    page = markup.templates("en").from_string("{{ _('Not started') }} / {{ _('Implemented') }}")
    assert page.render() == '<span lang="uk">Не розпочато</span> / Implemented'
    # and it is reported: by the catalogue, and by `dap untranslated`
    assert i18n.site_messages_without_english()[1] == ["Not started"]
    monkeypatch.chdir(ROOT)
    result = runner.invoke(
        cli, ["untranslated", "--list", "--data", "tests/fixtures/programme/data"]
    )
    assert result.exit_code == 1
    total = len(catalogue("uk"))  # every message: the count grows as pages are converted
    assert f"  interface messages of the site: 1 of {total}\n    Not started\n" in result.output


def test_a_message_without_any_text_shows_its_id_marked_english() -> None:
    assert i18n.site_catalogue("uk").translate("No such message") == ("No such message", "en")
    assert markup.in_language("No such message", "en", "uk") == (
        '<span lang="en">No such message</span>'
    )


# ---------------------------------------------------------------- official terms


def test_official_terms_in_ukrainian_are_the_values_kept_in_the_data() -> None:
    assert [w.UK.status(s) for s in m.Status] == [s.value for s in m.Status]
    assert [w.UK.label(x) for x in m.ResultLabel] == [x.value for x in m.ResultLabel]
    assert [w.UK.t(w.REPORT_KIND_TERMS[k]) for k in m.ReportKind] == [k.value for k in m.ReportKind]
    assert [w.UK.t(w.SECTION_TERMS[x]) for x in m.SectionLevel] == [x.value for x in m.SectionLevel]
    levels = (scores.LEVEL_LOW, scores.LEVEL_MEDIUM, scores.LEVEL_HIGH)
    assert [w.UK.achievement(x) for x in levels] == list(levels)
    states = (
        scores.STATE_ACHIEVED,
        scores.STATE_PROGRESS,
        scores.STATE_NO_PROGRESS,
        scores.STATE_REGRESS,
    )
    assert [w.UK.esr_state(x) for x in states] == list(states)
    # the labels every view used before they moved into the catalogue, byte for byte
    assert w.TIMELINESS_LABELS == {
        "on_time": "вчасно",
        "late": "із запізненням",
        "missing": "не подано",
        "pending": "очікується",
    }
    assert w.LEVEL_LABELS == {
        "programme": "програма",
        "direction": "напрям",
        "problem": "проблема",
        "result": "ОСР",
        "executor": "виконавець",
    }
    assert {
        s: (w.TIMELINESS_LABELS[s], w.TIMELINESS_COLORS[s]) for s in w.TIMELINESS
    } == w.TIMELINESS


def test_official_terms_in_english_as_the_portal_words_them() -> None:
    assert [w.EN.status(s) for s in m.Status] == [
        "Implemented",
        "Partially implemented",
        "In progress",
        "Not implemented",
        "Not started",
    ]
    assert (
        w.EN.label(m.ResultLabel.DONE_ON_TIME) == "The measure was implemented on time and in full"
    )
    assert w.EN.label(m.ResultLabel.DONE_LATE_OR_PARTLY) == (
        "The measure was not implemented on time and in full"
    )
    assert w.EN.label(m.ResultLabel.PROGRESS) == (
        "There is progress in the implementation of the measure"
    )
    assert w.EN.level("result") == "ESR"
    assert w.EN.t("expected strategic result (ESR)") == "expected strategic result (ESR)"


def test_every_official_term_has_an_english_text() -> None:
    english = i18n.site_catalogue("en")
    assert [t for t in w.GLOSSARY if english.falls_back(t)] == []
    terms = [
        *w.STATUS_TERMS.values(),
        *w.LABEL_TERMS.values(),
        *w.TIMELINESS_TERMS.values(),
        *w.LEVEL_TERMS.values(),
        *w.ACHIEVEMENT_TERMS.values(),
        *w.ESR_STATE_TERMS.values(),
        *w.REPORT_KIND_TERMS.values(),
        *w.SECTION_TERMS.values(),
    ]
    assert set(terms) <= set(w.GLOSSARY)
    assert not [t for t in terms if re.search("[А-яІіЇїЄєҐґ]", w.EN.t(t))]


# ---------------------------------------------------------------- dates and numbers


@pytest.mark.parametrize(
    ("call", "uk", "en"),
    [
        (lambda e: e.date(dt.date(2024, 12, 31)), "31.12.2024", "31 December 2024"),
        (lambda e: e.date(dt.date(2025, 4, 8)), "08.04.2025", "8 April 2025"),
        (lambda e: e.date(None), "—", "—"),
        (lambda e: e.pct(30.8), "30,8%", "30.8%"),
        (lambda e: e.pct(100), "100,0%", "100.0%"),
        (lambda e: e.pct(0.0, whole=0), "—", "—"),
        (lambda e: e.pct(12.5, sign=False), "12,5", "12.5"),
        (lambda e: e.pct(1234.5), "1234,5%", "1,234.5%"),
        (lambda e: e.num(12.5), "12,5", "12.5"),
        (lambda e: e.num(30.0), "30", "30"),
        (lambda e: e.num(1187), "1187", "1,187"),
        (lambda e: e.period("2024-Q2"), "II квартал 2024", "Q2 2024"),
        (lambda e: e.snapshot(dt.date(2024, 12, 31)), "IV кв. 2024", "Q4 2024"),
        (lambda e: e.snapshot(dt.date(2025, 4, 10)), "10.04.2025", "10 April 2025"),
    ],
)
def test_dates_and_numbers_for_each_edition(call, uk: str, en: str) -> None:
    assert (call(w.UK), call(w.EN)) == (uk, en)


def test_the_ukrainian_edition_writes_exactly_what_the_ukrainian_functions_write() -> None:
    days = [dt.date(2023, 1, 1) + dt.timedelta(days=d) for d in range(0, 1200, 37)]
    assert [w.UK.date(d) for d in days] == [w.ua_date(d) for d in days]
    assert [w.UK.snapshot(d) for d in days] == [w.snapshot_label(d) for d in days]
    values = [0.0, 0.05, 1 / 3 * 100, 12.25, 50.0, 99.95, 100.0]
    assert [w.UK.pct(v) for v in values] == [w.ua_pct(v) for v in values]
    assert [w.UK.num(v) for v in values] == [w.ua_num(v) for v in values]


def test_a_data_text_in_the_language_of_the_page() -> None:
    with_english = m.Section(
        id="1", level=m.SectionLevel.DIRECTION, title="Напрям", title_en="Line"
    )
    without = m.Section(id="2", level=m.SectionLevel.DIRECTION, title="Напрям")
    assert w.EN.text(with_english, "title") == ("Line", "en")
    assert w.EN.text(without, "title") == ("Напрям", "uk")
    assert w.UK.text(with_english, "title") == ("Напрям", "uk")


# ---------------------------------------------------------------- templates and the glossary


def test_each_language_has_its_own_templates_and_nothing_leaks() -> None:
    source = "{{ _('Implemented') }}|{% trans %}Not started{% endtrans %}|{{ ed.date(day) }}"
    day = dt.date(2024, 12, 31)
    english = markup.templates("en").from_string(source).render(day=day)
    ukrainian = markup.templates("uk").from_string(source).render(day=day)
    assert english == "Implemented|Not started|31 December 2024"
    assert ukrainian == "Виконано|Не розпочато|31.12.2024"
    assert markup.templates("en").from_string(source).render(day=day) == english
    assert markup.templates() is markup.templates("uk")
    # values put into a message are escaped; the message itself is text, never HTML
    tricky = markup.templates("en").from_string("{% trans x=v %}Glossary {{ x }}{% endtrans %}")
    assert tricky.render(v="<b>") == "Glossary &lt;b&gt;"  # its id: "Glossary %(x)s"


def test_the_glossary_lists_every_term_in_both_languages() -> None:
    from builder.site.about import glossary_page
    from builder.site.pages import PAGES

    page = glossary_page(None)  # type: ignore[arg-type]  # it reads no data
    assert page.startswith('---\ntitle: "Глосарій / Glossary"\n---\n\n# Глосарій / Glossary\n')
    assert page.count("<tr><td>") == len(w.GLOSSARY)
    assert '<tr><td>Виконано</td><td><span lang="en">Implemented</span></td></tr>' in page
    assert (
        "<td>очікуваний стратегічний результат (ОСР)</td>"
        '<td><span lang="en">expected strategic result (ESR)</span></td>'
    ) in page
    assert '<span lang="uk">' not in page
    english = glossary_page(None, w.EN)  # type: ignore[arg-type]
    assert '<tr><td><span lang="uk">Виконано</span></td><td>Implemented</td></tr>' in english
    assert PAGES["glossary.md"] is glossary_page
    assert "glossary.md" in (ROOT / "site" / "mkdocs.yml").read_text(encoding="utf-8")
