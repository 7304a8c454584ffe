"""Officials' contacts (e-mail, phone), kept out of the public repository.

The rosters in Git hold ids, names, roles, logins and signing keys. Each person's e-mail and
phone live in `data/contacts.age`: a YAML mapping encrypted with age (the `pyrage` bindings)
to the public keys listed in `data/contacts.recipients`, committed ASCII-armored. Whoever
holds a matching private key (NACP's notify job, the administrator) reads it; everybody else
sees ciphertext. A demonstration programme (`demo: true`) keeps its test-only key beside its
data (`data/contacts.demo-key.txt`) so that `dap notify` works on a fresh clone; a key marked
test-only is refused for any other programme.

Plaintext is only ever in memory, on standard output (`dap contacts export`) or in a file
outside the repository that the administrator names.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyrage
import yaml
from pydantic import ValidationError

from . import models as m
from .errors import ConfigError
from .i18n import _

CONTACTS = "contacts.age"
RECIPIENTS = "contacts.recipients"
DEMO_KEY = "contacts.demo-key.txt"
KEY_ENV = "DAP_AGE_KEY"
KEY_FILE_ENV = "DAP_AGE_KEY_FILE"
# The mark of a key that may only open a demonstration programme's contacts.
TEST_ONLY = "TEST-ONLY"
FIELDS = ("email", "phone")

Contacts = dict[str, m.Contact]
# LibYAML's safe loader when PyYAML has it (ten times faster on a national roster's contacts).
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Key:
    """An age identity and where it came from (for messages: never its text)."""

    identity: pyrage.x25519.Identity
    source: str
    test_only: bool


def parse_key(text: str, source: str) -> Key:
    """The age identity in a key file's text (`# comments` and blank lines allowed)."""
    lines = [ln.strip() for ln in text.splitlines()]
    keys = [ln for ln in lines if ln.startswith("AGE-SECRET-KEY-")]
    if len(keys) != 1:
        raise ConfigError(
            _(
                "{source}: no age private key in it (a line AGE-SECRET-KEY-1…) — give the "
                "key that 'age-keygen' or 'dap contacts keygen' wrote",
                source=source,
            )
        )
    try:
        identity = pyrage.x25519.Identity.from_str(keys[0])
    except pyrage.IdentityError:
        raise ConfigError(
            _("{source}: the age private key is damaged — copy it again whole", source=source)
        ) from None
    test_only = any(ln.startswith("#") and TEST_ONLY in ln for ln in lines)
    return Key(identity, source, test_only)


def find_key(env: Mapping[str, str], data_dir: Path, demo: bool) -> Key | None:
    """The key to read the contacts: DAP_AGE_KEY (its text), DAP_AGE_KEY_FILE (its path), else
    a demonstration programme's test-only key beside its data; None when there is none.

    A key marked test-only opens only a demonstration programme's contacts."""
    text = env.get(KEY_ENV, "").strip()
    path = env.get(KEY_FILE_ENV, "").strip()
    if text:
        key = parse_key(text, KEY_ENV)
    elif path:
        try:
            key = parse_key(Path(path).read_text("utf-8"), path)
        except OSError as exc:
            raise ConfigError(
                _(
                    "{var}={path}: cannot read it ({reason})",
                    var=KEY_FILE_ENV,
                    path=path,
                    reason=exc.strerror,
                )
            ) from None
    elif demo and (data_dir / DEMO_KEY).is_file():
        key = parse_key((data_dir / DEMO_KEY).read_text("utf-8"), f"{data_dir}/{DEMO_KEY}")
    else:
        return None
    if key.test_only and not demo:
        raise ConfigError(
            _(
                "{source} is a test-only key (marked {mark}) and this programme is not a "
                "demonstration (demo: false) — set {var} to NACP's real key",
                source=key.source,
                mark=TEST_ONLY,
                var=KEY_ENV,
            )
        )
    return key


