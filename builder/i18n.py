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

The public site has a catalogue of its own, the `site` domain (`locale/<lang>/LC_MESSAGES/
site.po`, marked with `S_()`), read in the language of each page through a `SiteCatalogue`
rather than the run's language; its English texts are reviewed ones, and a message without
one falls back to Ukrainian and says so (docs/translating.md).
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
SITE = "site"  # the site's own domain: locale/<lang>/LC_MESSAGES/site.po, apart from dap's
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
    found = sorted((LOCALE / lang / "LC_MESSAGES").glob(DOMAIN_GLOB))
    return _compiled(lang, [p for p in found if p.stem != SITE], "messages")


def _compiled(lang: str, sources: list[Path], name: str) -> gettext.GNUTranslations:
    """The .po files `sources` as one catalogue, compiled once per their content (user cache)."""
    from .project import user_cache  # project.py speaks through this module

    digest = hashlib.blake2b(digest_size=12)
    for path in sources:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    cached = user_cache() / f"{name}-{lang}-{digest.hexdigest()}.mo"
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


# ---------------------------------------------------------------- the site's catalogue
#
# The public site speaks the language of its edition, page by page, whatever the run's
# language: its texts are the `site` domain (locale/uk/LC_MESSAGES/site.po and
# locale/en/LC_MESSAGES/site.po), read through a `SiteCatalogue` of one language that the page
# is given — never a switch of the run. Message ids are English, as everywhere; the English
# catalogue holds the reviewed public English (official terms as the portal words them), and a
# message without it falls back to its Ukrainian text, which the page marks `lang="uk"`.


def S_(message: str) -> str:
    """Mark `message` as a message id of the site's catalogue; translated when a page is made."""
    return message


def SN_(singular: str, plural: str) -> tuple[str, str]:
    """Mark a message of the site's catalogue with a plural (said for a count when a page is
    made, `Edition.tn`): its singular and plural message ids."""
    return singular, plural


class _Unknown(gettext.NullTranslations):
    """The last fallback of a site catalogue: "" says the message has no text in it."""

    def gettext(self, message: str) -> str:
        return ""

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return ""


@functools.cache
def site_translations(lang: str) -> gettext.GNUTranslations:
    """The site's catalogue of `lang` alone (no fallback), compiled as dap's own catalogue is."""
    compiled = _compiled(lang, [LOCALE / lang / "LC_MESSAGES" / f"{SITE}.po"], SITE)
    compiled.add_fallback(_Unknown())
    return compiled


class SiteCatalogue:
    """The site's messages in one language ("uk" or "en"). English falls back to Ukrainian
    where the English catalogue has no text; Ukrainian (complete, tests/test_site_messages.py)
    falls back to the message id, which is English."""

    def __init__(self, lang: str):
        if lang not in LANGUAGES:
            raise ValueError(lang)
        self.lang = lang

    def translate(self, msgid: str) -> tuple[str, str]:
        """The text of `msgid` in this language, and the language it is in (a fallback: "uk").

        Remembered with the compiled catalogue it was read from (a page set asks for the same
        few hundred messages ~100,000 times at 2,000 measures); a catalogue compiled anew
        (`site_translations.cache_clear()`) starts with nothing remembered."""
        memo: dict[str, tuple[str, str]] = site_translations(self.lang).__dict__.setdefault(
            "_dap_memo", {}
        )
        found = memo.get(msgid)
        if found is None:
            found = memo[msgid] = self._translate(msgid)
        return found

    def _translate(self, msgid: str) -> tuple[str, str]:
        if self.lang == "en":
            text = site_translations("en").gettext(msgid)
            if text:
                return text, "en"
        text = site_translations("uk").gettext(msgid)
        return (text, "uk") if text else (msgid, "en")  # not even Ukrainian: the id

    def translate_plural(self, singular: str, plural: str, n: int) -> tuple[str, str]:
        """The form for `n` of a message, and the language it is in."""
        if self.lang == "en":
            text = site_translations("en").ngettext(singular, plural, n)
            if text:
                return text, "en"
        text = site_translations("uk").ngettext(singular, plural, n)
        return (text, "uk") if text else (singular if n == 1 else plural, "en")

    def gettext(self, msgid: str, /, **params: object) -> str:
        """`msgid` in this language, its `{name}` placeholders filled (values never cut)."""
        text = self.translate(msgid)[0]
        return text.format_map(params) if params else text

    def ngettext(self, singular: str, plural: str, n: int, /, **params: object) -> str:
        """The form for `n` of a message in this language, `{n}` and `params` filled."""
        return self.translate_plural(singular, plural, n)[0].format_map({"n": n, **params})

    def falls_back(self, msgid: str) -> bool:
        """This (English) catalogue has no text for `msgid`: the Ukrainian one is shown."""
        return self.translate(msgid)[1] != self.lang


@functools.cache
def site_catalogue(lang: str) -> SiteCatalogue:
    """The site's catalogue of `lang`."""
    return SiteCatalogue(lang)


def site_messages_without_english() -> tuple[int, list[str]]:
    """How many messages the site's catalogue holds (its Ukrainian .po, which is complete),
    and the ids of those without an English text in the English .po."""
    from babel.messages.pofile import read_po

    def texts(lang: str) -> dict[str, bool]:
        with (LOCALE / lang / "LC_MESSAGES" / f"{SITE}.po").open("rb") as handle:
            return {
                str(msg.id[0] if isinstance(msg.id, (tuple, list)) else msg.id): bool(
                    msg.string
                    and not msg.fuzzy
                    and all(msg.string if isinstance(msg.string, tuple) else (msg.string,))
                )
                for msg in read_po(handle, locale=lang)
                if msg.id
            }

    ids, english = texts("uk"), texts("en")
    return len(ids), [msgid for msgid in ids if not english.get(msgid)]
