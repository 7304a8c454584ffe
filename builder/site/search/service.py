"""`pagefind --service` spoken to directly (the protocol of Pagefind's own Python and Node
wrappers), with its allocator set to give freed memory back."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import threading
from pathlib import Path
from typing import Any

# Pagefind's allocator (jemalloc, built into its binary; its settings are read from this
# variable) gives freed memory back at once and keeps one arena: Pagefind frees much while it
# builds the index (its copy of every record, the word lists as they are chunked), and
# by default kept it for 10 s per thread's arena. Its peak while indexing 2,000 measures:
# 595 → 462 MB, the same files (issue 22, ninth session). A value set by the user wins.
PAGEFIND_MALLOC = "narenas:1,dirty_decay_ms:0,muzzy_decay_ms:0"
RECORDS_AT_ONCE = 500  # records sent to Pagefind in one batch
RECORDS_FIRST = 25  # in the first batch; each next one twice as large (`index._batches`)


class PagefindService:
    """`pagefind --service`: requests and answers as base64 JSON, each followed by a comma.

    The protocol of Pagefind's own Python and Node wrappers. Their Python client reads one
    answer every 0.1 s (an `asyncio.sleep` in its polling loop): 33 minutes for the 20,000
    records of a 2,000-measure programme. This one sends the requests from a thread while it
    reads the answers as they come: seconds; and the caller may work between sending
    requests and reading their answers (`send`, `answers`).
    """

    def __init__(self, binary: Path):
        self.process = subprocess.Popen(
            [str(binary), "--service"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env={"_RJEM_MALLOC_CONF": PAGEFIND_MALLOC, **os.environ},
        )
        self.sent = 0  # requests sent (each one's number: its place in this order, from 1)
        self.writer: threading.Thread | None = None
        self.answered: dict[int, dict[str, Any]] = {}  # answers read, not yet taken
        self.pending, self.rest = bytearray(), b""  # the answer being read (`_read`)

    def __enter__(self) -> PagefindService:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.writer is not None:
            self.writer.join(timeout=10)
        if self.process.stdin:
            self.process.stdin.close()  # the service ends when its input does
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def ask(self, payloads: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Send every request; return the answers in the same order (an error: ValueError)."""
        return self.answers(self.send(payloads))

    def send(self, payloads: list[dict[str, Any]]) -> range:
        """Start sending the requests, from a thread, after those sent before; returns their
        numbers, whose answers `answers` waits for. Meanwhile this thread may do other work,
        and Pagefind works on what it has been sent (issue 22: our Python and Pagefind on
        both cores instead of by turns)."""
        first = self.sent + 1
        self.sent += len(payloads)
        stdin = self.process.stdin
        assert stdin is not None
        if self.writer is not None:
            self.writer.join()  # the requests go in the order they were given

        def send() -> None:
            try:
                for number, payload in enumerate(payloads, first):
                    message = {"message_id": number, "payload": payload}
                    stdin.write(base64.b64encode(json.dumps(message).encode()) + b",")
                stdin.flush()
            except OSError:
                pass  # the service has stopped: the reading says so

        self.writer = threading.Thread(target=send, daemon=True)
        self.writer.start()
        return range(first, first + len(payloads))

    def answers(self, numbers: range) -> list[dict[str, Any]]:
        """The answers to the requests `numbers` (`send`), in their order, once all have come
        (an error: ValueError)."""
        for number in numbers:
            while number not in self.answered:
                self._read()
        return [self.answered.pop(number) for number in numbers]

    def _read(self) -> None:
        """Read what the service has written, keeping each whole answer by its number; the
        answer being read is decoded as it comes (one — the index's files — is tens of
        megabytes: held once, not as its base64 and a joined copy too; issue 22)."""
        stdout = self.process.stdout
        assert stdout is not None
        chunk = os.read(stdout.fileno(), 1 << 16)
        if not chunk:
            raise ValueError("pagefind --service stopped before it answered")
        while b"," in chunk:
            head, chunk = chunk.split(b",", 1)
            self.pending += base64.b64decode(self.rest + head)
            answer = json.loads(self.pending)
            self.pending, self.rest = bytearray(), b""
            payload = answer.get("payload") or {}
            if payload.get("type") == "Error":
                raise ValueError(payload.get("message") or "error")
            # an added record's answer repeats its meta: not kept (memory, issue 22)
            kept = {} if payload.get("type") == "IndexedFile" else payload
            self.answered[int(answer["message_id"])] = kept
            del answer
        whole = len(self.rest + chunk) // 4 * 4  # base64 decodes four characters at a time
        self.pending += base64.b64decode((self.rest + chunk)[:whole])
        self.rest = (self.rest + chunk)[whole:]
