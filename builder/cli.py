"""The `dap` command: thin click commands, each calling one library function.

Every line a command prints for a person comes from the message catalogue (builder/i18n.py),
Ukrainian by default; so do click's own usage errors (options.py). The `--help` texts are
the developers' documentation and stay English.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from pathlib import Path

import click

from . import __version__
from . import cli_contacts as contacts_cli
from . import cli_import as import_cli
from . import cli_records as records_cli
from . import cli_untranslated as untranslated_cli
from .errors import DataError
from .i18n import LANGUAGES, _, ngettext
from .options import (
    Moment,
    as_of_option,
    bad_value,
    choose_language,
    data_option,
    grouped,
    print_problems,
)
from .parallel import collector_paused, freeze_for_exit

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, "-V", "--version")
@click.option("--debug", is_flag=True, help="Show tracebacks of unexpected errors.")
@click.option(
    "--project",
    "-C",
    "project_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Run as if dap was started in this project folder (like git -C): data/, site/, "
    "schemas/tables/, public/ and every other relative path are taken from it.",
)
@click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    default=None,
    is_eager=True,  # chosen before any other option is read, so their errors use it
    callback=lambda _ctx, _param, value: choose_language(value),
    help="Language of messages: uk (default) or en [default: DAP_LANG, else en when LANG is "
    "en…, else uk].",
)
@click.pass_context
def cli(ctx: click.Context, debug: bool, project_dir: Path | None, lang: str | None) -> None:
    """Monitoring of the State Anti-Corruption Programme: data in Git, an open-data site.

    The project folder (the working folder, or --project DIR) holds data/ and may hold its
    own site/ and schemas/tables/; what it lacks comes from the copies installed with dap.

    \b
    Example:
      dap validate            # check everything in data/
      dap status --as-of 2024-12-31
      dap --project ~/dap-data build
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug
    if project_dir is not None:
        if not project_dir.is_dir():
            raise bad_value(
                "project_dir",
                _(
                    "{path} is not a folder — give the project folder (the one that holds data/)",
                    path=project_dir,
                ),
            )
        os.chdir(project_dir)


@cli.command(context_settings=CONTEXT)
@data_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "github", "json"]),
    default="text",
    show_default=True,
    help="Output: text for people, github for workflow annotations, json.",
)
@click.option("--strict", is_flag=True, help="Treat warnings as errors (for CI).")
@click.option(
    "--diff",
    "diff_base",
    metavar="BASE",
    default=None,
    help="Also make the status diff of BASE..HEAD from the same load and write it to "
    "--diff-out, as `dap diff BASE HEAD --format markdown` prints it (the pull-request "
    "workflow's two checks in one process); the exit code stays validate's.",
)
@click.option(
    "--diff-out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The file the status diff of --diff is written to (Markdown).",
)
def validate(
    data_dir: Path, fmt: str, strict: bool, diff_base: str | None, diff_out: Path | None
) -> None:
    """Check every file in the data folder and every rule across files.

    Reports all problems at once with file:line:col, the field, what is wrong and how to fix
    it; exits 1 if there are errors (or warnings, with --strict). Never writes into the data.
    With --diff BASE --diff-out FILE it also writes the status diff of BASE..HEAD to FILE
    (the files the working tree shares with HEAD are not read again).

    \b
    Example:
      dap validate
      dap validate --format github --strict
      dap validate --strict --diff origin/main --diff-out status-diff.md
    """
    from .validate import validate as run

    if (diff_base is None) != (diff_out is None):
        name = "diff_out" if diff_out is None else "diff_base"
        raise bad_value(name, _("--diff and --diff-out go together: give both, or neither"))
    data, problems = run(data_dir, str(data_dir))
    print_problems(problems, fmt)
    if diff_base is not None and diff_out is not None:
        from .diff import diff_markdown, run_diff
        from .output import Writer

        result = run_diff(Path.cwd(), data_dir, diff_base, "HEAD")
        Writer(diff_out.parent).write(diff_out.name, diff_markdown(result))
    failing = [p for p in problems if p.severity == "error" or strict]
    if failing:
        sys.exit(1)
    if fmt == "text":
        found = [
            ngettext("{n} measure", "{n} measures", len(data.measures)),
            ngettext("{n} report", "{n} reports", len(data.reports)),
            ngettext("{n} assessment", "{n} assessments", len(data.assessments)),
            ngettext("{n} evaluation", "{n} evaluations", len(data.evaluations)),
        ]
        if problems:
            found.append(ngettext("{n} warning", "{n} warnings", len(problems)))
        click.echo(_("OK: {counts}", counts=", ".join(found)))


