"""``relhealth report``: reads and scores once, writes each client's own slice, runs the report notebooks
through papermill in a bounded pool of processes, exports HTML without code and without anything fetched
from the network, writes every page atomically and builds the index page (DESIGN section 7).

A client whose report fails (an error in a cell, a kernel that dies, a run past its time limit) does not
stop the others: it is named in the result and on the index page, and its log is kept in
``OUT/YYYY-MM/logs/``.
"""
from __future__ import annotations

import functools
import hashlib
import multiprocessing
import os
import re
import shutil
import signal
import sys
import tempfile
import time
import traceback
import unicodedata
from dataclasses import dataclass, field
from multiprocessing.connection import wait
from pathlib import Path

import pandas as pd

from relhealth.errors import UsageError
from relhealth.export import export_page
from relhealth.files import TEMP_SUFFIX, write_text_atomic
from relhealth.io import Dataset
from relhealth.io.slices import write_slice
from relhealth.kernels import KernelFactory, Kernels
from relhealth.paths import CLIENT_NOTEBOOK, PORTFOLIO_NOTEBOOK
from relhealth.review import find_client, portfolio_report
from relhealth.settings import Settings

#: Seconds one report may take, kernel start to page written, before it is stopped.
DEFAULT_TIMEOUT = 300
#: Kernel start errors that are worth one retry (papermill issue 511).
KERNEL_START_ERRORS = ("Kernel didn't respond", "Address already in use", "Kernel died before replying")
INDEX = "index.html"
#: Where Jupyter writes kernels' connection files: each pool has its own, removed when it closes.
RUNTIME_DIR = "JUPYTER_RUNTIME_DIR"
LOGS = "logs"
NOTEBOOKS = "notebooks"
#: Longest slug before its hash, in characters.
SLUG_LENGTH = 60
_WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
_CYRILLIC = dict(zip(
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюяєіїґ",
    ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r", "s", "t", "u",
     "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya", "ye", "i", "yi", "g"]))


# ----- file names

def slugify(name: str) -> str:
    """A file name for a client: lower-case ASCII letters, digits and hyphens, Cyrillic transliterated,
    at most ``SLUG_LENGTH`` characters, never a name Windows reserves; ``client`` when nothing is left."""
    text = "".join(_CYRILLIC.get(ch, ch) for ch in unicodedata.normalize("NFKC", name).casefold())
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:SLUG_LENGTH].strip("-") or "client"
    return f"{slug}-client" if slug in _WINDOWS_RESERVED else slug


def assign_slugs(names: list[str]) -> dict[str, str]:
    """A unique slug per name. Names whose slugs collide all get a short hash of the name, so a client's
    slug depends only on the names it collides with, not on their order."""
    slugs = {name: slugify(name) for name in names}
    counts = pd.Series(list(slugs.values())).value_counts()
    for name, slug in slugs.items():
        if counts[slug] > 1 or slug in (INDEX.removesuffix(".html"), LOGS, NOTEBOOKS):
            digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]
            slugs[name] = f"{slug}-{digest}"
    return slugs


# ----- the jobs

@dataclass(frozen=True)
class Job:
    """One notebook to run and render. Only JSON types go into ``parameters``."""

    name: str                 # the client, or "portfolio"
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


@dataclass
class RunResult:
    """What a report run did: the month folder, the index page, each client's outcome."""

    folder: Path
    index: Path | None
    pages: dict[str, Path] = field(default_factory=dict)
    failures: dict[str, Outcome] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.failures and self.index is not None


