"""`dap demo`: deterministic, valid, and covering every status, kind and scoring method."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from contact_fixtures import read_contacts

from builder import models as m
from builder.cli import cli
from builder.demo.plan import Options
from builder.demo.write import write
from builder.validate import validate

SMALL = Options(measures=60, executors=6, years=2, seed=3)


def files_of(root: Path) -> dict[str, bytes]:
    """Every file under root, by relative path."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small generated programme (written once for the module)."""
    out = tmp_path_factory.mktemp("demo") / "data"
    write(SMALL, out)
    return out


def test_same_seed_gives_identical_bytes(small: Path, tmp_path: Path) -> None:
    """Every file; the encrypted contacts hold the same (age encrypts with a fresh key each
    time, so their ciphertext differs)."""
    write(SMALL, tmp_path / "again")
    again, first = files_of(tmp_path / "again"), files_of(small)
    assert again.pop("contacts.age") != first.pop("contacts.age")
    assert again == first
    assert read_contacts(tmp_path / "again") == read_contacts(small)


def test_other_seed_gives_other_data(small: Path, tmp_path: Path) -> None:
    write(Options(SMALL.measures, SMALL.executors, SMALL.years, seed=4), tmp_path / "other")
    assert files_of(tmp_path / "other") != files_of(small)


@pytest.mark.parametrize("opts", [SMALL, Options(7, 2, 1, 11), Options(150, 40, 4, 5)])
def test_passes_validate_without_errors_or_warnings(opts: Options, tmp_path: Path) -> None:
    write(opts, tmp_path / "data")
    data, problems = validate(tmp_path / "data", "data")
    assert [str(p) for p in problems] == []
    assert len(data.measures) == opts.measures
    assert len(data.executors) == opts.executors


def test_every_status_kind_label_and_scoring_is_present(small: Path) -> None:
    data, _ = validate(small, "data")
    assert {a.status for a in data.assessments.values()} == set(m.Status)
    assert {a.label for a in data.assessments.values()} == set(m.ResultLabel)
    assert {r.kind for r in data.reports.values()} == set(m.ReportKind)
    kinds = {i.kind for r in data.results.values() for i in r.indicators}
    assert kinds == {m.SubindicatorKind.CUMULATIVE, m.SubindicatorKind.TIERED, None}
    scores = [s for ev in data.evaluations.values() for s in ev.indicators]
    assert any(s.score is not None for s in scores) and any(s.achieved for s in scores)
    assert any(ms.amendments for ms in data.measures.values())
    assert any(ms.co_executors for ms in data.measures.values())
    links = [link for ms in data.measures.values() for link in (ms.main_executor, *ms.co_executors)]
    assert {link.by_agreement for link in links} == {True, False}
    assert data.programme is not None and data.programme.demo
    assert data.programme.reporting.submission_dates == "recorded"
    assert all(r.submitted is not None for r in data.reports.values())


def test_late_and_missing_reports_occur(small: Path) -> None:
    data, _ = validate(small, "data")
    late = [r for r in data.reports.values() if r.submitted and r.submitted.day > 15]
    assert late, "some reports come after the 1–15 window"
    due = {
        (a.measure, a.period) for a in data.assessments.values() if a.status != m.Status.NOT_STARTED
    }
    missing = [key for key in due if f"{key[1]}/{key[0]}" not in data.reports]
    assert missing, "some assessed quarters have no report"


def test_rosters_and_addresses_are_fake(small: Path) -> None:
    text = "\n".join(b.decode("utf-8") for b in files_of(small).values())
    text += "\n".join(f"{c.email} {c.phone}" for c in read_contacts(small).values())
    domains = set(re.findall(r"@([\w.-]+)", text))
    assert domains == {"example.gov.ua"}
    hosts = set(re.findall(r"https?://([^/\s]+)", text))
    assert hosts == {"example.gov.ua"}


def test_texts_are_ukrainian_and_of_realistic_length(small: Path) -> None:
    data, _ = validate(small, "data")
    lengths = sorted(len(r.text) for r in data.reports.values())
    assert lengths[len(lengths) // 2] >= 200
    assert all(re.search("[а-яіїєґ]", ms.title) for ms in data.measures.values())


def test_refuses_a_non_empty_folder(tmp_path: Path, runner) -> None:
    out = tmp_path / "data"
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    args = ["demo", "--measures", "5", "--executors", "2", "--years", "1", "--out", str(out)]
    result = runner.invoke(cli, args)
    assert result.exit_code == 1 and "not empty" in result.output
    assert [p.name for p in out.iterdir()] == ["notes.txt"]
    result = runner.invoke(cli, [*args, "--overwrite"])
    assert result.exit_code == 0, result.output
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"  # not a data file: kept
    assert (out / "programme.yaml").is_file()
    assert f"Next: dap serve --data {out} " in result.output  # the newcomer's next step


def test_overwrite_replaces_a_larger_programme(tmp_path: Path) -> None:
    out = tmp_path / "data"
    write(Options(40, 4, 2, 1), out)
    write(Options(8, 2, 1, 1), out, overwrite=True)
    _, problems = validate(out, "data")
    assert problems == []


def test_the_amending_act_extends_reassigns_removes_splits_and_renumbers(tmp_path: Path) -> None:
    """At a realistic rate, so that the national-scale benchmarks carry the cost of versions."""
    write(Options(400, 30, 3, 1, today=None), tmp_path / "data")
    data, problems = validate(tmp_path / "data", "data")
    assert [str(p) for p in problems] == []
    amendments = [a for ms in data.measures.values() for a in ms.amendments]
    assert {a.date for a in amendments} == {data.programme.amendments[0].date}  # type: ignore[union-attr]
    kinds = {
        "deadline": sum(a.deadline is not None for a in amendments),
        "main_executor": sum(a.main_executor is not None for a in amendments),
        "title": sum(a.title is not None for a in amendments),
        "removed": sum(a.removed for a in amendments),
        "split_into": sum(bool(a.split_into) for a in amendments),
        "renumbered_to": sum(a.renumbered_to is not None for a in amendments),
        "added": sum(a.added for a in amendments),
    }
    assert all(kinds.values()), kinds
    assert 0.1 < len(amendments) / len(data.measures) < 0.35
    assert len(data.measures) == 400
