"""The record cache behind `load()`: an unchanged file is never parsed or typed twice.

Each data folder (`measures`, `reports/2024-Q1`, …) is one *shard*: a pickle in
`records-<root>/` — in the project's `.dap-cache/`, or in the user cache (`~/.cache/dap/`)
for data outside the project — holding, per file, its size, mtime and inode, a content digest,
the typed record (or the problems that stopped it), its YAML positions, packed until a
problem needs them, and Git's blob id of its bytes. A file whose stat matches is taken from the
shard; one whose stat changed is read and hashed, and parsed again only when its bytes changed.
A shard is rewritten only when something in it changed, so a pull request that touches one
report rewrites one shard. Within one process, a commit's file read from Git objects with the
same path and blob id as a file read from disk is that read (`dap validate --diff`: the
checkout is HEAD, so the diff parses and restores only what the change touched).

Shards are pickles, so each is sealed with a MAC (HMAC-SHA-256) under a key kept outside
every project (`~/.cache/dap/cache-key`); a shard that this user's dap did not write — say a
`.dap-cache/` committed in a pull request — is never unpickled.

Shards without a cache (a fresh clone, CI) are parsed by worker processes when there are
enough files to repay starting them. A cache written by other code (another version of
datafile.py, load.py, models.py, errors.py, PyYAML, pydantic or Python) is ignored; so is a damaged one. The cache
never changes a result: tests compare cold and warm runs problem for problem.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import hmac
import importlib.machinery
import json
import marshal
import os
import pickle
import secrets
import shutil
import sys
import time
from io import BytesIO
from pathlib import Path
from typing import Any, Literal

import pydantic

from . import models as m
from .datafile import LAYOUT, MAX_FILE_BYTES, Kind, Read, SourceFile, parse_bytes, read_record
from .errors import Problem
from .parallel import can_fork, map_forked
from .project import user_cache
from .stats import stats_of

FORMAT = 2
FOLDER_NAME = ".dap-cache"
# shards of a data folder on disk; of Git blobs (by blob id); computed results; the last
# build into an output folder (builder/fingerprint.py); the stored data packages
# (opendata/incremental.py); the record pages' keys (site/pagekeys.py); the rules'
# conclusions about each report and assessment (validate/remembered.py); the kept history and
# snapshots (compute_kept.py); the search index's files as last seen (site/search/seen.py).
# Every one is removed from the user cache when the folder it was made for is gone.
PREFIXES = (
    "records-",
    "blobs-",
    "results-",
    "build-",
    "datasets-",
    "pages-",
    "checks-",
    "computed-",
    "search-",
)
ROOT_FILE = "root"  # in a user-cache shard folder: the data folder it caches
PARALLEL_FROM = 2000  # files to parse before worker processes repay their start
RACY_NS = 1_000_000_000  # files changed this close to a cache write are checked by content

# size, mtime_ns, inode, content digest, record or None, problems (file left blank), positions,
# Git's blob id of the content (to find the read again when a commit holds the same bytes)
Entry = tuple[int, int, int, bytes, m.Record | None, tuple[Problem, ...], bytes, str]


# the packed positions of a source that knows none (`load.paths_only`), one bytes for all
NO_POSITIONS = marshal.dumps(({}, {}))


class PackedSource(SourceFile):
    """A SourceFile whose positions stay packed until something asks where a value is."""

    _tables: tuple[dict[Any, tuple[int, int]], dict[Any, tuple[int, int]]] | None = None

    def __init__(self, path: str, packed: bytes):  # one per record restored: kept short
        self.path = path
        self._packed = packed

    def _unpack(self) -> tuple[dict[Any, tuple[int, int]], dict[Any, tuple[int, int]]]:
        if self._tables is None:
            self._tables = marshal.loads(self._packed)
        return self._tables

    @property  # type: ignore[override]
    def positions(self) -> dict[Any, tuple[int, int]]:
        """Line and column of every value, by path in the record."""
        return self._unpack()[0]

    @positions.setter
    def positions(self, value: dict[Any, tuple[int, int]]) -> None:
        self._tables = (value, self._unpack()[1])

    @property  # type: ignore[override]
    def key_positions(self) -> dict[Any, tuple[int, int]]:
        """Line and column of every key, by path in the record."""
        return self._unpack()[1]

    @key_positions.setter
    def key_positions(self, value: dict[Any, tuple[int, int]]) -> None:
        self._tables = (self._unpack()[0], value)


_FINGERPRINT: list[str] = []


def fingerprint() -> str:
    """Digest of everything a cached record depends on besides the file: code and versions."""
    if not _FINGERPRINT:
        h = hashlib.blake2b(digest_size=16)
        here = Path(__file__).parent
        for name in ("datafile.py", "explain.py", "load.py", "models.py", "cache.py", "errors.py"):
            h.update((here / name).read_bytes())
        h.update(f"{FORMAT}|{sys.version}|{pydantic.VERSION}".encode())
        # PyYAML's version, from its own __init__.py: read, not imported (datafile.py
        # imports it on the first parse, and a warm command parses nothing)
        spec = importlib.machinery.PathFinder.find_spec("yaml")
        h.update(Path(spec.origin).read_bytes() if spec and spec.origin else b"no PyYAML")
        _FINGERPRINT.append(h.hexdigest())
    return _FINGERPRINT[0]


_KEY: list[bytes | None] = []
MAC_BYTES = 32


def secret() -> bytes | None:
    """This user's key that seals shard files (None: no usable key, so no cache).

    Shards are pickles, and unpickling runs code: a `.dap-cache/` that arrived some other way
    (committed in a pull request, copied from elsewhere) must never be loaded. The key lives
    outside every project, in $XDG_CACHE_HOME/dap/cache-key (~/.cache by default).
    """
    if not _KEY:
        path = user_cache() / "cache-key"
        key: bytes | None = None
        try:
            key = path.read_bytes()
        except FileNotFoundError:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "wb") as fh:
                    fh.write(secrets.token_bytes(32))
                key = path.read_bytes()
            except OSError:
                key = None
        except OSError:
            key = None
        _KEY.append(key if key and len(key) == 32 else None)
    return _KEY[0]


def _mac(body: bytes | memoryview, key: bytes) -> bytes:
    """HMAC-SHA-256 of `body` (OpenSSL's, one call): every warm command checks the seals of
    ~50 MB of shards, and SHA-256 has its own instructions in the processors dap runs on (x86
    since Zen and Ice Lake, ARMv8): 0.03 s here against keyed BLAKE2b's 0.06–0.08 s."""
    return hmac.digest(key, body, "sha256")


def seal(body: bytes) -> bytes | None:
    """The MAC of `body` under this user's key (None: no usable key): what other caches of
    dap's (the stored data packages, opendata/incremental.py) are sealed with."""
    key = secret()
    return None if key is None else _mac(body, key)


def sealed_text(body: str) -> str | None:
    """`body` (JSON text) with its seal, as the text of a sealed file; None without a key.
    The one shape of dap's sealed records: the build's record (fingerprint.py), the page
    keys (site/pagekeys.py) and the stored data packages' manifests (opendata/incremental.py)."""
    mac = seal(body.encode("utf-8"))
    return None if mac is None else json.dumps({"body": body, "seal": mac.hex()})


def unsealed(text: str) -> str | None:
    """The body of a sealed file's `text` when its seal is this user's, None when it is not
    (another user's, or no key). A text of another shape raises ValueError, KeyError or
    TypeError, for the caller to treat as unreadable."""
    sealed = json.loads(text)
    body, mac = sealed["body"], bytes.fromhex(sealed["seal"])
    expected = seal(body.encode("utf-8"))
    if expected is None or not hmac.compare_digest(mac, expected):
        return None
    return str(body)


def write_sealed(path: Path, body: str) -> None:
    """Write `body` sealed to `path`, replacing it in one rename; nothing without a key.
    OSError is the caller's (a read-only or full cache)."""
    text = sealed_text(body)
    if text is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def cache_folder(
    root: Path, cache: Path | None | Literal["auto"], prefix: str = "records-"
) -> Path | None:
    """The folder of this data root's shards (`prefix` + a digest of the root), or None when
    caching is off.

    "auto": `.dap-cache/` in the working (project) folder for data inside it, else this
    user's cache folder (`~/.cache/dap/`), where the shards of data folders that no longer
    exist are removed; DAP_NO_CACHE=1 turns caching off.
    """
    if cache is None or os.environ.get("DAP_NO_CACHE", "") not in ("", "0") or secret() is None:
        return None
    resolved = root.resolve()
    name = prefix + hashlib.blake2b(str(resolved).encode(), digest_size=8).hexdigest()
    if cache != "auto":
        return Path(cache) / name
    cwd = Path.cwd().resolve()
    if resolved == cwd or cwd in resolved.parents:
        return cwd / FOLDER_NAME / name
    outside = user_cache()
    _forget_gone_roots(outside)
    folder = outside / name
    with contextlib.suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True)
        (folder / ROOT_FILE).write_text(str(resolved), encoding="utf-8")
    return folder


