"""Record pages rendered only when what they show has changed (issue 22).

A measure page reads a small part of the `Site`: its measure (as in force and as written),
its reports, assessments, feedback and steps, its state and due reports, the sections, ОСР
and executors it names, the file and Git changes of its record, the programme's addresses,
the dates and the edition. `measure_view()` gathers exactly that into a `Site` of its own, and
the page is always rendered from that view, never from the whole `Site`: what the view does
not hold, the page cannot show (tests render every fixture page both ways and compare). The
page's *key* is a digest of the view together with what every page depends on besides the
data (`static_key`: dap's code, templates and catalogues, the packages, the edition, the
banners, the programme).

`PageKeys` keeps each page's key with the digest, size and file state of its Markdown in the
docs folder, in a sealed record in the build's cache (`.dap-cache/pages-<docs folder>/`,
`cache.seal`, as the record cache and the stored data packages are). A page whose key is the
same as the previous build's, and whose file in the docs folder is still the one that build
wrote, is not rendered: its Markdown stays as it is, and the writer counts it as written
(`Writer.keep`). Anything else — no record, one not sealed by this user's dap, unreadable, of
another format, a page's key changed, its file edited, replaced or gone — renders the page
anew, so a rebuild's docs folder is a clean build's, file by file. A file's state is trusted by
its size, modification time and inode only when it was written well before the record (Git's
"racy" rule); otherwise its bytes are read and compared with the digest.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import marshal
import os
import stat
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import jinja2

from .. import __version__
from ..cache import cache_folder, fingerprint, record_contents, unsealed, write_sealed
from ..compute import Snapshot
from ..datafile import SourceFile
from ..fingerprint import code_digest, installed_packages
from ..git.history import History
from ..i18n import N_, _
from ..load import Dataset, record_path
from ..project import user_cache
from ..versions import texts, versions
from ..workflow.audit import Step
from .context import Site, Trails
from .digests import (
    FREE_TEXTS,
    Digests,
    _due,
    _state,
    change_values,
    plain,
    recorded_values,
    snapshot_bytes,
)
from .partviews import some
from .searchkeys import SearchMemory

FORMAT = 6  # 2: the aggregates' keys by edition (`groups`); 3: the records' `bare` digests;
# 4: each measure view's digest with the identity of what it is made of (`inputs`); 5: a
# measure view's digest made of its parts in C (`_view_digest`), no `inputs`; 6: the ОСР cards
# keyed apart from the aggregate group, each on its own view (`parts`)
PREFIX = "pages-"  # the record's folder in the cache (beside build-…, datasets-…)
RECORD = "pages.json"
RACY_NS = 2_000_000_000  # a file this close to the record's writing may change unseen

# Why the previous build's keys were not used (one line, in the person's language).
UNREADABLE = N_(
    "note: the record of the previous build's pages {file} cannot be read; every measure "
    "page is rendered anew"
)
FOREIGN = N_(
    "note: the record of the previous build's pages {file} was not written by this user's "
    "dap; every measure page is rendered anew"
)

# ---------------------------------------------------------------- what a measure page reads


def measure_view(site: Site, mid: str, with_steps: bool = True) -> Site:
    """The part of `site` that the page of measure `mid` reads, as a `Site` of its own.
    Without `with_steps`: without its steps and the names shown beside them, which are made from
    the view's records, the rosters and the Git history of its files (`steps_inputs`), so
    that a page's key does not make them (issue 22)."""
    data = site.data
    ms = data.measures[mid]
    steps: list[Step] = site.steps_of.get(mid, []) if with_steps else []
    kinds = view_keys(site, mid, steps)
    direction, problem = kinds["sections"]
    source = data.sources.get(("measures", mid))
    view_data = Dataset(
        root=data.root,
        programme=data.programme,
        sections=some(data.sections, kinds["sections"]),
        results=some(data.results, kinds["results"]),
        measures=some(data.measures, kinds["measures"]),
        executors=some(data.executors, kinds["executors"]),
        reports=some(data.reports, kinds["reports"]),
        assessments=some(data.assessments, kinds["assessments"]),
        feedback=some(data.feedback, kinds["feedback"]),
        sources={("measures", mid): SourceFile(source.path)} if source else {},
        texts={mid: texts(data)[mid]} if data.texts else {},
    )
    snap = site.snap
    state = snap.measures.get(mid)
    view_snap = Snapshot(snap.as_of, snap.computed_on, {mid: state} if state else {}, (), {}, {})
    report_keys, assessment_keys = kinds["reports"], kinds["assessments"]
    feedback_keys = kinds["feedback"]
    return Site(
        view_data,
        [view_snap],
        _history_view(site.history, data, mid),
        version=site.version,
        problem_of={mid: problem} if problem else {},
        direction_of={ms.section: direction} if direction else {},
        reports_of={mid: report_keys} if report_keys else {},
        assessments_of={mid: assessment_keys} if assessment_keys else {},
        feedback_of={("measure", mid): feedback_keys} if feedback_keys else {},
        due_of=some(site.due_of, [("measure", mid)]),
        names=some(site.names, [s.person for s in steps]),
        steps_of={mid: steps} if steps else {},
        ed=site.ed,
    )


