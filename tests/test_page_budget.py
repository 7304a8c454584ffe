"""The page budget (issue 22): a page heavier than the budget fails the build, naming it."""

from __future__ import annotations

from pathlib import Path

import pytest
from site_fixtures import ROOT, build_site

from builder import i18n
from builder.errors import BuildError

FIXTURE = ROOT / "tests" / "fixtures" / "programme" / "data"


@pytest.mark.slow
def test_a_page_over_the_budget_fails_the_build_and_names_it(tmp_path: Path) -> None:
    out = tmp_path / "public"
    first = build_site(FIXTURE, out)  # within the real budget
    sizes = {p.relative_to(out).as_posix(): p.stat().st_size for p in out.rglob("*.html")}
    before = {p: (out / p).stat().st_mtime_ns for p in sizes}
    budget = sorted(sizes.values())[-3] - 1  # the three heaviest pages pass it
    heavy = sorted(p for p, size in sizes.items() if size > budget)
    i18n.set_language("uk")
    with pytest.raises(BuildError) as failed:
        build_site(FIXTURE, out, page_budget=budget)
    message = str(failed.value)
    assert message.startswith("3 сторінки важать більше за межу")
    for page in heavy:
        assert f"{page} ({sizes[page] / 1024:.0f} КБ)" in message
    assert "попередній сайт залишено без змін" in message
    # the previous site is untouched and nothing is left beside it
    assert {p: (out / p).stat().st_mtime_ns for p in sizes} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["public", "public-docs"]
    assert first.heavy == [] and first.largest[1] <= max(sizes.values())