def _forget_gone_roots(base: Path) -> None:
    """Remove the user cache's shards of data folders that no longer exist (temporary
    trees, deleted checkouts): the user cache is ours to tidy."""
    try:
        folders = [e for e in os.scandir(base) if e.name.startswith(PREFIXES) and e.is_dir()]
    except OSError:
        return
    for entry in folders:
        try:
            gone = not Path((Path(entry.path) / ROOT_FILE).read_text(encoding="utf-8")).exists()
        except OSError:
            gone = True
        if gone:
            shutil.rmtree(entry.path, ignore_errors=True)


def _shard_file(folder: Path, shard: str) -> Path:
    return folder / (hashlib.blake2b(shard.encode(), digest_size=8).hexdigest() + ".pickle")


def _read_shard(path: Path) -> tuple[dict[str, Any], int]:
    """The entries of a shard file and when it was written; none when it is missing, damaged
    or from other code."""
    key = secret()
    try:
        with open(path, "rb") as fh:
            sealed = fh.read()
        mac, body = sealed[:MAC_BYTES], memoryview(sealed)[MAC_BYTES:]  # no copy of the body
        if key is None or not hmac.compare_digest(mac, _mac(body, key)):
            return {}, 0  # not written by this user's dap: never unpickled
        shard = pickle.loads(body)
        if (
            isinstance(shard, dict)
            and shard.get("format") == FORMAT
            and shard.get("code") == fingerprint()
            and isinstance(shard.get("entries"), dict)
            and isinstance(shard.get("written_ns"), int)
        ):
            entries: dict[str, Any] = shard["entries"]
            return entries, shard["written_ns"]
    except Exception:  # noqa: BLE001 — any damage means "no cache": the shard is rebuilt
        pass
    return {}, 0


