"""The measure page and the blocks it shares: feedback, Git history, report timeliness.

Every page is written in the edition of its `Site` (`site.ed`, issue 21): interface words from
the site's catalogue, official terms, dates and numbers from the `wording.Edition`, titles
and names in English where the data has them (`markup.data_text`). What people wrote —
reports, conclusions, notes, feedback — is published as written, in Ukrainian, and marked
`lang="uk"` on the English edition (`in_uk`).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Iterator, Sequence
from operator import itemgetter

import jinja2
from jinja2.ext import Extension
from jinja2.lexer import Token, TokenStream
from markupsafe import Markup, escape

from .. import models as m
from ..compute import DueReport, MeasureState, Snapshot, id_sort_key
from ..i18n import S_
from ..load import record_path
from ..versions import in_order, texts, versions
from ..wording import EDITIONS, REPORT_KIND_TERMS, TIMELINESS, UK, Edition, amendment_summary
from ..workflow.approval import pull_request_url
from ..workflow.audit import Step
from .context import (
    Site,
    executor_name,
    href,
    page_path,
)
from .forms import measure_controls, report_form_href
from .markup import (
    TITLE_LIMIT,
    Cell,
    EscapedOutput,
    block,
    data_text,
    dates_line,
    esc,
    escaped_text,
    link_html,
    render,
    safe,
    safe_url,
    short,
    site_gettext,
    status_mark,
    table,
    templates,
    text_cell,
    text_html,
)
from .pagekeys import template_cache

# ---------------------------------------------------------------- in the page's edition


def in_uk(ed: Edition, html: str) -> str:
    """HTML of a Ukrainian text that has no English version (a report, a note, a person's
    name) on a page of edition `ed`: unchanged on the Ukrainian edition, marked `lang="uk"` on
    the English one (a `<div>` around paragraphs and lists, a `<span>` around the rest)."""
    if ed.lang == "uk" or not html:
        return html
    if html.startswith(("<p>", "<p ", "<ul", "<ol", "<div")):
        return f'<div lang="uk">{html}</div>'
    return f'<span lang="uk">{html}</span>'


def executor_html(site: Site, key: str, full: bool = False) -> str:
    """An executor's short (or full) name as HTML in the page's edition: on the English
    edition its English name, else the Ukrainian one marked `lang="uk"` (markup.data_text)."""
    ed = site.ed
    ex = site.data.executors.get(key)
    if ed.lang == "uk" or ex is None:
        return esc(executor_name(site, key, full))
    if not full and ex.short_name and (ex.short_name_en or not ex.name_en):
        return data_text(ed, ex, "short_name")
    return data_text(ed, ex, "name")


def executor_link(site: Site, source: str, x: m.ExecutorLink, consent: str) -> str:
    """An executor of a measure on its page (`x`: its main executor or a co-executor): its full
    name linked to its page (an unknown one: its id), then « (за згодою)» (`consent`, HTML)
    when it takes part by agreement. A filter, not a macro of the template: a macro costs a
    context call and a frame on each of ~5 executors a page (issue 22)."""
    key = x.executor
    if key in site.data.executors:
        text = link(source, page_path("executors", key), executor_html(site, key, True))
    else:
        text = esc(key)
    return text + " " + consent if x.by_agreement else text


def link(source: str, target: str, html: str) -> str:
    """An internal link around HTML already escaped (markup.a escapes plain text)."""
    return f'<a href="{href(source, target)}">{html}</a>'


# Until the shared helpers of markup.py speak an edition (issue 21, the aggregate pages):
# the Ukrainian edition calls them as before, the English one writes the same HTML in English.


def status_html(ed: Edition, state: MeasureState | None) -> str:
    """markup.status_mark in the page's edition."""
    if ed.lang == "uk" or state is None:
        return status_mark(state)
    text = (
        f'<span class="dap-status" data-status="{esc(state.status)}">'
        f"{esc(ed.status(state.status))}</span>"
    )
    if state.overdue:
        overdue = esc(ed.t("overdue"))
        text += f' <span class="dap-overdue">{overdue}</span>'
    return text


def dates_html(ed: Edition, snap: Snapshot) -> str:
    """markup.dates_line in the page's edition."""
    if ed.lang == "uk":
        return dates_line(snap)
    words = ed.t(
        "State as of {as_of}; published {published}.",
        as_of=ed.date(snap.as_of),
        published=ed.date(snap.computed_on),
    )
    return f'<p class="dap-dates">{esc(words)}</p>'


