"""The message catalogue: every message a person reads has its Ukrainian text, with the same
placeholders; Ukrainian is the default and plurals follow Ukrainian rules; no user-facing text
is written outside the catalogue in the areas already moved to it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from builder import i18n
from builder.errors import Problem

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "builder"
PO_FILES = sorted(
    p for p in (PACKAGE / "locale" / "uk" / "LC_MESSAGES").glob("*.po") if p.stem != i18n.SITE
)  # dap's own domain; the site's (site.po) is checked by tests/test_site_messages.py
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
PLACEHOLDER = re.compile(r"\{(\w+)\}")

# Modules whose every user-facing text goes through the catalogue; the check below holds them
# to it. A module joins this list when its messages move to the catalogue (issue 15).
CONVERTED = (
    "errors.py",
    "i18n.py",
    "git/repo.py",
    "git/load.py",
    "git/history.py",
    "workflow/permits.py",
    "workflow/signatures.py",
    "workflow/check.py",
    "workflow/codeowners.py",
    "workflow/audit.py",
    "workflow/approval.py",
    "load.py",
    "validate/__init__.py",
    "validate/people.py",
    "validate/records.py",
    "validate/structure.py",
    "validate/amendments.py",
    "importer/amend.py",
    "importer/deadlines.py",
    "importer/executors.py",
    "importer/interpret.py",
    "importer/records.py",
    "importer/run.py",
    "importer/tables.py",
    "cli.py",
    "options.py",
    "build.py",
    "project.py",
    "output.py",
    "internal/run.py",
    "parallel.py",
    "status.py",
    "site/mkdocs.py",
    "notify/delivery.py",
    "notify/ledger.py",
    "notify/messages.py",
    "notify/plan.py",
    "notify/run.py",
    "notify/since.py",
    "opendata/checks.py",
    "opendata/descriptor.py",
    "opendata/downloads.py",
    "opendata/formats.py",
    "opendata/pages.py",
    "opendata/rows.py",
    "opendata/snapshots.py",
    "opendata/tables.py",
    "opendata/xlsx.py",
    "demo/generate.py",
    "demo/write.py",
    "datafile.py",
    "explain.py",
    "contacts.py",
    "cli_contacts.py",
    "cli_import.py",
    "cli_untranslated.py",
    "translations.py",
    "validate/english.py",
)


def extracted() -> dict[str, tuple[str, ...]]:
    """Every message id used in the package → its forms (one, or singular and plural)."""
    found: dict[str, tuple[str, ...]] = {}
    method_map = [("**.py", "python")]
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(PACKAGE), method_map, keywords=KEYWORDS
    ):
        forms = message if isinstance(message, tuple) else (message,)
        found[forms[0]] = forms
    return found


def catalogue() -> dict[str, tuple[Path, object]]:
    """Every message of the Ukrainian .po files → (its file, its Ukrainian text or forms)."""
    found: dict[str, tuple[Path, object]] = {}
    for path in PO_FILES:
        with path.open("rb") as handle:
            for message in read_po(handle, locale="uk"):
                if not message.id:
                    continue
                key = str(message.id[0] if isinstance(message.id, (tuple, list)) else message.id)
                assert key not in found, f"{key!r} is in {found[key][0].name} and {path.name}"
                found[key] = (path, message.string)
    return found


def test_every_message_has_its_ukrainian_text() -> None:
    ours = catalogue()
    missing = sorted(set(extracted()) - set(ours))
    assert missing == [], "add these to a .po file in builder/locale/uk/LC_MESSAGES/"
    empty = sorted(
        key
        for key, (_path, text) in ours.items()
        if not text or (isinstance(text, tuple) and not all(text))
    )
    assert empty == []


def test_the_catalogue_holds_no_message_the_code_no_longer_uses() -> None:
    assert sorted(set(catalogue()) - set(extracted())) == []


def test_translations_keep_the_placeholders() -> None:
    wrong = []
    for msgid, (_path, text) in catalogue().items():
        texts = text if isinstance(text, tuple) else (text,)
        wanted = set(PLACEHOLDER.findall(msgid))
        for form in texts:
            if set(PLACEHOLDER.findall(str(form))) - wanted - {"n"}:
                wrong.append((msgid, form))
            if wanted - {"n"} - set(PLACEHOLDER.findall(str(form))):
                wrong.append((msgid, form))
    assert wrong == []


@pytest.fixture
def ukrainian():
    """The run's language set to Ukrainian for one test."""
    i18n.set_language("uk")
    yield
    i18n.set_language(None)


