"""Incremental data packages: each snapshot's package keyed on exactly what it reads, and the
store that keeps the packages' files between builds.

A package's files (its CSV, JSON, workbook, README and zip) are a pure function of what
`inputs.package_inputs` lists for its snapshot — the programme, the structure, the measures as
known on its date, the records dated by then, the statuses of every earlier quarter end —
together with the code that renders them, the table schemas and the options. The *key* of a
package is a digest of all of that (`package_keys`). After a build, each package's files are
kept in the store (`PackageStore`: `.dap-cache/datasets-<data folder>/`, beside the record
cache, so CI's trusted cache keeps it too); the next build takes a package whose key is the
same from the store instead of building it, and builds the others. A merged report changes the
key of the packages that show it (normally the newest quarter and "latest") and of no other.

The store is trusted no further than it can be checked: its manifests are sealed with this
user's key (`cache.seal`, as the record cache is), and each file is checked by the inode it
had when the store wrote it, or else against its size and digest (`_intact`). A store entry that fails any check — no manifest, a manifest not
sealed by this user's dap, a file edited, truncated or missing — is ignored with a one-line
note, and that package is built anew; an entry whose key differs (the data changed) is simply
rebuilt. Nothing in the store is ever run or unpickled: it holds JSON and the files' bytes.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
import shutil
import sys
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pydantic

from .. import __version__
from ..cache import cache_folder, fingerprint, record_contents, sealed_text, unsealed
from ..compute import Snapshot
from ..fingerprint import code_digest
from ..i18n import N_, _
from ..load import Dataset
from ..valuedigest import DIGEST, KeptDigests, fields_of, value_digests
from .inputs import COMMON, READS, AsJson, Items, Shown, package_inputs
from .rows import Memo
from .tables import table_schemas

FORMAT = 4  # of the store's manifests (2: with the keys of the files' parts; 3: row indexes;
# 4: each file's inode as written, `_intact`)
PREFIX = "datasets-"  # the store's folder in the cache, beside records-…
# The code a package is made by, as paths under builder/ (a folder: every file in it): the
# datasets' modules (with their README template), every module of dap they import, directly or
# not, and the message catalogues (issue 22, fourteenth session: with every file of builder/ in
# the key, any change to the pages', MkDocs' or the build's code made all 13 packages anew,
# ~10 s of CPU at 2,000 measures). `tests/test_datasets_code.py` checks it against the imports
# of opendata/downloads.py and against the files that making the packages opens.
PACKAGE_CODE = (
    "opendata/",
    "validate/",
    "locale/",
    "__init__.py",
    "assignments.py",
    "cache.py",
    "compute.py",
    "compute_index.py",
    "datafile.py",
    "errors.py",
    "explain.py",
    "fingerprint.py",
    "git/",
    "i18n.py",
    "load.py",
    "models.py",
    "notes.py",
    "options.py",
    "output.py",
    "parallel.py",
    "project.py",
    "quarters.py",
    "scores.py",
    "site/__init__.py",
    "site/context.py",
    "site/markup.py",
    "stats.py",
    "status.py",
    "translations.py",
    "valuedigest.py",
    "versions.py",
    "wording.py",
    "workflow/__init__.py",
    "workflow/approval.py",
    "workflow/audit.py",
    "workflow/permits.py",
)
MANIFEST = "manifest.json"


# ---------------------------------------------------------------- keys


class Digests:
    """Digests of the packages' inputs, each record, row and id digested once per build
    (issue 22: the keys of a national programme's 13 packages in a fraction of a second).

    A record (a pydantic model, frozen) as read from its file is digested as that file's
    path and Git blob id (`cache.record_contents`: the record cache knows them; the static
    key holds what else the record depends on, `cache.fingerprint`); any other record (one
    the build made, such as a measure as known on a date, and every one of a list marked
    `AsJson`, which mixes both) as its JSON (pydantic's own serializer: every field, nested
    records included, in the model's order); a computed record (a dataclass: a report due, a
    score) as the `repr` of its fields' values (`valuedigest.value_digests`; `values`:
    those of the kept snapshots, as `compute_kept` kept them with the values); a list of
    records item by item; a list of rows (tuples of plain values) or ids, or anything else
    small, as its `repr`. Objects are remembered by id while this lives (each kept alive, so
    no id is reused): the records and lists of rows the packages share — the same objects in
    each — are digested once, and each package's lists of records are looked up without a
    Python call per item; the groups of records the packages share (`inputs.Shown`: the
    reports and assessments first shown on each date) are digested once each. No set is
    among the inputs (a set's order changes from run to run).
    """

    def __init__(
        self, contents: dict[int, str] | None = None, values: KeptDigests | None = None
    ) -> None:
        self._known: dict[int, bytes] = {}  # id → digest of an object in `_alive`
        self._json: dict[int, bytes] = {}  # id → digest of a record's JSON (`AsJson`)
        self._groups: dict[int, bytes] = {}  # id → digest of a group of records (`Shown`)
        self._alive: list[object] = []  # every object digested: no id is reused while this lives
        # the records read from files in this process (`cache.record_contents`): by id, their
        # file's path and blob id, which tell the record (a function of them) apart
        self._contents = contents or {}
        self._read: dict[int, bytes] | None = None  # their digests, made at first need
        if values is not None:  # computed values kept with their digests (issue 22)
            objects, digests = values
            if len(digests) == DIGEST * len(objects):
                cut = range(0, len(digests), DIGEST)
                parts = (digests[at : at + DIGEST] for at in cut)
                self._known.update(zip(map(id, objects), parts, strict=True))
                self._alive += objects  # alive while this lives: no id is reused

    def feed(self, h: Any, value: tuple[object, ...]) -> None:
        """Add one of `package_inputs`' values to the hash `h`: each of its parts a record, a
        list of records (a list whose first item is one), a list of rows or plain values, or
        a small value."""
        for part in value:
            if _is_record(part):
                h.update(b"#" + self.digest(part))
            elif isinstance(part, AsJson):  # records as their JSON, be they read or made
                h.update(b"[%d$" % len(part) + self.many(part, as_json=True) + b"]")
            elif isinstance(part, Shown):  # groups of records, each digested once per build
                h.update(b"<%d" % len(part) + b"".join(map(self._group, part)) + b">")
            elif isinstance(part, Items):  # the reports' dates in a group: one `repr`
                text = repr(list(part)).encode("utf-8", "surrogatepass")
                h.update(
                    b"{%d@" % len(part) + hashlib.blake2b(text, digest_size=16).digest() + b"}"
                )
            elif isinstance(part, list) and part:
                if _is_record(part[0]):
                    h.update(b"[%d#" % len(part) + self.many(part) + b"]")
                else:  # ids, rows: one `repr`, once per list object
                    h.update(b"@" + self.digest(part))
            else:
                h.update(repr(part).encode("utf-8") + b"\0")

    def _group(self, group: Any) -> bytes:
        """The digest of one group of a `Shown` (its parts fed as `feed` feeds a value),
        made once per build: the packages that show it share the object."""
        found = self._groups.get(id(group))
        if found is None:
            h = hashlib.blake2b(digest_size=16)
            self.feed(h, group)
            found = self._groups[id(group)] = h.digest()
            self._alive.append(group)
        return found

    def many(self, items: list[object], as_json: bool = False) -> bytes:
        """The digests of `items`, one after another (those known looked up without a Python
        call per item: a package lists thousands of records, most digested before)."""
        known = self._json if as_json else self._known
        ids = list(map(id, items))
        try:  # every one known (the packages are digested newest first: most are)
            return b"".join(map(known.__getitem__, ids))
        except KeyError:
            pass
        missing = set(ids).difference(known)
        self._digest_all(dict(zip(ids, items, strict=True)), missing, known, as_json)
        return b"".join(map(known.__getitem__, ids))

    def files(self) -> dict[int, bytes]:
        """The digest of each record read from a file in this process (by `id`: its file's
        path and Git blob id), made once (issue 22: the reports table's rows digested
        without their texts, `snapshots.report_row_digests`)."""
        if self._read is None:
            blake = hashlib.blake2b
            self._read = {
                i: blake(b"file\0" + t.encode("utf-8", "surrogatepass"), digest_size=16).digest()
                for i, t in self._contents.items()
            }
        return self._read

    def _digest_all(
        self, by_id: dict[int, object], missing: set[int], known: dict[int, bytes], as_json: bool
    ) -> None:
        """`digest` of each object of `by_id` whose id is in `missing`, into `known`: the
        same digests, made without a Python call per object where they can be (issue 22:
        tens of thousands of reports, assessments and reports due a build)."""
        if not as_json:  # records read from files: their digests made once, in one pass
            read = self.files()
            found = list(missing.intersection(read))
            if found:
                known.update(zip(found, map(read.__getitem__, found), strict=True))
                self._alive += map(by_id.__getitem__, found)  # alive anyway: as read
                missing = missing.difference(found)
        order = list(missing)
        todo = list(map(by_id.__getitem__, order))
        kinds = set(map(type, todo))
        if len(kinds) != 1 or issubclass(next(iter(kinds)), pydantic.BaseModel):
            for item in todo:  # mixed, or records as their JSON: one at a time
                self.digest(item, as_json)
            return
        known.update(zip(order, value_digests(todo), strict=True))
        self._alive += todo

    def digest(self, obj: object, as_json: bool = False) -> bytes:
        """The digest of one record, list of rows or other value (`as_json`: a record as its
        JSON even if it was read from a file)."""
        known = self._json if as_json else self._known
        found = known.get(id(obj))
        if found is not None:
            return found
        if isinstance(obj, pydantic.BaseModel):
            read = None if as_json else self._contents.get(id(obj))
            if read is not None:  # as read from its file (alive there: its id is its own)
                text = b"file\0" + read.encode("utf-8", "surrogatepass")
            else:
                text = type(obj).__qualname__.encode() + obj.model_dump_json().encode("utf-8")
        else:
            text = type(obj).__qualname__.encode() + repr(fields_of(obj)).encode("utf-8")
        digest = hashlib.blake2b(text, digest_size=16).digest()
        known[id(obj)] = digest
        self._alive.append(obj)
        return digest


def _is_record(value: object) -> bool:
    return isinstance(value, pydantic.BaseModel) or (
        dataclasses.is_dataclass(value) and not isinstance(value, type)
    )


def static_key(prefix: str, options: Iterable[object]) -> bytes:
    """What every package depends on besides the data: dap's version and the code packages
    are made by (`PACKAGE_CODE`: modules, template, catalogues), Python and zlib (the zips'
    bytes), the table schemas in use, the folder the files are listed under and the rendering
    options."""
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{FORMAT}|{__version__}|{sys.version}|{zlib.ZLIB_RUNTIME_VERSION}\n".encode())
    h.update(fingerprint().encode())  # what a record read from a file depends on besides it
    h.update(code_digest(PACKAGE_CODE))  # its modules and template (and catalogues)
    h.update(json.dumps(table_schemas(), sort_keys=True, default=str).encode())
    h.update(repr((prefix, *options)).encode())
    return h.digest()


def package_keys(
    data: Dataset,
    memo: Memo,
    snapshots: list[Snapshot],
    plan: list[tuple[int, list[str]]],
    static: bytes,
    tables: dict[str, str] | None = None,
    digests: Digests | None = None,
) -> list[str]:
    """The key of each entry of the plan (a snapshot and its labels), in its order; into
    `tables`, the key of each table of the newest snapshot's package: a digest of the kinds
    of its inputs that the table reads (`inputs.READS`, `inputs.COMMON`). `digests`: the
    digests to use (and keep: `Digests.files`), a new one by default."""
    if digests is None:
        digests = Digests(record_contents())
    last = len(snapshots) - 1
    keys: list[str] = []
    # newest first: its records are the older packages' but a few, which are then known
    for index, labels in reversed(plan):
        head = repr(labels).encode("utf-8")
        kinds: dict[str, Any] = {}  # each kind of input: its own digest
        for value in package_inputs(data, memo, snapshots, index, latest=index == last):
            kind = kinds.get(str(value[0]))
            if kind is None:
                kind = kinds[str(value[0])] = hashlib.blake2b(static, digest_size=16)
            digests.feed(kind, value)
        found = {name: kind.digest() for name, kind in kinds.items()}
        h = hashlib.blake2b(static, digest_size=16)
        h.update(head)
        for name, digest in found.items():
            h.update(name.encode() + b"\0" + digest)
        keys.append(h.hexdigest())
        if index == last and tables is not None:
            for table, reads in READS.items():
                t = hashlib.blake2b(static, digest_size=16)
                t.update(head + table.encode() + b"\0")
                for name in (*COMMON, *reads):
                    t.update(name.encode() + b"\0" + found[name])
                tables[table] = t.hexdigest()
    return keys[::-1]


# ---------------------------------------------------------------- the store

# Why a stored package was not used (one-line notes, in the person's language).
NO_MANIFEST = N_("its manifest is missing")
UNREADABLE = N_("its manifest cannot be read")
FOREIGN = N_("it was not made by this user's dap")
DAMAGED = N_("{file} is missing, truncated or edited")

Stored = list[tuple[dict[str, Any], Path]]  # (a file's fields as listed, the file)


@dataclass
class Previous:
    """A package's files as the last build made them, from other inputs (issue 22: a merged
    report changes the newest package, but only a few of its parts).

    `parts` holds the key of each part the last build made — a table's rows, a member of
    the zip, a sheet of the workbook — under names such as `table:reports`,
    `zip:dap-latest/json/reports.json`, `xlsx:xl/worksheets/sheet16.xml`; a part whose key
    this build computes the same is taken from `files` as it is (a zip's member still
    compressed), any other is made anew. The keys are digests of exactly what the part is
    made of, so a part taken is byte for byte the part a clean build makes."""

    files: dict[str, Path]  # a file's path as listed (downloads/latest/reports.csv) → stored
    parts: dict[str, str]
    extras: dict[str, Path] = field(default_factory=dict)  # files not published: row indexes
    # each stored file's digest as the sealed manifest lists it (checked by `_open`): a file
    # kept as it is needs no reading to be kept again (`PackageStore.save`'s `same`)
    digests: dict[Path, str] = field(default_factory=dict)


@dataclass
class Parts:
    """The parts of a package as this build makes them: each one's key (kept in the store for
    the next build's `Previous.parts`) and those made anew rather than taken from the
    previous build (`PackageStore.remade`: what a rebuild did, for tests and benchmarks)."""

    keys: dict[str, str] = field(default_factory=dict)
    made: list[str] = field(default_factory=list)
    # the digest of each file made whose bytes were digested as it was made (a table's CSV,
    # for the zip's key), by its path as listed: not read again to be stored (issue 22)
    digests: dict[str, str] = field(default_factory=dict)


class PackageStore:
    """The packages of the previous build, one folder per plan entry (its labels joined by
    '+': `latest`, `2025-Q4`, `2025-Q4+latest`) with its files and a sealed manifest."""

    def __init__(self, folder: Path | None):
        self.folder = folder  # None: no store (caching off, or no key to seal it with)
        self.notes: list[str] = []  # one line per stored package that was not usable
        self.reused: list[str] = []
        self.built: list[str] = []
        self.remade: dict[str, list[str]] = {}  # of each package built: its parts made anew
        # of the newest package built: each table made from the previous build's CSV lines
        # and the positions of its rows made anew (`Package.fresh`)
        self.fresh: dict[str, dict[str, list[int]]] = {}
        self.static: str | None = None  # this build's `static_key`, set before any use
        self._digests: dict[str, dict[Path, str]] = {}  # of each entry opened: its files'
        self._noted: set[str] = set()

    @classmethod
    def for_data(cls, root: Path) -> PackageStore:
        """The store of a data folder's packages (where its record cache is), or none."""
        return cls(cache_folder(root, "auto", prefix=PREFIX))

    def load(self, name: str, key: str) -> Stored | None:
        """The stored files of entry `name` if they were made under `key` and are intact;
        None otherwise (a one-line note when the entry is there but not usable)."""
        opened = self._open(name, key)
        return None if opened is None else opened[1]

    def previous(self, name: str) -> Previous | None:
        """Entry `name` as the last build left it, made from other data: the parts of its
        files whose own keys still match are taken from it (`Previous`); None if there is no
        usable entry (a note says why, once per entry) or it was made by other code, schemas
        or options (`static`: a part's key is a digest of its data only)."""
        if self.static is None:
            return None
        opened = self._open(name, None, self.static)
        if opened is None:
            return None
        manifest, files = opened
        parts = manifest.get("parts", {})
        if not isinstance(parts, dict):
            return None
        entry = self.folder / name if self.folder is not None else Path()
        extras = {  # checked by `_open`
            str(fields["name"]): _inside(entry, str(fields["stored"]))
            for fields in manifest.get("extras", [])
        }
        listed = {str(fields["path"]): path for fields, path in files}
        return Previous(listed, parts, extras, self._digests.pop(name, {}))

    def _open(
        self, name: str, key: str | None, static: str | None = None
    ) -> tuple[dict[str, Any], Stored] | None:
        """Entry `name`'s manifest and files, if it is sealed by this user, made under `key`
        (any key: None) and `static` (any: None), and intact."""
        if self.folder is None or not (self.folder / name).is_dir():
            return None
        entry = self.folder / name
        note = functools.partial(self._note, name)
        try:
            body = unsealed((entry / MANIFEST).read_text(encoding="utf-8"))
        except FileNotFoundError:
            note(_(NO_MANIFEST))
            return None
        except (OSError, ValueError, KeyError, TypeError):
            note(_(UNREADABLE))
            return None
        if body is None:
            note(_(FOREIGN))
            return None
        manifest = json.loads(body)
        if (
            manifest.get("format") != FORMAT
            or key not in (None, manifest.get("key"))
            or static not in (None, manifest.get("static"))
        ):
            return None  # made from other inputs: built anew, as it must be
        found: Stored = []
        digests = self._digests[name] = {}
        for fields in manifest["files"]:
            stored = fields.pop("stored")
            digest = fields.pop("digest")
            written = fields.pop("stat", None)
            try:
                path = _inside(entry, stored)
                intact = _intact(path, fields["size"], digest, written)
            except (OSError, ValueError):
                intact = False
            if not intact:
                note(_(DAMAGED, file=stored))
                return None
            found.append((fields, path))
            digests[path] = digest
        for fields in manifest.get("extras", []):  # the row indexes: checked as the files are
            stored = str(fields.get("stored", ""))
            try:
                path = _inside(entry, stored)
                intact = _intact(path, fields["size"], fields["digest"], fields.get("stat"))
            except (OSError, ValueError, KeyError):
                intact = False
            if not intact:
                note(_(DAMAGED, file=stored))
                return None
            digests[path] = fields["digest"]
        return manifest, found

    def save(
        self,
        name: str,
        key: str,
        files: Stored,
        parts: dict[str, str] | None = None,
        extras: list[tuple[str, Path]] | None = None,
        same: dict[Path, str] | None = None,
    ) -> None:
        """Keep entry `name`'s files under `key`, replacing what was there (in one rename),
        with the keys of their parts (`Previous.parts`) and files for the next build that
        are not published (`Previous.extras`: the row indexes of the newest package). `same`:
        files whose digest is known (a file of this build whose bytes were digested as it
        was made, a file of the previous entry `name` kept as it is — `Previous.digests`),
        not read again; a file of the previous entry is moved into the new one, not copied
        (issue 22: of the newest package's ~68 MB, the tables a merged report left as they
        were, and their row indexes), its inode recorded after the move."""
        if self.folder is None:
            return
        listed = []
        kept = []
        target = self.folder / name
        staging = self.folder / f".{name}.{os.getpid()}.tmp"
        shutil.rmtree(staging, ignore_errors=True)
        try:
            staging.mkdir(parents=True, exist_ok=True)
            put = functools.partial(self._put, target, same or {}, {})
            for i, (fields, source) in enumerate(files):
                stored = f"{i:05d}-{Path(fields['path']).name}"
                path = staging / stored
                digest = put(source, path)
                listed.append({**fields, "stored": stored, "digest": digest, "stat": _stat(path)})
            for i, (extra, source) in enumerate(extras or []):
                stored = f"x{i:05d}"
                path = staging / stored
                digest = put(source, path)
                size = path.stat().st_size
                kept.append(
                    {
                        "name": extra,
                        "stored": stored,
                        "size": size,
                        "digest": digest,
                        "stat": _stat(path),
                    }
                )
            body = json.dumps(
                {
                    "format": FORMAT,
                    "key": key,
                    "static": self.static,
                    "files": listed,
                    "parts": parts or {},
                    "extras": kept,
                },
                ensure_ascii=False,
                sort_keys=True,
                default=str,
            )
            text = sealed_text(body)
            if text is None:
                raise OSError("no key")
            (staging / MANIFEST).write_text(text, encoding="utf-8")
            old = self.folder / f".{name}.{os.getpid()}.old"
            if target.exists():
                os.replace(target, old)
            os.replace(staging, target)
            shutil.rmtree(old, ignore_errors=True)
        except OSError:  # a full disk or a read-only cache: the next build builds it again
            shutil.rmtree(staging, ignore_errors=True)

    @staticmethod
    def _put(
        entry: Path, same: dict[Path, str], moved: dict[Path, Path], source: Path, path: Path
    ) -> str:
        """`source` kept as `path` (in a new entry replacing `entry`), and its digest: moved
        when it is a file of `entry` whose digest is known (once: `moved`), else copied."""
        digest = same.get(source)
        if digest is not None and source.parent == entry and source not in moved:
            os.replace(source, path)
            moved[source] = path
            return digest
        shutil.copyfile(moved.get(source, source), path)
        return digest if digest is not None else _file_digest(path)

    def keep_only(self, names: Iterable[str]) -> None:
        """Remove the entries (and leftovers of interrupted builds) not in `names`."""
        if self.folder is None or not self.folder.is_dir():
            return
        wanted = set(names)
        for path in self.folder.iterdir():
            if path.name not in wanted:
                if path.is_dir() and not path.is_symlink():
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    path.unlink(missing_ok=True)

    def _note(self, name: str, reason: str) -> None:
        if name in self._noted:
            return  # `load`, then `previous`, found the same entry unusable
        self._noted.add(name)
        self.notes.append(
            _(
                "note: the stored data package {name} in {folder} is not used ({reason}); "
                "it is built anew",
                name=name,
                folder=self.folder,
                reason=reason,
            )
        )


def _stat(path: Path) -> list[int]:
    """What a stored file's inode says of it (`_intact`): its size, modification and change
    times (ns) and inode number, as it was written."""
    st = path.stat()
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


def _intact(path: Path, size: int, digest: str, written: object) -> bool:
    """Whether a stored file is as the store wrote it: decided by its inode (`_stat`) when
    that is as recorded at writing — any write to the file, or putting its modification time
    back, changes its change time (ctime, which no ordinary call sets), and a file put in its
    place has another inode — else (the store copied or restored elsewhere, as CI's cache
    is) by its size and digest, reading it whole (issue 22: the 13 packages' ~90 MB are not
    read and digested on every build)."""
    if written is not None and _stat(path) == written:
        return True
    return path.stat().st_size == size and _file_digest(path) == digest


def _file_digest(path: Path) -> str:
    """A file's digest, read a chunk at a time (issue 22: a package is never whole in memory)."""
    h = hashlib.blake2b(digest_size=16)
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _inside(folder: Path, name: str) -> Path:
    """`folder/name` for a plain file name of the store's own making; anything else refused."""
    if not name or "/" in name or "\\" in name or name.startswith("."):
        raise ValueError(name)
    return folder / name
