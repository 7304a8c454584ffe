"""The records of a programme and its monitoring, as kept in `data/` (pydantic v2).

Identifiers are English; the Ukrainian term is in each docstring. Values that people read
(statuses, labels, roles) are kept in Ukrainian, exactly as the official lists spell them.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

# An id is a file name: letters (Latin or Cyrillic), digits, dot, dash, underscore, brackets.
# No spaces, no "/", no "..": ids become paths on disk and in the site.
ID_PATTERN = r"^[0-9A-Za-zА-ЩЬЮЯЄІЇҐа-щьюяєіїґ_()\-]+(\.[0-9A-Za-zА-ЩЬЮЯЄІЇҐа-щьюяєіїґ_()\-]+)*$"
PERIOD_PATTERN = r"^(20[0-9]{2})-Q([1-4])$"
URL_PATTERN = r"^https?://[^\s<>\"']+$"
# An address e-mail can carry as it is (RFC 5322 dot-atom, ASCII): no commas, quotes, spaces
# or Cyrillic (a Cyrillic domain is written in its xn-- form).
EMAIL_PATTERN = (
    r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$"
)
GITHUB_PATTERN = r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$"
ONE_LINE_PATTERN = r"^[^\n]*$"  # names: never a line break

Id = Annotated[str, StringConstraints(pattern=ID_PATTERN, min_length=1, max_length=80)]
Period = Annotated[str, StringConstraints(pattern=PERIOD_PATTERN)]
Text = Annotated[str, StringConstraints(min_length=1, max_length=20000)]
ShortText = Annotated[str, StringConstraints(min_length=1, max_length=2000)]
Url = Annotated[str, StringConstraints(pattern=URL_PATTERN, max_length=2000)]
Name = Annotated[str, StringConstraints(pattern=ONE_LINE_PATTERN, min_length=1, max_length=2000)]
Email = Annotated[str, StringConstraints(pattern=EMAIL_PATTERN)]
Percent = Annotated[float, Field(ge=0, le=100)]

# English texts (the English edition of the site, issue 21): an optional `<field>_en` beside the
# Ukrainian field it translates, with the same type and rules; none given, the English edition
# shows the Ukrainian text marked as such. docs/data-layout.md "English texts".
EN_TEXT = "English text of the field above (the site's English edition); none: shown in Ukrainian"


class Record(BaseModel):
    """Base of every record: unknown keys are errors, values are frozen after loading.

    Validators are built on first use (`defer_build`): a command that only restores records
    from the cache (builder/cache.py) never builds them, which is most of importing this
    module. Defaults that are records are made with `model_construct` for the same reason."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, str_strip_whitespace=True, defer_build=True
    )


def build_validators() -> None:
    """Build every record's validator now: before forking workers that parse, each of which
    would otherwise build its own."""
    stack: list[type[Record]] = [Record]
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        cls.model_rebuild()


# ---------------------------------------------------------------- official lists


class Status(StrEnum):
    """Статус заходу (measure status), as the portal names them."""

    DONE = "Виконано"
    PARTLY_DONE = "Виконано частково"
    IN_PROGRESS = "Виконується"
    NOT_DONE = "Не виконано"
    NOT_STARTED = "Не розпочато"


class ResultLabel(StrEnum):
    """Результат моніторингу (monitoring-result label), dated by the assessment."""

    DONE_ON_TIME = "захід виконано вчасно та в повному обсязі"
    DONE_LATE_OR_PARTLY = "захід виконано не вчасно або не в повному обсязі"
    NOT_DONE = "захід не виконано"
    PROGRESS = "прогрес виконання заходу наявний"
    STARTED_ON_TIME = "виконання заходу розпочато вчасно"
    STARTED_LATE = "виконання заходу розпочато несвоєчасно"


class ReportKind(StrEnum):
    """Вид повідомлення (kind of report)."""

    PROGRESS = "про хід виконання"
    RESULT = "про результат виконання"


class ExecutorRole(StrEnum):
    """Роль користувача виконавця (role of an executor's person), III.9–III.15."""

    HEAD = "керівник"
    MANAGER = "уповноважений менеджер"
    IMPLEMENTER = "впроваджувач"
    COORDINATOR = "координатор впровадження"


