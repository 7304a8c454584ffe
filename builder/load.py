"""Read `data/`: find the files, read each through the record cache, build the Dataset."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from . import models as m
from .cache import NO_POSITIONS, PackedSource, read_records
from .datafile import LAYOUT, Kind, ParseFn, SourceFile, kind_of, read_record, read_yaml
from .errors import Problem, problem_params
from .i18n import N_

# The encrypted contacts, their public keys and the demo programme's test-only key
# (builder/contacts.py): files of the data folder that are not records.
CONTACT_FILES = ("contacts.age", "contacts.recipients", "contacts.demo-key.txt")


@dataclass
class Dataset:
    """Everything in `data/`, loaded and typed, with where each record came from."""

    root: Path
    programme: m.Programme | None = None
    staff: list[m.Person] = field(default_factory=list)
    # made without validation, as the models' own record defaults are: a warm command builds
    # no validator (building this one cost ~20-50 ms of every load, pydantic's plugin lookup)
    analyst_groups: m.AnalystGroups = field(default_factory=m.AnalystGroups.model_construct)
    sections: dict[str, m.Section] = field(default_factory=dict)
    results: dict[str, m.ExpectedResult] = field(default_factory=dict)
    measures: dict[str, m.Measure] = field(default_factory=dict)
    executors: dict[str, m.Executor] = field(default_factory=dict)
    reports: dict[str, m.Report] = field(default_factory=dict)
    assessments: dict[str, m.Assessment] = field(default_factory=dict)
    evaluations: dict[str, m.Evaluation] = field(default_factory=dict)
    feedback: dict[str, m.Feedback] = field(default_factory=dict)
    notices: dict[str, m.Notice] = field(default_factory=dict)
    sources: dict[tuple[str, str], SourceFile] = field(default_factory=dict)
    # Files of the layout that hold no record (YAML or type errors), as (kind, key): their
    # problems are reported once, and no rule reports a reference to them as missing.
    failed: set[tuple[str, str]] = field(default_factory=set)
    # The measures as written in their files, when `measures` holds their versions in force on
    # a day (versions.dataset_as_of); empty: `measures` are as written.
    texts: dict[str, m.Measure] = field(default_factory=dict)

    def source(self, kind: str, key: str) -> SourceFile:
        """The file a record came from (kind as in LAYOUT, key as in its dict)."""
        return self.sources.get((kind, key)) or SourceFile(f"{self.root}/{kind}")

    def public_names(self) -> dict[str, str]:
        """Names the public site and datasets may show, by person id: executors' people, and
        only when the programme publishes people (`publish.people`); else none, the executor
        body alone. NACP's analysts are never named: the body is NACP."""
        if self.programme is None or not self.programme.publish.people:
            return {}
        return {p.id: p.name for e in self.executors.values() for p in e.people}

    def lost(self, kind: str, key: str) -> bool:
        """The file of this record exists but failed to load (its problems say why)."""
        return (kind, key) in self.failed


# What a path in the data folder is when it is not a regular file (the key of NOT_A_FILE).
NOT_A_FILE: dict[str, tuple[str, str]] = {
    "link": (
        N_("this is a symbolic link, not a file: data is read only from regular files"),
        N_("put the file itself here (git rm the link, then add the file)"),
    ),
    "submodule": (
        N_("this is a Git submodule (a gitlink), not a file: data is read only from regular files"),
        N_(
            "remove it (git rm --cached PATH, and its entry in .gitmodules) and add the file itself"
        ),
    ),
    "repository": (
        N_(
            "this folder is another Git repository (a submodule): data is read only from "
            "regular files"
        ),
        N_("remove it and add its files themselves"),
    ),
    "special": (
        N_(
            "this is not a regular file (a device, a pipe or another special entry): data is read "
            "only from regular files"
        ),
        N_("remove it and add a regular file"),
    ),
}


def not_a_file(shown: str, what: str) -> Problem:
    """The problem of a path that is not a regular file (`what`: a key of NOT_A_FILE)."""
    message, hint = NOT_A_FILE[what]
    return Problem(shown, 0, 0, "", message, hint, "not-a-file")


