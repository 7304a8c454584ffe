"""A notice as words: subject, plain text and HTML from the templates, and its e-mail."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import email.utils
import re
from collections.abc import Callable
from dataclasses import dataclass
from email.charset import Charset
from email.errors import MessageError
from email.header import Header
from email.headerregistry import Address
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import Compat32
from functools import cache
from pathlib import Path
from typing import Any

import jinja2

from .. import models as m
from ..explain import code_point
from ..i18n import _
from ..wording import ua_date
from .plan import Notice

TEMPLATES = Path(__file__).parent / "templates"


@dataclass(frozen=True)
class Rendered:
    """A notice as words: subject, plain text and HTML."""

    notice: Notice
    subject: str
    text: str
    html: str


@cache
def _environments() -> tuple[jinja2.Environment, jinja2.Environment]:
    loader = jinja2.FileSystemLoader(str(TEMPLATES))
    common = {
        "loader": loader,
        "undefined": jinja2.StrictUndefined,
        "trim_blocks": True,
        "lstrip_blocks": True,
        "keep_trailing_newline": True,
    }
    text = jinja2.Environment(autoescape=False, **common)  # type: ignore[arg-type]  # noqa: S701 - plain text
    html = jinja2.Environment(autoescape=True, **common)  # type: ignore[arg-type]
    return text, html


def render(
    notice: Notice, programme: m.Programme, as_of: dt.date, site_url: str | None
) -> Rendered:
    """Subject, plain text and HTML of a notice from builder/notify/templates/<kind>.txt/.html.

    The first line of the plain-text template's output is the subject; HTML is escaped.
    """
    text_env, html_env = _environments()
    context = {
        "n": notice,
        "facts": dict(notice.facts),
        "items": notice.items,
        "backlog": notice.backlog,
        "programme": programme.short_title or programme.title,
        "as_of": ua_date(as_of),
        "site_url": site_url.rstrip("/") + "/" if site_url else None,
        "roles": ", ".join(notice.roles),
    }
    raw = text_env.get_template(f"{notice.kind}.txt").render(context)
    raw = re.sub(r"\n{3,}", "\n\n", raw)  # templates stay readable; letters get one blank line
    first, _, body = raw.partition("\n")
    subject = " ".join(first.split())
    html = html_env.get_template(f"{notice.kind}.html").render(context, subject=subject)
    return Rendered(notice, subject, body.strip("\n") + "\n", html)


# What a header may never hold, whatever encoding it gets: control characters (a line break
# among them — str.splitlines() and mail programs break lines at \v, \f, \x1c–\x1e too) and
# the line and paragraph separators.
NOT_IN_HEADER = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
UTF8 = Charset("utf-8")
MAX_LINE = 998  # characters of a header line (RFC 5322, 2.1.1)


class Unaddressable(ValueError):
    """A notice whose e-mail cannot be written intact; the reason is in the run's language."""


class StrictPolicy(Compat32):
    """compat32 (its folding keeps the spaces between the encoded words of a long Cyrillic
    subject) that refuses to write a header holding a control character, a line break that
    does not fold it, or a non-ASCII byte — what `verify_generated_headers` does in Pythons
    newer than 3.11.7. Every header of a notice is written through it, sending included."""

    def fold(self, name: str, value: Any) -> str:
        """The header folded as compat32 does, refused when it is not one intact header."""
        fold = super().fold
        return _verified(name, lambda: fold(name, value), self.linesep)

    def fold_binary(self, name: str, value: Any) -> bytes:
        """As `fold`, in bytes (what the outbox and smtplib write)."""
        fold = super().fold_binary
        return _verified(name, lambda: fold(name, value), self.linesep)


STRICT = StrictPolicy()


def _verified(name: str, fold: Callable[[], Any], linesep: str) -> Any:
    """What `fold` returns, if it is one header, whole: ASCII, no control character, every line
    break followed by the space that folds it, no line longer than RFC 5322 allows (a server
    may cut it). Else (the email package's own refusal included) `Unaddressable`."""
    try:
        folded = fold()
        text = folded.decode("ascii", "surrogateescape") if isinstance(folded, bytes) else folded
    except (ValueError, MessageError):
        text = ""
    lines = text.split(linesep)
    intact = text.endswith(linesep) and text.isascii() and lines[-1] == ""
    intact = intact and not any(NOT_IN_HEADER.search(line.replace("\t", " ")) for line in lines)
    intact = intact and all(line[:1] in (" ", "\t") for line in lines[1:-1])  # folded breaks
    intact = intact and all(len(line) <= MAX_LINE for line in lines)
    if not intact:
        raise Unaddressable(_("the {header} header could not be written intact", header=name))
    return folded