class StaffRole(StrEnum):
    """Роль працівника НАЗК (role of NACP staff), III.2–III.8."""

    TECH_ADMIN = "технічний адміністратор"
    USERS_ADMIN = "адміністратор зовнішніх користувачів"
    EDITOR = "редактор"
    ANALYST = "аналітик"


class LeaveReason(StrEnum):
    """Підстава деактивації (why a person's access ended), III.14 ¶6: dismissal, transfer to
    another post, more than 45 working days in a row unable to work, no measures left."""

    DISMISSAL = "звільнення"
    TRANSFER = "переведення на іншу посаду"
    ABSENCE = "тривала відсутність (понад 45 робочих днів поспіль)"
    NO_MEASURES = "відсутність заходів"


class SectionLevel(StrEnum):
    """Рівень структури (level of the programme's structure)."""

    DIRECTION = "напрям"
    PROBLEM = "проблема"
    TASK = "завдання"


class SubindicatorKind(StrEnum):
    """Як рахуються субіндикатори (how subindicators score)."""

    CUMULATIVE = "сумарні"  # cumulative parts: achieved parts add up
    TIERED = "ступені"  # graded tiers: only the highest tier reached counts


class NoticeKind(StrEnum):
    """Вид оголошення на сайті (kind of site notice)."""

    MAINTENANCE = "технічні роботи"
    NATIONAL_REPORT = "національна доповідь"
    UNPLANNED_MEASURE = "позаплановий захід"
    STATISTICS = "статистика"
    NEWS = "новина"


class Recurrence(StrEnum):
    """Періодичність (recurrence of a measure's deadline)."""

    MONTHLY = "щомісяця"
    QUARTERLY = "щокварталу"
    HALF_YEARLY = "раз на півроку"
    YEARLY = "щорічно"
    CONTINUOUS = "постійно"


# ---------------------------------------------------------------- programme


class LegalAct(Record):
    """Нормативний акт (the act that approved or amended the programme)."""

    title: ShortText
    number: ShortText | None = None
    date: dt.date | None = None
    url: Url | None = None


class ProgrammePeriod(Record):
    """Період дії програми (programme period)."""

    start: dt.date
    end: dt.date


class Reporting(Record):
    """Правила звітування (reporting rules)."""

    window_start_day: int = Field(
        1, ge=1, le=28, description="Day of the month after a quarter when the window opens"
    )
    window_end_day: int = Field(
        15, ge=1, le=28, description="Last day (inclusive) of the reporting window"
    )
    submission_dates: Literal["git", "recorded"] = Field(
        "git",
        description="'git': a report is submitted when the executor's manager approved its pull "
        "request, as the merge into the main branch recorded it (else when its file first reached "
        "the main branch); 'recorded': trust the 'submitted' date in the file (imported or "
        "demonstration data; shown as unverified)",
    )
    require_signatures: Literal["off", "warn", "enforce"] = Field(
        "warn",
        description="Signed submissions (II.3): commits touching reports, assessments and "
        "evaluations must be signed with a key in the person's signing_keys; 'warn' reports "
        "unsigned ones, 'enforce' refuses them, 'off' does not check",
    )


class Levels(Record):
    """Пороги рівня досягнення ОСР (score thresholds of the low/medium/high level), in %."""

    medium_from: Percent = 40
    high_from: Percent = 75


class Reminders(Record):
    """Налаштування нагадувань (how near a date must be for a reminder)."""

    deadline_near_days: int = Field(14, ge=1, le=120)
    window_closing_days: int = Field(5, ge=1, le=14)


class Publication(Record):
    """Що публікується (what the public site and the open data show beyond the bodies)."""

    people: bool = Field(
        False,
        description="Name the впроваджувач who prepared and the менеджер who approved each "
        "report on the public pages and in the datasets; off (the default): the executor body "
        "only. Analysts are never named (NACP is the body). The internal build and `dap audit` "
        "always name people",
    )


class Forge(Record):
    """Де зберігаються дані (the forge that holds the data repository): the site's report
    forms open its "new file" page with the file filled in; the person proposes the change."""

    kind: Literal["github", "gitea", "forgejo", "gitlab"]
    repository: Url = Field(
        description="The data repository's web address, e.g. https://github.com/OWNER/REPO"
    )
    branch: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9._/-]+$", max_length=200)] = (
        Field("main", description="The branch the data is kept on")
    )
    data_folder: Annotated[
        str, StringConstraints(pattern=r"^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$", max_length=200)
    ] = Field("data", description="The data folder inside the repository")
    list_people: bool = Field(
        False,
        description="List the main executor's впроваджувачі and менеджери and NACP's "
        "analysts (ids and names, never contacts) in the site's forms, to be picked; off "
        "(the default): the form asks for the person's id from the roster",
    )


