"""The pages stage's pages one at a time (issue 22: memory): `pages.each_page` gives every page
`render_pages` gives, each path once, in the same order, and renders a measure page only when
it is taken, so that `build.write_pages` holds one at a time."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest
from site_fixtures import AS_OF

from builder.compute import history_snapshots
from builder.site import context, pages
from builder.site.editions import EN_FOLDER
from builder.validate import validate
from builder.versions import dataset_as_of
from builder.wording import EN

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def site() -> context.Site:
    data, problems = validate(ROOT / "data", str(ROOT / "data"))
    assert not [p for p in problems if p.severity == "error"]
    data = dataset_as_of(data, AS_OF)
    snaps = history_snapshots(data, None, AS_OF, dt.date(2026, 1, 5))
    return context.prepare(data, snaps, None, None, None, "t")


@pytest.mark.parametrize("english", [False, True])
def test_each_page_gives_what_render_pages_gives_each_path_once(
    site: context.Site, english: bool
) -> None:
    one = replace(site, ed=EN) if english else site
    streamed = list(pages.each_page(one))
    paths = [path for path, _ in streamed]
    assert len(paths) == len(set(paths))
    whole = pages.render_pages(one)
    assert list(whole.items()) == streamed
    placed = list(pages.edition_pages(one))
    prefix = f"{EN_FOLDER}/" if english else ""
    assert placed == [(prefix + path, text) for path, text in streamed]


def test_a_measure_page_is_rendered_when_it_is_taken(
    site: context.Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[str] = []

    def counted(view: context.Site, mid: str) -> str:
        made.append(mid)
        return real(view, mid)

    real = pages.measure_page
    monkeypatch.setattr(pages, "measure_page", counted)
    stream = pages.each_page(site)
    taken = 0
    for path, _ in stream:
        if path.startswith("measures/"):
            taken += 1
            assert len(made) == taken  # this one, not the ones after it
    assert taken == len(site.data.measures) > 1