def view_keys(site: Site, mid: str, steps: list[Step]) -> dict[str, list[Any]]:
    """The keys of the records of each kind (a `Dataset` field) that measure `mid`'s view
    holds, in the view's order (`measure_view`; `PageKeys` takes the same for the page's key):
    its direction and problem (None where it has none), ESR, itself and its successors, the
    executors its text, reports and `steps` name, its reports, assessments and feedback."""
    data = site.data
    ms = data.measures[mid]
    text = texts(data)[mid]
    report_keys = site.reports_of.get(mid, [])
    shown = [ms, text, *(v.measure for v in versions(text))] if text.amendments else [ms, text]
    executors = [x.executor for one in shown for x in (one.main_executor, *one.co_executors)]
    executors += [data.reports[k].executor for k in report_keys]
    executors += [s.executor for s in steps if s.executor]
    return {
        "sections": [site.direction_of.get(ms.section), site.problem_of.get(mid)],
        "results": ms.results,
        "measures": [mid, *(one for am in text.amendments for one in am.successors())],
        "executors": executors,
        "reports": report_keys,
        "assessments": site.assessments_of.get(mid, []),
        "feedback": site.feedback_of.get(("measure", mid), []),
    }


def _history_view(history: History | None, data: Dataset, mid: str) -> History | None:
    """The Git history of the measure's file alone (what `measures.history_line` reads)."""
    if history is None:
        return None
    source = data.sources.get(("measures", mid))
    path = source.path if source else f"{data.root}/measures/{mid}.yaml"
    return History(
        history.available,
        {path: history.of(path)},
        history.reason,
        history.root,
        history.cwd_prefix,
    )


def steps_inputs(site: Site, mid: str) -> tuple[list[str], list[Any] | None]:
    """What the steps of measure `mid` (`workflow.audit.audit_trails`) are made of besides its
    view (`measure_view` without steps) and the rosters (`PageKeys` takes them once), as plain
    values: the paths of its reports' and assessments' files, and for each its Git changes,
    first author and what each change's commit records of an approval, each as the tuple of its
    fields' values (None without the Git history). The names shown beside the steps are the
    rosters' (`Dataset.public_names`)."""
    data, history = site.data, site.history
    paths = [record_path(data, "reports", key) for key in site.reports_of.get(mid, [])]
    paths += [record_path(data, "assessments", key) for key in site.assessments_of.get(mid, [])]
    if history is None or not history.available:
        return paths, None
    commits = history.commits
    found = []
    for path in paths:
        changes = history.of(path)
        first = history.authored(path)
        made = [commits.get(c.commit) for c in changes]
        found.append(
            (
                path,
                list(map(change_values, changes)),
                first and change_values(first),
                [one and recorded_values(one) for one in made],
            )
        )
    return paths, found


