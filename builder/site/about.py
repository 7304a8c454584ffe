"""Fixed pages about the programme and the site: notices, feedback, methodology, downloads.

Each is written in the edition of its `Site` (`site.ed`, issue 21): the texts are messages of
the site's catalogue (`said`), official terms, dates and numbers from the `wording.Edition`;
what NACP and the public wrote (notices, feedback) stays as written, marked `lang="uk"` on
the English edition (`measures.in_uk`).
"""

from __future__ import annotations

import html
import re
from urllib.parse import quote

from .. import models as m
from .. import scores
from ..compute import STATUSES
from ..i18n import S_
from ..wording import EDITIONS, GLOSSARY, UK, Edition
from .context import (
    Site,
    measure_number,
    page_path,
)
from .markup import (
    Cell,
    a,
    block,
    data_text,
    esc,
    front,
    in_language,
    link_html,
    md,
    safe_url,
    text_html,
)
from .measures import dates_html, in_uk, table_html

_INLINE = re.compile(r"&lt;(/?(?:strong|code|em))&gt;")


def said(ed: Edition, msgid: str, /, **values: str) -> str:
    """A message of the site's catalogue in edition `ed` as HTML: its text escaped except the
    inline tags a message may hold (<strong>, <code>, <em>), its `{name}` placeholders filled
    with `values`, HTML already made; a Ukrainian fallback is marked `lang="uk"`."""
    text, lang = ed.catalogue.translate(msgid)
    out = _INLINE.sub(r"<\1>", html.escape(text, quote=False))
    if values:
        out = out.format_map(values)
    return out if lang == ed.lang else f'<span lang="{lang}">{out}</span>'


NOTICE_SECTIONS = (
    (m.NoticeKind.NATIONAL_REPORT, S_("National reports")),
    (m.NoticeKind.STATISTICS, S_("Statistics")),
    (m.NoticeKind.UNPLANNED_MEASURE, S_("Unplanned measures")),
    (m.NoticeKind.NEWS, S_("News")),
    (m.NoticeKind.MAINTENANCE, S_("Maintenance")),
)


def notices_page(site: Site) -> str:
    """Національні доповіді, статистика, позапланові заходи, новини, технічні роботи."""
    ed = site.ed
    out = [
        front(ed.t("Reports and statistics")),
        "# " + ed.t("Reports, statistics, unplanned measures") + "\n\n",
    ]
    notices = sorted(site.data.notices.values(), key=lambda n: (n.date, n.id), reverse=True)
    none = esc(ed.t("None yet."))
    for kind, title in NOTICE_SECTIONS:
        items = [n for n in notices if n.kind == kind]
        out.append(f"## {ed.t(title)}\n\n")
        if not items:
            out.append(block(f"<p>{none}</p>"))
            continue
        for n in items:
            when = ed.date(n.date)
            if n.start or n.end:
                span = ed.t(
                    "(in effect {start} — {end})",
                    start=ed.date(n.start or n.date),
                    end=ed.date(n.end),
                )
                when += " " + span
            links = (
                "<ul>" + "".join(f"<li>{link_html(x.title, x.url)}</li>" for x in n.links) + "</ul>"
                if n.links
                else ""
            )
            text = f"<div>{text_html(n.text)}</div>"
            if ed.lang == "uk":
                out.append(f"### {md(n.title)}\n\n")
                out.append(block(f'<p class="dap-dates">{when}</p>', text, links))
            else:  # NACP's own words, as published: a heading marked Ukrainian, not in the TOC
                out.append(
                    block(
                        f'<h3 lang="uk">{esc(" ".join(n.title.split()))}</h3>',
                        f'<p class="dap-dates">{esc(when)}</p>',
                        f'<div lang="uk">{text_html(n.text)}</div>',
                        links.replace("<ul>", '<ul lang="uk">', 1),
                    )
                )
    return "".join(out)


