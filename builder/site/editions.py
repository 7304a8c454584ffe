"""The site's two editions (issue 21): where each is written, the MkDocs configuration of each
(derived from the one site/mkdocs.yml), the words of the theme overrides and of the site's
JavaScript in the edition's language, and the English edition's use of the root's assets.

The Ukrainian edition is the site's root; the English one is the same pages rendered a second
time from the same `Site` (`dataclasses.replace(site, ed=EN)`) into `en/` of the docs folder
and built by a second MkDocs run into `en/` of the output. Every word here is a message of the
`site` catalogue, so the Ukrainian edition reads exactly as before.

The English pages load the theme's and dap's assets (stylesheets, scripts, Plotly) from the
root's `assets/`: `SharedAssets` keeps MkDocs from copying them into `en/assets/` and points
each page's links one folder up. Only `assets/data/` (the filter's rows, the figures at
earlier quarter ends, `dap-text.js` — written in each edition's words) is per edition.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from pathlib import Path
from typing import Any

from ..i18n import S_
from ..wording import EN, UK, Edition

EN_FOLDER = "en"  # the English edition, in the docs folder and in the output
TEXT_JS = "assets/data/dap-text.js"  # the JavaScript's words, per edition
UK_ONLY = ("report.md", "assessment.md")  # the officials' forms: Ukrainian edition only

# The sidebar's titles: each Ukrainian title of site/mkdocs.yml is one of these messages (a
# title that is not stays as it is, in Ukrainian, on the English edition too).
NAV_TITLES = (
    S_("Home"),
    S_("Programme"),
    S_("Directions"),
    S_("ESR"),
    S_("Implementers"),
    S_("Timeliness of reporting"),
    S_("Reports and statistics"),
    S_("Download data"),
    S_("Data dictionary"),
    S_("Methodology"),
    S_("Feedback"),
    S_("About this data"),
    S_("Glossary, in both languages"),
)


def template_words(ed: Edition) -> dict[str, str]:
    """The words of the theme overrides (main.html, 404.html, partials/), read there as
    `config.extra.dap.words.KEY` (with the Ukrainian as the default for a hand-run MkDocs)."""
    return {
        "demo_title": ed.t("Demonstration data."),
        "demo_text": ed.t(
            "All figures on this site are made up and serve only to show how the system works."
        ),
        "not_found_title": ed.t("Page not found"),
        "not_found_text": ed.t(
            "There is nothing at this address on the site (error 404): the address may have a "
            "mistake in it, or the page has moved."
        ),
        "not_found_home": ed.t("Go to the home page"),
        "not_found_search": ed.t("or use the search."),
        "search": ed.t("Search"),
        "search_site": ed.t("Search the site"),
        "search_placeholder": ed.t("Search: a word, a title or a measure number"),
        "search_close": ed.t("Close the search"),
        "search_clear": ed.t("Clear"),
        "search_prompt": ed.t("Type a word to search for"),
        "search_more": ed.t("Show more"),
        "switch_label": ed.t("This page in Ukrainian"),
        "section_link": ed.t("Link to this section"),
    }


def edition_extra(ed: Edition) -> dict[str, Any]:
    """`extra.dap` of an edition's MkDocs configuration: its language, the other edition (for
    the language switch and `hreflang`), the path from an edition's root to the other's, and
    the pages the other edition does not have."""
    other = EN if ed.lang == "uk" else UK
    return {
        "lang": ed.lang,
        "other": other.lang,
        # «English» on the Ukrainian edition, «Українська» (lang="uk") on the English one
        "other_name": "English" if other.lang == "en" else "Українська",
        "to_other": f"{EN_FOLDER}/" if ed.lang == "uk" else "../",
        "to_uk": "" if ed.lang == "uk" else "../",
        "to_en": f"{EN_FOLDER}/" if ed.lang == "uk" else "",
        "uk_only": [p[: -len(".md")] + ".html" for p in UK_ONLY],
        "words": template_words(ed),
    }


def nav_in(ed: Edition, nav: Any) -> Any:
    """The sidebar of site/mkdocs.yml with its titles in `ed`'s words (see NAV_TITLES)."""
    if ed.lang == "uk":
        return nav
    by_uk = {UK.t(msgid): msgid for msgid in NAV_TITLES}

    def walk(item: Any) -> Any:
        if isinstance(item, list):
            return [walk(x) for x in item]
        if isinstance(item, dict):
            return {(ed.t(by_uk[k]) if k in by_uk else k): walk(v) for k, v in item.items()}
        return item

    return walk(nav)


