"""Writing a demonstration into a data folder: one YAML file per record, with its schema line."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from ..datafile import LAYOUT
from ..errors import ConfigError
from ..i18n import _
from ..recordtext import schema_line
from .generate import generate
from .plan import Options


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
        for name, kind in LAYOUT.items():
            target = out / (f"{name}.yaml" if kind.depth == 0 else name)
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
    if progress:
        progress(total, total)
    return counts
