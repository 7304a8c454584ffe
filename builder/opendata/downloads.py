"""The downloads area: every snapshot's package checked, rendered and written; `dap datasets`."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import posixpath
import tempfile
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any

from ..cache import record_contents
from ..compute import Snapshot
from ..git.history import History
from ..i18n import N_
from ..load import Dataset
from ..output import Writer
from ..parallel import Forked, can_fork_copies
from ..site.markup import title_yaml
from ..valuedigest import KeptDigests
from ..wording import ua_date
from . import xlsx
from .checks import PackageChecks, check_newest, fail
from .descriptor import package_descriptor, readme_text, readme_title
from .formats import (
    Positions,
    document_bytes,
    indexed_json,
    indexed_lines,
    measure_documents,
    measure_ids,
    read_index,
    write_json_table,
    write_xlsx,
)
from .incremental import (
    Digests,
    PackageStore,
    Parts,
    Previous,
    Stored,
    package_keys,
    static_key,
)
from .snapshots import LATEST, Earlier, Package, PackageMaker, package_plan
from .tables import RESOURCES, Tables, table_schemas

# The per-measure JSON documents go inside the zip, not on the site as 2,000 files: they repeat
# the tables (46 MB at 2,000 measures) and each measure's page shows the same. True puts them
# on the site (json/measures/<id>.json, listed on the downloads page) and out of the zip.
MEASURE_JSON_ON_SITE = False
# zlib levels of the zips. Level 3 compresses the package's CSV and JSON 2-2.5x faster than
# level 6 and 10-25 % less (benchmarks/publish_bench.py; docs/performance.md); level 1 saves
# little time more and gives up another 10-15 %.
ZIP_LEVEL = 3
FILE_TITLES = {
    "datapackage": "Опис набору (Frictionless Data Package: таблиці, поля, типи, ключі)",
    "xlsx": "Усі таблиці в Excel (аркуш на кожну)",
    "readme": "Про набір (українською та англійською)",
    "zip": "Усе разом одним архівом",
}


@dataclass(frozen=True)
class DownloadFile:
    """One downloadable file: where it is, what it holds, how big it is."""

    path: str  # relative to the writer's root, e.g. "downloads/latest/measures.csv"
    snapshot: str  # "latest" or a quarter such as "2024-Q4"
    as_of: dt.date  # the date the data describe
    format: str  # "datapackage" | "csv" | "json" | "xlsx" | "zip" | "readme"
    resource: str | None  # resource name, or None for files about the whole package
    title: str  # Ukrainian title of what is in it
    size: int  # bytes
    rows: int | None  # data rows (CSV/JSON of a resource), None otherwise
    measure: str | None = None  # set for the per-measure JSON files


def write_downloads(
    data: Dataset,
    history: History | None,
    snapshots: list[Snapshot],
    writer: Writer,
    prefix: str = "downloads",
    front_matter: str = "",
    store: PackageStore | None = None,
    digested: KeptDigests | None = None,
) -> list[DownloadFile]:
    """Build, validate and write the downloads area; return every file written.

    `latest/` gets every format; each quarter end gets `<quarter>/dap-<quarter>.zip`, the
    package (datapackage.json, CSV, README) as it stood on that day. Nothing is written unless
    all of it is valid. `front_matter`: YAML lines for Markdown files, which are pages of the
    site (banners). `store`: the previous build's packages (opendata/incremental.py); a
    package whose key is unchanged is taken from it, the others are built, and the store is
    left holding this build's packages. `digested`: the kept snapshots' values with their
    digests (`compute_kept.Kept.digested`), not digested again for the packages' keys.

    Memory (issue 22): the packages' files are rendered into a work folder inside the
    writer's root and moved into place once every package is valid; the older snapshots are
    made, checked and zipped one at a time, each dropped before the next. The newest package
    is checked and rendered in forked children while the older ones are built when this
    process is small enough for two copies more (`parallel.can_fork_copies`), else here,
    made after the older ones, once what they shared is dropped: the working set is then one
    package's (issue 22: the site's child at 4,000 measures).
    """
    plan = package_plan(snapshots)
    maker = PackageMaker(data, history, snapshots)
    names = ["+".join(labels) for _, labels in plan]
    keys: list[str] = []
    inputs: dict[str, str] = {}  # the key of each table of the newest package
    stored: list[Stored | None] = [None] * len(plan)
    files: dict[int, bytes] = {}
    if store is not None and store.folder is not None:
        static = static_key(prefix, (ZIP_LEVEL, MEASURE_JSON_ON_SITE))
        store.static = static.hex()  # the parts of a package made by other code are not used
        digests = Digests(record_contents(), digested)
        keys = package_keys(data, maker.memo, snapshots, plan, static, inputs, digests)
        files = digests.files()  # the reports table's rows digested by their files (issue 22)
        stored = [store.load(name, key) for name, key in zip(names, keys, strict=True)]
    last = len(plan) - 1
    todo = [i for i, found in enumerate(stored) if found is None]
    # What the last build made of the packages to build, from other inputs: their parts
    # whose own keys are unchanged are taken from it (issue 22)
    before: dict[int, Previous | None] = {
        i: store.previous(names[i]) if store is not None and keys else None for i in todo
    }
    rendered: dict[int, list[list[tuple[DownloadFile, Path]]]] = {}
    parts: dict[int, Parts] = {}
    writer.root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".dap-datasets-", dir=writer.root) as tmp:
        work = Path(tmp)
        newest: list[Package] = []
        indexes: list[tuple[str, Path]] = []  # the newest package's row indexes, to keep
        checks = PackageChecks()
        # The newest package first when it may be checked and rendered in forked children
        # while the older ones are built; else last (issue 22: at 4,000 measures, inline,
        # its CSVs and digests, ~90 MB, were held through the older packages), its rows
        # known to the checks first either way
        late: Tables | None = None
        if last in todo and can_fork_copies(2):
            newest, indexes = _make_newest(
                maker, plan[last], before[last], prefix, inputs, files, work
            )
        elif last in todo:
            late = maker.tables(plan[last][0])
            checks.newest_rows(late)
        jobs = []
        if newest and can_fork_copies(2):
            jobs = [
                Forked(N_("checking the newest package"), check_newest, newest[-1]),
                Forked(
                    N_("rendering the newest package"),
                    _render_all,
                    data,
                    newest,
                    prefix,
                    work,
                    before[last],
                ),
            ]
        try:
            if newest:
                checks.add(newest, newest=True)
            # the older packages oldest first: each table's CSV begins with the one before
            deflated: xlsx.Deflated | None = xlsx.Deflated()
            for i in todo:
                if i != last:
                    older = maker.make(*plan[i])
                    checks.add(older)
                    rendered[i], parts[i] = _render_all(
                        data, older, prefix, work, before[i], deflated
                    )
                    del older  # one older package at a time
            if late is not None:
                # issue 22: the older packages' members (~80 MB at 4,000 measures, held to
                # start the next one's from) and the rows they checked, dropped before the
                # newest is made (its members compressed whole, as in its forked child)
                deflated = None
                for seen in checks.seen.values():
                    seen.clear()
                newest, indexes = _make_newest(
                    maker, plan[last], before[last], prefix, inputs, files, work, late
                )
                del late, maker  # the rows and CSV lines shared by the packages (issue 22)
                checks.add(newest, newest=True)
            if newest:
                if store is not None:
                    store.fresh[names[last]] = newest[-1].fresh
                errors = jobs[0].result() if jobs else check_newest(newest[-1])
                if errors:
                    raise fail(newest[-1].label, errors)
                if jobs:
                    rendered[last], parts[last] = jobs[1].result()
                else:
                    rendered[last], parts[last] = _render_all(
                        data, newest, prefix, work, before[last], deflated
                    )
            del deflated
        except BaseException:
            for job in jobs:
                job.cancel()
            raise
        same = _same_files(newest[-1], parts[last], before[last]) if newest else {}
        del newest
        if store is not None:
            for i in todo:
                if keys:
                    kept, known = [], {}
                    for outputs in rendered[i]:
                        for f, path in outputs:
                            source, digest = same.get(f.path, (None, ""))
                            kept.append((asdict(f), source or path))
                            if digest:
                                known[source or path] = digest
                    extras = indexes if i == last else None
                    previous = before[i] if i == last else None
                    if previous is not None:  # `indexes` kept as they were
                        known.update(previous.digests)
                    store.save(names[i], keys[i], kept, parts[i].keys, extras, known)
                store.built.append(names[i])
                store.remade[names[i]] = parts[i].made
            for i, found in enumerate(stored):
                if found is not None:
                    rendered[i] = [[(_listed(fields), content) for fields, content in found]]
                    store.reused.append(names[i])
            store.keep_only(names)
        return _write(data, plan, rendered, writer, front_matter, work)


def _make_newest(
    maker: PackageMaker,
    planned: tuple[int, list[str]],
    previous: Previous | None,
    prefix: str,
    inputs: dict[str, str],
    files: dict[int, bytes],
    work: Path,
    tables: Tables | None = None,
) -> tuple[list[Package], list[tuple[str, Path]]]:
    """The newest snapshot's packages (from what the previous build made of them, `previous`)
    and their row indexes to keep (`_row_indexes`)."""
    earlier = StoredTables(previous, prefix, LATEST, inputs)
    newest = maker.make(*planned, earlier, inputs, files, tables)
    return newest, _row_indexes(newest[-1], previous, work)


def _same_files(
    pkg: Package, made: Parts, previous: Previous | None
) -> dict[str, tuple[Path | None, str]]:
    """Of the newest package's files, each one whose digest was made as it was made (its
    CSVs: `Parts.digests`), as listed, with that digest and the file to keep in the store
    (`PackageStore.save`): the previous build's for a table taken whole from it (the same
    bytes: the same digest), else None (the one made)."""
    found: dict[str, tuple[Path | None, str]] = {}
    for listed, digest in made.digests.items():
        path = previous.files.get(listed) if previous is not None else None
        same = path is not None and previous is not None and previous.digests.get(path) == digest
        taken = PurePosixPath(listed).stem in pkg.reused
        found[listed] = (path if same and taken else None, digest)
    return found


def _write(
    data: Dataset,
    plan: list[tuple[int, list[str]]],
    rendered: dict[int, list[list[tuple[DownloadFile, Path]]]],
    writer: Writer,
    front_matter: str,
    work: Path,
) -> list[DownloadFile]:
    """Every package's files into the writer's root, in the plan's order: moved from the work
    folder, copied from the store."""
    files: list[DownloadFile] = []
    p = data.programme
    assert p is not None
    for i in range(len(plan)):
        for outputs in rendered[i]:
            for f, path in outputs:
                if front_matter and f.path.endswith(".md"):  # a page of the site: title, banners
                    lines = front_matter + title_yaml(readme_title(p)) + "\n"
                    text = path.read_text(encoding="utf-8")
                    writer.write(f.path, with_front_matter(text, lines).encode("utf-8"))
                else:
                    writer.write_file(f.path, path, move=work in path.parents)
                files.append(f)
    return files


def _listed(fields: dict[str, Any]) -> DownloadFile:
    """A stored package's file as listed (its date back from the manifest's text)."""
    return DownloadFile(**{**fields, "as_of": dt.date.fromisoformat(fields["as_of"])})


def with_front_matter(text: str, lines: str) -> str:
    """Markdown with `lines` (YAML) added to its front matter, which it gets if it has none."""
    if text.startswith("---\n"):
        return "---\n" + lines + text[4:]
    return "---\n" + lines + "---\n\n" + text


def _render_all(
    data: Dataset,
    packages: list[Package],
    prefix: str,
    work: Path,
    previous: Previous | None = None,
    deflated: xlsx.Deflated | None = None,
) -> tuple[list[list[tuple[DownloadFile, Path]]], Parts]:
    """Every package of one snapshot rendered, and their parts."""
    parts = Parts()
    return [
        render_package(data, pkg, prefix, work, previous, parts, deflated) for pkg in packages
    ], parts


class StoredTables(Earlier):
    """The newest package's tables as the previous build made them (`Previous`): a table's
    CSV when it was made of the same rows, else its lines by their rows' digests (its row
    index), for `PackageMaker.make`."""

    def __init__(
        self,
        previous: Previous | None,
        prefix: str,
        label: str,
        inputs: Mapping[str, str] | None = None,
    ):
        self.previous = previous
        self.base = posixpath.join(prefix, label) if prefix else label
        self.inputs = inputs or {}

    def _read(self, path: Path | None) -> bytes | None:
        try:
            return path.read_bytes() if path is not None else None
        except OSError:
            return None

    def csv(self, table: str, digest: str) -> bytes | None:
        previous = self.previous
        if previous is None or previous.parts.get(f"table:{table}") != digest:
            return None
        return self._read(previous.files.get(f"{self.base}/{table}.csv"))

    def csv_digest(self, table: str) -> bytes | None:
        """The stored CSV's digest as its sealed manifest lists it (`Previous.digests`,
        checked when the entry was opened: the file is as the store wrote it), which is
        `Package.csv_digest`'s of the same bytes (issue 22: ~33 MB of unchanged CSVs not
        digested again)."""
        previous = self.previous
        path = previous.files.get(f"{self.base}/{table}.csv") if previous is not None else None
        known = previous.digests.get(path) if previous is not None and path is not None else None
        if known is None or len(known) != 32:  # BLAKE2b, 16 bytes: as `csv_digest` makes it
            return None
        try:
            return bytes.fromhex(known)
        except ValueError:
            return None

    def same(self, table: str) -> tuple[str, list[bytes]] | None:
        previous = self.previous
        key = self.inputs.get(table)
        if previous is None or key is None or previous.parts.get(f"inputs:{table}") != key:
            return None
        digest = previous.parts.get(f"table:{table}")
        index = self._read(previous.extras.get(f"rows:{table}"))
        if digest is None or index is None:
            return None
        lengths, rows = read_index(index)
        return (digest, rows) if len(lengths) == len(rows) else None

    def lines(self, table: str) -> Mapping[bytes, bytes]:
        previous = self.previous
        if previous is None:
            return {}
        index = self._read(previous.extras.get(f"rows:{table}"))
        content = self._read(previous.files.get(f"{self.base}/{table}.csv"))
        if index is None or content is None:
            return {}
        return indexed_lines(index, content, table)


def _row_indexes(pkg: Package, previous: Previous | None, work: Path) -> list[tuple[str, Path]]:
    """The row index of each table of the newest package, for the store (`Previous.extras`):
    written into the work folder when the table was made anew, the previous one when its CSV
    was taken whole (the same rows)."""
    folder = work / ".rows"
    folder.mkdir(parents=True, exist_ok=True)
    found: list[tuple[str, Path]] = []
    for name in RESOURCES:
        if name in pkg.indexes:
            path = folder / name
            path.write_bytes(pkg.indexes[name])
        elif previous is not None and f"rows:{name}" in previous.extras:
            path = previous.extras[f"rows:{name}"]
        else:
            continue  # the next build makes this table's CSV whole if its rows change
        found.append((f"rows:{name}", path))
    return found


Content = bytes | Path | Callable[[IO[bytes]], None]  # bytes, a file, or a writer of the bytes


@dataclass(frozen=True)
class _Entry:
    """One file of a snapshot's package, before it is written."""

    path: str  # inside the snapshot's folder
    content: Content
    format: str
    resource: str | None = None
    rows: int | None = None
    measure: str | None = None
    on_site: bool = True  # False: only inside the zip
    in_zip: bool = True  # False: only on the site
    key: str | None = None  # a streamed entry: a digest of what it is made of


