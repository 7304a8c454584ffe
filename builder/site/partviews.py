"""What each part of the aggregate pages reads, as a `Site` of its own (issue 22): an ОСР card
and its «Стан на» data file (`result_view`), an executor's page with its lists' data script and
its «Стан на» file (`executor_view`), a direction's or problem's page with its «Стан на» file
(`section_view`). Each part is rendered from its view alone and keyed on the
view's digest (`pagekeys.PageKeys.part_pages`, `pagekeys.aggregate_digest`), so a part cannot
show what its key does not cover, and a report that moves a status or timeliness renders the
parts that show it alone. Pure: a `Site` in, a smaller `Site` out."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from .. import models as m
from ..compute import DueReport, ResultScore, Snapshot
from ..load import Dataset
from .context import Site

_NO_GROUPS = m.AnalystGroups.model_construct()  # one object: digested once a build


def some(found: dict[Any, Any], keys: list[Any]) -> dict[Any, Any]:
    """The entries of `found` under `keys` (those it has), in the order of `keys`."""
    return {key: found[key] for key in keys if key in found}


def _part_of(
    snap: Snapshot, mids: list[str], due: tuple[Any, ...], aggs: list[Any], scores: dict[Any, Any]
) -> Snapshot:
    """`snap` restricted to a part: its dates, the states of `mids`, the reports `due`, the
    aggregates under `aggs` (those it has) and the `scores`."""
    return Snapshot(
        snap.as_of,
        snap.computed_on,
        some(snap.measures, mids),
        due,
        some(snap.aggregates, aggs),
        scores,
    )


class Lookups:
    """What the parts' views look up in every snapshot of a `Site`, each made once when first
    asked for (the English edition takes the Ukrainian one's views: `PageKeys.part_pages`)."""

    def __init__(self, site: Site) -> None:
        self.snapshots = site.snapshots

    @cached_property
    def scores(self) -> list[dict[str, dict[Any, ResultScore]]]:
        """Each snapshot's scores by ОСР ({ОСР: {(ОСР, year): score}})."""
        found: list[dict[str, dict[Any, ResultScore]]] = []
        for snap in self.snapshots:
            per: dict[str, dict[Any, ResultScore]] = {}
            for key, score in snap.scores.items():
                per.setdefault(key[0], {})[key] = score
            found.append(per)
        return found

    @cached_property
    def dues(self) -> list[dict[str, list[DueReport]]]:
        """Each snapshot's reports due by executor, in the snapshot's order."""
        found: list[dict[str, list[DueReport]]] = []
        for snap in self.snapshots:
            per: dict[str, list[DueReport]] = {}
            for d in snap.due:
                per.setdefault(d.executor, []).append(d)
            found.append(per)
        return found


def result_view(site: Site, rid: str, lookups: Lookups | None = None) -> Site:
    """The part of `site` that the card of ОСР `rid` and its «Стан на» data file read
    (`pages.result_files`): the ОСР, its problem, its measures and their main executors, its
    feedback, and in every snapshot its measures' states, its aggregate and its scores, with
    the snapshot's dates."""
    data = site.data
    lookups = lookups or Lookups(site)
    r = data.results[rid]
    at = ("result", rid)
    mids = site.measures_by.get(at, [])
    feedback = site.feedback_of.get(at, [])
    executors = [data.measures[mid].main_executor.executor for mid in mids]
    view_data = Dataset(
        root=data.root,
        programme=data.programme,
        analyst_groups=_NO_GROUPS,
        sections=some(data.sections, [r.problem]),
        results={rid: r},
        measures=some(data.measures, mids),
        executors=some(data.executors, executors),
        feedback=some(data.feedback, feedback),
    )
    snapshots = [
        _part_of(snap, mids, (), [at], per.get(rid, {}))
        for snap, per in zip(site.snapshots, lookups.scores, strict=True)
    ]
    return Site(
        view_data,
        snapshots,
        version=site.version,
        measures_by=some(site.measures_by, [at]),
        feedback_of=some(site.feedback_of, [at]),
        score_years=some(site.score_years, [rid]),
        ed=site.ed,
    )


def executor_view(site: Site, eid: str, lookups: Lookups | None = None) -> Site:
    """The part of `site` that executor `eid`'s page, its lists' data script and its «Стан на»
    data file read (`pages.executor_files`): the executor, the main executors of the measures it
    co-implements, its measures and those of its reports due, and in every snapshot those
    measures' states, its reports due and its aggregate, with the snapshot's dates."""
    data = site.data
    lookups = lookups or Lookups(site)
    at = ("executor", eid)
    main = site.measures_by.get(at, [])
    co = site.measures_by.get(("co", eid), [])
    dues = [per.get(eid, []) for per in lookups.dues]
    mids = list(dict.fromkeys([*main, *co, *(d.measure for found in dues for d in found)]))
    executors = [eid, *(data.measures[mid].main_executor.executor for mid in co)]
    view_data = Dataset(
        root=data.root,
        programme=data.programme,
        analyst_groups=_NO_GROUPS,
        measures=some(data.measures, mids),
        executors=some(data.executors, executors),
    )
    snapshots = [
        _part_of(snap, mids, tuple(found), [at], {})
        for snap, found in zip(site.snapshots, dues, strict=True)
    ]
    return Site(
        view_data,
        snapshots,
        version=site.version,
        measures_by=some(site.measures_by, [at, ("co", eid)]),
        due_of=some(site.due_of, [at]),
        ed=site.ed,
    )


def section_view(site: Site, sid: str, lookups: Lookups | None = None) -> Site:
    """The part of `site` that the page of direction or problem `sid` and its «Стан на» data
    file read (`pages.section_files`): the section and the sections it names (a direction's
    problems, a problem's direction), its ОСР, a problem's measures and their main executors,
    and in every snapshot those measures' states, the aggregates of the section, its problems
    and its ОСР, and the ОСР's scores, with the snapshot's dates."""
    data = site.data
    lookups = lookups or Lookups(site)
    if data.sections[sid].level == m.SectionLevel.DIRECTION:
        problems = site.sections_of.get(("direction", sid), [])
        rids = site.results_of.get(("direction", sid), [])
        mids: list[str] = []
        sections = [sid, *problems]
        aggs = [("direction", sid), *(("problem", key) for key in problems)]
    else:
        up = site.direction_of.get(sid)
        rids = site.results_of.get(("problem", sid), [])
        mids = site.measures_by.get(("problem", sid), [])
        sections = [sid, up] if up else [sid]
        aggs = [("problem", sid)]
    aggs += [("result", rid) for rid in rids]
    executors = [data.measures[mid].main_executor.executor for mid in mids]
    view_data = Dataset(
        root=data.root,
        programme=data.programme,
        analyst_groups=_NO_GROUPS,
        sections=some(data.sections, sections),
        results=some(data.results, rids),
        measures=some(data.measures, mids),
        executors=some(data.executors, executors),
    )
    snapshots = [
        _part_of(
            snap,
            mids,
            (),
            aggs,
            {key: score for rid in rids for key, score in per.get(rid, {}).items()},
        )
        for snap, per in zip(site.snapshots, lookups.scores, strict=True)
    ]
    return Site(
        view_data,
        snapshots,
        version=site.version,
        direction_of=some(site.direction_of, [sid]),
        measures_by=some(site.measures_by, [("problem", sid)]),
        sections_of=some(site.sections_of, [("direction", sid)]),
        results_of=some(site.results_of, [("direction", sid), ("problem", sid)]),
        score_years=some(site.score_years, rids),
        ed=site.ed,
    )
