"""Writing a demonstration into a data folder: one YAML file per record, with its schema line."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from .. import contacts as ct
from .. import models as m
from ..datafile import LAYOUT
from ..errors import ConfigError
from ..i18n import _
from ..recordtext import schema_line
from .generate import generate
from .plan import Options

# The demonstration data's contacts key: public on purpose (a fresh clone's `dap notify`
# writes its letters with no setup) and marked test-only, so dap refuses it for a programme
# that is not a demonstration. The repository's data/ uses the same key.
DEMO_IDENTITY = "AGE-SECRET-KEY-1FTDNFNYEFT8R0Z3XPVYFGRHTUZ09DK2VS5PYAD8MKWTRH9NPUM9QWF7Z67"
DEMO_RECIPIENT = "age1gzgxrs27m35q6mavhpnexrj9hmmq6m3a0wshte2d655096plpp9stxmj09"
DEMO_KEY_TEXT = f"""\
# {ct.TEST_ONLY}: the key of the demonstration data's contacts ({ct.CONTACTS}).
# Public on purpose, so that `dap notify` works on a fresh clone with no setup; dap refuses
# it for any programme with `demo: false`. Never encrypt real contacts to it.
# public key: {DEMO_RECIPIENT}
{DEMO_IDENTITY}
"""
DEMO_RECIPIENTS_TEXT = f"""\
# Public keys (age) the contacts in {ct.CONTACTS} are encrypted to, one a line.
# Demonstration data: the test-only key in {ct.DEMO_KEY}. A real programme lists NACP's keys.
{DEMO_RECIPIENT}
"""


def write_contacts(out: Path, contacts: dict[str, dict[str, str]]) -> None:
    """The demonstration's contacts, encrypted to its test-only key, with that key beside."""
    (out / ct.DEMO_KEY).write_text(DEMO_KEY_TEXT, encoding="utf-8")
    (out / ct.RECIPIENTS).write_text(DEMO_RECIPIENTS_TEXT, encoding="utf-8")
    ct.write(out, {pid: m.Contact.model_validate(c) for pid, c in contacts.items()})


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """C emitter without anchors: the loader refuses aliases, so shared values are written out."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def dump(record: dict[str, Any]) -> str:
    """One record as YAML text (the same bytes for the same record)."""
    text: str = yaml.dump(record, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)
    return text


def write(
    opts: Options,
    out: Path,
    overwrite: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, int]:
    """Generate and write the programme into `out`; return the number of files per kind.

    Refuses a non-empty folder unless `overwrite`; then it deletes only the layout's own
    files and folders there (programme.yaml, staff.yaml, measures/, reports/ …) first.
    `progress(done, total)` is told how far the writing is, every 1,000 files and at the end.
    """
    if out.exists() and not out.is_dir():
        raise ConfigError(_("{path} is a file, not a folder", path=out))
    if out.is_dir() and any(out.iterdir()):
        if not overwrite:
            raise ConfigError(
                _(
                    "{folder} is not empty — choose an empty folder or pass --overwrite "
                    "(it replaces the data files there)",
                    folder=out,
                )
            )
        names = [f"{n}.yaml" if k.depth == 0 else n for n, k in LAYOUT.items()]
        for name in [*names, ct.CONTACTS, ct.RECIPIENTS, ct.DEMO_KEY]:
            target = out / name
            if target.is_dir():
                shutil.rmtree(target)
            elif target.exists():
                target.unlink()
    plan = generate(opts)
    counts: dict[str, int] = {}
    made: set[Path] = set()
    total = len(plan.files)
    for done, (rel, record) in enumerate(plan.files.items()):
        if progress and done % 1000 == 0:
            progress(done, total)
        path = out / rel
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        path.write_text(schema_line(rel) + dump(record), encoding="utf-8")
        name = rel.split("/")[0].removesuffix(".yaml")
        counts[name] = counts.get(name, 0) + 1
    write_contacts(out, plan.contacts)
    counts["contacts"] = 1
    if progress:
        progress(total, total)
    return counts
