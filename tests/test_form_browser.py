"""The report and assessment forms in a real browser (Playwright driving Debian's Chromium):
from the measure page to the forge's "new file" page; each field's message as it is typed;
the file the form writes is the one `dap new-report` and builder/recordtext.py write, byte for
byte, and `dap validate` passes it; the form and `dap validate` agree on a table of cases; the
"new file" address of each forge; axe-core; screenshots (DAP_SCREENSHOTS=folder)."""

from __future__ import annotations

import datetime as dt
import os
import random
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml
from site_fixtures import build_site, copy_data, shared_folder
from test_browser_site import AXE, CHROMIUM, Visit, served

from builder import recordtext
from builder.validate import validate

pytestmark = pytest.mark.slow
sync_api = pytest.importorskip("playwright.sync_api")
if not Path(CHROMIUM).exists():
    pytest.skip("Chromium is not installed", allow_module_level=True)

MEASURE = "1.1.1.1.2"  # НАЗК; due by 2025-06-30: a progress report after that is refused
REPORT_URL = f"report.html?measure={MEASURE}"
HOSTILE = [
    "Лист #1234 надіслано: відповідь очікується",
    "- почато з тире\n\"лапки\" і 'апострофи' ʼ ’\n\n| риска > більше",
    "табуляція\tусередині\n\tі на початку рядка",
    "емодзі 🇺🇦 і нерозривний\u00a0пробіл",
    "  з пробілами\n\nабзац\n\n",
    "\nз порожнього рядка",
    "yes",
    "а" * 5000,
]


def list_people(data: Path) -> None:
    """The forms list the executor's people and the analysts (`forge.list_people: true`)."""
    path = data / "programme.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("list_people: false", "list_people: true"), encoding="utf-8")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demonstration site with people listed in the forms, built once per test run."""

    def make(base: Path) -> None:
        data = copy_data(base / "data")
        list_people(data)
        build_site(data, base / "public")

    return shared_folder(tmp_path_factory, "forms-site", make) / "public"


@pytest.fixture(scope="module")
def base_url(site: Path) -> Iterator[str]:
    yield from served(site)


@pytest.fixture
def visit(browser: object, base_url: str) -> Iterator[Visit]:
    v = Visit(browser, base_url)
    v.context.add_init_script("window.open = (url) => { window.__opened = url; return null; };")
    yield v
    v.close()


def open_form(page: object, url: str) -> None:
    page.goto(url)  # type: ignore[attr-defined]
    page.wait_for_selector("#dap-form:not([hidden])", timeout=15000)  # type: ignore[attr-defined]


def message(page: object, name: str) -> str:
    return page.locator(f"#dap-msg-{name}").inner_text().strip()  # type: ignore[attr-defined]


def fill_valid(page: object) -> None:
    page.select_option("#dap-period", "2025-Q1")  # type: ignore[attr-defined]
    page.select_option("#dap-kind", "про хід виконання")  # type: ignore[attr-defined]
    page.select_option("#dap-prepared_by", "t.melnyk")  # type: ignore[attr-defined]
    page.select_option("#dap-approved_by", "i.bondarenko")  # type: ignore[attr-defined]
    page.fill("#dap-approved_on", "2025-04-10")  # type: ignore[attr-defined]
    page.fill("#dap-text", "Проведено 3 навчання: 120 учасників; лист #12 — «доказ».")  # type: ignore[attr-defined]
    page.click(".dap-links-add")  # type: ignore[attr-defined]
    page.fill("#dap-link-title-1", "Звіт про навчання")  # type: ignore[attr-defined]
    page.fill("#dap-link-url-1", "https://example.gov.ua/zvit?a=1&b=2")  # type: ignore[attr-defined]


def report_values(text: str, title: str = "Звіт про навчання") -> dict[str, object]:
    return {
        "measure": MEASURE,
        "period": "2025-Q1",
        "kind": "про хід виконання",
        "executor": "nazk",
        "prepared_by": "t.melnyk",
        "approved_by": "i.bondarenko",
        "approved_on": "2025-04-10",
        "text": text,
        "evidence": [{"title": title, "url": "https://example.gov.ua/zvit?a=1&b=2"}],
    }


