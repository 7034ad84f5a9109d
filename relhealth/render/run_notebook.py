"""One report page: a notebook run through papermill on a Jupyter kernel of its own, exported without code
(:mod:`relhealth.render.export`) and written atomically. This runs in a process of the report pool.

Each notebook has a kernel that runs that notebook only, forked by the run's kernel factory where there is
one (:mod:`relhealth.render.forked_kernels`), else started with the page modules imported (ipykernel's
``exec_lines``). The kernel of the next notebook is started while the current one runs, so that a page
does not wait for its kernel.
"""
from __future__ import annotations

import os
import signal
import subprocess
import time

import papermill
from jupyter_client import AsyncKernelManager
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_core.utils import run_sync
from traitlets import List

from relhealth.render.atomic import write_text_atomic
from relhealth.render.export import export_page
from relhealth.render.forked_kernels import KERNEL_NAME
from relhealth.render.jobs import Job, Outcome, first_line

#: Kernel start errors worth one retry (papermill issue 511).
KERNEL_START_ERRORS = ("Kernel didn't respond", "Address already in use", "Kernel died before replying")
#: What a kernel imports before it is given a notebook: the modules of both pages. Code only, no data.
PRELOAD = "import relhealth.render.client_page, relhealth.render.portfolio_page"


class PageKernel(AsyncKernelManager):
    """The kernel of one notebook. It keeps the clients it makes (nbclient makes one), so that they are
    closed with the kernel when the notebook is done: nbclient closes neither for a kernel it did not start."""

    made = List()

    def client(self, **kwargs):
        made = super().client(**kwargs)
        self.made.append(made)
        return made

    @classmethod
    def started(cls) -> PageKernel:
        if _forked_specs:
            km = cls(kernel_name=KERNEL_NAME, kernel_spec_manager=KernelSpecManager(kernel_dirs=[_forked_specs]))
            extra = []
        else:
            km, extra = cls(kernel_name="python3"), [f"--IPKernelApp.exec_lines={PRELOAD}"]
        # started while another notebook runs: its own output must not land in that notebook's log
        run_sync(km.start_kernel)(extra_arguments=extra, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return km

    def stop(self) -> None:
        """Close its clients and stop the kernel now, if it still runs. The kernel is killed and looked at
        every 5 ms until it has ended (jupyter_client looks every 0.1 s, a tenth of a second of every page),
        then shut down, which cleans up after it."""
        for made in self.made:
            made.stop_channels()
        try:
            if run_sync(self.is_alive)():
                run_sync(self.signal_kernel)(signal.SIGKILL)
                deadline = time.monotonic() + 1.0
                while run_sync(self.is_alive)() and time.monotonic() < deadline:
                    time.sleep(0.005)
                run_sync(self.shutdown_kernel)(now=True)
        except RuntimeError:        # no kernel, or already cleaned up
            pass


#: This process's kernel for its next notebook.
_next: PageKernel | None = None
#: The folder of the kernel spec of forked kernels, when the run has a kernel factory.
_forked_specs: str | None = None


def fork_kernels_with(specs: str | None) -> None:
    """Have this process's kernels forked through the kernel spec in ``specs`` (None: started the usual way)."""
    global _forked_specs
    _forked_specs = specs


def _kernel(ahead: bool) -> PageKernel:
    """The kernel started ahead (or a new one) for this notebook; the next one is started when ``ahead``."""
    global _next
    km, _next = _next or PageKernel.started(), None
    if ahead:
        _next = PageKernel.started()
    return km


def render_page(job: Job) -> Outcome:
    """Run ``job``'s notebook and, only when every cell succeeded, write its page. Everything the run prints
    goes to the job's log. Retries once when the kernel fails to start."""
    start = time.monotonic()
    with open(job.log, "a", encoding="utf-8") as log:
        os.dup2(log.fileno(), 1)
        os.dup2(log.fileno(), 2)
    for attempt in (1, 2):
        km = _kernel(job.ahead and attempt == 1)
        try:
            nb = papermill.execute_notebook(
                job.notebook, job.executed, parameters=job.parameters, kernel_name="python3", km=km,
                progress_bar=False, request_save_on_cell_execute=False, execution_timeout=job.timeout,
                start_timeout=min(60, job.timeout))
            break
        except papermill.PapermillExecutionError as exc:
            return Outcome(job.name, False, time.monotonic() - start, f"{exc.ename}: {first_line(exc.evalue)}",
                           job.log)
        except Exception as exc:  # kernel start, dead kernel, cell time limit
            if attempt == 1 and any(text in str(exc) for text in KERNEL_START_ERRORS):
                continue
            return Outcome(job.name, False, time.monotonic() - start, f"{type(exc).__name__}: {first_line(exc)}",
                           job.log)
        finally:
            km.stop()
    write_text_atomic(job.page, export_page(nb, job.title, job.log, job.lang, job.record))
    return Outcome(job.name, True, time.monotonic() - start)
