"""The downloads page and the data dictionary page of the open data (Markdown, Ukrainian)."""

from __future__ import annotations

import posixpath
from urllib.parse import quote

from .. import models as m
from ..site.markup import esc, md
from ..wording import UK, Edition, ua_date, uk_count
from .downloads import MEASURE_JSON_ON_SITE, DownloadFile
from .snapshots import LATEST
from .tables import RESOURCES, table_schemas

# Up to this many measures the downloads page links each measure's JSON; beyond it the page
# names the address pattern only (a national programme's 2,000 links would make it too heavy).
MEASURE_LINKS_MAX = 300


def _size(n: int) -> str:
    if n < 1024:
        return f"{n} Б"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} КБ".replace(".", ",")
    return f"{n / 1024 / 1024:.1f} МБ".replace(".", ",")


def _link(path: str, page: str) -> str:
    return quote(posixpath.relpath(path, posixpath.dirname(page) or "."), safe="/.-_~")


def _anchor(text: str, path: str, page: str) -> str:
    """A link to a file: Markdown, or an HTML link where the file is outside the page's
    edition (the English pages link to the root's downloads/, which MkDocs of en/ does not
    have among its files and would call a broken link)."""
    target = _link(path, page)
    if target.startswith("../") and page.startswith("en/"):
        return f'<a href="{esc(target)}">{esc(text)}</a>'
    return f"[{md(text)}]({target})"


def downloads_markdown(
    files: list[DownloadFile],
    page: str = "downloads.md",
    dictionary: str = "dictionary.md",
    ed: Edition = UK,
) -> str:
    """The downloads page (Ukrainian): every file with its size, row count and date.

    `page` and `dictionary` are the paths of this page and of the data-dictionary page,
    relative to the same root as the files' paths, so that every link is relative.
    """

    def link(f: DownloadFile) -> str:
        return f"{_anchor(posixpath.basename(f.path), f.path, page)} ({_size(f.size)})"

    lines = [
        "# Завантажити дані",
        "",
        "Усі публічні дані моніторингу — у машиночитних форматах для повторного використання: "
        "[Frictionless Data Package](https://datapackage.org/) з таблицями CSV, ті самі дані в "
        "JSON та Excel, а також ZIP-архів усього разом. Опис кожної таблиці й поля — у "
        f"[словнику даних]({_link(dictionary, page)}).",
        "",
        "## Який файл відкрити",
        "",
        "* **Для роботи в Excel або LibreOffice Calc відкрийте файл XLSX** (посилання нижче, "
        "«Усі таблиці в Excel»): кожна таблиця — окремий аркуш, назви стовпців українською, "
        "дати — дати, числа — числа. Нічого налаштовувати не треба.",
        "* **CSV** — для програм і для тих, кому потрібна одна таблиця. Назви стовпців у CSV — "
        "машинні, латиницею (українські назви — у словнику даних). Кодування — UTF-8, "
        "роздільник — кома.",
        "    * **Excel**: відкрийте CSV подвійним клацанням — кирилиця відобразиться правильно.",
        "    * **LibreOffice Calc**: у вікні «Імпорт тексту», що з’явиться під час відкриття, "
        "у полі «Кодування» (Character set) оберіть «Unicode (UTF-8)», серед роздільників "
        "позначте лише «Кома» і натисніть «Гаразд» (OK). Якщо замість літер видно "
        "«ÐÑ…», файл відкрито не в UTF-8: відкрийте його ще раз і виберіть UTF-8.",
        "    * **Google Таблиці**: «Файл → Імпортувати → Завантажити» — кодування визначиться "
        "саме.",
        "* Таблиця `measures` має для зручності назву головного виконавця, ознаку «Прострочено» "
        "та останній результат моніторингу з його датою — без пошуку в інших таблицях.",
        "",
        "## Що варто знати",
        "",
        "* Текст, що починається з `=`, `+`, `-`, `@` або `'`, у CSV має на початку додатковий "
        "апостроф (захист від формул); у JSON — оригінальні значення; у XLSX кожен текст — "
        "текстова клітинка.",
        "* Імена та контакти працівників не публікуються.",
        "* Знімки на кінець кожного кварталу містять дані такими, якими вони були того дня, щоб "
        "будь-яку цифру можна було перевірити; найновіші дані — за сталою адресою `latest`.",
        "",
    ]
    newest = [f for f in files if f.snapshot == LATEST]
    if newest:
        when = ua_date(newest[0].as_of)
        lines += [f"## Найновіші дані (станом на {when})", ""]
        whole = [f for f in newest if f.resource is None and f.measure is None]
        lines += [f"* {md(f.title)}: {link(f)}" for f in whole]
        lines += [
            "",
            "JSON — в архіві ZIP: кожна таблиця (`json/<таблиця>.json`, ті самі рядки з "
            "оригінальними значеннями)"
            + ("" if MEASURE_JSON_ON_SITE else " і все про кожен захід (`json/measures/`)")
            + ".",
            "",
            "| таблиця | що містить | рядків | CSV |",
            "|---|---|---:|---|",
        ]
        by_resource: dict[str, dict[str, DownloadFile]] = {}
        for f in newest:
            if f.resource is not None:
                by_resource.setdefault(f.resource, {})[f.format] = f
        for name, formats in by_resource.items():
            first = next(iter(formats.values()))
            csv = link(formats["csv"]) if "csv" in formats else ""
            lines.append(
                f"| `{name}` | {md(first.title)} | {first.rows if first.rows is not None else ''}"
                f" | {csv} |"
            )
        per_measure = [f for f in newest if f.measure is not None]
        if per_measure:
            total = sum(f.size for f in per_measure)
            pattern = posixpath.join(posixpath.dirname(per_measure[0].path), "<ідентифікатор>.json")
            lines += [
                "",
                "**JSON за кожним заходом** — усе про захід (виконавці, строки, повідомлення, "
                "висновки, статуси, вчасність, відгуки): "
                + uk_count(len(per_measure), "файл", "файли", "файлів")
                + ", "
                f"{_size(total)} разом, за адресою "
                f"`{posixpath.relpath(pattern, posixpath.dirname(page) or '.')}`.",
            ]
            if len(per_measure) <= MEASURE_LINKS_MAX:
                lines += [
                    "",
                    " · ".join(
                        f"{_anchor(f.measure or '', f.path, page)} ({_size(f.size)})"
                        for f in per_measure
                    ),
                ]
        lines.append("")
    older = sorted(
        (f for f in files if f.snapshot != LATEST), key=lambda f: (_neg_label(f.snapshot), f.path)
    )
    if older:
        lines += [
            "## Знімки на кінець кварталів",
            "",
            "Кожен архів містить набір (datapackage.json, таблиці CSV, README) таким, яким він "
            "був на кінець кварталу: лише записи, датовані не пізніше цього дня, статуси та "
            "зведені показники на кінець кожного кварталу до нього.",
            "",
            "| квартал | станом на | файл |",
            "|---|---|---|",
        ]
        lines += [f"| {f.snapshot} | {ua_date(f.as_of)} | {link(f)} |" for f in older]
        lines.append("")
    return "\n".join(lines)