def table_html(
    ed: Edition,
    head: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    caption: str = "",
    sortable: bool = True,
) -> str:
    """markup.table in the page's edition (the head and caption given in it)."""
    if ed.lang == "uk":
        return table(head, rows, caption=caption, sortable=sortable)
    if not rows:
        return "<p>" + esc(ed.t("No data.")) + "</p>"
    button = esc(ed.t("Download the table (CSV)"))
    return (
        table(head, rows, caption=caption, sortable=sortable, download=False)
        + '\n<p class="dap-table-csv" data-search-exclude><button type="button" '
        f'class="dap-table-download">{button}</button></p>'
    )


# ---------------------------------------------------------------- templates


class ConstantMessages(Extension):
    """The site's messages of a template translated once, when it is compiled, instead of on
    every page (a call of `_()` costs about as much as a line of the page, and 2,000 measure
    pages have 60 each): `{{ _("Status:") }}` becomes template text, `_("Measure %(number)s",
    number=n)` becomes `("Захід %(number)s" | fill(number=n))`. What it writes is what the
    call would write (markup.site_gettext, newstyle `%`), so the page is the same."""

    def filter_stream(self, stream: TokenStream) -> Iterator[Token]:
        edition = self.environment.globals["ed"]
        assert isinstance(edition, Edition)
        gettext = site_gettext(edition.lang)[0]
        tokens = list(stream)
        out: list[Token] = []
        closes: list[int] = []  # the depth of each `fill(` whose closing paren gets one more
        depth = 0
        i = 0
        while i < len(tokens):
            t = tokens[i]
            kinds = [x.type for x in tokens[i : i + 6]]
            is_call = t.type == "name" and t.value == "_" and kinds[1:3] == ["lparen", "string"]
            alone = (
                kinds[3:5] == ["rparen", "variable_end"]
                and out[-1:]
                and (out[-1].type == "variable_begin")
            )
            if is_call and alone:  # {{ _("…") }}: template text
                text = str(gettext(tokens[i + 2].value) % {})  # newstyle: %% is %
                out[-1] = Token(t.lineno, "data", text)
                i += 5
                continue
            if is_call and kinds[3] in ("comma", "rparen"):
                text = str(gettext(tokens[i + 2].value))  # escaped, ready for `fill`
                out += [
                    Token(t.lineno, "lparen", "("),
                    Token(t.lineno, "string", text),
                    Token(t.lineno, "pipe", "|"),
                    Token(t.lineno, "name", "fill"),
                    Token(t.lineno, "lparen", "("),
                ]
                depth += 1
                closes.append(depth)
                i += 4 if kinds[3] == "comma" else 3
                continue
            if t.type in ("lparen", "lbracket", "lbrace"):
                depth += 1
            elif t.type in ("rparen", "rbracket", "rbrace"):
                out.append(t)
                if closes and closes[-1] == depth:
                    closes.pop()
                    out.append(Token(t.lineno, "rparen", ")"))
                depth -= 1
                i += 1
                continue
            out.append(t)
            i += 1
        return iter(out)


@functools.cache
def page_templates(lang: str) -> jinja2.Environment:
    """markup.templates(lang) for the measure page: its messages written when it is compiled
    (`ConstantMessages`), and the edition's words as filters — a filter is called directly,
    a function of the context costs ten times more, and the page has hundreds (2,000 pages).
    Its own cache, so no template compiled without them is reused."""
    env = templates(lang).overlay(
        extensions=[ConstantMessages],
        cache_size=50,
        finalize=escaped_text,  # `escaped` as text: no `Markup` made twice (`EscapedOutput`)
        auto_reload=False,  # the package's own templates: not looked at again on every page
    )
    env.code_generator_class = EscapedOutput
    env.bytecode_cache = template_cache(lang)  # compiled once, kept between builds (issue 22)
    ed = EDITIONS[lang]
    date, period = edition_words(lang)
    # the official terms, looked up once (the catalogue does not change during a build)
    statuses = {s: ed.status(s) for s in m.Status}
    labels = {x: ed.label(x) for x in m.ResultLabel}
    kinds = {k: ed.t(REPORT_KIND_TERMS[k]) for k in m.ReportKind}
    consent = str(site_gettext(lang)[0]("(subject to consent)") % {})  # as `ConstantMessages`
    timeliness = functools.cache(functools.partial(timeliness_words, ed=ed))  # a few dozen
    env.filters = {
        **env.filters,
        "fill": fill,  # a message with its values
        "date": date,
        "period": period,
        "status_term": statuses.__getitem__,
        "label_term": labels.__getitem__,
        "kind_term": kinds.__getitem__,
        "timeliness": lambda due: timeliness(due.state, due.days_late),
        "status_html": lambda state: safe(status_html(ed, state)),
        "data_text": lambda record, field: data_text(ed, record, field),
        "numbered": lambda key, record: safe(numbered(ed, key, record)),
        "link_to": lambda html, source, target: safe(link(source, target, html)),
        "executor": lambda key, site, full=False: safe(executor_html(site, key, full)),
        "executor_link": lambda x, site, src: safe(executor_link(site, src, x, consent)),
        "steps": lambda key, site, steps: safe(steps_html(site, steps, key)),
        "in_uk": lambda html: safe(in_uk(ed, html)),
        "uk_text": lambda text: safe(in_uk(ed, esc(text))),
        "cell": lambda text: safe(text_cell(text)),
        "link_html": lambda title, url: safe(link_html(title, url)),
    }
    return env


