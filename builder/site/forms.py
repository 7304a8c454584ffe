"""The report and assessment forms (`report.md`, `assessment.md`), the measure page's
«Подати звіт» / «Надіслати відгук» controls, and the forms' data scripts.

The pages are static skeletons with every label in place; `site/pages/assets/dap-form.js`
(loaded by dap.js on these pages only) fills the choices from the measure's data script
(builder/forms/formdata.py), checks each field as it is typed, writes the file's YAML the way
builder/recordtext.py does, and opens the forge's "new file" page. No server, no other host.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

from ..forms.formdata import form_scripts
from .context import Site, href, page_path
from .markup import block, esc, front, safe_url

REPORT_PAGE = "report.md"
ASSESSMENT_PAGE = "assessment.md"


def _field(name: str, label: str, control: str, note: str = "") -> str:
    """A labelled field with its hint and the place for its message (aria-describedby)."""
    hint = f'<p class="dap-field-hint" id="dap-hint-{name}">{note}</p>' if note else ""
    return (
        f'<div class="dap-field" data-field="{name}">'
        f'<label for="dap-{name}">{label}</label>{hint}{control}'
        f'<p class="dap-field-msg" id="dap-msg-{name}" aria-live="polite"></p></div>'
    )


def _described(name: str, note: bool) -> str:
    ids = f"dap-msg-{name}" + (f" dap-hint-{name}" if note else "")
    return f'id="dap-{name}" name="{name}" aria-describedby="{ids}"'


def _links(name: str, legend: str, note: str) -> str:
    """A list of links (title and address) the person adds one by one."""
    return (
        f'<fieldset class="dap-field dap-links" data-field="{name}" data-links="{name}">'
        f"<legend>{legend}</legend>"
        f'<p class="dap-field-hint">{note}</p><ol class="dap-links-list"></ol>'
        f'<button type="button" class="dap-button dap-links-add">Додати посилання</button>'
        "</fieldset>"
    )


def _person(name: str, label: str, note: str) -> str:
    control = f"<select {_described(name, True)} required></select>"
    return _field(name, label, control, note)


def _common_tail(kind: str) -> list[str]:
    return [
        _field(
            "text",
            "Текст" if kind == "report" else "Текст висновку",
            f'<textarea {_described("text", True)} rows="12" required></textarea>',
            "Абзаци, лапки, двокрапки, «#» та апострофи — усе збережеться як є.",
        ),
    ]


def _result(src: str) -> str:
    return "\n".join(
        [
            '<section class="dap-form-result" aria-labelledby="dap-result-title">',
            '<h2 id="dap-result-title">Файл, який буде створено</h2>',
            '<p>Шлях у репозиторії: <code id="dap-path">—</code></p>',
            '<pre class="dap-yaml"><code id="dap-yaml"></code></pre>',
            '<p class="dap-form-summary" id="dap-summary" aria-live="polite"></p>',
            '<div class="dap-form-buttons">',
            '<button type="submit" class="dap-button dap-button-primary" id="dap-send">Надіслати</button>',
            '<button type="button" class="dap-button" id="dap-copy">Скопіювати текст файлу</button>',
            '<button type="button" class="dap-button" id="dap-clear">Очистити форму</button>',
            "</div>",
            '<p class="dap-field-hint">«Надіслати» відкриває сторінку створення файлу в репозиторії '
            "даних з уже заповненими шляхом і текстом. Там натисніть «Propose changes» («Commit "
            "changes»): буде створено запит на злиття (pull request) від вашого облікового "
            "запису. Більше нічого й нікуди не надсилається. Усе введене зберігається в цьому "
            "браузері, доки ви не натиснете «Надіслати».</p>",
            f'<p><a href="{href(src, "index.md")}">На головну</a></p>',
            "</section>",
        ]
    )


def form_page(site: Site, kind: str) -> str:
    """The report form (`kind` 'report') or the analyst's assessment form ('assessment')."""
    src = REPORT_PAGE if kind == "report" else ASSESSMENT_PAGE
    title = "Подати звіт про виконання заходу" if kind == "report" else "Висновок аналітика"
    fields = [
        _field(
            "period",
            "Звітний квартал",
            f"<select {_described('period', True)} required></select>",
            "",
        ),
    ]
    if kind == "report":
        fields += [
            _field("kind", "Вид звіту", f"<select {_described('kind', False)} required></select>"),
            _person("prepared_by", "Підготував(-ла) — впроваджувач", "Хто підготував звіт."),
            _person(
                "approved_by",
                "Затвердив(-ла) — уповноважений менеджер",
                "Хто затвердив і надсилає звіт.",
            ),
            _field(
                "approved_on",
                "Дата затвердження",
                f'<input type="date" {_described("approved_on", True)}>',
                "Необов'язково. Не пізніше сьогодні.",
            ),
            *_common_tail(kind),
            _links(
                "evidence", "Підтвердні документи", "Назва та адреса (https://…) кожного документа."
            ),
        ]
    else:
        fields += [
            _field(
                "date", "Дата висновку", f'<input type="date" {_described("date", False)} required>'
            ),
            _person("analyst", "Аналітик", "Хто надає висновок."),
            _field(
                "status",
                "Статус заходу",
                f"<select {_described('status', False)} required></select>",
            ),
            _field(
                "label",
                "Результат моніторингу",
                f"<select {_described('label', True)} required></select>",
                "Лише результати, що відповідають обраному статусу.",
            ),
            '<fieldset class="dap-field" data-field="reports"><legend>Звіти, які оцінено</legend>'
            '<div id="dap-reports"></div>'
            '<p class="dap-field-msg" id="dap-msg-reports" aria-live="polite"></p></fieldset>',
            *_common_tail(kind),
            _links("sources", "Джерела", "Назва та адреса (https://…) кожного джерела."),
        ]
    return (
        front(title, hide_toc=True)
        + f"# {title}\n\n"
        + block(
            f'<div class="dap-form-box" id="dap-form-box" data-form="{kind}" data-search-exclude '
            f'data-src="{href(src, "assets/data/forms/")}">',
            '<p class="dap-form-loading" id="dap-form-status" aria-live="polite">Завантаження форми… '
            "(форма працює з увімкненим JavaScript)</p>",
            '<div class="dap-form-measure" id="dap-form-measure" hidden></div>',
            '<form id="dap-form" novalidate hidden>',
            *fields,
            _result(src),
            "</form>",
            "</div>",
        )
    )


