"""Helpers for tests that need the demonstration data's encrypted contacts (its test-only key)."""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"


def demo_key():
    """The demonstration data's test-only contacts key (builder/demo/write.py)."""
    from builder import contacts
    from builder.demo.write import DEMO_KEY_TEXT

    return contacts.parse_key(DEMO_KEY_TEXT, "demo key")


def read_contacts(data_dir: Path = DATA):
    """The contacts of a demonstration data folder, decrypted with its test-only key."""
    from builder import contacts

    return contacts.decrypt(data_dir, demo_key())


def set_contacts(data_dir: Path, given: dict[str, dict[str, str | None]]) -> None:
    """Change contacts of a demonstration data folder as `dap contacts set` would (an empty or
    None value removes a field) — without the checks of an address, to test those of notify."""
    from builder import contacts
    from builder import models as m

    kept = read_contacts(data_dir)
    for pid, fields in given.items():
        values = {**(kept[pid].model_dump() if pid in kept else {}), **fields}
        kept[pid] = m.Contact.model_construct(**{k: v or None for k, v in values.items()})
    contacts.write(data_dir, kept)