def fill(message: str, **values: object) -> Markup:
    """`Markup(message) % values` (a message of the catalogue, escaped, with its values
    escaped by `markupsafe.escape`), without its per-value wrappers: ~120,000 a build."""
    return safe(
        message
        % {
            name: value if type(value) is Markup else escape(value)
            for name, value in values.items()
        }
    )


@functools.cache
def edition_words(lang: str) -> tuple[Callable[[dt.date | None], str], Callable[[str], str]]:
    """`Edition.date` and `Edition.period` of `lang`, each value's words made once per run: a
    measure page writes ~60 dates and ~30 quarters, of a few hundred distinct ones (issue 22)."""
    ed = EDITIONS[lang]
    return functools.cache(ed.date), functools.cache(ed.period)


# A quarter's place in the natural order (`id_sort_key`), made once per quarter and run: the
# measure pages sort their reports and due reports by quarter, ~25 a page (issue 22).
period_order = functools.lru_cache(maxsize=4096)(id_sort_key)


# ---------------------------------------------------------------- feedback


def feedback_section(site: Site, key: tuple[str, str]) -> str:
    """Published stakeholder feedback on a measure or an ОСР, with answers."""
    keys = site.feedback_of.get(key, [])
    if not keys:
        return ""
    ed = site.ed
    answered, no_answer = esc(ed.t("Answer of NACP")), esc(ed.t("No answer yet."))
    parts = []
    for k in keys:
        fb = site.data.feedback[k]
        if fb.answer:
            answer = f"<p><strong>{answered}</strong> ({ed.date(fb.answered_on)}):</p>" + in_uk(
                ed, text_html(fb.answer)
            )
        else:
            answer = f'<p class="dap-muted">{no_answer}</p>'

        text = text_html(fb.text)
        text_block = (
            f'<div class="dap-report-text">{text}</div>'
            if ed.lang == "uk"
            else f'<div class="dap-report-text" lang="uk">{text}</div>'
        )
        parts.append(
            f'<div class="dap-report"><p><strong>{in_uk(ed, esc(fb.author))}</strong>, '
            f"{ed.date(fb.date)}</p>{text_block}{answer}</div>"
        )
    return "## " + ed.t("Public feedback") + "\n\n" + block(*parts)


# ---------------------------------------------------------------- the measure page


def measure_page(site: Site, mid: str) -> str:
    """Захід: every field, status and label, timeline, reports, sources, amendments, feedback.

    The page is templates/measure.md.jinja; this gathers what it shows.
    """
    data = site.data
    ed = site.ed
    ms = data.measures[mid]  # the version in force on the site's date
    text = texts(data)[mid]  # the original text with its amendments
    keys = sorted(site.assessments_of.get(mid, []), key=lambda k: (data.assessments[k].date, k))
    assessments = [data.assessments[k] for k in keys]
    report_keys = sorted(
        site.reports_of.get(mid, []), key=lambda k: (period_order(data.reports[k].period), k)
    )
    number = ms.number or mid
    english = ed.lang != "uk"
    # The report and assessment forms are tools of executors and NACP, in Ukrainian only: the
    # English page offers the public's part, feedback (feedback.md says how to send it).
    controls = english_controls(site, mid) if english else measure_controls(site, mid)
    return render(
        page_templates(ed.lang).get_template("measure.md.jinja"),
        site=site,
        data=data,
        ms=ms,
        src=page_path("measures", mid),
        snap=site.snap,
        state=site.snap.measures.get(mid),
        number=number,
        direction=site.direction_of.get(ms.section),
        problem=site.problem_of.get(mid),
        assessments=assessments,
        due=sorted(site.due_of.get(("measure", mid), []), key=lambda x: period_order(x.period)),
        reports=[(k, data.reports[k]) for k in report_keys],
        sources=[(x, s) for x in assessments for s in x.sources],
        amended=amendment_notices(site, text),
        versions=Markup(versions_table(site, text)) if text.amendments else "",
        feedback=Markup(feedback_section(site, ("measure", mid))),
        history=Markup(history_line(site, "measures", mid)),
        controls=Markup(controls),
        report_form="" if english else Markup(report_form_href(site, mid)),
        steps=steps_by_record(site.steps_of.get(mid, [])),
        report_anchor=report_anchor,
        deadline=Markup(deadline_html(ed, ms.deadline)),
        dates=Markup(dates_html(ed, site.snap)),
        uk_attr=Markup(' lang="uk"') if english else "",
    )


