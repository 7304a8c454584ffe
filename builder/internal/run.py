"""One `dap build --internal` run: the folder checked, everything gathered, then written and
swapped in; its summary."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path

from ..errors import BuildError
from ..i18n import _, ngettext
from ..output import Writer, swap
from .gather import MARK, PUBLIC_MARK, Internal, gather
from .page import TITLES, render_html, xlsx

# ---------------------------------------------------------------- write


def plotly_js() -> Path:
    """plotly.min.js as shipped inside the installed `plotly` package."""
    import plotly

    path = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    if not path.is_file():
        raise BuildError(
            _(
                "plotly.min.js not found in {folder} — reinstall the plotly package",
                folder=path.parent,
            )
        )
    return path


def check_out(out: Path) -> None:
    """Refuse to replace a folder the internal build did not make."""
    if out.exists() and not out.is_dir():
        raise BuildError(_("{path} is a file — choose another --out", path=out))
    for parent in out.resolve().parents:
        if (parent / PUBLIC_MARK).exists():
            raise BuildError(
                _(
                    "{path} is inside the public site {site}/ — the internal build holds "
                    "contact data and is never published: choose a folder outside it "
                    "(default: internal/)",
                    path=out,
                    site=parent,
                )
            )
    if out.is_dir() and any(out.iterdir()) and not (out / MARK).exists():
        raise BuildError(
            _(
                "{folder}/ exists and was not made by 'dap build --internal' — choose another "
                "--out, or remove the folder yourself",
                folder=out,
            )
        )


def build_internal(
    data_dir: Path, out: Path, as_of: dt.date | None = None, computed_on: dt.date | None = None
) -> tuple[Internal, dict[str, int]]:
    """Gather everything, then write the internal build into `out` (swapped in at the end)."""
    check_out(out)
    result = gather(data_dir, as_of, computed_on)
    downloads = {name: f"{name}.xlsx" for name in TITLES}
    page = render_html(result, downloads)
    files = {
        f"{name}.xlsx": xlsx(result.tables[name], TITLES[name], result.computed_on)
        for name in TITLES
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    try:
        writer = Writer(staging)
        writer.write("index.html", page)
        for rel, content in files.items():
            writer.write(rel, content)
        writer.write("assets/plotly.min.js", plotly_js().read_bytes())
        writer.write(MARK, "made by dap build --internal; never publish this folder\n")
        swap(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return result, dict(writer.written)


def summary_lines(result: Internal, written: dict[str, int], out: Path) -> list[str]:
    """What the internal build made, for the command line."""
    size = sum(written.values())
    late = sum(1 for d in result.snapshot.due if d.state == "late")
    missing = sum(1 for d in result.snapshot.due if d.state == "missing")
    return [
        ngettext(
            "Internal analytics written to {folder}/ ({n} file, {size} MB): open "
            "{folder}/index.html in a browser.",
            "Internal analytics written to {folder}/ ({n} files, {size} MB): open "
            "{folder}/index.html in a browser.",
            len(written),
            folder=out,
            size=format(size / 1e6, ".1f"),
        ),
        ngettext(
            "As of {day}: {n} due report, {late} late, {missing} missing; executors to write "
            "to for {period}: {letters}.",
            "As of {day}: {n} due reports, {late} late, {missing} missing; executors to write "
            "to for {period}: {letters}.",
            len(result.snapshot.due),
            day=result.as_of,
            late=late,
            missing=missing,
            period=result.letter_period or "—",
            letters=len(result.letters),
        ),
        _("It holds contact data: never publish this folder."),
    ]
