"""`dap import`: the real 2018 plan read as a person reads it, other formats, amendments.

The expected records below were written by reading the plan (Cabinet order 86-р of 31.01.2018,
tests/fixtures/import/86-2018-r.txt), not by running the importer.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from builder import i18n
from builder import models as m
from builder.cli import cli
from builder.importer.deadlines import parse_deadline
from builder.importer.executors import (
    Known,
    is_group_record,
    known_executors,
    slug,
    split_executors,
    transliterate,
)
from builder.importer.interpret import interpret
from builder.importer.run import import_plan
from builder.importer.tables import (
    PlanError,
    read_csv,
    read_docx,
    read_table,
    read_text,
    read_xlsx,
)
from builder.validate import validate
from builder.versions import current, measure_as_of

FIXTURES = Path(__file__).parent / "fixtures" / "import"
# Cabinet order 86-р of 31.01.2018 with its plan, as exported from the legislation database
# (a byte-for-byte copy of the project's seed 000_d6df9031a2610e33.txt).
SEED = FIXTURES / "86-2018-r.txt"

D = dt.date
Q = m.Recurrence.QUARTERLY
H = m.Recurrence.HALF_YEARLY
Y = m.Recurrence.YEARLY

# Executors as (id, «за згодою»)
MIP = ("mip", False)
GPU = ("gpu", True)
NABU = ("nabu", True)
WG = ("mizhvidomcha-robocha-hrupa-koordynatsii", False)
DAEU = ("daeu", False)
# «центральні органи виконавчої влади» listed first: the group leads the measure
LEAD = ("tsentralni-orhany-vykonavchoi-vlady", False)
COVV = "центральні органи виконавчої влади"
OTHER_COVV = "інші центральні органи виконавчої влади"
MINISTRIES = "міністерства, послуги яких переводять в електронний формат"
STRATEGY = "плану заходів з реалізації Стратегії"

TASKS = {
    "1": "Розроблення та внесення Кабінетові Міністрів України проекту плану заходів з реалізації "
    "Стратегії комунікацій у сфері запобігання та протидії корупції на 2019 рік (далі - проект "
    "плану)",
    "2": "Запровадження системи моніторингу та оцінки ефективності антикорупційних комунікацій",
    "3": "Визначення пріоритетності антикорупційних комунікацій у роботі державних органів",
    "4": "Проведення регулярних медіа-заходів з антикорупційної тематики у державних органах за "
    "участю осіб, уповноважених на здійснення комунікацій з антикорупційних питань",
    "5": "Сприяння залученню громадськості для напрацювання механізму вироблення рішень у сфері "
    "запобігання та протидії корупції",
    "6": "Затвердження стандартів розміщення публікації / розміщення інформації про запобігання, "
    "виявлення та протидію корупції на офіційному веб-сайті центрального органу виконавчої "
    "влади, іншого державного органу",
    "7": "Запровадження стандартів розміщення публікації/ розміщення інформації про запобігання, "
    "виявлення та протидію корупції на офіційному веб-сайті центрального органу виконавчої "
    "влади, іншого державного органу",
    "8": "Участь представників органів державної влади у розробленні навчальних курсів (у тому "
    "числі в режимі он-лайн) та проведенні тренінгів з антикорупційних комунікацій для "
    "представників центральних органів виконавчої влади, державних органів, "
    "облдержадміністрацій",
    "9": "Випуск комунікаційних продуктів, що стосуються питань запобігання та протидії "
    "корупції, у тому числі тих, що сприяють зниженню толерантності до корупції в суспільстві, "
    "а саме тематичні статті, блоги у друкованих та/або он-лайн засобах масової інформації, "
    "статистичні звіти, інфографіки, друкована продукція, соціальні рекламні кампанії (зовнішня "
    "реклама, відео- та аудіоролики) (за наявності бюджетних призначень та інших ресурсів)",
    "10": "Здійснення заходів щодо поширення просвітницької інформації антикорупційного "
    "спрямування",
    "11": "Популяризація системи електронних послуг в Україні як таких, що зменшують корупційні "
    "ризики",
    "12": "Проведення оцінювання ефективності антикорупційних комунікацій та використання "
    "комунікаційних каналів у розрізі окремих державних органів (за наявності бюджетних "
    "призначень та інших ресурсів)",
}

COMPOUND = (
    f"за загальними показниками {STRATEGY} - раз на рік (до 31 грудня); за показниками для "
    f"окремих заходів з {STRATEGY} - після завершення реалізації ініціатив"
)
MEDIA = "засобах масової інформації щодо діяльності державних органів з питань запобігання та "
# id: (number, title, (deadline text, start, end, recurrence), main, co-executors, groups)
MEASURES: dict[str, tuple] = {
    "1.1": ("1.1", "подання МІП пропозицій до проекту плану",
            ("до 15 листопада", None, D(2018, 11, 15), None), MIP, [GPU, NABU], [OTHER_COVV]),
    "1.2": ("1.2", "підготовка проекту плану",
            ("до 15 грудня", None, D(2018, 12, 15), None), MIP, [WG], []),
    "1.3": ("1.3", "внесення проекту плану Кабінетові Міністрів України",
            ("до 31 грудня", None, D(2018, 12, 31), None), MIP, [WG], []),
    "2.1": ("2.1", "затвердження переліку показників для оцінки реалізації Стратегії комунікацій "
            "у сфері запобігання та протидії корупції (далі - Стратегія), їх цільових значень, "
            "механізму збору даних та розрахунку",
            ("до 20 лютого", None, D(2018, 2, 20), None), MIP, [WG], []),
    "2.2": ("2.2", "забезпечення збору та публікації показників оцінки реалізації Стратегії, що "
            "стосуються діяльності державних органів (за наявності бюджетних призначень та "
            "інших ресурсів)",
            ("щокварталу", None, None, Q), LEAD, [GPU, NABU], []),
    "2.3": ("2.3", f"проведення проміжного моніторингу виконання {STRATEGY}",
            ("до 31 серпня", None, D(2018, 8, 31), None), MIP, [WG], []),
    "2.4": ("2.4", f"проведення моніторингу та оцінки виконання {STRATEGY}",
            (COMPOUND, None, D(2018, 12, 31), Y), MIP, [WG], []),
    "3.1": ("3.1", "визначення поняття “антикорупційне повідомлення”, визначення чітких "
            "критеріїв такого повідомлення",
            ("до 1 лютого", None, D(2018, 2, 1), None), MIP, [WG], []),
    "3.2": ("3.2", "визначення нормативів показника частки антикорупційних повідомлень для "
            "окремих центральних органів виконавчої влади",
            ("до 31 березня", None, D(2018, 3, 31), None), MIP, [WG], []),
    "3.3": ("3.3", "визначення переліку осіб, уповноважених на здійснення комунікацій з "
            "антикорупційних питань, в центральних органах виконавчої влади, серед яких "
            "обов’язково є керівник органу та речник з антикорупційних питань",
            ("січень", D(2018, 1, 1), D(2018, 1, 31), None), LEAD, [GPU], []),
    "3.4": ("3.4", "сприяння розробленню методики проведення аналізу інформаційних повідомлень "
            f"в {MEDIA}протидії корупції - на предмет співвідношення позитивного та негативного "
            "змісту; розроблення типового бланка для оцінки антикорупційного повідомлення",
            ("II квартал", D(2018, 4, 1), D(2018, 6, 30), None), MIP, [WG], []),
    "3.5": ("3.5", "запровадження методики проведення аналізу інформаційних повідомлень в "
            f"{MEDIA}протидії корупції - на предмет співвідношення позитивного та негативного "
            "змісту (за наявності бюджетних призначень та інших ресурсів)",
            ("протягом року", D(2018, 1, 1), D(2018, 12, 31), None), LEAD, [GPU], []),
    "4.1": ("4.1", "проведення медіа-брифінгів осіб, уповноважених на здійснення комунікацій з "
            "антикорупційних питань, з представниками засобів масової інформації",
            ("щокварталу", None, None, Q), LEAD, [GPU, NABU], []),
    "4.2": ("4.2", "публічне звітування урядово-громадської ініціативи “Разом проти корупції” на "
            "засіданнях Уряду",
            ("щокварталу", None, None, Q), LEAD, [], []),
    "4.3": ("4.3", "публічне звітування керівництва державних органів щодо прогресу в реалізації "
            "антикорупційних ініціатив до Міжнародного дня боротьби з корупцією",
            ("9 грудня", D(2018, 12, 9), D(2018, 12, 9), None), LEAD, [GPU], []),
    "4.4": ("4.4", "проведення тематичних зустрічей з питань антикорупційної політики "
            "керівництва центральних органів виконавчої влади, державних органів та їх "
            "територіальних підрозділів з працівниками таких органів та підрозділів",
            ("раз на півроку", None, None, H), LEAD, [GPU, NABU], []),
    "4.5": ("4.5", "участь в організації та проведенні конференцій, семінарів, засідань за "
            "круглим столом з антикорупційної тематики",
            ("протягом року", D(2018, 1, 1), D(2018, 12, 31), None), LEAD, [GPU, NABU], []),
    "5.1": ("5.1", "організація засідань за круглим столом за участю керівництва органу "
            "державної влади, експертів громадських організацій, громадської ради та засобів "
            "масової інформації щодо визначення корупційних ризиків, шляхів запобігання та "
            "протидії корупції в діяльності органу державної влади",
            ("раз на півроку", None, None, H), LEAD, [GPU, NABU], []),
    "5.2": ("5.2", "публікація рекомендацій експертів та вжитих органом влади заходів за "
            "результатами проведених засідань за круглим столом на офіційному веб-сайті "
            "центрального органу виконавчої влади, державного органу",
            ("раз на півроку", None, None, H), LEAD, [GPU, NABU], []),
    "6.1": (None, "сприяння складенню та затвердженню чіткого переліку формату та типів "
            "інформації",
            ("до 20 лютого", None, D(2018, 2, 20), None), MIP, [WG], []),
    "7.1": ("7.1", "підтримання актуальної інформації на офіційному веб-сайті центрального "
            "органу виконавчої влади, державного органу окремого розділу з антикорупційної "
            "тематики, поширення інформації за результатами антикорупційної роботи у соціальних "
            "мережах: Facebook, Twitter, YouTube тощо (за умови наявності профілів у соціальних "
            "мережах)",
            ("протягом року", D(2018, 1, 1), D(2018, 12, 31), None), LEAD, [GPU, NABU], []),
    "7.2": ("7.2", "розміщення/посилання на суспільно важливу інформацію у форматі відкритих "
            "даних",
            ("протягом року", D(2018, 1, 1), D(2018, 12, 31), None), LEAD, [GPU, NABU], []),
    "7.3": ("7.3", "публікація інформації про антикорупційні структурні підрозділи та речників з "
            "антикорупційних питань",
            ("протягом року", D(2018, 1, 1), D(2018, 12, 31), None), LEAD, [GPU], []),
    "7.4": ("7.4", "розміщення інформації про канали повідомлення про корупцію",
            ("протягом року", D(2018, 1, 1), D(2018, 12, 31), None), LEAD, [GPU, NABU], []),
    "8.1": (None, TASKS["8"],
            ("січень - грудень", D(2018, 1, 1), D(2018, 12, 31), None), LEAD, [GPU, NABU], []),
    "9.1": ("9.1", "вивчення питання розроблення та розповсюдження комунікаційних продуктів",
            ("I квартал", D(2018, 1, 1), D(2018, 3, 31), None), MIP, [], []),
    "9.2": ("9.2", "напрацювання плану розроблення та розповсюдження комунікаційних продуктів",
            ("травень", D(2018, 5, 1), D(2018, 5, 31), None), LEAD, [GPU, NABU], []),
    "9.3": ("9.3", "сприяння розробленню та розповсюдженню пілотних комунікаційних продуктів (за "
            "наявності ресурсу)",
            ("II-IV квартали", D(2018, 4, 1), D(2018, 12, 31), None), LEAD, [GPU, NABU], []),
    "10.1": (None, "участь в організації та проведенні конференцій, семінарів, засідань за "
             "круглим столом з антикорупційної тематики у м. Києві та інших регіонах України, в "
             "тому числі участь в організації та проведенні інформаційно-освітніх "
             "антикорупційних заходів у закладах загальної середньої, професійної "
             "(професійно-технічної) та вищої освіти (дебати, конференції, відкриті уроки, "
             "лекції, квести та інші інтерактивні формати)",
             ("протягом року", D(2018, 1, 1), D(2018, 12, 31), None), LEAD, [GPU, NABU], []),
    "11.1": ("11.1", "сприяння забезпеченню доступності, впровадження та використання "
             "інструментів електронної демократії суб’єктами владних повноважень як інструменту "
             "запобігання та протидії корупції",
             ("протягом року", D(2018, 1, 1), D(2018, 12, 31), None), DAEU, [], [MINISTRIES]),
    "11.2": ("11.2", "сприяння розповсюдженню інформації та інформування населення про "
             "ініціативу “100 пріоритетних електронних послуг” як інструменту запобігання та "
             "протидії корупції в органах виконавчої влади",
             ("протягом року", D(2018, 1, 1), D(2018, 12, 31), None), DAEU, [], [MINISTRIES]),
    "12.1": ("12.1", "сприяння розробленню типової методики оцінювання державних органів щодо "
             "ефективності антикорупційних комунікацій та використання ними комунікаційних "
             "каналів",
             ("до 31 грудня", None, D(2018, 12, 31), None), MIP, [WG], []),
    "12.2": ("12.2", "забезпечення проведення та участь у тренінгу осіб, уповноважених на "
             "здійснення комунікацій з антикорупційних питань, серед яких обов’язково є "
             "керівник органу та речник з антикорупційних питань, стосовно запровадження "
             "методики оцінювання ефективності антикорупційних комунікацій та використання ними "
             "комунікаційних каналів",
             ("II квартал", D(2018, 4, 1), D(2018, 6, 30), None), LEAD, [GPU, NABU], []),
    "12.3": ("12.3", "забезпечення проведення пілотного оцінювання обраних державних органів "
             "щодо ефективності антикорупційних комунікацій та використання ними "
             "комунікаційних каналів",
             ("IV квартал", D(2018, 10, 1), D(2018, 12, 31), None), MIP, [WG], []),
}  # fmt: skip

EXECUTORS = {
    "mip": ("Міністерство інформаційної політики України", False),
    "gpu": ("Генеральна прокуратура України", True),
    "nabu": ("Національне антикорупційне бюро України", True),
    "mizhvidomcha-robocha-hrupa-koordynatsii": (
        "Міжвідомча робоча група з питань координації антикорупційної реформи",
        False,
    ),
    "tsentralni-orhany-vykonavchoi-vlady": ("Центральні органи виконавчої влади", False),
    "daeu": ("Державне агентство з питань електронного урядування України", False),
}


def measure_row(ms: m.Measure) -> tuple:
    """A measure in the shape of MEASURES."""
    d = ms.deadline
    return (
        ms.number,
        ms.title,
        (d.text, d.start, d.end, d.recurrence),
        (ms.main_executor.executor, ms.main_executor.by_agreement),
        [(c.executor, c.by_agreement) for c in ms.co_executors],
        ms.executor_groups,
    )


# ---------------------------------------------------------------- the whole 2018 plan


def test_the_2018_plan_is_read_as_a_person_reads_it() -> None:
    plan = interpret(read_table(SEED), known_executors(), str(SEED))
    p = plan.programme
    assert p.id == "plan-2018-86-r"
    assert p.title == (
        "План заходів з реалізації Стратегії комунікацій у сфері запобігання та протидії "
        "корупції на 2018 рік"
    )
    assert (p.act.number, p.act.date) == ("86-р", D(2018, 1, 31))
    assert p.act.title.startswith("Розпорядження Кабінету Міністрів України «Про затвердження")
    assert (p.period.start, p.period.end) == (D(2018, 1, 1), D(2018, 12, 31))
    assert plan.act_label == "Розпорядження Кабінету Міністрів України від 31.01.2018 № 86-р"

    assert [(s.id, s.level, s.title, s.order, s.parent) for s in plan.sections] == [
        (tid, m.SectionLevel.TASK, title, n, None)
        for n, (tid, title) in enumerate(TASKS.items(), 1)
    ]
    assert len(plan.measures) == 34
    assert {ms.id: measure_row(ms) for ms in plan.measures} == MEASURES
    assert [ms.id for ms in plan.measures] == list(MEASURES)  # in the plan's order
    assert {ms.id: ms.section for ms in plan.measures} == {
        mid: mid.split(".")[0] for mid in MEASURES
    }
    assert {eid: (ex.name, ex.by_agreement) for eid, ex in plan.executors.items()} == EXECUTORS
    group = plan.executors["mizhvidomcha-robocha-hrupa-koordynatsii"]
    assert (group.short_name, group.aliases) == ("робоча група", ["робоча група"])
    assert "МІП" in plan.executors["mip"].aliases
    lead = plan.executors[LEAD[0]]  # a group of bodies, marked as one in its record
    assert lead.short_name == "Центральні органи виконавчої влади (група органів)"
    assert is_group_record(lead) and not is_group_record(plan.executors["gpu"])


def test_the_report_names_what_was_not_understood_with_lines() -> None:
    plan = interpret(read_table(SEED), known_executors(), str(SEED))
    warnings = [(n.line, n.subject) for n in plan.notes if n.level == "warning"]
    # 2.4: the compound deadline (three remarks); 4.2: only a group of bodies is named
    assert warnings == [(80, "2.4"), (80, "2.4"), (80, "2.4"), (130, "4.2")]
    notes = {(n.line, n.subject, n.message.split(":")[0]) for n in plan.notes}
    assert (204, "8.1", "the measure cell is empty") in notes
    # «центральні органи виконавчої влади» listed before the bodies (read in the plan; the
    # line is the executors cell's, or its «-“-»): the group leads, nobody can report yet
    led = [(n.line, n.subject) for n in plan.notes if n.message.startswith("the first listed")]
    assert led == [
        (66, "2.2"), (101, "3.3"), (115, "3.5"), (122, "4.1"), (136, "4.3"), (142, "4.4"),
        (150, "4.5"), (156, "5.1"), (162, "5.2"), (177, "7.1"), (185, "7.2"), (194, "7.3"),
        (200, "7.4"), (208, "8.1"), (220, "9.2"), (228, "9.3"), (234, "10.1"), (260, "12.2"),
    ]  # fmt: skip
    assert all(
        f"group of bodies («{COVV}»)" in n.message and "nobody can report" in n.message
        for n in plan.notes
        if n.message.startswith("the first listed")
    )
    assert any(n.subject == "executors" and "утворена постановою" in n.message for n in plan.notes)


def test_import_passes_validation_and_reimport_changes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "imported"
    runner = CliRunner()
    result = runner.invoke(cli, ["import", str(SEED), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "12 tasks, 34 measures, 6 executors" in result.output
    assert ":80: 2.4: deadline:" in result.output
    report = (tmp_path / "imported-import-report.txt").read_text(encoding="utf-8")
    assert f"{SEED}:130: 4.2: warning: no single body is named" in report

    data, problems = validate(out, "imported")
    assert [str(p) for p in problems if p.severity == "error"] == []
    assert {p.code for p in problems} <= {"roster"}
    assert len(data.measures) == 34 and len(data.sections) == 12 and len(data.executors) == 6
    assert data.measures["2.4"].deadline.recurrence == Y

    before = {f: f.read_bytes() for f in out.rglob("*.yaml")}
    again = runner.invoke(cli, ["import", str(SEED), "--out", str(out)])
    assert again.exit_code == 1 and "--overwrite" in again.output and "--amend" in again.output
    assert {f: f.read_bytes() for f in out.rglob("*.yaml")} == before

    for flag in ("--overwrite", "--amend"):
        mtimes = {f: f.stat().st_mtime_ns for f in out.rglob("*.yaml")}
        again = runner.invoke(cli, ["import", str(SEED), "--out", str(out), flag])
        assert again.exit_code == 0, again.output
        assert {f: f.read_bytes() for f in out.rglob("*.yaml")} == before
        assert {f: f.stat().st_mtime_ns for f in out.rglob("*.yaml")} == mtimes
    assert "0 change(s) recorded as amendments" in again.output


def test_overwrite_and_amend_together_are_refused(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli,
        ["import", str(FIXTURES / "plan.csv"), "--out", str(tmp_path), "--overwrite", "--amend"],
    )
    assert result.exit_code == 1
    assert "--overwrite cannot be used with --amend" in result.output


def test_amend_needs_existing_data(tmp_path: Path) -> None:
    with pytest.raises(PlanError, match="holds no data to amend"):
        import_plan(FIXTURES / "plan.csv", tmp_path / "new", amend_mode=True)


# ---------------------------------------------------------------- other formats

# The fixture table: task 1 of the 2018 plan and a task with other wordings.
FIXTURE_MEASURES = {
    "1.1": ("1.1", "подання МІП пропозицій до проекту плану",
            ("до 15 листопада", None, D(2018, 11, 15), None), MIP, [GPU, NABU], [OTHER_COVV]),
    "1.2": ("1.2", "підготовка проекту плану",
            ("до 15 грудня", None, D(2018, 12, 15), None), MIP, [("minfin", False)], []),
    "1.3": ("1.3", "внесення проекту плану Кабінетові Міністрів України",
            ("до 15 грудня", None, D(2018, 12, 15), None), MIP, [("minfin", False)], []),
    "2.1": ("2.1", "оприлюднення звіту",
            ("у місячний строк", None, None, None), ("minjust", False),
            [("nazk", True)], ["інші заінтересовані органи"]),
}  # fmt: skip
FIXTURE_HEADING = [
    ["КАБІНЕТ МІНІСТРІВ УКРАЇНИ"],
    ["РОЗПОРЯДЖЕННЯ"],
    ["від 31 січня 2018 р. № 86-р"],
    ["ПЛАН ЗАХОДІВ"],
    ["з реалізації Стратегії комунікацій на 2018 рік"],
]
FIXTURE_COLUMNS = [
    "Найменування завдання",
    "Найменування заходу",
    "Строк виконання",
    "Відповідальні виконавці",
]
FIXTURE_ROWS = [
    [
        "1. Розроблення проекту плану",
        "1) подання МІП пропозицій до проекту плану",
        "до 15 листопада",
        "МІП\nінші центральні органи виконавчої влади\nГенеральна прокуратура України (за згодою)"
        "\nНаціональне антикорупційне бюро (за згодою)",
    ],
    ["", "2) підготовка проекту плану", "до 15 грудня", "МІП, Мінфін"],
    ["", "3) внесення проекту плану Кабінетові Міністрів України", "-“-", "-“-"],
    [
        "2. Звітування",
        "1) оприлюднення звіту",
        "у місячний строк",
        "Мін’юст; НАЗК (за згодою); інші заінтересовані органи",
    ],
]


def check_fixture(plan) -> None:
    assert {ms.id: measure_row(ms) for ms in plan.measures} == FIXTURE_MEASURES
    assert [(s.id, s.title) for s in plan.sections] == [
        ("1", "Розроблення проекту плану"),
        ("2", "Звітування"),
    ]
    assert plan.programme.title == "План заходів з реалізації Стратегії комунікацій на 2018 рік"
    assert (plan.programme.act.number, plan.programme.act.date) == ("86-р", D(2018, 1, 31))
    flagged = [(n.subject, n.level) for n in plan.notes if "місячний" in n.message]
    assert flagged == [("2.1", "warning")]


def test_csv_fixture() -> None:
    table = read_csv((FIXTURES / "plan.csv").read_text(encoding="utf-8"))
    plan = interpret(table, known_executors(), "plan.csv")
    check_fixture(plan)
    line = next(n.line for n in plan.notes if "місячний" in n.message)
    assert line == 13  # the CSV line where the row of measure 2.1 starts


def test_csv_with_semicolons_and_five_columns(tmp_path: Path) -> None:
    rows = [r + [""] * (4 - len(r)) for r in FIXTURE_HEADING] + [["№", *FIXTURE_COLUMNS]]
    for r in FIXTURE_ROWS:
        number, _, title = r[0].partition(". ")
        rows.append([number, title, *r[1:]])
    import csv

    target = tmp_path / "plan.csv"
    with target.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, delimiter=";").writerows(rows)
    check_fixture(interpret(read_table(target), known_executors(), "plan.csv"))


def test_xlsx_made_with_openpyxl(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in [*FIXTURE_HEADING, FIXTURE_COLUMNS, *FIXTURE_ROWS]:
        sheet.append(row)
    sheet.merge_cells("A7:A9")  # the task cell spans its three measures, as in Word exports
    target = tmp_path / "plan.xlsx"
    book.save(target)
    plan = interpret(read_xlsx(target), known_executors(), "plan.xlsx")
    check_fixture(plan)
    assert next(n.line for n in plan.notes if "місячний" in n.message) == 10  # sheet row


def test_docx_table_made_with_python_docx(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    for (text,) in FIXTURE_HEADING:
        document.add_paragraph(text)
    table = document.add_table(rows=1 + len(FIXTURE_ROWS), cols=4)
    for r, row in enumerate([FIXTURE_COLUMNS, *FIXTURE_ROWS]):
        for c, text in enumerate(row):
            cell = table.cell(r, c)
            lines = text.split("\n")
            cell.text = lines[0]
            for extra in lines[1:]:
                cell.add_paragraph(extra)
    merged = table.cell(1, 0).merge(table.cell(3, 0))  # task 1 spans its measures
    assert "Розроблення" in merged.text
    target = tmp_path / "plan.docx"
    document.save(str(target))
    plan = interpret(read_docx(target), known_executors(), "plan.docx")
    check_fixture(plan)


def test_text_export_and_plain_tsv_give_the_same_plan() -> None:
    lines = [r[0] for r in FIXTURE_HEADING] + [""] + ["\t" + c for c in FIXTURE_COLUMNS] + [""]
    for r in FIXTURE_ROWS:
        number, _, title = r[0].partition(". ")
        cells = [number + "." if number else "", title, *r[1:]]
        lines += ["\t" + c for c in cells] + [""]
    check_fixture(interpret(read_text("\n".join(lines)), known_executors(), "plan.txt"))
    tsv = [r[0] for r in FIXTURE_HEADING] + ["\t".join(["№", *FIXTURE_COLUMNS])]
    for r in FIXTURE_ROWS:
        number, _, title = r[0].partition(". ")
        tsv.append("\t".join([number, title, *(c.replace("\n", "; ") for c in r[1:])]))
    plan = interpret(read_text("\n".join(tsv)), known_executors(), "plan.tsv")
    assert {ms.id: measure_row(ms)[2:] for ms in plan.measures} == {
        k: v[2:] for k, v in FIXTURE_MEASURES.items()
    }


def test_the_wrong_format_is_refused_not_imported(tmp_path: Path) -> None:
    with pytest.raises(PlanError, match="check --format"):
        import_plan(SEED, tmp_path / "out", fmt="csv")
    assert not (tmp_path / "out").exists()


def test_a_plan_without_an_act_date_is_refused() -> None:
    table = read_text(
        "\tНайменування заходу\tСтрок виконання\n\t1.\tЗавдання\t1) захід\tсічень\tМІП\n"
    )
    with pytest.raises(PlanError, match="no act date"):
        interpret(table, known_executors(), "plan.txt")


def test_deadlines_beyond_the_plan_year_widen_the_period() -> None:
    text = (
        "від 1 лютого 2019 р. № 5-р\nПЛАН ЗАХОДІВ\nна 2019 рік\n\n\t1.\n\tЗавдання\n"
        "\t1) захід\n\tI квартал 2020 р.\n\tМОН\n"
    )
    plan = interpret(read_text(text), known_executors(), "plan.txt")
    period = plan.programme.period
    assert (period.start, period.end) == (D(2019, 1, 1), D(2020, 12, 31))
    assert [(n.line, n.subject, n.level) for n in plan.notes] == [(5, "1.1", "warning")]


def test_a_cell_too_long_for_the_models_is_refused_with_its_line() -> None:
    long = "до 15 листопада " + "дуже " * 500
    text = f"від 1 лютого 2019 р. № 5-р\n\n\t1.\n\tЗавдання\n\t1) захід\n\t{long}\n\tМОН\n"
    with pytest.raises(PlanError, match=r"plan.txt:3: measure 1.1: deadline.text"):
        interpret(read_text(text), known_executors(), "plan.txt")


def test_ditto_with_nothing_above_is_flagged() -> None:
    text = "від 1 лютого 2019 р. № 5-р\n\n\t1.\n\tЗавдання\n\t1) захід\n\t-“-\n\t-“-\n"
    plan = interpret(read_text(text), known_executors(), "plan.txt")
    ms = plan.measures[0]
    assert ms.main_executor.executor == "unknown"
    flagged = sorted(n.message for n in plan.notes if n.level == "warning")
    assert any("«-“-» in the deadline has nothing above" in f for f in flagged)
    assert any("«-“-» in the executors has nothing above" in f for f in flagged)


# ---------------------------------------------------------------- executors


@pytest.mark.parametrize(
    ("cell", "items"),
    [
        ("МІП\nробоча група", ["МІП", "робоча група"]),
        (
            "центральні органи виконавчої влади Генеральна прокуратура України (за згодою)",
            ["центральні органи виконавчої влади", "Генеральна прокуратура України (за згодою)"],
        ),
        (
            "Національне антикорупційне бюро\n(за згодою)",
            ["Національне антикорупційне бюро (за згодою)"],
        ),
        ("Мінфін, Мін'юст; НАЗК (за згодою)", ["Мінфін", "Мін'юст", "НАЗК (за згодою)"]),
        (MINISTRIES, [MINISTRIES]),
        (
            "Міжвідомча робоча група, утворена постановою від 1 січня 2017 р. № 1 (Офіційний "
            "вісник України, 2017 р., № 5) (далі - робоча група)",
            [
                "Міжвідомча робоча група, утворена постановою від 1 січня 2017 р. № 1 (Офіційний "
                "вісник України, 2017 р., № 5) (далі - робоча група)"
            ],
        ),
        (
            "обласні, Київська міська держадміністрації",
            ["обласні, Київська міська держадміністрації"],
        ),
    ],
)
def test_split_executors(cell: str, items: list[str]) -> None:
    assert split_executors(cell, known_executors(), {}) == items


@pytest.mark.parametrize(
    ("cell", "main", "co", "groups"),
    [
        (
            "інші заінтересовані органи (за згодою)\nМІП\nорганів місцевого самоврядування",
            ("inshi-zainteresovani-orhany", True),
            [("mip", False)],
            ["органів місцевого самоврядування"],
        ),
        ("МІП\nінші заінтересовані органи", ("mip", False), [], ["інші заінтересовані органи"]),
        ("міністерства", ("ministerstva", False), [], []),
    ],
)
def test_a_group_listed_first_leads_the_measure(
    cell: str, main: tuple[str, bool], co: list[tuple[str, bool]], groups: list[str]
) -> None:
    text = f"від 1 лютого 2019 р. № 5-р\n\n\t1.\n\tЗавдання\n\t1) захід\n\tсічень\n\t{cell}\n"
    plan = interpret(read_text(text), known_executors(), "plan.txt")
    ms = plan.measures[0]
    assert (ms.main_executor.executor, ms.main_executor.by_agreement) == main
    assert [(c.executor, c.by_agreement) for c in ms.co_executors] == co
    assert ms.executor_groups == groups
    lead = plan.executors[main[0]]
    assert is_group_record(lead) == (main[0] != "mip")
    assert lead.by_agreement == main[1]


def test_executors_from_a_data_folder_win(demo_data: Path) -> None:
    known = known_executors([demo_data])
    assert known.find("Генеральна прокуратура України") == "ogp"  # the demo data's alias
    assert known.find("НАЗК") == "nazk"
    assert known.find("МІП") == "mip"  # still from the built-in table
    assert Known().find("МІП") is None


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Міжвідомча робоча група з питань координації антикорупційної реформи",
         "mizhvidomcha-robocha-hrupa-koordynatsii-antykoruptsiinoi-reformy"),
        ("Центральні органи виконавчої влади", "tsentralni-orhany-vykonavchoi-vlady"),
        ("Згурівська районна рада", "zghurivska-raionna-rada"),
        ("Юридична служба Їжакевича", "yurydychna-sluzhba-yizhakevycha"),
        ("Міністерство охорони здоров'я", "ministerstvo-okhorony-zdorovia"),
    ],
)  # fmt: skip
def test_slug(name: str, expected: str) -> None:
    assert slug(name, 80) == expected
    assert transliterate("Щастя") == "shchastia"


# ---------------------------------------------------------------- amendment mode


def test_amendments_are_recorded_per_measure(tmp_path: Path) -> None:
    out = tmp_path / "data"
    import_plan(SEED, out)
    (out / "executors" / "mip.yaml").write_text(
        (out / "executors" / "mip.yaml").read_text(encoding="utf-8")
        + "# people added by the editor\n",
        encoding="utf-8",
    )
    hand_edited = (out / "executors" / "mip.yaml").read_bytes()
    text = SEED.read_text(encoding="utf-8")
    text = text.replace("від 31 січня 2018 р. № 86-р", "від 20 червня 2018 р. № 400-р")
    text = text.replace("\tдо 31 серпня", "\tдо 30 вересня")  # 2.3 deadline
    text = text.replace(  # 9.1 executors
        "\tI квартал\n\tМІП\n", "\tI квартал\n\tМІП\nМінфін\n"
    )
    text = text.replace("1) визначення поняття", "1) визначення терміна")  # 3.1 title
    text = text.replace(
        "\tРозроблення та внесення Кабінетові", "\tПідготовка та внесення Кабінетові"
    )
    start = text.index("\t\n\t\n\t3) внесення проекту плану")  # measure 1.3 removed
    end = text.index("\t2.\n")
    text = text[:start] + text[end:]
    text += "\n\n\t\n\t\n\t4) нове завдання для перевірки\n\tгрудень\n\tМОН\n"  # 12.4 added
    amended = tmp_path / "amended.txt"
    amended.write_text(text, encoding="utf-8")

    result = import_plan(amended, out, amend_mode=True)
    got = {(c.measure, c.field): (c.old, c.new) for c in result.changes}
    assert got == {
        ("2.3", "deadline"): ("до 31 серпня", "до 30 вересня"),
        ("3.1", "title"): (MEASURES["3.1"][1], MEASURES["3.1"][1].replace("поняття", "терміна")),
        ("9.1", "executors"): (
            "Міністерство інформаційної політики України",
            "Міністерство інформаційної політики України; Міністерство фінансів України",
        ),
        ("12.4", "added"): (None, "нове завдання для перевірки"),
        ("1.3", "removed"): ("внесення проекту плану Кабінетові Міністрів України", None),
    }
    report = result.report.read_text(encoding="utf-8")
    assert "2.3: deadline: «до 31 серпня» → «до 30 вересня»" in report
    assert "1.3: removed: «внесення проекту плану Кабінетові Міністрів України»" in report
    data, problems = validate(out, "data")
    assert [str(p) for p in problems if p.severity == "error"] == []
    act = "Розпорядження Кабінету Міністрів України від 20.06.2018 № 400-р"
    a = data.measures["2.3"].amendments
    assert [(x.date, x.act, list(x.changes())) for x in a] == [(D(2018, 6, 20), act, ["deadline"])]
    assert a[0].deadline is not None and a[0].deadline.text == "до 30 вересня"
    # the file keeps the original text; the version in force after the act has the new one
    assert data.measures["2.3"].deadline.end == D(2018, 8, 31)
    assert measure_as_of(data.measures["2.3"], D(2018, 6, 19)).deadline.end == D(2018, 8, 31)
    assert measure_as_of(data.measures["2.3"], D(2018, 6, 20)).deadline.end == D(2018, 9, 30)
    assert data.measures["9.1"].amendments[0].co_executors == [m.ExecutorLink(executor="minfin")]
    assert data.measures["1.3"].removed is None
    assert data.measures["1.3"].amendments[-1].removed
    assert measure_as_of(data.measures["1.3"], D(2018, 6, 20)).removed == D(2018, 6, 20)
    assert data.measures["12.4"].amendments[0].added
    task = data.sections["1"]  # the task's title is amended; its original title stays
    assert task.title.startswith("Розроблення") and task.amendments[0].title is not None
    assert task.amendments[0].title.startswith("Підготовка")
    assert {"minfin", "mon"} <= set(data.executors)  # new bodies get their records
    assert data.programme is not None
    assert [(x.number, x.date) for x in data.programme.amendments] == [("400-р", D(2018, 6, 20))]
    assert data.programme.act.number == "86-р"
    assert (out / "executors" / "mip.yaml").read_bytes() == hand_edited  # untouched
    assert (out / "measures" / "2.2.yaml").stat().st_size > 0

    # the same amendment again changes nothing
    files = {f: f.read_bytes() for f in out.rglob("*.yaml")}
    again = import_plan(amended, out, amend_mode=True)
    assert again.changes == [] and again.written == []
    assert {f: f.read_bytes() for f in out.rglob("*.yaml")} == files


def test_a_renumbered_measure_keeps_its_id(tmp_path: Path) -> None:
    out = tmp_path / "data"
    import_plan(SEED, out)
    text = SEED.read_text(encoding="utf-8").replace("від 31 січня 2018", "від 1 березня 2018")
    text = text.replace("\t2) підготовка проекту плану", "\t2) нове: збір думок\n\tдо 1 грудня\n"
                        "\tМІП\n\n\t\n\t\n\t3) підготовка проекту плану")  # fmt: skip
    text = text.replace("\t3) внесення проекту плану", "\t4) внесення проекту плану")
    amended = tmp_path / "amended.txt"
    amended.write_text(text, encoding="utf-8")
    result = import_plan(amended, out, amend_mode=True)
    got = sorted((c.measure, c.field, c.old, c.new) for c in result.changes)
    assert got == [
        ("1.2", "other", "1.2", "1.3"),
        ("1.2-2", "added", None, "нове: збір думок"),
        ("1.3", "other", "1.3", "1.4"),
    ]
    data, problems = validate(out, "data")
    assert [str(p) for p in problems if p.severity == "error"] == []
    assert data.measures["1.2"].title == "підготовка проекту плану"
    assert data.measures["1.2"].number == "1.2"  # the original text
    assert current(data.measures["1.2"]).number == "1.3"


def test_amend_refuses_an_unrelated_plan(tmp_path: Path) -> None:
    out = tmp_path / "data"
    import_plan(SEED, out)
    other = tmp_path / "other.txt"
    other.write_text(
        "від 1 березня 2018 р. № 9-р\n\n\t1.\n\tІнше завдання\n\t1) інший захід\n\tсічень\n\tМОН\n",
        encoding="utf-8",
    )
    before = {f: f.read_bytes() for f in out.rglob("*.yaml")}
    with pytest.raises(PlanError, match="does not look like a new version"):
        import_plan(other, out, amend_mode=True)
    assert {f: f.read_bytes() for f in out.rglob("*.yaml")} == before


def test_cli_prints_the_changes(tmp_path: Path) -> None:
    out = tmp_path / "data"
    import_plan(SEED, out)
    text = SEED.read_text(encoding="utf-8").replace("\tдо 31 серпня", "\tIII квартал")
    amended = tmp_path / "amended.txt"
    amended.write_text(text.replace("від 31 січня 2018", "від 2 лютого 2018"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["import", str(amended), "--out", str(out), "--amend"])
    assert result.exit_code == 0, result.output
    assert "1 change(s) recorded as amendments" in result.output
    assert "2.3: deadline: «до 31 серпня» → «III квартал»" in result.output


def test_import_refuses_a_damaged_folder_in_amend_mode(tmp_path: Path) -> None:
    out = tmp_path / "data"
    import_plan(SEED, out)
    (out / "measures" / "1.1.yaml").write_text("id: [\n", encoding="utf-8")
    with pytest.raises(PlanError, match="fix them before amending"):
        import_plan(SEED, out, amend_mode=True)


def test_imported_executors_copy_no_people(tmp_path: Path, demo_data: Path) -> None:
    out = tmp_path / "imported"
    copy = tmp_path / "fixture.csv"
    shutil.copy(FIXTURES / "plan.csv", copy)
    import_plan(copy, out, executors_from=(demo_data,))
    text = (out / "executors" / "nazk.yaml").read_text(encoding="utf-8")
    assert "people: []" in text and "@" not in text
    data, problems = validate(out, "imported")
    assert [str(p) for p in problems if p.severity == "error"] == []


def test_cli_report_and_executors_options(tmp_path: Path, demo_data: Path) -> None:
    report = tmp_path / "reports" / "import.txt"
    out = tmp_path / "imported"
    args = ["import", str(FIXTURES / "plan.csv"), "--out", str(out), "--report", str(report)]
    result = CliRunner().invoke(cli, [*args, "--executors", str(demo_data)])
    assert result.exit_code == 0, result.output
    assert f"see {report}" in result.output
    text = report.read_text(encoding="utf-8")
    assert "plan.csv:13: 2.1: warning: deadline: «у місячний строк» counts from an event" in text
    ogp = (out / "executors" / "ogp.yaml").read_text(encoding="utf-8")  # the demo data's alias
    assert "name: Офіс Генерального прокурора" in ogp and "- Генеральна прокуратура України" in ogp


# ---------------------------------------------------------------- in Ukrainian (issue 15)


@pytest.fixture
def ukrainian():
    """The run's language set to Ukrainian for one test."""
    i18n.set_language("uk")
    yield
    i18n.set_language(None)


