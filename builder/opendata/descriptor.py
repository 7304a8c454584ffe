"""datapackage.json and README.md of a snapshot's package: what it holds, and its licence."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from ..load import Dataset
from ..models import Programme
from ..site.markup import environment, md
from ..wording import ua_date
from .snapshots import Package
from .tables import RESOURCES, table_schemas

TEMPLATES = Path(__file__).parent / "templates"
LICENSE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0",
}


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9._-]+", "-", text.lower()).strip("-._")
    return slug or "dap"


def package_descriptor(
    data: Dataset,
    label: str,
    as_of: dt.date,
    computed_on: dt.date,
    csvs: dict[str, bytes],
    hashes: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """datapackage.json of one snapshot: the schemas of schemas/tables/, each CSV's size and hash
    (`hashes`: those known, by table, each the MD5 of its CSV; the others are computed)."""
    p = data.programme
    assert p is not None
    when = ua_date(as_of)
    resources = []
    for name in RESOURCES:
        d = table_schemas()[name]
        content = csvs[name]
        resources.append(
            {
                "name": name,
                "path": f"{name}.csv",
                "profile": "tabular-data-resource",
                "title": d["title"],
                "description": d["description"],
                "title_en": d["title_en"],
                "description_en": d["description_en"],
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "bytes": len(content),
                "hash": (hashes or {}).get(name) or hashlib.md5(content).hexdigest(),
                "schema": d["schema"],
            }
        )
    descriptor: dict[str, Any] = {
        "profile": "tabular-data-package",
        "name": _slug(p.id),
        "title": f"{p.title}: відкриті дані станом на {when}",
        "description": (
            "Усі публічні дані моніторингу виконання програми: структура, заходи, виконавці, "
            "повідомлення, висновки, оцінки ОСР, статуси на кінець кожного кварталу, зведені "
            "показники, вчасність звітування, відгуки. Текст у CSV, що починається з = + - @ "
            "(а також з табуляції, повернення каретки чи апострофа), має на початку додатковий "
            "апостроф — захист від формул; JSON містить оригінальні значення.\n\n"
            "All public monitoring data of the programme. In the CSV files a text value "
            "starting with = + - @ (or TAB, CR or an apostrophe) has one extra leading "
            "apostrophe (formula protection); the JSON files hold the original values."
        ),
        "snapshot": label,
        "as_of": as_of.isoformat(),
        "computed_on": computed_on.isoformat(),
        "demo": p.demo,
        "licenses": [LICENSE],
        "sources": [{"title": p.act.title, **({"path": p.act.url} if p.act.url else {})}],
        "keywords": ["антикорупційна програма", "НАЗК", "моніторинг", "anti-corruption"],
        "resources": resources,
    }
    if p.site_url:
        descriptor["homepage"] = p.site_url
    return descriptor


def readme_title(p: Programme) -> str:
    """The heading of a package's README (and the title of its page on the site)."""
    return f"{p.title}: відкриті дані"


def readme_text(data: Dataset, pkg: Package, files: list[tuple[str, int | None]]) -> str:
    """README.md of a snapshot: what it is, how values are protected, the files (UA + EN)."""
    p = data.programme
    assert p is not None
    return (
        templates()
        .get_template("README.md.jinja")
        .render(
            title=readme_title(p),
            when=ua_date(pkg.as_of),
            computed=ua_date(pkg.computed_on),
            as_of=pkg.as_of.isoformat(),
            computed_on=pkg.computed_on.isoformat(),
            label=pkg.label,
            demo=p.demo,
            license=LICENSE,
            files=files,
        )
    )


def code(value: object) -> Markup:
    """A value as a Markdown code span, fenced by more backticks than it holds."""
    text = " ".join(str(value).split())
    fence = "`" * (max(map(len, re.findall("`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return Markup(f"{fence}{pad}{text}{pad}{fence}")


def _markdown(value: object) -> object:
    """A value in a Markdown template: escaped by `md()`; a code span (`code`) passes unchanged."""
    return value if hasattr(value, "__html__") else Markup(md(value))


@functools.cache
def templates() -> jinja2.Environment:
    """The Markdown templates of builder/opendata/templates/, every value escaped as Markdown."""
    env = environment(TEMPLATES, _markdown, keep_trailing_newline=True)
    env.filters["code"] = code
    return env
