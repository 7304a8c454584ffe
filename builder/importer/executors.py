"""Naming the bodies of an executors cell: known bodies and groups, splitting, new ids."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .. import models as m
from ..errors import problem_params
from ..i18n import N_
from ..load import load
from .deadlines import clean
from .tables import Note

ALIASES_FILE = Path(__file__).with_name("executor_aliases.yaml")


@dataclass
class Known:
    """Bodies the importer can name: by id, and by every normalised name, short name or alias."""

    executors: dict[str, m.Executor] = field(default_factory=dict)
    index: dict[str, str] = field(default_factory=dict)
    groups: list[str] = field(default_factory=list)

    def add(self, executor: m.Executor, override: bool) -> None:
        """Add a body; `override` lets it win over a body already known by the same words."""
        self.executors[executor.id] = executor
        for word in (executor.id, executor.name, executor.short_name, *executor.aliases):
            if word and (override or key(word) not in self.index):
                self.index[key(word)] = executor.id

    def find(self, name: str) -> str | None:
        """The id of the body called `name`, if known."""
        return self.index.get(key(name))


def key(text: str) -> str:
    """How names are compared: lower case, one kind of apostrophe and quote, single spaces."""
    text = clean(text).lower()
    text = re.sub(r"[’ʼ`´']", "'", text)
    text = re.sub(r"[«»“”„\"]", "", text)
    return re.sub(r"\s+", " ", text).strip(" .,;")


def known_executors(folders: Iterable[Path] = ()) -> Known:
    """The built-in table, then executors/*.yaml of each data folder (later ones win)."""
    table = yaml.safe_load(ALIASES_FILE.read_text(encoding="utf-8"))
    known = Known(groups=[clean(g) for g in table.get("groups", [])])
    for entry in table.get("executors", []):
        known.add(m.Executor.model_validate(entry), override=False)
    for folder in folders:
        data, _ = load(folder)
        for executor in data.executors.values():
            known.add(executor, override=True)
    return known


@dataclass
class Mention:
    """One body or group named in an executors cell."""

    words: str  # as written, without the flags
    by_agreement: bool
    short: str | None = None  # «(далі - робоча група)»
    qualifier: str | None = None  # «, утворена постановою …»


RE_AGREEMENT = re.compile(r"\(\s*за\s+згодою\s*\)", re.IGNORECASE)
RE_DEFINED = re.compile(r"\(\s*далі\s*[-–—]\s*([^()]+?)\s*\)", re.IGNORECASE)


def _split_top(text: str, separators: str) -> list[str]:
    """Split at separators outside brackets."""
    parts, depth, current = [], 0, ""
    for ch in text:
        depth += ch == "("
        depth -= ch == ")" and depth > 0
        if ch in separators and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    parts.append(current)
    return parts


def split_executors(text: str, known: Known, local: dict[str, str]) -> list[str]:
    """The bodies and groups of an executors cell, one string each (flags still attached).

    Line breaks and «;» always separate; a comma separates only when what follows starts a
    name (upper case, or a known group, alias or defined short name); a known group or name
    followed directly by a capitalised name («центральні органи виконавчої влади Генеральна
    прокуратура України») is two entries.
    """
    group_keys = {key(g) for g in known.groups}
    phrases = sorted(group_keys | set(known.index) | set(local), key=len, reverse=True)
    lines: list[str] = []
    for line in clean(text).split("\n"):
        line = line.strip()
        if not line:
            continue
        if lines and (line.startswith("(") or line[0] in ",;"):
            lines[-1] += " " + line  # «Національне антикорупційне бюро\n(за згодою)»
        else:
            lines.append(line)
    items: list[str] = []
    for line in lines:
        for part in _split_top(line, ";"):
            pieces = [p.strip() for p in _split_top(part, ",") if p.strip()]
            merged: list[str] = []
            for piece in pieces:
                low = key(piece)
                starts_name = piece[0].isupper() or any(
                    low == ph or low.startswith(ph + " ") for ph in phrases if ph
                )
                joined = key(f"{merged[-1]}, {piece}") if merged else ""
                in_group = joined and any(g.startswith(joined) for g in group_keys)
                if merged and (not starts_name or in_group):
                    merged[-1] += ", " + piece
                else:
                    merged.append(piece)
            for item in merged:
                items.extend(_split_run_on(item, phrases))
    return [i for i in items if i.strip(" ,;.")]


def _split_run_on(item: str, phrases: list[str]) -> list[str]:
    words = item.split()
    known = set(phrases)
    for k in range(len(words) - 1, 0, -1):
        head = " ".join(words[:k])
        if words[k][:1].isupper() and key(head) in known and len(key(head)) > 3:
            return [head, *_split_run_on(" ".join(words[k:]), phrases)]
    return [item]


def read_mention(item: str) -> Mention:
    """Flags and definitions out of one entry: «X (за згодою)», «X, утворена … (далі - Y)»."""
    by_agreement = bool(RE_AGREEMENT.search(item))
    words = RE_AGREEMENT.sub("", item)
    short = None
    if mt := RE_DEFINED.search(words):
        short = clean(mt.group(1))
        words = words[: mt.start()] + words[mt.end() :]
    words = clean(words).strip(" ,;.")
    qualifier = None
    parts = _split_top(words, ",")
    if len(parts) > 1 and words[:1].isupper():
        words, qualifier = parts[0].strip(), ",".join(parts[1:]).strip()
    return Mention(words, by_agreement, short, qualifier)


TRANSLIT = {
    "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "ie", "ж": "zh",
    "з": "z", "и": "y", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n",
    "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ь": "", "ю": "iu", "я": "ia",
}  # fmt: skip
WORD_START = {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"}
SLUG_STOP = {"з", "із", "зі", "та", "і", "й", "у", "в", "щодо", "питань", "по", "для", "на"}


def transliterate(word: str) -> str:
    """Ukrainian to Latin by the official table (Cabinet resolution 55 of 2010)."""
    word = word.lower().replace("зг", "zgh")
    out = ""
    for i, ch in enumerate(word):
        if ch in "'’ʼ":
            continue
        out += WORD_START.get(ch, TRANSLIT.get(ch, ch)) if i == 0 else TRANSLIT.get(ch, ch)
    return out


def slug(name: str, limit: int = 60) -> str:
    """An ASCII id from a Ukrainian name: «Міжвідомча робоча група …» → mizhvidomcha-robocha-…."""
    words = [w for w in re.split(r"[^\w'’ʼ]+", name.lower()) if w]
    kept = [w for w in words if w not in SLUG_STOP] or words
    parts = [re.sub(r"[^a-z0-9]", "", transliterate(w)) for w in kept]
    text = ""
    for part in filter(None, parts):
        if text and len(text) + 1 + len(part) > limit:
            break
        text = f"{text}-{part}" if text else part
    return text[:limit] or "executor"


GROUP_MARK = " (група органів)"  # ends the short name of a record standing for a group


def is_group_record(executor: m.Executor) -> bool:
    """True for an executor record made for a group of bodies that leads a measure."""
    return (executor.short_name or "").endswith(GROUP_MARK)


@dataclass
class Bodies:
    """The executors met so far while reading a plan, and how the plan names them."""

    known: Known
    notes: list[Note]
    local: dict[str, str] = field(default_factory=dict)  # «(далі - робоча група)» → id
    found: dict[str, m.Executor] = field(default_factory=dict)
    wordings: dict[str, list[str]] = field(default_factory=dict)
    agreed: set[str] = field(default_factory=set)

    def note(
        self,
        line: int,
        level: str,
        topic: str,
        message_id: str,
        hint_id: str = "",
        **params: object,
    ) -> None:
        """Add a line to the report: `message_id` (and `hint_id`) filled from `params`."""
        self.notes.append(Note(line, level, topic, message_id, problem_params(params), hint_id))

    def resolve(self, text: str, line: int, mid: str) -> tuple[list[m.ExecutorLink], list[str]]:
        """An executors cell as links (the first is the main executor) and groups.

        The first listed leads, as a reader of the plan takes it: when that is a group of
        bodies («центральні органи виконавчої влади»), the group becomes the main executor (a
        record marked as a group) and the bodies after it co-executors.
        """
        links: list[m.ExecutorLink] = []
        groups: list[str] = []
        first_group: Mention | None = None
        group_keys = {key(g) for g in self.known.groups}
        for item in split_executors(text, self.known, self.local):
            mention = read_mention(item)
            if not mention.words:
                continue
            words = key(mention.words)
            eid = self.local.get(words) or self.known.find(mention.words)
            # A lower-case wording is a group unless the plan defined it («(далі - робоча
            # група)») or an editor made it an alias; a record that merely carries a group's
            # name (made for a measure led by a group) does not make it a body.
            own_name = eid is not None and (
                key(self.known.executors[eid].name) == words
                or is_group_record(self.known.executors[eid])
            )
            if (
                words not in self.local
                and (eid is None or own_name)
                and (words in group_keys or mention.words[0].islower())
            ):
                if not (links or groups):
                    first_group = mention
                groups.append(mention.words)
                if words not in group_keys:
                    self.note(
                        line,
                        "note",
                        mid,
                        N_("«{words}» is read as a group of bodies, not one executor"),
                        words=mention.words,
                    )
                continue
            if eid is None:
                eid = self._new_body(mention.words, line)
            self._remember(eid, mention, line)
            if any(link.executor == eid for link in links):
                self.note(
                    line, "note", mid, N_("'{executor}' is listed twice: kept once"), executor=eid
                )
                continue
            links.append(m.ExecutorLink(executor=eid, by_agreement=mention.by_agreement))
        if first_group is not None:
            name = groups.pop(0)
            eid = self._group_body(name, first_group.by_agreement)
            if links:
                self.note(
                    line,
                    "note",
                    mid,
                    N_(
                        "the first listed is a group of bodies («{group}»): recorded as the main "
                        "executor '{executor}' — nobody can report on the measure until the "
                        "editor names the responsible body"
                    ),
                    group=name,
                    executor=eid,
                )
            else:
                self.note(
                    line,
                    "warning",
                    mid,
                    N_(
                        "no single body is named, only «{group}»: recorded as the main executor "
                        "'{executor}', a group of bodies — nobody can report on the measure "
                        "until the editor names the responsible body"
                    ),
                    group=name,
                    executor=eid,
                )
            links.insert(0, m.ExecutorLink(executor=eid, by_agreement=first_group.by_agreement))
        elif not links:
            self.note(
                line,
                "warning",
                mid,
                N_("no executor: recorded as 'unknown'"),
                N_("name the main executor in measures/{measure}.yaml"),
                measure=mid,
            )
            self.found.setdefault(
                "unknown", m.Executor(id="unknown", name="Виконавця не визначено")
            )
            links.append(m.ExecutorLink(executor="unknown"))
        return links, groups

    def _group_body(self, name: str, by_agreement: bool) -> str:
        """The executor record standing for a group of bodies that leads a measure."""
        title = name[0].upper() + name[1:]
        eid = slug(name)
        while eid in self.known.executors and key(self.known.executors[eid].name) != key(name):
            eid += "-2"
        self.found.setdefault(
            eid, m.Executor(id=eid, name=title, short_name=f"{title}{GROUP_MARK}")
        )
        if by_agreement:
            self.agreed.add(eid)
        return eid

    def _new_body(self, words: str, line: int) -> str:
        eid = slug(words, 48)
        while eid in self.known.executors and key(self.known.executors[eid].name) != key(words):
            eid += "-2"
        self.note(
            line,
            "note",
            "executors",
            N_("«{words}» is not in the executors table: new executor '{executor}'"),
            N_(
                "if it is a body you know by another name, add this wording to the aliases of "
                "its data/executors/….yaml and import with --executors data"
            ),
            words=words,
            executor=eid,
        )
        self.known.add(m.Executor(id=eid, name=words), override=False)
        return eid

    def _remember(self, eid: str, mention: Mention, line: int) -> None:
        if mention.qualifier:
            self.note(
                line,
                "note",
                "executors",
                N_("«, {qualifier}» after «{words}» is left out of the name"),
                qualifier=mention.qualifier,
                words=mention.words,
            )
        if mention.short:
            self.local[key(mention.short)] = eid
        record = self.found.setdefault(eid, self.known.executors[eid])
        if mention.short and not record.short_name:
            self.found[eid] = record.model_copy(update={"short_name": mention.short})
        said = self.wordings.setdefault(eid, [])
        said.extend(w for w in (mention.words, mention.short) if w and w not in said)
        if mention.by_agreement:
            self.agreed.add(eid)

    def records(self) -> dict[str, m.Executor]:
        """The executor records: known data, the plan's wordings as aliases, «за згодою»."""
        out: dict[str, m.Executor] = {}
        for eid, ex in self.found.items():
            aliases = list(ex.aliases)
            for w in self.wordings.get(eid, []):
                if key(w) != key(ex.name) and all(key(w) != key(a) for a in aliases):
                    aliases.append(w)
            out[eid] = m.Executor(
                id=ex.id,
                name=ex.name,
                short_name=ex.short_name,
                aliases=aliases,
                by_agreement=ex.by_agreement or eid in self.agreed,
            )
        return out
