"""Paged lists: the rows of a long list as a data script, shown a page at a time (issue 22).

A list that grows with the data (an executor's measures, its missing reports) would make its
page grow without bound: 300 KB for an executor of 170 measures. Such a list is written as an
empty table in the page (`paged_list`) and its rows as data in a script of its own
(`rows_script`, `assets/data/…js`, loaded by `dap-rows.js`; a script, not a JSON fetch, so the
site works opened from disk). The script shows the rows a page at a time, with a search box
over every row; it inserts text from data with textContent only, and builds the one kind of
link it knows (a measure's page) from the measure's id.

A cell is a text, `["a", kind, id, text]` (a link to the page of record `id` of `kind`:
measures, executors, directions, problems or results), or `["s", status, overdue]` (a status
with its colour mark and the overdue flag, as `markup.status_mark` writes it). A sortable list
sorts every row (not only the page shown) by the column whose head is pressed.

On the English edition (issue 21) a text of the data shown in Ukrainian, for want of its English
version, carries its language, for the script to mark it `lang="uk"`: a link
`["a", kind, id, text, "uk"]`, a text `["t", text, "uk"]` (`text_cell`). The Ukrainian
edition's rows have neither.
"""

from __future__ import annotations

import json
from typing import Any

from markupsafe import Markup

from ..wording import UK, Edition
from .context import href, root_of
from .markup import a, esc, html_of, t_html

PAGE_ROWS = 50  # rows shown at a time (the script's own constant, written into the markup)

Row = list[Any]


LINK_KINDS = ("measures", "executors", "directions", "problems", "results")  # dap-rows.js's too


def link_cell(kind: str, key: str, text: str, lang: str = "") -> list[str]:
    """A link to a record's page (built by the script from its kind and id); `lang`: the
    language of `text` where it is not the page's."""
    assert kind in LINK_KINDS
    return ["a", kind, key, text, lang] if lang else ["a", kind, key, text]


def text_cell(text: str, lang: str, page_lang: str) -> Any:
    """A text of the data: as it is, or `["t", text, lang]` when it is in another language
    than the page's (a Ukrainian title on the English edition)."""
    return text if lang == page_lang else ["t", text, lang]


def measure_cell(mid: str, number: str) -> list[str]:
    """A link to a measure's page."""
    return link_cell("measures", mid, number)


def status_cell(status: str, overdue: bool) -> list[Any]:
    """A measure's status with its colour mark and the overdue flag."""
    return ["s", status, 1 if overdue else 0]


def paged_list(
    source: str,
    data_path: str,
    key: str,
    caption: str,
    head: list[str],
    count: int,
    sortable: bool = False,
    numeric: tuple[int, ...] = (),
    ed: Edition = UK,
) -> str:
    """The markup of one paged list on the page at docs path `source`: its caption, head and
    search box; the rows come from the list `key` of the data script `data_path`. `sortable`:
    a press on a column's head sorts every row by it; `numeric`: columns aligned right; `ed`:
    the edition whose words it adds (the buttons, the search box, the count)."""
    heads = "".join(
        '<th scope="col"' + (' class="dap-num"' if i in numeric else "") + f">{html_of(h)}</th>"
        for i, h in enumerate(head)
    )
    sort = " data-sortable" if sortable else ""
    return "".join(
        [
            f'<section class="dap-rows" data-search-exclude data-src="{href(source, data_path)}"'
            f' data-key="{esc(key)}" data-root="{root_of(source)}" data-page="{PAGE_ROWS}"{sort}>',
            '<label class="dap-rows-find">'
            + esc(ed.t("Search in the list"))
            + '<input type="search" '
            'placeholder="' + esc(ed.t("a word or a number")) + '"></label>',
            '<p class="dap-rows-count" aria-live="polite">'
            + esc(ed.t("Rows: {count}. Loading the list…", count=count))
            + "</p>",
            '<div class="dap-scroll"><table class="dap-table dap-titled"><caption>'
            f"{html_of(caption)}</caption><thead><tr>{heads}</tr></thead><tbody></tbody></table>"
            "</div>",
            '<nav class="dap-rows-pages" aria-label="'
            + esc(ed.t("Pages of the list"))
            + '" hidden>'
            '<button type="button" class="dap-button" data-step="-1">'
            + esc(ed.t("Previous"))
            + "</button>"
            '<span class="dap-rows-where"></span>'
            '<button type="button" class="dap-button" data-step="1">'
            + esc(ed.t("Next"))
            + "</button>"
            "</nav>",
            # every row the search keeps, not only the page shown (dap-rows.js)
            '<p class="dap-table-csv" data-search-exclude><button type="button" '
            'class="dap-rows-download">' + esc(ed.t("Download the table (CSV)")) + "</button></p>",
            "<noscript><p>"
            + t_html(
                ed.t(
                    "The list is shown by JavaScript. Without it, the same measures are in the "
                    "{directions}, and all data can be {downloaded}."
                ),
                directions=Markup(
                    a(source, "directions/index.md", ed.t("directions (in the list)"))
                ),
                downloaded=Markup(a(source, "downloads.md", ed.t("downloaded"))),
            )
            + "</p></noscript>",
            "</section>",
        ]
    )


def rows_script(lists: dict[str, list[Row]]) -> str:
    """The data script of a page's paged lists: {key: rows}."""
    return "window.DAP_ROWS = window.DAP_ROWS || {};\n" + "".join(
        f"window.DAP_ROWS[{json.dumps(key)}] = "
        + json.dumps(rows, ensure_ascii=False, separators=(",", ":"))
        + ";\n"
        for key, rows in lists.items()
    )