def _rebuild(
    cls: type[m.Record],
    values: dict[str, Any],
    fields_set: set[str],
    _set: Any = object.__setattr__,  # bound once: this runs for every record restored
) -> m.Record:
    """A record from its field values, as pydantic's own copy does (no validation, no hooks)."""
    record = cls.__new__(cls)
    _set(record, "__dict__", values)
    _set(record, "__pydantic_fields_set__", fields_set)
    _set(record, "__pydantic_extra__", None)
    _set(record, "__pydantic_private__", None)
    return record


class _Pickler(pickle.Pickler):
    """Pickles records as their field values: unpickling is then a third faster than through
    pydantic's __setstate__, which matters when a warm run restores 60,000 of them. Records of
    one class with the same fields set share one set object (pickled once: a fifth faster to
    restore); pydantic copies that set before it changes one (`model_copy`), and records are
    frozen. Equal strings and dates among the field values (ids of people, executors and
    measures, periods, days) are pickled once and restored as one object (strings and dates
    are immutable): a shard restores ~15 % faster and is ~12 % smaller."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._sets: dict[tuple[type, frozenset[str]], set[str]] = {}
        self._texts: dict[str, str] = {}
        self._days: dict[dt.date, dt.date] = {}

    def _same(self, value: Any) -> Any:
        """`value` with each string and date replaced by the first equal one pickled."""
        kind = type(value)
        if kind is str:
            return self._texts.setdefault(value, value)
        if kind is dt.date:
            return self._days.setdefault(value, value)
        if kind is list:
            return [self._same(item) for item in value]
        if kind is tuple:
            return tuple(self._same(item) for item in value)
        return value

    def reducer_override(self, obj: Any) -> Any:
        if (
            isinstance(obj, m.Record)
            and obj.__pydantic_extra__ is None
            and obj.__pydantic_private__ is None
        ):
            given = obj.__pydantic_fields_set__
            shared = self._sets.setdefault((type(obj), frozenset(given)), given)
            same = self._same
            values = {name: same(value) for name, value in obj.__dict__.items()}
            return _rebuild, (type(obj), values, shared)
        names = _SLOTTED.get(type(obj))
        if names is None:
            names = _slotted(type(obj))
        if names:
            return _rebuild_slotted, (type(obj), tuple(self._same(getattr(obj, n)) for n in names))
        return NotImplemented


# The fields of dataclasses with slots (a computed Snapshot holds ~25,000 of them), whose own
# __setstate__ is several times slower to restore than setting the slots here; () for others.
_SLOTTED: dict[type, tuple[str, ...]] = {}


def _slotted(cls: type) -> tuple[str, ...]:
    """The field names of a dataclass whose slots are exactly its fields, else ()."""
    names: tuple[str, ...] = ()
    if (
        dataclasses.is_dataclass(cls)
        and "__slots__" in cls.__dict__
        and "__dict__" not in cls.__dict__
    ):
        fields = tuple(f.name for f in dataclasses.fields(cls))
        if set(fields) == set(cls.__dict__["__slots__"]):  # every slot a field, nothing else
            names = fields
    _SLOTTED[cls] = names
    return names


def _rebuild_slotted(cls: Any, values: tuple[Any, ...]) -> Any:
    """A dataclass with slots from its field values (no __init__, no __post_init__), each set
    through its slot's own descriptor: no attribute lookup per field, as `object.__setattr__`
    makes (a kept snapshot restores ~23,000 of them)."""
    obj = cls.__new__(cls)
    setters = _SETTERS.get(cls)
    if setters is None:
        names = _SLOTTED.get(cls) or _slotted(cls)
        setters = _SETTERS[cls] = tuple(cls.__dict__[name].__set__ for name in names)
    for put, value in zip(setters, values, strict=True):
        put(obj, value)
    return obj


# the slots' setters of each class `_rebuild_slotted` restores, in field order
_SETTERS: dict[type, tuple[Any, ...]] = {}


def _dump_shard(entries: dict[str, Any], started_ns: int) -> bytes:
    out = BytesIO()
    _Pickler(out, protocol=pickle.HIGHEST_PROTOCOL).dump(
        {"format": FORMAT, "code": fingerprint(), "written_ns": started_ns, "entries": entries}
    )
    return out.getvalue()


def _write(path: Path, data: bytes) -> None:
    """Write a shard sealed with this user's key, atomically."""
    key = secret()
    if key is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        with open(tmp, "wb") as fh:
            fh.write(_mac(data, key))
            fh.write(data)
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only or full disk costs speed, never a result


