"""Shared helpers of the site tests: a hostile report, a build of a data folder, and builds
made once per test run and shared by every pytest-xdist worker."""

from __future__ import annotations

import datetime as dt
import fcntl
import gzip
import io
import json
import os
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

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


# A programme title that tries HTML, script, Markdown links and images (which also broke the
# build: a link to a file that is not there), an attribute list and leaving <title>.
HOSTILE_TITLE = (
    '<script>window.__xss = "title"</script> '
    '<img src="x" onerror="window.__xss = \'title-img\'"> '
    "[x](javascript:window.__xss='title-link') ![d](x) ![d](x.png) [d](x.md) "
    '</title><script>window.__xss = "title-tag"</script> '
    "{: onclick=\"window.__xss='title-attr'\"} & **жирний** `код`"
)
HOSTILE_SHORT_TITLE = (
    "<b onmouseover=\"window.__xss='short'\">ДАП</b> [y](javascript:window.__xss='short-link')"
)


def set_hostile_title(data: Path) -> None:
    """Give the programme a hostile title and short title."""
    path = data / "programme.yaml"
    programme = yaml.safe_load(path.read_text(encoding="utf-8"))
    programme["title"] = HOSTILE_TITLE
    programme["short_title"] = HOSTILE_SHORT_TITLE
    path.write_text(yaml.safe_dump(programme, allow_unicode=True, sort_keys=False), "utf-8")


def copy_data(target: Path) -> Path:
    """A writable copy of the shipped demonstration data."""
    shutil.copytree(ROOT / "data", target)
    return target


def change_report(data: Path, name: str, mark: str) -> None:
    """Put `(mark)` at the start of the text of report `name` (under `data/reports/`)."""
    report = data / "reports" / name
    text = report.read_text(encoding="utf-8").replace("\ntext: ", f"\ntext: ({mark}) ", 1)
    report.write_text(text, encoding="utf-8")


def site_files(root: Path) -> dict[str, bytes]:
    """Every file of a built site by path, the hidden ones (dap's manifests) and the search
    index included: two sites are the same when these are."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


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


# ---------------------------------------------------------------- made once per test run


def shared_folder(factory: pytest.TempPathFactory, name: str, make: Callable[[Path], None]) -> Path:
    """A folder made once per test run, then only read.

    Every pytest-xdist worker of the run gets the same folder: the first to ask makes it under
    a lock, the others wait for it. Copy it before changing anything in it.
    """
    root = factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # the run's folder, above each worker's own
    folder = root / f"shared-{name}"
    with open(root / f"shared-{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (folder / ".made").is_file():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            make(folder)
            (folder / ".made").touch()
    return folder


def hostile_site(factory: pytest.TempPathFactory) -> Path:
    """The demonstration data with a hostile report, built once per test run (read only)."""

    def make(base: Path) -> None:
        data = copy_data(base / "data")
        add_hostile_report(data)
        result = build_site(data, base / "public")
        assert result.pages > 40

    return shared_folder(factory, "hostile-site", make) / "public"


def hostile_title_site(factory: pytest.TempPathFactory) -> Path:
    """The demonstration data with a hostile programme title, built once per test run."""

    def make(base: Path) -> None:
        data = copy_data(base / "data")
        set_hostile_title(data)
        build_site(data, base / "public")

    return shared_folder(factory, "hostile-title-site", make) / "public"


def demo_site(factory: pytest.TempPathFactory) -> Path:
    """The demonstration data built once per test run: public/, public-docs/ and what the build
    reported (read only: `copy_site` gives a copy to change)."""

    def make(base: Path) -> None:
        result = build_site(copy_data(base / "data"), base / "public")
        counts = {"pages": result.pages, "changed": result.changed, "reused": result.reused}
        (base / "result.json").write_text(json.dumps(counts), encoding="utf-8")

    return shared_folder(factory, "demo-site", make)


def copy_site(shared: Path, out: Path) -> BuildResult:
    """A copy of a shared build in `out` (and its docs folder beside it), as if `build_site`
    had just built the same data there; what that build reported."""
    shutil.copytree(shared / "public", out, symlinks=True)
    shutil.copytree(shared / "public-docs", out.parent / f"{out.name}-docs", symlinks=True)
    counts = json.loads((shared / "result.json").read_text(encoding="utf-8"))
    return BuildResult(out, **counts)


def all_output_text(root: Path) -> str:
    """Every file's text, including what is inside zips and workbooks."""
    chunks: list[str] = []
    for path in sorted(root.rglob("*")):
        if not path.is_file():
            continue
        raw = path.read_bytes()
        if raw.startswith(b"PK"):
            with zipfile.ZipFile(io.BytesIO(raw)) as zf:
                for info in zf.infolist():
                    inner = zf.read(info)
                    if inner.startswith(b"PK"):
                        with zipfile.ZipFile(io.BytesIO(inner)) as inner_zip:
                            chunks += [
                                inner_zip.read(i).decode("utf-8") for i in inner_zip.infolist()
                            ]
                    else:
                        chunks.append(inner.decode("utf-8-sig"))
        elif raw.startswith(b"\x1f\x8b"):  # the search index's gzipped chunks and fragments
            chunks.append(gzip.decompress(raw).decode("utf-8", errors="replace"))
        else:
            chunks.append(raw.decode("utf-8-sig", errors="replace"))  # images too
    return "\n".join(chunks)
