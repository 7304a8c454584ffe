"""The glossary page in a browser (issue 21): it is in the navigation, the English terms are
marked `lang="en"` on the Ukrainian page, no console error, and axe-core finds no serious or
critical accessibility violation. Desktop and phone."""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from site_fixtures import ROOT, demo_site

from builder.wording import EN, GLOSSARY, UK

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = ROOT / ".dap-cache" / "node" / "node_modules" / "axe-core" / "axe.min.js"

if not Path(CHROMIUM).exists():
    pytest.skip("Chromium is not installed (tests/run.sh installs it)", allow_module_level=True)
pytest.importorskip("playwright.sync_api")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """No request log in the test output."""


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demonstration site (built once per test run) served on the loopback address."""
    folder = demo_site(tmp_path_factory) / "public"
    handler = functools.partial(_Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("viewport", [(1280, 900), (390, 844)])
def test_the_glossary_page_in_a_browser(browser, base_url: str, viewport) -> None:
    assert AXE.is_file(), f"{AXE} is missing — run tests/run.sh (it installs axe-core)"
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(base_url + "glossary.html")
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "uk"
    assert page.locator("h1").inner_text().startswith("Глосарій / Glossary")
    rows = page.locator("table tbody tr")
    assert rows.count() == len(GLOSSARY)
    english = page.locator('table tbody td span[lang="en"]').all_inner_texts()
    assert english == [EN.t(t) for t in GLOSSARY]
    assert rows.nth(0).locator("td").nth(0).inner_text() == UK.t(GLOSSARY[0])
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        "axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.map("
        "v => ({id: v.id, impact: v.impact})))"
    )
    assert [v for v in found if v["impact"] in ("serious", "critical")] == []
    assert errors == []
    if viewport[0] > 1000:  # the sidebar's navigation leads to it
        assert page.locator("nav a", has_text="Глосарій / Glossary").count() >= 1
    context.close()