# The rosters, which the steps read (people by id and Git author, who may approve) and the
# names beside them: digested once per build (`PageKeys`).
ROSTERS = ("staff", "executors", "analyst_groups")


# ---------------------------------------------------------------- what the aggregate pages read


def aggregate_view(site: Site) -> Site:
    """What every page but the measure pages reads (home, programme, directions, problems,
    ОСР, executors, the fixed pages, the forms and every data file beside them), as a `Site`
    of its own: the data without what people wrote in their reports and assessments
    (`FREE_TEXTS`), without the records' file positions, the Git history, the steps of each
    measure and the people's names, which only a measure page shows; and without the pages
    of the data files (`pages.FILE_PAGES`, made every build: their sizes change with any
    record)."""
    data = site.data
    view_data = dataclasses.replace(
        data,
        reports={key: _without_free_texts(r) for key, r in data.reports.items()},
        assessments={key: _without_free_texts(a) for key, a in data.assessments.items()},
        sources={},
    )
    return dataclasses.replace(
        site,
        data=view_data,
        history=None,
        names={},
        steps_of={},
        downloads_md=None,
        dictionary_md=None,
    )


# The fields of a `Site` that must be the same objects for two editions to share one aggregate
# view: all but the edition and the data files' pages.
_SAME_IN_EDITIONS = tuple(
    f.name
    for f in dataclasses.fields(Site)
    if f.name not in ("ed", "downloads_md", "dictionary_md")
)


def _same_but_edition(site: Site, other: Site) -> bool:
    """`site` and `other` differ at most by their edition and data files' pages."""
    return all(getattr(site, name) is getattr(other, name) for name in _SAME_IN_EDITIONS)


def _without_free_texts(record: Any) -> Any:
    return record.model_copy(update=dict.fromkeys(FREE_TEXTS[type(record)], ""))


def aggregate_digest(site: Site, digests: Digests) -> str:
    """The digest of `aggregate_view(site)`, made without making the view: every record by
    `Digests.bare` (the same for a record and its copy without free texts), each snapshot by
    `snapshot_bytes`, the indexes `prepare()` made. Left out, as the view leaves them out:
    the file positions, history, steps, names and the data files' pages; and the edition
    (`static_key` has it)."""
    h = hashlib.blake2b(digest_size=16)
    data = site.data
    h.update(repr((str(data.root), sorted(data.failed))).encode("utf-8", "surrogateescape"))
    for name in ("staff", "analyst_groups", *_RECORDS):
        value = getattr(data, name)
        h.update(f"\n{name}:".encode())
        if isinstance(value, dict):  # the keys, then each record's digest (self-delimiting)
            h.update(repr(list(value)).encode("utf-8", "surrogateescape"))
            h.update(b"".join(map(digests.bare, value.values())))
        elif isinstance(value, list):
            for record in value:
                h.update(b"," + digests.bare(record))
        else:
            h.update(digests.bare(value))
    for snap in site.snapshots:  # their values shared with every view's, made once a build
        h.update(b"\nsnapshot:" + snapshot_bytes(snap, digests.seen))
    for name in _INDEXES:
        value = getattr(site, name)
        if name == "due_of":
            value = [(key, list(map(_due, found))) for key, found in value.items()]
        else:
            value = plain(value)
        h.update(f"\n{name}:".encode() + marshal.dumps(value, 2))
    return h.hexdigest()


# The records of a `Dataset` by kind, and the indexes of a `Site` (`prepare()`'s), that the
# aggregate view's digest takes.
_RECORDS = (
    "sections",
    "results",
    "measures",
    "executors",
    "reports",
    "assessments",
    "evaluations",
    "feedback",
    "notices",
    "texts",
)
_INDEXES = (
    "problem_of",
    "direction_of",
    "measures_by",
    "reports_of",
    "assessments_of",
    "feedback_of",
    "due_of",
    "sections_of",
    "results_of",
    "score_years",
)