RECURRENCE = {
    m.Recurrence.MONTHLY: S_("monthly"),
    m.Recurrence.QUARTERLY: S_("quarterly"),
    m.Recurrence.HALF_YEARLY: S_("every six months"),
    m.Recurrence.YEARLY: S_("annually"),
    m.Recurrence.CONTINUOUS: S_("continuously"),
}


def deadline_html(ed: Edition, d: m.Deadline) -> str:
    """A measure's deadline as published (Ukrainian: its wording), with its dates, the event
    it starts with and its recurrence: «I квартал 2024 р. (01.01.2024 — 31.03.2024)»."""
    notes = []
    if d.start or d.end:
        notes.append(f"{ed.date(d.start)} — {ed.date(d.end)}")
    if d.start_event:
        notes.append(esc(ed.t("start:")) + " " + in_uk(ed, esc(d.start_event)))
    if d.recurrence:
        notes.append(esc(ed.t("frequency:") + " " + ed.t(RECURRENCE[d.recurrence])))
    return in_uk(ed, esc(d.text)) + (f" ({'; '.join(notes)})" if notes else "")


def numbered(ed: Edition, key: str, record: object) -> str:
    """«1.2 Title» of a section or ОСР for a link: its id and title, shortened (`short`)."""
    if record is None:
        return esc(f"{key} {short(key)}")
    return esc(key) + " " + data_text(ed, record, "title", limit=TITLE_LIMIT)


def english_controls(site: Site, mid: str) -> str:
    """The English measure page's one control: how to send feedback on it."""
    target = href(page_path("measures", mid), "feedback.md")
    words = esc(site.ed.t("Send feedback"))
    return block(
        '<div class="dap-measure-actions">',
        f'<a class="dap-button" href="{target}">{words}</a>',
        "</div>",
    )


def report_anchor(key: str) -> str:
    """The id of a report's block on its measure page (search links to it):
    2024-Q1/1.2.3 → звіт-2024-q1, a correction 2024-Q1/1.2.3@2 → звіт-2024-q1-2. The same on
    both editions, so that a link to a report keeps its place across the language switch."""
    period = key.split("/", 1)[0].lower()
    return "звіт-" + period + ("-" + key.split("@", 1)[1] if "@" in key else "")


# What the public page calls each step of a report (II.5); analysts and the people who merge
# are never named (the body is NACP), an executor's people only where `publish.people` allows.
PUBLIC_STEPS = {
    "prepared": S_("prepared"),
    "approved": S_("approved and submitted to NACP"),
    "submitted-recorded": S_("submitted to NACP"),
    "submitted": S_("entered into the repository"),
    "corrected": S_("correction entered into the repository"),
    "amended": S_("amended"),
    "assessed": S_("assessed by a NACP analyst"),
    "assessment-merged": S_("conclusion entered into the repository"),
    "assessment-amended": S_("conclusion amended"),
}
APPROVED = S_("approved")  # a recorded approval (the file says so)
UNVERIFIED = S_("(as stated in the report, not verified)")


@functools.cache
def step_words(lang: str) -> dict[str, str]:
    """What the public page calls each step, in `lang` (looked up once: hundreds a page)."""
    ed = EDITIONS[lang]
    return {msgid: ed.t(msgid) for msgid in (*PUBLIC_STEPS.values(), APPROVED, UNVERIFIED)}