def feedback_page(site: Site) -> str:
    """Зворотний зв'язок: how to send a повідомлення-відгук, and what was published."""
    ed = site.ed
    p = site.programme
    src = "feedback.md"
    title = ed.t("Feedback")
    out = [front(title), f"# {title}\n\n"]
    out.append(
        block(
            "<p>"
            + said(
                ed,
                S_(
                    "Anyone may send a <strong>feedback message</strong> on the implementation of "
                    "the programme: on a single measure, an ESR or the programme as a whole. NACP "
                    "considers the feedback, publishes it together with its answer and takes it "
                    "into account in monitoring."
                ),
            )
            + "</p>"
        )
    )
    out.append("## " + ed.t("How to send feedback") + "\n\n")
    routes = []
    if p.feedback_email:
        address = (
            f'<a href="mailto:{esc(quote(p.feedback_email, safe="@.+-_"))}">'
            f"{esc(p.feedback_email)}</a>"
        )
        routes.append(
            "<li>"
            + said(
                ed,
                S_(
                    "<strong>By e-mail, without a GitHub account:</strong> write to NACP's public "
                    "address {address}."
                ),
                address=address,
            )
            + "</li>"
        )
    if p.repository_url and safe_url(p.repository_url):
        repo = p.repository_url.rstrip("/")
        issue = (
            f'<a href="{esc(repo)}/issues/new" rel="noopener noreferrer">'
            + esc(ed.t("a new issue"))
            + "</a>"
        )
        routes.append(
            "<li>"
            + said(
                ed,
                S_("<strong>Through GitHub:</strong> open {issue} in the programme's repository."),
                issue=issue,
            )
            + "</li>"
        )
    routes.append(
        "<li>"
        + said(
            ed,
            S_(
                "<strong>By post or in person:</strong> a written request to NACP; an analyst "
                "enters it into the data in the same way."
            ),
        )
        + "</li>"
    )
    out.append(block("<ol>" + "".join(routes) + "</ol>"))
    out.append("## " + ed.t("What to include") + "\n\n")
    out.append(
        block(
            "<ul><li>"
            + said(
                ed,
                S_(
                    "the number of the measure (for example, 1.1.1.1.2) or of the ESR the feedback is about;"
                ),
            )
            + "</li><li>"
            + said(
                ed,
                S_(
                    "what the feedback is about: what you noticed, with links to documents, if any;"
                ),
            )
            + "</li><li>"
            + said(
                ed,
                S_("how to sign the feedback on the site: a name or the name of an organisation."),
            )
            + "</li></ul><p>"
            + said(
                ed,
                S_(
                    "Contact details (an e-mail address, a phone number) are needed only for the "
                    "answer and are never published."
                ),
            )
            + "</p>"
        )
    )
    out.append("## " + ed.t("Published feedback") + "\n\n")
    items = sorted(site.data.feedback.values(), key=lambda f: (f.date, f.id), reverse=True)
    if not items:
        out.append(block("<p>" + esc(ed.t("No feedback yet.")) + "</p>"))
    whole = esc(ed.t("the programme as a whole"))
    rows: list[list[Cell]] = []
    for fb in items:
        about = whole
        if fb.measure and fb.measure in site.data.measures:
            number = measure_number(site, fb.measure)
            about = a(
                src, page_path("measures", fb.measure), ed.t("measure {number}", number=number)
            )
        elif fb.result and fb.result in site.data.results:
            about = a(src, page_path("results", fb.result), ed.t("ESR {number}", number=fb.result))
        rows.append(
            [
                (fb.date.isoformat(), ed.date(fb.date)),
                in_uk(ed, esc(fb.author)),
                about,
                in_uk(ed, text_html(fb.text)),
                (
                    in_uk(ed, text_html(fb.answer))
                    + f'<p class="dap-dates">{ed.date(fb.answered_on)}</p>'
                )
                if fb.answer
                else "—",
            ]
        )
    if rows:
        head = [ed.t(h) for h in FEEDBACK_HEAD]
        out.append(block(table_html(ed, head, rows)))
    return "".join(out)


FEEDBACK_HEAD = (S_("Date"), S_("Author"), S_("Concerns"), S_("Feedback message"), S_("Answer"))


