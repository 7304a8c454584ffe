"""A synthetic programme of any size in the data layout (`dap demo`), for trying and benchmarking.

Everything comes from one `random.Random(seed)` drawn in a fixed order, so one seed always gives
byte-identical files. Texts are composed from Ukrainian word and phrase lists; every address is
on example.gov.ua; the programme is marked `demo: true`. The result passes `dap validate`
without errors or warnings.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from . import models as m
from .errors import ConfigError
from .load import LAYOUT
from .schemas import SCHEMA_NAMES
from .validate import quarter_bounds

START_YEAR = 2023

# ---------------------------------------------------------------- word and phrase lists

ACTIONS = [
    "Розроблення та затвердження",
    "Підготовка та внесення на розгляд Кабінету Міністрів України",
    "Забезпечення впровадження",
    "Проведення аналізу практики застосування",
    "Запровадження",
    "Удосконалення",
    "Забезпечення функціонування",
    "Розроблення та оприлюднення",
    "Проведення навчання з питань застосування",
    "Забезпечення оприлюднення у формі відкритих даних",
    "Проведення моніторингу дотримання",
    "Підготовка змін до",
    "Створення",
    "Проведення незалежного оцінювання",
]
OBJECTS = [
    "методології оцінювання корупційних ризиків",
    "порядку проведення службових розслідувань",
    "єдиного реєстру осіб, які вчинили корупційні правопорушення",
    "механізму захисту викривачів",
    "вимог щодо запобігання конфлікту інтересів",
    "правил етичної поведінки",
    "стандартів доброчесності",
    "електронної системи публічних закупівель",
    "процедур погодження антикорупційних програм",
    "порядку перевірки декларацій",
    "механізму громадського контролю",
    "системи управління корупційними ризиками",
    "порядку призначення на посади",
    "прозорих процедур надання адміністративних послуг",
    "інформаційної системи обліку державного майна",
    "механізму конфіскації незаконних активів",
    "процедур розподілу земельних ділянок",
    "порядку надання дозволів у сфері будівництва",
    "механізму контролю за використанням бюджетних коштів",
    "критеріїв добору кандидатів на посади суддів",
]
QUALIFIERS = [
    "в органах державної влади",
    "в органах місцевого самоврядування",
    "у сфері охорони здоров'я",
    "у сфері освіти",
    "у сфері оборони",
    "у сфері митної справи",
    "у податковій сфері",
    "у сфері містобудування",
    "у судовій системі",
    "на державних підприємствах",
    "у сфері публічних закупівель",
    "у сфері приватизації",
    "у правоохоронних органах",
    "у сфері енергетики",
]
PURPOSES = [
    "з метою зменшення корупційних ризиків",
    "з урахуванням міжнародних стандартів",
    "з урахуванням рекомендацій ГРЕКО та ОЕСР",
    "для забезпечення прозорості прийняття рішень",
    "із залученням громадськості",
    "на основі результатів аналізу корупційних ризиків",
]
PROBLEMS = [
    "Недостатня ефективність",
    "Низький рівень прозорості",
    "Відсутність дієвих механізмів",
    "Неналежна координація",
    "Високий рівень корупційних ризиків",
    "Недосконалість правового регулювання",
    "Низька спроможність",
]
PROBLEM_OBJECTS = [
    "механізмів формування антикорупційної політики",
    "діяльності органів влади",
    "контролю за використанням публічних коштів",
    "системи запобігання конфлікту інтересів",
    "кадрової політики в публічній службі",
    "процедур надання публічних послуг",
    "розслідування корупційних злочинів",
    "судового розгляду справ про корупцію",
]
DIRECTIONS = [
    "Формування та реалізація державної антикорупційної політики",
    "Доброчесність публічної служби",
    "Відкритість публічних даних",
    "Запобігання корупції у сфері публічних закупівель",
    "Запобігання корупції у сфері митної справи",
    "Запобігання корупції у податковій сфері",
    "Запобігання корупції у сфері охорони здоров'я",
    "Запобігання корупції у сфері освіти і науки",
    "Запобігання корупції у сфері оборони",
    "Запобігання корупції у сфері містобудування",
    "Запобігання корупції у сфері енергетики",
    "Запобігання корупції у сфері приватизації",
    "Кримінальна відповідальність за корупційні правопорушення",
    "Адміністративна відповідальність за корупційні правопорушення",
    "Судовий розгляд справ про корупцію",
]
RESULT_OPENINGS = [
    "Органи влади застосовують",
    "Громадяни мають доступ до",
    "Забезпечено ефективне функціонування",
    "Знижено рівень корупції внаслідок запровадження",
    "Суспільство довіряє",
    "Публічні службовці дотримуються",
]
REPORT_SENTENCES = [
    "Розроблено проєкт нормативно-правового акта та оприлюднено його для громадського обговорення на офіційному вебсайті.",
    "Проведено {n} робочих зустрічей із представниками заінтересованих органів влади та громадських об'єднань.",
    "Отримано {n} зауважень і пропозицій, підготовлено таблицю їх врахування.",
    "Проєкт погоджено із заінтересованими центральними органами виконавчої влади.",
    "Направлено запити до {n} органів влади щодо надання інформації, необхідної для виконання заходу.",
    "Здійснено аналіз практики застосування законодавства за {n} місяців.",
    "Проведено навчання для {n} працівників структурних підрозділів з питань запобігання корупції.",
    "Оприлюднено набір даних на Єдиному державному вебпорталі відкритих даних; дані оновлюються щокварталу.",
    "Розпочато закупівлю послуг з розроблення програмного забезпечення; укладено договір на суму {n} тис. грн.",
    "Підготовлено аналітичну довідку за результатами моніторингу, яку направлено до НАЗК.",
    "Виконання заходу ускладнено через відсутність фінансування у поточному бюджетному періоді.",
    "Затверджено наказом керівника план заходів із {n} пунктів; визначено відповідальних осіб.",
    "Створено робочу групу, до складу якої увійшли {n} представників органів влади та громадськості.",
    "Проведено громадське обговорення, у якому взяли участь {n} осіб.",
    "Здійснено перевірку {n} структурних підрозділів; порушень не виявлено.",
    "Результати виконання заходу розглянуто на засіданні колегії.",
    "Наказом керівника № {n} визначено структурний підрозділ, відповідальний за виконання заходу.",
    "Проєкт акта надіслано до Міністерства юстиції України для проведення правової експертизи.",
    "За результатами аналізу виявлено {n} корупційних ризиків, щодо яких розроблено заходи з їх усунення.",
    "Забезпечено участь представників громадськості у засіданнях робочої групи ({n} засідань).",
    "Проєкт акта розміщено на офіційному вебсайті для громадського обговорення строком на {n} днів.",
    "Здійснюється підготовка технічного завдання на створення програмного забезпечення.",
    "Станом на кінець звітного періоду опрацьовано {n} звернень громадян і юридичних осіб.",
    "Листом № {n} до НАЗК надіслано пропозиції щодо уточнення показника виконання заходу.",
]
RESULT_SENTENCES = [
    "Нормативно-правовий акт прийнято та оприлюднено; захід виконано в повному обсязі.",
    "Усі передбачені показники виконання досягнуто, підтвердні документи додаються.",
    "Систему введено в промислову експлуатацію, доступ до неї надано {n} користувачам.",
    "Захід виконано частково: затверджено документ, проте його впровадження триває.",
]
ASSESSMENT_SENTENCES = {
    "progress": [
        "За результатами аналізу повідомлення встановлено наявність прогресу у виконанні заходу.",
        "Виконавцем здійснено підготовчі дії; строк виконання заходу не порушено.",
        "Надані матеріали підтверджують проведення заходів, визначених показником виконання.",
    ],
    "done": [
        "Показники виконання досягнуто; підтвердні документи оприлюднено.",
        "Захід виконано, нормативно-правовий акт набрав чинності.",
    ],
    "partly": [
        "Показники виконання досягнуто не в повному обсязі.",
        "Документ затверджено, однак не забезпечено його оприлюднення у строк.",
    ],
    "not_done": [
        "Строк виконання заходу минув; підтвердження виконання не надано.",
        "Повідомлення про результат виконання заходу не надходило.",
    ],
    "not_started": [
        "Виконання заходу не розпочато; повідомлення не містить відомостей про вжиті дії.",
        "Виконавцем не вжито заходів, передбачених показником виконання.",
    ],
    "late": [
        "Повідомлення подано з порушенням строку звітування.",
    ],
    "missing": [
        "Повідомлення за звітний період не надано.",
    ],
}
INDICATOR_TITLES = [
    "Частка органів влади, які застосовують",
    "Частка громадян, які довіряють",
    "Кількість оприлюднених наборів даних щодо",
    "Рівень дотримання вимог щодо",
    "Частка рішень, ухвалених з дотриманням",
    "Середня тривалість розгляду справ щодо",
]
DATA_SOURCES = [
    "Опитування Київського міжнародного інституту соціології на замовлення НАЗК",
    "Дані НАЗК",
    "Дані Єдиного державного вебпорталу відкритих даних",
    "Звіти центральних органів виконавчої влади",
    "Експертиза НАЗК",
    "Дані Державної судової адміністрації",
]
EVALUATION_SENTENCES = [
    "За даними {src} значення індикатора становить {n}%.",
    "Порівняно з попереднім роком значення змінилося на {n} відсоткових пунктів.",
    "Оцінку здійснено на підставі даних, наданих виконавцями заходів.",
    "Цільового значення не досягнуто через незавершеність заходів, що впливають на індикатор.",
]
FIRST_NAMES = [
    "Олена", "Андрій", "Ірина", "Тарас", "Оксана", "Роман", "Катерина", "Петро", "Людмила",
    "Микола", "Дарина", "Артем", "Світлана", "Василь", "Наталія", "Юрій", "Галина", "Олег",
    "Марія", "Богдан", "Тетяна", "Сергій", "Ганна", "Дмитро",
]  # fmt: skip
SURNAMES = [
    "Коваленко", "Шевчук", "Бондаренко", "Мельник", "Ткаченко", "Кузьменко", "Мороз",
    "Білик", "Харченко", "Гнатюк", "Дорошенко", "Панченко", "Гриценко", "Зінченко", "Савченко",
    "Руденко", "Литвиненко", "Кравчук", "Олійник", "Лисенко", "Поліщук", "Марченко",
    "Павленко", "Ковальчук", "Остапенко", "Ярошенко",
]  # fmt: skip
BODIES = [
    ("nazk", "Національне агентство з питань запобігання корупції", "НАЗК", True),
    ("nabu", "Національне антикорупційне бюро України", "НАБУ", True),
    ("ogp", "Офіс Генерального прокурора", "ОГП", True),
    ("sap", "Спеціалізована антикорупційна прокуратура", "САП", True),
    ("vaks", "Вищий антикорупційний суд", "ВАКС", True),
    ("nbu", "Національний банк України", "НБУ", True),
    ("arma", "Національне агентство з питань виявлення, розшуку та управління активами", "АРМА", False),
    ("minjust", "Міністерство юстиції України", "Мін'юст", False),
    ("minfin", "Міністерство фінансів України", "Мінфін", False),
    ("mineconomy", "Міністерство економіки України", "Мінекономіки", False),
    ("moz", "Міністерство охорони здоров'я України", "МОЗ", False),
    ("mon", "Міністерство освіти і науки України", "МОН", False),
    ("mod", "Міністерство оборони України", "Міноборони", False),
    ("mvs", "Міністерство внутрішніх справ України", "МВС", False),
    ("mintsyfra", "Міністерство цифрової трансформації України", "Мінцифри", False),
    ("minenergo", "Міністерство енергетики України", "Міненерго", False),
    ("minregion", "Міністерство розвитку громад та територій України", "Мінрегіон", False),
    ("dps", "Державна податкова служба України", "ДПС", False),
    ("dms", "Державна митна служба України", "Держмитслужба", False),
    ("dsa", "Державна судова адміністрація України", "ДСА", True),
    ("nads", "Національне агентство України з питань державної служби", "НАДС", False),
    ("fdmu", "Фонд державного майна України", "ФДМУ", False),
    ("rp", "Рахункова палата", "Рахункова палата", True),
    ("dasu", "Державна аудиторська служба України", "Держаудитслужба", False),
    ("geocadastre", "Державна служба України з питань геодезії, картографії та кадастру", "Держгеокадастр", False),
]  # fmt: skip
OBLASTS = [
    ("vinnytska", "Вінницька"), ("volynska", "Волинська"), ("dnipropetrovska", "Дніпропетровська"),
    ("donetska", "Донецька"), ("zhytomyrska", "Житомирська"), ("zakarpatska", "Закарпатська"),
    ("zaporizka", "Запорізька"), ("ivano-frankivska", "Івано-Франківська"), ("kyivska", "Київська"),
    ("kirovohradska", "Кіровоградська"), ("luhanska", "Луганська"), ("lvivska", "Львівська"),
    ("mykolaivska", "Миколаївська"), ("odeska", "Одеська"), ("poltavska", "Полтавська"),
    ("rivnenska", "Рівненська"), ("sumska", "Сумська"), ("ternopilska", "Тернопільська"),
    ("kharkivska", "Харківська"), ("khersonska", "Херсонська"), ("khmelnytska", "Хмельницька"),
    ("cherkaska", "Черкаська"), ("chernivetska", "Чернівецька"), ("chernihivska", "Чернігівська"),
]  # fmt: skip
MONTHS = [
    "січень", "лютий", "березень", "квітень", "травень", "червень", "липень", "серпень",
    "вересень", "жовтень", "листопад", "грудень",
]  # fmt: skip
MONTHS_GENITIVE = [
    "січня", "лютого", "березня", "квітня", "травня", "червня", "липня", "серпня", "вересня",
    "жовтня", "листопада", "грудня",
]  # fmt: skip
ROMAN = ["I", "II", "III", "IV"]
TRANSLIT = dict(
    zip(
        "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя'",
        "a b v h g d e ie zh z y i i i k l m n o p r s t u f kh ts ch sh shch _ iu ia _".replace(
            "_", ""
        ).split(" "),
        strict=True,
    )
)

# Shares of the final outcome of a measure (sum 1).
OUTCOMES = [("done", 0.5), ("partly", 0.12), ("not_done", 0.14), ("not_started", 0.08)]
LATE_SHARE = 0.14  # reports submitted after the window closed
MISSING_SHARE = 0.07  # reports never submitted


def translit(text: str) -> str:
    """Latin letters for a Ukrainian word (for ids and e-mail addresses)."""
    return "".join(TRANSLIT.get(ch, ch) for ch in text.lower())


# ---------------------------------------------------------------- the generator


@dataclass
class Options:
    """Size and seed of a demonstration programme."""

    measures: int = 60
    executors: int = 12
    years: int = 3
    seed: int = 1


@dataclass
class Plan:
    """The files to write: data-relative path → record (plain dicts, dates as date)."""

    files: dict[str, dict[str, Any]] = field(default_factory=dict)

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


def _person(rng: random.Random, used: set[str], prefix: str) -> tuple[str, str, str]:
    """(id, name, github) of a new person, unique across the programme."""
    first, last = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
    base = f"{prefix}.{translit(first)[0]}.{translit(last)}"
    pid, n = base, 1
    while pid in used:
        n += 1
        pid = f"{base}{n}"
    used.add(pid)
    github = pid.replace(".", "-")[:39].strip("-")
    return pid, f"{first} {last}", github


def _executors(rng: random.Random, count: int) -> list[tuple[str, str, str, bool]]:
    """(id, name, short name, «за згодою») of `count` executor bodies."""
    # Bodies «за згодою» and bodies of the Cabinet alternate, so that a small demo has both.
    agreed = [b for b in BODIES if b[3]]
    cabinet = [b for b in BODIES if not b[3]]
    bodies = [b for pair in zip(agreed, cabinet, strict=False) for b in pair]
    bodies += cabinet[len(agreed) :]
    bodies += [
        (f"oda-{slug}", f"{name} обласна державна адміністрація", f"{name} ОДА", False)
        for slug, name in OBLASTS
    ]
    n = 2
    while len(bodies) < count:
        bodies += [
            (f"{bid}-to{n}", f"{name} (територіальний орган № {n})", f"{short} ТО {n}", agr)
            for bid, name, short, agr in BODIES[7:]
        ]
        n += 1
    return bodies[:count]


@dataclass
class Roster:
    """An executor's people as the generator needs them when writing reports."""

    implementers: list[tuple[str, dt.date, dt.date | None]]  # (id, since, until)
    managers: list[str]

    def implementer_on(self, rng: random.Random, day: dt.date) -> str:
        """An implementer with access on `day`."""
        active = [
            pid
            for pid, since, until in self.implementers
            if since <= day and (until is None or day <= until)
        ]
        return rng.choice(active)