def _package_entries(
    data: Dataset,
    pkg: Package,
    folder: Path,
    base: str,
    previous: Previous | None = None,
    parts: Parts | None = None,
) -> list[_Entry]:
    """The package's files: the large ones as files in `folder` or as writers that stream
    them into the zip, never whole in memory. A streamed entry of the newest package has a
    key (the digest of its table's rows, of its measure's rows), and its zip member is taken
    from the `previous` package when that was made of the same; the workbook's sheets too.
    `base`: the package's folder as listed (downloads/latest); `parts` receives the keys of
    the tables and of the workbook's parts."""
    p = data.programme
    assert p is not None
    hashes = _csv_hashes(pkg, previous, parts)
    descriptor = package_descriptor(data, pkg.label, pkg.as_of, pkg.computed_on, pkg.csvs, hashes)
    entries = [_Entry("datapackage.json", document_bytes(descriptor), "datapackage")]
    for name in RESOURCES:
        rows = len(pkg.tables[name])
        entries.append(_Entry(f"{name}.csv", pkg.csvs[name], "csv", name, rows))
    if not pkg.latest:
        return entries
    # JSON of each table: inside the zip only. On the site the CSV files hold the same rows
    # (with datapackage.json, typed for any reader); a second copy would be ~50 MB.
    tables = pkg.tables
    digests = pkg.digests
    made = parts if parts is not None else Parts()
    made.keys.update({f"table:{name}": digest for name, digest in digests.items()})
    made.keys.update({f"inputs:{name}": key for name, key in pkg.inputs.items()})
    made.made += [f"table:{name}" for name in digests if name not in pkg.reused]
    for name in RESOURCES:
        entries.append(
            _Entry(
                f"json/{name}.json",
                functools.partial(
                    write_json_table,
                    name,
                    tables[name],
                    digests=pkg.rows.get(name),
                    known=functools.partial(_previous_json, previous, base, pkg.label, name),
                ),
                "json",
                name,
                len(tables[name]),
                on_site=False,
                key=f"json:{digests[name]}" if digests else None,
            )
        )
    # Everything about one measure: inside the zip (MEASURE_JSON_ON_SITE: on the site instead).
    keys = pkg.documents
    known = previous.parts if previous is not None else {}
    member = f"zip:dap-{pkg.label}/json/measures/"
    in_zip = {} if MEASURE_JSON_ON_SITE else known
    documents = _Documents(
        tables,
        pkg.positions,
        {mid for mid in measure_ids(tables) if in_zip.get(f"{member}{mid}.json") != keys.get(mid)},
    )
    for mid in measure_ids(tables):
        entries.append(
            _Entry(
                f"json/measures/{mid}.json",
                functools.partial(documents.write, mid),
                "json",
                measure=mid,
                on_site=MEASURE_JSON_ON_SITE,
                in_zip=not MEASURE_JSON_ON_SITE,
                key=keys.get(mid),
            )
        )
    title = f"{p.short_title or p.title} — станом на {ua_date(pkg.as_of)}"
    book = folder / f"dap-{pkg.label}.xlsx"
    before = previous.files.get(f"{base}/{book.name}") if previous is not None else None
    book_known = {k[5:]: v for k, v in known.items() if k.startswith("xlsx:")}
    same_rows: dict[str, list[int]] = {}  # of a changed table: its rows as they were
    for name, mine in pkg.rows.items():
        index = previous.extras.get(f"rows:{name}") if previous is not None else None
        try:
            theirs = read_index(index.read_bytes())[1] if index is not None else []
        except OSError:
            theirs = []
        same_rows[name] = [k for k, (a, b) in enumerate(zip(theirs, mine, strict=False)) if a == b]
    workbook = write_xlsx(tables, pkg.as_of, title, book, digests, before, book_known, same_rows)
    made.keys.update({f"xlsx:{k}": v for k, v in workbook.keys.items()})
    made.made += [f"xlsx:{k}" for k in workbook.made]
    entries.append(_Entry(book.name, book, "xlsx"))
    return entries


