"""The downloads page and the data dictionary page of the open data (Markdown), in the
language of each edition of the site: the words are messages of the site's catalogue (the
`site` domain; locale/babel.cfg extracts them from here too)."""

from __future__ import annotations

import posixpath
import re
from urllib.parse import quote

from .. import models as m
from ..i18n import S_
from ..site.markup import esc, md
from ..wording import UK, Edition
from .downloads import MEASURE_JSON_ON_SITE, DownloadFile
from .snapshots import LATEST
from .tables import RESOURCES, table_schemas

# Up to this many measures the downloads page links each measure's JSON; beyond it the page
# names the address pattern only (a national programme's 2,000 links would make it too heavy).
MEASURE_LINKS_MAX = 300


def _size(n: int, ed: Edition = UK) -> str:
    if n < 1024:
        return ed.t("{n} B", n=n)
    if n < 1024 * 1024:
        return ed.t(
            "{n} KB",
            n=ed.num(round(n / 1024, 1))
            if ed.lang != "uk"
            else f"{n / 1024:.1f}".replace(".", ","),
        )
    return ed.t(
        "{n} MB",
        n=ed.num(round(n / 1024 / 1024, 1))
        if ed.lang != "uk"
        else f"{n / 1024 / 1024:.1f}".replace(".", ","),
    )


def _link(path: str, page: str) -> str:
    return quote(posixpath.relpath(path, posixpath.dirname(page) or "."), safe="/.-_~")


def _anchor(text: str, path: str, page: str) -> str:
    """A link to a file: Markdown, or an HTML link where the file is outside the page's
    edition (the English pages link to the root's downloads/, which MkDocs of en/ does not
    have among its files and would call a broken link)."""
    target = _link(path, page)
    if target.startswith("../") and page.startswith("en/"):
        return f'<a href="{esc(target)}">{esc(text)}</a>'
    return f"[{md(text)}]({target})"