class Programme(Record):
    """Антикорупційна програма (the programme being monitored)."""

    id: Id
    title: Text
    title_en: Text | None = Field(None, description=EN_TEXT)
    short_title: ShortText | None = None
    short_title_en: ShortText | None = Field(None, description=EN_TEXT)
    act: LegalAct
    amendments: list[LegalAct] = []
    period: ProgrammePeriod
    demo: bool = Field(False, description="Demonstration data: every page says so")
    reporting: Reporting = Reporting.model_construct()
    levels: Levels = Levels.model_construct()
    reminders: Reminders = Reminders.model_construct()
    publish: Publication = Publication.model_construct()
    site_url: Url | None = None
    repository_url: Url | None = None
    forge: Forge | None = Field(
        None, description="Where the site's report forms send a new file (none: no forms)"
    )
    feedback_email: Email | None = Field(
        None, description="Public address of NACP for feedback (an institution, not a person)"
    )


# ---------------------------------------------------------------- structure


class SectionAmendment(Record):
    """Зміна до напряму, проблеми або завдання: the act, the day it takes effect, the new title."""

    date: dt.date = Field(description="The day the amendment takes effect")
    act: ShortText
    note: ShortText | None = None
    title: Text | None = None
    title_en: Text | None = Field(None, description=EN_TEXT + "; only beside a new `title`")


class Section(Record):
    """Напрям, проблема або завдання (a node of the programme's structure)."""

    id: Id
    level: SectionLevel
    title: Text
    title_en: Text | None = Field(None, description=EN_TEXT)
    parent: Id | None = None
    order: int | None = None
    amendments: list[SectionAmendment] = Field(
        [], description="Dated amendments of its title; the title above is the original text"
    )


class Subindicator(Record):
    """Субіндикатор (subindicator): a part or a tier of an indicator, with its share in %."""

    id: Id
    title: Text
    title_en: Text | None = Field(None, description=EN_TEXT)
    share: Percent


class Indicator(Record):
    """Індикатор ОСР with its weight («програмне значення частки індикатора»), in %."""

    id: Id
    title: Text
    title_en: Text | None = Field(None, description=EN_TEXT)
    weight: Percent
    kind: SubindicatorKind | None = None
    subindicators: list[Subindicator] = []
    data_source: ShortText | None = None


class ResultAmendment(Record):
    """Зміна до ОСР (an amendment of an expected strategic result): the act, the day it takes
    effect and the new title or the new indicators with their weights (the whole list)."""

    date: dt.date = Field(description="The day the amendment takes effect")
    act: ShortText
    note: ShortText | None = None
    title: Text | None = None
    title_en: Text | None = Field(None, description=EN_TEXT + "; only beside a new `title`")
    indicators: list[Indicator] | None = None


class ExpectedResult(Record):
    """Очікуваний стратегічний результат, ОСР (expected strategic result)."""

    id: Id
    number: ShortText | None = None
    title: Text
    title_en: Text | None = Field(None, description=EN_TEXT)
    problem: Id
    indicators: list[Indicator] = []
    amendments: list[ResultAmendment] = Field(
        [],
        description="Dated amendments of its title or indicators; the fields above are the original text",
    )


class Deadline(Record):
    """Строк виконання (deadline): normalised dates beside the original wording."""

    text: ShortText = Field(description="The wording as published, e.g. «I квартал 2024 р.»")
    start: dt.date | None = None
    end: dt.date | None = None
    start_event: ShortText | None = Field(
        None, description="Start tied to an event, e.g. «день набрання чинності законом …»"
    )
    recurrence: Recurrence | None = None


class ExecutorLink(Record):
    """Виконавець заходу (an executor of a measure) with the «за згодою» flag."""

    executor: Id
    by_agreement: bool = Field(False, description="«(за згодою)»: not subordinate to the Cabinet")


class Funding(Record):
    """Джерела та обсяг фінансування (sources and volume of funding)."""

    source: ShortText | None = None
    volume: ShortText | None = None