def _blank(problems: list[Problem]) -> tuple[Problem, ...]:
    return tuple(dataclasses.replace(p, file="") for p in problems)


def _refresh(
    root: Path,
    shown_root: str,
    items: list[tuple[str, Kind]],
    old: dict[str, Entry],
    written_ns: int,
) -> tuple[dict[str, Entry], dict[str, Read], bool]:
    """Entries of one shard brought up to date, fresh reads by file, and whether anything changed."""
    entries: dict[str, Entry] = {}
    fresh: dict[str, Read] = {}
    changed = len(old) != len(items)
    base = str(root)
    settled = written_ns - RACY_NS  # a file changed after this may have changed since, unseen
    for (rel, kind), st in zip(items, stats_of(base, items), strict=True):
        if st is None or st.st_size > MAX_FILE_BYTES:
            # Its problem says why (unreadable, too large); such a file is not cached.
            fresh[rel] = read_record(root / rel, f"{shown_root}/{rel}", kind)
            changed = True
            continue
        before = old.get(rel)
        if (
            before is not None
            and before[0] == st.st_size
            and before[1] == st.st_mtime_ns
            and before[2] == st.st_ino
            and st.st_mtime_ns < settled
        ):
            entries[rel] = before
            continue
        name = f"{base}/{rel}"  # strings, not Path: pathlib costs more than the stat itself
        shown = f"{shown_root}/{rel}"
        try:
            with open(name, "rb") as fh:
                raw = fh.read()
        except OSError:
            fresh[rel] = read_record(root / rel, shown, kind)
            changed = True
            continue
        digest = hashlib.blake2b(raw, digest_size=16).digest()
        changed = True
        if before is not None and before[3] == digest:
            entries[rel] = (st.st_size, st.st_mtime_ns, st.st_ino, *before[3:])  # type: ignore[assignment]
            continue
        record, source, problems = read_record(root / rel, shown, kind, _Bytes(raw))
        packed = marshal.dumps((source.positions, source.key_positions))
        entries[rel] = (
            st.st_size,
            st.st_mtime_ns,
            st.st_ino,
            digest,
            record,
            _blank(problems),
            packed,
            blob_id(raw),
        )
        fresh[rel] = (record, source, problems)
    return entries, fresh, changed


