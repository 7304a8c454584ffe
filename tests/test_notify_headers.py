"""E-mail headers stay intact whatever the data holds (issue 16, finding 7).

A name with a control character is refused where it is written (the loader); one that reaches
`dap notify` another way (data of an older commit, a future code path) skips that one message
with its reason and never stops the run; an address that is not plain is skipped the same way;
a name that looks like header syntax or an encoded word is written as text. Every e-mail is
read back with the email package: its headers intact, Subject, Date and Message-ID among them,
no control character in any.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import email
import email.policy
import os
import re
import shutil
import socket
import subprocess
import sys
from email.message import EmailMessage
from pathlib import Path

import pytest
from contact_fixtures import read_contacts
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builder.cli import cli
from builder.compute import snapshot
from builder.notify.delivery import SmtpSettings, send, write_outbox
from builder.notify.ledger import Ledger
from builder.notify.messages import STRICT, Rendered, Unaddressable, message, plain_address, render
from builder.notify.plan import Plan, work_out
from builder.validate import validate

ROOT = Path(__file__).resolve().parent.parent
DAY = dt.date(2025, 1, 10)
DATE = dt.datetime(2025, 1, 10, 9, 0, tzinfo=dt.UTC)
SENDER = "Моніторинг ДАП <noreply@example.gov.ua>"
HEADERS = [
    "Content-Type",
    "MIME-Version",
    "From",
    "To",
    "Subject",
    "Date",
    "Message-ID",
    "Auto-Submitted",
    "Content-Language",
    "X-DAP-Notice",
    "X-DAP-Kind",
]
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")

# A name with each character that broke a header (finding 7), as a roster would hold it
# (a YAML escape) and as it would reach `dap notify` another way.
HOSTILE = {
    "LF": ("\\n", "\n"),
    "CR": ("\\r", "\r"),
    "VT": ("\\v", "\v"),
    "FF": ("\\f", "\f"),
    "FS": ("\\x1c", "\x1c"),
    "GS": ("\\x1d", "\x1d"),
    "RS": ("\\x1e", "\x1e"),
    "NUL": ("\\0", "\x00"),
    "ESC": ("\\e", "\x1b"),
    "NEL": ("\\N", "\x85"),
    "LS": ("\\L", "\u2028"),
}
# Names without a control character that look like header syntax: written as text.
LOOK_ALIKE = [
    "=?utf-8?q?x=0D=0ABcc:_evil@example.org?=",
    "=?utf-8?b?eA0KQmNjOiBldmlsQGV4YW1wbGUub3Jn?= Петренко",
    'Ivan "the" <Petrenko>, Jr.; evil@example.org',
    "Олександра Володимирівна Шевчук-Ковальчук " * 4 + "(НАЗК)",
    "O'Brien \\ (NACP) [x]",
]


@pytest.fixture(scope="module")
def demo() -> tuple[Plan, list[Rendered]]:
    """The notices of the demonstration data on 2025-01-10, rendered (read only)."""
    data, problems = validate(ROOT / "data", "data")
    assert not [p for p in problems if p.severity == "error"]
    plan = work_out(data, snapshot(data, None, DAY, DAY), DAY, None, contacts=read_contacts())
    assert data.programme is not None
    return plan, [render(n, data.programme, DAY, None) for n in plan.notices]


def with_person(
    plan: Plan, rendered: list[Rendered], index: int, name: str = "", address: str = ""
) -> tuple[Plan, list[Rendered]]:
    """The plan with one notice's name or address changed, as if it reached notify that way."""
    notice = plan.notices[index]
    notice = dataclasses.replace(notice, name=name or notice.name, email=address or notice.email)
    notices = (*plan.notices[:index], notice, *plan.notices[index + 1 :])
    changed = dataclasses.replace(rendered[index], notice=notice)
    return Plan(plan.as_of, notices, plan.notes), [
        *rendered[:index],
        changed,
        *rendered[index + 1 :],
    ]


