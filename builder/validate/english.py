"""English texts of the data (`title_en`, `name_en`, … beside the Ukrainian field): typed,
cleaned and refused like the Ukrainian ones by the loader (length, control characters, a ' #'
that would cut the text); here what only the pair shows. An amendment's English title goes
only beside its new title; an English text that is the Ukrainian one, or written in Cyrillic,
is flagged (a warning: it would be shown to English readers as if it were English)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from .. import models as m
from ..errors import Problem
from ..i18n import N_
from ..load import Dataset
from ..translations import data_texts, english

_CYRILLIC = re.compile("[\u0400-\u04ff]")
_LETTERS = re.compile(r"[^\W\d_]")
CYRILLIC_SHARE = 0.5  # an English text with more of its letters in Cyrillic is not English


def check_english(data: Dataset) -> Iterator[Problem]:
    """Every English text of the data against the Ukrainian text it translates."""
    yield from _lone_amendment_titles(data)
    for text in data_texts(data):
        if text.english is None:
            continue
        src = data.source(*text.source)
        name = english(str(text.loc[-1]))
        if text.english == text.text:
            yield src.problem(
                text.english_loc,
                N_("{name} repeats the Ukrainian text"),
                N_("write the English text, or remove the line until there is one"),
                "english-same",
                "warning",
                name=name,
            )
            continue
        letters = _LETTERS.findall(text.english)
        cyrillic = sum(1 for ch in letters if _CYRILLIC.match(ch))
        if letters and cyrillic / len(letters) > CYRILLIC_SHARE:
            yield src.problem(
                text.english_loc,
                N_("{name} is written in Cyrillic letters"),
                N_("write the English text in Latin letters, or remove the line"),
                "english-cyrillic",
                "warning",
                name=name,
            )


def _lone_amendment_titles(data: Dataset) -> Iterator[Problem]:
    """An amendment's `title_en` without its new `title`: it translates nothing."""
    owners: list[
        tuple[str, str, Sequence[m.Amendment | m.ResultAmendment | m.SectionAmendment]]
    ] = [
        *(("measures", k, r.amendments) for k, r in (data.texts or data.measures).items()),
        *(("results", k, r.amendments) for k, r in data.results.items()),
        *(("sections", k, r.amendments) for k, r in data.sections.items()),
    ]
    for kind, key, amendments in owners:
        if amendments:
            for i, am in enumerate(amendments):
                if am.title_en is not None and am.title is None:
                    yield data.source(kind, key).problem(
                        ("amendments", i, "title_en"),
                        N_("title_en of an amendment translates its new title, and it has none"),
                        N_(
                            "put the English text of the original title in the record's own "
                            "title_en, or give the amendment its new title too"
                        ),
                        "english-without-title",
                        key=True,
                    )
