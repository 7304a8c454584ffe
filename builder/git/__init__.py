"""Git access, a module a job: the runner, refs, changed files and a commit's tree (`repo`), the
data at a commit read in memory (`load`), and history (`history`). Every Git command dap runs
is here."""
