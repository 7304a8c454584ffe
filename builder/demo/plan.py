"""What a demonstration is asked for (Options), the files it makes (Plan), its quarters and random draws."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

START_YEAR = 2023


@dataclass
class Options:
    """Size and seed of a demonstration programme."""

    measures: int = 60
    executors: int = 12
    years: int = 3
    seed: int = 1
    today: dt.date | None = None  # nothing is done after this day (default: the clock's)
    # English texts for the programme, the directions and the central bodies (their fixed
    # lists have them); the rest stays without, as a real programme's would at first.
    english: bool = False


@dataclass
class Plan:
    """The files to write: data-relative path → record (plain dicts, dates as date)."""

    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Person id → {email, phone}: written encrypted into contacts.age, never into a roster.
    contacts: dict[str, dict[str, str]] = field(default_factory=dict)

    def add(self, rel: str, record: dict[str, Any]) -> None:
        """Add one file; a path twice is a bug in the generator."""
        if rel in self.files:
            raise AssertionError(f"generated twice: {rel}")
        self.files[rel] = record


def quarters(years: int) -> list[str]:
    """Every quarter of the programme, oldest first."""
    return [f"{START_YEAR + y}-Q{q}" for y in range(years) for q in range(1, 5)]


def _day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, max(0, (end - start).days)))


def _sentences(rng: random.Random, pool: list[str], k: int, **values: str) -> str:
    picked = rng.sample(pool, min(k, len(pool)))
    return " ".join(s.format(n=rng.randint(2, 95), **values) for s in picked)
