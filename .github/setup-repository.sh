#!/usr/bin/env bash
# Sets up the GitHub repository the way the pull-request loop relies on (docs/workflow.md,
# "What the forge enforces"). Safe to run again: each step reads what is there and creates or
# updates it to match the JSON payloads in .github/setup/. Prints every call it makes.
#
#   .github/setup-repository.sh --repo OWNER/NAME --reviewer LOGIN [--reviewer LOGIN …] [--dry-run]
#
#   --repo       the repository (default: the one `gh repo view` sees from here)
#   --reviewer   a person who approves manual runs of the notify workflow (environment
#                notify-manual); at least one; usually the технічний адміністратор
#   --dry-run    read what is there and print what would change, change nothing
#
# Needs `gh` (logged in as a repository administrator) and `jq`.
#
# What it sets:
#   1. ruleset on main: pull requests only, no force-push or deletion; one approving review
#      by a code owner (CODEOWNERS), stale approvals dismissed on push, the most recent push
#      approved by someone other than its pusher, merge commits only (the approval trailers
#      live in the merge commit); the checks data, permissions (pr.yml) and test (ci.yml)
#      green, reported by GitHub Actions;
#   2. ruleset on notify-ledger: no deletion, no force-push (the ledger only grows);
#   3. Actions: the workflow token is read-only unless a job asks for more, and it may not
#      approve pull requests;
#   4. environments: notifications (its secrets reach only runs from main), notify-manual
#      (only from main, and a reviewer approves each manual run; not the person who started
#      it), github-pages (only from main).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
payloads="$here/setup"
repo=""
dry_run=0
reviewers=()

usage() { sed -n '2,26p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

while [ $# -gt 0 ]; do
  case "$1" in
    --repo) repo="${2:?--repo needs OWNER/NAME}"; shift 2 ;;
    --reviewer) reviewers+=("${2:?--reviewer needs a GitHub login}"); shift 2 ;;
    --dry-run) dry_run=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done

for tool in gh jq; do
  command -v "$tool" > /dev/null || { echo "$tool is needed" >&2; exit 2; }
done
if [ "${#reviewers[@]}" = 0 ]; then
  echo "at least one --reviewer is needed: manual notify runs wait for a reviewer" >&2
  exit 2
fi
if [ -z "$repo" ]; then
  repo="$(gh repo view --json nameWithOwner --jq .nameWithOwner)"
fi
if ! [[ "$repo" =~ ^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$ ]]; then
  echo "not a repository: $repo (OWNER/NAME)" >&2
  exit 2
fi

say() { printf '==> %s\n' "$*"; }

# A call that changes something: printed, and made unless --dry-run.
write() { # METHOD PATH [PAYLOAD]
  local method="$1" path="$2" payload="${3:-}"
  printf '    gh api --method %s %s%s\n' "$method" "$path" "${payload:+ --input ${payload#"$here"/}}"
  [ "$dry_run" = 1 ] && return 0
  if [ -n "$payload" ]; then
    gh api --method "$method" "$path" --input "$payload" > /dev/null
  else
    gh api --method "$method" "$path" > /dev/null
  fi
}

ruleset() { # PAYLOAD — create the ruleset of that name, or update it in place
  local payload="$1" name id
  name="$(jq -r .name "$payload")"
  id="$(gh api --paginate "repos/$repo/rulesets" \
    --jq ".[] | select(.name == $(jq -c .name "$payload")) | .id" | head -n 1)"
  if [ -n "$id" ]; then
    say "ruleset «$name»: exists (id $id), updated to match ${payload#"$here"/}"
    write PUT "repos/$repo/rulesets/$id" "$payload"
  else
    say "ruleset «$name»: created from ${payload#"$here"/}"
    write POST "repos/$repo/rulesets" "$payload"
  fi
}

environment() { # NAME PAYLOAD — the environment, deployable only from main
  local name="$1" payload="$2" have
  say "environment $name: only runs from main may use it"
  write PUT "repos/$repo/environments/$name" "$payload"
  # (in a dry run the environment may not exist yet: then it has no policy either)
  have="$(gh api "repos/$repo/environments/$name/deployment-branch-policies" \
    --jq '.branch_policies[] | select(.name == "main" and (.type // "branch") == "branch") | .id' \
    2> /dev/null || true)"
  if [ -n "$have" ]; then
    say "environment $name: branch policy main exists (id $have)"
  else
    say "environment $name: branch policy main added"
    write POST "repos/$repo/environments/$name/deployment-branch-policies" \
      "$payloads/branch-policy-main.json"
  fi
}

say "repository $repo$([ "$dry_run" = 1 ] && echo " (dry run: nothing is changed)")"

ruleset "$payloads/ruleset-main.json"
ruleset "$payloads/ruleset-notify-ledger.json"

say "Actions: read-only workflow token by default; workflows may not approve pull requests"
write PUT "repos/$repo/actions/permissions/workflow" "$payloads/actions-workflow-permissions.json"

environment notifications "$payloads/environment-main-only.json"
environment github-pages "$payloads/environment-main-only.json"

ids=()
for login in "${reviewers[@]}"; do
  id="$(gh api "users/$login" --jq .id)"
  [[ "$id" =~ ^[0-9]+$ ]] || { echo "no GitHub user $login" >&2; exit 1; }
  say "reviewer of manual notify runs: @$login (id $id)"
  ids+=("$id")
done
manual="$(mktemp)"
trap 'rm -f "$manual"' EXIT
jq --argjson ids "$(printf '%s\n' "${ids[@]}" | jq -s .)" \
  '.reviewers = [$ids[] | {type: "User", id: .}]' \
  "$payloads/environment-notify-manual.json" > "$manual"
environment notify-manual "$manual"

say "done"