def main() -> None:
    """Entry point: run the command; tracebacks only with --debug."""
    debug = "--debug" in sys.argv
    try:
        with collector_paused():  # every command builds without cyclic garbage (parallel.py)
            try:
                cli.main(standalone_mode=False, prog_name="dap")
            finally:
                freeze_for_exit()  # the process ends here (parallel.py)
    except DataError as exc:
        print_problems(exc.problems, "text")
        click.echo(_("Error: {message}", message=exc.message), err=True)
        sys.exit(1)
    except click.exceptions.Abort:
        click.echo(_("Aborted."), err=True)
        sys.exit(1)
    except click.ClickException as exc:
        exc.show()  # "Error: …" (and for a usage error, how to get help) through the catalogue
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except (KeyboardInterrupt, BrokenPipeError):
        sys.exit(130)
    except Exception as exc:  # an unexpected failure is a bug: say so plainly
        if debug:
            raise
        click.echo(
            _(
                "Internal error: {error}\nThis is a bug in dap; run again with --debug for "
                "the traceback and report it.",
                error=type(exc).__name__ + ": " + str(exc),
            ),
            err=True,
        )
        sys.exit(2)


@cli.command(context_settings=CONTEXT)
@click.option(
    "--out",
    default="schemas",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the JSON Schemas.",
)
@click.option(
    "--check", is_flag=True, help="Only check that the files are up to date; exit 1 if not."
)
def schemas(out: Path, check: bool) -> None:
    """Write the JSON Schemas of the data files (generated from the models) into schemas/.

    Editors use them to complete and check YAML as people type (see the first line of each
    data file). Overwrites only the generated *.schema.json files.

    \b
    Example:
      dap schemas            # regenerate after changing builder/models.py
      dap schemas --check    # in CI
    """
    from .schemas import stale_schemas, write_schemas

    if check:
        stale = stale_schemas(out)
        for name in stale:
            click.echo(
                _(
                    "{path}: out of date — run 'dap schemas' and commit the result",
                    path=out / name,
                )
            )
        sys.exit(1 if stale else 0)
    changed = write_schemas(out)
    click.echo(
        ngettext(
            "{n} schema file written to {folder}/",
            "{n} schema files written to {folder}/",
            len(changed),
            folder=out,
        )
        if changed
        else _("Schemas are up to date.")
    )


@cli.command(context_settings=CONTEXT)
@data_option
@as_of_option("Reference date (YYYY-MM-DD); default: today.")
@click.option("--executor", default=None, help="Only this main executor (its id).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "csv"]),
    default="text",
    show_default=True,
    help="text for people, json (everything), csv (the aggregates).",
)
@click.option("--measures", "with_measures", is_flag=True, help="Text: also list every measure.")
@click.option("--person", default=None, help="Only what this person owes (their id).")
def status(
    data_dir: Path, as_of, executor: str | None, fmt: str, with_measures: bool, person: str | None
) -> None:
    """Print the figures as of a date: statuses, % done, reporting timeliness, ОСР scores.

    Aggregates for the programme, each direction, problem, ОСР and executor, then the overdue
    measures and the missing and late reports. Every rule is in docs/methodology.md.

    \b
    Example:
      dap status --as-of 2024-12-31
      dap status --executor nazk --format json
      dap status --person t.melnyk --as-of 2025-01-10   # what one person owes
    """
    from .status import run_person, run_status

    today = dt.date.today()
    day = as_of or today
    if person is not None:
        if executor is not None or with_measures:
            raise click.UsageError(_("--person cannot be used with --executor or --measures"))
        click.echo(run_person(data_dir, day, today, person, fmt), nl=False)
        return
    click.echo(run_status(data_dir, day, today, executor, fmt, with_measures), nl=False)