# The fields of a measure an amendment may give new values to (in the order they are shown).
AMENDABLE = (
    "number",
    "title",
    "section",
    "results",
    "deadline",
    "main_executor",
    "co_executors",
    "executor_groups",
    "funding",
    "performance_indicators",
)
# How an amendment may end a measure's place in the programme.
ENDINGS = ("removed", "replaced_by", "split_into", "renumbered_to")


class Amendment(Record):
    """Зміна до заходу (an amendment of a measure): the act, the day it takes effect and the
    new values of the fields it changes; the file's top-level values are the original text.

    It may also bring the measure into the programme (`added`) or end it there: `removed`,
    `replaced_by` (another measure takes its place), `split_into` (several do),
    `renumbered_to` (it goes on under another id)."""

    date: dt.date = Field(description="The day the amendment takes effect")
    act: ShortText = Field(description="The act, e.g. «Постанова КМУ від 18.10.2024 № 1194»")
    note: ShortText | None = None
    number: ShortText | None = None
    title: Text | None = None
    title_en: Text | None = Field(None, description=EN_TEXT + "; only beside a new `title`")
    section: Id | None = None
    results: list[Id] | None = None
    deadline: Deadline | None = None
    main_executor: ExecutorLink | None = None
    co_executors: list[ExecutorLink] | None = None
    executor_groups: list[ShortText] | None = None
    funding: Funding | None = None
    performance_indicators: list[Text] | None = None
    added: bool = Field(False, description="The measure enters the programme on this day")
    removed: bool = Field(False, description="The measure leaves the programme on this day")
    replaced_by: Id | None = None
    split_into: list[Id] = []
    renumbered_to: Id | None = None

    def changes(self) -> dict[str, object]:
        """The new values it gives, by field (only the fields it changes)."""
        return {f: getattr(self, f) for f in AMENDABLE if getattr(self, f) is not None}

    def ends(self) -> bool:
        """It takes the measure out of the programme (removed, replaced, split or renumbered)."""
        return bool(self.removed or self.replaced_by or self.split_into or self.renumbered_to)

    def successors(self) -> list[str]:
        """The measures that take this one's place, if any."""
        found = [*self.split_into]
        for one in (self.replaced_by, self.renumbered_to):
            if one:
                found.append(one)
        return found


class Measure(Record):
    """Захід (measure) of the programme."""

    id: Id
    number: ShortText | None = Field(
        None, description="The number as published, e.g. «1.1.1.5.4 (6)»"
    )
    title: Text
    title_en: Text | None = Field(None, description=EN_TEXT)
    section: Id = Field(description="The problem (or task) the measure belongs to")
    results: list[Id] = Field([], description="ОСР the measure serves")
    deadline: Deadline
    main_executor: ExecutorLink
    co_executors: list[ExecutorLink] = []
    executor_groups: list[ShortText] = Field(
        [], description="Generic groups, e.g. «центральні органи виконавчої влади»"
    )
    funding: Funding | None = None
    performance_indicators: list[Text] = Field([], description="Показник виконання")
    completed: dt.date | None = Field(None, description="Actual completion date")
    amendments: list[Amendment] = Field(
        [], description="Dated amendments in date order; the fields above are the original text"
    )
    removed: dt.date | None = Field(
        None,
        description="Date the measure left the programme: in a file, a shortcut for an "
        "amendment with `removed: true`; in a version (builder/versions.py), set from it",
    )


# ---------------------------------------------------------------- people


class Person(Record):
    """Користувач (a person with access). E-mail and phone are not here: they are private and
    kept encrypted in data/contacts.age (`dap contacts`), never in the public rosters."""

    id: Id
    name: Name
    roles: list[ExecutorRole | StaffRole] = Field(min_length=1)
    github: Annotated[str, StringConstraints(pattern=GITHUB_PATTERN)] | None = None
    signing_keys: list[ShortText] = []
    since: dt.date | None = Field(None, description="Date access was granted")
    until: dt.date | None = Field(None, description="Last day of access (deactivation)")
    until_reason: LeaveReason | None = Field(
        None, description="Why access ended (III.14): from the official list; needs `until`"
    )

    def active_on(self, day: dt.date) -> bool:
        """Has access on `day`: `since` unset or reached, `until` unset or not passed."""
        return (self.since is None or self.since <= day) and (
            self.until is None or self.until >= day
        )


