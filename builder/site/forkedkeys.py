"""The page keys of pages made in a forked process (issue 22, `site/english.py`: its share of
both editions' pages): what the child's copy of `pagekeys.PageKeys` made (`made`, a `KeysMade`:
names, keys and digests, and the measures' search entries, no page's text), and the parent
taking it in (`absorb`) so that its keys are as if it had made those pages itself. The child's
copy is made before any page, so what it made is what it holds."""

from __future__ import annotations

import dataclasses
from typing import Any

from .pagekeys import Kept, PageKeys


@dataclasses.dataclass
class KeysMade:
    """What a copy of `PageKeys` made in a forked process (`made`): names, keys and
    digests, and the measures' search entries (`SearchMemory`), no page's text."""

    keys: dict[str, str]
    kept: dict[str, Kept]
    rendered: list[str]
    groups: dict[str, list[Any]]
    parts: dict[str, list[Any]]
    bare: dict[str, str]
    search_keys: dict[tuple[str, str], str]
    search_now: dict[str, dict[str, Any]]
    search_taken: int


def made(keys: PageKeys) -> KeysMade:
    """What the pages made since this build's records were read (`PageKeys.read`) added to
    `keys`: this build's keys, kept pages, groups and parts, the records' digests and the
    search entries. From a forked process making one edition (`site/english.py`), for
    `absorb`."""
    search = keys.search
    return KeysMade(
        keys.keys,
        keys.kept,
        keys.rendered,
        keys.groups,
        keys.parts,
        keys._digests.bare_now,
        search.keys,
        search.now(),
        search.taken_count,
    )


def absorb(keys: PageKeys, made: KeysMade) -> None:
    """Take what another process's copy of `keys` made (`made`) as made here: the keys are
    as if this process had made that edition's pages itself."""
    keys.keys.update(made.keys)
    keys.kept.update(made.kept)
    keys.rendered += made.rendered
    keys.groups.update(made.groups)
    keys.parts.update(made.parts)
    keys._digests.bare_now.update(made.bare)
    keys.search.absorb(made.search_keys, made.search_now, made.search_taken)
