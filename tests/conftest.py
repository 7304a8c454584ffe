"""Shared fixtures: the shipped demonstration data and a CLI runner."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"


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
