"""``relhealth report``: score the month once, hand each client's notebook that client's report alone, run
the notebooks through papermill in a pool of processes with a time limit each (pebble), and write each
page atomically, then the index page (DESIGN section 7).

A client whose report fails (an error in a cell, a kernel that dies, a run past its time limit) does not
stop the others: it is named in the result and on the index page, and its log is kept in
``OUT/YYYY-MM/logs/``.
"""
from __future__ import annotations

import dataclasses
import itertools
import multiprocessing
import os
import shutil
import sys
import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import TimeoutError as TaskTimeout
from concurrent.futures import as_completed
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from pebble import ProcessExpired, ProcessPool

from relhealth.errors import UsageError
from relhealth.i18n import Words, localised, words
from relhealth.io import Dataset
from relhealth.render import forked_kernels
from relhealth.render.atomic import TEMP_SUFFIX, write_bytes_atomic, write_text_atomic
from relhealth.render.bundles import write_bundle
from relhealth.render.forked_kernels import KernelFactory
from relhealth.render.jobs import Job, Outcome, first_line, render_page
from relhealth.render.records import client_slices, page_record, recorder
from relhealth.render.review_csv import events_csv, review_to_csv
from relhealth.render.run_folders import end_with_parent, holding, uninterrupted, work_folder
from relhealth.render.slugs import assign_slugs
from relhealth.resources import BACKTEST_NOTEBOOK, CLIENT_NOTEBOOK, PORTFOLIO_NOTEBOOK
from relhealth.review import Scored, find_client, portfolio_of, report_of, review_clients, score
from relhealth.review.clients import ACTIVE_MONTHS, HISTORY_MONTHS
from relhealth.settings import Settings

#: Seconds one report may take, kernel start to page written, before it is stopped.
DEFAULT_TIMEOUT = 300
INDEX = "index.html"
LOGS = "logs"
NOTEBOOKS = "notebooks"
INDEX_JOB = "the index page"
#: The parameters each notebook must have: papermill only logs a misspelt one and runs with the default.
CLIENT_PARAMETERS = ["client", "month", "data", "config"]
PORTFOLIO_PARAMETERS = ["data", "month", "config", "pages", "failures", "tables"]
BACKTEST_PARAMETERS = ["data", "config"]
#: Where ``relhealth backtest`` writes: OUT/backtest/index.html and the panel beside it.
BACKTEST_FOLDER, BACKTEST_CSV = "backtest", "backtest.csv"
#: The tables written beside the pages: the month's review, and each client's events of the month.
REVIEW_CSV, EVENTS_CSV = "review.csv", "{slug}-events.csv"


@dataclass
class RunResult:
    """What a report run did: the month folder, the index page, each client's outcome."""

    folder: Path
    index: Path | None
    pages: dict[str, Path] = field(default_factory=dict)
    failures: dict[str, Outcome] = field(default_factory=dict)
    #: The pages whose record matched what they would be made from now: not rendered again.
    kept: dict[str, Path] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.failures and self.index is not None


# ----- the pool

def _worker_started(runtime: str, specs: str | None) -> None:
    """In each pool process: it ends when the fork server does (which ends with the run), kernels'
    connection files go to the pool's own folder, and kernels are forked by the run's factory when it has
    one."""
    from relhealth.render.run_notebook import fork_kernels_with

    end_with_parent()
    os.environ["JUPYTER_RUNTIME_DIR"] = runtime
    fork_kernels_with(specs)


def missing_parameters(notebook: str, names: list[str]) -> list[str]:
    """The names a notebook's parameters cell lacks (papermill only logs a misspelt parameter and runs with
    its default, which could be another client). Run in the pool, which has papermill imported."""
    import papermill

    known = set(papermill.inspect_notebook(notebook))
    return [name for name in names if name not in known]


