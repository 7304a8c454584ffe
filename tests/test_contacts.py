"""Contacts out of the public repository: the encrypted file, its keys, the administrator's
commands, moving contacts out of the rosters (nothing lost), and nothing private in data/."""

from __future__ import annotations

import email
import email.policy
import re
import subprocess
from pathlib import Path

import pytest
import yaml
from contact_fixtures import read_contacts

from builder import contacts as ct
from builder import models as m
from builder.cli import cli
from builder.errors import ConfigError
from builder.validate import validate

ROOT = Path(__file__).resolve().parent.parent

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(
    r"\+\d[\d ()-]{8,}\d"  # +380 44 000 00 00
    r"|\(0\d{2}\)\s?\d{3}[- ]?\d{2}[- ]?\d{2}"  # (044) 123-45-67
    r"|\b0\d{2}[ -]?\d{3}[ -]?\d{2}[ -]?\d{2}\b"  # 044 123 45 67
)


def private_in(text: str, allowed: set[str]) -> list[str]:
    """E-mail addresses (other than `allowed`) and phone numbers in a text."""
    found = [e for e in EMAIL.findall(text) if e not in allowed]
    return found + PHONE.findall(text)


def test_the_patterns_find_what_rosters_used_to_hold() -> None:
    """The grep below can fail: it finds the contacts as the rosters held them."""
    text = "  email: o.kovalenko@example.gov.ua\n  phone: +380 44 000 00 00\n"
    text += "tel: (044) 123-45-67, 044 123 45 67\n"
    assert len(private_in(text, set())) == 4
    assert private_in("since: 2023-01-16\nid: 1.1.1.1.1\nnumber: '220'\n", set()) == []


def test_no_email_or_phone_in_any_file_of_data_in_git() -> None:
    """Every file under data/ that Git holds (or would add): no official's e-mail or phone.
    The programme's feedback address is NACP's public one (an institution, shown on the site)."""
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard", "data"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert "data/contacts.age" in listed and len(listed) > 50
    public = {yaml.safe_load((ROOT / "data/programme.yaml").read_text("utf-8"))["feedback_email"]}
    found = {
        name: hits
        for name in listed
        if (hits := private_in((ROOT / name).read_text("utf-8", errors="replace"), public))
    }
    assert found == {}
    assert (
        (ROOT / "data/contacts.age")
        .read_text("ascii")
        .startswith("-----BEGIN AGE ENCRYPTED FILE-----")
    )


def test_the_demo_contacts_cover_every_roster_person() -> None:
    data, _ = validate(ROOT / "data", "data")
    people = {p.id for p in data.staff} | {p.id for e in data.executors.values() for p in e.people}
    kept = read_contacts()
    assert set(kept) == people
    assert kept["o.kovalenko"] == m.Contact(
        email="o.kovalenko@example.gov.ua", phone="+380 44 000 00 00"
    )


# ---------------------------------------------------------------- keys


def test_the_key_comes_from_the_environment_then_the_demo_key(tmp_path: Path) -> None:
    data = ROOT / "data"
    assert ct.find_key({}, data, demo=True) is not None  # beside the demo data
    assert ct.find_key({}, data, demo=False) is None  # never for a real programme
    private, public = ct.new_key()
    key = ct.find_key({"DAP_AGE_KEY": private}, data, demo=False)
    assert key is not None and str(key.identity.to_public()) == public and not key.test_only
    path = tmp_path / "key.txt"
    path.write_text(f"# a comment\n{private}\n", "utf-8")
    assert ct.find_key({"DAP_AGE_KEY_FILE": str(path)}, data, demo=False) is not None


def test_a_test_only_key_is_refused_for_a_real_programme() -> None:
    text = (ROOT / "data" / ct.DEMO_KEY).read_text("utf-8")
    with pytest.raises(ConfigError, match="is a test-only key"):
        ct.find_key({"DAP_AGE_KEY": text}, ROOT / "data", demo=False)


def test_a_damaged_key_is_named_not_shown() -> None:
    with pytest.raises(ConfigError, match="^DAP_AGE_KEY: the age private key is damaged"):
        ct.find_key({"DAP_AGE_KEY": "AGE-SECRET-KEY-1NOTAKEY"}, ROOT / "data", demo=False)


def real(data_copy: Path) -> None:
    """The copy as a real programme (demo: false): the demo key beside it no longer counts."""
    programme = data_copy / "programme.yaml"
    programme.write_text(programme.read_text("utf-8").replace("demo: true", "demo: false"), "utf-8")


def test_notify_without_a_key_says_how_and_writes_nothing(runner, data_copy, tmp_path) -> None:
    real(data_copy)
    outbox = tmp_path / "outbox"
    args = ["notify", "--data", str(data_copy), "--as-of", "2025-01-10", "--outbox", str(outbox)]
    result = runner.invoke(cli, args, env={"DAP_AGE_KEY": "", "DAP_AGE_KEY_FILE": ""})
    assert result.exit_code != 0
    assert "no key to read the contacts" in result.output and "DAP_AGE_KEY" in result.output
    assert "Traceback" not in result.output
    assert not outbox.exists()


