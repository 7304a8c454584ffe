"""The measure page's cheaper helpers (issue 22, thirteenth session) write what the code they
replaced wrote: texts escaped at once instead of line by line, a block's lines joined without
a generator, the executor's link as a filter instead of a template macro, a step's words and
dates escaped once a run and its person or executor once a page."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import re
from pathlib import Path

import pytest
from site_fixtures import AS_OF, COMPUTED_ON

from builder.compute import history_snapshots
from builder.site import markup, measures
from builder.site.context import Site, prepare
from builder.validate import validate
from builder.versions import dataset_as_of
from builder.wording import EN
from builder.workflow.audit import Step

# What the helpers wrote before (issue 22, twelfth session), kept here as the reference.


def old_text_html(value: str) -> str:
    paragraphs = [p for p in re.split(r"\n\s*\n", value.replace("\r", "").strip()) if p.strip()]
    return "".join(
        "<p>" + "<br>".join(markup.esc(line) for line in p.strip().split("\n")) + "</p>"
        for p in paragraphs
    )


def old_text_cell(value: str) -> str:
    paragraphs = [p for p in re.split(r"\n\s*\n", value.replace("\r", "").strip()) if p.strip()]
    if len(paragraphs) == 1:
        return "<br>".join(markup.esc(line) for line in paragraphs[0].strip().split("\n"))
    return old_text_html(value)


def old_block(*parts: str) -> str:
    text = "\n".join(p for p in parts if p)
    return "\n" + re.sub(r"\n\s*\n", "\n", text) + "\n\n"


OLD_MACRO = """{% macro executor_link(x) %}
{% if x.executor in data.executors %}
{{ x.executor | executor(site, true) | link_to(src, page_path("executors", x.executor)) }}
{%- else %}
{{ x.executor }}
{%- endif %}
{% if x.by_agreement %} {{ _("(subject to consent)") }}{% endif %}
{% endmacro %}
{%- for x in links %}[{{ executor_link(x) }}]{% endfor %}"""

NEW_FILTER = "{% for x in links %}[{{ x | executor_link(site, src) }}]{% endfor %}"

ALPHABET = "ab <>&\"'\n\r \t\u2028\x0b\x85;"


def texts(count: int) -> list[str]:
    """Short random texts of characters that matter to escaping, lines and paragraphs."""
    rng = random.Random(22)
    return ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 24))) for _ in range(count)]


def test_texts_are_escaped_as_line_by_line() -> None:
    for text in [*texts(5000), "", " ", "one line", "a\n\n\nb", "  a & b  ", "x\r\ny"]:
        assert markup.text_html(text) == old_text_html(text), repr(text)
        assert markup.text_cell(text) == old_text_cell(text), repr(text)


def test_a_block_is_what_it_was() -> None:
    for text in texts(3000):
        lines = text.split("\n")
        assert markup.block(*lines) == old_block(*lines), repr(text)
        assert markup.block_filter(text) == old_block(*lines), repr(text)
        assert type(markup.block_filter(text)) is markup.Markup


@pytest.fixture(scope="module")
def sites() -> tuple[Site, Site]:
    """The test programme in both editions."""
    fixture = Path(__file__).parent / "fixtures" / "programme" / "data"
    data = dataset_as_of(validate(fixture, str(fixture))[0], AS_OF)
    site = prepare(data, history_snapshots(data, None, AS_OF, COMPUTED_ON), None, "d", "x", "1")
    return site, dataclasses.replace(site, ed=EN)


def test_an_executor_s_link_is_what_the_macro_wrote(sites: tuple[Site, Site]) -> None:
    for site in sites:
        env = measures.page_templates(site.ed.lang)
        known = sorted(site.data.executors)[:2]
        links = [
            *(ms.main_executor for ms in site.data.measures.values()),
            *(x for ms in site.data.measures.values() for x in ms.co_executors),
        ]
        links += [
            links[0].model_copy(update={"executor": known[0], "by_agreement": True}),
            links[0].model_copy(update={"executor": "невідомий <&>", "by_agreement": True}),
            links[0].model_copy(update={"executor": "невідомий <&>", "by_agreement": False}),
        ]
        assert any(x.by_agreement for x in links)
        values = dict(links=links, site=site, data=site.data, src="measures/1.1.md")
        old = env.from_string(OLD_MACRO).render(**values)
        assert old == env.from_string(NEW_FILTER).render(**values)
        assert "невідомий &lt;&amp;&gt;" in old and "executors/" in old


def test_a_report_s_steps_are_what_they_were(sites: tuple[Site, Site]) -> None:
    """Words and dates escaped once (char by char, as `esc` of the whole line), the person or
    executor once a page: the same HTML as each step worded and escaped on its own."""
    day = dt.date(2024, 4, 1)
    executor = sorted(sites[0].data.executors)[0]
    steps = [
        Step("reports/2024-Q1/1.1", "prepared", "p1", "", day, executor=executor),
        Step("reports/2024-Q1/1.1", "approved", "p1", "", day, executor=executor),
        Step("reports/2024-Q1/1.1", "submitted", "p1", "", day, executor=executor),
        Step("assessments/2024-Q1/1.1", "assessed", "", "", day + dt.timedelta(days=1)),
        Step("reports/2024-Q2/1.1", "submitted", "p2", "", day, executor=executor),
    ]
    for site in sites:
        site = dataclasses.replace(site, steps_of={"1.1": steps})
        by_record = measures.steps_by_record(steps)
        first = measures.steps_html(site, by_record, "2024-Q1/1.1")
        assert by_record.who  # remembered for the page's next report
        again = measures.steps_html(site, by_record, "2024-Q1/1.1")
        fresh = measures.report_steps(site, "1.1", "2024-Q1/1.1")
        assert first == again == fresh
        words = measures.step_words(site.ed.lang)
        date = site.ed.date(day)
        prepared = markup.esc(words[measures.PUBLIC_STEPS["prepared"]] + " " + date)
        assert f"<li>{prepared} — " in first
        unverified = markup.esc(
            words[measures.APPROVED] + " " + date + " " + words[measures.UNVERIFIED]
        )
        assert f"<li>{unverified} — " in first
        assert measures.steps_html(site, by_record, "2024-Q2/1.1").count("<li>") == 1
