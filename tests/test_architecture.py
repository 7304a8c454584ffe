"""The layout stays as docs/architecture.md draws it: every module named there, none past the
size at which a concern becomes a sub-package, and no import cycle between modules."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "builder"
MAX_LINES = 850


def modules() -> dict[str, Path]:
    """Every module of the package by its path inside builder/ ("site/mkdocs.py")."""
    return {
        path.relative_to(PACKAGE).as_posix(): path
        for path in sorted(PACKAGE.rglob("*.py"))
        if "__pycache__" not in path.parts and "bundled" not in path.parts
    }


def dotted(rel: str) -> str:
    """'site/mkdocs.py' → 'builder.site.mkdocs'; 'site/__init__.py' → 'builder.site'."""
    parts = ["builder", *rel[: -len(".py")].split("/")]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_every_module_is_on_the_architecture_page() -> None:
    page = (ROOT / "docs" / "architecture.md").read_text("utf-8")
    missing = [
        rel
        for rel in modules()
        if not rel.endswith("__init__.py") or rel.count("/") == 0
        if f"`{rel}`" not in page
    ]
    assert missing == [], "add these modules to docs/architecture.md"


def test_every_module_on_the_page_exists() -> None:
    """The page names no module that is gone (a rename must update it)."""
    page = (ROOT / "docs" / "architecture.md").read_text("utf-8")
    named = {
        cell.strip("`")
        for line in page.splitlines()
        if line.startswith("| `") and ".py`" in line.split("|")[1]
        for cell in [line.split("|")[1].strip()]
    }
    assert named - set(modules()) == set()


def test_no_module_outgrows_one_concern() -> None:
    sizes = {rel: len(path.read_text("utf-8").splitlines()) for rel, path in modules().items()}
    assert {rel: n for rel, n in sizes.items() if n > MAX_LINES} == {}, (
        f"over {MAX_LINES} lines: split the module by job (see docs/architecture.md)"
    )


def module_imports(rel: str, path: Path) -> set[str]:
    """The package's modules that `rel` imports when it is imported (module level only)."""
    here = dotted(rel).split(".")
    package = here if rel.endswith("__init__.py") else here[:-1]
    found: set[str] = set()
    for node in ast.parse(path.read_text("utf-8")).body:  # not inside functions: those are lazy
        if isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            target = ".".join([*base, *(node.module.split(".") if node.module else [])])
            for alias in node.names:
                found.add(f"{target}.{alias.name}")  # a module, if `alias` is one
                found.add(target)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_no_import_cycles() -> None:
    known = {dotted(rel) for rel in modules()}
    graph = {
        dotted(rel): {name for name in module_imports(rel, path) if name in known} - {dotted(rel)}
        for rel, path in modules().items()
    }
    for name in graph:  # a package imports nothing of its own modules (its __init__ is a docstring)
        graph[name] = {dep for dep in graph[name] if not name.startswith(dep + ".")}
    cycles: list[list[str]] = []
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for dep in sorted(graph[node]):
            if state.get(dep) == 1:
                cycles.append(trail[trail.index(dep) :] + [dep])
            elif dep not in state:
                visit(dep, [*trail, dep])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert cycles == []
