"""Who may change what in a pull request: permits, signed submissions, CODEOWNERS, audit trail."""