def test_from_the_measure_page_to_a_file_that_validates(
    visit: Visit, base_url: str, tmp_path: Path
) -> None:
    page = visit.page
    page.goto(base_url + f"measures/{MEASURE}.html")
    page.get_by_role("link", name="Подати звіт").click()
    page.wait_for_selector("#dap-form:not([hidden])", timeout=15000)
    assert "Національне агентство" in page.locator("#dap-form-measure").inner_text()
    fill_valid(page)
    assert page.locator("#dap-path").inner_text() == f"data/reports/2025-Q1/{MEASURE}.yaml"
    written = page.locator("#dap-yaml").inner_text()
    rel = f"reports/2025-Q1/{MEASURE}.yaml"
    values = report_values("Проведено 3 навчання: 120 учасників; лист #12 — «доказ».")
    assert written == recordtext.record_text("reports", values, rel)
    page.get_by_role("button", name="Надіслати").click()
    opened = page.evaluate("window.__opened")
    parts = urlsplit(opened)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == (
        "https://example.gov.ua/nazk/dap-demo-data/new/main"
    )
    query = parse_qs(parts.query)
    assert query["filename"] == [f"data/{rel}"]
    assert query["value"] == [written]
    # sent: the saved form is cleared
    assert page.evaluate(f"localStorage.getItem('dap-form:report:{MEASURE}')") is None
    data = copy_data(tmp_path / "data")
    list_people(data)
    (data / rel).parent.mkdir(parents=True, exist_ok=True)
    (data / rel).write_text(written, encoding="utf-8")
    _, problems = validate(data, "data", today=dt.date(2026, 1, 1))
    assert [p for p in problems if "2025-Q1" in p.file] == []
    assert visit.errors == []
    assert visit.foreign == []


def test_messages_as_the_person_types(visit: Visit, base_url: str) -> None:
    page = visit.page
    open_form(page, base_url + REPORT_URL)
    page.select_option("#dap-period", "2025-Q3")
    page.select_option("#dap-kind", "про хід виконання")
    assert "про результат виконання" in message(page, "kind")
    assert page.get_attribute("#dap-kind", "aria-invalid") == "true"
    page.select_option("#dap-kind", "про результат виконання")
    assert message(page, "kind") == ""
    page.fill("#dap-approved_on", "2099-01-01")
    assert "ще не настала" in message(page, "approved_on")
    page.fill("#dap-approved_on", "2020-01-01")
    assert "поза періодом програми" in message(page, "approved_on")
    page.fill("#dap-text", "x")
    page.fill("#dap-text", "")
    assert message(page, "text") == "Напишіть текст."
    page.fill("#dap-text", "я" * 20001)
    assert "Текст задовгий: 20001" in message(page, "text")
    page.click(".dap-links-add")
    page.fill("#dap-link-title-1", "Доказ")
    page.fill("#dap-link-url-1", "ftp://example.gov.ua/x")
    assert "https://" in page.locator("#dap-msg-link-1").inner_text()
    page.get_by_role("button", name="Надіслати").click()
    assert page.evaluate("window.__opened") is None  # nothing opened while a field is wrong
    assert "Полів, які треба виправити" in page.locator("#dap-summary").inner_text()
    assert message(page, "prepared_by") == "Оберіть, хто підготував звіт."
    described = page.get_attribute("#dap-text", "aria-describedby") or ""
    assert "dap-msg-text" in described
    assert visit.errors == []


