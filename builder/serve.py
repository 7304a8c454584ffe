"""`dap serve`: the built site previewed on this machine — its files only (400 for a
malformed path, the site's own 404 page, never a listing of a folder).

A module of its own, apart from `build.py`: a build never serves, and the HTTP server's
modules (http.server and what it imports: e-mail parsing, sockets, TLS) cost every build
process ~25 ms to import (issue 22).
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import signal
import urllib.parse
from contextlib import suppress
from http import HTTPStatus
from pathlib import Path
from typing import BinaryIO

from .errors import BuildError
from .i18n import _
from .parallel import collector_running
from .site.editions import EN_FOLDER


class SiteRequestHandler(http.server.SimpleHTTPRequestHandler):
    """The built site's files, and nothing else: a malformed path gets 400, a missing file or a
    folder without an index the site's own 404 page (MkDocs writes 404.html), never a listing."""

    def send_head(self) -> BinaryIO | None:
        """400 for a path that is not UTF-8 or holds a control character, else the file."""
        path = urllib.parse.urlsplit(self.path).path
        try:
            decoded = urllib.parse.unquote(path, errors="strict")
        except UnicodeDecodeError:
            decoded = "\x00"
        if _CONTROL.search(decoded):
            self.send_error(HTTPStatus.BAD_REQUEST)
            return None
        local = self.translate_path(self.path)
        if os.path.isdir(local) and not os.path.isfile(os.path.join(local, "index.html")):
            self.send_error(HTTPStatus.NOT_FOUND)
            return None
        return super().send_head()

    def list_directory(self, path: str | os.PathLike[str]) -> None:
        """Never a listing of a folder's files."""
        self.send_error(HTTPStatus.NOT_FOUND)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """The site's 404.html for 404 (in Ukrainian, with the site's look; under en/ the
        English edition's); the default short page for any other error."""
        page = Path(self.directory) / "404.html"
        english = Path(self.directory) / EN_FOLDER / "404.html"  # the English edition's own
        if self.path.startswith(f"/{EN_FOLDER}/") and english.is_file():
            page = english
        if code != HTTPStatus.NOT_FOUND or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.log_error("code %d, message %s", code, message or "Not Found")
        self.send_response(code)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


# Control characters (C0, DEL, C1) and lone surrogates: no file of the site is named with one.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def serve(out: Path, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve the built site on this machine only, until interrupted."""
    if not (out / "index.html").exists():
        raise BuildError(
            _("{folder}/index.html does not exist — run 'dap build' first", folder=out)
        )
    handler = functools.partial(SiteRequestHandler, directory=str(out))
    try:
        server = http.server.ThreadingHTTPServer((host, port), handler)
    except OSError as exc:
        raise BuildError(
            _(
                "cannot listen on {host}:{port}: {reason} — choose another --port",
                host=host,
                port=port,
                reason=exc.strerror,
            )
        ) from exc
    with server:
        address = f"http://{host}:{server.server_address[1]}/"
        print(_("Serving {folder}/ at {address} (Ctrl+C stops)", folder=out, address=address))
        # Ctrl+C (and a plain `kill`) stop it even where it was started with SIGINT ignored,
        # as a background job of a script is (nohup, CI)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.default_int_handler)
        with suppress(KeyboardInterrupt), collector_running():  # it runs until stopped
            server.serve_forever()