def _roster(
    rng: random.Random, exid: str, used: set[str], start: dt.date, end: dt.date
) -> tuple[list[dict[str, Any]], Roster]:
    """People of one executor satisfying III.15: one керівник, one координатор, managers, implementers."""
    since = start - dt.timedelta(days=rng.randint(20, 60))
    people: list[dict[str, Any]] = []

    def person(roles: list[str], p_since: dt.date, until: dt.date | None = None) -> str:
        pid, name, github = _person(rng, used, exid)
        rec: dict[str, Any] = {"id": pid, "name": name, "roles": roles}
        rec["email"] = f"{pid}@example.gov.ua"
        rec["phone"] = (
            f"+380 44 {rng.randint(100, 999)} {rng.randint(10, 99)} {rng.randint(10, 99)}"
        )
        if rng.random() < 0.8:
            rec["github"] = github
        rec["since"] = p_since
        if until:
            rec["until"] = until
        people.append(rec)
        return pid

    person([m.ExecutorRole.HEAD.value], since)
    managers = [person([m.ExecutorRole.MANAGER.value], since) for _ in range(rng.randint(1, 2))]
    if rng.random() < 0.5:  # the координатор may also be a менеджер (III.15)
        managers.append(
            person([m.ExecutorRole.COORDINATOR.value, m.ExecutorRole.MANAGER.value], since)
        )
    else:
        person([m.ExecutorRole.COORDINATOR.value], since)
    implementers: list[tuple[str, dt.date, dt.date | None]] = [
        (person([m.ExecutorRole.IMPLEMENTER.value], since), since, None)
    ]
    for _ in range(rng.randint(0, 2)):
        implementers.append((person([m.ExecutorRole.IMPLEMENTER.value], since), since, None))
    if rng.random() < 0.4:  # one left mid-programme and was replaced (III.14)
        left = _day(rng, start + (end - start) / 4, start + (end - start) * 3 / 4)
        old = person([m.ExecutorRole.IMPLEMENTER.value], since, left)
        new = person([m.ExecutorRole.IMPLEMENTER.value], left + dt.timedelta(days=1))
        implementers += [(old, since, left), (new, left + dt.timedelta(days=1), None)]
    return people, Roster(implementers, managers)