def test_without_listed_people_the_form_asks_for_ids(visit: Visit, base_url: str) -> None:
    """`forge.list_people: false`: no names in the data; the person types their roster id."""

    def unlisted(route: object) -> None:
        response = route.fetch()  # type: ignore[attr-defined]
        body = re.sub(
            r'"(implementers|managers|analysts)":\[\[.*?\]\]', r'"\1":null', response.text()
        )
        route.fulfill(response=response, body=body)  # type: ignore[attr-defined]

    visit.context.route("**/assets/data/forms/*.js", unlisted)
    page = visit.page
    open_form(page, base_url + REPORT_URL)
    assert page.get_attribute("#dap-prepared_by", "type") == "text"
    assert "dap-msg-prepared_by" in (
        page.get_attribute("#dap-prepared_by", "aria-describedby") or ""
    )
    page.fill("#dap-prepared_by", "t melnyk")
    assert "Ідентифікатор" in message(page, "prepared_by")
    page.fill("#dap-prepared_by", "t.melnyk")
    assert message(page, "prepared_by") == ""
    assert "prepared_by: t.melnyk" in page.locator("#dap-yaml").inner_text()


@pytest.mark.parametrize(
    ("query", "said"),
    [("", "Не вказано захід"), ("?measure=9.9.9", "не знайдено"), ("?measure=../x", "Не вказано")],
)
def test_a_form_without_a_measure_says_so(
    visit: Visit, base_url: str, query: str, said: str
) -> None:
    page = visit.page
    page.goto(base_url + "report.html" + query)
    page.wait_for_function(
        "!document.querySelector('#dap-form-status').textContent.startsWith('Завантаження')"
    )
    assert said in page.locator("#dap-form-status").inner_text()
    assert page.locator("#dap-form").is_hidden()


def test_typed_text_survives_a_reload(visit: Visit, base_url: str) -> None:
    page = visit.page
    open_form(page, base_url + REPORT_URL)
    fill_valid(page)
    page.reload()
    page.wait_for_selector("#dap-form:not([hidden])", timeout=15000)
    assert page.input_value("#dap-text").startswith("Проведено 3 навчання")
    assert page.input_value("#dap-link-url-1") == "https://example.gov.ua/zvit?a=1&b=2"
    assert page.input_value("#dap-period") == "2025-Q1"


def test_the_javascript_writer_writes_the_python_writer_s_bytes(
    visit: Visit, base_url: str
) -> None:
    page = visit.page
    open_form(page, base_url + REPORT_URL)
    data = page.evaluate(f"window.DAP_FORMS['{MEASURE}']")
    rel = f"reports/2025-Q1/{MEASURE}.yaml"
    cases = HOSTILE + ["рядок\r\nWindows", "a\u2028b", "\ufeffBOM", "дзвінок\x07", "1.5", "~"]
    for text in cases:
        values = report_values(text, title=text)
        js = page.evaluate(
            "([v, rel, f, d]) => window.DAP_YAML.recordText('reports', v, rel, f, d)",
            [values, rel, data["fields"]["reports"], data["date_fields"]],
        )
        assert js == recordtext.record_text("reports", values, rel), text
        assert yaml.safe_load(js)["text"] == text
    plain = ["1.1.1.4.2", "1.1", "2025-01-01", "yes", "a #b", "a: b", "-a", "a\u00a0b", "0x1F",
             "1:20", ".inf", "Так", "<<", "=", "https://x.ua/a#b", "a:", " a"]  # fmt: skip
    js_plain = page.evaluate("(xs) => xs.map(x => window.DAP_YAML.plainOk(x))", plain)
    assert js_plain == [recordtext.plain_ok(x) for x in plain]


def test_the_two_writers_agree_on_random_texts(visit: Visit, base_url: str) -> None:
    """Two thousand random texts of YAML's signs, spaces, breaks and non-ASCII: same bytes."""
    page = visit.page
    open_form(page, base_url + REPORT_URL)
    data = page.evaluate(f"window.DAP_FORMS['{MEASURE}']")
    alphabet = list(" \n\t:#-'\"|>@%`!&*[]{},?~.=<0123456789eEабвґʼ’\u00a0\u2028\x85\r\x07😀xyz")
    rnd = random.Random(7)
    texts = ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 24))) for _ in range(2000)]
    rel = f"reports/2025-Q1/{MEASURE}.yaml"
    records = [report_values(t, title=t) for t in texts]
    js = page.evaluate(
        "([vs, rel, f, d]) => vs.map(v => window.DAP_YAML.recordText('reports', v, rel, f, d))",
        [records, rel, data["fields"]["reports"], data["date_fields"]],
    )
    python = [recordtext.record_text("reports", v, rel) for v in records]
    assert [i for i, (a, b) in enumerate(zip(js, python, strict=True)) if a != b] == []


