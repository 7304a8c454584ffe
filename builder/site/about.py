"""Fixed pages about the programme and the site: notices, feedback, methodology, downloads."""

from __future__ import annotations

from urllib.parse import quote

from .. import models as m
from ..compute import STATUSES
from ..wording import EDITIONS, GLOSSARY, UK, Edition, ua_date, ua_num, uk_count
from .context import (
    Site,
    measure_number,
    page_path,
)
from .markup import (
    Cell,
    a,
    block,
    dates_line,
    esc,
    front,
    in_language,
    link_html,
    md,
    safe_url,
    table,
    text_html,
)

NOTICE_SECTIONS = (
    (m.NoticeKind.NATIONAL_REPORT, "Національні доповіді"),
    (m.NoticeKind.STATISTICS, "Статистика"),
    (m.NoticeKind.UNPLANNED_MEASURE, "Позапланові заходи"),
    (m.NoticeKind.NEWS, "Новини"),
    (m.NoticeKind.MAINTENANCE, "Технічні роботи"),
)


def notices_page(site: Site) -> str:
    """Національні доповіді, статистика, позапланові заходи, новини, технічні роботи."""
    out = [front("Доповіді та статистика"), "# Доповіді, статистика, позапланові заходи\n\n"]
    notices = sorted(site.data.notices.values(), key=lambda n: (n.date, n.id), reverse=True)
    for kind, title in NOTICE_SECTIONS:
        items = [n for n in notices if n.kind == kind]
        out.append(f"## {title}\n\n")
        if not items:
            out.append(block("<p>Поки що немає.</p>"))
            continue
        for n in items:
            when = ua_date(n.date)
            if n.start or n.end:
                when += f" (діє {ua_date(n.start or n.date)} — {ua_date(n.end)})"
            links = (
                "<ul>" + "".join(f"<li>{link_html(x.title, x.url)}</li>" for x in n.links) + "</ul>"
                if n.links
                else ""
            )
            out.append(f"### {md(n.title)}\n\n")
            out.append(
                block(f'<p class="dap-dates">{when}</p>', f"<div>{text_html(n.text)}</div>", links)
            )
    return "".join(out)


def feedback_page(site: Site) -> str:
    """Зворотний зв'язок: how to send a повідомлення-відгук, and what was published."""
    p = site.programme
    src = "feedback.md"
    out = [front("Зворотний зв'язок"), "# Зворотний зв'язок\n\n"]
    out.append(
        block(
            "<p>Будь-хто може надіслати <strong>повідомлення-відгук</strong> щодо виконання "
            "програми: про окремий захід, ОСР або програму загалом. НАЗК розглядає відгуки, "
            "публікує їх разом із відповіддю та враховує під час моніторингу.</p>"
        )
    )
    out.append("## Як надіслати відгук\n\n")
    routes = []
    if p.feedback_email:
        routes.append(
            f"<li><strong>Електронною поштою, без облікового запису GitHub:</strong> напишіть на "
            f'публічну адресу НАЗК <a href="mailto:{esc(quote(p.feedback_email, safe="@.+-_"))}">'
            f"{esc(p.feedback_email)}</a>.</li>"
        )
    if p.repository_url and safe_url(p.repository_url):
        repo = p.repository_url.rstrip("/")
        routes.append(
            f'<li><strong>Через GitHub:</strong> відкрийте <a href="{esc(repo)}/issues/new" '
            'rel="noopener noreferrer">нове звернення</a> у репозиторії програми.</li>'
        )
    routes.append(
        "<li><strong>Поштою або особисто:</strong> звернення до НАЗК у паперовій формі; "
        "аналітик внесе його до даних так само.</li>"
    )
    out.append(block("<ol>" + "".join(routes) + "</ol>"))
    out.append("## Що вказати\n\n")
    out.append(
        block(
            "<ul><li>номер заходу (наприклад, 1.1.1.1.2) або ОСР, якого стосується відгук;</li>"
            "<li>суть відгуку: що ви помітили, з посиланнями на документи, якщо є;</li>"
            "<li>як підписати відгук на сайті: ім'я або назва організації.</li></ul>"
            "<p>Контактні дані (адреса пошти, телефон) потрібні лише для відповіді й ніколи не "
            "публікуються.</p>"
        )
    )
    out.append("## Опубліковані відгуки\n\n")
    items = sorted(site.data.feedback.values(), key=lambda f: (f.date, f.id), reverse=True)
    if not items:
        out.append(block("<p>Відгуків ще немає.</p>"))
    rows: list[list[Cell]] = []
    for fb in items:
        about = "програма загалом"
        if fb.measure and fb.measure in site.data.measures:
            about = a(
                src, page_path("measures", fb.measure), "захід " + measure_number(site, fb.measure)
            )
        elif fb.result and fb.result in site.data.results:
            about = a(src, page_path("results", fb.result), "ОСР " + fb.result)
        rows.append(
            [
                (fb.date.isoformat(), ua_date(fb.date)),
                esc(fb.author),
                about if about.startswith("<a") else esc(about),
                text_html(fb.text),
                (text_html(fb.answer) + f'<p class="dap-dates">{ua_date(fb.answered_on)}</p>')
                if fb.answer
                else "—",
            ]
        )
    if rows:
        out.append(block(table(("Дата", "Автор", "Стосується", "Відгук", "Відповідь"), rows)))
    return "".join(out)