def _deadline(rng: random.Random, qs: list[str], start: dt.date, end: dt.date) -> dict[str, Any]:
    """A deadline in the wording of published plans, with its normalised dates."""
    years = end.year - start.year + 1
    roll = rng.random()
    if roll < 0.75:  # most measures of a real plan run for the whole programme
        text = f"{start.year}–{end.year} роки" if years > 1 else f"{start.year} рік"
        d: dict[str, Any] = {"text": text, "start": start, "end": end}
        if rng.random() < 0.5:
            d["recurrence"] = rng.choice(
                [m.Recurrence.QUARTERLY.value, m.Recurrence.CONTINUOUS.value]
            )
            d["text"] = f"{d['recurrence']}, {text}"
        return d
    if roll < 0.8:
        event = "з дня набрання чинності законом про внесення змін до Закону України «Про запобігання корупції»"
        _, last = quarter_bounds(qs[rng.randrange(len(qs) // 2, len(qs))])
        return {"text": f"{event}, до {_words(last)}", "start_event": event, "end": last}
    first = rng.randrange(0, len(qs) - 1)
    span = rng.randint(1, min(10, len(qs) - first))
    q_start, _ = quarter_bounds(qs[first])
    _, q_end = quarter_bounds(qs[first + span - 1])
    y1, n1 = m.parse_period(qs[first])
    y2, n2 = m.parse_period(qs[first + span - 1])
    if rng.random() < 0.3:  # «до 15 листопада 2024 р.»: a day inside the last quarter
        q_end = _day(rng, q_end - dt.timedelta(days=75), q_end)
        return {"text": f"до {_words(q_end)}", "start": q_start, "end": q_end}
    if y1 == y2 and n1 == n2:
        text = f"{ROMAN[n1 - 1]} квартал {y1} р."
    elif y1 == y2:
        text = f"{ROMAN[n1 - 1]}–{ROMAN[n2 - 1]} квартали {y1} р."
    else:
        text = f"{MONTHS[q_start.month - 1]} {y1} р. — {MONTHS[q_end.month - 1]} {y2} р."
    return {"text": text, "start": q_start, "end": q_end}


def _words(day: dt.date) -> str:
    return f"{day.day} {MONTHS_GENITIVE[day.month - 1]} {day.year} р."


def _pick_outcome(rng: random.Random) -> str:
    roll, acc = rng.random(), 0.0
    for name, share in OUTCOMES:
        acc += share
        if roll < acc:
            return name
    return "in_progress"


def generate(opts: Options) -> Plan:
    """Every file of a demonstration programme of the given size (no I/O)."""
    if opts.measures < 1 or opts.executors < 2 or opts.years < 1:
        raise ConfigError("a demonstration needs at least 1 measure, 2 executors and 1 year")
    rng = random.Random(opts.seed)
    plan = Plan()
    start = dt.date(START_YEAR, 1, 1)
    end = dt.date(START_YEAR + opts.years, 1, 1) - dt.timedelta(days=1)
    qs = quarters(opts.years)
    amended_on = _day(rng, start + (end - start) * 11 // 20, start + (end - start) * 13 // 20)
    act = "Постанова Кабінету Міністрів України"
    amend_act = f"{act} від {_words(amended_on)} № {rng.randint(900, 1400)}"
    plan.add(
        "programme.yaml",
        {
            "id": f"dap-demo-{start.year}-{end.year}",
            "title": f"Державна антикорупційна програма на {start.year}–{end.year} роки "
            f"(синтетичні демонстраційні дані, {opts.measures} заходів)",
            "short_title": f"ДАП {start.year}–{end.year} (демо)",
            "act": {
                "title": f"{act} «Про затвердження Державної антикорупційної програми на "
                f"{start.year}—{end.year} роки»",
                "number": str(rng.randint(100, 400)),
                "date": start - dt.timedelta(days=rng.randint(20, 60)),
                "url": "https://example.gov.ua/laws/dap-demo",
            },
            "amendments": [
                {
                    "title": f"{act} про внесення змін до Державної антикорупційної програми",
                    "number": amend_act.rsplit("№ ", 1)[1],
                    "date": amended_on,
                }
            ],
            "period": {"start": start, "end": end},
            "demo": True,
            "reporting": {
                "window_start_day": 1,
                "window_end_day": 15,
                "submission_dates": "recorded",
            },
            "levels": {"medium_from": 40, "high_from": 75},
            "feedback_email": "feedback@example.gov.ua",
        },
    )

    # NACP staff: administrators, editors and analysts (an analyst holds no other role).
    used: set[str] = set()
    staff: list[dict[str, Any]] = []
    analysts: list[str] = []
    roles = [
        m.StaffRole.TECH_ADMIN,
        m.StaffRole.USERS_ADMIN,
        m.StaffRole.EDITOR,
        m.StaffRole.EDITOR,
    ]
    roles += [m.StaffRole.ANALYST] * max(2, opts.measures // 60)
    for role in roles:
        pid, name, github = _person(rng, used, "nazk")
        staff.append(
            {
                "id": pid,
                "name": name,
                "roles": [role.value],
                "email": f"{pid}@example.gov.ua",
                "github": github,
                "since": start - dt.timedelta(days=30),
            }
        )
        if role == m.StaffRole.ANALYST:
            analysts.append(pid)
    plan.add("staff.yaml", {"people": staff})

    # Executors with their rosters.
    bodies = _executors(rng, opts.executors)
    rosters: dict[str, Roster] = {}
    agreement: dict[str, bool] = {}
    for exid, name, short, by_agreement in bodies:
        people, roster = _roster(rng, exid, used, start, end)
        rosters[exid] = roster
        agreement[exid] = by_agreement
        rec: dict[str, Any] = {"id": exid, "name": name, "short_name": short}
        rec["aliases"] = [short]
        rec["by_agreement"] = by_agreement
        rec["people"] = people
        plan.add(f"executors/{exid}.yaml", rec)

    # Structure: напрями → проблеми → ОСР (about 3 ОСР per problem, 7 problems per direction).
    n_results = max(1, opts.measures * 3 // 20)
    n_problems = max(1, -(-n_results // 3))
    n_directions = max(1, min(len(DIRECTIONS) * 3, -(-n_problems // 7)))
    directions: list[str] = []
    per_top: dict[int, int] = {}
    for i in range(n_directions):
        top = 1 + i * 3 // n_directions
        per_top[top] = per_top.get(top, 0) + 1
        did = f"{top}.{per_top[top]}"
        directions.append(did)
        plan.add(
            f"sections/{did}.yaml",
            {
                "id": did,
                "level": "напрям",
                "title": DIRECTIONS[i % len(DIRECTIONS)],
                "order": i + 1,
            },
        )
    problems: list[str] = []
    for i in range(n_problems):
        did = directions[i % n_directions]
        pid = f"{did}.{i // n_directions + 1}"
        problems.append(pid)
        plan.add(
            f"sections/{pid}.yaml",
            {
                "id": pid,
                "level": "проблема",
                "title": f"{rng.choice(PROBLEMS)} {rng.choice(PROBLEM_OBJECTS)} "
                f"{rng.choice(QUALIFIERS)}",
                "parent": did,
                "order": i + 1,
            },
        )
    results: list[tuple[str, str]] = []  # (ОСР id, problem id)
    indicators_of: dict[str, list[dict[str, Any]]] = {}
    for i in range(n_results):
        prob = problems[i % n_problems]
        rid = f"{prob}.{i // n_problems + 1}"
        results.append((rid, prob))
        indicators = _indicators(rng)
        indicators_of[rid] = indicators
        plan.add(
            f"results/{rid}.yaml",
            {
                "id": rid,
                "number": rid,
                "title": f"{rng.choice(RESULT_OPENINGS)} {rng.choice(OBJECTS)} "
                f"{rng.choice(QUALIFIERS)}, {rng.choice(PURPOSES)}",
                "problem": prob,
                "indicators": indicators,
            },
        )

    # Measures, each with its reports and assessments quarter by quarter.
    executor_ids = [b[0] for b in bodies]
    count_in: dict[str, int] = {}
    for i in range(opts.measures):
        rid, prob = results[i % n_results]
        count_in[rid] = count_in.get(rid, 0) + 1
        mid = f"{rid}.{count_in[rid]}"
        number = mid
        if rng.random() < 0.03:  # the same measure repeated for another executor: «1.1.1.5.4 (6)»
            suffix = rng.randint(1, 9)
            mid, number = f"{mid}.({suffix})", f"{mid} ({suffix})"
        serves = [rid]
        siblings = [r for r, p in results if p == prob and r != rid]
        if siblings and rng.random() < 0.15:
            serves.append(rng.choice(siblings))
        main = executor_ids[rng.randrange(len(executor_ids))]
        measure, reports, assessments = _measure(
            rng, opts, mid, number, prob, serves, main, executor_ids, agreement, qs, start, end,
            amend_act, amended_on,
        )  # fmt: skip
        plan.add(f"measures/{mid}.yaml", measure)
        for period, rec in reports:
            rec["prepared_by"] = rosters[main].implementer_on(rng, rec["approved_on"])
            rec["approved_by"] = rng.choice(rosters[main].managers)
            order = ["measure", "period", "kind", "executor", "prepared_by", "approved_by"]
            plan.add(
                f"reports/{period}/{mid}.yaml",
                {k: rec[k] for k in order} | {k: v for k, v in rec.items() if k not in order},
            )
        for period, rec in assessments:
            rec["analyst"] = rng.choice(analysts)
            order = ["measure", "period", "date", "analyst"]
            plan.add(
                f"assessments/{period}/{mid}.yaml",
                {k: rec[k] for k in order} | {k: v for k, v in rec.items() if k not in order},
            )

    # Annual evaluations of every ОСР.
    for year in range(start.year, end.year + 1):
        for rid, _ in results:
            plan.add(
                f"evaluations/{year}/{rid}.yaml",
                _evaluation(rng, rid, year, indicators_of[rid], rng.choice(analysts)),
            )

    # Stakeholder feedback and site notices.
    measure_ids = sorted(k[9:-5] for k in plan.files if k.startswith("measures/"))
    for i in range(max(1, opts.measures // 100)):
        day = _day(rng, start + dt.timedelta(days=60), end)
        rec = {
            "id": f"{day.year}-{i + 1:04d}",
            "date": day,
            "measure": rng.choice(measure_ids),
            "author": rng.choice(
                [
                    "Громадська організація «Прозорі закупівлі» (демо)",
                    "Антикорупційна ініціатива (демо)",
                ]
            ),
            "text": _sentences(rng, REPORT_SENTENCES, 2)
            + " Просимо оприлюднювати ці відомості також у форматі CSV.",
        }
        if rng.random() < 0.7:
            rec["answer"] = "Дякуємо за пропозицію. Відомості буде оприлюднено у форматі CSV."
            rec["answered_on"] = day + dt.timedelta(days=rng.randint(3, 25))
        plan.add(f"feedback/{rec['id']}.yaml", rec)
    for year in range(start.year, end.year):
        nid = f"{year + 1}-national-report"
        plan.add(
            f"notices/{nid}.yaml",
            {
                "id": nid,
                "kind": m.NoticeKind.NATIONAL_REPORT.value,
                "title": f"Національна доповідь щодо реалізації засад антикорупційної політики у {year} році (демо)",
                "text": f"НАЗК підготувало національну доповідь за {year} рік.",
                "date": dt.date(year + 1, 6, 28),
                "links": [
                    {
                        "title": "Текст доповіді",
                        "url": f"https://example.gov.ua/nazk/dopovid-{year}",
                    }
                ],
            },
        )
    return plan


def _indicators(rng: random.Random) -> list[dict[str, Any]]:
    """1–3 indicators with weights summing to 100: cumulative parts, graded tiers or free scores."""
    count = rng.choice([1, 2, 2, 3])
    cuts = sorted(rng.sample(range(1, 20), count - 1))
    weights = [b - a for a, b in zip([0, *cuts], [*cuts, 20], strict=True)]
    out: list[dict[str, Any]] = []
    for n, w in enumerate(weights, start=1):
        weight = w * 5
        ind: dict[str, Any] = {
            "id": str(n),
            "title": f"{rng.choice(INDICATOR_TITLES)} {rng.choice(OBJECTS)}",
            "weight": weight,
        }
        kind = rng.choice(["сумарні", "ступені", None])
        if kind == "сумарні" and weight >= 10:
            parts = rng.randint(2, min(4, weight // 5))
            cut = sorted(rng.sample(range(1, weight // 5), parts - 1))
            shares = [(b - a) * 5 for a, b in zip([0, *cut], [*cut, weight // 5], strict=True)]
            ind["kind"] = kind
            ind["subindicators"] = [
                {
                    "id": "абвгд"[j],
                    "title": f"{rng.choice(ACTIONS).lower()} {rng.choice(OBJECTS)}",
                    "share": s,
                }
                for j, s in enumerate(shares)
            ]
        elif kind == "ступені" and weight >= 15:
            tiers = [weight, weight * 3 // 5, weight // 4]
            limits = [60, 45, 30]
            ind["kind"] = kind
            ind["subindicators"] = [
                {"id": "абв"[j], "title": f"понад {limits[j]}% органів", "share": s}
                for j, s in enumerate(tiers)
            ]
        ind["data_source"] = rng.choice(DATA_SOURCES)
        out.append(ind)
    return out


def _evaluation(
    rng: random.Random,
    rid: str,
    year: int,
    indicators: list[dict[str, Any]],
    analyst: str,
) -> dict[str, Any]:
    """An annual evaluation: achieved parts, the tier reached, or a free score per indicator."""
    scores: list[dict[str, Any]] = []
    progress = min(1.0, 0.25 + 0.25 * (year - START_YEAR) + rng.uniform(-0.2, 0.2))
    for ind in indicators:
        subs = ind.get("subindicators", [])
        src = ind.get("data_source", "НАЗК")
        rationale = _sentences(rng, EVALUATION_SENTENCES, rng.randint(1, 3), src=src)
        entry: dict[str, Any] = {"indicator": ind["id"]}
        if subs and ind["kind"] == "сумарні":
            entry["achieved"] = [s["id"] for s in subs if rng.random() < progress]
        elif subs:
            reached = [s["id"] for s in subs if rng.random() < progress]
            entry["achieved"] = reached[:1]
        else:
            entry["score"] = round(ind["weight"] * progress * rng.uniform(0.6, 1.0), 1)
        entry["value"] = f"{rng.randint(5, 95)}%"
        entry["rationale"] = rationale
        if rng.random() < 0.3:
            entry["data_source"] = src
        scores.append(entry)
    return {
        "result": rid,
        "year": year,
        "date": dt.date(year + 1, rng.randint(2, 3), rng.randint(1, 28)),
        "analyst": analyst,
        "indicators": scores,
        "summary": f"Оцінку ОСР {rid} за {year} рік здійснено на підставі даних виконавців та "
        "результатів моніторингу.",
    }


def _measure(
    rng: random.Random,
    opts: Options,
    mid: str,
    number: str,
    section: str,
    serves: list[str],
    main: str,
    executor_ids: list[str],
    agreement: dict[str, bool],
    qs: list[str],
    start: dt.date,
    end: dt.date,
    amend_act: str,
    amended_on: dt.date,
) -> tuple[dict[str, Any], list[tuple[str, dict[str, Any]]], list[tuple[str, dict[str, Any]]]]:
    """A measure and its reports and assessments, following one simulated course."""
    title = f"{rng.choice(ACTIONS)} {rng.choice(OBJECTS)} {rng.choice(QUALIFIERS)}"
    if rng.random() < 0.5:
        title += f" {rng.choice(PURPOSES)}"
    deadline = _deadline(rng, qs, start, end)
    d_start: dt.date = deadline.get("start") or start
    d_end: dt.date = deadline["end"]
    co = [
        e for e in rng.sample(executor_ids, min(len(executor_ids), rng.randint(0, 3))) if e != main
    ]
    measure: dict[str, Any] = {
        "id": mid,
        "number": number,
        "title": title,
        "section": section,
        "results": serves,
        "deadline": deadline,
        "main_executor": {"executor": main, "by_agreement": agreement[main]},
        "co_executors": [
            {"executor": e, "by_agreement": True} if agreement[e] else {"executor": e} for e in co
        ],
    }
    if rng.random() < 0.1:
        measure["executor_groups"] = ["центральні органи виконавчої влади"]
    measure["funding"] = {
        "source": rng.choice(
            ["державний бюджет", "місцеві бюджети", "міжнародна технічна допомога"]
        ),
        "volume": rng.choice(
            ["в межах бюджетних призначень", f"{rng.randint(50, 9000)} тис. гривень"]
        ),
    }
    measure["performance_indicators"] = [
        f"{rng.choice(ACTIONS)} {rng.choice(OBJECTS)} здійснено",
        *(["Інформацію оприлюднено на офіційному вебсайті"] if rng.random() < 0.6 else []),
    ]

    # The course of the measure over the quarters it is active in.
    outcome = _pick_outcome(rng)
    active = [q for q in qs if quarter_bounds(q)[1] >= d_start]
    due = [q for q in active if quarter_bounds(q)[0] <= d_end]
    after = [q for q in active if quarter_bounds(q)[0] > d_end]
    if outcome == "in_progress" and d_end < end:
        outcome = "not_done"
    late_finish = outcome == "done" and after and rng.random() < 0.2
    finish: str | None = None
    if outcome in ("done", "partly"):
        finish = (
            rng.choice(after[:2]) if late_finish else due[max(0, len(due) - rng.randint(1, 3)) :][0]
        )
    started_late = outcome != "not_started" and len(due) > 2 and rng.random() < 0.15

    reports: list[tuple[str, dict[str, Any]]] = []
    assessments: list[tuple[str, dict[str, Any]]] = []
    for n, period in enumerate(active):
        q_start, q_end = quarter_bounds(period)
        if finish is not None and qs.index(period) > qs.index(finish):
            break
        is_finish = period == finish
        if period in after and not is_finish:
            continue  # past the deadline only a result report is accepted; none came
        not_started = outcome == "not_started" or (started_late and n == 0)
        if not_started and outcome == "not_started" and n > 0 and rng.random() < 0.6:
            continue  # nothing to say about an idle measure every quarter
        missing = not is_finish and (not_started or rng.random() < MISSING_SHARE)
        late = rng.random() < LATE_SHARE
        window_open = q_end + dt.timedelta(days=1)
        window_close = q_end + dt.timedelta(days=15)
        report_key: str | None = None
        submitted: dt.date | None = None
        if not missing:
            if late:
                submitted = _day(
                    rng, window_close + dt.timedelta(days=1), window_close + dt.timedelta(days=50)
                )
            elif is_finish and rng.random() < 0.4:
                submitted = _day(rng, max(q_start, d_start, q_end - dt.timedelta(days=30)), q_end)
            else:
                submitted = _day(rng, window_open, window_close)
            kind = m.ReportKind.RESULT if is_finish else m.ReportKind.PROGRESS
            pool = RESULT_SENTENCES[:3] if outcome == "done" else RESULT_SENTENCES[3:]
            text = _sentences(rng, REPORT_SENTENCES, rng.randint(3, 9))
            if is_finish:
                text += " " + _sentences(rng, pool, 1)
            rec: dict[str, Any] = {
                "measure": mid,
                "period": period,
                "kind": kind.value,
                "executor": main,
                "approved_on": submitted - dt.timedelta(days=rng.randint(0, 2)),
                "submitted": submitted,
                "text": text,
            }
            if rng.random() < 0.6:
                rec["evidence"] = [
                    {
                        "title": "Підтвердний документ",
                        "url": f"https://example.gov.ua/{main}/{mid}/{period.lower()}",
                    }
                ]
            reports.append((period, rec))
            report_key = f"{period}/{mid}"
        if missing and rng.random() < 0.5:
            continue  # analysts do not always write about a missing report
        # The analyst's conclusion, in the monitoring window after the report.
        a_from = max(q_end + dt.timedelta(days=16), (submitted or q_end) + dt.timedelta(days=3))
        a_day = _day(rng, a_from, a_from + dt.timedelta(days=30))
        if is_finish and outcome == "done":
            status = m.Status.DONE
            label = (
                m.ResultLabel.DONE_LATE_OR_PARTLY if period in after else m.ResultLabel.DONE_ON_TIME
            )
            said = "done"
        elif is_finish:
            status, label, said = m.Status.PARTLY_DONE, m.ResultLabel.DONE_LATE_OR_PARTLY, "partly"
        elif not_started and q_end >= d_end:
            status, label, said = m.Status.NOT_DONE, m.ResultLabel.NOT_DONE, "not_done"
        elif not_started:
            status, label, said = m.Status.NOT_STARTED, m.ResultLabel.NOT_DONE, "not_started"
        elif outcome == "not_done" and period == due[-1]:
            status, label, said = m.Status.NOT_DONE, m.ResultLabel.NOT_DONE, "not_done"
        else:
            status = m.Status.IN_PROGRESS
            first = not any(a[1]["status"] == m.Status.IN_PROGRESS.value for a in assessments)
            if first:
                label = (
                    m.ResultLabel.STARTED_LATE if started_late else m.ResultLabel.STARTED_ON_TIME
                )
            else:
                label = m.ResultLabel.PROGRESS
            said = "progress"
        text = _sentences(rng, ASSESSMENT_SENTENCES[said], rng.randint(1, 3))
        if missing:
            text += " " + ASSESSMENT_SENTENCES["missing"][0]
        elif late:
            text += " " + ASSESSMENT_SENTENCES["late"][0]
        a: dict[str, Any] = {
            "measure": mid,
            "period": period,
            "date": a_day,
            "status": status.value,
            "label": label.value,
            "text": text,
            "reports": [report_key] if report_key else [],
        }
        if rng.random() < 0.2:
            a["sources"] = [
                {
                    "title": "Відповідь на запит НАЗК",
                    "url": f"https://example.gov.ua/nazk/zapyt/{mid}",
                }
            ]
        assessments.append((period, a))
    if finish is not None and outcome == "done":
        measure["completed"] = next(r["submitted"] for p, r in reports if p == finish)
    if rng.random() < 0.08 and d_start < amended_on < end:
        if deadline.get("end") and rng.random() < 0.5:
            field_name, old, new = (
                "deadline",
                "строк, визначений у первинній редакції програми",
                deadline["text"],
            )
        else:
            field_name, old, new = "title", f"{rng.choice(ACTIONS)} {rng.choice(OBJECTS)}", title
        measure["amendments"] = [
            {
                "date": amended_on,
                "act": amend_act,
                "field": field_name,
                "old": old,
                "new": new,
                "note": "Зміни внесено за пропозицією головного виконавця",
            }
        ]
    return measure, reports, assessments


# ---------------------------------------------------------------- writing


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """C emitter without anchors: the loader refuses aliases, so shared values are written out."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def dump(record: dict[str, Any]) -> str:
    """One record as YAML text (the same bytes for the same record)."""
    text: str = yaml.dump(record, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)
    return text


def _schema_line(rel: str) -> str:
    kind = rel.split("/")[0].removesuffix(".yaml")
    depth = rel.count("/")
    return f"# yaml-language-server: $schema={'../' * (depth + 1)}schemas/{SCHEMA_NAMES[kind]}.schema.json\n"


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
        raise ConfigError(f"{out} is a file, not a folder")
    if out.is_dir() and any(out.iterdir()):
        if not overwrite:
            raise ConfigError(
                f"{out} is not empty — choose an empty folder or pass --overwrite "
                "(it replaces the data files there)"
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
        path.write_text(_schema_line(rel) + dump(record), encoding="utf-8")
        name = rel.split("/")[0].removesuffix(".yaml")
        counts[name] = counts.get(name, 0) + 1
    if progress:
        progress(total, total)
    return counts