def assert_intact(raw: bytes, name: str, address: str, notice: str) -> EmailMessage:
    """The e-mail as a mail program reads it: the headers meant, each once and whole, none with
    a control character; To is exactly the person; Subject, Date and Message-ID are headers."""
    head = raw.split(b"\n\n", 1)[0]
    for line in head.split(b"\n"):
        assert line.isascii() and not CONTROL.search(line.decode().replace("\t", " ")), line
        assert line[:1] in (b" ", b"\t") or re.match(rb"[A-Za-z-]+: ", line), line
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(msg, EmailMessage)
    assert list(msg.keys()) == HEADERS
    for key in HEADERS:
        assert not msg[key].defects, key
        assert not CONTROL.search(str(msg[key])), key
    to = msg["To"].addresses
    assert [(a.display_name, a.addr_spec) for a in to] == [(name, address)]
    assert msg["Subject"].startswith(("Нагадування", "Звіти", "Строк", "Доступ", "Зміни"))
    assert msg["Date"].datetime is not None
    assert msg["Message-ID"] == f"<{notice}@dap-notify>"
    assert msg.get_body(("plain",)) is not None and msg.get_body(("html",)) is not None
    return msg


def roster_with(data: Path, name: str) -> None:
    """d.polishchuk's name in data/executors/mineconomy.yaml set to a YAML value."""
    roster = data / "executors" / "mineconomy.yaml"
    text = roster.read_text("utf-8")
    roster.write_text(text.replace("name: Дмитро Поліщук", f"name: {name}"), "utf-8")


def notify(runner, data: Path, outbox: Path, **env: str):
    args = ["notify", "--data", str(data), "--as-of", DAY.isoformat(), "--outbox", str(outbox)]
    return runner.invoke(cli, args, env=env)


# ---------------------------------------------------------------- read: refused where written


@pytest.mark.parametrize("key", HOSTILE)
def test_a_name_with_a_control_character_is_refused_where_it_is_written(data_copy, key):
    escape, char = HOSTILE[key]
    roster_with(data_copy, f'"Дмитро{escape}Bcc: evil@example.org"')
    _data, problems = validate(data_copy, "data")
    # a line break (CR, U+0085 and U+2028 are kept as a line feed) is refused by the rule of
    # names, any other control character by the loader
    found = [(p.file, p.line, p.code, dict(p.params).get("char")) for p in problems]
    if char in "\r\n\x85\u2028":
        assert found == [("data/executors/mineconomy.yaml", 30, "string_pattern_mismatch", None)]
    else:
        code = "control-character"
        assert found == [("data/executors/mineconomy.yaml", 30, code, f"U+{ord(char):04X}")]