def blob_id(raw: bytes) -> str:
    """The id Git gives a blob of these bytes (SHA-1 object format)."""
    return hashlib.sha1(b"blob %d\0" % len(raw) + raw, usedforsecurity=False).hexdigest()


class _Bytes:
    """A parser for `read_record` that parses bytes already read (and hashed)."""

    def __init__(self, raw: bytes):
        self.raw = raw

    def __call__(self, path: Path, shown: str) -> tuple[Any, SourceFile, list[Problem]]:
        return parse_bytes(self.raw, shown)


def _cold_shard(task: tuple[str, str, list[tuple[str, str]], str | None, int]) -> bytes:
    """Worker: parse one shard from scratch, write its cache file, return the shard's bytes."""
    root, shown_root, named, target, started_ns = task
    items = [(rel, LAYOUT[kind]) for rel, kind in named]
    entries, fresh, _ = _refresh(Path(root), shown_root, items, {}, 0)
    # Files that cannot be cached (unreadable, too large) travel as problems only.
    extra = {
        rel: (None, SourceFile(read[1].path), read[2])
        for rel, read in fresh.items()
        if rel not in entries
    }
    data = _dump_shard(entries, started_ns)
    if target:
        _write(Path(target), data)
    return pickle.dumps((data, extra), protocol=pickle.HIGHEST_PROTOCOL)


def _parallel(
    root: Path,
    shown_root: str,
    shards: dict[str, list[tuple[str, Kind]]],
    folder: Path | None,
    started_ns: int,
) -> dict[str, tuple[dict[str, Entry], dict[str, Read]]] | None:
    """Cold shards parsed by worker processes; None when that is not possible here."""
    tasks = {
        shard: (
            str(root),
            shown_root,
            [(rel, kind.name) for rel, kind in items],
            str(_shard_file(folder, shard)) if folder else None,
            started_ns,
        )
        for shard, items in shards.items()
    }
    order = sorted(tasks, key=lambda shard: -len(shards[shard]))  # biggest first: even finish
    m.build_validators()  # once here, not in every worker
    answers = map_forked(_cold_shard, [tasks[shard] for shard in order])
    if answers is None:
        return None
    out: dict[str, tuple[dict[str, Entry], dict[str, Read]]] = {}
    for shard, answer in zip(order, answers, strict=True):
        data, extra = pickle.loads(answer)
        out[shard] = (pickle.loads(data)["entries"], extra)
    return out


def read_records(
    root: Path,
    shown_root: str,
    wanted: list[tuple[str, Kind]],
    cache: Path | None | Literal["auto"] = "auto",
) -> list[Read]:
    """Record, source and problems of each wanted file (path relative to root), in order."""
    started_ns = time.time_ns()
    folder = cache_folder(root, cache)
    shards: dict[str, list[tuple[str, Kind]]] = {}
    for rel, kind in wanted:
        shards.setdefault(rel.rpartition("/")[0], []).append((rel, kind))
    old = {
        shard: _read_shard(_shard_file(folder, shard)) if folder else ({}, 0) for shard in shards
    }
    cold = {shard: items for shard, items in shards.items() if not old[shard][0]}
    done: dict[str, tuple[dict[str, Entry], dict[str, Read]]] = {}
    if sum(len(items) for items in cold.values()) >= PARALLEL_FROM and can_fork():
        done = _parallel(root, shown_root, cold, folder, started_ns) or {}
    for shard, items in shards.items():
        if shard in done:
            continue
        entries, fresh, changed = _refresh(root, shown_root, items, *old[shard])
        if folder and changed:
            _write(_shard_file(folder, shard), _dump_shard(entries, started_ns))
        done[shard] = (entries, fresh)
    if folder:
        _forget_other_shards(folder, {_shard_file(folder, shard).name for shard in shards})
    reads = _reads(shown_root, wanted, done)
    _LOADED_BLOBS[shown_root] = (str(root), _LOADED_BLOBS.pop(shown_root, ("", {}))[1])
    return reads