def code_key() -> str:
    """dap's version and code, Python and the installed packages: what a record read from a
    file (`cache.fingerprint`) and its digests (`Digests.bare`) depend on besides the file."""
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{FORMAT}|{__version__}|{sys.version}\n".encode())
    h.update(code_digest())
    h.update(fingerprint().encode())
    h.update("\n".join(installed_packages()).encode("utf-8", "surrogateescape") + b"\n")
    return h.hexdigest()


def static_key(site: Site, banners: str) -> str:
    """What every record page of `site`'s edition depends on besides its view: dap's version,
    code, templates and message catalogues, Python and the installed packages, the edition,
    the site's version, the `banners` front matter and the programme."""
    h = hashlib.blake2b(digest_size=16)
    h.update(code_key().encode())
    h.update(repr((site.ed, site.version, banners)).encode("utf-8", "surrogateescape"))
    programme = site.data.programme
    h.update(programme.model_dump_json().encode("utf-8") if programme else b"-")
    return h.hexdigest()


# ---------------------------------------------------------------- the keys between builds


@dataclasses.dataclass(frozen=True)
class Kept:
    """A page left as the previous build wrote it: its Markdown's size and digest."""

    size: int
    digest: str


class PageKeys:
    """The previous build's keys of the record pages in a docs folder, and this build's."""

    def __init__(self, folder: Path | None, docs_dir: Path):
        self.folder = folder  # None: no record kept (caching off, or no key to seal it with)
        self.docs_dir = docs_dir
        self._docs = os.fspath(docs_dir)
        self.notes: list[str] = []  # one line when the previous record was not usable
        self.keys: dict[str, str] = {}  # docs path → this build's key
        self.kept: dict[str, Kept] = {}  # docs path → the unchanged page left as it is
        self.rendered: list[str] = []  # docs paths of the pages rendered anew
        self._previous: dict[str, list[Any]] | None = None
        self._saved = 0
        self._digests = Digests(record_contents())  # both editions': each record digested once
        self._static: dict[tuple[str, str], str] = {}
        self._views: dict[str, str] = {}  # measure → its view's digest (both editions)
        self._common: tuple[Site, bytes] | None = None  # a site and what its views share
        self.search = SearchMemory(folder)  # the measures' search entries by their page's key
        self._aggregate: tuple[Site, str] | None = None  # a site and its aggregate digest
        self._made_view: tuple[Site, Site] | None = None  # a site and its aggregate view
        self.groups: dict[str, list[Any]] = {}  # edition's docs folder → [aggregate key, files]
        self._groups: dict[str, list[Any]] = {}
        # the parts keyed apart from the group (the ОСР cards): edition's docs folder and part →
        # [key, [its files' docs paths]], this build's and the previous one's
        self.parts: dict[str, list[Any]] = {}
        self._parts: dict[str, list[Any]] = {}
        self._part_views: dict[str, tuple[Site, Site, str]] = {}  # part → site, view, digest
        self._same_group: set[str] = set()  # the editions whose group key is the previous one

    @classmethod
    def for_docs(cls, docs_dir: Path) -> PageKeys:
        """The keys of a docs folder's pages (in the cache, where the build's record is)."""
        return cls(cache_folder(docs_dir, "auto", prefix=PREFIX), docs_dir)

    def measure_pages(
        self,
        site: Site,
        mids: list[str],
        where: Callable[[str], str],
        banners: str,
        render: Callable[[Site, str], str],
    ) -> Iterator[tuple[str, str]]:
        """The Markdown of the pages of measures `mids` ((measure, text), in their order) that
        changed since the previous build, each rendered from its view by `render` (`where`
        gives a measure page's docs path) when it is taken (issue 22: the caller writes one
        before the next is made); the others are left as they are (`kept`). Their keys are
        made, and the steps for the pages rendered alone in one pass (`context.Trails`), at
        the call."""
        if self.folder is None:  # nothing to compare with, nothing to keep
            todo = mids
        else:
            static = self._static_key(site, banners)
            self.previous()  # read first: it holds the records' digests of the previous build
            todo = []
            for mid in mids:
                digest = self._views.get(mid)  # the same in both editions (it leaves out `ed`)
                if digest is None:
                    digest = self._views[mid] = self._view_digest(site, mid)
                key = hashlib.blake2b(f"{static}|{digest}".encode(), digest_size=16).hexdigest()
                docs = where(mid)
                self.keys[docs] = key
                self.search.keys[(site.ed.lang, mid)] = key
                kept = self._unchanged(docs, key)
                if kept is not None:
                    self.kept[docs] = kept
                else:
                    self.rendered.append(docs)
                    todo.append(mid)
        if isinstance(site.steps_of, Trails):
            site.steps_of.make(todo)
        return ((mid, render(measure_view(site, mid), mid)) for mid in todo)

    def _view_digest(self, site: Site, mid: str) -> str:
        """The digest of what measure `mid`'s page is made of (issue 22): the parts of its view
        without the steps (`view_keys`: each record as its file's path and Git blob id, or its
        JSON's digest for a record the build made; its state and due reports as plain values),
        what the steps are made of (`steps_inputs`, the rosters) and what every measure's view
        shares (`_shared`), as plain values written by `marshal`'s version 2 (no references:
        equal values give equal bytes, whichever objects hold them), without making the view."""
        data, record = site.data, self._digests.record
        kinds = view_keys(site, mid, [])
        records = []
        for name, keys in kinds.items():
            found = getattr(data, name)
            records.append([(key, record(found[key])) for key in keys if key in found])
        source = data.sources.get(("measures", mid))
        path = source.path if source else f"{data.root}/measures/{mid}.yaml"
        state = site.snap.measures.get(mid)
        history = site.history
        parts: tuple[Any, ...] = (
            self._shared(site),
            mid,
            kinds,
            records,
            record(texts(data)[mid]) if data.texts else None,
            source.path if source else None,
            _state(state) if state is not None else None,
            [_due(d) for d in site.due_of.get(("measure", mid), ())],
            list(map(change_values, history.of(path))) if history is not None else None,
            steps_inputs(site, mid),
        )
        # marshal's version 2 has no references: the bytes follow the values alone
        return hashlib.blake2b(marshal.dumps(parts, 2), digest_size=16).hexdigest()

    def _shared(self, site: Site) -> bytes:
        """What every measure view of `site` holds besides its own parts: the data folder, the
        programme, the site's version, the dates of the snapshot, where and how the Git history
        was read, and the rosters the steps and names are made of (`ROSTERS`); not the edition
        (`static_key` has it)."""
        if self._common is None or not _same_but_edition(site, self._common[0]):
            data, snap, history = site.data, site.snap, site.history
            record = self._digests.record
            h = hashlib.blake2b(digest_size=16)
            for name in ROSTERS:
                self._digests.feed(h, getattr(data, name))
            where = None
            if history is not None:
                where = (history.available, history.reason, history.root, history.cwd_prefix)
            shared = (
                h.digest(),
                str(data.root),
                record(data.programme) if data.programme is not None else None,
                site.version,
                snap.as_of.toordinal(),
                snap.computed_on.toordinal(),
                where,
            )
            self._common = (site, marshal.dumps(shared, 2))
        return self._common[1]

    def aggregate_pages(
        self,
        site: Site,
        banners: str,
        where: Callable[[str], str],
        render: Callable[[Site], dict[str, str]],
    ) -> dict[str, str]:
        """Every page and data file of `site`'s edition but the measure pages, rendered from
        `aggregate_view` by `render` ({path: text}; `where` gives a path's docs path); {} when
        they are all unchanged since the previous build (their files left as they are: `kept`).
        They share one key: all of them, or none, are rendered."""
        if self.folder is None:
            return render(self._aggregate_view(site))
        group = where("")  # "" or "en/": the edition's place in the docs folder
        key = self._group_key(site, banners, group)
        before = self.previous_groups().get(group)
        if before and before[0] == key:
            paths = [docs for docs, entry in self.previous().items() if entry[0] == key]
            kept = {docs: self._unchanged(docs, key) for docs in paths}
            if len(kept) == before[1] and all(kept.values()):
                for docs, one in kept.items():
                    assert one is not None
                    self.kept[docs] = one
                    self.keys[docs] = key
                self.groups[group] = [key, len(kept)]
                return {}
        out = render(self._aggregate_view(site))
        for path in out:
            self.keys[where(path)] = key
        self.groups[group] = [key, len(out)]
        return out

    def part_pages(
        self,
        site: Site,
        banners: str,
        where: Callable[[str], str],
        part: str,
        view: Callable[[], Site],
        render: Callable[[Site], dict[str, str]],
    ) -> dict[str, str]:
        """The files of one part of `site`'s edition keyed apart from the aggregate group (a
        direction's, problem's, ОСР card's or executor's page with its data files: `part`
        names it in both editions), rendered by
        `render` from the part's own view (`view()` makes it, once for both editions) and keyed
        on that view's `aggregate_digest`; {} when its key and files are as the previous build
        left them (kept). While the edition's group key is the previous build's, the part's key
        is the previous build's without making its view (a text-only change makes none)."""
        name = where(part)
        before = self._parts.get(name) if self.folder is not None else None
        if before and self._known_part(site, where):
            key = str(before[0])
        else:
            made = self._part_view(site, part, view, digested=True)
            if self.folder is None:
                return render(self._shown(made[1], site))
            static = self._static_key(site, banners)
            self.previous()  # read first: it holds the records' digests of the previous build
            digest = made[2]
            key = hashlib.blake2b(f"{static}|{part}|{digest}".encode(), digest_size=16).hexdigest()
        if before and before[0] == key and isinstance(before[1], list) and before[1]:
            kept = {str(docs): self._unchanged(str(docs), key) for docs in before[1]}
            if all(kept.values()):
                for docs, one_kept in kept.items():
                    assert one_kept is not None
                    self.kept[docs] = one_kept
                    self.keys[docs] = key
                self.parts[name] = [key, list(kept)]
                return {}
        made = self._part_view(site, part, view, digested=False)  # its key is known
        out = render(self._shown(made[1], site))
        paths = [where(path) for path in out]
        for docs in paths:
            self.keys[docs] = key
        self.parts[name] = [key, paths]
        return out

    def _group_key(self, site: Site, banners: str, group: str) -> str:
        """The key of the aggregate group of `site`'s edition (at `group`, "" or "en/"), on
        the aggregate digest made once for both editions; noted when it is the previous
        build's (`_known_part`)."""
        static = self._static_key(site, banners)
        self.previous()  # read first: it holds the records' digests of the previous build
        if self._aggregate is None or not _same_but_edition(site, self._aggregate[0]):
            self._aggregate = (site, aggregate_digest(site, self._digests))  # for both editions
        key = hashlib.blake2b(
            f"{static}|aggregates|{self._aggregate[1]}".encode(), digest_size=16
        ).hexdigest()
        before = self.previous_groups().get(group)
        if before and before[0] == key:
            self._same_group.add(group)  # every part's view is as before too: `part_pages`
        return key

    def _known_part(self, site: Site, where: Callable[[str], str]) -> bool:
        """The group's key of `site`'s edition is the previous build's: a part's view is made of
        what the group's digest takes (records without free texts, snapshots, indexes; the
        static key has the rest), so a part's key is the previous build's too (no view made)."""
        return self.folder is not None and where("") in self._same_group and self._same_site(site)

    def _part_view(
        self, site: Site, part: str, view: Callable[[], Site], digested: bool
    ) -> tuple[Site, Site, str]:
        """Part `part`'s view (`view()` makes it, once for both editions) and, when
        `digested`, its `aggregate_digest` ("" when not made)."""
        made = self._part_views.get(part)
        if made is None or not _same_but_edition(site, made[0]):
            made = self._part_views[part] = (site, view(), "")
        if digested and not made[2]:
            digest = aggregate_digest(made[1], self._digests)
            made = self._part_views[part] = (site, made[1], digest)
        return made

    @staticmethod
    def _shown(view: Site, site: Site) -> Site:
        """A part's view in `site`'s edition (one view serves both)."""
        return view if view.ed is site.ed else dataclasses.replace(view, ed=site.ed)

    def _same_site(self, site: Site) -> bool:
        """`site` is the one (or its other edition) whose group key was compared last."""
        return self._aggregate is not None and _same_but_edition(site, self._aggregate[0])

    def _aggregate_view(self, site: Site) -> Site:
        """`aggregate_view(site)`, made once for both editions: the English one is the
        Ukrainian one's view in English when its site differs from that one's only by the
        edition and the data files' pages (which the view leaves out)."""
        made = self._made_view
        if made is not None and _same_but_edition(site, made[0]):
            return dataclasses.replace(made[1], ed=site.ed)
        view = aggregate_view(site)
        self._made_view = (site, view)
        return view

    def _static_key(self, site: Site, banners: str) -> str:
        static = self._static.get((site.ed.lang, banners))
        if static is None:
            static = self._static[(site.ed.lang, banners)] = static_key(site, banners)
        return static

    def _unchanged(self, docs: str, key: str) -> Kept | None:
        """The page as the previous build left it, if its key is `key` and its file is intact."""
        entry = self.previous().get(docs)
        if not entry or entry[0] != key:
            return None
        try:
            _key, digest, size, mtime, inode = entry
            path = os.path.join(self._docs, docs)  # a string: ~17,000 files a build
            st = os.stat(path, follow_symlinks=False)
            if not stat.S_ISREG(st.st_mode) or st.st_size != size:
                return None
            if (st.st_mtime_ns, st.st_ino) != (mtime, inode) or mtime >= self._saved - RACY_NS:
                with open(path, "rb") as handle:  # not trusted by its state alone
                    found = handle.read()
                if hashlib.blake2b(found, digest_size=16).hexdigest() != digest:
                    return None
            return Kept(int(size), str(digest))
        except (OSError, ValueError, TypeError):
            return None

    def previous(self) -> dict[str, list[Any]]:
        """The previous build's entries by docs path ({} when there is no usable record)."""
        if self._previous is None:
            self._previous = self._read()
        return self._previous

    def previous_groups(self) -> dict[str, list[Any]]:
        """The previous build's aggregate keys and file counts by edition ({} without)."""
        self.previous()
        return self._groups

    def _read(self) -> dict[str, list[Any]]:
        if self.folder is None or not (self.folder / RECORD).is_file():
            return {}
        try:
            body = unsealed((self.folder / RECORD).read_text(encoding="utf-8"))
            if body is None:
                self.notes.append(_(FOREIGN, file=self.folder / RECORD))
                return {}
            record = json.loads(body)
            if record.get("format") != FORMAT or record.get("docs") != str(self.docs_dir.resolve()):
                return {}  # another format or folder: every page is rendered, as it must be
            self._saved = int(record["saved"])
            pages: dict[str, list[Any]] = record["pages"]
            groups: dict[str, list[Any]] = record["groups"]
            parts: dict[str, list[Any]] = record["parts"]
            bare: dict[str, str] = record["bare"]
            if not all(isinstance(one, dict) for one in (pages, groups, parts, bare)):
                raise TypeError(pages)
            self._groups, self._parts = groups, parts
            if record.get("code") == code_key():  # made by this code from the same files
                self._digests.bare_before = bare
            return pages
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            self.notes.append(_(UNREADABLE, file=self.folder / RECORD))
            return {}

    def read(self) -> None:
        """Read the previous build's records now (the page keys and the search entries), so
        that a process forked next (`site/english.py`) shares what was read and its notes are
        this process's alone."""
        self.previous()
        self.search.before()

    def keep(self, writer: Any) -> None:
        """Count the unchanged pages as written by `writer` (output.Writer), their bytes kept."""
        for docs, kept in sorted(self.kept.items()):
            writer.keep(docs, kept.size, kept.digest)

    def save(self, digests: dict[str, str]) -> None:
        """Record this build's keys with the state of each page's file as now written
        (`digests`: the writer's, by docs path); nothing when there is nowhere to keep it."""
        bare = self._digests.bare_now
        self.notes += self.search.notes  # read while the search entries were made
        self.search.save()
        self._digests, self._views = Digests(), {}  # the records held are not needed any more
        self._aggregate = self._made_view = self._common = None
        self._part_views = {}
        if self.folder is None:
            return
        path = self.folder / RECORD
        try:
            saved = time.time_ns()
            pages: dict[str, list[Any]] = {}
            for docs, key in sorted(self.keys.items()):
                if docs not in digests:  # not written: its group is not recorded either
                    continue
                st = os.stat(os.path.join(self._docs, docs), follow_symlinks=False)
                pages[docs] = [key, digests[docs], st.st_size, st.st_mtime_ns, st.st_ino]
            body = json.dumps(
                {
                    "format": FORMAT,
                    "docs": str(self.docs_dir.resolve()),
                    "saved": saved,
                    "pages": pages,
                    "code": code_key(),
                    "bare": bare,
                    "groups": {
                        group: [key, n]
                        for group, (key, n) in self.groups.items()
                        if sum(1 for entry in pages.values() if entry[0] == key) == n
                    },
                    "parts": {
                        name: [key, paths]
                        for name, (key, paths) in self.parts.items()
                        if all(docs in pages and pages[docs][0] == key for docs in paths)
                    },
                },
                sort_keys=True,
                separators=(",", ":"),
            )
            write_sealed(path, body)
        except OSError:
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)  # a record that might not match: none