class ReportPool:
    """At most ``size`` processes (default: the number of cores), each running one notebook at a time, on
    pebble's pool: a job past its time limit has its process stopped, a process that dies fails its job,
    and either is replaced by a fresh process.

    Make it before reading the data: the processes start while the data are read, from a fork server that
    imports papermill and nbconvert once (this process imports neither) and never holds any data; on Linux a
    kernel factory of the pool's own imports what a page needs meanwhile (:mod:`~relhealth.render.forked_kernels`).
    Kernels' connection files and the factory's socket live in a folder of the pool's own, removed when it
    closes.
    """

    def __init__(self, size: int | None = None):
        self.size = max(1, size or os.cpu_count() or 1)
        self.runtime = str(work_folder("kernels"))                      # 0700: this user's only
        self.factory = KernelFactory(self.runtime) if forked_kernels.supported() else None
        context = multiprocessing.get_context("forkserver" if sys.platform != "win32" else "spawn")
        if hasattr(context, "set_forkserver_preload"):
            context.set_forkserver_preload(["relhealth.render.jobs", "relhealth.render.pool_server"])
        self.pool = ProcessPool(max_workers=self.size, initializer=_worker_started, context=context,
                                initargs=(self.runtime, self.factory and self.factory.specs))
        self.notebooks = ((CLIENT_NOTEBOOK, CLIENT_PARAMETERS), (PORTFOLIO_NOTEBOOK, PORTFOLIO_PARAMETERS),
                          (BACKTEST_NOTEBOOK, BACKTEST_PARAMETERS))
        self.checks: list = []
        self.checked = False
        # the first tasks start the fork server and the processes, a few seconds; meanwhile this process
        # goes on (and reads the data)
        self.starting = threading.Thread(target=self._start, name="relhealth-pool-start", daemon=True)
        self.starting.start()

    def _start(self) -> None:
        self.checks = [self.pool.schedule(missing_parameters, args=(str(notebook), names))
                       for notebook, names in self.notebooks]

    def check_notebooks(self) -> None:
        """Stop the run, before any page, when a notebook lacks a parameter that the run passes. Called by
        :meth:`run` before its first job, so that the run reads and scores meanwhile."""
        if self.checked:
            return
        self.starting.join()
        for (notebook, _), check in zip(self.notebooks, self.checks):
            missing = check.result()
            if missing:
                raise UsageError(f"{notebook}: the parameters cell has no {', '.join(missing)}. Restore the "
                                 "notebook from git or add them to its cell tagged 'parameters'.")
        self.checked = True

    def __enter__(self) -> ReportPool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def run(self, jobs: Iterable[Job], count: int, on_done=None) -> dict[str, Outcome]:
        """Run the ``count`` jobs of ``jobs``, each as soon as it comes (the processes start on the first
        while the rest are prepared); ``on_done(outcome)`` is called as each finishes. Returns the outcomes
        by page. A process starts the kernel of its next notebook ahead, but for the last job it takes."""
        jobs = iter(jobs)
        head = list(itertools.islice(jobs, 1))      # prepared while the pool's processes start
        self.check_notebooks()
        last = count - self.size
        futures = {self.pool.schedule(render_page, args=(dataclasses.replace(job, ahead=i < last),),
                                      timeout=job.timeout): job for i, job in enumerate(itertools.chain(head, jobs))}
        outcomes = {}
        for future in as_completed(futures):
            job = futures[future]
            outcomes[job.page] = _outcome(job, future)
            if on_done:
                on_done(outcomes[job.page])
        return outcomes

    def close(self) -> None:
        """Stop the processes (one still busy is stopped, and its kernel ends with it) and remove the pool's
        folder; a second interrupt meanwhile waits for it."""
        with uninterrupted():
            self.starting.join()
            self.pool.stop()
            self.pool.join()
            if self.factory:
                self.factory.close()
            shutil.rmtree(self.runtime, ignore_errors=True)


def _outcome(job: Job, future) -> Outcome:
    """The outcome of a job's future: its own, or what stopped its process."""
    try:
        return future.result()
    except TaskTimeout:
        return Outcome(job.name, False, job.timeout, f"stopped after the time limit of {job.timeout:g} s", job.log)
    except ProcessExpired as exc:
        return Outcome(job.name, False, 0.0, f"the report process stopped unexpectedly (exit code {exc.exitcode})",
                       job.log)
    except Exception as exc:
        return Outcome(job.name, False, 0.0, f"{type(exc).__name__}: {first_line(exc)}", job.log)


# ----- the run

@dataclass(frozen=True)
class _Run:
    """Where a run's files go: the month folder, its work folder (bundles, executed notebooks, logs;
    removed at the end) and each client's file name."""

    month: pd.Period
    folder: Path
    work: Path
    slugs: dict[str, str]
    config: str | None
    timeout: float
    w: Words

    def job(self, name: str, stem: str, notebook: Path, title: str, record: str = "", **parameters) -> Job:
        return Job(name=name, notebook=str(self.notebook(notebook)),
                   parameters={"month": str(self.month), "config": self.config, **parameters},
                   executed=str(self.work / f"{stem}.ipynb"), page=str(self.folder / f"{stem}.html"),
                   log=str(self.work / f"{stem}.log"), title=title, timeout=self.timeout, lang=self.w.lang,
                   record=record)

    def notebook(self, template: Path) -> Path:
        return _in_language(template, self.w, self.work)


