"""Signed submissions: the keys in the rosters and the signatures of a pull request's commits."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from .. import models as m
from ..datafile import kind_of
from ..errors import Problem, problem_params
from ..git.repo import git, paths_changed
from ..i18n import N_
from ..load import Dataset
from .permits import MONITORING

# Commits that bring monitoring records must be signed with a key registered for the person
# the record names (phased in by `programme.reporting.require_signatures`); Git reports each
# commit's signature with `git log --format=%G?`. A merge commit is judged like any other on
# the records whose content it made itself (a report added while resolving a merge).

SSH_KEY_RE = re.compile(r"^(ssh-|ecdsa-|sk-)[A-Za-z0-9@.-]+ [A-Za-z0-9+/=]+( .*)?$")
GPG_FPR_RE = re.compile(r"^[0-9A-Fa-f ]{40,50}$")


@dataclass(frozen=True)
class Signature:
    """A commit and what Git says of its signature (`%G?`, `%GS`, `%GF`, `%GP`)."""

    commit: str
    status: str  # G good, U good but key not registered, B bad, N none, E cannot check, X/Y/R
    signer: str  # SSH: the principal (a person id) from the allowed-signers file
    fingerprint: str
    primary: str
    subject: str
    paths: tuple[str, ...]


def ssh_keys(person: m.Person) -> list[str]:
    """The SSH public keys registered for a person."""
    return [k.strip() for k in person.signing_keys if SSH_KEY_RE.match(k.strip())]


def gpg_fingerprints(person: m.Person) -> list[str]:
    """The GPG key fingerprints registered for a person (spaces removed, upper case)."""
    return [
        k.replace(" ", "").upper()
        for k in person.signing_keys
        if GPG_FPR_RE.match(k.strip()) and len(k.replace(" ", "")) == 40
    ]


def all_people(data: Dataset) -> list[m.Person]:
    """Everyone in the rosters: NACP staff, then each executor's people."""
    return [*data.staff, *(p for ex in data.executors.values() for p in ex.people)]


def allowed_signers(data: Dataset) -> str:
    """Git's `gpg.ssh.allowedSignersFile` for the rosters: the principal is the person id."""
    lines = [f'{p.id} namespaces="git" {key}' for p in all_people(data) for key in ssh_keys(p)]
    return "".join(line + "\n" for line in lines)


def commit_signatures(
    repo: Path, base: str, head: str, data: Dataset, watched: Iterable[str] = ()
) -> list[Signature]:
    """Each commit on `head` since `base` that brings content, with its signature and the paths
    it brings: every path an ordinary commit touches; for a merge commit, the `watched` paths
    (the records the change brings) whose content the merge made itself — differing from each
    parent on the branch, and from `base` when a parent is not on it. A merge that only joins
    the work of others (updating the branch from main) brings nothing and is left out."""
    with tempfile.TemporaryDirectory(prefix="dap-sig-") as tmp:
        signers = Path(tmp) / "allowed_signers"
        signers.write_text(allowed_signers(data), encoding="utf-8")
        out = git(
            repo,
            "-c",
            f"gpg.ssh.allowedSignersFile={signers}",
            "log",
            "--diff-merges=off",
            "--no-renames",
            "--name-only",
            "-z",
            "--format=%x01%H%x1f%P%x1f%G?%x1f%GS%x1f%GF%x1f%GP%x1f%s",
            f"{base}..{head}",
        )
    commits: list[tuple[Signature, list[str]]] = []
    for chunk in out.split("\x01")[1:]:
        header, _, rest = chunk.partition("\0")
        fields = (header.split("\x1f", 6) + [""] * 7)[:7]
        sha, parent_list, status, signer, fpr, primary, subject = fields
        paths = tuple(p.strip("\n") for p in rest.split("\0") if p.strip("\n"))
        sig = Signature(sha, status, signer, fpr.upper(), primary.upper(), subject, paths)
        commits.append((sig, parent_list.split()))
    on_branch = {sig.commit for sig, _ in commits}
    wanted = set(watched)
    found: list[Signature] = []
    for sig, parents in commits:
        if len(parents) < 2:
            found.append(sig)
            continue
        sides = [p for p in parents if p in on_branch]
        if len(sides) < len(parents):
            sides.append(base)  # what the branch started from, for the parents that are not on it
        brought = set(wanted)
        for side in sides:
            if not brought:
                break
            brought &= paths_changed(repo, side, sig.commit)
        if brought:
            found.append(replace(sig, paths=tuple(sorted(brought))))
    return found


def _named_by(kind: str, key: str, data: Dataset) -> tuple[str, ...]:
    """The people a monitoring record names as its makers (whose signature is expected)."""
    if kind == "reports" and key in data.reports:
        r = data.reports[key]
        return tuple(dict.fromkeys((r.prepared_by, r.approved_by)))  # once if the same
    if kind == "assessments" and key in data.assessments:
        return (data.assessments[key].analyst,)
    if kind == "evaluations" and key in data.evaluations:
        return (data.evaluations[key].analyst,)
    return ()