# The Git blob id of each file of the latest load of a data folder in this process, by shown
# root, then by path relative to it (files that could not be cached have none): what the
# remembered conclusions of the rules are keyed on (validate/remembered.py, issue 22).
_LOADED_BLOBS: dict[str, tuple[str, dict[str, str]]] = {}


def loaded_blobs(root: Path, shown_root: str) -> dict[str, str]:
    """The blob id of each file the latest `read_records` of `shown_root` read from `root`, by
    path relative to it ("" for a file that could not be cached; {} when the latest was of
    another folder): a record is a function of its path, those bytes and `fingerprint()`."""
    found = _LOADED_BLOBS.get(shown_root)
    return found[1] if found is not None and found[0] == str(root) else {}


def _reads(
    shown_root: str,
    wanted: list[tuple[str, Kind]],
    done: dict[str, tuple[dict[str, Entry], dict[str, Read]]],
) -> list[Read]:
    """The reads of `read_records` in the order wanted, from each shard's entries and fresh
    reads; each also kept by path and blob id for the loads of commits in this process. This
    runs for every file of a warm load: no more work per file than needed."""
    by_file: dict[str, Read] = {}
    content = _CONTENT_READS.setdefault(shown_root, {})
    prefix = shown_root + "/"
    source = PackedSource
    blobs: dict[str, str] = {}
    _LOADED_BLOBS[shown_root] = ("", blobs)  # its root set by `read_records`
    for entries, fresh in done.values():
        blobs.update((rel, entry[7]) for rel, entry in entries.items())
        for rel, entry in entries.items():
            read = fresh.get(rel) if fresh else None  # parsed now: positions already unpacked
            if read is None:
                shown = prefix + rel
                blank = entry[5]
                problems = [dataclasses.replace(p, file=shown) for p in blank] if blank else []
                read = (entry[4], source(shown, entry[6]), problems)
            by_file[rel] = read
            content[f"{rel}\0{entry[7]}"] = read
        for rel, read in fresh.items():
            by_file.setdefault(rel, read)  # not cacheable (unreadable, too large)
            blobs.setdefault(rel, "")  # not known by its bytes
    return [by_file[rel] for rel, _ in wanted]


# ---------------------------------------------------------------- records of Git blobs
#
# The data at a commit (`git.load.load_at`: the base and head of a pull request) is read from Git
# objects, not files. A blob's content never changes under its id, so its parsed record is
# kept by path and blob id — in shards by folder under `blobs-<repo>/`, sealed like the others
# — and the base and head of a one-report change share all records but one: a warm run parses
# nothing else, and a cold one parses each distinct blob once (also within one process, where
# the entries stay in memory between the two loads).

# record or None, problems (file left blank), packed positions
BlobEntry = tuple[m.Record | None, tuple[Problem, ...], bytes]
_BLOB_MEMO: dict[tuple[str, str], dict[str, BlobEntry]] = {}
_READ_MEMO: dict[tuple[str, str], dict[str, Read]] = {}
# The reads of data folders this process read from files, by shown root, then by path and
# Git blob id: a commit's file with the same bytes is the same read (the work tree checked
# out at HEAD, read by `dap validate --diff`, is not parsed or restored again for the diff).
_CONTENT_READS: dict[str, dict[str, Read]] = {}
KEEP_EXTRA = 64  # a shard keeps the entries of other commits until it doubles (plus this)