@cli.command("check-change", context_settings=CONTEXT)
@data_option
@click.option("--base", "base_ref", required=True, help="The branch the change goes into.")
@click.option("--head", "head_ref", default="HEAD", show_default=True, help="The changed commit.")
@click.option("--author", "login", required=True, help="GitHub login of the pull request's author.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "github", "json"]),
    default="text",
    show_default=True,
    help="text, github (annotations + job summary), json.",
)
@click.option(
    "--today",
    type=Moment(),
    default=None,
    envvar="DAP_CHECK_TODAY",
    help="The day access is judged on: YYYY-MM-DD, or a moment in ISO 8601 (its day in Kyiv), "
    "e.g. the pull request's event time [env DAP_CHECK_TODAY; default: the clock]. Never a "
    "commit's date, which its author sets.",
)
def check_change(
    data_dir: Path,
    base_ref: str,
    head_ref: str,
    login: str,
    fmt: str,
    today: dt.date | dt.datetime | None,
) -> None:
    """Check who may change what: each file changed since BASE against the rosters at BASE.

    Refuses reports by another executor's people, rewrites of assessed reports, deleted
    monitoring records, records whose fields disagree with their path, links and submodules
    in the data, and (per programme.reporting.require_signatures) unsigned or mismatched
    signatures of the commits that bring a monitoring record, merges included. Each refusal
    names the file, the rule and who may do it instead.

    \b
    Example:
      dap check-change --base origin/main --head HEAD --author kmoroz-me
      dap check-change --base "$BASE_SHA" --author "$AUTHOR" --today 2025-04-05T09:30:00Z
    """
    from .git.history import submission_day
    from .workflow import check as w

    day = submission_day(today) if isinstance(today, dt.datetime) else today
    result = w.run_check(Path.cwd(), data_dir, base_ref, head_ref, login, today=day)
    if fmt == "json":
        click.echo(w.check_json(result))
    elif fmt == "github":
        click.echo(w.check_github(result), nl=False)
        summary = os.environ.get("GITHUB_STEP_SUMMARY")
        if summary:
            with open(summary, "a", encoding="utf-8") as fh:
                fh.write(w.check_markdown(result))
    else:
        click.echo(w.check_text(result), nl=False)
    if any(p.severity == "error" for p in result.problems):
        sys.exit(1)


@cli.command(context_settings=CONTEXT)
@data_option
@click.option("--base", "base_ref", required=True, help="The pull request's base commit.")
@click.option("--head", "head_ref", required=True, help="The pull request's head commit.")
@click.option("--pr", type=click.IntRange(min=1), required=True, help="The pull request's number.")
@click.option("--reviewer", required=True, help="GitHub login of the person who approved.")
@click.option("--review-commit", required=True, help="The commit the review approved.")
@click.option("--at", "at", type=Moment(), required=True, help="When: ISO 8601 with offset.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "github", "json", "trailers"]),
    default="text",
    show_default=True,
    help="text, github (annotations), json, trailers (the merge commit's lines).",
)
def approval(data_dir: Path, base_ref, head_ref, pr, reviewer, review_commit, at, fmt) -> None:
    """Judge whether a review approval submits a report pull request (IV.1): the reviewer must
    be an уповноважений менеджер of each report's main executor at BASE, with access on the
    day (Kyiv), not its preparer, approving the latest commit. Exit 0 and, with --format
    trailers, the lines for the merge commit (Approved-by, Approved-at, Pull-request).

    \b
    Example:
      dap approval --base "$BASE" --head "$HEAD" --pr 12 --reviewer kmoroz-me \\
        --review-commit "$HEAD" --at 2025-07-15T20:30:00Z --format trailers
    """
    from .workflow import approval as a

    if not isinstance(at, dt.datetime):
        raise bad_value("at", _("give the moment of the approval, e.g. 2025-07-15T20:30:00Z"))
    result = a.run_approval(
        Path.cwd(), data_dir, base_ref, head_ref, pr, reviewer, review_commit, at
    )
    if fmt == "json":
        click.echo(a.approval_json(result))
    elif fmt == "github":
        click.echo(a.approval_github(result), nl=False)
    elif fmt == "trailers" and result.approved:
        click.echo("\n".join(result.trailers()))
    else:
        click.echo(a.approval_text(result), nl=False, err=fmt == "trailers")
    if not result.approved:
        sys.exit(1)


