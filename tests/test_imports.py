"""What a `dap build` process imports (issue 22): each build is a fresh process, and every
module imported is paid for by every build, the one with nothing to do too."""

from __future__ import annotations

import subprocess
import sys


def imported_by(statement: str) -> set[str]:
    """The modules a fresh interpreter holds after running `statement`."""
    done = subprocess.run(
        [sys.executable, "-c", f"{statement}\nimport sys\nprint('\\n'.join(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
    )
    return set(done.stdout.split())


def test_a_build_does_not_import_the_http_server() -> None:
    """`dap serve`'s HTTP server and what it imports (e-mail parsing, sockets, TLS: ~25 ms)
    are in `builder.serve`, which only `dap serve` imports."""
    build = imported_by("import builder.build")
    assert "builder.build" in build
    assert not {"http.server", "socketserver", "email.parser", "ssl"} & build
    assert "http.server" in imported_by("import builder.serve")


def test_the_pages_and_mkdocs_stages_modules_wait_for_the_datasets_fork() -> None:
    """What only the pages and MkDocs stages use (the pages' modules, MkDocs' runs and the
    `logging` they import: ~8 ms) is imported by the site's child once it has forked the
    datasets' child (`build.make_site`, `make_html`), not by every build before its first
    fork: the datasets' child never uses it, and a build with nothing to do never needs it."""
    build = imported_by("import builder.build")
    later = {"builder.site.mkdocs", "builder.site.english", "builder.opendata.pages", "logging"}
    assert not later & build
    assert later <= imported_by(
        "import builder.site.mkdocs, builder.site.english\nimport builder.opendata.pages"
    )
