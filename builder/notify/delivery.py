"""Delivery of rendered notices: .eml files in an outbox for review, or SMTP; the run's result."""

from __future__ import annotations

import contextlib
import datetime as dt
import email.utils
import re
import smtplib
import ssl
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ConfigError
from ..i18n import N_, _, ngettext
from .ledger import Ledger, Outcome, skip
from .messages import NOT_IN_HEADER, Rendered, Unaddressable, message, plain_address
from .plan import (
    ACCESS_GRANTED,
    DEADLINE_NEAR,
    KINDS,
    OVERDUE_DIGEST,
    REPORT_OVERDUE,
    STATUS_CHANGED,
    WINDOW_CLOSING,
    WINDOW_OPEN,
    Notice,
    Plan,
)


@dataclass
class Delivery:
    """The result of a run: one outcome per notice, and notes."""

    plan: Plan
    mode: str  # "outbox" | "smtp"
    where: str
    outcomes: list[Outcome] = field(default_factory=list)

    def count(self, state: str) -> int:
        """How many notices ended in `state`."""
        return sum(o.state == state for o in self.outcomes)

    @property
    def failed(self) -> bool:
        """True when some notice that should have gone did not."""
        return any(o.state in UNDELIVERED for o in self.outcomes)

    def summary(self) -> list[str]:
        """Lines for the log, in the run's language: counts, person ids and notice ids — never
        addresses. Lists of ids follow their line's text whole (they are never shortened)."""
        plan = self.plan
        by_kind: dict[str, int] = defaultdict(int)
        for n in plan.notices:
            by_kind[n.kind] += 1
        kinds = ", ".join(f"{_(KIND_LABELS[k])} {by_kind[k]}" for k in KINDS if by_kind[k])
        due = ngettext(
            "{n} notice(s) due on {day}",
            "{n} notice(s) due on {day}",
            len(plan.notices),
            day=plan.as_of,
        )
        where = (
            _("sent via {server}", server=self.where)
            if self.mode == "smtp"
            else _("outbox: {folder}", folder=self.where)
        )
        lines = [due + (f": {kinds}" if kinds else "") + f" ({where})"]
        for state, label in STATE_LABELS.items():
            if self.count(state):
                lines.append(f"  {_(label)}: {self.count(state)}")
                if state in ("sent", "written") and self.failed:  # say which went
                    lines.append(
                        "    "
                        + ", ".join(
                            f"{o.notice.id} → {o.notice.person}"
                            for o in self.outcomes
                            if o.state == state
                        )
                    )
        for person in sorted({o.notice.person for o in self.outcomes if o.state == "no_address"}):
            lines.append(
                "  "
                + _(
                    "{person}: no e-mail address in the contacts, their notices were not "
                    "written — add it with 'dap contacts set {person} --email ADDRESS'",
                    person=person,
                )
            )
        for o in self.outcomes:
            n = o.notice
            if o.state in ("failed", "conflict"):
                failed = _(
                    "FAILED {notice} {kind} → {person}:", notice=n.id, kind=n.kind, person=n.person
                )
                lines.append(f"  {failed} {o.detail}")
            elif o.state == "unaddressable":
                skipped = _(
                    "SKIPPED {notice} {kind} → {person}: {reason} — correct it in the data",
                    notice=n.id,
                    kind=n.kind,
                    person=n.person,
                    reason=o.detail,
                )
                lines.append(f"  {skipped}")
        waiting = [o for o in self.outcomes if o.state == "not_attempted"]
        if waiting:
            lines.append(
                "  "
                + _(
                    "not attempted: {count} ({reason}) —",
                    count=len(waiting),
                    reason=waiting[0].detail,
                )
                + " "
                + ", ".join(f"{o.notice.id} → {o.notice.person}" for o in waiting)
            )
        for note in plan.notes:
            lines.append("  " + _("note:") + " " + note)
        if self.mode == "smtp" and any(o.state in AGAIN for o in self.outcomes):
            lines.append("  " + _("run the same command again to send exactly the rest"))
        return lines


# Outcomes of a notice that should have gone and did not (the run exits 1); a rerun delivers
# those of AGAIN, while an unaddressable one waits for its data to be corrected.
UNDELIVERED = ("failed", "not_attempted", "conflict", "unaddressable")
AGAIN = ("failed", "not_attempted")