def need_key(env: Mapping[str, str], data_dir: Path, demo: bool) -> Key:
    """The key to read the contacts, or a clear error saying how to give it."""
    key = find_key(env, data_dir, demo)
    if key is None:
        raise ConfigError(
            _(
                "no key to read the contacts ({file}): set {var} to the age private key's text "
                "or {var_file} to its file — nothing was written or sent",
                file=f"{data_dir}/{CONTACTS}",
                var=KEY_ENV,
                var_file=KEY_FILE_ENV,
            )
        )
    return key


def read_recipients(data_dir: Path) -> list[pyrage.x25519.Recipient]:
    """The public keys the contacts are encrypted to (one `age1…` a line, `#` comments)."""
    path = data_dir / RECIPIENTS
    shown = f"{data_dir}/{RECIPIENTS}"
    try:
        text = path.read_text("utf-8")
    except OSError:
        raise ConfigError(
            _(
                "{file} is missing: list NACP's age public keys in it (age1…, one a line) "
                "before writing contacts",
                file=shown,
            )
        ) from None
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            found.append(pyrage.x25519.Recipient.from_str(line))
        except pyrage.RecipientError:
            raise ConfigError(
                _(
                    "{file}:{line}: not an age public key — a line is one key 'age1…' or a "
                    "comment starting with #",
                    file=shown,
                    line=number,
                )
            ) from None
    if not found:
        raise ConfigError(
            _("{file} lists no public key — add NACP's age public key (age1…)", file=shown)
        )
    return found


def parse_contacts(plain: bytes, shown: str) -> Contacts:
    """The contacts in a decrypted file: `people: {id: {email: …, phone: …}}`."""
    try:
        raw = yaml.load(plain.decode("utf-8"), Loader=SAFE_LOADER) or {}
    except (yaml.YAMLError, UnicodeDecodeError):
        raise ConfigError(
            _("{file}: decrypted, but what is inside is not YAML — restore it from Git", file=shown)
        ) from None
    people = raw.get("people") if isinstance(raw, dict) else None
    if not isinstance(people, dict):
        raise ConfigError(
            _(
                "{file}: decrypted, but it holds no 'people:' mapping — restore it from Git",
                file=shown,
            )
        )
    return {str(pid): contact(str(pid), value, shown) for pid, value in people.items()}


def contact(person: str, value: Any, shown: str) -> m.Contact:
    """One person's contacts, checked as a roster field would be."""
    try:
        return m.Contact.model_validate(value or {})
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        field = ".".join(str(p) for p in err["loc"]) or "-"
        raise ConfigError(
            _(
                "{file}: {person}: {field} is not valid ({value}) — an e-mail is one plain "
                "address name@domain in Latin letters; a phone is one line",
                file=shown,
                person=person,
                field=field,
                value=str(err.get("input", ""))[:80],
            )
        ) from None


def decrypt(data_dir: Path, key: Key) -> Contacts:
    """Every contact in data/contacts.age (none if the file does not exist yet)."""
    path = data_dir / CONTACTS
    shown = f"{data_dir}/{CONTACTS}"
    if not path.is_file():
        return {}
    try:
        plain = pyrage.decrypt(path.read_bytes(), [key.identity])
    except pyrage.DecryptError:
        raise ConfigError(
            _(
                "{file} does not decrypt with the key from {source} — it is not one of the "
                "keys in {recipients}, or the file is damaged",
                file=shown,
                source=key.source,
                recipients=RECIPIENTS,
            )
        ) from None
    return parse_contacts(plain, shown)


def plaintext(contacts: Contacts) -> bytes:
    """The YAML inside the encrypted file: people by id, each with the fields it has."""
    people = {
        pid: {f: v for f in FIELDS if (v := getattr(contacts[pid], f)) is not None}
        for pid in sorted(contacts)
    }
    text = yaml.safe_dump({"people": people}, allow_unicode=True, sort_keys=False)
    return text.encode("utf-8")


def write(data_dir: Path, contacts: Contacts) -> Path:
    """Encrypt the contacts to every key in contacts.recipients and replace data/contacts.age
    (written beside it first, then renamed: a crash leaves the old file whole)."""
    recipients = read_recipients(data_dir)
    armored = pyrage.encrypt(plaintext(contacts), recipients, armored=True)
    path = data_dir / CONTACTS
    fd, tmp = tempfile.mkstemp(prefix=".contacts-", dir=data_dir)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(armored)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return path