def downloads_markdown(
    files: list[DownloadFile],
    page: str = "downloads.md",
    dictionary: str = "dictionary.md",
    ed: Edition = UK,
) -> str:
    """The downloads page in the edition's language: every file with its size, row count
    and date (the files are the same for both editions).

    `page` and `dictionary` are the paths of this page and of the data-dictionary page,
    relative to the same root as the files' paths, so that every link is relative.
    """

    def link(f: DownloadFile) -> str:
        return f"{_anchor(posixpath.basename(f.path), f.path, page)} ({_size(f.size, ed)})"

    t = ed.t

    lines = [
        "# " + t("Download data"),
        "",
        t(
            "All the public monitoring data in machine-readable formats for reuse: "
            "[Frictionless Data Package](https://datapackage.org/) with CSV tables, the same data "
            "in JSON and Excel, and a ZIP archive of it all. Each table and field is described in "
            "the [data dictionary]({dictionary}).",
            dictionary=_link(dictionary, page),
        ),
        "",
        "## " + t("Which file to open"),
        "",
        "* "
        + t(
            "**To work in Excel or LibreOffice Calc, open the XLSX file** (link below, "
            "«All tables in Excel»): each table is a sheet of its own, the column names are in "
            "Ukrainian, dates are dates, numbers are numbers. Nothing to set up."
        ),
        "* "
        + t(
            "**CSV** is for programs and for those who need one table. The column names in CSV "
            "are machine names, in Latin letters (the Ukrainian names are in the data "
            "dictionary). The encoding is UTF-8, the separator a comma."
        ),
        "    * "
        + t("**Excel**: open the CSV with a double click — Cyrillic letters show correctly."),
        "    * "
        + t(
            "**LibreOffice Calc**: in the «Text Import» window that opens, choose «Unicode "
            "(UTF-8)» under «Character set», tick only «Comma» among the separators and press "
            "OK. If you see «ÐÑ…» instead of letters, the file was not opened as UTF-8: open it "
            "again and choose UTF-8."
        ),
        "    * " + t("**Google Sheets**: «File → Import → Upload» — the encoding is detected."),
        "* "
        + t(
            "The `measures` table has, for convenience, the main implementer's name, the "
            "«Overdue» flag and the latest monitoring result with its date — no lookup in other "
            "tables needed."
        ),
        "",
        "## " + t("Good to know"),
        "",
        "* "
        + t(
            "Text that starts with `=`, `+`, `-`, `@` or `'` has an extra apostrophe at its start "
            "in CSV (protection against formulas); JSON has the original values; in XLSX every "
            "text is a text cell."
        ),
        "* " + t("Employees' names and contacts are not published."),
        "* "
        + t(
            "The snapshots at the end of each quarter hold the data as it was on that day, so "
            "that any figure can be checked; the newest data is at the fixed address `latest`."
        ),
        "",
    ]
    newest = [f for f in files if f.snapshot == LATEST]
    if newest:
        when = ed.date(newest[0].as_of)
        lines += ["## " + t("The newest data (as of {date})", date=when), ""]
        whole = [f for f in newest if f.resource is None and f.measure is None]
        lines += [f"* {md(_file_title(f, ed))}: {link(f)}" for f in whole]
        json_note = (
            t(
                "JSON is in the ZIP archive: each table (`json/<table>.json`, the same rows "
                "with the original values)."
            )
            if MEASURE_JSON_ON_SITE
            else t(
                "JSON is in the ZIP archive: each table (`json/<table>.json`, the same rows "
                "with the original values) and everything about each measure "
                "(`json/measures/`)."
            )
        )
        lines += [
            "",
            json_note,
            "",
            "| " + " | ".join((t("table"), t("what it holds"), t("rows"), "CSV")) + " |",
            "|---|---|---:|---|",
        ]
        by_resource: dict[str, dict[str, DownloadFile]] = {}
        for f in newest:
            if f.resource is not None:
                by_resource.setdefault(f.resource, {})[f.format] = f
        for name, formats in by_resource.items():
            first = next(iter(formats.values()))
            csv = link(formats["csv"]) if "csv" in formats else ""
            lines.append(
                f"| `{name}` | {md(_file_title(first, ed))} | "
                f"{first.rows if first.rows is not None else ''}"
                f" | {csv} |"
            )
        per_measure = [f for f in newest if f.measure is not None]
        if per_measure:
            total = sum(f.size for f in per_measure)
            pattern = posixpath.join(
                posixpath.dirname(per_measure[0].path), t("<identifier>") + ".json"
            )
            lines += [
                "",
                ed.tn(
                    "**JSON for each measure** — everything about the measure (implementers, "
                    "deadlines, reports, assessments, statuses, timeliness, feedback): {n} file, "
                    "{size} in all, at `{pattern}`.",
                    "**JSON for each measure** — everything about the measure (implementers, "
                    "deadlines, reports, assessments, statuses, timeliness, feedback): {n} "
                    "files, {size} in all, at `{pattern}`.",
                    len(per_measure),
                    size=_size(total, ed),
                    pattern=posixpath.relpath(pattern, posixpath.dirname(page) or "."),
                ),
            ]
            if len(per_measure) <= MEASURE_LINKS_MAX:
                lines += [
                    "",
                    " · ".join(
                        f"{_anchor(f.measure or '', f.path, page)} ({_size(f.size, ed)})"
                        for f in per_measure
                    ),
                ]
        lines.append("")
    older = sorted(
        (f for f in files if f.snapshot != LATEST), key=lambda f: (_neg_label(f.snapshot), f.path)
    )
    if older:
        lines += [
            "## " + t("Snapshots at the end of quarters"),
            "",
            t(
                "Each archive holds the package (datapackage.json, CSV tables, README) as it "
                "was at the end of the quarter: only records dated no later than that day, the "
                "statuses and aggregates at the end of each quarter up to it."
            ),
            "",
            "| " + " | ".join((t("quarter"), t("as of"), t("file"))) + " |",
            "|---|---|---|",
        ]
        lines += [f"| {f.snapshot} | {ed.date(f.as_of)} | {link(f)} |" for f in older]
        lines.append("")
    return "\n".join(lines)


# The files about the whole package, in English (their Ukrainian titles: downloads.FILE_TITLES).
FILE_TITLES_EN = {
    "datapackage": "Description of the package (Frictionless Data Package: tables, fields, "
    "types, keys)",
    "xlsx": "All tables in Excel (a sheet for each)",
    "readme": "About the package (in Ukrainian and in English)",
    "zip": "Everything in one archive",
}


def _file_title(f: DownloadFile, ed: Edition) -> str:
    """What a file holds, in the edition's language (a table's title from its schema)."""
    if ed.lang == "uk":
        return f.title
    if f.resource is not None:
        return str(table_schemas()[f.resource].get("title_en") or f.title)
    return FILE_TITLES_EN.get(f.format, f.title)


def _neg_label(label: str) -> tuple[int, int]:
    try:
        year, q = m.parse_period(label)
    except ValueError:
        return (0, 0)
    return (-year, -q)


# A run of Ukrainian words inside an English text of the schemas: the data's own values and
# official terms, quoted as they are written in the data («за згодою», «Виконано»).
_UKRAINIAN_RUN = re.compile(r"[\u0400-\u04ff]+(?:[ '’ʼ-]+[\u0400-\u04ff]+)*")