def scan(root: Path) -> tuple[list[str], list[tuple[str, str]]]:
    """The regular files under `root` (sorted relative POSIX paths, hidden files skipped), and
    every other entry as (path, a key of NOT_A_FILE): a link is never followed, a folder that
    is another Git repository never entered."""
    stack = [""]
    found: list[str] = []
    refused: list[tuple[str, str]] = []
    while stack:
        rel = stack.pop()
        with os.scandir(root / rel if rel else root) as entries:
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                child = f"{rel}/{entry.name}" if rel else entry.name
                if entry.is_symlink():
                    refused.append((child, "link"))
                elif entry.is_dir(follow_symlinks=False):
                    if os.path.lexists(os.path.join(entry.path, ".git")):
                        refused.append((child, "repository"))
                    else:
                        stack.append(child)
                elif entry.is_file(follow_symlinks=False):
                    found.append(child)
                else:
                    refused.append((child, "special"))
    return sorted(found), sorted(refused)


def iter_files(root: Path) -> Iterator[str]:
    """Every regular file under `root`, as sorted relative POSIX paths (hidden files, links
    and other entries skipped)."""
    yield from scan(root)[0]


def load(
    root: Path,
    shown_root: str | None = None,
    parse: ParseFn = read_yaml,
    cache: Path | None | Literal["auto"] = "auto",
) -> tuple[Dataset, list[Problem]]:
    """Load every file under `root` into a Dataset; return it with every problem found.

    With the default parser, files are read through the record cache (builder/cache.py):
    `cache` is its folder, "auto" for `.dap-cache/` in the working folder (only when `root`
    is inside it), or None for no cache. The cache never changes the result.
    """
    return _load(root, shown_root, parse, cache)


def _load(
    root: Path, shown_root: str | None, parse: ParseFn, cache: Path | None | Literal["auto"]
) -> tuple[Dataset, list[Problem]]:
    shown_root = shown_root if shown_root is not None else str(root)
    data = Dataset(root=Path(shown_root))
    problems: list[Problem] = []
    if not root.is_dir():
        return data, [
            Problem(
                shown_root,
                0,
                0,
                "",
                N_("the data folder does not exist"),
                N_("run the command from the project folder or pass --data PATH"),
                "no-data",
            )
        ]
    slots: list[Problem | tuple[str, Kind, str]] = []
    files, refused = scan(root)
    problems.extend(not_a_file(f"{shown_root}/{rel}", what) for rel, what in refused)
    last, known = "", None  # the folder of the file before (files are sorted) and its kind
    kind: Kind | None
    for rel in files:
        folder, _, name = rel.rpartition("/")  # a YAML file of a folder of the layout: its
        if folder != last:  # kind and key from the folder's, asked once per folder
            last, known = folder, folder_kind(folder) if folder else None
        if known is not None and name.endswith(".yaml"):
            kind, key = known[0], known[1] + name[:-5]
        else:
            kind, key = layout_kind(rel)
        if kind is None:
            if rel.split("/")[-1].lower() in ("readme.md",) or rel in CONTACT_FILES:
                continue  # the contacts' files are read by builder/contacts.py, not as records
            slots.append(outside_layout(f"{shown_root}/{rel}", rel))
            continue
        slots.append((rel, kind, key))
    wanted = [(slot[0], slot[1]) for slot in slots if not isinstance(slot, Problem)]
    if parse is read_yaml:
        reads = read_records(root, shown_root, wanted, cache)
    else:
        reads = [
            read_record(root / rel, f"{shown_root}/{rel}", kind, parse) for rel, kind in wanted
        ]
    found = iter(reads)
    sources = data.sources
    # the dict each kind of the folders is kept in (a single file's kind goes through store)
    kept = {kind.name: getattr(data, kind.attr) for kind in LAYOUT.values() if kind.depth}
    for slot in slots:
        if isinstance(slot, Problem):
            problems.append(slot)
            continue
        _, kind, key = slot
        record, source, trouble = next(found)
        if record is None:
            problems.extend(trouble)
            data.failed.add((kind.name, key))
            continue
        sources[(kind.name, key)] = source
        records = kept.get(kind.name)
        if records is None:
            store(data, kind, key, record)
        else:
            records[key] = record
    if data.programme is None and not any(p.file.endswith("programme.yaml") for p in problems):
        problems.append(
            Problem(
                f"{shown_root}/programme.yaml",
                0,
                0,
                "",
                N_("the programme file is missing"),
                N_("create it: see docs/data-layout.md"),
                "missing-file",
            )
        )
    return data, problems