def test_notify_with_a_key_that_does_not_open_the_file(runner, data_copy, tmp_path) -> None:
    real(data_copy)
    outbox = tmp_path / "outbox"
    args = ["notify", "--data", str(data_copy), "--as-of", "2025-01-10", "--outbox", str(outbox)]
    result = runner.invoke(cli, args, env={"DAP_AGE_KEY": ct.new_key()[0]})
    assert result.exit_code != 0
    assert "does not decrypt with the key from DAP_AGE_KEY" in result.output
    assert not outbox.exists()


def test_notify_writes_each_letter_to_the_address_in_the_contacts(runner, tmp_path) -> None:
    outbox = tmp_path / "outbox"
    result = runner.invoke(cli, ["notify", "--as-of", "2025-01-10", "--outbox", str(outbox)])
    assert result.exit_code == 0, result.output
    kept = read_contacts()
    files = sorted((outbox / "2025-01-10").iterdir())
    assert len(files) == 9
    for path in files:
        person = path.name.split("--")[1]
        msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        assert [a.addr_spec for a in msg["To"].addresses] == [kept[person].email]


# ---------------------------------------------------------------- the administrator's commands


def test_set_import_list_and_export(runner, data_copy: Path, tmp_path: Path) -> None:
    def dap(*args: str):
        return runner.invoke(cli, ["contacts", *args, "--data", str(data_copy)])

    before = (data_copy / ct.CONTACTS).read_bytes()
    result = dap("set", "o.kovalenko", "--email", "olena@example.gov.ua", "--phone", "")
    assert result.exit_code == 0, result.output
    assert "contacts of 1 people changed: o.kovalenko" in result.output
    assert "olena@" not in result.output
    assert (data_copy / ct.CONTACTS).read_bytes() != before
    assert read_contacts(data_copy)["o.kovalenko"] == m.Contact(email="olena@example.gov.ua")
    csv_file = tmp_path / "new.csv"
    csv_file.write_text("id;email;phone\nt.melnyk;taras@example.gov.ua;+380 44 111 22 33\n")
    assert dap("import", str(csv_file)).exit_code == 0
    assert read_contacts(data_copy)["t.melnyk"].email == "taras@example.gov.ua"
    yaml_file = tmp_path / "new.yaml"
    yaml_file.write_text("nobody.known: {email: x@example.gov.ua}\n", "utf-8")
    result = dap("import", str(yaml_file))
    assert "'nobody.known' is in no roster" in result.output
    listed = dap("list")
    assert listed.exit_code == 0 and "@" not in listed.output
    assert "o.kovalenko (Олена Коваленко): e-mail yes, phone —" in listed.output
    exported = dap("export")
    assert exported.exit_code == 0
    assert "olena@example.gov.ua" in exported.stdout and "never commit" in exported.stderr
    out = tmp_path / "private" / "contacts.csv"
    out.parent.mkdir()
    assert dap("export", "--out", str(out)).exit_code == 0
    assert out.stat().st_mode & 0o077 == 0
    assert ct.read_import(out) == {
        pid: {"email": c.email or "", "phone": c.phone or ""}
        for pid, c in read_contacts(data_copy).items()
    }


@pytest.mark.parametrize("where", ["data", "repository"])
def test_plaintext_is_never_written_into_the_repository(runner, where) -> None:
    target = ROOT / "data" / "x.csv" if where == "data" else ROOT / "x.csv"
    result = runner.invoke(cli, ["contacts", "export", "--out", str(target)])
    assert result.exit_code == 1 and "never written into a repository" in result.output
    assert not target.exists()
    result = runner.invoke(cli, ["contacts", "keygen", "--out", str(target)])
    assert result.exit_code == 1 and not target.exists()


