"""The ledger of sent notices and the once-only rule: a notice already sent is skipped."""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from ..errors import ConfigError
from ..i18n import _
from .plan import Notice


class Ledger:
    """Ids of notices already sent: JSON lines, one appended and fsynced after each send.

    Lines hold the notice id, kind, person id and time — never an address. A line torn by a
    crash is skipped on reading (its notice counts as not sent).
    """

    def __init__(self, path: Path | None):
        self.path = path
        self.sent: set[str] = set()
        self.torn = 0
        self._fh: IO[bytes] | None = None
        if path is not None and path.exists():
            self._parse(path.read_bytes())

    def _parse(self, raw: bytes) -> None:
        self.sent, self.torn = set(), 0
        for line in raw.decode("utf-8", errors="replace").splitlines():
            if not line.strip():
                continue
            try:
                self.sent.add(str(json.loads(line)["id"]))
            except (ValueError, KeyError, TypeError):
                self.torn += 1

    def __contains__(self, notice_id: str) -> bool:
        return notice_id in self.sent

    def open(self) -> None:
        """Take an exclusive lock (one sending run per ledger), then read it afresh."""
        if self.path is None or self._fh is not None:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fh = open(self.path, "a+b")  # noqa: SIM115 - held for the whole run
        except OSError as exc:
            raise ConfigError(
                _(
                    "{path}: the ledger cannot be written ({reason}) — pass a writable "
                    "--ledger path",
                    path=self.path,
                    reason=exc.strerror,
                )
            ) from exc
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            fh.close()
            raise ConfigError(
                _(
                    "{path}: another 'dap notify --send' is using this ledger — wait for it",
                    path=self.path,
                )
            ) from exc
        fh.seek(0)
        raw = fh.read()
        self._parse(raw)  # a run that finished after this one started has appended
        if raw and not raw.endswith(b"\n"):  # a line torn by a crash: end it
            fh.write(b"\n")
        self._fh = fh

    def record(self, notice: Notice, when: dt.datetime) -> None:
        """Append one sent notice and make it durable before anything else is sent."""
        self.sent.add(notice.id)
        if self._fh is None:
            return
        line = {
            "id": notice.id,
            "kind": notice.kind,
            "person": notice.person,
            "bucket": notice.bucket,
            "sent": when.isoformat(timespec="seconds"),
        }
        self._fh.write(json.dumps(line, ensure_ascii=False).encode("utf-8") + b"\n")
        self._fh.flush()
        os.fsync(self._fh.fileno())

    def close(self) -> None:
        """Release the lock."""
        if self._fh is not None:
            self._fh.close()
            self._fh = None


@dataclass
class Outcome:
    """What happened to one notice in this run."""

    notice: Notice
    state: str  # sent | written | unchanged | already_sent | no_address | failed | not_attempted
    detail: str = ""


def skip(n: Notice, ledger: Ledger) -> Outcome | None:
    """The outcome of a notice that is not delivered at all: already sent, or no address."""
    if n.id in ledger:
        return Outcome(n, "already_sent")
    if not n.email:
        return Outcome(n, "no_address")
    return None