# What each kind of notice and each outcome is called in the run's summary.
KIND_LABELS = {
    WINDOW_OPEN: N_("window_open"),
    WINDOW_CLOSING: N_("window_closing"),
    REPORT_OVERDUE: N_("report_overdue"),
    OVERDUE_DIGEST: N_("overdue_digest"),
    DEADLINE_NEAR: N_("deadline_near"),
    STATUS_CHANGED: N_("status_changed"),
    ACCESS_GRANTED: N_("access_granted"),
}
STATE_LABELS = {
    "sent": N_("sent"),
    "written": N_("written"),
    "unchanged": N_("already in the outbox, identical"),
    "already_sent": N_("already sent (in the ledger), skipped"),
}


EMAIL_RE = re.compile(r"[^\s<>\"'(),;:]+@[^\s<>\"'(),;:]+")


def redact(text: str) -> str:
    """Text from a server or an exception with every e-mail address hidden."""
    return EMAIL_RE.sub(_("<address hidden>"), " ".join(str(text).split()))[:300]


def outbox_name(n: Notice) -> str:
    """File name of a notice in the outbox: kind, person id and notice id."""
    return f"{n.kind}--{n.person}--{n.id}.eml"


def write_outbox(
    plan: Plan,
    rendered: list[Rendered],
    folder: Path,
    sender: str,
    ledger: Ledger,
) -> Delivery:
    """Write each notice as an .eml file under folder/<as_of>/ for review (nothing is sent).

    An existing file is left alone: identical means done, different is reported as a conflict.
    Notices already in the ledger are skipped, as `--send` would skip them.
    """
    target = folder / plan.as_of.isoformat()
    result = Delivery(plan, "outbox", str(target))
    date = dt.datetime.combine(plan.as_of, dt.time(9, 0), dt.UTC)
    for r in rendered:
        n = r.notice
        if skipped := skip(n, ledger):
            result.outcomes.append(skipped)
            continue
        try:
            raw = message(r, sender, date).as_bytes()
        except Unaddressable as exc:  # this notice alone: the others are written
            result.outcomes.append(Outcome(n, "unaddressable", str(exc)))
            continue
        path = target / outbox_name(n)
        if path.exists():
            same = path.read_bytes() == raw
            result.outcomes.append(
                Outcome(n, "unchanged")
                if same
                else Outcome(
                    n,
                    "conflict",
                    _(
                        "{path} exists with other content — review and move it away, "
                        "or pass another --outbox",
                        path=path,
                    ),
                )
            )
            continue
        try:
            target.mkdir(parents=True, exist_ok=True)
            with open(path, "xb") as fh:
                fh.write(raw)
        except OSError as exc:
            detail = _("cannot write {path}: {reason}", path=path, reason=exc.strerror)
            result.outcomes.append(Outcome(n, "failed", detail))
            continue
        result.outcomes.append(Outcome(n, "written"))
    return result