def _csv_hashes(pkg: Package, previous: Previous | None, parts: Parts | None) -> dict[str, str]:
    """The MD5 of each CSV of the newest package (`datapackage.json` lists them), taken from
    the previous build for a table of the same rows (its CSV is a function of them: the same
    bytes), computed for the others; each kept with its table's digest in the parts' keys
    (`md5:<table>`: "<digest> <md5>") for the next build (issue 22: ~50 MB of CSV not read
    again for their hashes). The other packages' hashes are computed by the descriptor."""
    digests = pkg.digests
    if not digests:
        return {}
    known = previous.parts if previous is not None else {}
    found: dict[str, str] = {}
    for name in RESOURCES:
        digest = digests[name]
        head, _, md5 = known.get(f"md5:{name}", "").partition(" ")
        if head != digest or len(md5) != 32:
            md5 = hashlib.md5(pkg.csvs[name]).hexdigest()
        found[name] = md5
        if parts is not None:
            parts.keys[f"md5:{name}"] = f"{digest} {md5}"
    return found


def _previous_json(
    previous: Previous | None, base: str, label: str, table: str
) -> Mapping[bytes, bytes]:
    """The lines of a table's JSON in the previous package's zip by their rows' digests
    (`formats.indexed_json`), or none."""
    if previous is None:
        return {}
    archive = previous.files.get(f"{base}/dap-{label}.zip")
    index = previous.extras.get(f"rows:{table}")
    if archive is None or index is None:
        return {}
    try:
        with zipfile.ZipFile(archive) as zf:
            content = zf.read(f"dap-{label}/json/{table}.json")
        return indexed_json(index.read_bytes(), content)
    except (OSError, KeyError, zipfile.BadZipFile):
        return {}


