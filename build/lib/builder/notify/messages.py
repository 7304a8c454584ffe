"""A notice as words: subject, plain text and HTML from the templates, and its e-mail."""

from __future__ import annotations

import datetime as dt
import email.utils
import re
from dataclasses import dataclass
from email.header import Header
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from functools import cache
from pathlib import Path

import jinja2

from .. import models as m
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


def message(r: Rendered, sender: str, date: dt.datetime) -> Message:
    """The e-mail of a rendered notice (multipart/alternative), byte-for-byte reproducible.

    Built with the compat32 MIME classes: the newer EmailMessage folding of Python 3.11 drops
    the spaces between encoded words of a long Cyrillic subject.
    """
    if not r.notice.email:
        raise ValueError(f"{r.notice.person} has no e-mail address")
    msg = MIMEMultipart("alternative", boundary=f"=_dap_{r.notice.id}")
    msg["From"] = sender if sender.isascii() else _address(sender)
    msg["To"] = email.utils.formataddr((r.notice.name, r.notice.email), charset="utf-8")
    msg["Subject"] = Header(r.subject, "utf-8")  # type: ignore[assignment]
    msg["Date"] = email.utils.format_datetime(date)
    msg["Message-ID"] = f"<{r.notice.id}@dap-notify>"
    msg["Auto-Submitted"] = "auto-generated"
    msg["Content-Language"] = "uk"
    msg["X-DAP-Notice"] = r.notice.id
    msg["X-DAP-Kind"] = r.notice.kind
    msg.attach(MIMEText(r.text, "plain", "utf-8"))
    msg.attach(MIMEText(r.html, "html", "utf-8"))
    return msg


def _address(value: str) -> str:
    """'Name <addr>' with a non-ASCII name encoded for a header."""
    name, addr = email.utils.parseaddr(value)
    return email.utils.formataddr((name, addr), charset="utf-8")
