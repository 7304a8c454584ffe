"""Memory of a build (issue 22): what the stages before MkDocs made is gone when it starts."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from site_fixtures import build_site, copy_data

from builder import parallel
from builder.load import Dataset
from builder.site import mkdocs as site_mkdocs


@pytest.mark.slow
def test_no_dataset_is_alive_when_mkdocs_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Jinja render context and its macros are a reference cycle that holds the `Site`, and
    with it the data; the collector is off in a command (`parallel.collector_paused`), so
    `markup.render` breaks each page's cycle once its text is made: the data is freed when the
    build drops it, before MkDocs runs (26 `Dataset` objects alive there before)."""
    monkeypatch.setattr(parallel, "FORK_BUDGET_MB", 0)  # every stage in this process
    alive: list[int] = []
    use_spare = site_mkdocs.use_spare  # imported by `build.make_html` when it runs
    # other tests' (module fixtures in this process) are not the build's
    before = {id(o) for o in gc.get_objects() if isinstance(o, Dataset)}

    def counted(*args: object, **kwargs: object) -> object:
        found = [o for o in gc.get_objects() if isinstance(o, Dataset) and id(o) not in before]
        alive.append(len(found))
        return use_spare(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(site_mkdocs, "use_spare", counted)
    with parallel.collector_paused():  # as `dap build` runs (cli.main)
        build_site(copy_data(tmp_path / "data"), tmp_path / "site")
    assert alive == [0]