def report_form_href(site: Site, mid: str) -> str:
    """The report form's address for a measure, escaped for HTML ('' without a forge)."""
    if site.programme.forge is None or site.data.measures[mid].removed is not None:
        return ""
    query = "?" + urlencode({"measure": mid})
    return esc(form_href(site, page_path("measures", mid), "report.html") + query)


def form_href(site: Site, src: str, form: str) -> str:
    """A link from the page `src` to a form page: the forms are the officials' and in the
    Ukrainian edition only, so an English page links to the Ukrainian form (issue 21)."""
    return ("../" if site.ed.lang != "uk" else "") + href(src, form)


def measure_controls(site: Site, mid: str) -> str:
    """The measure page's «Подати звіт» and «Надіслати відгук» controls ('' without any)."""
    src = page_path("measures", mid)
    parts = []
    report = report_form_href(site, mid)
    if report:
        query = "?" + urlencode({"measure": mid})
        parts.append(f'<a class="dap-button dap-button-primary" href="{report}">Подати звіт</a>')
        parts.append(
            f'<a class="dap-button" href="{form_href(site, src, "assessment.html")}{esc(query)}">'
            "Висновок аналітика</a>"
        )
    feedback = feedback_links(site, mid)
    if not parts and not feedback:
        return ""
    return block('<div class="dap-measure-actions">', *parts, *feedback, "</div>")


def feedback_links(site: Site, mid: str) -> list[str]:
    """«Надіслати відгук»: the forge's issue form with the measure filled, and e-mail."""
    p = site.programme
    out = []
    forge = p.forge
    repo = forge.repository.rstrip("/") if forge else (p.repository_url or "").rstrip("/")
    if forge is not None and forge.kind == "github" and safe_url(repo):
        query = urlencode(
            {"template": "measure-feedback.yml", "title": f"[Відгук] захід {mid}", "measure": mid},
            quote_via=quote,
        )
        out.append(
            f'<a class="dap-button" href="{esc(repo)}/issues/new?{esc(query)}" '
            'rel="noopener noreferrer">Надіслати відгук</a>'
        )
    if p.feedback_email:
        subject = quote(f"Відгук щодо заходу {mid}", safe="")
        out.append(
            f'<a class="dap-button" href="mailto:{esc(p.feedback_email)}?subject={subject}">'
            "Відгук електронною поштою</a>"
        )
    return out


def form_pages(site: Site) -> dict[str, str]:
    """The form pages and every measure's form data ({} when the programme has no forge)."""
    if site.programme.forge is None:
        return {}
    return {
        REPORT_PAGE: form_page(site, "report"),
        ASSESSMENT_PAGE: form_page(site, "assessment"),
        **form_scripts(site.data, site.due_of),
    }