def _neg_label(label: str) -> tuple[int, int]:
    try:
        year, q = m.parse_period(label)
    except ValueError:
        return (0, 0)
    return (-year, -q)


def dictionary_markdown(ed: Edition = UK) -> str:
    """The data dictionary page (Ukrainian, with English names) from schemas/tables/."""
    lines = [
        "# Словник даних",
        "",
        "Опис кожної таблиці відкритих даних і кожного її поля. Це той самий контракт, за яким "
        "набір перевіряється під час кожної збірки (Frictionless Table Schema у `schemas/tables/`).",
        "Порожнє значення означає «немає даних». Дати — у форматі РРРР-ММ-ДД. Логічні значення — "
        "`true` / `false`.",
        "",
    ]
    schemas = table_schemas()
    for name in RESOURCES:
        d = schemas[name]
        schema = d["schema"]
        lines += [
            f"## {md(d['title'])} (`{name}`)",
            "",
            md(d["description"]),
            "",
            f"*{md(d['title_en'])}.* {md(d['description_en'])}",
            "",
            f"Файли: `{name}.csv`, `json/{name}.json`, аркуш `{name}` у XLSX.",
            "",
            "| поле | назва | тип | обов'язкове | опис | обмеження |",
            "|---|---|---|---|---|---|",
        ]
        for f in schema["fields"]:
            cons = dict(f.get("constraints", {}))
            required = "так" if cons.pop("required", False) else ""
            parts = []
            if "enum" in cons:
                parts.append("одне з: " + "; ".join(f"«{md(v)}»" for v in cons.pop("enum")))
            if "minimum" in cons:
                parts.append(f"≥ {cons.pop('minimum')}")
            if "maximum" in cons:
                parts.append(f"≤ {cons.pop('maximum')}")
            if "pattern" in cons:
                pattern = cons.pop("pattern")
                parts.append(_PATTERN_WORDS.get(pattern, f"шаблон `{pattern}`"))
            parts += [f"{k}: {v}" for k, v in cons.items()]
            lines.append(
                f"| `{f['name']}` | {md(f['title'])} | {_TYPE_NAMES.get(f['type'], f['type'])} | "
                f"{required} | {md(f['description'])} *({md(f['description_en'])})* | "
                f"{'; '.join(parts)} |"
            )
        lines += ["", f"* Первинний ключ: {', '.join(f'`{k}`' for k in schema['primaryKey'])}."]
        for fk in schema.get("foreignKeys", []):
            fields = fk["fields"] if isinstance(fk["fields"], list) else [fk["fields"]]
            ref = fk["reference"]
            ref_fields = ref["fields"] if isinstance(ref["fields"], list) else [ref["fields"]]
            target = ref["resource"] or name
            lines.append(
                f"* Зовнішній ключ: {', '.join(f'`{x}`' for x in fields)} → "
                f"`{target}` ({', '.join(f'`{x}`' for x in ref_fields)})."
            )
        lines.append("")
    return "\n".join(lines)


_PATTERN_WORDS = {
    r"^\S+$": "без пропусків",
    m.PERIOD_PATTERN: "квартал у форматі РРРР-Qn",
    r"^https?://\S+$": "адреса http:// або https://",
    r"^20[0-9]{2}-Q[1-4]/\S+$": "ПЕРІОД/ФАЙЛ",
    r"^20[0-9]{2}/\S+$": "РІК/ОСР",
}
_TYPE_NAMES = {
    "string": "текст",
    "integer": "ціле число",
    "number": "число",
    "boolean": "логічне",
    "date": "дата",
}