@cli.command(context_settings=CONTEXT)
@data_option
@click.option("--check", is_flag=True, help="Only check that .github/CODEOWNERS is up to date.")
def codeowners(data_dir: Path, check: bool) -> None:
    """Generate .github/CODEOWNERS from the rosters, so reviews follow the same rules.

    \b
    Example:
      dap codeowners           # after changing a roster
      dap codeowners --check   # in CI
    """
    from .output import Writer
    from .workflow.codeowners import codeowners_for, codeowners_state
    from .workflow.permits import CODEOWNERS_PATH

    path, text, problems = codeowners_for(Path.cwd(), data_dir)
    if any(p.severity == "error" for p in problems):
        raise DataError(problems)
    current = path.read_text(encoding="utf-8") if path.is_file() else None
    if check:
        click.echo(codeowners_state(path, current, text))
        if current != text:
            sys.exit(1)
        return
    Writer(path.parent.parent).write(CODEOWNERS_PATH, text)
    click.echo(codeowners_state(path, current, text, written=current != text))


@cli.command(context_settings=CONTEXT)
@data_option
@as_of_option("The date the notices are worked out for (YYYY-MM-DD); default: today.")
@click.option(
    "--since",
    metavar="REF",
    default=None,
    help="Also notify of status changes and new people since this commit (e.g. the previous main).",
)
@click.option(
    "--outbox",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder for the .eml files to review (default: outbox/); not with --send.",
)
@click.option("--send", "do_send", is_flag=True, help="Send over SMTP (DAP_SMTP_* variables).")
@click.option(
    "--ledger",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Record of sent notices (default with --send: .dap-cache/notify-ledger.jsonl).",
)
@click.option(
    "--site-url", default=None, help="Base of links to measure pages (default: site_url)."
)
def notify(
    data_dir: Path,
    as_of,
    since: str | None,
    outbox: Path | None,
    do_send: bool,
    ledger: Path | None,
    site_url: str | None,
) -> None:
    """Work out the e-mail notices due on a date and write them to an outbox or send them.

    Reporting window open / closing, overdue reports (and the analysts' digest), near start or
    end dates, new access and — with --since — status changes. Each notice goes once: ids of
    sent ones are kept in the ledger, so a rerun after a failure sends exactly the rest.
    Exits 1 if any notice could not be delivered. Addresses are never printed.

    \b
    Example:
      dap notify --as-of 2025-01-10                 # review outbox/2025-01-10/*.eml
      dap notify --since HEAD~1 --send --ledger ledger/notify-ledger.jsonl
    """
    from .errors import DeliveryError
    from .notify.run import run

    if do_send and outbox is not None:
        raise click.UsageError(_("--send cannot be used with --outbox (sending writes no files)"))
    day = as_of or dt.date.today()
    result = run(data_dir, day, since, outbox or Path("outbox"), do_send, ledger, site_url)
    for line in result.summary():
        click.echo(line)
    if result.failed:
        raise DeliveryError(_("some notices were not written or sent (listed above)"))