@functools.cache
def _papermill():
    """papermill, with the engine :data:`WARM_ENGINE` registered. nbformat imports
    jsonschema, which builds the grammar of rfc3987_syntax (a jupyterlab dependency) for an IRI format check
    that nbformat never makes: 0.7 s of each run's start-up. That module is kept out of this process unless
    something already loaded it. Done once per process (pool processes inherit it)."""
    sys.modules.setdefault("rfc3987_syntax", None)
    import papermill
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.log import logger

    class WarmEngine(NBClientEngine):
        """papermill's nbclient engine on the kernel of ``km`` (started ahead by :class:`Kernels`), which it
        stops, with its client, when the notebook is done."""

        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None,
                                     stderr_file=None, start_timeout=60, execution_timeout=None, **kwargs):
            kwargs.pop("input_path", None)
            client = PapermillNotebookClient(nb_man, timeout=execution_timeout, startup_timeout=start_timeout,
                                             kernel_name=kernel_name, log=logger, log_output=log_output,
                                             stdout_file=stdout_file, stderr_file=stderr_file, **kwargs)
            return client.execute(cleanup_kc=True)

    papermill_engines.register(WARM_ENGINE, WarmEngine)
    return papermill


WARM_ENGINE = "relhealth-warm"


def render_notebook(job: Job, kernels: Kernels | None = None, ahead: bool = True) -> Outcome:
    """Run ``job``'s notebook with papermill and, only when every cell succeeded, write its page.
    Retries once when the kernel fails to start. The kernel comes from ``kernels`` when given (started
    ahead; and the next one is, unless ``ahead`` is false), and is stopped at once when the notebook is
    done: a kernel that ignores the shutdown request would otherwise keep the page waiting about 3 s."""
    papermill = _papermill()

    start = time.monotonic()
    for attempt in (1, 2):
        engine = {}
        if kernels:
            engine = {"engine_name": WARM_ENGINE, "km": kernels.take()}
            if kernels.early and ahead:
                kernels.prepare()

        try:
            nb = papermill.execute_notebook(
                job.notebook, job.executed, parameters=job.parameters, kernel_name="python3",
                progress_bar=False, request_save_on_cell_execute=False, execution_timeout=job.timeout,
                start_timeout=min(60, job.timeout), shutdown_kernel="immediate", **engine)
            break
        except papermill.PapermillExecutionError as exc:
            return Outcome(job.name, False, time.monotonic() - start, f"{exc.ename}: {_first_line(exc.evalue)}",
                           job.log)
        except Exception as exc:  # kernel start, dead kernel, cell time limit
            if "km" in engine:
                Kernels.stop(engine["km"])      # a kernel that failed to start is not left running
            if attempt == 1 and any(text in str(exc) for text in KERNEL_START_ERRORS):
                continue
            return Outcome(job.name, False, time.monotonic() - start, f"{type(exc).__name__}: {_first_line(exc)}",
                           job.log)
    if kernels and ahead:
        kernels.prepare()
    write_text_atomic(job.page, export_page(nb, job.title, job.log))
    return Outcome(job.name, True, time.monotonic() - start)


def _first_line(text) -> str:
    lines = [line for line in str(text).strip().splitlines() if line.strip()]
    return lines[0] if lines else ""


# ----- the pool

