"""Every page of the site as Markdown with HTML blocks, and the data behind the filter.

Pure: a `Site` (the data, the snapshots, the history; see builder/site/context.py) in,
`{docs path: text}` out (`render_pages()`). `PAGES` maps each fixed page to its renderer;
direction, problem, ОСР, executor and measure pages are made per record.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from .. import models as m
from ..compute import id_sort_key
from ..load import Dataset
from ..wording import Edition
from .about import (
    about_page,
    dictionary_page,
    downloads_page,
    feedback_page,
    glossary_page,
    methodology_page,
    notices_page,
)
from .asof import asof_files
from .context import (
    Site,
    Trails,
    page_path,
    site_extra,
)
from .editions import EN_FOLDER, TEXT_JS, js_text
from .executors import (
    EXECUTORS_DATA,
    executor_data,
    executor_data_path,
    executor_lists,
    executor_page,
    executors_data,
    executors_index,
    timeliness_page,
)
from .filter_view import LISTS_DATA, lists_data
from .forms import form_pages
from .measures import measure_page
from .overview import (
    directions_index,
    filter_row,
    home_page,
    programme_data,
    programme_page,
    section_page,
)
from .pagekeys import PageKeys
from .partviews import Lookups, executor_view, result_view, section_view
from .results import result_page, results_index

DOWNLOADS_PAGE = "downloads.md"  # lists the files the datasets stage wrote


PAGES: dict[str, Callable[[Site], str]] = {
    "index.md": home_page,
    "programme.md": programme_page,
    "directions/index.md": directions_index,
    "results/index.md": results_index,
    "executors/index.md": executors_index,
    "timeliness.md": timeliness_page,
    "notices.md": notices_page,
    "methodology.md": methodology_page,
    "feedback.md": feedback_page,
    "about.md": about_page,
    "glossary.md": glossary_page,
    "assets/data/programme.js": programme_data,
    LISTS_DATA: lists_data,  # the filter's problems and ESR (issue 19)
    EXECUTORS_DATA: executors_data,  # the executors index's rows
}


# The pages of the written data files (their sizes change with any record): made every build,
# apart from the aggregate pages' key.
FILE_PAGES: dict[str, Callable[[Site], str]] = {
    DOWNLOADS_PAGE: downloads_page,
    "dictionary.md": dictionary_page,
}


def banner_meta(site: Site) -> str:
    """Front matter read by overrides/main.html for the banners on every page."""
    return banner_front_matter(site.data, site.snap.computed_on)


def banner_front_matter(data: Dataset, computed_on: dt.date) -> str:
    """Front matter read by overrides/main.html for the banners on every page.

    In each page's front matter rather than in mkdocs.yml, so that any builder that reads
    the same mkdocs.yml (MkDocs, Zensical) shows them.
    """
    extra = site_extra(data, computed_on)
    lines = []
    if extra["dap_demo"]:
        lines.append("dap_demo: true")
    if extra["dap_maintenance"]:
        lines.append("dap_maintenance: " + json.dumps(extra["dap_maintenance"], ensure_ascii=False))
    return "".join(line + "\n" for line in lines)


def render_pages(site: Site, keys: PageKeys | None = None) -> dict[str, str]:
    """Every generated page and data file: {docs path: text} (`each_page`, collected)."""
    return dict(each_page(site, keys))


def each_page(site: Site, keys: PageKeys | None = None) -> Iterator[tuple[str, str]]:
    """Every generated page and data file, one (docs path, text) at a time, each path once. With
    the previous build's `keys`, what is unchanged since then is left out (its files kept:
    `keys.kept`): a measure page whose own view is unchanged, the aggregate group when the data
    it reads is, and each direction's, problem's, ОСР's and executor's page with its data files
    when its own view is (issue 22). A measure page is rendered when it is asked for, so a
    caller that writes each page before taking the next holds one at a time (issue 22: the
    measure pages of an edition are ~0.3 GB as `str` at 4,000 measures)."""
    keys = keys or PageKeys(None, Path())
    meta = banner_meta(site)
    at = lambda path: docs_path(site.ed, path)  # noqa: E731
    yield from keys.aggregate_pages(
        site, meta, at, lambda view: aggregate_pages(view, meta)
    ).items()
    for part, view, files in parts(site):  # each on its own key, rendered from its own view
        render = functools.partial(files, meta=meta)
        yield from keys.part_pages(site, meta, at, part, view, render).items()
    for path, make in FILE_PAGES.items():
        yield path, with_banners(path, make(site), meta)
    mids = sorted(site.data.measures, key=id_sort_key)
    where = lambda mid: docs_path(site.ed, page_path("measures", mid))  # noqa: E731
    # issue 22: only the changed ones, each rendered as it is taken
    for mid, text in keys.measure_pages(site, mids, where, meta, measure_page):
        path = page_path("measures", mid)
        yield path, with_banners(path, text, meta)


def parts(site: Site) -> Iterator[tuple[str, Callable[[], Site], Callable[..., dict[str, str]]]]:
    """The parts of the aggregate pages keyed apart from their group (`PageKeys.part_pages`),
    in their order: each direction's, problem's, ОСР's and executor's page path (the part's
    name), its view (made when called) and its files' maker (taking the view and `meta`)."""
    lookups = Lookups(site)
    for sid, section in sorted(site.data.sections.items(), key=lambda kv: id_sort_key(kv[0])):
        kind = "directions" if section.level == m.SectionLevel.DIRECTION else "problems"
        view = functools.partial(section_view, site, sid, lookups)
        yield page_path(kind, sid), view, functools.partial(section_files, sid=sid)
    for rid in sorted(site.data.results, key=id_sort_key):
        view = functools.partial(result_view, site, rid, lookups)
        yield page_path("results", rid), view, functools.partial(result_files, rid=rid)
    for eid in sorted(site.data.executors, key=id_sort_key):
        view = functools.partial(executor_view, site, eid, lookups)
        yield page_path("executors", eid), view, functools.partial(executor_files, eid=eid)