@functools.cache
def escaped_step_words(lang: str) -> tuple[dict[str, str], Callable[[dt.date], str]]:
    """`step_words(lang)` escaped (`esc`), and `Edition.date` of `lang` escaped, each date's
    made once per run (`steps_html`: a measure page has ~60 steps)."""
    date = edition_words(lang)[0]
    return {k: esc(v) for k, v in step_words(lang).items()}, functools.cache(
        lambda day: esc(date(day))
    )


class StepsByRecord(dict[str, list[tuple[int, Step]]]):
    """A measure's public steps by record (`steps_by_record`), with `who`: the HTML of each
    step's person or executor, made once a page (`steps_html`; ~35 steps a page name one)."""

    def __init__(self) -> None:
        super().__init__()
        self.who: dict[tuple[str | None, str], str] = {}


def steps_by_record(steps: list[Step]) -> StepsByRecord:
    """A measure's public steps by record (`reports/…`, `assessments/…`), each with its place
    in `steps`: a page's reports each look up their own instead of walking all of them."""
    by_record = StepsByRecord()
    for i, s in enumerate(steps):
        if s.step in PUBLIC_STEPS:
            by_record.setdefault(s.record, []).append((i, s))
    return by_record


def report_steps(site: Site, mid: str, key: str) -> str:
    """The steps of one report and of the assessment of its period (who and when, II.5), and
    the link to its pull request (`repository_url`/pull/N, recorded by the merge)."""
    return steps_html(site, steps_by_record(site.steps_of.get(mid, [])), key)


def steps_html(site: Site, by_record: StepsByRecord, key: str) -> str:
    """`report_steps` of the measure whose steps are `by_record` (`steps_by_record`)."""
    ed = site.ed
    words, date = escaped_step_words(ed.lang)  # escaped once a run: ~8 steps a report
    report = by_record.get(f"reports/{key}", [])
    assessment = by_record.get(f"assessments/{key.split('@', 1)[0]}", [])
    items, pull = [], None
    names = by_record.who  # once a page for each person or executor
    for _i, s in sorted(report + assessment, key=itemgetter(0)) if assessment else report:
        if s.step == "approved" and s.source != "git" and s.date is None:
            continue  # nothing recorded: the steps that follow say when
        pull = pull or s.pull_request
        who = ""
        if s.executor:
            who = names.get((s.person, s.executor), "")
            if not who:
                name = site.names.get(s.person)
                who = in_uk(ed, esc(name)) if name else executor_html(site, s.executor)
                names[(s.person, s.executor)] = who
        step = APPROVED if s.step == "approved" and s.source != "git" else PUBLIC_STEPS[s.step]
        text = words[step]  # escaped, as the date and the note: esc() goes character by character
        if s.date:
            text += " " + date(s.date)
            if s.step in ("approved", "submitted-recorded") and s.source != "git":
                text += " " + words[UNVERIFIED]
        items.append(f"<li>{text} — {who}</li>" if who else f"<li>{text}</li>")
    if not items:
        return ""
    more = ""
    url = pull_request_url(site.programme, pull)
    if url and safe_url(url):
        request = esc(ed.t("pull request #{number}", number=pull))
        discussion = esc(ed.t("Discussion of the report:"))
        more = f'<p>{discussion} <a href="{esc(url)}" rel="noopener noreferrer">{request}</a></p>'
    return f'<ul class="dap-steps">{"".join(items)}</ul>{more}'


# ---------------------------------------------------------------- amendments and versions


def amendment_notices(site: Site, text: m.Measure) -> list[str]:
    """One line per amendment (escaped HTML): «з 18.06.2024 змінено (постанова …): строк»;
    the measures that took a removed one's place are links; planned ones say when they apply."""
    ed = site.ed
    src = page_path("measures", text.id)
    lines = []
    for am in in_order(text.amendments):
        words = esc(amendment_summary(am, ed))
        for mid in am.successors():
            if mid in site.data.measures:
                words = words.replace(esc(mid), link(src, page_path("measures", mid), esc(mid)), 1)
        when = (
            ed.t("takes effect on {date}", date=ed.date(am.date))
            if am.date > site.snap.as_of
            else ed.t("amended on {date}", date=ed.date(am.date))
        )
        note = f" {in_uk(ed, esc(am.note))}." if am.note else ""
        lines.append(f"{esc(when)} ({in_uk(ed, esc(am.act))}): {words}.{note}")
    return lines


def versions_table(site: Site, text: m.Measure) -> str:
    """The table of a measure's versions (measure_versions.md.jinja shows it)."""
    ed = site.ed
    head = [
        ed.t(h)
        for h in (
            S_("No."),
            S_("In force"),
            S_("What changed"),
            S_("Title"),
            S_("Deadline"),
            S_("Implementers"),
        )
    ]
    return table_html(ed, head, version_rows(site, text), sortable=False)