def methodology_page(site: Site) -> str:
    """Методологія: how each figure is computed, with the programme's own thresholds."""
    p = site.programme
    lv = p.levels
    rp = p.reporting
    dates = (
        "день, коли уповноважений менеджер головного виконавця схвалив запит на злиття зі звітом "
        "(за київським часом), як його записано в коміті злиття до основної гілки репозиторію "
        "Git і перевірено за списками користувачів; якщо схвалення не записано, — день злиття. "
        "Її неможливо змінити заднім числом, а дати, вписані у файл звіту, не враховуються"
        if rp.submission_dates == "git"
        else "дата подання, записана у файлі звіту (дані імпортовано або демонстраційні; такі "
        "дати позначено як неперевірені)"
    )
    statuses = "".join(f"<li>{esc(s)}</li>" for s in STATUSES)
    sections = [
        (
            "Статус заходу",
            f"<p>Кожен захід має один із п'яти статусів:</p><ul>{statuses}</ul>"
            "<p>Статус встановлює висновок аналітика НАЗК за результатами аналізу звіту "
            "виконавця (останній висновок, датований не пізніше дати, станом на яку наведено "
            "цифри). Поки висновку немає, статус визначається автоматично: «Виконується», "
            "якщо виконавець уже подав звіт про захід, інакше «Не розпочато»; такий статус "
            "позначено на сторінці заходу.</p>"
            "<p>Захід <strong>прострочено</strong>, якщо строк його виконання минув, а статус "
            "не «Виконано» і не «Виконано частково».</p>",
        ),
        (
            "% виконання",
            "<p><strong>% виконання (від усіх заходів)</strong> = (кількість заходів зі статусом "
            "«Виконано» + «Виконано частково») ÷ кількість усіх заходів × 100.</p>"
            "<p><strong>% виконання (від заходів, строк яких настав)</strong> = (кількість "
            "виконаних повністю або частково серед заходів, строк яких закінчився не пізніше "
            "дати «станом на») ÷ кількість таких заходів × 100.</p>"
            "<p>Обидва показники обчислюються для програми, кожного напряму, проблеми, ОСР і "
            "головного виконавця. Вилучені заходи не враховуються. Відсотки округлюються до "
            "0,1 (половина — вгору).</p>",
        ),
        (
            "Дві дати",
            "<p>Кожна цифра має дві дати: «станом на» — день, який описують цифри (кінець "
            "кварталу або дата збірки), і «оновлено» — день, коли сайт зібрано.</p>",
        ),
        (
            "Своєчасність звітування",
            f"<p>Головний виконавець звітує про кожен захід за кожен квартал, у якому захід "
            f"виконується, з {rp.window_start_day} по {rp.window_end_day} число (включно) "
            "місяця, що настає за кварталом. Звіт можна подати раніше.</p>"
            f"<p>Дата подання — {esc(dates)}.</p>"
            "<ul><li><strong>вчасно</strong> — звіт подано не пізніше останнього дня вікна;</li>"
            "<li><strong>із запізненням</strong> — подано після вікна (зазначено, на скільки днів);</li>"
            "<li><strong>не подано</strong> — вікно минуло, звіту немає;</li>"
            "<li><strong>очікується</strong> — вікно ще відкрите.</li></ul>"
            "<p>% звітів, поданих вчасно = вчасно ÷ (вчасно + із запізненням + не подано) × 100.</p>",
        ),
        (
            "Оцінка ОСР",
            "<p>Кожен ОСР має індикатори з вагами («програмне значення частки індикатора»), що "
            "разом становлять 100%. Щороку аналітик оцінює кожен індикатор:</p>"
            "<ul><li><strong>сумарні</strong> субіндикатори — частки досягнутих частин "
            "додаються;</li>"
            "<li><strong>ступені</strong> — зараховується лише найвищий досягнутий ступінь;</li>"
            "<li><strong>вільна оцінка</strong> — бал, який аналітик поставив з обґрунтуванням "
            "(не більше ваги індикатора); так оцінюють і індикатор без "
            "субіндикаторів. Індикатор, про який оцінка нічого не каже, має 0.</li></ul>"
            "<p>Оцінка ОСР = сума балів індикаторів (0–100%), округлена до 0,01.</p>"
            f"<p>Рівень досягнення: <strong>низький</strong> — менше {ua_num(lv.medium_from)}%; "
            f"<strong>середній</strong> — від {ua_num(lv.medium_from)}% до {ua_num(lv.high_from)}%; "
            f"<strong>високий</strong> — від {ua_num(lv.high_from)}%.</p>"
            "<p>Стан порівняно з попереднім роком: <strong>досягнуто</strong> (100%), "
            "<strong>наявний прогрес</strong> (оцінка зросла), <strong>немає прогресу</strong> "
            "(не змінилася), <strong>наявний регрес</strong> (знизилася).</p>"
            "<p>Індикатор досягнуто повністю, якщо його бал дорівнює вазі; частково — якщо бал "
            "більший за нуль; 0% — якщо балів немає.</p>",
        ),
    ]
    out = [front("Методологія"), "# Методологія\n\n"]
    out.append(
        block(
            "<p>Усі цифри сайту обчислено з даних програми (файли YAML у репозиторії) "
            "однаковими правилами, наведеними нижче. Повні дані для перевірки — у розділі "
            f"{a('methodology.md', 'downloads.md', 'Завантажити дані')}.</p>"
        )
    )
    for title, body in sections:
        out.append(f"## {title}\n\n" + block(body))
    if site.snap.notes:
        out.append("## Примітки до цієї збірки\n\n")
        out.append(block("<ul>" + "".join(f"<li>{esc(n)}</li>" for n in site.snap.notes) + "</ul>"))
    return "".join(out)


