"""What a report run hands to its pool and gets back: a :class:`Job` (one notebook to run and render) and
its :class:`Outcome`, and :func:`render_page`, the pool's task, which runs the job in the pool process
(:mod:`relhealth.render.run_notebook`, imported there by the fork server).

This module imports neither papermill nor nbformat: the run's own process only schedules jobs. Importing
it makes jsonschema cheaper to import in this process (:func:`without_iri_grammar`); the pool's fork server
imports it before papermill.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass


@dataclass(frozen=True)
class Job:
    """One notebook to run and render. Only JSON types go into ``parameters``."""

    name: str                 # the client, or "the index page"
    notebook: str
    parameters: dict
    executed: str             # where papermill writes the executed notebook
    page: str                 # the page to write
    log: str                  # where the run's output goes
    title: str
    timeout: float
    ahead: bool = True        # start the next notebook's kernel while this one runs
    lang: str = "en"          # the page's language, for its <html lang>
    record: str = ""          # what the page is made from (relhealth.render.records)


@dataclass
class Outcome:
    name: str
    ok: bool
    seconds: float
    error: str = ""
    log: str = ""


def render_page(job: Job) -> Outcome:
    """Run ``job`` in this process (a process of the report pool)."""
    from relhealth.render import run_notebook

    return run_notebook.render_page(job)


def first_line(text) -> str:
    lines = [line for line in str(text).strip().splitlines() if line.strip()]
    return lines[0] if lines else ""


def without_iri_grammar() -> None:
    """Spare this process the second that importing jsonschema costs when ``rfc3987-syntax`` is installed
    (JupyterLab's dependencies install it): jsonschema then builds some 35 Earley parsers for the ``iri``
    formats at import (python-jsonschema/jsonschema#1428). nbformat, the only user of jsonschema in a run,
    validates notebooks with schemas that use no such format. For the run's own process and its pool, which
    run no user code; the kernels are left as they are."""
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)     # None in sys.modules: that import fails at once


without_iri_grammar()