SECURITY = ("starttls", "ssl", "none")
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
LOOPBACK = ("localhost", "127.0.0.1", "::1")


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to send, from DAP_SMTP_* environment variables."""

    host: str
    port: int
    security: str
    user: str | None
    password: str | None = field(repr=False)
    sender: str
    cafile: str | None = None  # a CA bundle to trust instead of the system's (a private CA)
    timeout: float = 30.0


def smtp_settings(env: Mapping[str, str]) -> SmtpSettings:
    """Read DAP_SMTP_HOST, _PORT, _SECURITY, _USER, _PASSWORD, _FROM, _CAFILE; name what is wrong."""
    host = env.get("DAP_SMTP_HOST", "").strip()
    if not host:
        raise ConfigError(
            _("DAP_SMTP_HOST is not set — set it to the SMTP server's name to --send")
        )
    security = env.get("DAP_SMTP_SECURITY", "starttls").strip().lower() or "starttls"
    if security not in SECURITY:
        raise ConfigError(
            _(
                "DAP_SMTP_SECURITY='{value}' is not known — use one of: {known}",
                value=security,
                known=", ".join(SECURITY),
            )
        )
    port_text = env.get("DAP_SMTP_PORT", "").strip()
    try:
        port = int(port_text) if port_text else DEFAULT_PORTS[security]
    except ValueError:
        raise ConfigError(
            _("DAP_SMTP_PORT='{value}' is not a number — e.g. 587", value=port_text)
        ) from None
    if not 0 < port < 65536:
        raise ConfigError(_("DAP_SMTP_PORT={value} is out of range — e.g. 587", value=port))
    user = env.get("DAP_SMTP_USER", "").strip() or None
    password = env.get("DAP_SMTP_PASSWORD") or None
    if user and password is None:
        raise ConfigError(
            _("DAP_SMTP_USER is set but DAP_SMTP_PASSWORD is not — set both or neither")
        )
    if security == "none" and user and host not in LOOPBACK:
        raise ConfigError(
            _("DAP_SMTP_SECURITY=none would send the password unencrypted — use starttls or ssl")
        )
    sender = env.get("DAP_SMTP_FROM", "").strip() or (user if user and "@" in user else "")
    if not sender or "@" not in email.utils.parseaddr(sender)[1]:
        raise ConfigError(
            _(
                "DAP_SMTP_FROM is not set — set it to the sender address, e.g. '{example}'",
                example="Моніторинг ДАП <noreply@example.gov.ua>",
            )
        )
    check_sender(sender)
    cafile = env.get("DAP_SMTP_CAFILE", "").strip() or None
    if cafile and not Path(cafile).is_file():
        raise ConfigError(
            _("DAP_SMTP_CAFILE='{value}' is not a file — give the CA bundle's path", value=cafile)
        )
    return SmtpSettings(host, port, security, user, password, sender, cafile)


def check_sender(sender: str) -> None:
    """Refuse a DAP_SMTP_FROM that cannot head an e-mail intact (a control character, not a
    plain address) before any notice is worked out."""
    bad = NOT_IN_HEADER.search(sender)
    address = email.utils.parseaddr(sender)[1]
    if bad or not plain_address(address):
        raise ConfigError(
            _(
                "DAP_SMTP_FROM is not one plain address (a control character in it, or an "
                "address other than name@domain in Latin letters) — set it as '{example}'",
                example="Моніторинг ДАП <noreply@example.gov.ua>",
            )
        )


def connect(s: SmtpSettings) -> smtplib.SMTP:
    """An open, authenticated SMTP connection as the settings say."""
    context = ssl.create_default_context(cafile=s.cafile)
    if s.security == "ssl":
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=context)
    else:
        smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
        if s.security == "starttls":
            smtp.starttls(context=context)
    if s.user and s.password is not None:
        smtp.login(s.user, s.password)
    return smtp


def _reply(code: int, text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return redact(f"{code} {text}")


def send(
    plan: Plan,
    rendered: list[Rendered],
    settings: SmtpSettings,
    ledger: Ledger,
    clock: Callable[[], dt.datetime] | None = None,
) -> Delivery:
    """Send every notice not in the ledger; record each right after the server accepted it.

    A refused recipient or message fails that notice only; a lost connection stops the run and
    leaves the rest for the next one (which sends exactly them).
    """
    now = clock or _utc_now
    result = Delivery(plan, "smtp", f"{settings.host}:{settings.port}")
    smtp: smtplib.SMTP | None = None
    stopped = ""
    ledger.open()
    try:
        for r in rendered:
            n = r.notice
            if skipped := skip(n, ledger):
                result.outcomes.append(skipped)
                continue
            if stopped:
                result.outcomes.append(Outcome(n, "not_attempted", stopped))
                continue
            assert n.email  # skip passed it on, so it has an address
            try:
                msg = message(r, settings.sender, now())
            except Unaddressable as exc:  # this notice alone: the others go
                result.outcomes.append(Outcome(n, "unaddressable", str(exc)))
                continue
            try:
                if smtp is None:
                    smtp = connect(settings)
                envelope_from = email.utils.parseaddr(settings.sender)[1]
                smtp.send_message(msg, envelope_from, [n.email])
            except smtplib.SMTPRecipientsRefused as exc:
                code, text = next(iter(exc.recipients.values()), (0, b""))
                detail = _("recipient refused: {reply}", reply=_reply(code, text))
                result.outcomes.append(Outcome(n, "failed", detail))
            except smtplib.SMTPDataError as exc:
                detail = _("message refused: {reply}", reply=_reply(exc.smtp_code, exc.smtp_error))
                result.outcomes.append(Outcome(n, "failed", detail))
            except (smtplib.SMTPSenderRefused, smtplib.SMTPAuthenticationError) as exc:
                stopped = _(
                    "the server refused the sender or the login: {reply}",
                    reply=_reply(exc.smtp_code, exc.smtp_error),
                )
                result.outcomes.append(Outcome(n, "failed", stopped))
            except (OSError, smtplib.SMTPException) as exc:  # down, dropped, timed out, TLS
                stopped = _(
                    "connection lost: {error}",
                    error=type(exc).__name__ + ": " + (redact(str(exc)) or "-"),
                )
                result.outcomes.append(Outcome(n, "failed", stopped))
                _close(smtp)
                smtp = None
            else:
                ledger.record(n, now())
                result.outcomes.append(Outcome(n, "sent"))
    finally:
        if smtp is not None:
            try:
                smtp.quit()
            except (OSError, smtplib.SMTPException):
                _close(smtp)
        ledger.close()
    return result


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _close(smtp: smtplib.SMTP | None) -> None:
    if smtp is not None:
        with contextlib.suppress(OSError):
            smtp.close()