class Assignment(Record):
    """Розподіл заходу (who answers for one measure at an executor): the уповноважений
    менеджер it is assigned to by the керівник (III.11) and the впроваджувачі the manager
    assigned it to (III.12)."""

    manager: Id | None = None
    implementers: list[Id] = []
    since: dt.date | None = Field(None, description="Date of the (last) assignment")


class Executor(Record):
    """Виконавець (executor body) with its people and who answers for which measure."""

    id: Id
    name: Name
    name_en: Name | None = Field(None, description=EN_TEXT)
    short_name: Name | None = None
    short_name_en: Name | None = Field(None, description=EN_TEXT)
    aliases: list[Name] = Field([], description="Other spellings and abbreviations used in plans")
    by_agreement: bool = False
    people: list[Person] = []
    assignments: dict[Id, Assignment] = Field(
        {}, description="Measure id → its manager and впроваджувачі (III.11, III.12)"
    )


class AnalystGroups(Record):
    """Розподіл між аналітиками (III.7): each measure and ОСР to the analyst who monitors it."""

    measures: dict[Id, Id] = Field({}, description="Measure id → analyst id")
    results: dict[Id, Id] = Field({}, description="ОСР id → analyst id")


class Staff(Record):
    """Працівники НАЗК (NACP staff with their roles) and the редактор's analyst groups."""

    people: list[Person]
    assignments: AnalystGroups = AnalystGroups.model_construct()


class Contact(Record):
    """Контакти (one person's private contacts): only in the encrypted data/contacts.age."""

    email: Email | None = None
    phone: ShortText | None = None


# ---------------------------------------------------------------- monitoring records


class Link(Record):
    """Посилання (a link to evidence or a source)."""

    title: ShortText
    url: Url


class Report(Record):
    """Повідомлення виконавця (executor's quarterly report on a measure)."""

    measure: Id
    period: Period
    kind: ReportKind
    executor: Id
    prepared_by: Id = Field(description="The впроваджувач who prepared it")
    approved_by: Id = Field(description="The уповноважений менеджер who approved and sent it")
    approved_on: dt.date | None = None
    submitted: dt.date | None = Field(
        None, description="Recorded submission date (used only without Git history)"
    )
    text: Text
    evidence: list[Link] = []


class Assessment(Record):
    """Висновок аналітика (analyst's assessment of a measure) that sets its status."""

    measure: Id
    period: Period
    date: dt.date
    analyst: Id
    status: Status
    label: ResultLabel
    text: Text
    reports: list[str] = Field(
        [], description="Reports assessed, as 'PERIOD/FILE', e.g. 2024-Q1/1.1.1.4.2"
    )
    sources: list[Link] = []


class IndicatorScore(Record):
    """Оцінка індикатора за рік (evaluation of one indicator)."""

    indicator: Id
    achieved: list[Id] = Field(
        [], description="Subindicators achieved (parts, or the tiers reached)"
    )
    score: float | None = Field(
        None, ge=0, description="Free score given by the analyst, never above the weight"
    )
    value: ShortText | None = Field(None, description="The measured value, e.g. «50% респондентів»")
    rationale: Text
    data_source: ShortText | None = None


class Evaluation(Record):
    """Щорічна оцінка ОСР (annual evaluation of an expected strategic result)."""

    result: Id
    year: int = Field(ge=2000, le=2100)
    date: dt.date
    analyst: Id
    indicators: list[IndicatorScore]
    summary: Text | None = None


class Feedback(Record):
    """Повідомлення-відгук стейкхолдера (stakeholder feedback), published without contact data."""

    id: Id
    date: dt.date
    measure: Id | None = None
    result: Id | None = None
    author: Name = Field(description="Name or organisation as the author wishes it shown")
    text: Text
    answer: Text | None = None
    answered_on: dt.date | None = None


class Notice(Record):
    """Оголошення (site notice: maintenance, national report, unplanned measure, statistics)."""

    id: Id
    kind: NoticeKind
    title: ShortText
    text: Text
    date: dt.date
    start: dt.date | None = None
    end: dt.date | None = None
    links: list[Link] = []


PERIOD_RE = re.compile(PERIOD_PATTERN)


def parse_period(period: str) -> tuple[int, int]:
    """Year and quarter of a 'YYYY-Qn' period."""
    m = PERIOD_RE.match(period)
    if not m:
        raise ValueError(f"not a period: {period!r}")
    return int(m.group(1)), int(m.group(2))
