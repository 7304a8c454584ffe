"""The internal analytics build (`dap build --internal`): NACP's own view, never published.

Gather, then write: the data is validated and computed in memory, the tables are made, and only
then is the folder written (beside the output, then swapped in). One self-contained page
(`index.html` with plotly.js copied from the installed `plotly` package as a local asset, no
CDN) holds: reporting timeliness by executor and quarter as tables and charts with filters;
the lists for NACP's quarterly letters to executors who failed to report or were late; each
analyst's workload; the rosters with the III.15 rules checked; the audit trail of every
measure. Each table is also an XLSX download. Private data IS shown here (officials' names
with what they did, Git authors' e-mail addresses in the audit trail; roster e-mails and
phones are not, they stay in the encrypted contacts): the folder is git-ignored and must never
be copied into the public site.
"""