def methodology_page(site: Site) -> str:
    """Методологія: how each figure is computed, with the programme's own thresholds."""
    ed = site.ed
    p = site.programme
    lv = p.levels
    rp = p.reporting
    if rp.submission_dates == "git":
        dates = ed.t(
            "the day the authorised manager of the main implementer approved the pull request "
            "with the report (Kyiv time), as recorded in the merge commit to the main branch of "
            "the Git repository and checked against the lists of users; if no approval is "
            "recorded, the day of the merge. It cannot be changed afterwards, and dates written "
            "into the report's file are not taken into account"
        )
    else:
        dates = ed.t(
            "the date of submission written in the report's file (the data is imported or a "
            "demonstration; such dates are marked as not verified)"
        )
    status = {s: esc(ed.status(s)) for s in STATUSES}
    done, partly = status[m.Status.DONE], status[m.Status.PARTLY_DONE]
    timely = {s: esc(ed.timeliness(s)) for s in ("on_time", "late", "missing", "pending")}
    level = {
        x: esc(ed.achievement(x))
        for x in (scores.LEVEL_LOW, scores.LEVEL_MEDIUM, scores.LEVEL_HIGH)
    }
    state = {
        x: esc(ed.esr_state(x))
        for x in (
            scores.STATE_ACHIEVED,
            scores.STATE_PROGRESS,
            scores.STATE_NO_PROGRESS,
            scores.STATE_REGRESS,
        )
    }

    def para(msgid: str, **values: str) -> str:
        return "<p>" + said(ed, msgid, **values) + "</p>"

    def item(msgid: str, **values: str) -> str:
        return "<li>" + said(ed, msgid, **values) + "</li>"

    statuses = "".join(f"<li>{status[s]}</li>" for s in STATUSES)
    timeliness = "".join(
        f"<li><strong>{timely[s]}</strong> — {said(ed, msgid)}</li>"
        for s, msgid in (
            ("on_time", S_("the report was submitted no later than the last day of the window;")),
            ("late", S_("submitted after the window (how many days late is shown);")),
            ("missing", S_("the window has passed and there is no report;")),
            ("pending", S_("the window is still open.")),
        )
    )
    sections = [
        (
            S_("Measure status"),
            para(S_("Each measure has one of five statuses:"))
            + f"<ul>{statuses}</ul>"
            + para(
                S_(
                    "The status is set by the conclusion of a NACP analyst on the analysis of the "
                    "implementer's report (the latest conclusion dated no later than the date the "
                    "figures are given as of). Until there is a conclusion, the status is set "
                    "automatically: «{in_progress}» if the implementer has already submitted a "
                    "report on the measure, otherwise «{not_started}»; such a status is marked on "
                    "the measure's page."
                ),
                in_progress=status[m.Status.IN_PROGRESS],
                not_started=status[m.Status.NOT_STARTED],
            )
            + para(
                S_(
                    "A measure is <strong>overdue</strong> if its deadline has passed and its "
                    "status is neither «{done}» nor «{partly}»."
                ),
                done=done,
                partly=partly,
            ),
        ),
        (
            S_("% implemented"),
            para(
                S_(
                    "<strong>% implemented (of all measures)</strong> = (the number of measures "
                    "with the status «{done}» + «{partly}») ÷ the number of all measures × 100."
                ),
                done=done,
                partly=partly,
            )
            + para(
                S_(
                    "<strong>% implemented (of measures due)</strong> = (the number implemented "
                    "in full or in part among the measures whose deadline ended no later than the "
                    "«as of» date) ÷ the number of such measures × 100."
                )
            )
            + para(
                S_(
                    "Both figures are computed for the programme, each direction, problem, ESR "
                    "and main implementer. Removed measures are not counted. Percentages are "
                    "rounded to {step} (half up)."
                ),
                step=ed.num(0.1),
            ),
        ),
        (
            S_("Two dates"),
            para(
                S_(
                    "Every figure has two dates: «as of», the day the figures describe (the end "
                    "of a quarter or the build date), and «updated», the day the site was built."
                )
            ),
        ),
        (
            S_("Timeliness of reporting"),
            para(
                S_(
                    "The main implementer reports on each measure for each quarter in which the "
                    "measure is being implemented, from day {first} to day {last} (inclusive) of "
                    "the month following the quarter. A report may be submitted earlier."
                ),
                first=str(rp.window_start_day),
                last=str(rp.window_end_day),
            )
            + para(S_("The date of submission is {dates}."), dates=esc(dates))
            + f"<ul>{timeliness}</ul>"
            + para(
                S_(
                    "% of reports submitted on time = {on_time} ÷ ({on_time} + {late} + "
                    "{missing}) × 100."
                ),
                on_time=timely["on_time"],
                late=timely["late"],
                missing=timely["missing"],
            ),
        ),
        (
            S_("Evaluation of ESRs"),
            para(
                S_(
                    "Each ESR has indicators with weights («the programme value of the "
                    "indicator's share») that add up to 100%. Every year the analyst evaluates "
                    "each indicator:"
                )
            )
            + "<ul>"
            + item(
                S_(
                    "<strong>cumulative</strong> subindicators: the shares of the parts achieved "
                    "add up;"
                )
            )
            + item(S_("<strong>tiers</strong>: only the highest tier reached counts;"))
            + item(
                S_(
                    "<strong>free score</strong>: points the analyst gave with a rationale (no "
                    "more than the indicator's weight); an indicator without subindicators is "
                    "scored this way too. An indicator the evaluation says nothing about has 0."
                )
            )
            + "</ul>"
            + para(
                S_(
                    "The score of an ESR = the sum of its indicators' points (0–100%), rounded to "
                    "{step}."
                ),
                step=ed.num(0.01),
            )
            + para(
                S_(
                    "Level of achievement: <strong>{low}</strong> — below {medium_from}%; "
                    "<strong>{medium}</strong> — from {medium_from}% to {high_from}%; "
                    "<strong>{high}</strong> — from {high_from}%."
                ),
                low=level[scores.LEVEL_LOW],
                medium=level[scores.LEVEL_MEDIUM],
                high=level[scores.LEVEL_HIGH],
                medium_from=esc(ed.num(lv.medium_from)),
                high_from=esc(ed.num(lv.high_from)),
            )
            + para(
                S_(
                    "State compared with the previous year: <strong>{achieved}</strong> (100%), "
                    "<strong>{progress}</strong> (the score rose), <strong>{no_progress}</strong> "
                    "(it did not change), <strong>{regress}</strong> (it fell)."
                ),
                achieved=state[scores.STATE_ACHIEVED],
                progress=state[scores.STATE_PROGRESS],
                no_progress=state[scores.STATE_NO_PROGRESS],
                regress=state[scores.STATE_REGRESS],
            )
            + para(
                S_(
                    "An indicator is achieved in full if its points equal its weight; in part if "
                    "its points are above zero; 0% if it has no points."
                )
            ),
        ),
    ]
    title = ed.t("Methodology")
    out = [front(title), f"# {title}\n\n"]
    downloads = a("methodology.md", "downloads.md", ed.t("Download the data"))
    out.append(
        block(
            para(
                S_(
                    "All figures on the site are computed from the programme's data (YAML files "
                    "in the repository) by the same rules, given below. The full data for "
                    "checking them is in the section {downloads}."
                ),
                downloads=downloads,
            )
        )
    )
    for heading, body in sections:
        out.append(f"## {ed.t(heading)}\n\n" + block(body))
    if site.snap.notes:
        out.append("## " + ed.t("Notes on this build") + "\n\n")
        notes = "".join(f"<li>{esc(note.text(ed))}</li>" for note in site.snap.notes)
        out.append(block("<ul>" + notes + "</ul>"))
    return "".join(out)


