"""Paged lists (builder/site/rows.py, site/pages/assets/dap-rows.js) in a real browser.

An executor of a generated programme has more measures than one page of its list shows: the
pages together show every row, the search box finds a row that is on any page, and the site
works opened from disk (the rows are a data script, not a fetch). Set DAP_SCREENSHOTS to a
folder to keep screenshots of the executor and programme pages, desktop and phone.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from site_fixtures import build_site, shared_folder

from builder.cli import cli
from builder.site.rows import PAGE_ROWS

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
if not Path(CHROMIUM).exists():
    pytest.skip("Chromium is not installed (tests/run.sh installs it)", allow_module_level=True)
pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated programme of 240 measures over 3 executors (80 each as main), built once."""

    def make(base: Path) -> None:
        result = CliRunner().invoke(
            cli,
            [
                "demo",
                "--measures",
                "240",
                "--executors",
                "3",
                "--seed",
                "3",
                "--out",
                str(base / "data"),
            ],
        )
        assert result.exit_code == 0, result.output
        build_site(base / "data", base / "public")

    return shared_folder(tmp_path_factory, "rows-site", make) / "public"


def main_measures(site: Path) -> dict[str, list[str]]:
    """Each executor's measures as main executor, as its page's data script lists them."""
    lists: dict[str, list[str]] = {}
    for path in (site / "assets" / "data" / "executors").glob("*.js"):
        for line in path.read_text(encoding="utf-8").splitlines():
            key, _, rows = line.partition(" = ")
            if key.endswith('/main"]'):
                lists[path.stem] = [row[0][3] for row in json.loads(rows.rstrip(";"))]
    return lists


def test_the_pages_of_a_list_show_every_row_and_the_search_finds_any(
    browser: object, built: Path
) -> None:
    eid, expected = max(main_measures(built).items(), key=lambda kv: len(kv[1]))
    assert len(expected) > PAGE_ROWS  # more than one page
    context = browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto((built / "executors" / f"{eid}.html").as_uri())  # from disk, no server
    box = page.locator(".dap-rows").filter(has=page.locator("caption", has_text="головний"))
    box.locator(".dap-rows-count", has_text="Усього").wait_for()
    seen: list[str] = []
    pages = 0
    while True:
        pages += 1
        seen += box.locator("tbody tr td:first-child a").all_inner_texts()
        more = box.locator("[data-step='1']")
        if more.is_disabled():
            break
        more.click()
    assert pages == -(-len(expected) // PAGE_ROWS)
    assert sorted(seen) == sorted(expected) and len(seen) == len(expected)
    # a row on the last page is found from the first
    box.locator("[data-step='-1']").click()
    last = seen[-1]
    box.locator("input[type=search]").fill(last)
    box.locator(".dap-rows-count", has_text="Знайдено").wait_for()
    found = box.locator("tbody tr td:first-child a").all_inner_texts()
    assert last in found and len(found) < PAGE_ROWS
    href = box.locator(
        "tbody tr td:first-child a", has_text=re.compile("^" + re.escape(last) + "$")
    )
    assert href.first.get_attribute("href") == f"../measures/{last}.html" or (
        href.first.get_attribute("href") or ""
    ).endswith(".html")
    box.locator("input[type=search]").fill("немає такого рядка")
    assert box.locator("tbody").inner_text().strip() == "Нічого не знайдено."
    assert errors == []
    # the executors index: a sortable paged list, sorted over every row
    page.goto((built / "executors" / "index.html").as_uri())
    index = page.locator(".dap-rows")
    index.locator(".dap-rows-count", has_text="Усього").wait_for()
    head = index.locator("th").nth(1).locator("button")
    head.click()
    counts = [int(x) for x in index.locator("tbody tr td:nth-child(2)").all_inner_texts()]
    assert counts == sorted(counts) and len(counts) == 3
    head.click()
    assert index.locator("th").nth(1).get_attribute("aria-sort") == "descending"
    again = [int(x) for x in index.locator("tbody tr td:nth-child(2)").all_inner_texts()]
    assert again == sorted(counts, reverse=True)
    assert (
        index.locator("tbody a")
        .first.get_attribute("href", timeout=1000)
        .startswith("../executors/")
    )
    assert errors == []
    shots = os.environ.get("DAP_SCREENSHOTS")
    if shots:
        box.locator("input[type=search]").fill("")
        for name, size in (("desktop", (1280, 900)), ("phone", (390, 844))):
            page.set_viewport_size({"width": size[0], "height": size[1]})
            for kind, url in (
                ("executor", f"executors/{eid}.html"),
                ("programme", "programme.html"),
            ):
                page.goto((built / url).as_uri())
                page.wait_for_timeout(800)
                page.screenshot(path=f"{shots}/{kind}-{name}.png", full_page=True)
    context.close()