class _Documents:
    """The measures' documents, written in the order of the entries: those in `wanted` made
    in one pass over the tables (`measure_documents`), any other (an entry the previous
    zip was expected to have but did not give) on its own."""

    def __init__(self, tables: Tables, positions: Positions | None, wanted: set[str]):
        self.tables = tables
        self.positions = positions
        self.wanted = wanted
        self.documents = measure_documents(tables, wanted, positions)

    def write(self, mid: str, out: IO[bytes]) -> None:
        """Measure `mid`'s document into `out`."""
        if mid in self.wanted:
            found, doc = next(self.documents)
            assert found == mid, (found, mid)
        else:
            found, doc = next(measure_documents(self.tables, {mid}, self.positions))
        out.write(document_bytes(doc, None))


def render_package(
    data: Dataset,
    pkg: Package,
    prefix: str,
    work: Path,
    previous: Previous | None = None,
    parts: Parts | None = None,
    deflated: xlsx.Deflated | None = None,
) -> list[tuple[DownloadFile, Path]]:
    """Every file of one snapshot's package, written into `work/<label>/`, in the order they
    are listed. `previous`: the package as the last build made it from other inputs, whose
    parts are taken where their keys are unchanged (the zip's members still compressed);
    `parts` receives the keys of this package's parts, for the next build (issue 22);
    `deflated`: the zip's members as this build compressed them in other packages, which a
    member that begins with the same bytes continues from (`xlsx.Deflated`)."""
    folder = work / pkg.label
    folder.mkdir(parents=True, exist_ok=True)
    base = posixpath.join(prefix, pkg.label) if prefix else pkg.label
    made = parts if parts is not None else Parts()
    entries = _package_entries(data, pkg, folder, base, previous, made)
    listed = [(e.path, e.rows) for e in entries if e.measure is None]
    measures = sum(e.measure is not None for e in entries)
    if measures:
        listed.append((f"json/measures/<id>.json ({measures})", None))
    readme = readme_text(data, pkg, listed).encode("utf-8")
    entries.append(_Entry("README.md", readme, "readme"))
    name = f"dap-{pkg.label}"
    # The zip holds the package and its formats; the workbook is stored as is (it is a zip
    # itself).
    archive = folder / f"{name}.zip"
    before = previous.files.get(f"{base}/{archive.name}") if previous is not None else None
    known = {k[4:]: v for k, v in (previous.parts if previous else {}).items() if k[:4] == "zip:"}
    with xlsx.FixedZip(
        archive, pkg.as_of, ZIP_LEVEL, (f"{name}/{name}.xlsx",), before, known
    ) as zf:
        for e in entries:
            if not e.in_zip:
                continue
            member = f"{name}/{e.path}"
            if isinstance(e.content, bytes):
                # a table's CSV: its digest made once (`Package.csv_digest`, the key checks'
                # too), and its compression started from the last package's (`Deflated`)
                key = pkg.csv_digest(e.resource).hex() if e.format == "csv" and e.resource else None
                if key is not None and pkg.latest and e.on_site:
                    made.digests[f"{base}/{e.path}"] = key
                zf.add(member, e.content, key, None if deflated is None else (deflated, e.path))
            elif isinstance(e.content, Path):
                zf.add_file(member, e.content)
            elif e.key is None or not zf.reused(member, e.key):
                with zf.stream(member) as stream:
                    e.content(stream)
    made.keys.update({f"zip:{k}": v for k, v in zf.keys.items()})
    made.made += [f"zip:{k}" for k in zf.made]
    if not pkg.latest:  # an older snapshot is published as its zip only
        entries = []
    entries.append(_Entry(archive.name, archive, "zip"))

    schemas = table_schemas()
    out: list[tuple[DownloadFile, Path]] = []
    for e in entries:
        if not e.on_site:
            continue
        if e.resource is not None:
            what = schemas[e.resource]["title"]
        elif e.measure is not None:
            what = f"Захід {e.measure}"
        else:
            what = FILE_TITLES[e.format]
        path = _as_file(folder / e.path, e.content)
        out.append(
            (
                DownloadFile(
                    f"{base}/{e.path}",
                    pkg.label,
                    pkg.as_of,
                    e.format,
                    e.resource,
                    what,
                    path.stat().st_size,
                    e.rows,
                    e.measure,
                ),
                path,
            )
        )
    return out


def _as_file(path: Path, content: Content) -> Path:
    """An entry's content as a file (written to `path` unless it is one already)."""
    if isinstance(content, Path):
        return content
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        if isinstance(content, bytes):
            out.write(content)
        else:
            content(out)
    return path


def run_datasets(
    data_dir: Path, out: Path, as_of: dt.date, computed_on: dt.date
) -> list[DownloadFile]:
    """`dap datasets`: validate the data, compute every snapshot, write the downloads to `out`."""
    from ..compute import history_snapshots
    from ..errors import DataError
    from ..status import load_history
    from ..validate import validate
    from ..versions import dataset_as_of

    data, problems = validate(data_dir, str(data_dir))
    if any(p.severity == "error" for p in problems):
        raise DataError(problems)
    data = dataset_as_of(data, as_of)  # the packages read each date's version themselves
    history = load_history(data, data_dir)
    snapshots = history_snapshots(data, history, as_of, computed_on)
    return write_downloads(data, history, snapshots, Writer(out), prefix="")