@cli.command(context_settings=CONTEXT)
@click.option("--measures", default=60, show_default=True, type=click.IntRange(1, 100_000))
@click.option("--executors", default=12, show_default=True, type=click.IntRange(2, 5_000))
@click.option("--years", default=3, show_default=True, type=click.IntRange(1, 10))
@click.option(
    "--seed", default=1, show_default=True, type=int, help="The same seed gives the same files."
)
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write the data into (created; must be empty).",
)
@click.option(
    "--overwrite",
    is_flag=True,
    help="Write into a non-empty folder: first deletes the data files and folders there "
    "(programme.yaml, staff.yaml, measures/, reports/ …); other files are left alone.",
)
@click.option(
    "--english",
    is_flag=True,
    help="Give English texts (title_en, name_en) to the programme, the directions and the "
    "central bodies; the rest stays without (the other files are the same bytes).",
)
def demo(
    measures: int, executors: int, years: int, seed: int, out: Path, overwrite: bool, english: bool
) -> None:
    """Write a synthetic demonstration programme of any size (for trying and benchmarking).

    Ukrainian texts, every status and kind of report, late and missing reports, evaluations,
    amendments; fake example.gov.ua addresses; `demo: true`. It passes `dap validate`.
    English texts only with --english.

    \b
    Example:
      dap demo --measures 2000 --executors 150 --years 3 --seed 1 --out /tmp/national/data
      dap validate --data /tmp/national/data
    """
    from .demo.plan import Options
    from .demo.write import write

    def show(done: int, total: int) -> None:
        line = _("Writing {done} of {total} files…", done=grouped(done), total=grouped(total))
        click.echo("\r" + line, nl=done == total, err=True)

    progress = show if sys.stderr.isatty() else None  # quiet when piped
    options = Options(measures, executors, years, seed, english=english)
    counts = write(options, out, overwrite, progress)
    total = sum(counts.values())
    wrote = ngettext(
        "Wrote {count} file to {folder}/:",
        "Wrote {count} files to {folder}/:",
        total,
        count=grouped(total),
        folder=out,
    )
    click.echo(wrote + " " + ", ".join(f"{n} {kind}" for kind, n in counts.items()))
    click.echo(_("Next: dap serve --data {folder} (build the site and open it)", folder=out))


@cli.command("build", context_settings=CONTEXT)
@data_option
@click.option(
    "--out",
    default="public",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the built site (replaced only when the build succeeds).",
)
@as_of_option("Date the figures describe (YYYY-MM-DD); default: today.")
@click.option(
    "--docs-dir",
    default=None,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the generated pages [default: site/docs/generated with the project's own site/, else .dap-cache/docs] (each build rewrites it to its own pages).",
)
@click.option(
    "--internal",
    is_flag=True,
    help="Build NACP's internal analytics (timeliness, letters, workload, rosters, audit; "
    "with contact data) into internal/ instead — never published.",
)
def build_site(data_dir: Path, out: Path, as_of, docs_dir: Path | None, internal: bool) -> None:
    """Build the public site (Ukrainian, with charts, filters and downloads) from the data.

    Validates the data, computes every figure, writes the datasets and pages, runs MkDocs and
    swaps the new site in; a failed build leaves the previous output untouched.

    \b
    Example:
      dap build                          # data/ -> public/
      dap build --as-of 2024-12-31 --out /tmp/site
      dap build --internal               # data/ -> internal/ (git-ignored)
    """
    if internal:
        from .internal.run import build_internal, summary_lines

        source = click.get_current_context().get_parameter_source("out")
        out = Path("internal") if source == click.core.ParameterSource.DEFAULT else out
        made, written = build_internal(data_dir, out, as_of)
        click.echo("\n".join(summary_lines(made, written, out)))
        return
    from .build import build, progress_printer, summary

    progress = progress_printer(sys.stdout.isatty(), click.echo)
    result = build(data_dir, out, as_of, docs_dir=docs_dir, progress=progress)
    for line in summary(result):
        click.echo(line)


@cli.command(context_settings=CONTEXT)
@data_option
@click.option(
    "--out",
    default="public",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder of the built site.",
)
@click.option(
    "--docs-dir",
    default=None,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the generated pages [default: site/docs/generated with the project's own site/, else .dap-cache/docs] (each build rewrites it to its own pages).",
)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option("--no-build", is_flag=True, help="Serve the existing output without building.")
def serve(data_dir: Path, out: Path, docs_dir: Path | None, port: int, no_build: bool) -> None:
    """Build the site, then preview it at http://127.0.0.1:PORT/ (this machine only).

    \b
    Example:
      dap serve                # build data/ into public/ and serve it
      dap serve --no-build --port 8080
    """
    from .build import build, progress_printer, summary
    from .serve import serve

    if not no_build:
        progress = progress_printer(sys.stdout.isatty(), click.echo)
        result = build(data_dir, out, docs_dir=docs_dir, progress=progress)
        for line in summary(result):
            click.echo(line)
    serve(out, port=port)


@cli.command("diff", context_settings=CONTEXT)
@data_option
@click.argument("base")
@click.argument("head", default="HEAD")
@as_of_option("Compute both sides as of this date (default: the HEAD commit's day).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown"]),
    default="text",
    show_default=True,
    help="text for a terminal, markdown for a pull-request comment or job summary.",
)
def diff_command(data_dir: Path, base: str, head: str, as_of, fmt: str) -> None:
    """Show what a change does: measures that changed status, reports that arrived or are
    late, and how each aggregate and ОСР score moved between commits BASE and HEAD.

    \b
    Example:
      dap diff origin/main HEAD
      dap diff main my-branch --format markdown >> "$GITHUB_STEP_SUMMARY"
    """
    from .diff import diff_markdown, diff_text, run_diff

    result = run_diff(Path.cwd(), data_dir, base, head, as_of)
    click.echo(diff_markdown(result) if fmt == "markdown" else diff_text(result), nl=False)


