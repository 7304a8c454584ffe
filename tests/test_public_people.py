"""Bodies, not people, on the public site: no official is named unless the programme says so
(`publish.people`), and NACP's analysts never are; the internal build keeps names."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest
import yaml
from site_fixtures import AS_OF, ROOT, all_output_text, build_site, copy_data, demo_site

from builder import models as m
from builder.internal.run import build_internal
from builder.validate import validate

MEASURE = (
    "1.1.1.2.1"  # its demo reports were prepared by Юлія Савченко, approved by Віталій Олійник
)


def roster() -> tuple[list[m.Person], list[m.Person]]:
    """The demo data's executors' people and NACP's staff."""
    data, _ = validate(ROOT / "data", "data")
    return [p for e in data.executors.values() for p in e.people], list(data.staff)


def found(text: str, people: list[m.Person]) -> list[str]:
    """Every name and id of `people` that occurs in `text` (ids as whole words)."""
    names = [p.name for p in people if p.name in text]
    ids = [p.id for p in people if re.search(rf"(?<![\w.]){re.escape(p.id)}(?![\w.])", text)]
    return names + ids


def reports_rows(public: Path) -> list[dict[str, object]]:
    """The `reports` resource of the newest package, from its zip's JSON."""
    latest = public / "downloads" / "latest"
    with zipfile.ZipFile(next(latest.glob("*.zip"))) as zf:
        name = next(n for n in zf.namelist() if n.endswith("reports.json"))
        rows: list[dict[str, object]] = json.loads(zf.read(name))
    return rows


@pytest.fixture(scope="module")
def default_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_site(tmp_path_factory) / "public"


@pytest.fixture(scope="module")
def people_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo data built with `publish: {people: true}`."""
    base = tmp_path_factory.mktemp("people")
    data = copy_data(base / "data")
    path = data / "programme.yaml"
    programme = yaml.safe_load(path.read_text(encoding="utf-8"))
    programme["publish"] = {"people": True}
    path.write_text(yaml.safe_dump(programme, allow_unicode=True, sort_keys=False), "utf-8")
    build_site(data, base / "public")
    return base / "public"


def test_the_setting_is_off_by_default() -> None:
    assert m.Publication().people is False
    data, _ = validate(ROOT / "data", "data")
    assert data.programme is not None and data.programme.publish.people is False


def test_no_roster_person_anywhere_in_the_public_site_by_default(default_site: Path) -> None:
    """HTML, the search index, the downloads, their zips and workbooks."""
    executors_people, staff = roster()
    assert len(executors_people) > 10 and staff
    text = all_output_text(default_site)
    assert (default_site / "pagefind" / "pagefind-entry.json").is_file()
    assert "Звіт за" in text  # the search's fragments are read, reports and all
    assert len(text) > 1_000_000
    assert found(text, executors_people + staff) == []


def test_the_executor_body_is_named_instead(default_site: Path) -> None:
    page = (default_site / "measures" / f"{MEASURE}.html").read_text(encoding="utf-8")
    assert "виконавець: Мін&#x27;юст" in page
    assert "<li>підготовлено — Мін&#x27;юст</li>" in page  # the body, never its people
    assert "затверджено" not in page and "затвердив(-ла)" not in page
    rows = [r for r in reports_rows(default_site) if r["measure"] == MEASURE]
    assert rows and {(r["executor"], r["prepared_by"], r["approved_by"]) for r in rows} == {
        ("minjust", None, None)
    }


def test_with_the_setting_on_reports_name_who_prepared_and_approved(people_site: Path) -> None:
    page = (people_site / "measures" / f"{MEASURE}.html").read_text(encoding="utf-8")
    assert "<li>підготовлено — Юлія Савченко</li>" in page
    assert "(за даними звіту, не перевірено) — Віталій Олійник</li>" in page
    rows = [r for r in reports_rows(people_site) if r["measure"] == MEASURE]
    assert ("Юлія Савченко", "Віталій Олійник") in {
        (r["prepared_by"], r["approved_by"]) for r in rows
    }
    executors_people, staff = roster()
    text = all_output_text(people_site)
    named = found(text, executors_people)
    assert "Юлія Савченко" in named
    assert set(named) <= {p.name for p in executors_people}  # by name, never by id
    assert found(text, staff) == []  # analysts never: the body is NACP


def test_the_internal_build_keeps_names(tmp_path: Path) -> None:
    build_internal(ROOT / "data", tmp_path / "internal", AS_OF, AS_OF)
    text = all_output_text(tmp_path / "internal")
    executors_people, staff = roster()
    assert [p.name for p in executors_people + staff if p.name not in text] == []
