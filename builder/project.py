"""The project folder: its data, its MkDocs template and table schemas (its own or the bundled
ones), and the places inside it where commands write.

A project folder is where `dap` runs (the working folder, or `dap --project DIR`). It holds
`data/` and may carry its own `site/` (the MkDocs project: `mkdocs.yml`, `overrides/`,
`pages/`) and `schemas/tables/` (the open-data table schemas); what it does not carry comes
from the copies bundled with the installed package, the way MkDocs falls back to its theme.
Commands write only inside the project folder, their output folder and the user cache, so
any number of checkouts can share one installation.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .errors import ConfigError
from .i18n import _

PACKAGE = Path(__file__).resolve().parent
BUNDLE = PACKAGE / "bundled"  # in an installed wheel (setup.py copies the folders below in)
SOURCES = {"site": "site", "tables": "schemas/tables"}  # bundled name → path in a checkout
SITE_PARTS = ("mkdocs.yml", "overrides", "pages")  # what a project's own site/ must hold
GENERATED = "docs/generated"  # the generated pages, inside a project's own site/
CACHE = ".dap-cache"  # the project's cache folder (git-ignored)


@dataclass(frozen=True)
class Project:
    """Where one project's inputs are read from and its generated files go."""

    root: Path
    site: Path  # the MkDocs project: mkdocs.yml, overrides/, pages/
    tables: Path  # the open-data table schemas (one JSON file per resource)
    docs: Path  # the generated docs folder `dap build` writes by default
    own_site: bool  # site/ is the project's own (not the bundled one)
    own_tables: bool

    @property
    def cache(self) -> Path:
        """The project's cache folder."""
        return self.root / CACHE


def bundled(name: str) -> Path:
    """The bundled default `name` ("site" or "tables"): the installed package's copy, or, in
    an editable install, the source checkout's own folder (never written to)."""
    for path in (BUNDLE / name, PACKAGE.parent / SOURCES[name]):
        if path.is_dir():
            return path
    raise ConfigError(
        _(
            "the installed dap has no bundled {folder}/ — reinstall the package "
            "(pip install --force-reinstall dap-monitor)",
            folder=SOURCES[name],
        )
    )


def open_project(root: Path | None = None) -> Project:
    """The project at `root` (default: the working folder), its overrides checked."""
    root = (root or Path.cwd()).resolve()
    own_site = _own_site(root / "site")
    own_tables = _own_tables(root / "schemas" / "tables")
    site = root / "site" if own_site else bundled("site")
    docs = root / "site" / GENERATED if own_site else root / CACHE / "docs"
    tables = root / "schemas" / "tables" if own_tables else bundled("tables")
    return Project(root, site, tables, docs, own_site, own_tables)


def _own_site(folder: Path) -> bool:
    """Whether the project overrides the MkDocs project; an override must be complete."""
    present = [part for part in SITE_PARTS if (folder / part).exists()]
    if not present:
        return False  # no site/, or only a previous build's site/docs/generated/
    missing = [part for part in SITE_PARTS if part not in present]
    if missing:
        raise ConfigError(
            _(
                "{folder}/ is incomplete: missing {missing} — add them (a model: {model}/) or "
                "remove site/ to use the bundled site template",
                folder=folder,
                missing=", ".join(missing),
                model=bundled("site"),
            )
        )
    return True


def _own_tables(folder: Path) -> bool:
    """Whether the project overrides the table schemas; an override must name every table."""
    if not folder.is_dir() or not any(folder.glob("*.json")):
        return False
    expected = {path.name for path in bundled("tables").glob("*.json")}
    missing = sorted(expected - {path.name for path in folder.glob("*.json")})
    if missing:
        raise ConfigError(
            _(
                "{folder}/ is incomplete: missing {missing} — copy them from {model}/ or "
                "remove schemas/tables/ to use the bundled schemas",
                folder=folder,
                missing=", ".join(missing),
                model=bundled("tables"),
            )
        )
    return True


def user_cache() -> Path:
    """This user's cache folder for dap ($XDG_CACHE_HOME/dap, ~/.cache/dap by default)."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "dap"
