"""What a clean build of the data packages shares between them (issue 22): zip members started
from another package's compression (`xlsx.Deflated`: a member that begins with the same bytes
as the last one of its name continues from the compressor's state after them, and its bytes
are those that compressing it whole gives), each distinct CSV line encoded once for every
package (`Memo.lines`), each CSV digested once (`Package.csv_digest`)."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile
from pathlib import Path

import pytest
from test_datasets_rebuild import AS_OF, COMPUTED_ON, build, files, project  # noqa: F401

from builder.compute import history_snapshots
from builder.opendata import downloads, formats, xlsx
from builder.opendata.snapshots import build_packages
from builder.status import load_history
from builder.validate import validate

DAY = dt.date(2025, 3, 31)


def zipped(members: list[tuple[str, bytes]], shared: xlsx.Deflated | None) -> bytes:
    out = io.BytesIO()
    with xlsx.FixedZip(out, DAY, 3) as zf:
        for name, content in members:
            zf.add(name, content, None, (shared, name) if shared is not None else None)
    return out.getvalue()


@pytest.mark.parametrize(
    "second",
    [
        lambda a: a[:5000] + b"changed" + a[5000:],  # the same first steps, then another tail
        lambda a: a + b"more rows\r\n" * 50,  # a longer member of the same beginning
        lambda a: a[:3000],  # a shorter one
        lambda a: a,  # the same bytes
        lambda a: b"x" + a,  # nothing the same from its first byte
        lambda a: b"",  # empty
    ],
)
def test_a_member_continued_equals_it_compressed_whole(
    second: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(xlsx.Deflated, "STEP", 256)
    first = b"".join(b"%d,report %d,text of the report\r\n" % (i, i * 7) for i in range(400))
    other = second(first)  # type: ignore[operator]
    shared = xlsx.Deflated()
    made = [zipped([("t.csv", first), ("small", b"ab")], shared)]
    made.append(zipped([("t.csv", other), ("small", b"ab")], shared))
    assert made == [zipped([("t.csv", c), ("small", b"ab")], None) for c in (first, other)]
    with zipfile.ZipFile(io.BytesIO(made[1])) as zf:
        assert zf.testzip() is None and zf.read("t.csv") == other
    if other[:256] == first[:256] and len(other) > 256:
        assert shared.saved >= 256  # it did continue
    else:
        assert shared.saved == 0


def test_the_packages_continued_equal_them_compressed_whole(
    project: Path,  # noqa: F811 — the fixture
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The older packages' zips, their tables' CSVs continued from the quarter before, are
    byte for byte those that compressing every member whole gives."""
    made: list[xlsx.Deflated] = []

    class Counted(xlsx.Deflated):
        STEP = 512  # the test data's tables are small

        def __init__(self) -> None:
            super().__init__()
            made.append(self)

    monkeypatch.setattr(downloads.xlsx, "Deflated", Counted)
    build(project, "shared", store=False)
    assert made and made[0].saved > 0

    class Whole(xlsx.Deflated):
        def write(self, out: object, name: str, content: bytes) -> None:
            out.write(content)  # type: ignore[attr-defined]

    monkeypatch.setattr(downloads.xlsx, "Deflated", Whole)
    build(project, "whole", store=False)
    shared, whole = files(project / "shared"), files(project / "whole")
    assert sorted(shared) == sorted(whole)
    assert [path for path in whole if shared[path] != whole[path]] == []


def test_every_package_s_csv_is_its_rows_made_alone(project: Path) -> None:  # noqa: F811
    """The CSV of each package, its lines shared with the other packages', equals the CSV of
    its rows made on their own; its digest is that CSV's."""
    data, _ = validate(project / "data", "data")
    history = load_history(data, project / "data")
    packages = build_packages(data, history, history_snapshots(data, history, AS_OF, COMPUTED_ON))
    assert len(packages) > 2
    for pkg in packages:
        for name, rows in pkg.tables.items():
            assert pkg.csvs[name] == formats.csv_bytes(name, rows), (pkg.label, name)
            assert pkg.csv_digest(name) == hashlib.blake2b(pkg.csvs[name], digest_size=16).digest()
