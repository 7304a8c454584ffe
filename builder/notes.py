"""Notes on how the figures' dates were obtained, as data (`Note`): the computation makes
them (`date_notes`), and each reader's page or command says them in its language from the
site's catalogue — the methodology page, `dap status`, the status diff, the internal pages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import models as m
from .git.history import History
from .i18n import S_, SN_

if TYPE_CHECKING:
    from .wording import Edition


@dataclass(frozen=True)
class Note:
    """A note on how the figures' dates were obtained, as data: a message of the site's
    catalogue (`singular`, with `plural` for a count `n`), said in a page's or a command's
    language by `text`. `reason`: why Git's history is unavailable (a message too), `error`
    the system's own words for it."""

    singular: str
    plural: str = ""
    n: int = 0
    reason: str = ""
    error: str = ""

    def text(self, ed: Edition) -> str:
        """The note in `ed`'s language («3 повідомлення …», "3 reports …")."""
        why = ed.t(self.reason, error=self.error) if self.reason else ""
        if self.plural:
            return ed.tn(self.singular, self.plural, self.n, why=why)
        return ed.t(self.singular, why=why)


# Why Git's history is unavailable (`git.history.History.reason`), as the notes say it.
HISTORY_UNAVAILABLE = {
    "git-failed": S_("Git could not be run: {error}"),
    "no-repository": S_("the data is not in a Git repository"),
    "shallow": S_("a shallow clone of the repository: the commits' dates are unknown"),
}


def date_notes(
    programme: m.Programme,
    history: History | None,
    sources: dict[str, int],
    undated: int,
    distrusted: int = 0,
) -> tuple[Note, ...]:
    """What the figures' readers should know of how the reports' dates were obtained."""
    notes: list[Note] = []
    if programme.reporting.submission_dates == "git":
        if history is None or not history.available:
            if history is not None and history.reason:
                notes.append(
                    Note(
                        S_(
                            "Git history is not available ({why}): submission dates are taken "
                            "from the files (not verified)."
                        ),
                        reason=HISTORY_UNAVAILABLE.get(history.reason, history.reason),
                        error=history.error,
                    )
                )
            else:
                notes.append(
                    Note(
                        S_(
                            "Git history is not available: submission dates are taken from "
                            "the files (not verified)."
                        )
                    )
                )
        elif sources.get("recorded") or sources.get("approved_on"):
            n = sources.get("recorded", 0) + sources.get("approved_on", 0)
            notes.append(
                Note(
                    *SN_(
                        "{n} report is not in Git history yet: its date is taken from its "
                        "file (not verified).",
                        "{n} reports are not in Git history yet: their dates are taken from "
                        "their files (not verified).",
                    ),
                    n=n,
                )
            )
    else:
        notes.append(
            Note(S_("Submission dates are taken from the files (not verified by Git history)."))
        )
    if sources.get("approved_on"):
        notes.append(
            Note(
                *SN_(
                    "{n} report has no submission date: its approval date is counted.",
                    "{n} reports have no submission date: their approval dates are counted.",
                ),
                n=sources["approved_on"],
            )
        )
    if undated:
        notes.append(
            Note(
                *SN_(
                    "{n} report without any date is not counted.",
                    "{n} reports without any date are not counted.",
                ),
                n=undated,
            )
        )
    if distrusted:
        notes.append(
            Note(
                *SN_(
                    "{n} report: the approval is not recognised, the merge time is counted.",
                    "{n} reports: the approval is not recognised, the merge time is counted.",
                ),
                n=distrusted,
            )
        )
    return tuple(notes)