@pytest.mark.parametrize(
    ("n", "text"),
    [(1, "1 помилка"), (2, "2 помилки"), (4, "4 помилки"), (5, "5 помилок"), (11, "11 помилок")]
    + [(12, "12 помилок"), (21, "21 помилка"), (22, "22 помилки"), (111, "111 помилок")],
)
def test_ukrainian_plurals(ukrainian, n: int, text: str) -> None:
    assert i18n.ngettext("{n} error", "{n} errors", n) == text


def test_a_problem_is_shown_in_the_runs_language(ukrainian) -> None:
    p = Problem("data/x.yaml", 3, 5, "approved_by", "is wrong", "fix it", "code", "warning")
    assert str(p) == "data/x.yaml:3:5: попередження: поле approved_by: is wrong — fix it"
    i18n.set_language("en")
    assert str(p) == "data/x.yaml:3:5: warning: field 'approved_by': is wrong — fix it"


def test_long_values_are_shortened_in_messages() -> None:
    p = Problem("f", message="value {value}", params=(("value", "x" * 5000),))
    assert len(p.what()) < 140 and p.what().endswith("…")


@pytest.mark.parametrize(
    ("env", "lang"),
    [
        ({}, "uk"),
        ({"LANG": "C.UTF-8"}, "uk"),
        ({"LANG": "uk_UA.UTF-8"}, "uk"),
        ({"LANG": "en_GB.UTF-8"}, "en"),
        ({"LC_ALL": "en_US.UTF-8", "LANG": "uk_UA.UTF-8"}, "en"),
        ({"DAP_LANG": "uk", "LANG": "en_US.UTF-8"}, "uk"),
        ({"DAP_LANG": "en"}, "en"),
    ],
)
def test_the_language_of_a_run(env: dict[str, str], lang: str) -> None:
    assert i18n.language_from(env) == lang


def test_the_cli_speaks_ukrainian_by_default(runner, tmp_path, monkeypatch) -> None:
    from builder.cli import cli

    monkeypatch.delenv("DAP_LANG", raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data").mkdir()
    result = runner.invoke(cli, ["validate"])
    assert result.exit_code == 1 and "1 помилка, 0 попереджень" in result.output
    english = runner.invoke(cli, ["--lang", "en", "validate"])
    assert english.exit_code == 1 and "1 error, 0 warnings" in english.output


# ---------------------------------------------------------------- nothing outside the catalogue

MARKERS = {"_", "N_", "ngettext"}
SHOWN = {"Problem", "problem", "echo", "secho", "BadParameter", "UsageError"}
# A problem's text is its message and hint (positions in `Problem(file, line, col, field,
# message, hint, code, …)` and `source.problem(loc, message, hint, code, …)`); its file, field,
# code and severity are names, not text.
TEXT_ARGS = {"Problem": (4, 5), "problem": (1, 2)}


def bare_texts(tree: ast.AST) -> list[tuple[int, str]]:
    """String literals with letters passed straight to a call that shows them to a person."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name not in SHOWN and not name.endswith("Error"):
            continue
        args = [*node.args, *(k.value for k in node.keywords)]
        if name in TEXT_ARGS:
            args = [a for i, a in enumerate(node.args) if i in TEXT_ARGS[name]]
            args += [k.value for k in node.keywords if k.arg in ("message", "hint")]
        for arg in args:
            if isinstance(arg, ast.JoinedStr) or (
                isinstance(arg, ast.Constant)
                and isinstance(arg.value, str)
                and re.search(r"[A-Za-zА-Яа-яІіЇїЄєҐґ]{2}", arg.value)
            ):
                found.append((arg.lineno, ast.unparse(arg)[:60]))
    return found


@pytest.mark.parametrize("module", CONVERTED)
def test_converted_modules_write_no_text_outside_the_catalogue(module: str) -> None:
    tree = ast.parse((PACKAGE / module).read_text("utf-8"))
    assert bare_texts(tree) == []


def test_the_compiled_catalogue_is_kept_and_follows_the_po_files(tmp_path, monkeypatch) -> None:
    """Babel reads the .po files once per their content; later runs load the compiled file."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    i18n.translations.cache_clear()
    try:
        first = i18n.translations("uk").ngettext("{n} error", "{n} errors", 5)
        assert first == "{n} помилок"
        (compiled,) = (tmp_path / "dap").glob("messages-uk-*.mo")

        def no_babel(*_args: object) -> bytes:
            raise AssertionError("the .po files were read again")

        monkeypatch.setattr(i18n, "compile_catalogue", no_babel)
        i18n.translations.cache_clear()
        assert i18n.translations("uk").gettext("Aborted.") == "Перервано."
        compiled.write_bytes(b"damaged")  # a damaged file is compiled again, never trusted
        monkeypatch.undo()
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
        i18n.translations.cache_clear()
        assert i18n.translations("uk").gettext("Aborted.") == "Перервано."
    finally:
        i18n.translations.cache_clear()