def merge(
    old: Contacts, new: Mapping[str, Mapping[str, str | None]], shown: str = "dap contacts"
) -> Contacts:
    """`old` with the fields given in `new` set (an empty value removes the field); a person
    left with no field is dropped."""
    merged = dict(old)
    for pid, fields in new.items():
        values = merged[pid].model_dump() if pid in merged else {}
        for f, value in fields.items():
            values[f] = value.strip() or None if isinstance(value, str) else value
        merged[pid] = contact(pid, values, shown)
        if all(getattr(merged[pid], f) is None for f in FIELDS):
            del merged[pid]
    return merged


def read_import(path: Path) -> dict[str, dict[str, str | None]]:
    """Contacts from a file the administrator has: CSV with a header `id,email,phone` (UTF-8,
    comma or semicolon), or YAML `{id: {email: …, phone: …}}` (or the same under `people:`)."""
    try:
        text = path.read_text("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(
            _(
                "{file}: cannot read it as UTF-8 text ({reason})",
                file=path,
                reason=getattr(exc, "strerror", None) or exc.__class__.__name__,
            )
        ) from None
    if path.suffix.lower() == ".csv":
        return _read_csv(text, path)
    try:
        raw = yaml.safe_load(text) or {}
    except yaml.YAMLError:
        raise ConfigError(_("{file}: not YAML — or name a CSV file *.csv", file=path)) from None
    if isinstance(raw, dict) and isinstance(raw.get("people"), dict):
        raw = raw["people"]
    if not isinstance(raw, dict) or not all(isinstance(v, dict) for v in raw.values()):
        raise ConfigError(
            _("{file}: expected 'person id: {{email: …, phone: …}}' on each line", file=path)
        )
    found: dict[str, dict[str, str | None]] = {}
    for pid, fields in raw.items():
        unknown = sorted(set(map(str, fields)) - set(FIELDS))
        if unknown:
            raise ConfigError(
                _(
                    "{file}: {person}: unknown field '{field}' — only email and phone",
                    file=path,
                    person=pid,
                    field=unknown[0],
                )
            )
        found[str(pid)] = {f: _text(fields[f]) for f in FIELDS if f in fields}
    return found


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _read_csv(text: str, path: Path) -> dict[str, dict[str, str | None]]:
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)  # as a spreadsheet saved it
    rows = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip().lower() for h in rows.fieldnames or []]
    if "id" not in header or not set(header) & set(FIELDS):
        raise ConfigError(
            _("{file}: the first line must be the header 'id,email,phone'", file=path)
        )
    found: dict[str, dict[str, str | None]] = {}
    for number, row in enumerate(rows, 2):
        values = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
        pid = values.get("id", "")
        if not pid:
            raise ConfigError(_("{file}:{line}: no person id", file=path, line=number))
        found[pid] = {f: values[f] for f in FIELDS if f in values}
    return found


def refuse_in_repository(target: Path, data_dir: Path) -> None:
    """Plaintext contacts (or a private key) may not be written into the data folder or into
    any Git work tree: there they are one `git add` away from a public history."""
    where = target.absolute().parent.resolve()
    roots = [data_dir.resolve(), *(p for p in (where, *where.parents) if (p / ".git").exists())]
    for root in roots:
        if where == root or root in where.parents:
            raise ConfigError(
                _(
                    "{file} is inside {folder}: plaintext contacts and keys are never written "
                    "into a repository — name a file outside it, or export to standard output",
                    file=target,
                    folder=root,
                )
            )


def in_repository(path: Path) -> Path | None:
    """The Git work tree that holds `path`, if any."""
    where = path.absolute().resolve().parent
    return next((p for p in (where, *where.parents) if (p / ".git").exists()), None)


