"""What the per-record rules concluded about each report and assessment, remembered between
runs (issue 22): a merged report changes one file of ~33,000, and the rules need not read the
other ones again.

Of the rules (`validate.RULES`), three look at every report or assessment on its own, and
cost most of a validation at national scale: `check_ids` (a record agrees with its path:
`records.path_problems`), `check_reports` (`records.report_problems`) and `check_assessments`
(`records.assessment_problems`). What each reads is named, and is exactly the key here:

* a report: its file (path and Git blob id); the file of the measure its path names, or
  whether that file failed to load or is missing; the programme, the staff roster and the
  executors' rosters in load order, and which of them failed to load (the *context*);
* an assessment: its file; whether its measure is in the data, failed to load or is missing;
  for each report it lists, the measure that report names, or whether it failed to load or
  is missing; the context.

The context also names dap's code (`fingerprint.code_digest`, every file of `builder/`), the
versions the records were typed with (`cache.fingerprint`: Python, pydantic, PyYAML) and the
data folder as shown. A record's file is known by the blob id the record cache took of the
bytes it typed (`cache.loaded_blobs`), so the key is of what the record is, never of a stat.

The conclusions are kept sealed (HMAC under this user's key, like the record cache's shards)
in `checks-<root>/checks.pickle`. A record whose key differs from the one remembered is
checked again, a context that differs checks every record again; a file not sealed by this
user's dap, damaged or unreadable is ignored with a one-line note, and every record is
checked. The other rules read the whole data and are cheap; they run every time. The result
is the list of problems a full validation gives, in the same order (tests/test_remembered.py).
"""

from __future__ import annotations

import hmac
import os
import pickle
from collections.abc import Iterator
from pathlib import Path

from .. import models as m
from ..cache import cache_folder, fingerprint, loaded_blobs, seal
from ..errors import Problem
from ..fingerprint import code_digest
from ..i18n import N_, _
from ..load import Dataset
from .people import people_index
from .records import (
    assessment_problems,
    measure_of,
    name_problems,
    path_problems,
    report_problems,
)

FORMAT = 1
PREFIX = "checks-"
RECORD = "checks.pickle"
MAC_BYTES = 32

UNREADABLE = N_(
    "note: the remembered checks {file} cannot be read; every report and assessment is checked anew"
)
FOREIGN = N_(
    "note: the remembered checks {file} were not written by this user's dap; every report "
    "and assessment is checked anew"
)

# The problems of `path_problems` and of the record's own rule (`report_problems`,
# `assessment_problems`), by key; records with none are left out.
Found = dict[str, tuple[tuple[Problem, ...], tuple[Problem, ...]]]
NONE: tuple[tuple[Problem, ...], tuple[Problem, ...]] = ((), ())
# The folders whose files the remembered conclusions read, beside the context's files.
FOLDERS = ("reports", "assessments", "measures")