def version_rows(site: Site, text: m.Measure) -> list[list[str]]:
    """The versions of a measure as table rows (escaped HTML): when each was in force, what it
    changed, and its title, deadline and executors («без змін» where the previous one holds)."""
    ed = site.ed
    by_agreement = " " + ed.t("(subject to consent)")

    def executors(ms: m.Measure) -> str:
        links = [ms.main_executor, *ms.co_executors]
        return "; ".join(
            executor_html(site, x.executor) + (esc(by_agreement) if x.by_agreement else "")
            for x in links
        )

    def title(ms: m.Measure) -> str:
        return data_text(ed, ms, "title") if ed.lang != "uk" else esc(ms.title)

    unchanged = esc(ed.t("unchanged"))
    rows: list[list[str]] = []
    previous: m.Measure | None = None
    for v in versions(text):
        ms = v.measure
        if v.since is None:
            span = ed.t("until {date}", date=ed.date(v.until)) if v.until else ed.t("all the time")
        else:
            until = ed.date(v.until) if v.until else ed.t("to date")
            span = f"{ed.date(v.since)} – {until}"
        what = "; ".join(amendment_summary(am, ed) for am in v.amendments) or ed.t(
            "original version"
        )
        if not v.in_force:
            what += " " + ed.t("(not yet in the programme)")

        def cell(now: str, before: str | None) -> str:
            return now if before is None or now != before else unchanged

        deadline = in_uk(ed, esc(ms.deadline.text))
        rows.append(
            [
                str(v.number),
                esc(span),
                esc(what),
                cell(title(ms), title(previous) if previous else None),
                cell(deadline, in_uk(ed, esc(previous.deadline.text)) if previous else None),
                cell(executors(ms), executors(previous) if previous else None),
            ]
        )
        previous = ms
    return rows


# ---------------------------------------------------------------- history and timeliness


def history_line(site: Site, kind: str, key: str) -> str:
    """When this record was first published and last updated, from Git (dates and a link to
    the change; no commit ids, names or e-mails on the public page)."""
    ed = site.ed
    history = site.history
    if history is None or not history.available:
        words = ed.t("The history of changes is unavailable (the site was not built from Git).")
        return f'<p class="dap-muted">{esc(words)}</p>'
    path = record_path(site.data, kind, key)
    last = history.last_changed(path)
    first = history.first_added(path)
    if last is None:
        words = ed.t("The file is not yet saved in the Git history.")
        return f'<p class="dap-muted">{esc(words)}</p>'
    if first is not None and first.day != last.day:
        words = ed.t(
            "These data on the site: first published {first}, last updated {last}",
            first=ed.date(first.day),
            last=ed.date(last.day),
        )
    else:
        words = ed.t("These data on the site published {date}", date=ed.date(last.day))
    text = f"<p>{esc(words)}"
    repo = site.programme.repository_url
    if repo and safe_url(repo):
        url = f"{repo.rstrip('/')}/commit/{last.commit}"
        what = esc(ed.t("what changed"))
        text += f' (<a href="{esc(url)}" rel="noopener noreferrer">{what}</a>)'
    return text + ".</p>"


def timeliness_text(d: DueReport, ed: Edition = UK) -> str:
    """A due report's state in words, with days late (plain text)."""
    return timeliness_words(d.state, d.days_late, ed)


def timeliness_words(state: str, days_late: int, ed: Edition = UK) -> str:
    """`timeliness_text` of a due report in `state`, `days_late` days late."""
    late = state == "late" and days_late
    days = " (" + ed.tn("{n} day", "{n} days", days_late) + ")" if late else ""
    return ed.timeliness(state) + days


def timeliness_mark(d: DueReport, ed: Edition = UK) -> str:
    """A due report's state in words, with days late, with its colour class."""
    return f'<span class="dap-timely-{esc(d.state)}">{esc(timeliness_text(d, ed))}</span>'


def timeliness_counts(dues: Iterable[DueReport]) -> dict[str, dict[str, int]]:
    """Counts of due-report states per period."""
    per: dict[str, dict[str, int]] = {}
    for d in dues:
        row = per.get(d.period)
        if row is None:  # not `setdefault`: it would make a row for every due report
            row = per[d.period] = dict.fromkeys(TIMELINESS, 0)
        row[d.state] += 1
    return dict(sorted(per.items(), key=lambda kv: period_order(kv[0])))
