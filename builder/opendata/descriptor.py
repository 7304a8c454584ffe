"""datapackage.json and README.md of a snapshot's package: what it holds, and its licence."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from typing import Any

from ..load import Dataset
from ..wording import ua_date
from .snapshots import Package
from .tables import RESOURCES, table_schemas

LICENSE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0",
}


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9._-]+", "-", text.lower()).strip("-._")
    return slug or "dap"


def package_descriptor(
    data: Dataset, label: str, as_of: dt.date, computed_on: dt.date, csvs: dict[str, bytes]
) -> dict[str, Any]:
    """datapackage.json of one snapshot: the schemas of schemas/tables/, each CSV's size and hash."""
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
                "hash": hashlib.md5(content).hexdigest(),
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


def readme_text(data: Dataset, pkg: Package, files: list[tuple[str, int | None]]) -> str:
    """README.md of a snapshot: what it is, how values are protected, the files (UA + EN)."""
    p = data.programme
    assert p is not None
    when = ua_date(pkg.as_of)
    demo_uk = "\n**Це демонстраційні дані, не справжні.**\n" if p.demo else ""
    demo_en = "\n**These are demonstration data, not real.**\n" if p.demo else ""
    listing = "\n".join(
        f"* `{path}`" + (f" — {rows} рядків / rows" if rows is not None else "")
        for path, rows in files
    )
    return f"""# {p.title}: відкриті дані

Станом на {when} (розраховано {ua_date(pkg.computed_on)}). Знімок `{pkg.label}`.
{demo_uk}
Усі публічні дані моніторингу виконання програми у форматі
[Frictionless Data Package](https://datapackage.org/): `datapackage.json` описує кожну таблицю
(поля, типи, первинні та зовнішні ключі); опис полів — також у словнику даних на сайті.

* **CSV** — UTF-8 з позначкою BOM (Excel і LibreOffice показують кирилицю після подвійного
  клацання), роздільник — кома, кінець рядка — CRLF, перший рядок — назви полів.
* **Захист від формул.** Якщо текст у CSV починається з `=`, `+`, `-`, `@`, табуляції,
  повернення каретки або апострофа `'`, на початок додано один апостроф `'`, щоб електронна
  таблиця не виконала його як формулу. Оригінальне значення: приберіть один початковий
  апостроф у текстовому полі. У JSON — оригінальні значення. У файлі Excel кожен текст —
  текстова клітинка, ніколи не формула.
* **Особисті дані не публікуються:** імен і контактів працівників (e-mail, телефонів) немає;
  виконавці — назви органів; відгуки — без контактних даних авторів.
* **Ідентифікатори стабільні** між збірками та змінами до програми: номер заходу чи ОСР;
  для повідомлень і висновків — `ПЕРІОД/ФАЙЛ` (напр. `2024-Q1/1.1.1.4.2`); для оцінок — `РІК/ОСР`.
* Знімок містить лише записи, датовані не пізніше {when}; статуси та зведені показники — на
  кінець кожного кварталу до цієї дати.
* Ліцензія: {LICENSE["title"]} ({LICENSE["path"]}).

## English

Open data of the monitoring of the programme above, as of {pkg.as_of.isoformat()}
(computed on {pkg.computed_on.isoformat()}), snapshot `{pkg.label}`.
{demo_en}
A [Frictionless Data Package](https://datapackage.org/): `datapackage.json` describes every
table (fields, types, primary and foreign keys).

* **CSV**: UTF-8 with a byte-order mark (for Excel), comma-separated, CRLF line ends, a header
  row of field names.
* **Formula protection**: a CSV text value starting with `=`, `+`, `-`, `@`, TAB, CR or `'`
  has one extra leading `'`. To recover the original, remove one leading apostrophe from text
  fields. The JSON files hold the original values; in the XLSX workbook every text is a text
  cell, never a formula.
* **No personal data**: no staff names or contacts; executors are public bodies; feedback
  carries no contact data.
* **Identifiers are stable** across builds and programme amendments.
* Only records dated on or before {pkg.as_of.isoformat()} are included.
* Licence: {LICENSE["title"]} ({LICENSE["path"]}).

## Файли / Files

{listing}
"""
