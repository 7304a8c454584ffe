"""The search entries of measures remembered between builds (issue 22).

A measure's search entry (`search.search_entries`) reads only what its page does — the
measure, its executors, its reports, the quarter being reported on (the programme and the
date), the edition's words — so an entry made when the page's key (`pagekeys.PageKeys`) was
what it is now is the entry that would be made now. `SearchMemory` keeps each measure's entry
with its page's key, for both editions, in a sealed file beside the page keys
(`.dap-cache/pages-…/search.marshal`: the MAC of this user's key, a newline, then the entries
in `marshal`, read only when the MAC is right); a rebuild takes the entry of a measure whose
key is the same and makes the others. No file, another user's or an unreadable one: every
entry is made, as without it (the last two with a one-line note, `notes`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import hmac
import marshal
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..cache import seal
from ..i18n import N_, _

FILE = "search.marshal"
FORMAT = 1

Fields = tuple[Any, ...]  # a measure page's key, then the entry's fields in their order

UNREADABLE = N_(
    "note: the previous build's search entries {file} cannot be read; every measure's entry "
    "is made anew"
)
FOREIGN = N_(
    "note: the previous build's search entries {file} were not written by this user's dap; "
    "every measure's entry is made anew"
)


class SearchMemory:
    """The previous build's measure entries ({edition: {measure: (key, fields…)}}) and this
    build's; `keys`: this build's measure page keys by (edition, measure)."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.keys: dict[tuple[str, str], str] = {}
        self.taken_count = 0  # entries taken from the previous build
        self.notes: list[str] = []  # one line when the previous file was not usable
        self._before: dict[str, dict[str, Fields]] | None = None
        self._now: dict[str, dict[str, Fields]] = {}

    def taken(self, lang: str, mid: str, kind: Callable[..., Any]) -> Any:
        """Measure `mid`'s entry in edition `lang` as the previous build made it (`kind`
        made of its fields: `search.Entry`), when its page's key is the same; else None."""
        key = self.keys.get((lang, mid))
        found = self._previous().get(lang, {}).get(mid) if key is not None else None
        if found is None or found[0] != key:
            return None
        self._now.setdefault(lang, {})[mid] = found
        self.taken_count += 1
        return kind(*found[1:])

    def made(self, lang: str, mid: str, entry: Any) -> None:
        """Keep measure `mid`'s entry made in edition `lang` (a dataclass) with its page's key."""
        key = self.keys.get((lang, mid))
        if key is not None:
            values = tuple(getattr(entry, f.name) for f in dataclasses.fields(entry))
            self._now.setdefault(lang, {})[mid] = (key, *values)

    def before(self) -> None:
        """Read the previous build's entries now (before a fork: `PageKeys.read`)."""
        self._previous()

    def now(self) -> dict[str, dict[str, Fields]]:
        """This build's entries so far, by edition and measure."""
        return self._now

    def absorb(
        self, keys: dict[tuple[str, str], str], now: dict[str, dict[str, Fields]], taken: int
    ) -> None:
        """Take the keys and entries another process's copy made (`forkedkeys.absorb`)."""
        self.keys.update(keys)
        for lang, entries in now.items():
            self._now.setdefault(lang, {}).update(entries)
        self.taken_count += taken

    def _previous(self) -> dict[str, dict[str, Fields]]:
        if self._before is None:
            self._before = self._read()
        return self._before

    def _read(self) -> dict[str, dict[str, Fields]]:
        if self.folder is None or not (self.folder / FILE).is_file():
            return {}
        path = self.folder / FILE
        try:
            raw = path.read_bytes()
            mac, _newline, body = raw.partition(b"\n")
            expected = seal(body)
            if expected is None:
                return {}  # no key to check it with (caching off): nothing taken from it
            if not hmac.compare_digest(bytes.fromhex(mac.decode()), expected):
                self.notes.append(_(FOREIGN, file=path))  # not sealed by this user's dap
                return {}
            version, found = marshal.loads(body)
            if version != FORMAT:
                return {}  # another format: every entry is made, as it must be
            if not isinstance(found, dict):
                raise TypeError(found)
            return found
        except (OSError, ValueError, EOFError, TypeError, UnicodeDecodeError):
            self.notes.append(_(UNREADABLE, file=path))
            return {}

    def save(self) -> None:
        """Keep this build's entries for the next (nothing without a folder or a key)."""
        if self.folder is None:
            return
        path = self.folder / FILE
        body = marshal.dumps((FORMAT, self._now), 4)
        self._now, self._before = {}, None
        mac = seal(body)
        try:
            if mac is None or not self.keys:
                path.unlink(missing_ok=True)
                return
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            tmp.write_bytes(mac.hex().encode() + b"\n" + body)
            os.replace(tmp, path)
        except OSError:
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)
