"""The golden site snapshot: what `dap build` writes into its docs folder for the fixture programme.

tests/fixtures/programme/data is a tiny programme with a measure in each status. tests/golden/
holds the generated Markdown pages and the datasets that a build of it as of AS_OF (computed on
COMPUTED_ON) leaves in its docs folder; not MkDocs' HTML, and not the static assets copied
unchanged from the site's own pages (ASSETS). Each archive (.zip, .xlsx) is kept as a listing
of its members (date, size, SHA-256 of the content, name): the compressed bytes depend on the
zlib at hand, the members do not. A change to a page or a table thus arrives as a reviewable
text diff. test_golden.py compares every file, names and bytes, with a fresh snapshot.

After a change to the pages or the datasets, regenerate the snapshot and review the diff:

    python tests/golden.py --update
    git diff tests/golden/

`python tests/golden.py` alone only compares (exit status 1 and a diff when they differ). The
script imports `builder` from this checkout, whatever is installed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import difflib
import hashlib
import io
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "programme" / "data"
GOLDEN = ROOT / "tests" / "golden"
AS_OF = dt.date(2025, 4, 10)  # the window for 2025-Q1 is open: reports are also pending
COMPUTED_ON = dt.date(2025, 4, 11)
ASSETS = (
    "assets/dap.css",
    "assets/dap.js",
    "assets/dap-asof.js",
    "assets/vendor/",
)  # copied, not generated
ARCHIVES = (".zip", ".xlsx")
UPDATE = "python tests/golden.py --update"
SHOWN_FILES = 3  # files whose diff a failure prints
SHOWN_LINES = 40  # lines of each of those diffs


def snapshot(target: Path) -> None:
    """Build the fixture programme and write its snapshot into `target` (made; must not exist)."""
    from builder.build import build

    with tempfile.TemporaryDirectory(prefix="dap-golden-") as tmp:
        # a copy outside any Git repository: no history, so no dates from commits
        data = Path(tmp) / "data"
        shutil.copytree(FIXTURE, data)
        docs = Path(tmp) / "docs"
        build(data, Path(tmp) / "public", as_of=AS_OF, computed_on=COMPUTED_ON, docs_dir=docs)
        for path in sorted(docs.rglob("*")):
            rel = path.relative_to(docs).as_posix()
            if not path.is_file() or rel.startswith(ASSETS):
                continue
            out = target / rel
            out.parent.mkdir(parents=True, exist_ok=True)
            if path.suffix in ARCHIVES:
                out.with_name(out.name + ".listing").write_text(
                    "".join(f"{line}\n" for line in listing(path.read_bytes())), encoding="utf-8"
                )
            else:
                shutil.copyfile(path, out)


def listing(archive: bytes, within: str = "") -> list[str]:
    """One line per member of an archive, in its order: date, size, content digest, name; an
    archive inside it is listed member by member (name!member)."""
    lines = []
    with zipfile.ZipFile(io.BytesIO(archive)) as zf:
        for info in zf.infolist():
            content, name = zf.read(info), within + info.filename
            if name.endswith(ARCHIVES):
                lines += listing(content, f"{name}!")
                continue
            when = dt.datetime(*info.date_time).isoformat(sep=" ")
            digest = hashlib.sha256(content).hexdigest()
            lines.append(f"{when}  {info.file_size:>8}  {digest}  {name}")
    return lines


def files(root: Path) -> dict[str, bytes]:
    """Every file under `root` by its relative path."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def differences(expected: Path, actual: Path) -> str:
    """What differs between two snapshots, with a short diff of the first files; "" if none."""
    old, new = files(expected), files(actual)
    missing = sorted(set(old) - set(new))
    extra = sorted(set(new) - set(old))
    changed = sorted(p for p in set(old) & set(new) if old[p] != new[p])
    if not (missing or extra or changed):
        return ""
    parts = [f"no longer made: {p}" for p in missing] + [f"new: {p}" for p in extra]
    parts += [f"changed: {p}" for p in changed]
    for path in changed[:SHOWN_FILES]:
        try:
            before, after = old[path].decode("utf-8"), new[path].decode("utf-8")
        except UnicodeDecodeError:
            parts.append(f"--- {path}: binary, {len(old[path])} → {len(new[path])} bytes")
            continue
        diff = list(
            difflib.unified_diff(
                before.splitlines(),
                after.splitlines(),
                f"golden/{path}",
                f"built/{path}",
                lineterm="",
            )
        )
        parts += diff[:SHOWN_LINES] + (["…"] if len(diff) > SHOWN_LINES else [])
    parts.append(
        f"The build of {FIXTURE.relative_to(ROOT)} differs from {GOLDEN.relative_to(ROOT)}/. "
        f"If the change is intended, run `{UPDATE}` and review `git diff tests/golden/`."
    )
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    """Compare a fresh snapshot with tests/golden/, or replace it with --update."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--update", action="store_true", help="rewrite tests/golden/")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))  # this checkout's builder, whatever is installed
    with tempfile.TemporaryDirectory(prefix="dap-golden-") as tmp:
        fresh = Path(tmp) / "golden"
        snapshot(fresh)
        if args.update:
            shutil.rmtree(GOLDEN, ignore_errors=True)
            shutil.copytree(fresh, GOLDEN)
            print(f"wrote {len(files(GOLDEN))} files into {GOLDEN}/")
            return 0
        found = differences(GOLDEN, fresh)
        print(found or f"{GOLDEN}/ is up to date")
        return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