def test_keygen_writes_a_private_key_and_prints_its_public_key(runner, tmp_path) -> None:
    out = tmp_path / "key.txt"
    result = runner.invoke(cli, ["contacts", "keygen", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("age1")
    key = ct.parse_key(out.read_text("utf-8"), "key")
    assert str(key.identity.to_public()) == result.output.strip()
    assert out.stat().st_mode & 0o077 == 0
    again = runner.invoke(cli, ["contacts", "keygen", "--out", str(out)])
    assert again.exit_code == 1 and "never overwritten" in again.output


def test_a_bad_recipients_line_is_located(data_copy: Path) -> None:
    (data_copy / ct.RECIPIENTS).write_text("# keys\nage1notakey\n", "utf-8")
    with pytest.raises(ConfigError, match=r"contacts.recipients:2: not an age public key"):
        ct.write(data_copy, {})


# ---------------------------------------------------------------- migration: nothing lost

ROSTER = """\
# yaml-language-server: $schema=../../schemas/executor.schema.json
id: agency
name: Агентство
people:
- id: h.head
  name: Ганна Голова
  roles:
  - керівник
  email: h.head@example.gov.ua   # робоча
  phone: +380 44 000 00 01
  since: 2023-01-16
- email: 'c.coord@example.gov.ua'
  id: c.coord
  name: Кирило Координатор
  roles: [координатор впровадження]
- id: m.manager
  name: Марія Менеджер
  roles:
  - уповноважений менеджер
  phone: >-
    +380 44 000
    00 02
  github: mmanager
- id: i.impl
  name: Іван Впроваджувач
  roles:
  - впроваджувач
"""
EXPECTED = """\
# yaml-language-server: $schema=../../schemas/executor.schema.json
id: agency
name: Агентство
people:
- id: h.head
  name: Ганна Голова
  roles:
  - керівник
  since: 2023-01-16
- id: c.coord
  name: Кирило Координатор
  roles: [координатор впровадження]
- id: m.manager
  name: Марія Менеджер
  roles:
  - уповноважений менеджер
  github: mmanager
- id: i.impl
  name: Іван Впроваджувач
  roles:
  - впроваджувач
"""
STAFF = """\
people:
- id: analyst.a
  name: Аналітик
  roles:
  - аналітик
  email: analyst.a@example.gov.ua
"""


def test_migrate_moves_every_contact_and_keeps_every_other_byte(runner, tmp_path) -> None:
    data = tmp_path / "data"
    (data / "executors").mkdir(parents=True)
    (data / "executors" / "agency.yaml").write_text(ROSTER, "utf-8")
    (data / "staff.yaml").write_text(STAFF, "utf-8")
    (data / "programme.yaml").write_text("demo: true\n", "utf-8")
    (data / ct.RECIPIENTS).write_text((ROOT / "data" / ct.RECIPIENTS).read_text("utf-8"))
    (data / ct.DEMO_KEY).write_text((ROOT / "data" / ct.DEMO_KEY).read_text("utf-8"))
    before = {
        p["id"]: {f: str(p[f]) for f in ("email", "phone") if f in p}
        for text in (ROSTER, STAFF)
        for p in yaml.safe_load(text)["people"]
        if "email" in p or "phone" in p
    }
    result = runner.invoke(cli, ["contacts", "migrate", "--data", str(data)])
    assert result.exit_code == 0, result.output
    assert "executors/agency.yaml: contacts of 3 people moved out" in result.output
    assert (data / "executors" / "agency.yaml").read_text("utf-8") == EXPECTED
    assert (data / "staff.yaml").read_text("utf-8") == STAFF.replace(
        "  email: analyst.a@example.gov.ua\n", ""
    )
    after = {pid: c.model_dump(exclude_none=True) for pid, c in read_contacts(data).items()}
    assert after == before  # the round trip: every contact, nothing else
    assert m.Executor.model_validate(yaml.safe_load(EXPECTED))
    again = runner.invoke(cli, ["contacts", "migrate", "--data", str(data)])
    assert "nothing to move" in again.output


def test_migrate_refuses_a_roster_it_cannot_edit_safely(tmp_path) -> None:
    data = tmp_path / "data"
    (data / "executors").mkdir(parents=True)
    text = "id: x\nname: X\npeople:\n- {id: a, name: A, roles: [керівник], email: a@x.ua}\n"
    (data / "executors" / "x.yaml").write_text(text, "utf-8")
    with pytest.raises(ConfigError, match=r"x.yaml:4: cannot take the contacts out"):
        ct.migrate(data, None)
    assert (data / "executors" / "x.yaml").read_text("utf-8") == text
    assert not (data / ct.CONTACTS).exists()


def test_a_roster_with_an_email_is_refused_pointing_to_dap_contacts(data_copy: Path) -> None:
    roster = data_copy / "executors" / "nazk.yaml"
    roster.write_text(
        roster.read_text("utf-8").replace(
            "  name: Олена Коваленко\n", "  name: Олена Коваленко\n  phone: 044 000 00 00\n"
        ),
        "utf-8",
    )
    _data, problems = validate(data_copy, "data")
    assert [(p.file, p.line, p.field, p.code) for p in problems] == [
        ("data/executors/nazk.yaml", 41, "people[0].phone", "private-contact")
    ]
    assert "dap contacts migrate" in problems[0].hint


def test_the_missing_key_reads_in_ukrainian(runner, data_copy, tmp_path) -> None:
    real(data_copy)
    args = ["--lang", "uk", "notify", "--data", str(data_copy), "--as-of", "2025-01-10"]
    result = runner.invoke(cli, [*args, "--outbox", str(tmp_path / "o")], env={"DAP_AGE_KEY": ""})
    assert result.exit_code != 0
    assert "немає ключа, щоб прочитати контакти" in result.output
    assert "нічого не записано й не надіслано" in result.output


def test_importing_a_plaintext_file_inside_a_work_tree_warns(runner, data_copy, tmp_path) -> None:
    tree = tmp_path / "repo"
    tree.mkdir()
    subprocess.run(["git", "init", "-q", str(tree)], check=True)
    inside = tree / "contacts.csv"
    inside.write_text("id,email\nt.melnyk,taras@example.gov.ua\n", "utf-8")
    result = runner.invoke(cli, ["contacts", "import", str(inside), "--data", str(data_copy)])
    assert result.exit_code == 0, result.output
    assert "holds plaintext contacts inside the Git work tree" in result.output
    assert read_contacts(data_copy)["t.melnyk"].email == "taras@example.gov.ua"