def _in_language(template: Path, w: Words, work: Path) -> Path:
    """The notebook to run: ``template`` itself in English, else its copy in the ``work`` folder with its
    explanations in ``w``'s language (written once)."""
    if w.english:
        return Path(template).resolve()
    copy = work / Path(template).name
    if not copy.exists():
        import nbformat

        notebook = localised(nbformat.read(str(template), as_version=4), Path(template).stem, w.lang)
        write_text_atomic(copy, nbformat.writes(notebook))
    return copy


def run_reports(dataset: Dataset, settings: Settings, month: str | pd.Period, out: str | Path,
                pool: ReportPool, clients: list[str] | None = None, timeout: float = DEFAULT_TIMEOUT,
                progress: bool = True, config: str | Path | None = None, keep_notebooks: bool = False,
                force: bool = False) -> RunResult:
    """Render the month's pages into ``out/YYYY-MM/``: one page per client (``clients``: the names to
    render, any spelling; default: every client of the month review) and ``index.html``, in ``pool``.

    The month is scored once; each client's notebook receives that client's report alone. ``config`` (the
    user's settings file) is named to the notebooks for the record. ``keep_notebooks`` keeps every executed
    notebook in ``out/YYYY-MM/notebooks/`` (failed ones are always kept in ``logs/``). A page whose record
    (:mod:`relhealth.render.records`) matches what it would be made from now is kept as it is, unless
    ``force``. Returns what was written, kept and what failed.
    """
    month = pd.Period(month, "M")
    in_review = review_clients(dataset, month)
    if not in_review:
        raise UsageError(f"no client has a record in the {ACTIVE_MONTHS} months up to {month}, and clients.csv "
                         f"lists none: there is no page to write. Check the exports in {dataset.folder} (relhealth "
                         "validate shows what was read), or give another --month.")
    chosen = _chosen(dataset, in_review, clients, month)
    folder = (Path(out) / str(month)).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    with holding(folder):
        return _run_reports(dataset, settings, month, folder, pool, in_review, chosen, timeout, progress, config,
                            keep_notebooks, force)


def _run_reports(dataset: Dataset, settings: Settings, month: pd.Period, folder: Path, pool: ReportPool,
                 in_review: list[str], chosen: list[str], timeout: float, progress: bool, config, keep_notebooks: bool,
                 force: bool) -> RunResult:
    """:func:`run_reports` once it holds the month ``folder``."""
    run = _Run(month=month, folder=folder, work=work_folder("work"),
               slugs=assign_slugs(dataset.client_names, taken=(INDEX.removesuffix(".html"), LOGS, NOTEBOOKS)),
               config=str(Path(config).resolve()) if config else None, timeout=timeout,
               w=words(settings["report"]["language"]))
    result = RunResult(folder=folder, index=None)
    slices = client_slices(dataset)
    client_record, portfolio_record = recorder(settings, CLIENT_NOTEBOOK), recorder(settings, PORTFOLIO_NOTEBOOK)
    records = {client: client_record("client", str(month), str(dataset.folder), client, slices.get(client, ""))
               for client in in_review}

    def unchanged(client: str) -> bool:
        page = folder / f"{run.slugs[client]}.html"
        return (not force and page_record(page) == records[client]
                and (folder / EVENTS_CSV.format(slug=run.slugs[client])).exists())
    result.kept = {client: folder / f"{run.slugs[client]}.html" for client in chosen if unchanged(client)}

    def index_record(pages: dict, failures: dict) -> str:
        notes = [str(note) for note in dataset.quality if note.client is None]
        in_slices = sorted((client, slices.get(client, "")) for client in in_review)
        return portfolio_record("index", str(month), str(dataset.folder), in_slices, pages, failures, notes)
    scored: list = []

    def whole() -> Scored:
        """The month scored for every client, once, with the review's CSV and the portfolio written."""
        if not scored:
            scored.append(score(dataset, settings, month, HISTORY_MONTHS))
            write_text_atomic(folder / REVIEW_CSV, review_to_csv(scored[0].review))
            write_bundle(portfolio_of(scored[0]), run.work / "portfolio.bundle")
        return scored[0]

    def report(client: str):
        """A client's report: from the whole month when it is scored, else from the client's slice alone
        (the run's first page, or every page when the index is kept and nothing else needs scoring); the
        two are the same report."""
        if scored:
            return report_of(scored[0], client)
        return report_of(score(dataset.for_client(client), settings, month, HISTORY_MONTHS), client)
    try:
        client_jobs = [run.job(client, run.slugs[client], CLIENT_NOTEBOOK,
                               run.w("client.page_title", client=client, month=run.w.month_short(month)),
                               record=records[client], client=client, data=str(run.work / f"{run.slugs[client]}.bundle"))
                       for client in chosen if client not in result.kept]
        index_kept = not force and page_record(folder / INDEX) == index_record(_index_pages(run, in_review, chosen, {}), {})
        if index_kept and not (folder / REVIEW_CSV).exists():
            whole()

        tables: dict[str, str] = {}

        def prepared() -> Iterator[Job]:
            """Each client's job once its report is written for its notebook (its events CSV is written
            beside its page once the page is)."""
            for job in client_jobs:
                made = report(job.name)
                write_bundle(made, job.parameters["data"])
                tables[job.name] = events_csv(made)
                yield job

        def page_done(outcome: Outcome) -> None:
            if outcome.ok and outcome.name in tables:
                write_text_atomic(folder / EVENTS_CSV.format(slug=run.slugs[outcome.name]), tables.pop(outcome.name))
        _run_all(run, pool, in_review, chosen, (client_jobs, prepared()), result, progress,
                 index_record if not force else None, whole, page_done)
        if keep_notebooks:
            _keep_notebooks(run, [*client_jobs, run.job(INDEX_JOB, "index", PORTFOLIO_NOTEBOOK, "")])
    finally:
        _clean_up(run.work, folder)
    return result