def _worker(connection, early: bool, factory: str | None, runtime: str) -> None:
    """A pool process: runs the jobs it receives, one at a time, and sends back their outcomes. Each job
    comes with whether more may follow, so that no kernel is started ahead for nothing."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)       # the parent decides what an interrupt stops
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    os.environ[RUNTIME_DIR] = runtime                  # kernels' connection files, removed with the pool
    kernels = Kernels(early, factory)
    kernels.prepare()
    while True:
        try:
            job, more = connection.recv()
        except EOFError:
            job, more = None, False
        if job is None:
            kernels.close()
            return
        # everything the run prints, the kernel's own messages included, goes to the job's log
        with open(job.log, "a", encoding="utf-8") as log:
            os.dup2(log.fileno(), 1)
            os.dup2(log.fileno(), 2)
            try:
                outcome = render_notebook(job, kernels, ahead=more)
                if more:
                    kernels.prepare()
            except BaseException:
                log.write(traceback.format_exc())
                outcome = Outcome(job.name, False, 0.0, f"{sys.exc_info()[0].__name__}: {_first_line(sys.exc_info()[1])}",
                                  job.log)
            sys.stdout.flush()
            sys.stderr.flush()
        connection.send(outcome)


@dataclass
class _Slot:
    process: multiprocessing.Process
    connection: object
    job: Job | None = None
    deadline: float = 0.0
    started: float = 0.0


class Pool:
    """At most ``size`` processes (default: the number of cores), each running one notebook at a time. A job past its time limit has its
    process killed; a process that dies fails its job; both are replaced by a fresh process.

    Create the pool before reading the data: its processes (forked after papermill is imported, so
    none pays for that import again) start their first kernels meanwhile, and none of them ever holds
    the data of a client it does not render. Each process starts the kernel of its next notebook ahead
    (:class:`Kernels`): while the current notebook runs when kernels are forked or the pool leaves a
    core free for that. Kernels are forked by a :class:`KernelFactory` of the pool's own, unless
    ``factory`` is false or kernels cannot be forked here; ``label`` names what the pool is for in a
    ``ps`` listing. Connection files and the factory's socket live in a folder of the pool's own,
    removed when it closes.
    """

    def __init__(self, size: int | None = None, factory: bool = True, label: str = ""):
        _papermill()
        self.size = max(1, size or os.cpu_count() or 1)
        self.folder = tempfile.mkdtemp(prefix="relhealth-kernels-")     # 0700: this user's only
        self.factory = KernelFactory.start(self.folder, label) if factory else None
        self.context = multiprocessing.get_context("fork")
        self.slots: list[_Slot] = []
        try:
            for _ in range(min(self.size, os.cpu_count() or 1)):
                self.slots.append(self._start())
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _start(self) -> _Slot:
        parent, child = self.context.Pipe()
        # a forked kernel costs little: start it while the current notebook runs even when no core is free
        early = self.factory is not None or self.size < (os.cpu_count() or 1)
        process = self.context.Process(target=_worker, args=(child, early,
                                                             self.factory and self.factory.address,
                                                             self.folder), daemon=True)
        process.start()
        child.close()
        return _Slot(process, parent)

    def run(self, jobs: list[Job], on_done=None) -> dict[str, Outcome]:
        """Run every job; ``on_done(outcome)`` is called as each finishes. Returns the outcomes by name."""
        pending = list(jobs)
        outcomes: dict[str, Outcome] = {}
        while len(self.slots) < min(self.size, len(pending)):
            self.slots.append(self._start())
        while pending or any(slot.job for slot in self.slots):
            for slot in self.slots:
                if slot.job is None and pending:
                    slot.job = pending.pop(0)
                    slot.started = time.monotonic()
                    slot.deadline = slot.started + slot.job.timeout
                    slot.connection.send((slot.job, bool(pending)))
            busy = [slot for slot in self.slots if slot.job]
            nearest = min(slot.deadline for slot in busy)
            ready = wait([slot.connection for slot in busy] + [slot.process.sentinel for slot in busy],
                         timeout=max(0.0, nearest - time.monotonic()))
            for index, slot in enumerate(self.slots):
                if slot.job is None:
                    continue
                outcome = None
                if slot.connection in ready:
                    try:
                        outcome = slot.connection.recv()
                    except (EOFError, OSError):
                        outcome = None
                if outcome is None and (slot.process.sentinel in ready or slot.connection in ready):
                    slot.process.join(1)
                    outcome = Outcome(slot.job.name, False, time.monotonic() - slot.started,
                                      f"the report process stopped unexpectedly (exit code {slot.process.exitcode})",
                                      slot.job.log)
                    self.slots[index] = slot = self._replace(slot)
                elif outcome is None and time.monotonic() >= slot.deadline:
                    outcome = Outcome(slot.job.name, False, time.monotonic() - slot.started,
                                      f"stopped after the time limit of {slot.job.timeout:g} s", slot.job.log)
                    self.slots[index] = slot = self._replace(slot)
                if outcome is not None:
                    outcomes[outcome.name] = outcome
                    slot.job = None
                    if on_done:
                        on_done(outcome)
        return outcomes

    def _replace(self, slot: _Slot) -> _Slot:
        _kill(slot.process)
        return self._start()

    def close(self) -> None:
        """Stop the processes (a process still busy is killed, and its kernel ends with it), the factory,
        and remove the pool's folder."""
        for slot in self.slots:
            if slot.job is None and slot.process.is_alive():
                try:
                    slot.connection.send((None, False))
                except OSError:
                    pass
        deadline = time.monotonic() + 2
        for slot in self.slots:
            slot.process.join(max(0.0, deadline - time.monotonic()) if slot.job is None else 0)
            _kill(slot.process)
        self.slots = []
        if self.factory:
            self.factory.close()
        shutil.rmtree(self.folder, ignore_errors=True)