def about_page(site: Site) -> str:
    """Про ці дані: the programme, its acts, the demo label, how the site is built."""
    p = site.programme
    out = [front("Про ці дані"), "# Про ці дані\n\n"]
    parts = []
    if p.demo:
        parts.append(
            '<div class="admonition warning"><p class="admonition-title">Демонстраційні дані</p>'
            "<p>Програма, заходи, звіти, оцінки й особи на цьому сайті вигадані. Вони мають ту "
            "саму будову, що й справжня програма, і слугують лише для показу роботи системи.</p></div>"
        )
    act = p.act
    act_text = (
        esc(act.title)
        + (f" № {esc(act.number)}" if act.number else "")
        + (f" від {ua_date(act.date)}" if act.date else "")
    )
    if act.url and safe_url(act.url):
        act_text = f'<a href="{esc(act.url)}" rel="noopener noreferrer">{act_text}</a>'
    parts.append(f"<p><strong>Програма:</strong> {esc(p.title)}</p>")
    parts.append(f"<p><strong>Затверджено:</strong> {act_text}</p>")
    parts.append(
        f"<p><strong>Період дії:</strong> {ua_date(p.period.start)} — {ua_date(p.period.end)}</p>"
    )
    if p.amendments:
        parts.append(
            "<p><strong>Зміни:</strong></p><ul>"
            + "".join(
                "<li>"
                + esc(x.title)
                + (f" № {esc(x.number)}" if x.number else "")
                + (f" від {ua_date(x.date)}" if x.date else "")
                + "</li>"
                for x in p.amendments
            )
            + "</ul>"
        )
    data = site.data
    parts.append(
        "<p><strong>У даних:</strong> "
        + ", ".join(
            (
                uk_count(len(data.measures), "захід", "заходи", "заходів"),
                f"{len(data.results)} ОСР",
                uk_count(len(data.executors), "виконавець", "виконавці", "виконавців"),
                uk_count(len(data.reports), "звіт", "звіти", "звітів"),
                uk_count(
                    len(data.assessments),
                    "висновок аналітика",
                    "висновки аналітиків",
                    "висновків аналітиків",
                ),
                uk_count(
                    len(data.evaluations),
                    "щорічна оцінка ОСР",
                    "щорічні оцінки ОСР",
                    "щорічних оцінок ОСР",
                ),
            )
        )
        + ".</p>"
    )
    parts.append(dates_line(site.snap))
    parts.append(
        "<p>Дані зберігаються як файли YAML у репозиторії Git: кожна зміна має дату й автора, "
        "історія відкрита. Сайт зібрано з цих файлів програмою <code>dap</code>"
        + (f" (версія {esc(site.version)})" if site.version else "")
        + ". Сайт не завантажує нічого з інших серверів і не збирає відомостей про відвідувачів.</p>"
        "<p>Контактні дані виконавців (адреси пошти, телефони) не публікуються.</p>"
    )
    out.append(block(*parts))
    return "".join(out)