def config_overrides(site_dir: Path, ed: Edition) -> dict[str, Any]:
    """What an edition's MkDocs configuration changes of site/mkdocs.yml: the Ukrainian one
    leaves out the English docs (`en/`) and adds the edition's `extra.dap`; the English one
    also has the theme in English, the site's name, description, sidebar titles and the
    headings' permalink title in English."""
    from mkdocs.utils import yaml_load

    with (site_dir / "mkdocs.yml").open(encoding="utf-8") as handle:
        raw = yaml_load(handle) or {}
    extra = dict(raw.get("extra") or {})
    extra["dap"] = edition_extra(ed)
    if ed.lang == "uk":
        excluded = str(raw.get("exclude_docs") or "")
        return {"extra": extra, "exclude_docs": excluded + f"\n/{EN_FOLDER}/\n"}
    theme = dict(raw.get("theme") or {})
    theme["language"] = ed.lang
    extensions = []
    for item in raw.get("markdown_extensions") or []:
        if isinstance(item, dict) and "toc" in item:
            toc = dict(item["toc"] or {})
            if "permalink_title" in toc:
                toc["permalink_title"] = ed.t("Link to this section")
            item = {"toc": toc}
        extensions.append(item)
    return {
        "extra": extra,
        "theme": theme,
        "markdown_extensions": extensions,
        "site_name": ed.t("Monitoring of the State Anti-Corruption Programme"),
        "site_description": ed.t(
            "Open data on the implementation of the State Anti-Corruption Programme"
        ),
        "nav": nav_in(ed, raw.get("nav")),
    }


def edition_key(ed: Edition) -> bytes:
    """What an edition's pages depend on beyond site/mkdocs.yml and the overrides: its
    language and its words (for reuse.site_key)."""
    words = json.dumps(edition_extra(ed), sort_keys=True, ensure_ascii=False)
    nav = json.dumps([ed.t(msgid) for msgid in NAV_TITLES], ensure_ascii=False)
    return hashlib.blake2b((ed.lang + words + nav).encode(), digest_size=16).digest()


def search_words(ed: Edition) -> dict[str, str]:
    """What a search result is (its kind) and the words of a measure's entry, in `ed`'s
    language (builder/site/search/, which speaks dap's own domain, asks here)."""
    return {
        "measure": ed.t("Measure"),
        "result": ed.t("ESR"),
        "executor": ed.t("Implementer"),
        "direction": ed.t("Direction"),
        "problem": ed.t("Problem"),
        "page": ed.t("Page"),
        "deadline": ed.t("Deadline: {deadline}"),
        "executors": ed.t("Implementers: {names}"),
        "report": ed.t("Report for {period}: measure {number}"),
        "correction": ed.t("{period} (correction)"),
    }


# ---------------------------------------------------------------- the root's assets

# A link of a page to the theme's or dap's assets (not to its edition's assets/data/):
# `(href|src)="(../)*assets/` with no `data/` after it. `shared_link` finds it from its
# `assets/` (issue 22: a regular expression that begins with the attribute's name tries every
# character of the page; ~0.23 ms of a 42 KB page against ~0.03, every page of the edition)
_ASSET = "assets/"
_ASSET_ATTRIBUTES = ('href="', 'src="')


def shared_link(html: str) -> str:
    """An English page's links to `assets/…` pointed at the root's `../assets/…`."""
    parts = html.split(_ASSET)
    if len(parts) == 1:
        return html
    out = [parts[0]]
    for before, after in zip(parts, parts[1:], strict=False):
        end = len(before)  # before the `../` that lead to it, all of them
        while end >= 3 and before.startswith("../", end - 3):
            end -= 3
        linked = before.endswith(_ASSET_ATTRIBUTES, 0, end) and not after.startswith("data/")
        out.append("../" + _ASSET if linked else _ASSET)
        out.append(after)
    return "".join(out)