def _act(ed: Edition, act: m.LegalAct) -> str:
    """An act as HTML: its title (in Ukrainian), number and date."""
    text = in_uk(ed, esc(act.title))
    if act.number:
        text += " " + esc(ed.t("No. {number}", number=act.number))
    if act.date:
        text += " " + esc(ed.t("of {date}", date=ed.date(act.date)))
    return text


def about_page(site: Site) -> str:
    """Про ці дані: the programme, its acts, the demo label, how the site is built."""
    ed = site.ed
    p = site.programme
    title = ed.t("About the data")
    out = [front(title), f"# {title}\n\n"]
    parts = []
    if p.demo:
        parts.append(
            '<div class="admonition warning"><p class="admonition-title">'
            + esc(ed.t("Demonstration data"))
            + "</p><p>"
            + said(
                ed,
                S_(
                    "The programme, measures, reports, evaluations and persons on this site are "
                    "made up. They have the same structure as the real programme and serve only "
                    "to show how the system works."
                ),
            )
            + "</p></div>"
        )
    act = p.act
    act_text = _act(ed, act)
    if act.url and safe_url(act.url):
        act_text = f'<a href="{esc(act.url)}" rel="noopener noreferrer">{act_text}</a>'

    def field(label: str, value: str) -> str:
        return f"<p><strong>{esc(label)}</strong> {value}</p>"

    parts.append(field(ed.t("Programme:"), data_text(ed, p, "title")))
    parts.append(field(ed.t("Approved by:"), act_text))
    parts.append(
        field(ed.t("Programme period:"), f"{ed.date(p.period.start)} — {ed.date(p.period.end)}")
    )
    if p.amendments:
        amended = esc(ed.t("Amendments:"))
        parts.append(
            f"<p><strong>{amended}</strong></p><ul>"
            + "".join(f"<li>{_act(ed, x)}</li>" for x in p.amendments)
            + "</ul>"
        )
    data = site.data
    counts = (
        ed.tn("{n} measure", "{n} measures", len(data.measures)),
        ed.tn("{n} ESR", "{n} ESRs", len(data.results)),
        ed.tn("{n} implementer", "{n} implementers", len(data.executors)),
        ed.tn("{n} report", "{n} reports", len(data.reports)),
        ed.tn("{n} analyst's conclusion", "{n} analysts' conclusions", len(data.assessments)),
        ed.tn("{n} annual ESR evaluation", "{n} annual ESR evaluations", len(data.evaluations)),
    )
    parts.append(field(ed.t("In the data:"), esc(", ".join(counts)) + "."))
    parts.append(dates_html(ed, site.snap))
    version = ""
    if site.version:
        version = " (" + esc(ed.t("version {version}", version=site.version)) + ")"
    parts.append(
        para_html(
            said(
                ed,
                S_(
                    "The data is kept as YAML files in a Git repository: every change has a date "
                    "and an author, and the history is open. The site is built from these files "
                    "by the program <code>dap</code>{version}. The site loads nothing from other "
                    "servers and collects no information about its visitors."
                ),
                version=version,
            )
        )
        + para_html(
            said(
                ed,
                S_(
                    "The contact details of implementers (e-mail addresses, phones) are not published."
                ),
            )
        )
    )
    out.append(block(*parts))
    return "".join(out)