def _kill(process: multiprocessing.Process) -> None:
    if process.is_alive():
        process.kill()
    process.join(5)


# ----- the run

def run_reports(dataset: Dataset, settings: Settings, month: str | pd.Period, out: str | Path,
                clients: list[str] | None = None, jobs: int | None = None, timeout: float = DEFAULT_TIMEOUT,
                progress: bool = True, config: str | Path | None = None, keep_notebooks: bool = False,
                client_notebook: str | Path | None = None, portfolio_notebook: str | Path | None = None,
                pool: Pool | None = None) -> RunResult:
    """Render the month's pages into ``out/YYYY-MM/``: one page per client (``clients``: the names to
    render, any spelling; default: every client of the month review) and ``index.html``.

    ``config`` is the user's settings file, handed to each notebook so that it scores with the same
    settings. ``keep_notebooks`` keeps every executed notebook in ``out/YYYY-MM/notebooks/`` (failed ones
    are always kept in ``logs/``). The notebooks run in ``pool`` (create it before reading the data: it
    gets ready meanwhile); without one, the run makes its own of ``jobs`` processes (default: the
    number of cores). Returns what was written and what failed.
    """
    if pool is None:
        with Pool(jobs, label=str(Path(out).resolve())) as own:
            return run_reports(dataset, settings, month, out, clients, jobs, timeout, progress, config,
                               keep_notebooks, client_notebook, portfolio_notebook, pool=own)
    client_notebook = client_notebook or CLIENT_NOTEBOOK
    portfolio_notebook = portfolio_notebook or PORTFOLIO_NOTEBOOK
    month = pd.Period(month, "M")
    portfolio = portfolio_report(dataset, settings, month)
    in_review = portfolio.table["client"].tolist()
    if clients:
        chosen = [find_client(dataset, name) for name in clients]
        missing = [name for name in chosen if name not in in_review]
        if missing:
            raise UsageError(f"{', '.join(missing)} has no record in the 12 months up to {month} and is not in "
                             "clients.csv, so it has no report for that month.")
        chosen = list(dict.fromkeys(chosen))
    else:
        chosen = in_review
    slugs = assign_slugs(dataset.client_names)
    folder = Path(out) / str(month)
    logs = folder / LOGS
    _check_parameters(client_notebook, ["client", "month", "data", "config"])
    _check_parameters(portfolio_notebook, ["data", "month", "config"])
    folder.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".relhealth-work-", dir=folder))
    parameters = {"month": str(month), "config": str(Path(config).resolve()) if config else None}
    result = RunResult(folder=folder.resolve(), index=None)
    try:
        client_jobs = []
        for client in chosen:
            slug = slugs[client]
            data = work / f"{slug}.slice"
            write_slice(dataset.for_client(client), data)
            client_jobs.append(Job(
                name=client, notebook=str(Path(client_notebook).resolve()),
                parameters={**parameters, "client": client, "data": str(data)},
                executed=str(work / f"{slug}.ipynb"), page=str(folder.resolve() / f"{slug}.html"),
                log=str(work / f"{slug}.log"), title=f"{client}: relationship health, {month}", timeout=timeout))
        index_job = Job(name="portfolio", notebook=str(Path(portfolio_notebook).resolve()),
                        parameters={**parameters, "data": str(work / "portfolio.slice")},
                        executed=str(work / "portfolio.ipynb"), page=str(folder.resolve() / INDEX),
                        log=str(work / "portfolio.log"), title=f"Client portfolio, {month}", timeout=timeout)
        # The index is rendered alongside the client pages, as if they all succeed; it is rendered again,
        # at the end, only when one fails.
        _link_pages(portfolio, in_review, folder, slugs, rendered=set(chosen), failures={})
        write_slice(portfolio, index_job.parameters["data"])
        bar = _progress(len(client_jobs) + 1, progress)
        outcomes = pool.run([index_job, *client_jobs], on_done=lambda _: bar.update(1))
        for job in client_jobs:
            outcome = outcomes[job.name]
            if outcome.ok:
                result.pages[job.name] = Path(job.page)
            else:
                result.failures[job.name] = _keep_log(job, outcome, logs)
                Path(job.page).unlink(missing_ok=True)
        outcome = outcomes[index_job.name]
        if result.failures and outcome.ok:
            _link_pages(portfolio, in_review, folder, slugs, rendered=set(result.pages), failures=result.failures)
            write_slice(portfolio, index_job.parameters["data"])
            bar.total += 1
            outcome = pool.run([index_job])[index_job.name]
            if not outcome.ok:      # never leave the first index, which links the failed pages
                Path(index_job.page).unlink(missing_ok=True)
            bar.update(1)
        bar.close()
        if outcome.ok:
            result.index = Path(index_job.page)
        else:
            result.failures["the index page"] = _keep_log(index_job, outcome, logs)
        if keep_notebooks:
            kept = folder / NOTEBOOKS
            kept.mkdir(exist_ok=True)
            for job in [*client_jobs, index_job]:
                if Path(job.executed).exists():
                    shutil.move(job.executed, kept / f"{Path(job.page).stem}.ipynb")
    finally:
        shutil.rmtree(work, ignore_errors=True)
        for temporary in folder.glob(f".*{TEMP_SUFFIX}"):
            temporary.unlink(missing_ok=True)
    return result