# A root-relative address of the 404 page (MkDocs writes that page's links from "/"), and
# its `"base": "/"` of Material's configuration, but not one of the root's assets.
_ROOT_LINK = re.compile(r'((?:=|"base":)\s*")/(?!assets/(?!data/))')


def english_not_found(html: str) -> str:
    """The English 404 page's links from the site's root pointed into `en/` (its pages, its
    data, its search index), its links to the root's assets kept."""
    return _ROOT_LINK.sub(rf"\1/{EN_FOLDER}/", html)


def shared_assets_plugin() -> Any:
    """The MkDocs plugin of the English edition: no copy of the theme's and dap's assets
    (only `assets/data/` is its own), links to the root's."""
    from mkdocs.plugins import BasePlugin
    from mkdocs.structure.files import Files

    class SharedAssets(BasePlugin):  # type: ignore[type-arg]
        def on_files(self, files: Files, config: Any) -> Files:
            for file in list(files):
                uri = file.dest_uri
                if uri.startswith("assets/") and not uri.startswith("assets/data/"):
                    files.remove(file)
            return files

        def on_post_page(self, output: str, page: Any, **kwargs: object) -> str:
            return shared_link(output)

        def on_post_template(self, output: str, template_name: str, **kwargs: object) -> str:
            if template_name == "404.html":  # links from the site's root (it is served anywhere)
                return english_not_found(output)
            return shared_link(output)

    return SharedAssets()


# ---------------------------------------------------------------- the JavaScript's words


def _forms(ed: Edition) -> tuple[int, ...]:
    """A number for each plural form of the edition: 1, 2, 5 in Ukrainian; 1, 2 in English."""
    return (1, 2, 5) if ed.lang == "uk" else (1, 2)


def js_words(ed: Edition) -> dict[str, Any]:
    """The words of dap.js, dap-asof.js, dap-rows.js and dap-search.js in `ed`'s language:
    `t` a message by its id (English), `n` the plural forms of a message by its singular id
    (tests/test_editions.py checks that every `T("…")` and `P("…")` of the scripts is here)."""
    t = {
        msgid: ed.t(msgid)
        for msgid in (
            S_("The table is wider than the screen: scroll it sideways →"),
            S_("table {n}"),
            S_(
                "The list of measures could not be loaded. The data is on the page «Download data»."
            ),
            S_("all problems"),
            S_("all ESR"),
            S_("all directions"),
            S_("all implementers"),
            S_("all statuses"),
            S_("by the end of {year}"),
            S_("any"),
            S_(
                "The link has unknown or wrong filter parameters ({names}): they were left out, "
                "the defaults are shown."
            ),
            S_("% implemented (of all selected)"),
            S_(
                "As of {date}; «due» and «overdue» as in the programme's overall figures "
                "(see «Methodology»)."
            ),
            S_("Number of measures"),
            S_("measures, in a chart legend"),
            S_("No."),
            S_("Identifier"),
            S_("Measure"),
            S_("Direction"),
            S_("Problem"),
            S_("ESR"),
            S_("Main implementer"),
            S_("Co-implementers"),
            S_("Deadline"),
            S_("End of the deadline"),
            S_("Status"),
            S_("Due"),
            S_("Overdue"),
            S_("Monitoring result"),
            S_("Link"),
            S_("yes"),
            S_("no"),
            S_("overdue"),
            S_("implemented in full / in part"),
            S_("% implemented (of all measures)"),
            S_("No data."),
            S_("Nothing found."),
            S_(
                "This section shows only the latest state. The data at the end of each quarter "
                "is in the archives "
            ),
            S_("on the page «Download data»"),
            S_("You are looking at a past state — as of {date}, not the latest (as of {latest}). "),
            S_("Show the latest state"),
            S_("% implemented"),
            S_("of all selected measures"),
            S_("of those due"),
            S_("The data for this date could not be loaded. Try reloading the page."),
            S_(
                "The link has a wrong or unknown date of the state (parameter {param}): the "
                "latest state is shown. A date can be chosen below."
            ),
            S_("; showing {first}–{last}"),
            S_("Page {page} of {pages}"),
            S_("list"),
            S_("The list could not be loaded. All the data is in «Download data»."),
            S_(
                "Search works when the site is opened from a web server (for example with dap "
                "serve), not from a file on disk. A measure can be found with the filter on the "
                "page «Programme»."
            ),
            S_(
                "Search is not available now: its index could not be loaded. Try reloading the "
                "page."
            ),
            S_("Implementer's report"),
            S_("Type a word to search for"),
            S_("Searching…"),
            S_("Nothing found. Try another word or a measure number."),
        )
    }
    k = _forms(ed)

    def tn(singular: str, plural: str, count: int) -> str:  # the form with its {placeholders}
        return ed.catalogue.translate_plural(singular, plural, count)[0]

    n = {
        "measure selected": [tn("measure selected", "measures selected", i) for i in k],
        "% implemented (of {n} measure due)": [
            tn("% implemented (of {n} measure due)", "% implemented (of {n} measures due)", i)
            for i in k
        ],
        "overdue measure": [tn("overdue measure", "overdue measures", i) for i in k],
        "Showing {shown} of {n} selected measure (of {total} in all)": [
            tn(
                "Showing {shown} of {n} selected measure (of {total} in all)",
                "Showing {shown} of {n} selected measures (of {total} in all)",
                i,
            )
            for i in k
        ],
        "measure in all": [tn("measure in all", "measures in all", i) for i in k],
        "reports submitted on time (of {n} owed)": [
            tn(
                "reports submitted on time (of {n} owed)",
                "reports submitted on time (of {n} owed)",
                i,
            )
            for i in k
        ],
        "{n} row in all": [tn("{n} row in all", "{n} rows in all", i) for i in k],
        "{n} row found": [tn("{n} row found", "{n} rows found", i) for i in k],
        "{n} result found": [tn("{n} result found", "{n} results found", i) for i in k],
    }
    # English dates as Babel writes them ("31 December 2024"); Ukrainian ones as 31.12.2024
    months = (
        []
        if ed.lang == "uk"
        else [ed.date(dt.date(2000, i, 1)).split(" ")[1] for i in range(1, 13)]
    )
    return {
        "lang": ed.lang,
        "decimal": "," if ed.lang == "uk" else ".",
        "months": months,
        "t": t,
        "n": n,
    }