# The measure pages and parts in a unit of `shared_units`, and the measures whose steps are
# made in one pass (`Trails.make` reads every report once a call: ~6 ms at 2,000 measures).
UNIT = 32
STEPS = 4 * UNIT

Unit = Callable[[], Iterator[tuple[str, str]]]


def shared_units(sites: Sequence[Site], keys: PageKeys) -> list[Unit]:
    """The pages of the editions `sites` (each its `edition_pages` at its docs path, but the
    downloads page, made after the datasets) as units of work, each making the same records'
    pages in every edition, so that what the editions share (the aggregate digest and view, a
    part's view and digest, a measure view's digest and steps) is made once, by whichever
    process takes the unit (issue 22, `site/english.py`): the aggregate group, the parts by
    `UNIT`, the data files' pages, the measure pages by `UNIT`. Each unit yields (docs path,
    text), a measure page rendered when it is taken."""
    metas = [banner_meta(site) for site in sites]
    ats = [functools.partial(docs_path, site.ed) for site in sites]

    def aggregates() -> Iterator[tuple[str, str]]:
        for site, meta, at in zip(sites, metas, ats, strict=True):
            render = functools.partial(aggregate_pages, meta=meta)
            for path, text in keys.aggregate_pages(site, meta, at, render).items():
                yield at(path), text

    listed = [list(parts(site)) for site in sites]  # the same parts in every edition

    def some_parts(first: int) -> Iterator[tuple[str, str]]:
        for n in range(first, min(first + UNIT, len(listed[0]))):
            for site, meta, at, its in zip(sites, metas, ats, listed, strict=True):
                part, view, files = its[n]
                render = functools.partial(files, meta=meta)
                for path, text in keys.part_pages(site, meta, at, part, view, render).items():
                    yield at(path), text

    def file_pages() -> Iterator[tuple[str, str]]:
        for site, meta, at in zip(sites, metas, ats, strict=True):
            for path, make in FILE_PAGES.items():
                if path != DOWNLOADS_PAGE:
                    yield at(path), with_banners(path, make(site), meta)

    mids = sorted(sites[0].data.measures, key=id_sort_key)

    def measures(first: int) -> Iterator[tuple[str, str]]:
        some = mids[first : first + UNIT]
        steps = sites[0].steps_of
        if isinstance(steps, Trails):  # the steps of the next units too, in one pass
            block = first - first % STEPS
            steps.make(mids[block : block + STEPS])
        for site, meta, at in zip(sites, metas, ats, strict=True):
            where = lambda mid, at=at: at(page_path("measures", mid))  # noqa: E731
            for mid, text in keys.measure_pages(site, some, where, meta, measure_page):
                path = page_path("measures", mid)
                yield at(path), with_banners(path, text, meta)

    units: list[Unit] = [aggregates]
    units += [functools.partial(some_parts, n) for n in range(0, len(listed[0]), UNIT)]
    units.append(file_pages)
    units += [functools.partial(measures, n) for n in range(0, len(mids), UNIT)]
    return units