# What a Ukrainian message may carry in Latin letters: quoted values, file paths and field names
# (with «.», «/» or «_»), options, ids; and these field names.
NOT_WORDS = re.compile(r"«[^«»]*»|\S*[./_]\S*|--[\w-]+|\b[a-z0-9]+(?:-[a-z0-9]+)+\b")
FIELD_NAMES = {"aliases", "data", "period", "title"}


def english_words(text: str) -> set[str]:
    """Latin words of `text` that are not values, file names, field names, options or ids."""
    return set(re.findall(r"[A-Za-z]{2,}", NOT_WORDS.sub(" ", text))) - FIELD_NAMES


def test_the_import_report_and_notes_speak_ukrainian_with_source_lines(
    tmp_path: Path, ukrainian
) -> None:
    result = import_plan(SEED, tmp_path / "data")
    report = result.report.read_text(encoding="utf-8")
    head, _, body = report.partition("\n\n")
    assert head.splitlines() == [
        f"Імпорт плану {SEED}",
        "акт: Розпорядження Кабінету Міністрів України від 31.01.2018 № 86-р",
        "план: План заходів з реалізації Стратегії комунікацій у сфері запобігання та протидії "
        "корупції на 2018 рік",
        "період: 01.01.2018 – 31.12.2018",
        "завдань: 12, заходів: 34, виконавців: 6",
    ]
    counts, *lines = body.splitlines()
    assert counts == "4 місця не зрозуміло (збережено текстом), 23 рішення імпорту для перевірки:"
    notes = sorted(result.plan.notes, key=lambda n: (n.line, n.topic))
    assert len(lines) == len(notes) == 27
    for line, n in zip(lines, notes, strict=True):  # every note names the plan's file and line
        level = "попередження" if n.level == "warning" else "перевірте"
        assert line.startswith(f"{SEED}:{n.line}: {n.subject}: {level}: "), line
    assert (
        f"{SEED}:80: 2.4: попередження: строк виконання: «після завершення реалізації ініціатив» "
        "прив’язано до події, а не до дати, тож його збережено текстом — перевірте прочитані "
        "дати в measures/2.4.yaml"
    ) in lines
    assert (
        f"{SEED}:130: 4.2: попередження: не названо жодного окремого органу, лише «центральні "
        "органи виконавчої влади»: головним виконавцем записано групу органів "
        "«tsentralni-orhany-vykonavchoi-vlady» — ніхто не зможе звітувати про захід, доки "
        "редактор не визначить відповідальний орган"
    ) in lines
    empty = "клітинка заходу порожня: назвою заходу стала назва завдання"
    assert f"{SEED}:204: 8.1: перевірте: {empty}" in lines
    assert any(line.startswith(f"{SEED}:45: виконавці: перевірте: «Міжвідомча") for line in lines)
    # no English sentence: not in the report, not in the notes as `dap import` prints them
    assert {line: english_words(line) for line in report.splitlines() if english_words(line)} == {}
    assert [n.message for n in notes if english_words(f"{n.subject}: {n.message}")] == []