# The records of the reads `forget_reads` dropped, by shown root, then by path and blob id:
# still which record came from which file (`record_contents`), no longer reused as reads.
_CONTENT_RECORDS: dict[str, dict[str, m.Record]] = {}


def record_contents() -> dict[int, str]:
    """Each record this process read from files (by `id`; the records stay alive in the
    reads kept here) → its file's path in the data folder and Git blob id (`path\0blob`): a
    frozen record is a function of that path, those bytes and what `fingerprint` digests
    (issue 22: the data packages' keys take it instead of serializing the record)."""
    found = {id(record): key for kept in _CONTENT_RECORDS.values() for key, record in kept.items()}
    found.update(
        (id(read[0]), key)
        for reads in _CONTENT_READS.values()
        for key, read in reads.items()
        if read[0] is not None
    )
    return found


def forget_reads() -> None:
    """Keep of the reads made in this process only their records (`record_contents`), and drop
    what validation alone reads: each read's positions of values and problems, and the blob ids
    of the latest loads (`loaded_blobs`). A later load of the same files in this process reads
    them again (issue 22: a build's process holds its data through the pages; ~35 MB at 4,000
    measures, the positions held by the reads after the data let them go, `load.paths_only`)."""
    for root, reads in _CONTENT_READS.items():
        kept = _CONTENT_RECORDS.setdefault(root, {})
        kept.update((key, read[0]) for key, read in reads.items() if read[0] is not None)
    _CONTENT_READS.clear()
    _LOADED_BLOBS.clear()


def _blob_entry(rel: str, shown: str, kind: Kind, raw: bytes) -> tuple[BlobEntry, Read]:
    record, source, problems = read_record(Path(rel), shown, kind, _Bytes(raw))
    packed = marshal.dumps((source.positions, source.key_positions))
    return (record, _blank(problems), packed), (record, source, problems)


def _parse_blobs(task: list[tuple[str, str, str, bytes]]) -> bytes:
    """Worker: the entries of blobs (path, shown path, kind, bytes), pickled as shards are."""
    out = BytesIO()
    entries = [_blob_entry(rel, shown, LAYOUT[kind], raw)[0] for rel, shown, kind, raw in task]
    _Pickler(out, protocol=pickle.HIGHEST_PROTOCOL).dump(entries)
    return out.getvalue()


