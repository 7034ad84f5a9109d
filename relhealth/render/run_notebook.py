"""One report page: a notebook run through papermill on a Jupyter kernel of its own, exported without code
(:mod:`relhealth.render.export`) and written atomically. This runs in a process of the report pool."""
from __future__ import annotations

import os
import time
from dataclasses import dataclass

import papermill

from relhealth.render.atomic import write_text_atomic
from relhealth.render.export import export_page

#: Kernel start errors worth one retry (papermill issue 511).
KERNEL_START_ERRORS = ("Kernel didn't respond", "Address already in use", "Kernel died before replying")


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


@dataclass
class Outcome:
    name: str
    ok: bool
    seconds: float
    error: str = ""
    log: str = ""


def render_page(job: Job) -> Outcome:
    """Run ``job``'s notebook and, only when every cell succeeded, write its page. Everything the run prints
    (the kernel's own messages too) goes to the job's log. Retries once when the kernel fails to start."""
    start = time.monotonic()
    with open(job.log, "a", encoding="utf-8") as log:
        os.dup2(log.fileno(), 1)
        os.dup2(log.fileno(), 2)
        for attempt in (1, 2):
            try:
                nb = papermill.execute_notebook(
                    job.notebook, job.executed, parameters=job.parameters, kernel_name="python3",
                    progress_bar=False, request_save_on_cell_execute=False, execution_timeout=job.timeout,
                    start_timeout=min(60, job.timeout), shutdown_kernel="immediate")
                break
            except papermill.PapermillExecutionError as exc:
                return Outcome(job.name, False, time.monotonic() - start, f"{exc.ename}: {first_line(exc.evalue)}",
                               job.log)
            except Exception as exc:  # kernel start, dead kernel, cell time limit
                if attempt == 1 and any(text in str(exc) for text in KERNEL_START_ERRORS):
                    continue
                return Outcome(job.name, False, time.monotonic() - start,
                               f"{type(exc).__name__}: {first_line(exc)}", job.log)
    write_text_atomic(job.page, export_page(nb, job.title, job.log))
    return Outcome(job.name, True, time.monotonic() - start)


def first_line(text) -> str:
    lines = [line for line in str(text).strip().splitlines() if line.strip()]
    return lines[0] if lines else ""
