"""Shared fixtures: the shipped demonstration data and a CLI runner."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from builder import i18n

# The suite reads dap's messages in English, the catalogue's source texts (tests of the
# Ukrainian texts set the language themselves: tests/test_messages.py); the variable reaches
# the `dap` processes that tests start too.
os.environ.setdefault("DAP_LANG", "en")

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"


@pytest.fixture(autouse=True)
def language_of_the_environment():
    """Every test starts in the language of the environment (English, above): a test or a
    `dap --lang uk` run inside the test process does not leak into the next test."""
    yield
    i18n.set_language(None)


@pytest.fixture
def demo_data() -> Path:
    """The shipped demonstration data (read only)."""
    return DATA


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the demonstration data."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


@pytest.fixture
def runner() -> CliRunner:
    """A click runner for `dap` commands."""
    return CliRunner()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Debian's Chromium, headless (Playwright's own browser download cannot work here); the
    browser test modules skip themselves when it is not installed."""
    from playwright import sync_api

    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=shutil.which("chromium") or "/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield b
        b.close()