def _link_pages(portfolio, in_review: list[str], folder: Path, slugs: dict[str, str], rendered: set[str],
                failures: dict[str, Outcome]) -> None:
    """Point the portfolio at the client pages it can link: those ``rendered`` in this run and those an
    earlier run left in ``folder``; none of a client whose page ``failures`` has."""
    portfolio.pages = {}
    for client in in_review:
        page = folder / f"{slugs[client]}.html"
        if client not in failures and (client in rendered or page.exists()):
            portfolio.pages[client] = page.name
    portfolio.failures = {name: outcome.error for name, outcome in failures.items()}


def _check_parameters(notebook: str | Path, names: list[str]) -> None:
    """Every parameter we pass must exist in the notebook: papermill only logs a misspelt one and runs
    with the default, which could be another client."""
    known = set(_papermill().inspect_notebook(str(notebook)))
    unknown = [name for name in names if name not in known]
    if unknown:
        raise UsageError(f"{notebook}: the parameters cell has no {', '.join(unknown)}. Restore the notebook "
                         "from git or add them to its cell tagged 'parameters'.")


def _keep_log(job: Job, outcome: Outcome, logs: Path) -> Outcome:
    """Move a failed job's log and executed notebook to ``logs/`` and point the outcome at them."""
    logs.mkdir(exist_ok=True)
    stem = Path(job.page).stem
    log = logs / f"{stem}.log"
    text = Path(job.log).read_text(encoding="utf-8", errors="replace") if Path(job.log).exists() else ""
    write_text_atomic(log, f"{job.name}: {outcome.error}\n\n{text}")
    if Path(job.executed).exists():
        shutil.move(job.executed, logs / f"{stem}.ipynb")
    outcome.log = str(log)
    return outcome


def _progress(total: int, enabled: bool):
    from tqdm import tqdm

    tqdm.monitor_interval = 0   # no monitor thread: pool processes are forked from this one
    return tqdm(total=total, desc="reports", unit="page", disable=not enabled, leave=False, file=sys.stderr)