def rows(contacts: Contacts) -> Iterator[list[str]]:
    """`id, email, phone` rows of the contacts, sorted by id (for export)."""
    for pid in sorted(contacts):
        c = contacts[pid]
        yield [pid, c.email or "", c.phone or ""]


def export_csv(contacts: Contacts) -> str:
    """The contacts as CSV with the header `id,email,phone` (what `import` reads back)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", *FIELDS])
    writer.writerows(rows(contacts))
    return out.getvalue()


def new_key() -> tuple[str, str]:
    """A new age key pair: (the private key's text, its public key)."""
    identity = pyrage.x25519.Identity.generate()
    return str(identity), str(identity.to_public())


# ---------------------------------------------------------------- moving contacts out of rosters


@dataclass(frozen=True)
class Stripped:
    """A roster with its e-mail and phone lines taken out, and what they held by person id."""

    path: Path
    text: str
    found: dict[str, dict[str, str | None]]


def _roster_error(shown: str, line: int, why: str) -> ConfigError:
    return ConfigError(
        _(
            "{file}:{line}: cannot take the contacts out of this roster safely ({why}) — move "
            "them by hand with 'dap contacts set', then remove the lines",
            file=shown,
            line=line,
            why=why,
        )
    )


def strip_roster(path: Path, shown: str) -> Stripped:
    """Take every `email:` and `phone:` of a roster's people out of its text, leaving every
    other byte as it is; checked by reading the result back (it must be the same data less
    those keys)."""
    text = path.read_text("utf-8")
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        before = yaml.safe_load(text)
    except yaml.YAMLError:
        raise _roster_error(shown, 1, _("it is not valid YAML: run dap validate")) from None
    people = _people_node(root)
    lines = text.splitlines(keepends=True)
    drop: set[int] = set()
    prefix_of: dict[int, tuple[int, str]] = {}
    found: dict[str, dict[str, str | None]] = {}
    for index, item in enumerate(people):
        if not isinstance(item, yaml.MappingNode):
            continue
        pairs = item.value
        private = [(k, v) for k, v in pairs if isinstance(k, yaml.ScalarNode) and k.value in FIELDS]
        if not private:
            continue
        line = private[0][0].start_mark.line + 1
        if item.flow_style:
            raise _roster_error(shown, line, _("the person is written on one line in braces"))
        record = before["people"][index]
        pid = record.get("id")
        if not isinstance(pid, str):
            raise _roster_error(shown, line, _("the person has no id"))
        for k, v in private:
            first, last = k.start_mark.line, v.end_mark.line
            if v.end_mark.column == 0 and last > first:
                last -= 1
            lead = lines[first][: k.start_mark.column]
            tail = lines[last][v.end_mark.column :] if v.end_mark.line == last else ""
            if tail.strip() and not tail.strip().startswith("#"):
                raise _roster_error(shown, first + 1, _("another value follows on its line"))
            if lead.strip() and lead.strip() != "-":
                raise _roster_error(shown, first + 1, _("another value precedes it on its line"))
            drop.update(range(first, last + 1))
            value = record[k.value]
            found.setdefault(pid, {})[k.value] = None if value is None else str(value)
        head = pairs[0][0]
        lead = lines[head.start_mark.line][: head.start_mark.column]
        if lead.strip() == "-" and head.start_mark.line in drop:
            kept = next((k for k, _v in pairs if k.start_mark.line not in drop), None)
            if kept is None or lines[kept.start_mark.line][: kept.start_mark.column].strip():
                raise _roster_error(shown, line, _("nothing else is left of the person"))
            prefix_of[kept.start_mark.line] = (kept.start_mark.column, lead)
    if not found:
        return Stripped(path, text, {})
    out = []
    for number, text_line in enumerate(lines):
        if number in drop:
            continue
        if number in prefix_of:
            column, lead = prefix_of[number]
            text_line = lead + text_line[column:]
        out.append(text_line)
    result = "".join(out)
    expected = before
    for person in expected["people"]:
        if isinstance(person, dict):
            for f in FIELDS:
                person.pop(f, None)
    if yaml.safe_load(result) != expected:
        raise _roster_error(shown, 1, _("the result would read differently"))
    return Stripped(path, result, found)


def _people_node(root: yaml.Node | None) -> list[yaml.Node]:
    if not isinstance(root, yaml.MappingNode):
        return []
    for k, v in root.value:
        if (
            isinstance(k, yaml.ScalarNode)
            and k.value == "people"
            and isinstance(v, yaml.SequenceNode)
        ):
            return list(v.value)
    return []


def roster_files(data_dir: Path) -> list[Path]:
    """data/staff.yaml and every data/executors/*.yaml that exist."""
    files = [data_dir / "staff.yaml"] if (data_dir / "staff.yaml").is_file() else []
    folder = data_dir / "executors"
    if folder.is_dir():
        files += sorted(p for p in folder.glob("*.yaml") if p.is_file() and not p.is_symlink())
    return files


@dataclass(frozen=True)
class Migration:
    """What `dap contacts migrate` moved: person ids by roster file, and the contacts now kept."""

    moved: dict[str, list[str]]
    contacts: Contacts


def migrate(data_dir: Path, key: Key | None) -> Migration:
    """Move every e-mail and phone of the rosters into data/contacts.age, then take them out
    of the rosters (the contacts file is written first: a crash in between loses nothing)."""
    stripped = [
        strip_roster(path, f"{data_dir}/{path.relative_to(data_dir).as_posix()}")
        for path in roster_files(data_dir)
    ]
    gathered: dict[str, dict[str, str | None]] = {}
    for s in stripped:
        for pid, fields in s.found.items():
            if pid in gathered and gathered[pid] != fields:
                raise ConfigError(
                    _(
                        "{person} is listed twice with other contacts — keep one, then migrate",
                        person=pid,
                    )
                )
            gathered[pid] = fields
    if (data_dir / CONTACTS).is_file():
        if key is None:
            raise ConfigError(
                _(
                    "{file} exists: to add to it, give its key ({var} or {var_file})",
                    file=f"{data_dir}/{CONTACTS}",
                    var=KEY_ENV,
                    var_file=KEY_FILE_ENV,
                )
            )
        existing = decrypt(data_dir, key)
    else:
        existing = {}
    merged = merge(existing, gathered)
    moved = {s.path.relative_to(data_dir).as_posix(): sorted(s.found) for s in stripped if s.found}
    if not moved:
        return Migration({}, existing)
    write(data_dir, merged)
    if key is not None and decrypt(data_dir, key) != merged:  # read back before editing rosters
        raise ConfigError(
            _(
                "{file}: what was written does not read back — nothing else changed",
                file=f"{data_dir}/{CONTACTS}",
            )
        )
    for s in stripped:
        if s.found:
            _replace_text(s.path, s.text)
    return Migration(moved, merged)


def _replace_text(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix="." + path.name + "-", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
        fh.write(text)
    os.replace(tmp, path)


# ---------------------------------------------------------------- the administrator's commands


def is_demo(data_dir: Path) -> bool:
    """The programme in `data_dir` says `demo: true` (its test-only key may be used)."""
    try:
        raw = yaml.safe_load((data_dir / "programme.yaml").read_text("utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return False
    return isinstance(raw, dict) and raw.get("demo") is True


def roster_people(data_dir: Path) -> dict[str, str]:
    """Person id → name of everyone in the rosters (read as plain YAML: a roster with a
    mistake elsewhere still lists its people)."""
    people: dict[str, str] = {}
    for path in roster_files(data_dir):
        try:
            raw = yaml.safe_load(path.read_text("utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            continue
        listed = raw.get("people") if isinstance(raw, dict) else None
        for person in listed if isinstance(listed, list) else []:
            if isinstance(person, dict) and isinstance(person.get("id"), str):
                people.setdefault(person["id"], str(person.get("name", "")))
    return people


def open_contacts(data_dir: Path, env: Mapping[str, str]) -> Contacts:
    """The contacts as they are now: decrypted with the key from the environment (none yet:
    an empty set, and no key is needed to start one)."""
    if not (data_dir / CONTACTS).is_file():
        return {}
    return decrypt(data_dir, need_key(env, data_dir, is_demo(data_dir)))


def _strangers(data_dir: Path, ids: list[str]) -> list[str]:
    known = roster_people(data_dir)
    return [
        _("warning: '{person}' is in no roster — check the id (the contact is kept)", person=pid)
        for pid in sorted(set(ids) - set(known))
    ]


def import_lines(data_dir: Path, env: Mapping[str, str], source: Path) -> list[str]:
    """Import the contacts of a file the administrator has; warn when that plaintext file lies
    inside a Git work tree (one `git add` from a public history)."""
    lines = set_fields(data_dir, env, read_import(source))
    tree = in_repository(source)
    if tree is not None:
        lines.append(
            _(
                "warning: {file} holds plaintext contacts inside the Git work tree {folder} — "
                "delete it now and never commit it",
                file=source,
                folder=tree,
            )
        )
    return lines


def set_fields(
    data_dir: Path, env: Mapping[str, str], given: Mapping[str, Mapping[str, str | None]]
) -> list[str]:
    """Set the given fields of the given people (an empty value removes a field), re-encrypt,
    and say what changed — never the values."""
    old = open_contacts(data_dir, env)
    new = merge(old, given)
    write(data_dir, new)
    changed = sorted(pid for pid in given if old.get(pid) != new.get(pid))
    return [
        *_strangers(data_dir, list(given)),
        _(
            "{file}: contacts of {count} people changed: {people}",
            file=f"{data_dir}/{CONTACTS}",
            count=len(changed),
            people=", ".join(changed) or "—",
        ),
    ]


def list_lines(data_dir: Path, env: Mapping[str, str]) -> list[str]:
    """Each roster person and whether their e-mail and phone are kept (never the values), then
    contacts of ids in no roster."""
    kept = open_contacts(data_dir, env)
    people = roster_people(data_dir)
    yes, no = _("yes"), "—"
    lines = []
    for pid in sorted(people):
        c = kept.get(pid)
        lines.append(
            _(
                "{person} ({name}): e-mail {email}, phone {phone}",
                person=pid,
                name=people[pid],
                email=yes if c and c.email else no,
                phone=yes if c and c.phone else no,
            )
        )
    missing = [pid for pid in sorted(people) if not (kept.get(pid) and kept[pid].email)]
    lines.append(
        _(
            "{count} of {total} people have an e-mail address; without one: {people}",
            count=len(people) - len(missing),
            total=len(people),
            people=", ".join(missing) or "—",
        )
    )
    return lines + _strangers(data_dir, list(kept))


def migrate_lines(data_dir: Path, env: Mapping[str, str]) -> list[str]:
    """Run the migration and say what moved where."""
    result = migrate(data_dir, find_key(env, data_dir, is_demo(data_dir)))
    if not result.moved:
        return [_("no e-mail or phone left in the rosters: nothing to move")]
    lines = [
        _("{file}: contacts of {count} people moved out", file=f"{data_dir}/{name}", count=len(ids))
        for name, ids in result.moved.items()
    ]
    lines.append(
        _(
            "{file} now holds the contacts of {count} people, encrypted — commit it with the "
            "rosters",
            file=f"{data_dir}/{CONTACTS}",
            count=len(result.contacts),
        )
    )
    return lines


def export(data_dir: Path, env: Mapping[str, str], out: Path | None) -> str:
    """The contacts as CSV text, or written to `out` (a file outside the repository)."""
    text = export_csv(open_contacts(data_dir, env))
    if out is None:
        return text
    refuse_in_repository(out, data_dir)
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # the owner alone reads it
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
        fh.write(text)
    return ""


def keygen(out: Path, data_dir: Path) -> str:
    """Write a new private key to `out` (outside the repository, readable by its owner only)
    and return its public key for contacts.recipients."""
    refuse_in_repository(out, data_dir)
    private, public = new_key()
    try:
        fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise ConfigError(_("{file} exists — a key is never overwritten", file=out)) from None
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(f"# public key: {public}\n{private}\n")
    return public