# The functions of dap-text.js: T(id, values) a message, P(id, n, values) its form for n (the
# plural rule of the edition's language, as its .po's Plural-Forms), D(iso) a date.
_JS_FUNCTIONS = r"""
(function (x) {
  "use strict";
  function fill(text, values) {
    return String(text).replace(/\{(\w+)\}/g, function (all, k) {
      return values && k in values ? String(values[k]) : all;
    });
  }
  function form(n) {
    if (x.lang !== "uk") return n === 1 ? 0 : 1;
    var a = Math.abs(n);
    if (a % 10 === 1 && a % 100 !== 11) return 0;
    return a % 10 >= 2 && a % 10 <= 4 && (a % 100 < 10 || a % 100 >= 20) ? 1 : 2;
  }
  window.DAP_T = function (id, values) { return fill(id in x.t ? x.t[id] : id, values); };
  window.DAP_P = function (id, n, values) {
    var forms = x.n[id] || [id];
    var v = { n: n };
    Object.keys(values || {}).forEach(function (k) { v[k] = values[k]; });
    return fill(forms[Math.min(form(n), forms.length - 1)], v);
  };
  window.DAP_D = function (iso) {
    var p = String(iso).split("-");
    if (!x.months.length || p.length !== 3) return p.reverse().join(".");
    return Number(p[2]) + " " + x.months[Number(p[1]) - 1] + " " + p[0];
  };
})(window.DAP_TEXT);
"""


def js_text(ed: Edition) -> str:
    """`assets/data/dap-text.js`: the words of the site's JavaScript in the edition's language
    (`window.DAP_TEXT`) and the functions the scripts read them with (`DAP_T`, `DAP_P`,
    `DAP_D`)."""
    body = json.dumps(js_words(ed), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    body = body.replace("</", "<\\/")  # never a closing tag inside a script
    return (
        "/* The words of the site's scripts in this edition's language (dap build, from the "
        "site's message catalogue). */\n"
        f"window.DAP_TEXT = {body};{_JS_FUNCTIONS}"
    )
