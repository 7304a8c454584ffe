"""English texts of the data and of the site's interface: which fields may carry one, every
text of a dataset with its English (or none), and what is untranslated (`dap untranslated`).

A record carries the English text of a field people read as `<field>_en` beside it
(`title_en` beside `title`, `name_en` beside `name`; docs/data-layout.md "English texts"). The
English edition of the site shows it, else the Ukrainian text marked `lang="uk"`. Pure, apart
from reading the site's message catalogues (builder/i18n.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from . import models as m
from .i18n import N_, site_messages_without_english
from .load import Dataset

# The kinds of data text, in the order they are reported, each with its name for people.
KINDS: dict[str, str] = {
    "programme": N_("programme"),
    "sections": N_("directions, problems and tasks"),
    "results": N_("expected strategic results (ОСР)"),
    "measures": N_("measures"),
    "indicators": N_("indicators"),
    "subindicators": N_("subindicators"),
    "executors": N_("executors"),
}
# The fields that carry an English text, by model: the Ukrainian field → its English one.
FIELDS: dict[type[m.Record], tuple[str, ...]] = {
    m.Programme: ("title", "short_title"),
    m.Section: ("title",),
    m.SectionAmendment: ("title",),
    m.ExpectedResult: ("title",),
    m.ResultAmendment: ("title",),
    m.Indicator: ("title",),
    m.Subindicator: ("title",),
    m.Measure: ("title",),
    m.Amendment: ("title",),
    m.Executor: ("name", "short_name"),
}


def english(field: str) -> str:
    """The name of the field that carries the English text of `field`: title → title_en."""
    return field + "_en"


@dataclass(frozen=True, slots=True)
class DataText:
    """One text of the data that people read, with its English text if the record has one."""

    kind: str  # a key of KINDS
    source: tuple[str, str]  # (LAYOUT kind, key) of the record's file, for Dataset.source
    record: str  # the id of the record it belongs to (the ОСР's for its indicators)
    loc: tuple[str | int, ...]  # where the Ukrainian text is in the file
    text: str  # the Ukrainian text
    english: str | None  # its English text, or None

    @property
    def english_loc(self) -> tuple[str | int, ...]:
        """Where its English text is (or would be written) in the file."""
        return (*self.loc[:-1], english(str(self.loc[-1])))


def _of(
    kind: str, source: tuple[str, str], record: str, rec: m.Record, at: tuple[str | int, ...]
) -> Iterator[DataText]:
    """The texts of one record (or part of one) at `at` in its file."""
    for name in FIELDS[type(rec)]:
        value = getattr(rec, name)
        if value is not None:
            yield DataText(kind, source, record, (*at, name), value, getattr(rec, english(name)))


def _indicators(
    source: tuple[str, str], rid: str, indicators: list[m.Indicator], at: tuple[str | int, ...]
) -> Iterator[DataText]:
    for i, ind in enumerate(indicators):
        yield from _of("indicators", source, rid, ind, (*at, "indicators", i))
        for j, sub in enumerate(ind.subindicators):
            here = (*at, "indicators", i, "subindicators", j)
            yield from _of("subindicators", source, rid, sub, here)


def data_texts(data: Dataset) -> Iterator[DataText]:
    """Every text of the data that may carry an English text, as written in the files: the
    original texts and the new texts of amendments, kind by kind."""
    p = data.programme
    if p is not None:
        yield from _of("programme", ("programme", "programme"), p.id, p, ())
    for sid, s in data.sections.items():
        yield from _of("sections", ("sections", sid), sid, s, ())
        for i, sa in enumerate(s.amendments):
            yield from _of("sections", ("sections", sid), sid, sa, ("amendments", i))
    for rid, r in data.results.items():
        yield from _of("results", ("results", rid), rid, r, ())
        for i, ra in enumerate(r.amendments):
            yield from _of("results", ("results", rid), rid, ra, ("amendments", i))
    for rid, r in data.results.items():
        yield from _indicators(("results", rid), rid, r.indicators, ())
        for i, ra in enumerate(r.amendments):
            yield from _indicators(("results", rid), rid, ra.indicators or [], ("amendments", i))
    written = data.texts or data.measures  # measures as written in their files
    for mid, ms in written.items():
        yield from _of("measures", ("measures", mid), mid, ms, ())
        for i, am in enumerate(ms.amendments):
            yield from _of("measures", ("measures", mid), mid, am, ("amendments", i))
    for eid, ex in data.executors.items():
        yield from _of("executors", ("executors", eid), eid, ex, ())


@dataclass(frozen=True)
class Untranslated:
    """What has no English text: data texts by kind, and the site's interface messages."""

    totals: dict[str, int]  # kind → texts of that kind
    missing: dict[str, list[DataText]]  # kind → its texts without English, in file order
    messages: int  # interface messages in the site's catalogue
    messages_missing: list[str]  # their ids without an English text

    def count(self) -> int:
        """How many texts and messages have no English text."""
        return sum(len(v) for v in self.missing.values()) + len(self.messages_missing)


def untranslated(data: Dataset) -> Untranslated:
    """What has no English text in `data` and in the site's message catalogue."""
    totals = dict.fromkeys(KINDS, 0)
    missing: dict[str, list[DataText]] = {kind: [] for kind in KINDS}
    for text in data_texts(data):
        totals[text.kind] += 1
        if text.english is None:
            missing[text.kind].append(text)
    every, without = site_messages_without_english()
    return Untranslated(totals, missing, every, without)
