"""Memory of a build (issue 22): what the stages before MkDocs made is gone when it starts."""

from __future__ import annotations

import datetime as dt
import gc
from pathlib import Path
from typing import Any

import pytest
from site_fixtures import build_site, copy_data

from builder import parallel
from builder.compute import DueReport
from builder.load import Dataset
from builder.site import mkdocs as site_mkdocs

DATA = Path(__file__).resolve().parent.parent / "data"
AS_OF = dt.date(2025, 2, 15)


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
    # and the snapshots' reports due (fifteenth session: the kept snapshots' values with
    # their digests, `compute_kept.Kept.digested`, are the datasets' only)
    kinds = (Dataset, DueReport)
    before = {id(o) for o in gc.get_objects() if isinstance(o, kinds)}

    def counted(*args: object, **kwargs: object) -> object:
        found = [o for o in gc.get_objects() if isinstance(o, kinds) and id(o) not in before]
        alive.append(len(found))
        return use_spare(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(site_mkdocs, "use_spare", counted)
    with parallel.collector_paused():  # as `dap build` runs (cli.main)
        build_site(copy_data(tmp_path / "data"), tmp_path / "site")
    assert alive == [0]


def test_inline_datasets_hold_one_package_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 22: where the newest package is not checked and rendered in forked children (the
    site's child at 4,000 measures), it is made after the older ones, each of which is dropped
    before the next: when a package is made no other is alive, and the rows and CSV lines the
    packages shared (`Memo`) are dropped before the newest is checked and rendered."""
    from builder.compute import history_snapshots
    from builder.opendata import downloads, snapshots
    from builder.opendata.rows import Memo
    from builder.output import Writer
    from builder.validate import validate

    monkeypatch.setattr(parallel, "FORK_BUDGET_MB", 0)  # as at 4,000 measures: inline
    data, _ = validate(DATA, "data")
    shots = history_snapshots(data, None, AS_OF, AS_OF)
    before = {id(o) for o in gc.get_objects() if isinstance(o, (snapshots.Package, Memo))}

    def alive(kind: type) -> int:
        return sum(isinstance(o, kind) and id(o) not in before for o in gc.get_objects())

    made: list[tuple[bool, int]] = []
    make = snapshots.PackageMaker.make

    def counted(self: snapshots.PackageMaker, index: int, *args: Any, **kwargs: Any) -> Any:
        made.append((index == len(shots) - 1, alive(snapshots.Package)))
        return make(self, index, *args, **kwargs)

    memos: list[int] = []
    check = downloads.check_newest

    def checked(pkg: snapshots.Package) -> list[str]:
        memos.append(alive(Memo))
        return check(pkg)

    monkeypatch.setattr(snapshots.PackageMaker, "make", counted)
    monkeypatch.setattr(downloads, "check_newest", checked)
    with parallel.collector_paused():  # as `dap build` runs (cli.main)
        files = downloads.write_downloads(data, None, shots, Writer(tmp_path))
    assert files and len(made) > 2
    assert [newest for newest, _ in made] == [False] * (len(made) - 1) + [True]  # the newest last
    assert [n for _, n in made] == [0] * len(made)  # no other package alive at each
    assert memos == [0]
