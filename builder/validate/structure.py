"""The programme's structure: sections, ОСР and their indicators (weights and shares add up),
and the annual evaluations of those indicators."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator, Sequence

from .. import models as m
from ..datafile import Path_, SourceFile
from ..errors import Problem
from ..i18n import N_
from ..load import Dataset
from ..versions import evaluated_version
from .people import people_index, person_problem


def missing_section(src: SourceFile, loc: Path_, section: str) -> Problem:
    return src.problem(
        loc,
        N_("section '{section}' does not exist"),
        N_("create data/sections/{section}.yaml or correct the id"),
        "ref",
        section=section,
    )


def missing_result(src: SourceFile, loc: Path_, result: str) -> Problem:
    return src.problem(
        loc,
        N_("ОСР '{result}' does not exist"),
        N_("create data/results/{result}.yaml or correct the id"),
        "ref",
        result=result,
    )


def check_structure(data: Dataset) -> Iterator[Problem]:
    """Sections, ОСР and their indicators hang together; weights add up."""
    for key, s in data.sections.items():
        src = data.source("sections", key)
        if s.parent is None:
            if s.level == m.SectionLevel.PROBLEM:
                yield src.problem(
                    ("parent",),
                    N_("проблема {section} needs its напрям as parent"),
                    N_("add parent: ID"),
                    "ref",
                    section=s.id,
                )
            continue
        parent = data.sections.get(s.parent)
        if parent is None:
            if not data.lost("sections", s.parent):
                yield missing_section(src, ("parent",), s.parent)
        elif s.level == m.SectionLevel.DIRECTION or parent.level != m.SectionLevel.DIRECTION:
            yield src.problem(
                ("parent",),
                N_("a {level} cannot sit under a {parent_level} ({parent})"),
                N_("проблема and завдання sit under a напрям; a напрям has no parent"),
                "structure",
                level=s.level,
                parent_level=parent.level,
                parent=parent.id,
            )
    for key, r in data.results.items():
        src = data.source("results", key)
        yield from _result_problem(data, src, r)
        yield from _indicators(src, r)
        yield from _dated(data, src, r.amendments)
        for i, am in enumerate(r.amendments):
            if am.indicators is not None:
                version = r.model_copy(update={"indicators": am.indicators})
                yield from _indicators(src, version, ("amendments", i))
    for key, s in data.sections.items():
        yield from _dated(data, data.source("sections", key), s.amendments)


def amendment_order(src: SourceFile, at: Path_, date: dt.date, previous: dt.date) -> Problem:
    """The amendment at `at`, taking effect on `date`, is listed after one taking effect
    later (`previous`): any record's amendments are listed in the order they take effect."""
    return src.problem(
        at + ("date",),
        N_("this amendment takes effect on {date}, before the one listed above it ({previous})"),
        N_("list the amendments in the order they take effect"),
        "amendment-order",
        date=date,
        previous=previous,
    )


def _dated(
    data: Dataset, src: SourceFile, amendments: Sequence[m.ResultAmendment | m.SectionAmendment]
) -> Iterator[Problem]:
    """An ОСР's or a section's amendments: in date order, inside the programme period, one a
    day, each changing something."""
    p = data.programme
    days: dict[object, int] = {}
    for i, am in enumerate(amendments):
        at: Path_ = ("amendments", i)
        if p and not (p.period.start <= am.date <= p.period.end):
            yield src.problem(
                at + ("date",),
                N_("{date} is outside the programme period {start}–{end}"),
                N_("correct the date, or the programme's period in programme.yaml"),
                "dates",
                date=am.date,
                start=p.period.start,
                end=p.period.end,
            )
        if i and am.date < amendments[i - 1].date:
            yield amendment_order(src, at, am.date, amendments[i - 1].date)
        first = days.setdefault(am.date, i)
        if first != i:
            yield src.problem(
                at + ("date",),
                N_(
                    "{field} is changed twice on {date} (also by amendment {other}): which value is in force is not clear"
                ),
                N_("keep one amendment per field and day: merge them into one"),
                "amendment-overlap",
                field="title, indicators" if isinstance(am, m.ResultAmendment) else "title",
                date=am.date,
                other=first + 1,
            )
        if am.title is None and getattr(am, "indicators", None) is None:
            yield src.problem(
                at,
                N_("the amendment of {date} changes nothing"),
                N_("give the new title or the new indicators (with their weights)")
                if isinstance(am, m.ResultAmendment)
                else N_("give the new title"),
                "amendment-empty",
                date=am.date,
            )


def _result_problem(data: Dataset, src: SourceFile, r: m.ExpectedResult) -> Iterator[Problem]:
    problem = data.sections.get(r.problem)
    if problem is None:
        if not data.lost("sections", r.problem):
            yield src.problem(
                ("problem",),
                N_("problem '{problem}' does not exist"),
                N_("create data/sections/{problem}.yaml or correct the id"),
                "ref",
                problem=r.problem,
            )
    elif problem.level == m.SectionLevel.DIRECTION:
        yield src.problem(
            ("problem",),
            N_("'{problem}' is a напрям; an ОСР belongs to a проблема"),
            N_("name the problem"),
            "structure",
            problem=r.problem,
        )


