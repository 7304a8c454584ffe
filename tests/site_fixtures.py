"""Shared helpers of the site tests: a hostile report, and a build of a data folder."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from builder.build import BuildResult, build

ROOT = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2025, 12, 31)
COMPUTED_ON = dt.date(2026, 11, 25)  # the demo maintenance notice is active on this day

HOSTILE_MEASURE = "1.1.1.1.2"
HOSTILE_REPORT = f"reports/2025-Q1/{HOSTILE_MEASURE}.yaml"
HOSTILE_TEXT = (
    '<script>window.__xss = "script"</script> '
    '<img src="x" onerror="window.__xss = \'onerror\'"> '
    "[натисніть тут](javascript:window.__xss='md-link') "
    "<a href=\"javascript:window.__xss='a-link'\">посилання</a> "
    "{: onclick=\"window.__xss='attr'\"} & **жирний** `код`"
)


def add_hostile_report(data: Path) -> None:
    """Write a report whose text and evidence title try to inject HTML, JS and Markdown."""
    text = HOSTILE_TEXT.replace("\\", "\\\\").replace('"', '\\"')
    (data / HOSTILE_REPORT).parent.mkdir(parents=True, exist_ok=True)
    (data / HOSTILE_REPORT).write_text(
        f"measure: {HOSTILE_MEASURE}\n"
        "period: 2025-Q1\n"
        "kind: про хід виконання\n"
        "executor: nazk\n"
        "prepared_by: t.melnyk\n"
        "approved_by: i.bondarenko\n"
        "approved_on: 2025-04-10\n"
        "submitted: 2025-04-10\n"
        f'text: "{text}"\n'
        "evidence:\n"
        '- title: "<b onmouseover=\\"window.__xss=\'title\'\\">доказ</b>"\n'
        "  url: https://example.gov.ua/evidence?a=1&b=2\n",
        encoding="utf-8",
    )


def copy_data(target: Path) -> Path:
    """A writable copy of the shipped demonstration data."""
    shutil.copytree(ROOT / "data", target)
    return target


def build_site(data: Path, out: Path, **kwargs: object) -> BuildResult:
    """Build `data` into `out` with fixed dates and a private docs folder."""
    return build(
        data,
        out,
        as_of=AS_OF,
        computed_on=kwargs.pop("computed_on", COMPUTED_ON),  # type: ignore[arg-type]
        docs_dir=out.parent / f"{out.name}-docs",
        **kwargs,  # type: ignore[arg-type]
    )