def aggregate_pages(site: Site, meta: str) -> dict[str, str]:
    """Every page and data file but the measure pages, the pages of directions, problems, ОСР
    and executors (`section_files`, `result_files`, `executor_files`) and `FILE_PAGES`, with
    the banners' front matter `meta`: the fixed pages, the forms, and the data files read back
    from them («Стан на»). Rendered from `pagekeys.aggregate_view`, which leaves out what only a measure
    page shows."""
    out = {path: make(site) for path, make in PAGES.items()}
    if site.ed.lang == "uk":  # the officials' forms are in Ukrainian only (docs/translating.md)
        out.update(form_pages(site))  # the report and assessment forms with each measure's data
    out[TEXT_JS] = js_text(site.ed)  # the words of the site's scripts in this edition
    out.update(asof_files(site, out, filter_row))  # the figures at earlier quarter ends
    return {path: with_banners(path, text, meta) for path, text in out.items()}


def section_files(site: Site, sid: str, meta: str) -> dict[str, str]:
    """The page of direction or problem `sid` and its «Стан на» data file, with the banners'
    front matter `meta`. Rendered from `partviews.section_view` (issue 22)."""
    direction = site.data.sections[sid].level == m.SectionLevel.DIRECTION
    path = page_path("directions" if direction else "problems", sid)
    out = {path: section_page(site, sid, "direction" if direction else "problem")}
    out.update(asof_files(site, out, filter_row))  # its own dates: its file alone
    return {one: with_banners(one, text, meta) for one, text in out.items()}


def result_files(site: Site, rid: str, meta: str) -> dict[str, str]:
    """The card of ОСР `rid` and its «Стан на» data file, with the banners' front matter
    `meta`. Rendered from `partviews.result_view` (issue 22): what it does not hold, the card
    cannot show, so the card is keyed on that view alone."""
    path = page_path("results", rid)
    out = {path: result_page(site, rid)}
    out.update(asof_files(site, out, filter_row))  # its own dates: its file alone
    return {one: with_banners(one, text, meta) for one, text in out.items()}


def executor_files(site: Site, eid: str, meta: str) -> dict[str, str]:
    """Executor `eid`'s page, its lists' data script and its «Стан на» data file, with the
    banners' front matter `meta`. Rendered from `partviews.executor_view` (issue 22)."""
    path = page_path("executors", eid)
    lists = executor_lists(site, eid)  # made once for its page and its data script
    out = {path: executor_page(site, eid, lists)}
    out.update(asof_files(site, out, filter_row))  # its own dates: its file alone
    out[executor_data_path(eid)] = executor_data(site, eid, lists)  # its lists' rows
    return {one: with_banners(one, text, meta) for one, text in out.items()}


def with_banners(path: str, text: str, meta: str) -> str:
    """The text of a page at `path` with the banners' front matter `meta` (a data file's as
    it is)."""
    if meta and path.endswith(".md") and text.startswith("---\n"):
        return "---\n" + meta + text[4:]
    return text


def edition_pages(
    site: Site, keys: PageKeys | None = None, only: str | None = None
) -> Iterator[tuple[str, str]]:
    """`each_page` of an edition at its place in the docs folder: the Ukrainian at the root,
    the English under `en/` (issue 21), one (docs path, text) at a time. `only`: just that one
    of the `FILE_PAGES` (the downloads page, made once the datasets are written: build.py)."""
    if only is not None:
        pages: Iterator[tuple[str, str]] = iter(
            [(only, with_banners(only, FILE_PAGES[only](site), banner_meta(site)))]
        )
    else:
        pages = each_page(site, keys)
    if site.ed.lang == "uk":
        return pages
    return ((docs_path(site.ed, path), text) for path, text in pages)


def docs_path(ed: Edition, path: str) -> str:
    """Where a page of edition `ed` is in the docs folder: the Ukrainian edition's at `path`,
    the English one's under `en/`."""
    return path if ed.lang == "uk" else f"{EN_FOLDER}/{path}"