def para_html(text: str) -> str:
    """A paragraph of HTML already made."""
    return f"<p>{text}</p>"


def downloads_page(site: Site) -> str:
    """Завантажити дані: the page written by opendata.pages.downloads_markdown."""
    title = site.ed.t("Download the data")
    return front(title, hide_toc=True) + (site.downloads_md or f"# {title}\n")


def dictionary_page(site: Site) -> str:
    """Словник даних: the page written by opendata.pages.dictionary_markdown."""
    title = site.ed.t("Data dictionary")
    return front(title) + (site.dictionary_md or f"# {title}\n")


def glossary_page(site: Site, ed: Edition | None = None) -> str:
    """Глосарій / Glossary: every official term in Ukrainian and in English, one table, from
    the site's message catalogue (builder/wording.py GLOSSARY) — the names the English
    edition uses. In the edition `ed`, by default the site's (`site.ed`; it reads no data)."""
    if ed is None:
        ed = site.ed if site is not None else UK
    other = EDITIONS["en" if ed.lang == "uk" else "uk"]
    title = " / ".join((ed.t("Glossary"), other.t("Glossary")))
    heading = md(title)
    if ed.lang != "uk":  # the page's title in English; in its heading the Ukrainian marked
        title = ed.t("Glossary")
        heading = f'{md(title)} / <span lang="uk">{md(other.t("Glossary"))}</span>'
    rows: list[list[Cell]] = []
    for msgid in GLOSSARY:
        uk, en = (
            EDITIONS["uk"].catalogue.translate(msgid),
            EDITIONS["en"].catalogue.translate(msgid),
        )
        rows.append([in_language(*uk, ed.lang), in_language(*en, ed.lang)])
    intro = ed.t(
        "Official terms of the programme and of this site in Ukrainian and in English. The "
        "English names follow the English pages of NACP's portal of the State Anti-Corruption "
        "Programme."
    )
    head = (ed.t("Ukrainian"), ed.t("English"))
    caption = ed.t("Terms in Ukrainian and in English")
    return (
        front(title)
        + f"# {heading}\n\n"
        + block(f"<p>{esc(intro)}</p>", table_html(ed, head, rows, caption=caption, sortable=False))
    )
