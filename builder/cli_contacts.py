"""`dap contacts`: the administrator's commands for the encrypted contacts (builder/contacts.py),
kept apart from cli.py so that it stays a table of thin commands."""

from __future__ import annotations

import os
from pathlib import Path

import click

from .i18n import _
from .options import data_option

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group(context_settings=CONTEXT)
def contacts() -> None:
    """Officials' e-mails and phones, kept encrypted in data/contacts.age (administrator).

    The rosters in Git hold no contacts; dap notify reads them with the key in DAP_AGE_KEY
    (its text) or DAP_AGE_KEY_FILE (its path). Plaintext never goes into the repository.

    \b
    Example:
      dap contacts migrate                     # move them out of the rosters
      dap contacts set o.kovalenko --email o.kovalenko@example.gov.ua
      dap contacts list
    """


@contacts.command("list", context_settings=CONTEXT)
@data_option
def contacts_list(data_dir: Path) -> None:
    """Whether each roster person has an e-mail and a phone (never the values)."""
    from .contacts import list_lines

    click.echo("\n".join(list_lines(data_dir, os.environ)))


@contacts.command("set", context_settings=CONTEXT)
@data_option
@click.argument("person")
@click.option("--email", default=None, help="E-mail address ('' removes it).")
@click.option("--phone", default=None, help="Phone ('' removes it).")
def contacts_set(data_dir: Path, person: str, email: str | None, phone: str | None) -> None:
    """Set one person's e-mail and/or phone.

    \b
    Example:
      dap contacts set a.shevchuk --email a.shevchuk@example.gov.ua --phone "+380 44 000 00 00"
    """
    from .contacts import set_fields

    given = {k: v for k, v in (("email", email), ("phone", phone)) if v is not None}
    if not given:
        raise click.UsageError(_("give --email, --phone or both"))
    click.echo("\n".join(set_fields(data_dir, os.environ, {person: given})))


@contacts.command("import", context_settings=CONTEXT)
@data_option
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
def contacts_import(data_dir: Path, file: Path) -> None:
    """Add or update contacts from a CSV (header id,email,phone) or a YAML file.

    \b
    Example:
      dap contacts import ~/private/contacts.csv
    """
    from .contacts import import_lines

    click.echo("\n".join(import_lines(data_dir, os.environ, file)))


@contacts.command("migrate", context_settings=CONTEXT)
@data_option
def contacts_migrate(data_dir: Path) -> None:
    """Move every email/phone of the rosters into data/contacts.age; the rest of each roster
    stays byte for byte.

    \b
    Example:
      dap contacts migrate && git add data && git commit -m "Contacts out of the rosters"
    """
    from .contacts import migrate_lines

    click.echo("\n".join(migrate_lines(data_dir, os.environ)))


@contacts.command("export", context_settings=CONTEXT)
@data_option
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="A file outside the repository (default: standard output).",
)
def contacts_export(data_dir: Path, out: Path | None) -> None:
    """Print the contacts as CSV (id,email,phone), or write them to a file outside the repository.

    \b
    Example:
      dap contacts export --out ~/private/contacts.csv
    """
    from .contacts import export

    click.echo(
        _("warning: plaintext contacts of officials — never commit or publish them"), err=True
    )
    click.echo(export(data_dir, os.environ, out), nl=False)


@contacts.command("keygen", context_settings=CONTEXT)
@data_option
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the private key (outside the repository).",
)
def contacts_keygen(data_dir: Path, out: Path) -> None:
    """Make a new age key: the private key into --out, its public key printed (for
    data/contacts.recipients).

    \b
    Example:
      dap contacts keygen --out ~/.config/dap/contacts-key.txt
    """
    from .contacts import keygen

    click.echo(keygen(out, data_dir))