def test_the_same_bytes_as_dap_new_report(visit: Visit, base_url: str, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from builder.cli import cli

    page = visit.page
    open_form(page, base_url + REPORT_URL)
    fill_valid(page)
    text = page.input_value("#dap-text")
    (tmp_path / "text.txt").write_text(text, encoding="utf-8")
    data = copy_data(tmp_path / "data")
    result = CliRunner().invoke(
        cli,
        [
            "new-report", MEASURE, "--data", str(data), "--period", "2025-Q1",
            "--kind", "про хід виконання", "--prepared-by", "t.melnyk",
            "--approved-by", "i.bondarenko", "--approved-on", "2025-04-10",
            "--text-file", str(tmp_path / "text.txt"),
            "--evidence", "Звіт про навчання", "https://example.gov.ua/zvit?a=1&b=2",
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    made = (data / f"reports/2025-Q1/{MEASURE}.yaml").read_text(encoding="utf-8")
    assert made == page.locator("#dap-yaml").inner_text()


@pytest.mark.parametrize(
    ("kind", "start"),
    [
        ("github", "https://forge.example/o/r/new/main?filename="),
        ("gitea", "https://forge.example/o/r/_new/main/?filename="),
        ("forgejo", "https://forge.example/o/r/_new/main/?filename="),
        ("gitlab", "https://forge.example/o/r/-/new/main?file_name="),
    ],
)
def test_the_new_file_address_of_each_forge(
    visit: Visit, base_url: str, kind: str, start: str
) -> None:
    page = visit.page
    open_form(page, base_url + REPORT_URL)
    forge = {"kind": kind, "repository": "https://forge.example/o/r/", "branch": "main"}
    url = page.evaluate(
        "([f]) => window.DAP_YAML.newFileUrl(f, 'data/reports/2025-Q1/1.yaml', 'a: b & #c')",
        [forge],
    )
    assert url.startswith(start + "data%2Freports%2F2025-Q1%2F1.yaml")
    query = parse_qs(urlsplit(url).query)
    assert query["value" if kind != "gitlab" else "content"] == ["a: b & #c"]
    bare = page.evaluate("([f]) => window.DAP_YAML.newFileUrl(f, 'data/x.yaml', null)", [forge])
    assert "value=" not in bare and "content=" not in bare


def test_a_long_report_goes_by_the_clipboard(visit: Visit, base_url: str) -> None:
    page = visit.page
    visit.context.grant_permissions(["clipboard-read", "clipboard-write"])
    open_form(page, base_url + REPORT_URL)
    fill_valid(page)
    page.fill("#dap-text", "Довгий звіт. " * 800)
    page.get_by_role("button", name="Надіслати").click()
    opened = page.evaluate("window.__opened")
    assert "value=" not in opened and "filename=" in opened
    page.wait_for_function(
        "document.querySelector('#dap-summary').textContent.includes('задовгий')"
    )
    assert page.evaluate("navigator.clipboard.readText()") == page.locator("#dap-yaml").inner_text()


def test_on_gitlab_the_text_goes_by_the_clipboard(visit: Visit, base_url: str) -> None:
    """GitLab's editor may ignore `content`: the form copies the text and opens the path."""

    def on_gitlab(route: object) -> None:
        response = route.fetch()  # type: ignore[attr-defined]
        body = response.text().replace('"kind":"github"', '"kind":"gitlab"')
        route.fulfill(response=response, body=body)  # type: ignore[attr-defined]

    visit.context.route("**/assets/data/forms/*.js", on_gitlab)
    visit.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = visit.page
    open_form(page, base_url + REPORT_URL)
    fill_valid(page)
    page.get_by_role("button", name="Надіслати").click()
    opened = page.evaluate("window.__opened")
    assert opened == (
        "https://example.gov.ua/nazk/dap-demo-data/-/new/main?file_name="
        "data%2Freports%2F2025-Q1%2F1.1.1.1.2.yaml"
    )
    page.wait_for_function("document.querySelector('#dap-summary').textContent.includes('Ctrl+V')")
    assert page.evaluate("navigator.clipboard.readText()") == page.locator("#dap-yaml").inner_text()


# The form and `dap validate` on the same cases: (period, kind, approved_on, text, url) → does
# the form accept it, and does `dap validate` (on the file the form writes).
CASES = [
    ("2025-Q1", "про хід виконання", "2025-04-10", "Добре", "https://example.gov.ua/a", True),
    ("2025-Q3", "про хід виконання", "", "Добре", "https://example.gov.ua/a", False),
    ("2025-Q3", "про результат виконання", "", "Добре", "https://example.gov.ua/a", True),
    ("2025-Q1", "про хід виконання", "2099-01-01", "Добре", "https://example.gov.ua/a", False),
    ("2025-Q1", "про хід виконання", "", "Добре", "ftp://example.gov.ua/a", False),
    ("2025-Q1", "про хід виконання", "", "Добре", "https://example.gov.ua/a b", False),
    ("2025-Q1", "про хід виконання", "", "я" * 20001, "https://example.gov.ua/a", False),
    ("2025-Q1", "про хід виконання", "", "a: b #c\n- d", "https://example.gov.ua/a", True),
]


def test_the_form_and_dap_validate_agree(visit: Visit, base_url: str, tmp_path: Path) -> None:
    page = visit.page
    data = copy_data(tmp_path / "data")
    for i, (period, kind, approved_on, text, url, ok) in enumerate(CASES):
        open_form(page, base_url + REPORT_URL)
        page.evaluate("localStorage.clear()")
        open_form(page, base_url + REPORT_URL)
        page.select_option("#dap-period", period)
        page.select_option("#dap-kind", kind)
        page.select_option("#dap-prepared_by", "t.melnyk")
        page.select_option("#dap-approved_by", "i.bondarenko")
        page.fill("#dap-approved_on", approved_on)
        page.fill("#dap-text", text)
        page.click(".dap-links-add")
        page.fill("#dap-link-title-1", "Доказ")
        page.fill("#dap-link-url-1", url)
        page.get_by_role("button", name="Надіслати").click()
        form_ok = page.evaluate("window.__opened") is not None
        rel = f"reports/{period}/{MEASURE}.yaml"
        target = data / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page.locator("#dap-yaml").inner_text(), encoding="utf-8")
        _, problems = validate(data, "data", today=dt.date(2026, 1, 1))
        valid = not [p for p in problems if p.file == f"data/{rel}" and p.severity == "error"]
        target.unlink()
        assert (i, form_ok, valid) == (i, ok, ok)


def test_the_assessment_form_offers_only_the_labels_of_the_status(
    visit: Visit, base_url: str, tmp_path: Path
) -> None:
    page = visit.page
    open_form(page, base_url + f"assessment.html?measure={MEASURE}")
    page.select_option("#dap-period", "2024-Q4")
    page.select_option("#dap-analyst", index=1)
    page.select_option("#dap-status", "Виконано частково")
    labels = page.eval_on_selector_all("#dap-label option", "os => os.map(o => o.value)")
    assert labels[1:] == ["захід виконано не вчасно або не в повному обсязі"]
    page.select_option("#dap-status", "Виконується")
    labels = page.eval_on_selector_all("#dap-label option", "os => os.map(o => o.value)")
    assert labels[1:] == [
        "виконання заходу розпочато вчасно",
        "виконання заходу розпочато несвоєчасно",
        "прогрес виконання заходу наявний",
    ]
    page.select_option("#dap-label", "прогрес виконання заходу наявний")
    page.fill("#dap-date", "2025-01-20")
    page.fill("#dap-text", "Звіт підтверджено: 2 навчання з 3.")
    page.get_by_role("button", name="Надіслати").click()
    assert page.evaluate("window.__opened") is not None
    path = page.locator("#dap-path").inner_text()
    assert path.startswith("data/assessments/2024-Q4/1.1.1.1.2")
    rel = path.removeprefix("data/")
    data = copy_data(tmp_path / "data")
    (data / rel).parent.mkdir(parents=True, exist_ok=True)
    (data / rel).write_text(page.locator("#dap-yaml").inner_text(), encoding="utf-8")
    _, problems = validate(data, "data", today=dt.date(2026, 1, 1))
    assert [p for p in problems if p.file == f"data/{rel}"] == []


def test_the_feedback_controls(visit: Visit, base_url: str) -> None:
    page = visit.page
    page.goto(base_url + f"measures/{MEASURE}.html")
    issue = page.get_by_role("link", name="Надіслати відгук").get_attribute("href") or ""
    parts = urlsplit(issue)
    assert parts.path == "/nazk/dap-demo-data/issues/new"
    assert parse_qs(parts.query) == {
        "template": ["measure-feedback.yml"],
        "title": [f"[Відгук] захід {MEASURE}"],
        "measure": [MEASURE],
    }
    mail = page.get_by_role("link", name="Відгук електронною поштою").get_attribute("href")
    assert mail == (
        "mailto:feedback@example.gov.ua?subject="
        "%D0%92%D1%96%D0%B4%D0%B3%D1%83%D0%BA%20%D1%89%D0%BE%D0%B4%D0%BE%20%D0%B7%D0%B0%D1%85"
        "%D0%BE%D0%B4%D1%83%201.1.1.1.2"
    )


@pytest.mark.parametrize("url", [REPORT_URL, f"assessment.html?measure={MEASURE}"])
def test_no_serious_accessibility_violations(visit: Visit, base_url: str, url: str) -> None:
    assert AXE.is_file(), f"{AXE} is missing — run tests/run.sh (it installs axe-core)"
    page = visit.page
    open_form(page, base_url + url)
    if url == REPORT_URL:
        fill_valid(page)
        page.fill("#dap-approved_on", "2099-01-01")  # a message shown
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.map("
        "v => ({id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})))"
    )
    assert [v for v in result if v["impact"] in ("serious", "critical")] == []


def test_screenshots(browser: object, base_url: str) -> None:
    """The form on a desktop and a phone, filled, with a message (DAP_SCREENSHOTS=folder)."""
    shots = os.environ.get("DAP_SCREENSHOTS")
    if not shots:
        pytest.skip("set DAP_SCREENSHOTS to a folder to keep screenshots")
    Path(shots).mkdir(parents=True, exist_ok=True)
    for name, size in (("desktop", (1280, 900)), ("phone", (390, 844))):
        context = browser.new_context(viewport={"width": size[0], "height": size[1]})  # type: ignore[attr-defined]
        page = context.new_page()
        page.goto(base_url + f"measures/{MEASURE}.html")
        page.screenshot(path=f"{shots}/form-measure-page-{name}.png")
        open_form(page, base_url + REPORT_URL)
        page.screenshot(path=f"{shots}/form-report-empty-{name}.png")
        fill_valid(page)
        page.select_option("#dap-period", "2025-Q3")
        page.screenshot(path=f"{shots}/form-report-message-{name}.png", full_page=True)
        page.select_option("#dap-kind", "про результат виконання")
        page.locator("#dap-result-title").scroll_into_view_if_needed()
        page.screenshot(path=f"{shots}/form-report-file-{name}.png")
        open_form(page, base_url + f"assessment.html?measure={MEASURE}")
        page.select_option("#dap-status", "Виконується")
        page.screenshot(path=f"{shots}/form-assessment-{name}.png", full_page=True)
        context.close()
    assert len(list(Path(shots).glob("form-*.png"))) == 10
