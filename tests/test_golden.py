"""The golden site snapshot of the fixture programme (tests/golden.py says how to regenerate it)."""

from __future__ import annotations

from pathlib import Path

import golden
import pytest

from builder import models as m
from builder.compute import snapshot
from builder.validate import validate


def test_the_fixture_programme_is_valid_and_covers_every_status() -> None:
    data, problems = validate(golden.FIXTURE, "data")
    assert [str(p) for p in problems] == []
    state = snapshot(data, None, golden.AS_OF, golden.COMPUTED_ON)
    assert sorted(s.status for s in state.measures.values()) == sorted(m.Status)
    assert {d.state for d in state.due} == {"on_time", "late", "missing", "pending"}
    assert {s.derived for s in state.measures.values()} == {True, False}
    assert data.assessments and data.evaluations and data.feedback and data.notices


@pytest.mark.slow
def test_the_site_of_the_fixture_programme_equals_the_golden_snapshot(tmp_path: Path) -> None:
    built = tmp_path / "golden"
    golden.snapshot(built)
    found = golden.differences(golden.GOLDEN, built)
    if found:
        pytest.fail(found, pytrace=False)


def test_a_difference_is_shown_as_a_diff_with_the_command_that_regenerates(
    tmp_path: Path,
) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    for root, text in ((old, "один\nдва\n"), (new, "один\nтри\n")):
        (root / "measures").mkdir(parents=True)
        (root / "measures" / "1.md").write_text(text, encoding="utf-8")
    (old / "gone.md").write_text("x", encoding="utf-8")
    (new / "downloads.zip.listing").write_bytes(b"\xff")
    found = golden.differences(old, new).splitlines()
    assert found[:3] == [
        "no longer made: gone.md",
        "new: downloads.zip.listing",
        "changed: measures/1.md",
    ]
    assert "-два" in found and "+три" in found
    assert golden.UPDATE in found[-1]
    assert golden.differences(old, old) == ""