class Remembered:
    """The rules' remembered conclusions about the records of one loaded data folder."""

    def __init__(self, data: Dataset, root: Path, shown_root: str, folder: Path | None) -> None:
        self.data = data
        self.shown_root = shown_root  # as the problems name their files
        self.folder = folder
        self.notes: list[str] = []
        self.blobs = loaded_blobs(root, shown_root) if folder is not None else {}
        self.failed = {(kind, key) for kind, key in data.failed if kind in FOLDERS}
        # every file known by its bytes (a file the record cache could not keep, unreadable or
        # too large, is not): else every record is checked, and nothing is remembered
        known = bool(self.blobs) and "" not in self.blobs.values()
        self.context = self._context() if known else ""
        self.found: dict[str, Found] = {"reports": {}, "assessments": {}}
        self.checked: dict[str, set[str]] = {}  # by kind: the keys checked anew in this run
        self.kept = False  # the remembered file holds this run's conclusions as they are
        old = self._read() if self.context else None
        if old is None:
            self.checked = {"reports": set(data.reports), "assessments": set(data.assessments)}
        else:
            self._since(*old)
        self._people: dict[str, tuple[str | None, m.Person]] | None = None

    @classmethod
    def of(cls, data: Dataset, root: Path, shown_root: str) -> Remembered:
        """The remembered conclusions for `data` just loaded from `root`, shown as
        `shown_root` (none with the cache off)."""
        return cls(data, root, shown_root, cache_folder(root, "auto", prefix=PREFIX))

    # ------------------------------------------------------------ the rules, with memory

    def check_ids(self) -> Iterator[Problem]:
        """`records.check_ids`, the reports' and assessments' part remembered."""
        data = self.data
        yield from name_problems(data)
        for kind in ("reports", "assessments"):
            found = self._found(kind)
            for key in getattr(data, kind):
                yield from found.get(key, NONE)[0]
        for key, ev in data.evaluations.items():
            src = data.source("evaluations", key)
            yield from path_problems("evaluations", key, ev, src, data.measures)

    def check_reports(self) -> Iterator[Problem]:
        """`records.check_reports`, remembered."""
        found = self._found("reports")
        for key in self.data.reports:
            yield from found.get(key, NONE)[1]

    def check_assessments(self) -> Iterator[Problem]:
        """`records.check_assessments`, remembered."""
        found = self._found("assessments")
        for key in self.data.assessments:
            yield from found.get(key, NONE)[1]

    # ------------------------------------------------------------ what changed

    def _context(self) -> str:
        """What every report's and assessment's conclusions read beside the files of
        FOLDERS: the code, the data folder as shown, the programme and the rosters."""
        data, blobs = self.data, self.blobs
        parts = [
            f"{FORMAT}",
            code_digest().hex(),
            fingerprint(),
            repr(self.shown_root),
            "programme " + (blobs.get("programme.yaml", "?") if data.programme else "none"),
            "staff " + blobs.get("staff.yaml", "?"),
            *(
                f"executor {key!r} {blobs.get(f'executors/{key}.yaml', '?')}"
                for key in data.executors
            ),
            *sorted(
                f"failed {kind} {key!r}"
                for kind, key in data.failed
                if kind in ("programme", "staff", "executors")
            ),
        ]
        return "\n".join(parts)

    def _since(
        self, blobs: dict[str, str], failed: set[tuple[str, str]], found: dict[str, Found]
    ) -> None:
        """The records to check anew, from the files that changed since the remembered run
        (added, changed, removed, or failed to load otherwise): a report of its own file or
        its measure's; an assessment of its own file, its measure's, or a listed report's."""
        data = self.data
        changed: dict[str, set[str]] = {kind: set() for kind in FOLDERS}
        for rel, _blob in blobs.items() ^ self.blobs.items():
            kind, _, rest = rel.partition("/")
            if kind in changed and rest.endswith(".yaml"):
                changed[kind].add(rest[:-5])
        for kind, key in failed ^ self.failed:
            changed[kind].add(key)
        measures, reports = changed["measures"], changed["reports"]
        again = {key for key in changed["reports"] if key in data.reports}
        if measures:
            again.update(key for key in data.reports if measure_of(key) in measures)
        assessed = {key for key in changed["assessments"] if key in data.assessments}
        if measures or reports:
            assessed.update(
                key
                for key, a in data.assessments.items()
                if a.measure in measures or not reports.isdisjoint(a.reports)
            )
        self.checked = {"reports": again, "assessments": assessed}
        for kind in ("reports", "assessments"):
            records = getattr(data, kind)
            self.found[kind] = {key: both for key, both in found[kind].items() if key in records}
        self.kept = blobs == self.blobs and failed == self.failed

    def _found(self, kind: str) -> Found:
        """The conclusions about every record of `kind`, those checked anew worked out now."""
        again = self.checked.get(kind)
        found = self.found[kind]
        if again:
            data = self.data
            if self._people is None:
                self._people = people_index(data)
            records = getattr(data, kind)
            for key in again:
                record = records[key]
                src = data.source(kind, key)
                own = tuple(
                    report_problems(data, key, record, self._people)
                    if kind == "reports"
                    else assessment_problems(data, key, record, self._people)
                )
                ids = tuple(path_problems(kind, key, record, src, data.measures))
                if own or ids:
                    found[key] = (ids, own)
                else:
                    found.pop(key, None)
            self.checked[kind] = set()
        return found

    # ------------------------------------------------------------ the sealed file

    def _read(self) -> tuple[dict[str, str], set[tuple[str, str]], dict[str, Found]] | None:
        """The remembered run's files, failed records and conclusions for this context (None
        when there are none or they are of another context; a note when the file is not this
        user's dap's or is damaged)."""
        if self.folder is None:
            return None
        path = self.folder / RECORD
        try:
            with open(path, "rb") as fh:
                sealed = fh.read()
        except FileNotFoundError:
            return None
        except OSError:
            self.notes.append(_(UNREADABLE, file=path))
            return None
        mac, body = sealed[:MAC_BYTES], sealed[MAC_BYTES:]
        expected = seal(body)
        if expected is None:
            return None  # no key: nothing is remembered (the cache is off)
        if not hmac.compare_digest(mac, expected):
            self.notes.append(_(FOREIGN, file=path))
            return None
        try:
            kept = pickle.loads(body)
            if kept["format"] != FORMAT or kept["context"] != self.context:
                return None  # another code, data folder or rosters: every record checked anew
            blobs, failed, found = kept["blobs"], kept["failed"], kept["found"]
            if not (isinstance(blobs, dict) and isinstance(failed, set)):
                raise TypeError(blobs)
            if not all(isinstance(found[kind], dict) for kind in ("reports", "assessments")):
                raise TypeError(found)
            return blobs, failed, found
        except Exception:  # noqa: BLE001 — sealed by us yet unreadable: checked anew
            self.notes.append(_(UNREADABLE, file=path))
            return None

    def save(self) -> None:
        """Keep this run's conclusions (only when they differ from the remembered ones)."""
        if self.folder is None or not self.context or self.kept:
            return
        for kind in ("reports", "assessments"):
            self._found(kind)  # every conclusion worked out, even if no rule asked
        body = pickle.dumps(
            {
                "format": FORMAT,
                "context": self.context,
                "blobs": self.blobs,
                "failed": self.failed,
                "found": self.found,
            },
            protocol=pickle.HIGHEST_PROTOCOL,
        )
        mac = seal(body)
        if mac is None:
            return
        path = self.folder / RECORD
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            with open(tmp, "wb") as fh:
                fh.write(mac)
                fh.write(body)
            os.replace(tmp, path)
        except OSError:
            pass  # a read-only or full cache costs speed, never a result