# What is wrong with a commit's signature, by Git's `%G?` letter (II.3: submissions are
# signed with a personal key); "" when it is good and by a person the record names.
SIGNATURE_PROBLEMS = {
    "N": N_(
        "commit {commit} («{subject}») is not signed (II.3: submissions are signed with a "
        "personal key)"
    ),
    "B": N_(
        "commit {commit} has a bad signature (II.3: submissions are signed with a personal key)"
    ),
    "X": N_(
        "commit {commit}'s signature has expired (II.3: submissions are signed with a personal key)"
    ),
    "Y": N_(
        "commit {commit}'s signature was made by an expired key (II.3: submissions are signed "
        "with a personal key)"
    ),
    "R": N_(
        "commit {commit}'s signature uses a revoked key (II.3: submissions are signed with a "
        "personal key)"
    ),
}


def _signature_message(sig: Signature, signer: m.Person | None, named: tuple[str, ...]) -> str:
    """The message id of what is wrong with `sig` on a record naming `named` ("" if nothing)."""
    if sig.status in SIGNATURE_PROBLEMS:
        return SIGNATURE_PROBLEMS[sig.status]
    if sig.status == "E":
        if sig.fingerprint:
            return N_(
                "commit {commit}'s signature cannot be checked: its public key ({fingerprint}) "
                "is not available here (II.3: submissions are signed with a personal key)"
            )
        return N_(
            "commit {commit}'s signature cannot be checked: its public key is not available "
            "here (II.3: submissions are signed with a personal key)"
        )
    if signer is None:
        if sig.fingerprint:
            return N_(
                "commit {commit} is signed with a key registered for nobody ({fingerprint}) (II.3: "
                "submissions are signed with a personal key)"
            )
        return N_(
            "commit {commit} is signed with a key registered for nobody (II.3: submissions are "
            "signed with a personal key)"
        )
    if signer.id not in named:
        if len(named) > 1:
            return N_(
                "commit {commit} is signed by {signer}, but the record names {first} or "
                "{second} (II.3: submissions are signed with a personal key)"
            )
        return N_(
            "commit {commit} is signed by {signer}, but the record names {first} (II.3: "
            "submissions are signed with a personal key)"
        )
    return ""


def check_signatures(
    signatures: list[Signature], prefix: str, base: Dataset, head: Dataset, mode: str
) -> list[Problem]:
    """Commits touching monitoring records that are unsigned, or signed by someone the record
    does not name; errors when `mode` is 'enforce', warnings when 'warn', nothing when 'off'."""
    if mode == "off":
        return []
    severity = "error" if mode == "enforce" else "warning"
    by_fpr = {fpr: p for p in all_people(base) for fpr in gpg_fingerprints(p)}
    ids = {p.id: p for p in all_people(base)}
    problems: list[Problem] = []
    for sig in signatures:
        signer: m.Person | None = None
        if sig.status == "G" and sig.signer in ids:  # SSH: the principal is the person id
            signer = ids[sig.signer]
        elif sig.status in ("G", "U"):  # GPG: a good signature by a registered fingerprint
            signer = by_fpr.get(sig.fingerprint) or by_fpr.get(sig.primary)
        for path in sig.paths:
            rel = path[len(prefix) + 1 :] if prefix else path
            if prefix and not path.startswith(prefix + "/"):
                continue
            kind, key = kind_of(rel)
            if kind is None or kind.name not in MONITORING:
                continue
            named = _named_by(kind.name, key, head)
            if not named:  # deleted in the end: the deletion itself is refused elsewhere
                continue
            message = _signature_message(sig, signer, named)
            if not message:
                continue
            first, *rest = named
            problems.append(
                Problem(
                    path,
                    message=message,
                    hint=(
                        N_(
                            "sign it with the key registered for {first} or {second} in the "
                            "rosters (git commit --amend -S, see docs/guides/), or register the "
                            "key in signing_keys"
                        )
                        if rest
                        else N_(
                            "sign it with the key registered for {first} in the rosters (git "
                            "commit --amend -S, see docs/guides/), or register the key in "
                            "signing_keys"
                        )
                    ),
                    code="signature",
                    severity=severity,
                    params=problem_params(
                        {
                            "commit": sig.commit[:10],
                            "subject": sig.subject,
                            "fingerprint": sig.fingerprint,
                            "signer": signer.id if signer else "",
                            "first": first,
                            "second": rest[0] if rest else "",
                        }
                    ),
                )
            )
    return problems


def signature_mode(data: Dataset) -> str:
    """The repository's setting for signed submissions: 'off', 'warn' or 'enforce'."""
    if data.programme is None:
        return "warn"
    return data.programme.reporting.require_signatures
