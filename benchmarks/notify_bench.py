"""How long `dap notify` takes at national scale, and how fast it sends over loopback SMTP.

Run: python benchmarks/notify_bench.py

The synthetic programme of compute_bench.py (2,000 measures, 109 executors, ~50,000 records)
with rosters added: 4 people per executor (a manager, a coordinator, two implementers) and 20
analysts. Times working out the notices on a closing-window day and on a day after the window
(reminders, overdue notices and the analysts' digest), rendering them, writing the outbox, and
sending them to an aiosmtpd server on 127.0.0.1 with the ledger fsynced after each message.
"""

from __future__ import annotations

import datetime as dt
import socket
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from compute_bench import synthetic  # noqa: E402

from builder import compute  # noqa: E402
from builder import models as m  # noqa: E402
from builder.notify.delivery import SmtpSettings, send, write_outbox  # noqa: E402
from builder.notify.ledger import Ledger  # noqa: E402
from builder.notify.messages import render  # noqa: E402
from builder.notify.plan import work_out  # noqa: E402
from builder.parallel import collector_paused  # noqa: E402

D = dt.date
SITE = "https://monitoring.example.org/dap"


def with_rosters(data) -> dict[str, m.Contact]:
    """Give every executor four people and NACP twenty analysts; their addresses (as the
    decrypted contacts would give them)."""
    since = D(2023, 1, 16)
    for eid, ex in list(data.executors.items()):
        people = [
            m.Person(
                id=f"{eid}.{role}{n}",
                name=f"Особа {eid} {n}",
                roles=[r],
                since=since,
            )
            for n, (role, r) in enumerate(
                [
                    ("m", m.ExecutorRole.MANAGER),
                    ("c", m.ExecutorRole.COORDINATOR),
                    ("i", m.ExecutorRole.IMPLEMENTER),
                    ("i", m.ExecutorRole.IMPLEMENTER),
                ]
            )
        ]
        data.executors[eid] = ex.model_copy(update={"people": people})
    data.staff = [
        m.Person(
            id="an" if n == 0 else f"an{n}",
            name=f"Аналітик {n}",
            roles=[m.StaffRole.ANALYST],
            since=since,
        )
        for n in range(20)
    ]
    people = [*data.staff, *(p for ex in data.executors.values() for p in ex.people)]
    return {p.id: m.Contact(email=f"{p.id}@example.gov.ua") for p in people}


def timed(label: str, fn):
    start = time.perf_counter()
    result = fn()
    print(f"  {label}: {time.perf_counter() - start:.3f} s")
    return result


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Sink:
    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.count += 1
        return "250 OK"


def main() -> None:
    data, _ = synthetic("recorded")
    contacts = with_rosters(data)
    programme = data.programme
    assert programme is not None
    people = len(data.staff) + sum(len(ex.people) for ex in data.executors.values())
    print(f"{len(data.measures)} measures, {len(data.reports):,} reports, {people} people")
    for day in (D(2025, 1, 10), D(2025, 1, 20)):
        print(f"as of {day}:")
        snap = timed("snapshot (compute)", lambda day=day: compute.snapshot(data, None, day, day))
        plan = timed(
            "work out notices", lambda s=snap, d=day: work_out(data, s, d, SITE, contacts=contacts)
        )
        kinds: dict[str, int] = {}
        for n in plan.notices:
            kinds[n.kind] = kinds.get(n.kind, 0) + 1
        items = sum(len(n.items) + len(n.backlog) for n in plan.notices)
        print(f"  {len(plan.notices)} notices ({kinds}), {items:,} measure lines")
        rendered = timed(
            "render (text + HTML)",
            lambda p=plan, d=day: [render(n, programme, d, SITE) for n in p.notices],
        )
        with tempfile.TemporaryDirectory() as tmp:
            timed(
                "write the outbox",
                lambda p=plan, r=rendered, t=tmp: write_outbox(
                    p, r, Path(t), "noreply@example.gov.ua", Ledger(None)
                ),
            )
            from aiosmtpd.controller import Controller

            sink = Sink()
            port = free_port()
            controller = Controller(sink, hostname="127.0.0.1", port=port)
            controller.start()
            try:
                settings = SmtpSettings(
                    "127.0.0.1", port, "none", None, None, "noreply@example.gov.ua"
                )
                ledger = Ledger(Path(tmp) / "ledger.jsonl")
                start = time.perf_counter()
                result = send(plan, rendered, settings, ledger)
                took = time.perf_counter() - start
            finally:
                controller.stop()
            print(
                f"  send over loopback SMTP with fsynced ledger: {result.count('sent')} sent in "
                f"{took:.3f} s ({result.count('sent') / took:.0f} messages/s)"
            )


if __name__ == "__main__":
    with collector_paused():  # as every `dap` command runs (cli.main)
        main()