def test_an_unreadable_deadline_says_what_to_do_in_ukrainian(ukrainian) -> None:
    text = (
        "від 1 лютого 2019 р. № 5-р\nПЛАН ЗАХОДІВ\nна 2019 рік\n\n\t1.\n\tЗавдання\n"
        "\t1) захід\n\tу міру потреби\n\tМОН\n\n\t\n\t\n\t2) інший захід\n\tсічень\n\t\n"
    )
    plan = interpret(read_text(text), known_executors(), "plan.txt")
    assert [(n.line, n.subject, n.level, n.message) for n in plan.notes] == [
        (
            8,
            "1.1",
            "warning",
            "строк виконання: не вдалося прочитати «у міру потреби»: таке формулювання строку "
            "невідоме, тож його збережено текстом — вкажіть дати вручну в measures/1.1.yaml, "
            "якщо вони відомі",
        ),
        (
            15,
            "1.2",
            "warning",
            "виконавця не вказано: записано «unknown» — вкажіть головного виконавця "
            "(main_executor) у measures/1.2.yaml",
        ),
    ]
    issues = parse_deadline("у місячний строк", 2019).issues
    assert [str(i) for i in issues] == [
        "«у місячний строк» відлічується від події, якої план не називає, тож його збережено "
        "текстом"
    ]


