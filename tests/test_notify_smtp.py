"""dap notify --send against a real SMTP server (aiosmtpd) on loopback, faults included."""

from __future__ import annotations

import asyncio
import email
import email.policy
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from builder.cli import cli

SITE = "https://monitoring.example.org/dap"
ROOT = Path(__file__).resolve().parent.parent
# Who is told on 2025-01-10 that the 2024-Q4 window closes (see test_notify.py): the people
# the owing measures are assigned to and each executor's координатор; not o.tkachenko, whose
# measures owe nothing this quarter.
EXPECTED = {
    f"{p}@example.gov.ua"
    for p in (
        "a.shevchuk",
        "d.polishchuk",
        "i.bondarenko",
        "k.moroz",
        "n.kravchenko",
        "r.kuzmenko",
        "t.melnyk",
        "v.oliinyk",
        "y.savchenko",
    )
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Collect:
    """Accepts everything and keeps each message with its envelope recipients."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(msg, EmailMessage)
        self.messages.append((list(envelope.rcpt_tos), msg))
        return "250 OK"

    def recipients(self) -> list[str]:
        return [r for rcpts, _ in self.messages for r in rcpts]


class RefuseOne(Collect):
    """Refuses one recipient with 550 at RCPT TO."""

    def __init__(self, refused: str) -> None:
        super().__init__()
        self.refused = refused

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address == self.refused:
            return f"550 5.1.1 <{address}>: Recipient address rejected: no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"


class DropAfter(Collect):
    """Accepts `n` messages, then drops the connection in the middle of the next one."""

    def __init__(self, n: int) -> None:
        super().__init__()
        self.n = n

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        if len(self.messages) >= self.n:
            server.transport.abort()
            return "421 4.3.0 gone"
        return await super().handle_DATA(server, session, envelope)


class HangAfter(Collect):
    """Accepts `n` messages, then never answers the next one (the client is killed there)."""

    def __init__(self, n: int) -> None:
        super().__init__()
        self.n = n
        self.reached = threading.Event()
        self.release = asyncio.Event()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        if len(self.messages) >= self.n:
            self.reached.set()
            await asyncio.sleep(60)
            return "451 4.3.0 too late"
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def smtp() -> Iterator:
    """Start handlers on 127.0.0.1 with a free port; stop them all afterwards."""
    started: list[Controller] = []

    def start(handler, **kwargs) -> int:
        port = free_port()
        controller = Controller(handler, hostname="127.0.0.1", port=port, **kwargs)
        controller.start()
        started.append(controller)
        return port

    yield start
    for controller in started:
        controller.stop()


def env_for(port: int, **extra: str) -> dict[str, str]:
    return {
        "DAP_SMTP_HOST": "127.0.0.1",
        "DAP_SMTP_PORT": str(port),
        "DAP_SMTP_SECURITY": "none",
        "DAP_SMTP_FROM": "Моніторинг ДАП <noreply@example.gov.ua>",
        "DAP_SMTP_USER": "",
        "DAP_SMTP_PASSWORD": "",
        **extra,
    }


def send(runner, port: int, ledger: Path, day: str = "2025-01-10", **extra: str):
    args = ["notify", "--as-of", day, "--send", "--ledger", str(ledger), "--site-url", SITE]
    return runner.invoke(cli, args, env=env_for(port, **extra))


def ledger_ids(path: Path) -> list[str]:
    return [json.loads(line)["id"] for line in path.read_text("utf-8").splitlines()]


def test_send_delivers_every_notice_once_with_both_parts(runner, smtp, tmp_path):
    server = Collect()
    port = smtp(server)
    ledger = tmp_path / "ledger.jsonl"
    result = send(runner, port, ledger)
    assert result.exit_code == 0, result.output
    assert "sent: 9" in result.output
    assert "@" not in result.output  # ids and counts only, never addresses
    assert sorted(server.recipients()) == sorted(EXPECTED)
    for rcpts, msg in server.messages:
        assert msg["To"].addresses[0].addr_spec == rcpts[0]
        assert msg["From"].addresses[0].display_name == "Моніторинг ДАП"
        assert msg["Subject"].startswith("Нагадування: звіти за IV квартал 2024 р. приймаються")
        assert msg["Auto-Submitted"] == "auto-generated"
        text = msg.get_body(("plain",)).get_content()
        html = msg.get_body(("html",)).get_content()
        assert "ще не надійшли звіти" in text and f"{SITE}/measures/" in text
        assert f'<a href="{SITE}/measures/' in html
    moroz = next(m for r, m in server.messages if r == ["k.moroz@example.gov.ua"])
    assert "(Міністерство економіки України)" in moroz["Subject"]
    assert "2.1.1.2.1" in moroz.get_body(("plain",)).get_content()  # the Q3 backlog
    ids = ledger_ids(ledger)
    assert len(ids) == 9 == len(set(ids))
    assert {m["X-DAP-Notice"] for _, m in server.messages} == set(ids)
    assert "@" not in ledger.read_text("utf-8")

    again = send(runner, port, ledger)  # the scheduled job runs again the next day
    assert again.exit_code == 0, again.output
    assert "already sent (in the ledger), skipped: 9" in again.output
    assert len(server.messages) == 9
    next_day = send(runner, port, ledger, day="2025-01-11")
    assert next_day.exit_code == 0 and len(server.messages) == 9


def test_one_refused_recipient_fails_alone_and_a_rerun_sends_only_it(runner, smtp, tmp_path):
    refusing = RefuseOne("n.kravchenko@example.gov.ua")
    ledger = tmp_path / "ledger.jsonl"
    result = send(runner, smtp(refusing), ledger)
    assert result.exit_code == 1
    assert "sent: 8" in result.output
    assert "→ n.kravchenko: recipient refused: 550" in result.output
    assert "n.kravchenko@" not in result.output and "<address hidden>" in result.output
    assert "run the same command again to send exactly the rest" in result.output
    assert sorted(refusing.recipients()) == sorted(EXPECTED - {"n.kravchenko@example.gov.ua"})

    fixed = Collect()
    rerun = send(runner, smtp(fixed), ledger)
    assert rerun.exit_code == 0, rerun.output
    assert fixed.recipients() == ["n.kravchenko@example.gov.ua"]
    assert len(set(ledger_ids(ledger))) == 9


def test_dropped_connection_stops_the_run_and_a_rerun_sends_exactly_the_rest(
    runner, smtp, tmp_path
):
    dropping = DropAfter(3)
    ledger = tmp_path / "ledger.jsonl"
    result = send(runner, smtp(dropping), ledger)
    assert result.exit_code == 1
    assert "sent: 3" in result.output
    went = result.output.split("sent: 3\n")[1].splitlines()[0]
    assert went.count("→") == 3 and all(
        f"→ {r.split('@')[0]}" in went for r in dropping.recipients()
    )
    assert "connection lost" in result.output
    assert "not attempted: 5" in result.output
    assert len(ledger_ids(ledger)) == 3

    rest = Collect()
    rerun = send(runner, smtp(rest), ledger)
    assert rerun.exit_code == 0, rerun.output
    assert "already sent (in the ledger), skipped: 3" in rerun.output
    assert "sent: 6" in rerun.output
    both = dropping.recipients() + rest.recipients()
    assert Counter(both) == Counter(EXPECTED)  # every one exactly once


def test_server_down_sends_nothing_and_says_so(runner, tmp_path):
    ledger = tmp_path / "ledger.jsonl"
    result = send(runner, free_port(), ledger)  # nothing listens there
    assert result.exit_code == 1
    assert "connection lost: ConnectionRefusedError" in result.output
    assert "not attempted: 8" in result.output
    assert ledger.read_text("utf-8") == ""


def test_login_with_user_and_password(runner, smtp, tmp_path):
    seen: list[tuple[str, str]] = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        assert isinstance(auth_data, LoginPassword)
        seen.append((auth_data.login.decode(), auth_data.password.decode()))
        return AuthResult(success=auth_data.password == b"s3cret", handled=False)

    server = Collect()
    port = smtp(server, authenticator=authenticator, auth_require_tls=False)
    ledger = tmp_path / "ledger.jsonl"
    wrong = send(runner, port, ledger, DAP_SMTP_USER="dap", DAP_SMTP_PASSWORD="nope")
    assert wrong.exit_code == 1 and "refused the sender or the login: 535" in wrong.output
    assert "nope" not in wrong.output
    right = send(runner, port, ledger, DAP_SMTP_USER="dap", DAP_SMTP_PASSWORD="s3cret")
    assert right.exit_code == 0, right.output
    assert ("dap", "s3cret") in seen and len(server.messages) == 9


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"DAP_SMTP_HOST": ""}, "DAP_SMTP_HOST is not set"),
        ({"DAP_SMTP_SECURITY": "tls13"}, "DAP_SMTP_SECURITY='tls13' is not known"),
        ({"DAP_SMTP_PORT": "smtp"}, "DAP_SMTP_PORT='smtp' is not a number"),
        ({"DAP_SMTP_FROM": ""}, "DAP_SMTP_FROM is not set"),
        ({"DAP_SMTP_USER": "dap"}, "DAP_SMTP_USER is set but DAP_SMTP_PASSWORD is not"),
        (
            {"DAP_SMTP_HOST": "smtp.example.org", "DAP_SMTP_USER": "u", "DAP_SMTP_PASSWORD": "p"},
            "would send the password unencrypted",
        ),
    ],
)
def test_bad_settings_are_named_before_anything_is_sent(runner, tmp_path, extra, message):
    result = send(runner, 25, tmp_path / "ledger.jsonl", **extra)
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output


@pytest.mark.slow
def test_a_crash_half_way_then_a_rerun_sends_exactly_the_rest(smtp, tmp_path):
    hanging = HangAfter(4)
    port = smtp(hanging)
    ledger = tmp_path / "ledger.jsonl"
    cmd = [
        str(Path(sys.executable).with_name("dap")),
        "notify",
        "--as-of",
        "2025-01-10",
        "--send",
        "--ledger",
        str(ledger),
        "--site-url",
        SITE,
    ]
    env = {**os.environ, **env_for(port)}
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert hanging.reached.wait(60), "the client never reached the fifth message"
    finally:
        proc.send_signal(signal.SIGKILL)  # no cleanup, no flush: a crash
        proc.wait(30)
    assert len(hanging.messages) == 4
    assert len(ledger_ids(ledger)) == 4

    rest = Collect()
    rerun = subprocess.run(
        cmd, cwd=ROOT, env={**os.environ, **env_for(smtp(rest))}, capture_output=True, text=True
    )
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert "sent: 5" in rerun.stdout
    assert Counter(hanging.recipients() + rest.recipients()) == Counter(EXPECTED)


# ---------------------------------------------------------------- TLS


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (made with the openssl command)."""
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is needed to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"]
        + ["-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"]
        + ["-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    return cert, key


def server_context(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)
    return context


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_tls_with_a_trusted_certificate(runner, smtp, tmp_path, certificate, security):
    server = Collect()
    context = server_context(certificate)
    if security == "starttls":
        port = smtp(server, tls_context=context, require_starttls=True)
    else:
        port = smtp(server, ssl_context=context)
    ledger = tmp_path / "ledger.jsonl"
    tls = {"DAP_SMTP_SECURITY": security, "DAP_SMTP_CAFILE": str(certificate[0])}
    result = send(runner, port, ledger, **tls)
    assert result.exit_code == 0, result.output
    assert sorted(server.recipients()) == sorted(EXPECTED)


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_tls_refuses_an_untrusted_certificate(runner, smtp, tmp_path, certificate, security):
    server = Collect()
    context = server_context(certificate)
    if security == "starttls":
        port = smtp(server, tls_context=context, require_starttls=True)
    else:
        port = smtp(server, ssl_context=context)
    result = send(runner, port, tmp_path / "ledger.jsonl", DAP_SMTP_SECURITY=security)
    assert result.exit_code == 1
    assert "SSLCertVerificationError" in result.output
    assert server.messages == []


def test_a_reassignment_moves_the_reminder_to_the_new_person(runner, smtp, tmp_path, monkeypatch):
    """The менеджер gives 1.1.2.1.2 to o.tkachenko: she now receives its reminder (and only
    it), t.melnyk keeps 1.1.2.1.1 alone; the координатор still hears of both."""
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    roster = data / "executors" / "nazk.yaml"
    text = roster.read_text("utf-8")
    old = "  1.1.2.1.2:\n    manager: i.bondarenko\n    implementers:\n    - t.melnyk\n"
    assert old in text
    roster.write_text(text.replace(old, old.replace("t.melnyk", "o.tkachenko")), "utf-8")
    server = Collect()
    port = smtp(server)
    monkeypatch.chdir(tmp_path)
    result = send(runner, port, tmp_path / "ledger.jsonl")
    assert result.exit_code == 0, result.output
    assert sorted(server.recipients()) == sorted(EXPECTED | {"o.tkachenko@example.gov.ua"})
    body = {r[0].split("@")[0]: m.get_body(("plain",)).get_content() for r, m in server.messages}
    assert "1.1.2.1.2" in body["o.tkachenko"] and "1.1.2.1.1" not in body["o.tkachenko"]
    assert "1.1.2.1.1" in body["t.melnyk"] and "1.1.2.1.2" not in body["t.melnyk"]
    assert "1.1.2.1.1" in body["a.shevchuk"] and "1.1.2.1.2" in body["a.shevchuk"]
