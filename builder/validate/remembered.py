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

import datetime as dt
import hmac
import os
import pickle
from collections.abc import Callable, Iterable, Iterator
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
MONITORING = ("reports", "assessments")  # what the rules of the whole data do not read
# The rules that read the whole data but no report or assessment (each checked by reading
# it: programme, rosters, sections, ОСР, measures, evaluations, feedback, notices; the
# assignments also the day). A rule not named here runs every time.
WHOLE_DATA = frozenset(
    {
        "check_programme",
        "check_people",
        "check_structure",
        "check_measures",
        "check_amendments",
        "check_evaluations",
        "check_feedback_and_notices",
        "check_english",
        "check_assignments",
    }
)
# What a run leaves: every file's blob id, the records that failed to load, the conclusions
# about each report and assessment, the problems of each rule of the whole data.
Kept = tuple[dict[str, str], set[tuple[str, str]], dict[str, Found], dict[str, tuple[Problem, ...]]]


class Remembered:
    """The rules' remembered conclusions about the records of one loaded data folder."""

    def __init__(self, data: Dataset, root: Path, shown_root: str, folder: Path | None) -> None:
        self.data = data
        self.shown_root = shown_root  # as the problems name their files
        self.folder = folder
        self.notes: list[str] = []
        self.blobs = loaded_blobs(root, shown_root) if folder is not None else {}
        self.failed = set(data.failed)
        # every file known by its bytes (a file the record cache could not keep, unreadable or
        # too large, is not): else every record is checked, and nothing is remembered
        known = bool(self.blobs) and "" not in self.blobs.values()
        # and the files are those of `data`: each one loaded into a record or failed (a
        # folder gone since the latest load of its path left no data, and these blobs)
        known = known and len(self.blobs) == len(data.sources) + len(data.failed)
        self.context = self._context() if known else ""
        self.found: dict[str, Found] = {"reports": {}, "assessments": {}}
        self.checked: dict[str, set[str]] = {}  # by kind: the keys checked anew in this run
        self.kept = False  # the remembered file holds this run's conclusions as they are
        # the problems of the rules that read the whole data (not the reports and
        # assessments), by rule; `same`: none of the files they read has changed
        self.whole: dict[str, tuple[Problem, ...]] = {}
        self.same = False
        self.used: set[str] = set()  # the rules of this run (another day's are forgotten)
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

    def run(self, rule: Callable[[Dataset], Iterable[Problem]]) -> Iterable[Problem]:
        """The problems of one of `validate.RULES`, as it finds them, remembered where what
        it reads is unchanged."""
        name = rule.__name__
        if name == "check_ids":
            return self.check_ids()
        if name == "check_reports":
            return self.check_reports()
        if name == "check_assessments":
            return self.check_assessments()
        if name not in WHOLE_DATA:
            return rule(self.data)  # a rule not shown to read no report or assessment
        return self._whole(name, lambda: rule(self.data))

    def run_on(
        self, rule: Callable[[Dataset, dt.date], Iterable[Problem]], today: dt.date
    ) -> Iterable[Problem]:
        """`run` for a rule that also reads the day of the run (`check_assignments`)."""
        if rule.__name__ not in WHOLE_DATA:
            return rule(self.data, today)
        return self._whole(f"{rule.__name__} {today}", lambda: rule(self.data, today))

    def check_ids(self) -> Iterator[Problem]:
        """`records.check_ids`, the reports' and assessments' part remembered."""
        data = self.data
        yield from self._whole("name_problems", lambda: name_problems(data))
        for kind in ("reports", "assessments"):
            found = self._found(kind)
            for key in getattr(data, kind):
                yield from found.get(key, NONE)[0]

        def evaluations() -> Iterator[Problem]:
            for key, ev in data.evaluations.items():
                src = data.source("evaluations", key)
                yield from path_problems("evaluations", key, ev, src, data.measures)

        yield from self._whole("evaluation paths", evaluations)

    def _whole(self, name: str, work: Callable[[], Iterable[Problem]]) -> tuple[Problem, ...]:
        """The problems of a rule that reads the whole data but no report or assessment:
        remembered when none of the files outside reports/ and assessments/ has changed."""
        self.used.add(name)
        found = self.whole.get(name) if self.same else None
        if found is None:
            found = self.whole[name] = tuple(work())
            self.kept = False
        return found

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
        self,
        blobs: dict[str, str],
        failed: set[tuple[str, str]],
        found: dict[str, Found],
        whole: dict[str, tuple[Problem, ...]],
    ) -> None:
        """The records to check anew, from the files that changed since the remembered run
        (added, changed, removed, or failed to load otherwise): a report of its own file or
        its measure's; an assessment of its own file, its measure's, or a listed report's."""
        data = self.data
        changed: dict[str, set[str]] = {kind: set() for kind in FOLDERS}
        elsewhere = False  # a file outside reports/ and assessments/ changed
        for rel, _blob in blobs.items() ^ self.blobs.items():
            kind, _, rest = rel.partition("/")
            if kind in changed and rest.endswith(".yaml"):
                changed[kind].add(rest[:-5])
            elsewhere = elsewhere or kind not in MONITORING
        for kind, key in failed ^ self.failed:
            changed.setdefault(kind, set()).add(key)
            elsewhere = elsewhere or kind not in MONITORING
        self.whole, self.same = whole, not elsewhere
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
        self.kept = blobs == self.blobs and failed == self.failed  # until a rule works anew

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
            self.kept = False
        return found

    # ------------------------------------------------------------ the sealed file

    def _read(self) -> Kept | None:
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
            blobs, failed, found, whole = (
                kept["blobs"],
                kept["failed"],
                kept["found"],
                kept["whole"],
            )
            if not (
                isinstance(blobs, dict) and isinstance(failed, set) and isinstance(whole, dict)
            ):
                raise TypeError(blobs)
            if not all(isinstance(found[kind], dict) for kind in ("reports", "assessments")):
                raise TypeError(found)
            return blobs, failed, found, whole
        except Exception:  # noqa: BLE001 — sealed by us yet unreadable: checked anew
            self.notes.append(_(UNREADABLE, file=path))
            return None

    def save(self) -> None:
        """Keep this run's conclusions (only when they differ from the remembered ones)."""
        if self.folder is None or not self.context or (self.kept and self.used == set(self.whole)):
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
                "whole": {name: self.whole[name] for name in self.used},
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