def test_amendments_and_refusals_in_ukrainian(tmp_path: Path, ukrainian) -> None:
    out = tmp_path / "data"
    import_plan(SEED, out)
    text = SEED.read_text(encoding="utf-8").replace("\tдо 31 серпня", "\tIII квартал")
    amended = tmp_path / "amended.txt"
    amended.write_text(text.replace("від 31 січня 2018", "від 2 лютого 2018"), encoding="utf-8")
    result = import_plan(amended, out, amend_mode=True)
    report = result.report.read_text(encoding="utf-8")
    assert (
        "\n1 зміна порівняно з даними:\n2.3: строк виконання: «до 31 серпня» → «III квартал»\n"
        in (report)
    )
    assert [c.describe() for c in result.changes] == [
        "2.3: строк виконання: «до 31 серпня» → «III квартал»"
    ]
    other = tmp_path / "other.txt"
    other.write_text(
        "від 1 березня 2018 р. № 9-р\n\n\t1.\n\tІнше завдання\n\t1) інший захід\n\tсічень\n\tМОН\n",
        encoding="utf-8",
    )
    with pytest.raises(PlanError, match=r"\(у даних 34 заходи\), тож це не схоже на нову редакцію"):
        import_plan(other, out, amend_mode=True)
    with pytest.raises(PlanError, match=f"у {re.escape(str(out))} уже є файли"):
        import_plan(SEED, out)
    refused = CliRunner().invoke(
        cli, ["--lang", "uk", "import", str(SEED), "--out", str(out), "--overwrite", "--amend"]
    )
    assert refused.exit_code == 1 and "Traceback" not in refused.output
    assert "--overwrite не можна поєднувати з --amend — оберіть щось одне" in refused.output