@pytest.mark.parametrize(
    ("command", "escape", "char"),
    [
        (["notify", "--outbox", "outbox"], "\\v", "U+000B"),
        (["build", "--internal"], "\\e", "U+001B"),
    ],
)
def test_the_commands_stop_at_the_line_without_a_traceback(tmp_path, command, escape, char):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    roster_with(data, f'"Дмитро{escape}Поліщук"')
    dap = str(Path(sys.executable).with_name("dap"))
    run = subprocess.run(
        [dap, *command, "--as-of", DAY.isoformat()],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert run.returncode == 1, run.stdout + run.stderr
    assert "data/executors/mineconomy.yaml:30:9: field 'people[1].name'" in run.stdout
    assert f"({char})" in run.stdout
    assert "Traceback" not in run.stdout + run.stderr
    assert {p.name for p in tmp_path.iterdir()} <= {"data", ".dap-cache"}  # nothing written


# ---------------------------------------------------------------- headers: whatever reaches them


@pytest.mark.parametrize("key", HOSTILE)
@pytest.mark.parametrize("first", ["Ivan", "Дмитро"])
def test_a_control_character_that_reaches_notify_skips_that_message_alone(
    demo, tmp_path, key, first
):
    plan, rendered = demo
    name = f"{first}{HOSTILE[key][1]}Bcc: evil@example.org"
    plan, rendered = with_person(plan, rendered, 0, name=name)
    result = write_outbox(plan, rendered, tmp_path, SENDER, Ledger(None))
    states = [o.state for o in result.outcomes]
    assert states == ["unaddressable"] + ["written"] * (len(states) - 1)
    reason = result.outcomes[0].detail
    assert reason == f"the name holds the control character U+{ord(HOSTILE[key][1]):04X}"
    assert result.failed
    skipped = plan.notices[0]
    assert f"SKIPPED {skipped.id} {skipped.kind} → {skipped.person}: {reason}" in "\n".join(
        result.summary()
    )
    files = sorted((tmp_path / DAY.isoformat()).iterdir())
    assert len(files) == len(states) - 1
    for path, notice in zip(files, sorted(plan.notices[1:], key=outbox_order), strict=True):
        assert notice.email is not None
        assert_intact(path.read_bytes(), notice.name, notice.email, notice.id)


def outbox_order(n) -> str:
    return f"{n.kind}--{n.person}--{n.id}.eml"


@pytest.mark.parametrize("name", LOOK_ALIKE)
def test_a_name_that_looks_like_header_syntax_is_written_as_text(demo, tmp_path, name):
    plan, rendered = demo
    plan, rendered = with_person(plan, rendered, 0, name=name)
    raw = message(rendered[0], SENDER, DATE).as_bytes()
    msg = assert_intact(raw, name, plan.notices[0].email or "", plan.notices[0].id)
    assert "Bcc" not in msg and "evil@example.org" not in str(msg["To"].addresses[0].addr_spec)


def test_an_encoded_line_break_in_a_roster_name_reaches_to_as_text(runner, data_copy, tmp_path):
    name = "=?utf-8?q?x=0D=0ABcc:_evil@example.org?="
    roster_with(data_copy, f"'{name}'")
    result = notify(runner, data_copy, tmp_path / "outbox")
    assert result.exit_code == 0, result.output
    (path,) = (tmp_path / "outbox" / DAY.isoformat()).glob("*--d.polishchuk--*.eml")
    notice = path.stem.rsplit("--", 1)[1]
    assert_intact(path.read_bytes(), name, "d.polishchuk@example.gov.ua", notice)


NOT_PLAIN = [
    "d,polishchuk@example.gov.ua",
    "d.polishchuk@мінекономіки.укр",
    "d<polishchuk>@example.gov.ua",
]


@pytest.mark.parametrize("address", NOT_PLAIN)
def test_an_address_that_is_not_plain_is_refused_where_it_is_written(runner, data_copy, address):
    """The contacts' e-mail rule takes only what e-mail carries as it is (ASCII dot-atom):
    `dap contacts set` refuses it, naming the person and the field, and changes nothing."""
    before = (data_copy / "contacts.age").read_bytes()
    args = ["contacts", "set", "d.polishchuk", "--email", address, "--data", str(data_copy)]
    result = runner.invoke(cli, args)
    assert result.exit_code == 1
    assert "d.polishchuk: email is not valid" in result.output
    assert "Traceback" not in result.output
    assert (data_copy / "contacts.age").read_bytes() == before


@pytest.mark.parametrize("address", NOT_PLAIN)
def test_notify_itself_refuses_an_address_that_is_not_plain(address):
    """Defence in depth: an address reaching notify another way (an older commit) is judged
    again before it heads an e-mail."""
    assert not plain_address(address)
    assert plain_address("d.polishchuk@example.gov.ua")


def test_an_address_that_cannot_head_an_email_skips_that_message_alone(
    runner, data_copy, tmp_path, monkeypatch
):
    """One address notify will not write (as if it had reached it some other way) skips that
    one message with its reason; everyone else is written; the run exits 1."""
    from builder.notify import delivery, messages

    plain = messages.plain_address

    def refuse_one(address: str) -> bool:
        return address != "d.polishchuk@example.gov.ua" and plain(address)

    monkeypatch.setattr(messages, "plain_address", refuse_one)
    monkeypatch.setattr(delivery, "plain_address", refuse_one)
    result = notify(runner, data_copy, tmp_path / "outbox")
    assert result.exit_code == 1
    assert "Traceback" not in result.output and "@" not in result.output
    assert re.search(
        r"SKIPPED \w+ window_closing → d\.polishchuk: the address is not one plain e-mail address",
        result.output,
    ), result.output
    files = sorted((tmp_path / "outbox" / DAY.isoformat()).iterdir())
    assert len(files) == 8 and not [f for f in files if "d.polishchuk" in f.name]
    for path in files:
        raw = path.read_bytes()
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        to = msg["To"].addresses[0]
        assert_intact(raw, to.display_name, to.addr_spec, str(msg["X-DAP-Notice"]))


def test_a_sender_with_a_line_break_is_refused_before_anything_is_written(
    runner, data_copy, tmp_path
):
    result = notify(
        runner,
        data_copy,
        tmp_path / "outbox",
        DAP_SMTP_FROM="noreply@example.gov.ua\r\nBcc: evil@example.org",
    )
    assert result.exit_code == 1
    assert "DAP_SMTP_FROM is not one plain address" in result.output
    assert not (tmp_path / "outbox").exists()


def test_a_name_too_long_for_one_header_line_skips_its_notice(demo):
    plan, rendered = demo
    plan, rendered = with_person(plan, rendered, 0, name="Дмитро Поліщук " * 40)
    with pytest.raises(Unaddressable, match="the To header could not be written intact"):
        message(rendered[0], SENDER, DATE)


def test_the_policy_refuses_a_header_with_a_raw_line_break():
    msg = email.message.Message(policy=STRICT)
    msg["Subject"] = "ok"
    msg["To"] = "x@example.org\nBcc: evil@example.org"
    with pytest.raises(Unaddressable, match="the To header could not be written intact"):
        msg.as_bytes()


# ---------------------------------------------------------------- sending: the run goes on


class Collect:
    """An SMTP server's handler that keeps each message with its envelope recipients."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.append((list(envelope.rcpt_tos), envelope.content))
        return "250 OK"


def test_sending_skips_the_message_that_cannot_be_written_and_sends_everyone_after(demo, tmp_path):
    from aiosmtpd.controller import Controller

    plan, rendered = demo
    plan, rendered = with_person(plan, rendered, 0, name="Ivan\vPetrenko")
    plan, rendered = with_person(plan, rendered, 1, address="d.polishchuk@мінекономіки.укр")
    handler = Collect()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        smtp = SmtpSettings("127.0.0.1", port, "none", None, None, SENDER)
        result = send(plan, rendered, smtp, Ledger(tmp_path / "ledger.jsonl"))
    finally:
        controller.stop()
    states = [o.state for o in result.outcomes]
    assert states == ["unaddressable", "unaddressable"] + ["sent"] * (len(states) - 2)
    assert len(handler.messages) == len(states) - 2
    summary = "\n".join(result.summary())
    assert "run the same command again" not in summary and "@" not in summary
    by_id = {n.id: n for n in plan.notices}
    for rcpts, raw in handler.messages:
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        notice = by_id[str(msg["X-DAP-Notice"])]
        assert rcpts == [notice.email]
        assert_intact(raw.replace(b"\r\n", b"\n"), notice.name, rcpts[0], notice.id)


# ---------------------------------------------------------------- any name at all

NAME_CHARS = (
    " \"'<>()[],;:@\\=?.\t\n\r\x0b\x0c\x1c\x1d\x1e\x00\x1b\x7f\x85\u2028\u2029\u00a0"
    "абвгґдеєжзиіїйклмнопрстуфхцчшщьюяQqBb"
)
NAMES = st.text(alphabet=st.sampled_from(NAME_CHARS) | st.characters(exclude_categories=["Cs"]))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=NAMES.filter(lambda s: s != "" and s.strip() == s))
def test_any_name_is_written_as_text_or_skipped_with_its_reason(demo, name: str):
    plan, rendered = demo
    plan, rendered = with_person(plan, rendered, 0, name=name)
    notice = plan.notices[0]
    if CONTROL.search(name):
        with pytest.raises(Unaddressable, match="the name holds the control character"):
            message(rendered[0], SENDER, DATE)
        return
    raw = message(rendered[0], SENDER, DATE).as_bytes()
    assert_intact(raw, name, notice.email or "", notice.id)