def read_blob_records(
    repo: Path,
    shown_root: str,
    wanted: list[tuple[str, str, Kind]],
    fetch: Any,
    cache: Path | None | Literal["auto"] = "auto",
) -> list[Read]:
    """Record, source and problems of each wanted blob (path relative to the data folder, blob
    id, kind), in order; `fetch(ids)` gives the bytes of the blobs that must be parsed."""
    folder = cache_folder(repo, cache, prefix="blobs-")
    place = str(folder or repo.resolve())
    reads = _READ_MEMO.setdefault((place, shown_root), {})
    content = _CONTENT_READS.get(shown_root, {})
    keys = [f"{rel}\0{blob}" for rel, blob, _ in wanted]
    shards: dict[str, list[tuple[str, str, Kind]]] = {}  # blobs not read in this process
    for key, item in zip(keys, wanted, strict=True):
        if key in reads:
            continue
        same = content.get(key)  # the same file with the same bytes, read from disk
        if same is not None:
            reads[key] = same
            continue
        shards.setdefault(item[0].rpartition("/")[0], []).append(item)
    if not shards:
        return [reads[key] for key in keys]  # every one read in this process
    every: dict[str, list[tuple[str, str, Kind]]] = {}  # every wanted blob, by folder
    for item in wanted:
        every.setdefault(item[0].rpartition("/")[0], []).append(item)
    # only the shards of folders with blobs not read in this process are restored
    known: dict[str, dict[str, BlobEntry]] = {}
    missing: list[tuple[str, str, Kind]] = []
    for shard, items in shards.items():
        memo = _BLOB_MEMO.get((place, shard))
        if memo is None:
            memo = _read_shard(_shard_file(folder, shard))[0] if folder else {}
            _BLOB_MEMO[(place, shard)] = memo
        known[shard] = memo
        missing += [i for i in items if f"{i[0]}\0{i[1]}" not in memo]
    fresh: dict[str, Read] = {}
    if missing:
        raw = fetch(sorted({blob for _, blob, _ in missing}))
        parsed = None
        if len(missing) >= PARALLEL_FROM and can_fork():
            step = -(-len(missing) // 64)
            tasks = [
                [
                    (rel, f"{shown_root}/{rel}", kind.name, raw[blob])
                    for rel, blob, kind in missing[i : i + step]
                ]
                for i in range(0, len(missing), step)
            ]
            m.build_validators()  # once here, not in every worker
            answers = map_forked(_parse_blobs, tasks)
            if answers is not None:
                parsed = [entry for answer in answers for entry in pickle.loads(answer)]
        for n, (rel, blob, kind) in enumerate(missing):
            if parsed is not None:
                entry = parsed[n]
            else:
                entry, read = _blob_entry(rel, f"{shown_root}/{rel}", kind, raw[blob])
                fresh[f"{rel}\0{blob}"] = read  # positions already unpacked
            known[rel.rpartition("/")[0]][f"{rel}\0{blob}"] = entry
        for shard in {rel.rpartition("/")[0] for rel, _, _ in missing}:
            entries = known[shard]
            if len(entries) > 2 * len(every[shard]) + KEEP_EXTRA:  # forget other commits'
                current = {f"{rel}\0{blob}" for rel, blob, _ in every[shard]}
                for key in [k for k in entries if k not in current]:
                    del entries[key]
            if folder:
                _write(_shard_file(folder, shard), _dump_shard(entries, 0))
    out: list[Read] = []
    for rel, blob, _ in wanted:
        key = f"{rel}\0{blob}"
        done = reads.get(key) or fresh.get(key)
        if done is None:
            shown = f"{shown_root}/{rel}"
            record, blank, packed = known[rel.rpartition("/")[0]][key]
            problems = [dataclasses.replace(p, file=shown) for p in blank] if blank else []
            done = (record, PackedSource(shown, packed), problems)
        # the base and head loads of one process share what they share (records are frozen)
        reads[key] = done
        out.append(done)
    return out


# ---------------------------------------------------------------- computed results
#
# A result that depends only on a commit (its data and its history), a date and the code —
# the base's snapshot in `dap diff` — is kept sealed like the shards under `results-<repo>/`,
# by a digest of all that; the newest few are kept.

KEEP_RESULTS = 16
_CODE: list[str] = []


def code_digest() -> str:
    """Digest of all of dap's code and the versions it runs on: a computed result from other
    code is never reused."""
    if not _CODE:
        h = hashlib.blake2b(fingerprint().encode(), digest_size=16)
        here = Path(__file__).parent
        for path in sorted(here.rglob("*.py")):
            h.update(path.relative_to(here).as_posix().encode() + b"\0" + path.read_bytes())
        _CODE.append(h.hexdigest())
    return _CODE[0]


def _result_file(repo: Path, key: str) -> Path | None:
    folder = cache_folder(repo, "auto", prefix="results-")
    if folder is None:
        return None
    name = hashlib.blake2b(f"{code_digest()}|{key}".encode(), digest_size=16).hexdigest()
    return folder / f"{name}.pickle"


def read_result(repo: Path, key: str) -> Any:
    """A result kept by `write_result` under `key` for this code, or None."""
    path = _result_file(repo, key)
    if path is None:
        return None
    entries, _ = _read_shard(path)
    return entries.get(key)


def write_result(repo: Path, key: str, value: Any) -> None:
    """Keep `value` for `key` (and this code); only the newest KEEP_RESULTS are kept."""
    path = _result_file(repo, key)
    if path is None:
        return
    _write(path, _dump_shard({key: value}, 0))
    with contextlib.suppress(OSError):
        kept = sorted(path.parent.glob("*.pickle"), key=lambda p: p.stat().st_mtime_ns)
        for old in kept[:-KEEP_RESULTS]:
            old.unlink()


def _forget_other_shards(folder: Path, keep: set[str]) -> None:
    """Remove shards of folders that no longer exist (the cache is ours to tidy)."""
    try:
        for entry in os.scandir(folder):
            if entry.name.endswith(".pickle") and entry.name not in keep:
                os.unlink(entry.path)
    except OSError:
        pass