def downloads_page(site: Site) -> str:
    """Завантажити дані: the page written by opendata.pages.downloads_markdown."""
    return front("Завантажити дані", hide_toc=True) + (site.downloads_md or "# Завантажити дані\n")


def dictionary_page(site: Site) -> str:
    """Словник даних: the page written by opendata.pages.dictionary_markdown."""
    return front("Словник даних") + (site.dictionary_md or "# Словник даних\n")


def glossary_page(site: Site, ed: Edition = UK) -> str:
    """Глосарій / Glossary: every official term in Ukrainian and in English, one table, from
    the site's message catalogue (builder/wording.py GLOSSARY) — the names the English
    edition uses."""
    other = EDITIONS["en" if ed.lang == "uk" else "uk"]
    title = " / ".join((ed.t("Glossary"), other.t("Glossary")))
    rows: list[list[Cell]] = []
    for msgid in GLOSSARY:
        uk, en = (
            EDITIONS["uk"].catalogue.translate(msgid),
            EDITIONS["en"].catalogue.translate(msgid),
        )
        rows.append([in_language(*uk, ed.lang), in_language(*en, ed.lang)])
    intro = ed.t(
        "Official terms of the programme and of this site in Ukrainian and in English. The "
        "English names follow the English pages of NACP's portal of the State Anti-Corruption "
        "Programme."
    )
    head = (ed.t("Ukrainian"), ed.t("English"))
    caption = ed.t("Terms in Ukrainian and in English")
    return (
        front(title)
        + f"# {md(title)}\n\n"
        + block(f"<p>{esc(intro)}</p>", table(head, rows, caption=caption, sortable=False))
    )