# ---------------------------------------------------------------- compiled templates


class _KeyedBytecodeCache(jinja2.FileSystemBytecodeCache):
    """Jinja's bytecode cache with each template's entry named by `salt` too: the measure page
    compiles the same file differently in each language and with each dap (its messages and
    the edition's words are folded in when it is compiled: `measures.ConstantMessages`)."""

    def __init__(self, folder: Path, salt: str) -> None:
        super().__init__(str(folder))
        self.salt = salt

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        return super().get_cache_key(f"{self.salt}|{name}", filename)


def template_cache(lang: str) -> jinja2.BytecodeCache | None:
    """The compiled page templates of `lang` kept between builds (~0.15 s of compiling
    `measure.md.jinja` per edition in a rebuild that renders a few measure pages, issue 22),
    named by the language and `code_key()` (dap's code, catalogues, Jinja, Python), each
    checked against its template's source; None when caching is off (DAP_NO_CACHE=1) or the
    folder is not this user's alone. Compiled templates are code: they live in this user's
    cache folder (~/.cache/dap/, private, as MkDocs' are: `mkdocs.template_cache`), never in
    the project, where a pull request could plant them."""
    if os.environ.get("DAP_NO_CACHE", "") not in ("", "0"):
        return None
    folder = user_cache() / "templates"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        st = folder.stat()
        if st.st_uid != os.getuid() or st.st_mode & 0o077:
            return None
    except OSError:
        return None
    return _KeyedBytecodeCache(folder, f"{lang}|{code_key()}")
