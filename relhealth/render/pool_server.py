"""What the report pool's fork server loads before it forks the pool's processes, once for all of them:
importing this module imports papermill (through :mod:`relhealth.render.run_notebook`, after
:mod:`relhealth.render.jobs` has made jsonschema cheap to import) and loads nbconvert's page templates by
exporting an empty notebook, 0.7 s that every process would otherwise spend on its first page. Nothing
here reads any data.
"""
from __future__ import annotations

import nbformat

from relhealth.render import jobs  # noqa: F401  (first: jsonschema without its IRI grammar)
from relhealth.render.export import export_page
from relhealth.render.run_notebook import render_page  # noqa: F401  (imported for the pool's processes)

export_page(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("relhealth")]), "relhealth")