@cli.command(context_settings=CONTEXT)
@data_option
@click.argument("measure")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option("--public", is_flag=True, help="Leave out the Git authors' e-mail addresses.")
def audit(data_dir: Path, measure: str, fmt: str, public: bool) -> None:
    """Print every step of each report and assessment of a measure: prepared, approved,
    submitted (merged into main), assessed, amended — who and when, from one Git log pass.

    \b
    Example:
      dap audit 1.1.1.1.1
    """
    from dataclasses import asdict

    from .git.history import read_authors, read_history
    from .validate import validate as run
    from .workflow.audit import audit_text, audit_trail

    data, problems = run(data_dir, str(data_dir))
    if measure not in data.measures:
        raise bad_value(
            "measure",
            _("no measure '{measure}' in {folder}/measures/", measure=measure, folder=data_dir),
        )
    steps = audit_trail(data, read_authors(read_history(data_dir)), measure)
    if fmt == "json":
        rows = [
            {**asdict(s), "date": s.date.isoformat() if s.date else None}
            | ({"email": ""} if public else {})
            for s in steps
        ]
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        click.echo(audit_text(steps, measure, private=not public), nl=False)


@cli.command(context_settings=CONTEXT)
@data_option
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the downloads (created; files in it with the same names are replaced).",
)
@as_of_option("Date of the newest snapshot (YYYY-MM-DD); default: today.")
def datasets(data_dir: Path, out: Path, as_of) -> None:
    """Write the open data: a validated Frictionless data package with CSV, JSON, XLSX and zip.

    OUT/latest/ holds the package as of the date in every format; OUT/<quarter>/ (e.g.
    2024-Q4) the zip of the package as it stood at each quarter end. Every row is checked
    against schemas/tables/ (frictionless's rules); an invalid package fails, writing
    nothing. Same data and date: same bytes. Check the result with frictionless itself:
    frictionless validate OUT/latest/datapackage.json

    \b
    Example:
      dap datasets --out /tmp/opendata --as-of 2024-12-31
    """
    from .opendata.downloads import run_datasets

    today = dt.date.today()
    day = as_of or today
    files = run_datasets(data_dir, out, day, today)
    total = sum(f.size for f in files)
    click.echo(
        ngettext(
            "{n} file, {size} bytes, written to {folder}/",
            "{n} files, {size} bytes, written to {folder}/",
            len(files),
            size=grouped(total),
            folder=out,
        )
    )


cli.add_command(records_cli.new_report)
cli.add_command(records_cli.new_assessment)
cli.add_command(contacts_cli.contacts)
cli.add_command(import_cli.import_)
cli.add_command(untranslated_cli.untranslated)