def _index_pages(run: _Run, in_review: list[str], chosen: list[str], failures: dict) -> dict[str, str]:
    """The pages the index links: every client of the review whose page this run renders (but those that
    failed) or an earlier run left in the month folder."""
    return {c: f"{run.slugs[c]}.html" for c in in_review if c not in failures
            and (c in chosen or (run.folder / f"{run.slugs[c]}.html").exists())}


def _chosen(dataset: Dataset, in_review: list[str], clients: list[str] | None, month: pd.Period) -> list[str]:
    """The clients whose pages to render: those named (any spelling), else every client of the review."""
    if not clients:
        return list(in_review)
    chosen = list(dict.fromkeys(find_client(dataset, name) for name in clients))
    missing = [name for name in chosen if name not in in_review]
    if missing:
        raise UsageError(f"{', '.join(missing)} has no record in the {ACTIVE_MONTHS} months up to {month} and is not "
                         "in clients.csv, so it has no report for that month.")
    return chosen


def _run_all(run: _Run, pool: ReportPool, in_review: list[str], chosen: list[str],
             jobs: tuple[list[Job], Iterator[Job]], result: RunResult, progress: bool, index_record=None,
             whole=None, page_done=None) -> None:
    """Render the client pages (``jobs``: each client's job, and the same as they are prepared; ``page_done``
    is called with each page's outcome) and the index beside them (as if every page succeeds); the index
    again, at the end, only when a page failed, so that it names the failure and links no missing page.
    The index is rendered into the work folder and put in the month folder last, once every page it links
    is there: a run cut short leaves no index that links a page never written. An index whose record
    (``index_record(pages, failures)``; None: render it anyway) is the same as what it would be made from
    now is kept, unless a page fails. ``whole()`` scores the month and writes the portfolio for the index,
    when it needs rendering."""
    client_jobs, prepared = jobs
    index = run.folder / INDEX

    def index_job(failures: dict[str, Outcome]) -> Job:
        pages = _index_pages(run, in_review, chosen, failures)
        failed = {name: outcome.error for name, outcome in failures.items()}
        job = run.job(INDEX_JOB, "index", PORTFOLIO_NOTEBOOK, run.w("portfolio.title", month=run.w.month_short(run.month)),
                      record=index_record(pages, failed) if index_record else "",
                      data=str(run.work / "portfolio.bundle"), pages=pages, failures=failed,
                      tables={"review": REVIEW_CSV, "events": {c: EVENTS_CSV.format(slug=run.slugs[c]) for c in pages}})
        return dataclasses.replace(job, page=str(run.work / INDEX))
    first = index_job({})
    kept = bool(first.record) and page_record(index) == first.record
    if kept and not client_jobs:
        result.index = index
        return

    def done(outcome: Outcome) -> None:
        bar.done(outcome)
        if page_done:
            page_done(outcome)
    def with_index() -> Iterator[Job]:
        """The first client's page (its report scored from its slice alone), then the index (the month
        scored for every client meanwhile), then the other pages: the first page starts before the month
        is scored."""
        yield from itertools.islice(prepared, 1)
        whole()
        yield first
        yield from prepared
    bar = _progress(len(client_jobs) + (not kept), progress, len(result.kept))
    outcomes = pool.run(prepared if kept else with_index(), len(client_jobs) + (not kept), on_done=done)
    if kept:
        outcomes[first.page] = Outcome(INDEX_JOB, True, 0.0)
    for job in client_jobs:
        outcome = outcomes[job.page]
        if outcome.ok:
            result.pages[job.name] = Path(job.page)
        else:
            result.failures[job.name] = _keep_log(job, outcome, run.folder / LOGS)
            Path(job.page).unlink(missing_ok=True)
    outcome = outcomes[first.page]
    if result.failures and outcome.ok:
        whole()
        bar.total += 1
        outcome = pool.run([index_job(result.failures)], 1, on_done=bar.done)[first.page]
    bar.close()
    if outcome.ok:
        if not kept or result.failures:
            write_bytes_atomic(index, Path(first.page).read_bytes())
        result.index = index
    else:           # an older index would link the pages that failed now
        index.unlink(missing_ok=True)
        result.failures[INDEX_JOB] = _keep_log(first, outcome, run.folder / LOGS)


