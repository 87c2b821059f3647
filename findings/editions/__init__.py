"""Report editions: the findings report as drafts that staff preview and reviewers publish,
and as published editions that never change.

Everything an edition shows comes from one `snapshot` (plain JSON data: the edition's
texts, its themes and agreed findings with their evidence counts and cleared quotes, its case
studies, and every figure's values). A draft's preview renders the snapshot of the data as it
is now; publishing renders the same snapshot once and stores the result, so the preview is
exactly what is published.

- `snapshot.py` — `build(edition)`: the data, from the same queries as the public pages and
  the API.
- `render.py` — the HTML of the edition's pages from a snapshot.
- `pdf.py` — the PDF from a snapshot (through `mash_survey.pdf`).
- `data.py` — the open data release (a zip of CSV files with a Frictionless
  `datapackage.json`) from a snapshot.
- `store.py` — every file stored once with its SHA-256 and listed in the manifest; reading
  and serving the stored files.
- `freeze.py` — publishing: the snapshot rendered to every file, stored, and the edition
  marked published.
- `checklist.py` — what blocks publication and what only warns.
- `diff.py` — what changed between two editions.
- `services.py` — drafting, review, publishing and amending, with their rules.
- `jobs.py` — publishing runs in a job: on the Redis queue when one is configured, otherwise
  at once.
"""