def plain_address(address: str) -> bool:
    """True for a plain address (name@domain, ASCII) that the email package reads back whole."""
    if not address.isascii() or NOT_IN_HEADER.search(address):
        return False
    try:
        parsed = Address(addr_spec=address)
    except (ValueError, MessageError):  # a header defect is a ValueError
        return False
    return parsed.addr_spec == address and bool(parsed.username and parsed.domain)


def mailbox(name: str, address: str) -> str:
    """`name <address>` for a header, by the email package: the name always as one RFC 2047
    encoded word, so nothing in it — quotes, commas, '<', an '=?…?=' of its own — is read as
    header syntax, and a mail program shows exactly the text of the roster."""
    return email.utils.formataddr((UTF8.header_encode(name) if name else "", address))


def unaddressable(name: str, address: str) -> str | None:
    """Why a person's `name <address>` cannot head an e-mail, in the run's language, or None."""
    bad = NOT_IN_HEADER.search(name)
    if bad:
        return _("the name holds the control character {char}", char=code_point(bad.group()))
    if not plain_address(address):
        return _("the address is not one plain e-mail address in Latin letters")
    return None


def message(r: Rendered, sender: str, date: dt.datetime) -> Message:
    """The e-mail of a rendered notice (multipart/alternative), byte-for-byte reproducible.

    Every header is built by the email package and written through `STRICT`. The recipient's
    name and address and the subject are checked first, and the finished e-mail is read back
    by the email package's own parser, which must find exactly the headers meant: else
    `Unaddressable` is raised with the reason, and the caller skips this notice alone.

    Built with the compat32 MIME classes: EmailMessage's folding in Python 3.11 drops the
    spaces between the encoded words of a long Cyrillic subject, and turns a name written as
    '=?utf-8?q?=0D=0A?=' into a raw line break in the header.
    """
    n = r.notice
    why = unaddressable(n.name, n.email or "")
    bad = NOT_IN_HEADER.search(r.subject)
    if bad and not why:
        why = _("the subject holds the control character {char}", char=code_point(bad.group()))
    if why:
        raise Unaddressable(why)
    assert n.email
    sender_name, sender_address = email.utils.parseaddr(sender)
    msg = MIMEMultipart("alternative", boundary=f"=_dap_{n.id}", policy=STRICT)
    msg["From"] = mailbox(sender_name, sender_address)
    msg["To"] = mailbox(n.name, n.email)
    msg["Subject"] = Header(r.subject, "utf-8", header_name="Subject")  # type: ignore[assignment]
    msg["Date"] = email.utils.format_datetime(date)
    msg["Message-ID"] = f"<{n.id}@dap-notify>"
    msg["Auto-Submitted"] = "auto-generated"
    msg["Content-Language"] = "uk"
    msg["X-DAP-Notice"] = n.id
    msg["X-DAP-Kind"] = n.kind
    msg.attach(MIMEText(r.text, "plain", "utf-8", policy=STRICT))
    msg.attach(MIMEText(r.html, "html", "utf-8", policy=STRICT))
    meant = {
        "From": [(sender_name, sender_address)],
        "To": [(n.name, n.email)],
        "Subject": r.subject,
        "Date": date.replace(microsecond=0),
        "Message-ID": f"<{n.id}@dap-notify>",
    }
    wrong = _read_back(msg.as_bytes(), msg.keys(), meant)
    if wrong:
        raise Unaddressable(_("the {header} header would not be read as written", header=wrong))
    return msg


def _read_back(raw: bytes, names: list[str], meant: dict[str, object]) -> str | None:
    """The first header that the email package's own parser reads otherwise than meant — a
    header added, lost or broken, an address or a text changed — or None when all are intact."""
    back = email.message_from_bytes(raw, policy=email.policy.default)
    if back.keys() != names:
        return next((k for k in back if k not in names), names[-1])
    for name in names:
        try:
            header = back[name]
            value = meant.get(name)
            if header.defects:
                return name
            if isinstance(value, list):
                found: object = [(a.display_name, a.addr_spec) for a in header.addresses]
            elif isinstance(value, dt.datetime):
                found = header.datetime
            else:
                found = str(header)
        except (ValueError, MessageError, AttributeError, TypeError):
            return name
        if value is not None and found != value:
            return name
    return None