def _english(text: str) -> str:
    """An English text of the schemas as Markdown, its Ukrainian words marked `lang="uk"`."""
    return _UKRAINIAN_RUN.sub(lambda m: f'<span lang="uk">{m.group(0)}</span>', md(text))


def dictionary_markdown(ed: Edition = UK) -> str:
    """The data dictionary page from schemas/tables/, in the edition's language (the other
    language's names beside: English on the Ukrainian page, Ukrainian on the English one)."""
    t = ed.t
    english = ed.lang != "uk"

    def other(text: str) -> str:  # the Ukrainian of the schema on the English page
        return f'<span lang="uk">{esc(text)}</span>' if english else md(text)

    lines = [
        "# " + t("Data dictionary"),
        "",
        t(
            "Each table of the open data and each of its fields. This is the same contract the "
            "package is checked against in every build (Frictionless Table Schema in "
            "`schemas/tables/`)."
        ),
        t(
            "An empty value means «no data». Dates are written YYYY-MM-DD. Logical values are "
            "`true` / `false`."
        ),
        "",
    ]
    schemas = table_schemas()
    for name in RESOURCES:
        d = schemas[name]
        schema = d["schema"]
        title, description = (
            (d["title_en"], d["description_en"]) if english else (d["title"], d["description"])
        )
        text = _english if english else md
        second = (
            f"*{other(d['title'])}.* {other(d['description'])}"
            if english
            else f"*{md(d['title_en'])}.* {md(d['description_en'])}"
        )
        lines += [
            f"## {md(title)} (`{name}`)",
            "",
            text(description),
            "",
            second,
            "",
            t("Files: `{name}.csv`, `json/{name}.json`, the sheet `{name}` in XLSX.", name=name),
            "",
            "| "
            + " | ".join(
                (
                    t("field"),
                    t("title"),
                    t("type"),
                    t("required"),
                    t("description"),
                    t("constraints"),
                )
            )
            + " |",
            "|---|---|---|---|---|---|",
        ]
        for f in schema["fields"]:
            cons = dict(f.get("constraints", {}))
            required = t("yes") if cons.pop("required", False) else ""
            parts = []
            if "enum" in cons:
                quoted = "“{}”" if english else "«{}»"  # a value of the data, as written in it
                values = "; ".join(quoted.format(other(v)) for v in cons.pop("enum"))
                parts.append(t("one of: {values}", values=values))
            if "minimum" in cons:
                parts.append(f"≥ {cons.pop('minimum')}")
            if "maximum" in cons:
                parts.append(f"≤ {cons.pop('maximum')}")
            if "pattern" in cons:
                pattern = cons.pop("pattern")
                known = _PATTERN_WORDS.get(pattern)
                parts.append(t(known) if known else t("pattern `{pattern}`", pattern=pattern))
            parts += [f"{k}: {v}" for k, v in cons.items()]
            kind = _TYPE_NAMES.get(f["type"])
            if english:
                field_title = md(f.get("title_en") or f["title"])
                described = f"{_english(f['description_en'])} *({other(f['description'])})*"
            else:
                field_title = md(f["title"])
                described = f"{md(f['description'])} *({md(f['description_en'])})*"
            lines.append(
                f"| `{f['name']}` | {field_title} | {t(kind) if kind else f['type']} | "
                f"{required} | {described} | "
                f"{'; '.join(parts)} |"
            )
        keys = ", ".join(f"`{k}`" for k in schema["primaryKey"])
        lines += ["", "* " + t("Primary key: {keys}.", keys=keys)]
        for fk in schema.get("foreignKeys", []):
            fields = fk["fields"] if isinstance(fk["fields"], list) else [fk["fields"]]
            ref = fk["reference"]
            ref_fields = ref["fields"] if isinstance(ref["fields"], list) else [ref["fields"]]
            target = ref["resource"] or name
            lines.append(
                "* "
                + t(
                    "Foreign key: {fields} → `{target}` ({reference}).",
                    fields=", ".join(f"`{x}`" for x in fields),
                    target=target,
                    reference=", ".join(f"`{x}`" for x in ref_fields),
                )
            )
        lines.append("")
    return "\n".join(lines)


_PATTERN_WORDS = {  # messages of the site's catalogue
    r"^\S+$": S_("no spaces"),
    m.PERIOD_PATTERN: S_("a quarter as YYYY-Qn"),
    r"^https?://\S+$": S_("an http:// or https:// address"),
    r"^20[0-9]{2}-Q[1-4]/\S+$": S_("PERIOD/FILE"),
    r"^20[0-9]{2}/\S+$": S_("YEAR/ESR"),
}
_TYPE_NAMES = {
    "string": S_("text"),
    "integer": S_("integer"),
    "number": S_("decimal number"),
    "boolean": S_("logical"),
    "date": S_("date"),
}
