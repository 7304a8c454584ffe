"""One `dap notify` run: check the data, work out the notices due, then write or send them."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from pathlib import Path

from .. import contacts
from ..errors import DataError
from ..i18n import ngettext
from ..versions import dataset_as_of
from .delivery import Delivery, check_sender, send, smtp_settings, write_outbox
from .ledger import Ledger
from .messages import render
from .plan import Plan, state_of, work_out
from .since import read_since

DEFAULT_LEDGER = Path(".dap-cache/notify-ledger.jsonl")


def run(
    data_dir: Path,
    as_of: dt.date,
    since: str | None = None,
    outbox: Path = Path("outbox"),
    do_send: bool = False,
    ledger_path: Path | None = None,
    site_url: str | None = None,
    env: Mapping[str, str] | None = None,
) -> Delivery:
    """Load and check the data, work out the notices due on `as_of`, then write or send them."""
    from ..compute import snapshot
    from ..git.history import read_history
    from ..validate import validate

    env = os.environ if env is None else env
    settings = smtp_settings(env) if do_send else None  # fail early on a bad setting
    sender = settings.sender if settings else env.get("DAP_SMTP_FROM", "").strip()
    sender = sender or "noreply@dap-notify.invalid"
    check_sender(sender)
    data, problems = validate(data_dir, str(data_dir))
    if any(p.severity == "error" for p in problems):
        raise DataError(problems)
    data = dataset_as_of(data, as_of)  # deadlines and executors as in force on the day
    programme = data.programme
    assert programme is not None
    key = contacts.need_key(env, data_dir, programme.demo)  # no key: no letters at all
    addresses = contacts.decrypt(data_dir, key)
    site = site_url or programme.site_url
    history = read_history(data_dir)  # outside Git: unavailable, file dates are used
    now = snapshot(data, history, as_of, as_of)
    changes = read_since(data_dir, since, as_of, state_of(data, now)) if since else None
    plan = work_out(data, now, as_of, site, changes, addresses)
    rendered = [render(n, programme, as_of, site) for n in plan.notices]
    if settings is not None and ledger_path is None:
        ledger_path = DEFAULT_LEDGER
    ledger = Ledger(ledger_path)
    if ledger.torn:
        plan = Plan(
            plan.as_of,
            plan.notices,
            (
                *plan.notes,
                ngettext(
                    "ledger {path}: {n} unreadable line skipped",
                    "ledger {path}: {n} unreadable lines skipped",
                    ledger.torn,
                    path=ledger_path,
                ),
            ),
        )
    if settings is not None:
        return send(plan, rendered, settings, ledger)
    return write_outbox(plan, rendered, outbox, sender, ledger)
