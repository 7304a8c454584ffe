"""Messages a person reads, in their language: the gettext catalogues of builder/locale/
(managed with Babel), Ukrainian by default, English — the source texts — on request.

A message is written once, in English, as a message id with `{name}` placeholders: marked
with `N_()` where it is kept to be shown later (a `Problem`'s message and hint), or shown at
once with `_()` / `ngettext()`. Its Ukrainian text lives in
`builder/locale/uk/LC_MESSAGES/<area>.po` (one file per area of the code, all merged), with
Ukrainian plural rules («1 помилка», «2 помилки», «5 помилок»). The language of a run:
`dap --lang`, else DAP_LANG, else English when LC_ALL / LC_MESSAGES / LANG start with "en",
else Ukrainian. Values put into a message are shortened to MAX_VALUE characters with «…», so
no message echoes a huge value.
"""

from __future__ import annotations

import contextlib
import functools
import gettext
import hashlib
import os
import struct
from collections.abc import Mapping
from io import BytesIO
from pathlib import Path

LANGUAGES = ("uk", "en")
DEFAULT = "uk"
LOCALE = Path(__file__).resolve().parent / "locale"
DOMAIN_GLOB = "*.po"
MAX_VALUE = 120  # characters of one value inside a message

_language = [""]  # "" until chosen: then from the environment


def N_(message: str) -> str:
    """Mark `message` as a message id of the catalogue; it is translated when shown."""
    return message


def language_from(env: Mapping[str, str]) -> str:
    """The language an environment asks for: DAP_LANG, else the locale variables."""
    wanted = env.get("DAP_LANG", "").strip().lower()
    if wanted in LANGUAGES:
        return wanted
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "").strip().lower()
        if value:
            return "en" if value.startswith("en") else DEFAULT
    return DEFAULT


def set_language(lang: str | None) -> None:
    """Use `lang` ("uk" or "en") for the rest of this run; None: from the environment."""
    _language[0] = lang if lang in LANGUAGES else language_from(os.environ)


def language() -> str:
    """The language of this run."""
    if not _language[0]:
        set_language(None)
    return _language[0]


@functools.cache
def translations(lang: str) -> gettext.NullTranslations:
    """The merged catalogue of `lang` (English: the message ids themselves).

    Reading the .po files with Babel costs ~0.1 s, which every command would pay; so the
    merged catalogue is compiled once per content of the .po files and kept in the user cache
    (`~/.cache/dap/messages-<digest>.mo`); a missing or unwritable cache only costs the time.
    """
    if lang == "en":
        return gettext.NullTranslations()
    from .project import user_cache  # project.py speaks through this module

    sources = sorted((LOCALE / lang / "LC_MESSAGES").glob(DOMAIN_GLOB))
    digest = hashlib.blake2b(digest_size=12)
    for path in sources:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    cached = user_cache() / f"messages-{lang}-{digest.hexdigest()}.mo"
    try:
        return gettext.GNUTranslations(BytesIO(cached.read_bytes()))
    except (OSError, ValueError, struct.error):  # not there yet, or damaged: compile it
        pass
    compiled = compile_catalogue(lang, sources)
    with contextlib.suppress(OSError):
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial = cached.with_name(cached.name + f".{os.getpid()}")
        partial.write_bytes(compiled)
        partial.replace(cached)
    return gettext.GNUTranslations(BytesIO(compiled))


def compile_catalogue(lang: str, sources: list[Path]) -> bytes:
    """The .po files `sources` merged into one compiled (.mo) catalogue, with Babel."""
    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    merged = Catalog(locale=lang, domain="dap")
    for path in sources:
        with path.open("rb") as handle:
            for message in read_po(handle, locale=lang):
                if message.id and message.string and not message.fuzzy:
                    merged[message.id] = message
    compiled = BytesIO()
    write_mo(compiled, merged)
    return compiled.getvalue()


def shorten(value: object, limit: int = MAX_VALUE) -> str:
    """A value as text for a message: one line, at most `limit` characters, «…» if cut."""
    text = str(value)
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text.replace("\r", "\\r").replace("\n", "\\n")


def render(message: str, params: Mapping[str, object] | None = None) -> str:
    """`message` translated into the run's language, its `{name}` placeholders filled."""
    text = translations(language()).gettext(message) if message else ""
    if not params:
        return text
    return text.format_map({k: shorten(v) for k, v in params.items()})


def _(msgid: str, /, **params: object) -> str:
    """`msgid` in the run's language, with `params` put in its placeholders."""
    return render(msgid, params)


def ngettext(singular: str, plural: str, n: int, /, **params: object) -> str:
    """The form of a message for `n` things in the run's language («1 помилка», «5 помилок»)."""
    text = translations(language()).ngettext(singular, plural, n)
    return text.format_map({"n": n, **{k: shorten(v) for k, v in params.items()}})
