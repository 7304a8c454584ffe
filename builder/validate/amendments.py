"""Amendments of measures: in date order, inside the programme period, each changing something
and no field twice on one day; replacements that point at existing measures and never loop;
the new values of each amendment checked as the measure's own fields are."""

from __future__ import annotations

from collections.abc import Iterator

from .. import models as m
from ..datafile import Path_
from ..errors import Problem
from ..i18n import N_
from ..load import Dataset
from .records import Located, check_date, measure_problems
from .structure import amendment_order

# The fields of an amendment that name the measures taking a measure's place.
SUCCESSORS = ("replaced_by", "split_into", "renumbered_to")


def check_amendments(data: Dataset) -> Iterator[Problem]:
    """Every measure's amendments make sense one by one and together."""
    for key, ms in data.measures.items():
        if ms.amendments:
            yield from _one_measure(data, key, ms)
    yield from _loops(data)


def _successor_locs(am: m.Amendment) -> Iterator[tuple[Path_, str]]:
    if am.replaced_by:
        yield ("replaced_by",), am.replaced_by
    for j, mid in enumerate(am.split_into):
        yield ("split_into", j), mid
    if am.renumbered_to:
        yield ("renumbered_to",), am.renumbered_to


def _one_measure(data: Dataset, key: str, ms: m.Measure) -> Iterator[Problem]:
    src = data.source("measures", key)
    p = data.programme
    changed_on: dict[tuple[object, str], int] = {}  # (date, field) -> the amendment that set it
    ended: m.Amendment | None = None
    if ms.removed is not None:
        ended = m.Amendment(date=ms.removed, act="removed", removed=True)
    previous: m.Amendment | None = None
    for i, am in enumerate(ms.amendments):
        at: Path_ = ("amendments", i)
        for found in check_date(src, at + ("date",), am.date, p):
            if found is not None:
                yield found
        if previous is not None and am.date < previous.date:
            yield amendment_order(src, at, am.date, previous.date)
        changes = am.changes()
        if not changes and not am.added and not am.ends():
            yield src.problem(
                at,
                N_("the amendment of {date} changes nothing"),
                N_(
                    "give the new values of what it changes (title, deadline, main_executor, …), "
                    "or removed: true, replaced_by, split_into or renumbered_to"
                ),
                "amendment-empty",
                date=am.date,
            )
        fields = [*changes, *(f for f in ("added", *m.ENDINGS) if getattr(am, f))]
        for name in fields:
            first = changed_on.setdefault((am.date, name), i)
            if first != i:
                yield src.problem(
                    at + (name,),
                    N_(
                        "{field} is changed twice on {date} (also by amendment {other}): which "
                        "value is in force is not clear"
                    ),
                    N_("keep one amendment per field and day: merge them into one"),
                    "amendment-overlap",
                    field=name,
                    date=am.date,
                    other=first + 1,
                )
        if am.added and am.ends():
            yield src.problem(
                at + ("added",),
                N_("one amendment both adds the measure and takes it out of the programme"),
                N_("keep one of them"),
                "amendment-overlap",
            )
        elif am.added and ended is None and i > 0:
            yield src.problem(
                at + ("added",),
                N_("added: the measure is already part of the programme on {date}"),
                N_("added: true is for a measure an amendment brings in (or back)"),
                "amendment-order",
                date=am.date,
            )
        elif ended is not None and not am.added and am.date > ended.date:
            yield src.problem(
                at,
                N_(
                    "the measure left the programme on {ended}; this amendment of {date} comes after"
                ),
                N_("amend the measure that took its place, or bring it back with added: true"),
                "amendment-order",
                ended=ended.date,
                date=am.date,
            )
        if am.added:
            ended = None
        elif am.ends():
            ended = am
        for loc, mid in _successor_locs(am):
            if mid == ms.id:
                yield src.problem(
                    at + loc,
                    N_("{measure} cannot take its own place"),
                    N_("name the measure that replaces it"),
                    "amendment-loop",
                    measure=mid,
                )
            elif mid not in data.measures and not data.lost("measures", mid):
                yield src.problem(
                    at + loc,
                    N_("measure '{measure}' does not exist"),
                    N_("create data/measures/{measure}.yaml (with added: true) or correct the id"),
                    "ref",
                    measure=mid,
                )
        if changes:
            version = ms.model_copy(update=changes)
            for found in measure_problems(data, Located(src, at, set(changes)), version):
                if found is not None:
                    yield found
        previous = am


def _loops(data: Dataset) -> Iterator[Problem]:
    """A chain of replacements that comes back to where it started, reported at each measure."""
    after: dict[str, list[tuple[int, Path_, str]]] = {}
    for key, ms in data.measures.items():
        for i, am in enumerate(ms.amendments):
            for loc, mid in _successor_locs(am):
                if mid != key and mid in data.measures:
                    after.setdefault(key, []).append((i, loc, mid))
    state: dict[str, int] = {}  # 1: on the path being walked, 2: done
    in_loop: dict[str, tuple[int, Path_, list[str]]] = {}

    def walk(node: str, path: list[tuple[str, int, Path_]]) -> None:
        state[node] = 1
        for i, loc, nxt in after.get(node, []):
            step = [*path, (node, i, loc)]
            if state.get(nxt) == 1:
                start = next(n for n, (mid, _, _) in enumerate(step) if mid == nxt)
                cycle = step[start:]
                names = [mid for mid, _, _ in cycle] + [nxt]
                for mid, j, where in cycle:
                    in_loop.setdefault(mid, (j, where, names))
            elif nxt not in state:
                walk(nxt, step)
        state[node] = 2

    for key in sorted(after):
        if key not in state:
            walk(key, [])
    for mid, (i, loc, names) in sorted(in_loop.items()):
        yield data.source("measures", mid).problem(
            ("amendments", i) + loc,
            N_("the replacements make a loop: {chain}"),
            N_("a measure is replaced by a newer one, never by one it replaced: break the loop"),
            "amendment-loop",
            chain=" → ".join(names),
        )
