"""The project folder: an installed `dap` builds a folder holding only data/, a project's own
site/ and schemas/tables/ override the bundled ones, incomplete overrides and a missing data/
are named, and two checkouts build at once from one installation without touching each other."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from builder.errors import ConfigError
from builder.project import bundled, open_project

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def dap(project: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """`dap ARGS` started in `project` as a separate process (python -m builder)."""
    return subprocess.Popen(
        [PYTHON, "-m", "builder", *args],
        cwd=project,
        env={**os.environ, "DAP_NO_CACHE": "1", **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def finish(proc: subprocess.Popen[str]) -> str:
    """Wait for `proc`; its output, after asserting it succeeded."""
    out, _ = proc.communicate(timeout=600)
    assert proc.returncode == 0, out
    return out


def files_of(folder: Path) -> dict[str, int]:
    """Every file under `folder` with its modification time in ns."""
    return {
        p.relative_to(folder).as_posix(): p.stat().st_mtime_ns
        for p in folder.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }


def test_a_project_without_overrides_uses_the_bundled_template(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    project = open_project(tmp_path)
    assert project.site == bundled("site") and project.tables == bundled("tables")
    assert project.docs == tmp_path / ".dap-cache" / "docs"  # inside the project, not the install
    assert not project.own_site and not project.own_tables


def test_this_checkout_is_a_project_with_its_own_site() -> None:
    project = open_project(ROOT)
    assert project.own_site and project.site == ROOT / "site"
    assert project.docs == ROOT / "site" / "docs" / "generated"
    assert project.own_tables and project.tables == ROOT / "schemas" / "tables"


def test_an_incomplete_site_override_names_what_is_missing(tmp_path: Path) -> None:
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "mkdocs.yml").write_text("site_name: x\n", "utf-8")
    with pytest.raises(ConfigError) as info:
        open_project(tmp_path)
    message = info.value.message
    assert "overrides, pages" in message and "site/" in message


def test_an_incomplete_tables_override_names_the_missing_schemas(tmp_path: Path) -> None:
    tables = tmp_path / "schemas" / "tables"
    shutil.copytree(bundled("tables"), tables)
    (tables / "reports.json").unlink()
    (tables / "notices.json").unlink()
    with pytest.raises(ConfigError, match=r"missing notices\.json, reports\.json"):
        open_project(tmp_path)


def test_a_previous_builds_docs_folder_alone_is_not_an_override(tmp_path: Path) -> None:
    (tmp_path / "site" / "docs" / "generated").mkdir(parents=True)
    assert not open_project(tmp_path).own_site


def test_a_folder_without_data_says_so(tmp_path: Path) -> None:
    out = finish_failing(dap(tmp_path, "validate"))
    assert "data: the data folder does not exist" in out and "Traceback" not in out


def finish_failing(proc: subprocess.Popen[str]) -> str:
    out, _ = proc.communicate(timeout=600)
    assert proc.returncode == 1, out
    return out


@pytest.mark.slow
def test_an_installed_dap_builds_a_folder_holding_only_data(tmp_path: Path) -> None:
    """`pip install .` (not editable) into a fresh target, then `dap build` and `dap datasets`
    in a folder holding only data/: everything is written inside that folder."""
    source, target = tmp_path / "source", tmp_path / "install"
    skip = shutil.ignore_patterns("__pycache__", "docs", "_build")  # a build's leftovers
    for name in ("builder", "site", "schemas"):  # pip builds in the tree: a copy, not ours
        shutil.copytree(ROOT / name, source / name, ignore=skip)
    for name in ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    subprocess.run(
        [PYTHON, "-m", "pip", "install", "-q", "--no-deps"]
        + ["--target", str(target), str(source)],
        check=True,
        capture_output=True,
        env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
    )
    assert (target / "builder" / "bundled" / "site" / "mkdocs.yml").is_file()
    assert not (target / "builder" / "bundled" / "site" / "docs").exists()
    assert len(list((target / "builder" / "bundled" / "tables").glob("*.json"))) == 28
    assert (target / "builder" / "notify" / "templates").is_dir()
    assert (target / "builder" / "site" / "templates" / "measure.md.jinja").is_file()
    assert (target / "builder" / "importer" / "executor_aliases.yaml").is_file()
    assert len(list((target / "builder" / "locale" / "uk" / "LC_MESSAGES").glob("*.po"))) >= 5
    installed = files_of(target)
    project = tmp_path / "project"
    shutil.copytree(ROOT / "data", project / "data")
    env = {"PYTHONPATH": str(target)}
    out = finish(dap(project, "build", "--as-of", "2025-06-30", env=env))
    assert "Built" in out
    uk = finish(dap(project, "validate", env={**env, "DAP_LANG": "uk"}))
    assert uk.startswith("Помилок немає")  # the installed catalogue speaks Ukrainian
    assert (project / "public" / "index.html").is_file()
    assert (project / ".dap-cache" / "docs" / "index.md").is_file()
    out = finish(dap(project, "datasets", "--out", "opendata", "--as-of", "2025-06-30", env=env))
    assert (project / "opendata" / "latest" / "datapackage.json").is_file()
    assert files_of(target) == installed  # nothing written into the installation
    assert sorted(p.name for p in project.iterdir()) == [".dap-cache", "data", "opendata", "public"]


@pytest.mark.slow
def test_two_checkouts_build_at_once_from_one_installation(tmp_path: Path) -> None:
    """Each checkout's own site/ is used and its generated pages stay inside it."""
    ours = ROOT / "site" / "docs" / "generated"
    before = files_of(ours) if ours.exists() else {}
    checkouts = []
    for name in ("a", "b"):
        checkout = tmp_path / name
        shutil.copytree(ROOT / "data", checkout / "data")
        shutil.copytree(ROOT / "site", checkout / "site", ignore=shutil.ignore_patterns("docs"))
        config = checkout / "site" / "mkdocs.yml"
        config.write_text(
            config.read_text("utf-8").replace(
                "site_name: Моніторинг", f"site_name: Копія {name.upper()} — моніторинг"
            ),
            "utf-8",
        )
        checkouts.append(checkout)
    runs = [dap(c, "build", "--as-of", "2025-06-30") for c in checkouts]
    for run in runs:
        finish(run)
    for checkout, name in zip(checkouts, ("A", "B"), strict=True):
        home = (checkout / "public" / "index.html").read_text("utf-8")
        assert f"Копія {name} — моніторинг" in home
        assert (checkout / "site" / "docs" / "generated" / "index.md").is_file()
    assert (files_of(ours) if ours.exists() else {}) == before  # this checkout untouched


def test_project_option_runs_as_if_started_there(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "data", tmp_path / "data")
    out = finish(dap(ROOT, "--project", str(tmp_path), "validate", env={"DAP_NO_CACHE": "0"}))
    assert out.startswith("OK:")
    assert (tmp_path / ".dap-cache").is_dir()  # its cache is the project's, not ours
