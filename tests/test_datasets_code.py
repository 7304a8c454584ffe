"""The data packages' key names the code they are made by, and no other (issue 22, fourteenth
session): a change to the pages', MkDocs' or the build's code leaves every stored package
usable; a change to any module making them, directly or through its imports, to their
template or to a message catalogue makes them anew. `PACKAGE_CODE` is checked against the
imports of opendata/downloads.py and against every file of builder/ that making the packages
opens."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from builder import fingerprint
from builder.opendata import incremental
from builder.opendata.incremental import PACKAGE_CODE, static_key

ROOT = Path(__file__).resolve().parent.parent
CODE = ROOT / "builder"


def covered() -> set[str]:
    """The files of builder/ that `PACKAGE_CODE` names."""
    return set(fingerprint._some(fingerprint.code_files(), PACKAGE_CODE))


def module_file(name: str) -> Path | None:
    """The file of module `name` of dap (builder.…), or None (not one of dap's)."""
    parts = name.split(".")
    if parts[0] != "builder":
        return None
    plain = CODE.joinpath(*parts[1:]).with_suffix(".py") if parts[1:] else None
    if plain is not None and plain.is_file():
        return plain
    package = CODE.joinpath(*parts[1:], "__init__.py")
    return package if package.is_file() else None


def imported(start: str) -> set[str]:
    """The files of every module of dap that module `start` imports, directly or not (its
    packages' __init__ too), wherever the import statement is (in a function as well)."""
    seen: set[str] = set()
    todo = [start]
    while todo:
        name = todo.pop()
        path = module_file(name)
        if path is None or name in seen:
            continue
        seen.add(name)
        parts = name.split(".")
        todo += [".".join(parts[:i]) for i in range(1, len(parts))]
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
                if not node.level:
                    module = node.module or ""
                todo += [module, *(f"{module}.{alias.name}" for alias in node.names)]
            elif isinstance(node, ast.Import):
                todo += [alias.name for alias in node.names]
    found = {module_file(name) for name in seen}
    return {path.relative_to(CODE).as_posix() for path in found if path is not None}


def test_the_packages_code_holds_every_module_they_import() -> None:
    needed = imported("builder.opendata.downloads") | imported("builder.opendata.incremental")
    assert "opendata/xlsx.py" in needed and "compute.py" in needed  # the walk finds imports
    assert sorted(needed - covered()) == []


def test_every_path_of_the_packages_code_is_a_file_or_folder_of_builder() -> None:
    files = fingerprint.code_files()
    for path in PACKAGE_CODE:
        assert any(name == path or (path.endswith("/") and name.startswith(path)) for name in files)


def test_the_pages_and_the_build_are_not_the_packages_code() -> None:
    mine = covered()
    for other in ("build.py", "site/measures.py", "site/mkdocs.py", "site/templates/"):
        assert not any(name == other or name.startswith(other) for name in mine)
    assert "opendata/templates/README.md.jinja" in mine
    assert "locale/uk/LC_MESSAGES/site.po" in mine


@pytest.fixture
def code(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, bytes]]:
    """dap's files as `code_files` read them, to change (the digests made again after)."""
    files = dict(fingerprint.code_files())
    monkeypatch.setattr(fingerprint, "code_files", lambda: files)
    fingerprint.code_digest.cache_clear()
    yield files
    fingerprint.code_digest.cache_clear()


@pytest.mark.parametrize(
    ("path", "same"),
    [
        ("build.py", True),
        ("site/pagekeys.py", True),
        ("site/templates/measure.md.jinja", True),
        ("opendata/xlsx.py", False),
        ("opendata/templates/README.md.jinja", False),
        ("compute.py", False),
        ("models.py", False),
        ("locale/uk/LC_MESSAGES/site.po", False),
    ],
)
def test_a_change_to_other_code_keeps_the_packages_key(
    code: dict[str, bytes], path: str, same: bool
) -> None:
    before = static_key("downloads", (3, False))
    assert path in code
    code[path] = b"changed"
    fingerprint.code_digest.cache_clear()
    assert (static_key("downloads", (3, False)) == before) is same
    assert fingerprint.code_digest() != fingerprint.code_digest(PACKAGE_CODE)


OPENED = r"""
import datetime as dt, json, sys
from pathlib import Path

code = Path(sys.argv[1])
opened = set()

def hook(event, args):
    if event == "open" and isinstance(args[0], (str, bytes)):
        path = Path(args[0] if isinstance(args[0], str) else args[0].decode()).resolve()
        if code in path.parents:
            opened.add(path.relative_to(code).as_posix())

sys.addaudithook(hook)  # before dap's first module: every one it imports is seen
from builder.compute import history_snapshots
from builder.opendata import downloads
from builder.opendata.downloads import write_downloads
from builder.opendata.incremental import PackageStore
from builder.output import Writer
from builder.status import load_history
from builder.validate import validate

data, _ = validate(Path("data"), "data")
history = load_history(data, Path("data"))
day = dt.date(2025, 2, 15)
snapshots = history_snapshots(data, history, day, day)
downloads.can_fork_copies = lambda *args, **kwargs: False  # every package made here
write_downloads(data, history, snapshots, Writer(Path("out")), store=PackageStore(None))
sys.stdout.write(json.dumps(sorted(opened)))
"""


def source(name: str) -> str:
    """A module's file for its compiled file (`__pycache__/x.cpython-311.pyc` → `x.py`)."""
    if "/__pycache__/" not in f"/{name}" and not name.startswith("__pycache__/"):
        return name
    folder, _, compiled = name.rpartition("__pycache__/")
    return folder + compiled.split(".")[0] + ".py"


def test_making_the_packages_opens_only_their_code(tmp_path: Path) -> None:
    """Every file of builder/ opened by a process that reads the data and makes the
    packages (its modules as imported, templates, catalogues) is one the key names."""
    (tmp_path / "data").symlink_to(ROOT / "data")
    done = subprocess.run(
        [sys.executable, "-c", OPENED, str(CODE.resolve())],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(ROOT), "DAP_NO_CACHE": "1", "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    opened = {source(name) for name in json.loads(done.stdout)}
    assert "opendata/templates/README.md.jinja" in opened  # the hook sees the files opened
    assert sorted(opened - covered()) == []


def test_the_static_key_names_the_packages_code_only() -> None:
    assert incremental.PACKAGE_CODE == PACKAGE_CODE
    assert fingerprint.code_digest(PACKAGE_CODE) != fingerprint.code_digest()