def _indicators(src: SourceFile, r: m.ExpectedResult, at: Path_ = ()) -> Iterator[Problem]:
    """An ОСР's indicators: weights add up to 100, ids unique, subindicators consistent (`at`:
    where they are in the file, an amendment's new indicators)."""
    if r.indicators:
        total = sum(i.weight for i in r.indicators)
        if abs(total - 100) > 1e-6:
            yield src.problem(
                at + ("indicators",),
                N_("indicator weights sum to {total}, not 100"),
                N_("correct the weights so that they add up to 100"),
                "weights",
                total=f"{total:g}",
            )
    ids = Counter(i.id for i in r.indicators)
    for n, ind in enumerate(r.indicators):
        loc: Path_ = at + ("indicators", n)
        if ids[ind.id] > 1:
            yield src.problem(
                loc + ("id",),
                N_("indicator id '{indicator}' is used twice"),
                N_("make ids unique"),
                "duplicate-id",
                indicator=ind.id,
            )
        if not ind.subindicators:
            if ind.kind is not None:
                yield src.problem(
                    loc + ("kind",),
                    N_("kind is set but there are no subindicators"),
                    N_("remove kind or add subindicators"),
                    "weights",
                    "warning",
                )
            continue
        if ind.kind is None:
            yield src.problem(
                loc + ("kind",),
                N_("an indicator with subindicators needs a kind"),
                N_("kind: {cumulative} (parts add up) or kind: {tiered} (highest tier counts)"),
                "missing",
                cumulative=m.SubindicatorKind.CUMULATIVE,
                tiered=m.SubindicatorKind.TIERED,
            )
            continue
        sub_ids = Counter(s.id for s in ind.subindicators)
        for j, sub in enumerate(ind.subindicators):
            if sub_ids[sub.id] > 1:
                yield src.problem(
                    loc + ("subindicators", j, "id"),
                    N_("subindicator id '{subindicator}' is used twice"),
                    N_("make ids unique"),
                    "duplicate-id",
                    subindicator=sub.id,
                )
        shares = [s.share for s in ind.subindicators]
        if ind.kind == m.SubindicatorKind.CUMULATIVE and abs(sum(shares) - ind.weight) > 1e-6:
            yield src.problem(
                loc + ("subindicators",),
                N_("cumulative shares sum to {total}, not the indicator's weight {weight}"),
                N_("correct the shares"),
                "weights",
                total=f"{sum(shares):g}",
                weight=f"{ind.weight:g}",
            )
        if ind.kind == m.SubindicatorKind.TIERED and abs(max(shares) - ind.weight) > 1e-6:
            yield src.problem(
                loc + ("subindicators",),
                N_("the top tier is {top}, not the indicator's weight {weight}"),
                N_("the highest tier must equal the weight"),
                "weights",
                top=f"{max(shares):g}",
                weight=f"{ind.weight:g}",
            )


def check_evaluations(data: Dataset) -> Iterator[Problem]:
    """Annual evaluations: by analysts, of existing indicators, never above a weight."""
    people = people_index(data)
    p = data.programme
    for key, ev in data.evaluations.items():
        src = data.source("evaluations", key)
        found = person_problem(
            data, src, ("analyst",), people, ev.analyst, None, m.StaffRole.ANALYST, ev.date
        )
        if found is not None:
            yield found
        if p and not (p.period.start.year <= ev.year <= p.period.end.year):
            yield src.problem(
                ("year",),
                N_("{year} is outside the programme period"),
                N_("evaluate a year of the programme period"),
                "dates",
                year=ev.year,
            )
        result = data.results.get(ev.result)
        if result is None:
            if not data.lost("results", ev.result):
                yield missing_result(src, ("result",), ev.result)
            continue
        yield from _scores(src, ev, evaluated_version(result, ev.year))  # indicators that year


def _scores(src: SourceFile, ev: m.Evaluation, result: m.ExpectedResult) -> Iterator[Problem]:
    """An evaluation's indicator scores against its ОСР's indicators."""
    indicators = {i.id: i for i in result.indicators}
    seen: set[str] = set()
    for n, score in enumerate(ev.indicators):
        loc: Path_ = ("indicators", n)
        ind = indicators.get(score.indicator)
        if ind is None:
            yield src.problem(
                loc + ("indicator",),
                N_("ОСР {result} has no indicator '{indicator}'"),
                N_("the ОСР's indicators: {choices}")
                if indicators
                else N_("add indicators to the ОСР"),
                "ref",
                result=ev.result,
                indicator=score.indicator,
                choices=", ".join(indicators),
            )
            continue
        if score.indicator in seen:
            yield src.problem(
                loc + ("indicator",),
                N_("indicator '{indicator}' is evaluated twice"),
                N_("keep one entry per indicator"),
                "duplicate-id",
                indicator=score.indicator,
            )
        seen.add(score.indicator)
        subs = {s.id for s in ind.subindicators}
        for j, sid in enumerate(score.achieved):
            if sid not in subs:
                yield src.problem(
                    loc + ("achieved", j),
                    N_("indicator {indicator} has no subindicator '{subindicator}'"),
                    N_("its subindicators: {choices}")
                    if subs
                    else N_("this indicator has no subindicators: give a score"),
                    "ref",
                    indicator=ind.id,
                    subindicator=sid,
                    choices=", ".join(sorted(subs)),
                )
        if score.score is not None and score.achieved:
            yield src.problem(
                loc + ("score",),
                N_("give either achieved subindicators or a free score, not both"),
                N_("remove one of them"),
                "score",
            )
        if score.score is not None and score.score > ind.weight + 1e-9:
            yield src.problem(
                loc + ("score",),
                N_("score {score} exceeds the indicator's weight {weight}"),
                N_("a score is at most {weight}"),
                "score",
                score=f"{score.score:g}",
                weight=f"{ind.weight:g}",
            )
        if score.score is None and not ind.subindicators:
            yield src.problem(
                loc,
                N_("indicator {indicator} has no subindicators, so it needs a score"),
                N_("add score: (0–{weight})"),
                "missing",
                indicator=ind.id,
                weight=f"{ind.weight:g}",
            )
