"""The site's search: records from the data, a Ukrainian stemmer, and the Pagefind index.

`entries.py` makes the search entries from the data in memory (measures, their reports' texts,
ОСР, executors, directions and problems), never from a parse of the generated pages;
`stems.py` is the Ukrainian stemmer they are indexed by, shared with the browser
(`dap-search.js`); `index.py` writes Pagefind's chunked static index of them (`pagefind/` in
the site) with each measure's reports' file beside it, through `service.py`
(`pagefind --service`), with where the chunks of its word list start (`chunks.py`: the
browser preloads every chunk a query's stem may need), and carries it over from the
previous site when it was made from the same entries (`seen.py`: its files as the last
build left them). The reports of the quarter
being reported on are not in it but in the daily index beside it (`site/daily.py`), so a day's
merged report leaves Pagefind's index as it was and a rebuild carries it over.
"""