# kind_of by path, kept for the loads of one process: the work tree's and each commit's
# (`git.load.load_at`) name the same paths
KINDS: dict[str, tuple[Kind | None, str]] = {}


def layout_kind(rel: str) -> tuple[Kind | None, str]:
    """`datafile.kind_of`, asked once per path in a process, and once per folder (a cold
    load of 36,000 files asked it of each: ~0.09 s of a one-report rebuild, issue 22)."""
    found = KINDS.get(rel)
    if found is None:
        folder, _, name = rel.rpartition("/")
        if not folder or not name.endswith(".yaml"):
            found = kind_of(rel)
        else:
            known = folder_kind(folder)
            found = (known[0], known[1] + name[:-5]) if known is not None else (None, "")
        KINDS[rel] = found
    return found


def folder_kind(folder: str) -> tuple[Kind, str] | None:
    """The kind of the YAML files of `folder` (a relative path) and the start of their keys,
    or None when they are not in the layout: `kind_of` of one of them, asked once a folder."""
    if folder not in FOLDER_KINDS:
        kind, key = kind_of(f"{folder}/_.yaml")
        FOLDER_KINDS[folder] = (kind, key[:-1]) if kind is not None else None
    return FOLDER_KINDS[folder]


# By folder of the data layout: the kind its YAML files hold and their keys' start ("2024-Q1/"
# in reports/2024-Q1), or None for a folder whose files are not in the layout.
FOLDER_KINDS: dict[str, tuple[Kind, str] | None] = {}


def outside_layout(shown: str, rel: str) -> Problem:
    """A file that is not part of the data layout, with the closest advice on where it goes."""
    folder = LAYOUT.get(rel.split("/")[0]) if "/" in rel else None
    params: dict[str, object] = {}
    if rel.endswith(".yml"):
        hint = N_("rename it to .yaml")
    elif folder is not None and folder.depth:
        hint = N_("files in this folder are named like {example}")
        params["example"] = folder.example
    else:
        hint = N_(
            "see docs/data-layout.md; the data folder holds {files} and the folders {folders}"
        )
        params["files"] = ", ".join(k.example for k in LAYOUT.values() if not k.depth)
        params["folders"] = ", ".join(f"{k.name}/" for k in LAYOUT.values() if k.depth)
    return Problem(
        shown,
        0,
        0,
        "",
        N_("this file is not part of the data layout"),
        hint,
        "layout",
        params=problem_params(params),
    )


def store(data: Dataset, kind: Kind, key: str, record: m.Record) -> None:
    """Put a typed record where the Dataset keeps records of its kind."""
    if kind.name == "programme":
        data.programme = record  # type: ignore[assignment]
    elif kind.name == "staff":
        data.staff = list(record.people)  # type: ignore[attr-defined]
        data.analyst_groups = record.assignments  # type: ignore[attr-defined]
    else:
        getattr(data, kind.attr)[key] = record


def paths_only(data: Dataset) -> Dataset:
    """The data with each record's source reduced to its file's path, for the stages after
    validation, which ask a record's file (`record_path`) but never where a value is in it
    (issue 22: the positions are ~60 MB at 4,000 measures, allocated among the records, and
    were held through the pages: dropped before the next stages allocate, their room is
    reused)."""
    sources: dict[tuple[str, str], SourceFile] = {
        key: PackedSource(source.path, NO_POSITIONS) for key, source in data.sources.items()
    }
    return replace(data, sources=sources)


def record_path(data: Dataset, kind: str, key: str) -> str:
    """The file of a record as shown to people (e.g. data/reports/2024-Q1/1.1.1.4.2.yaml)."""
    source = data.sources.get((kind, key))
    return source.path if source else f"{data.root}/{kind}/{key}.yaml"
