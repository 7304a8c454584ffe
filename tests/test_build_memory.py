"""Memory of a build (issue 22): what the stages before MkDocs made is gone when it starts."""

from __future__ import annotations

import datetime as dt
import gc
from pathlib import Path
from typing import Any

import pytest
from site_fixtures import build_site, copy_data

from builder import build as build_module
from builder import cache, parallel
from builder.compute import DueReport
from builder.datafile import SourceFile
from builder.load import Dataset
from builder.site import mkdocs as site_mkdocs
from builder.stats import SeenFiles

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


def _positions(source: SourceFile) -> bool:
    """Whether `source` holds the positions of its record's values (read or packed)."""
    if isinstance(source, cache.PackedSource):
        return source._packed is not cache.NO_POSITIONS or source._tables is not None
    return bool(source.positions or source.key_positions)


@pytest.mark.slow
def test_what_only_the_load_and_the_rules_read_is_gone_when_the_history_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 22: the files the inputs stage saw, the blob ids of the load and each value's
    position in its file are read only by the load and the rules; they are dropped before the
    history is read (`build.make_site`), so that the stages after reuse their room and the
    site's process is smaller where the pages' child is forked (533 → 390 MB at 4,000
    measures). Each record's file stays known (`load.record_path`), and which record came
    from which file (`cache.record_contents`, which the pages' keys take)."""
    monkeypatch.setattr(parallel, "FORK_BUDGET_MB", 0)  # every stage in this process
    kinds = (SourceFile, SeenFiles)
    before = {id(o) for o in gc.get_objects() if isinstance(o, kinds)}
    found: list[tuple[int, int, int, bool, bool, int]] = []
    kept = build_module.Kept  # the history stage's first call

    def counted(*args: object, **kwargs: object) -> object:
        made = [o for o in gc.get_objects() if isinstance(o, kinds) and id(o) not in before]
        sources = [o for o in made if isinstance(o, SourceFile)]
        seen = [o for o in made if isinstance(o, SeenFiles)]
        found.append(
            (
                len(sources),
                sum(map(_positions, sources)),
                sum(len(s.found) + len(s._by_path or ()) for s in seen),
                bool(cache._CONTENT_READS),
                bool(cache._LOADED_BLOBS),
                len(cache.record_contents()),
            )
        )
        return kept(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(build_module, "Kept", counted)
    with parallel.collector_paused():  # as `dap build` runs (cli.main)
        build_site(copy_data(tmp_path / "data"), tmp_path / "site")
    [(sources, positions, seen, reads, blobs, contents)] = found
    assert sources > 50 and contents >= sources  # every record's file, path only
    assert (positions, seen, reads, blobs) == (0, 0, False, False)


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