@dataclass
class BacktestResult:
    """What ``relhealth backtest`` wrote: the panel's CSV, the page (None when it failed) and the failure."""

    csv: Path
    page: Path | None
    failure: Outcome | None = None


def run_backtest(dataset: Dataset, settings: Settings, out: str | Path, pool: ReportPool, first=None, last=None,
                 timeout: float = DEFAULT_TIMEOUT, config: str | Path | None = None) -> BacktestResult:
    """Replay the history (:func:`~relhealth.review.backtest.backtest`) and write ``out/backtest/``: the
    panel as ``backtest.csv`` (the review's columns, then ``churned`` and ``paid_late``) and the page,
    ``index.html``, from the backtest notebook run in ``pool`` on the report alone. A failed page keeps its
    log and notebook in ``out/backtest/logs/``."""
    from relhealth.review.backtest import backtest

    report = backtest(dataset, settings, first, last)
    folder = (Path(out) / BACKTEST_FOLDER).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    with holding(folder):
        return _run_backtest(report, settings, folder, pool, timeout, config)


def _run_backtest(report, settings: Settings, folder: Path, pool: ReportPool, timeout: float, config) -> BacktestResult:
    """:func:`run_backtest` once it holds ``folder``."""
    write_text_atomic(folder / BACKTEST_CSV, review_to_csv(report.panel))
    work = work_folder("work")
    w = words(settings["report"]["language"])
    try:
        write_bundle(report, work / "backtest.bundle")
        job = Job(name="the backtest page", notebook=str(_in_language(BACKTEST_NOTEBOOK, w, work)),
                  parameters={"data": str(work / "backtest.bundle"),
                              "config": str(Path(config).resolve()) if config else None},
                  executed=str(work / "backtest.ipynb"), page=str(folder / INDEX), log=str(work / "backtest.log"),
                  title=w("backtest.title.title"), timeout=timeout, ahead=False, lang=w.lang)
        outcome = pool.run([job], 1)[job.page]
        if outcome.ok:
            return BacktestResult(csv=folder / BACKTEST_CSV, page=Path(job.page))
        Path(job.page).unlink(missing_ok=True)
        return BacktestResult(csv=folder / BACKTEST_CSV, page=None, failure=_keep_log(job, outcome, folder / LOGS))
    finally:
        _clean_up(work, folder)


def _clean_up(work: Path, folder: Path) -> None:
    """Remove a run's work folder and any temporary file a write interrupted left in its output folder; a
    second interrupt meanwhile waits for it."""
    with uninterrupted():
        shutil.rmtree(work, ignore_errors=True)
        for temporary in folder.glob(f".*{TEMP_SUFFIX}"):
            temporary.unlink(missing_ok=True)


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


def _keep_notebooks(run: _Run, jobs: list[Job]) -> None:
    kept = run.folder / NOTEBOOKS
    kept.mkdir(exist_ok=True)
    for job in jobs:
        if Path(job.executed).exists():
            shutil.move(job.executed, kept / f"{Path(job.page).stem}.ipynb")


def _progress(total: int, enabled: bool, kept: int = 0):
    """The run's progress bar: pages done of those to render, with the pages kept and failed and tqdm's
    estimate of the time left; ``done(outcome)`` counts one."""
    from tqdm import tqdm

    bar = tqdm(total=total, desc="pages", unit="page", disable=not enabled, leave=False, file=sys.stderr)
    failed = []

    def done(outcome: Outcome) -> None:
        failed.extend([outcome.name] if not outcome.ok else [])
        bar.set_postfix(kept=kept, failed=len(failed), refresh=False)
        bar.update(1)
    bar.done = done
    return bar
