"""`make bench`: relhealth's costs against floors measured in the same run (issue 8, docs/performance.md).

Each figure is the median of ``--repeat`` runs (a month's run of every client, a minute or two, runs once), each
run a fresh process as a user would start it:

- ``relhealth score`` against the floor of pandas reading the same three CSVs with their dates parsed, and
  the peak memory of the score process;
- ``relhealth report`` per client (``--jobs 1``; the cost of one more client in a month's run of every
  client, so the reading and scoring done once per run is left out) against the floor of papermill
  executing a minimal notebook and nbconvert exporting it, in one long-lived process;
- ``relhealth report --client NAME`` of one client into an empty folder (its page and the index) against
  the same floor run by hand: the papermill command line, then ``jupyter nbconvert``;
- the same month's run with ``--jobs 2`` against ``--jobs 1``, the time to its first finished page against
  one more client's cost, and that run again on the folder it wrote (nothing changed, every page kept)
  against it;
- how the score grows from 100,000 to 1,000,000 time entries, and the month's run from 10 to 100 clients.

Data come from ``bench/scale.py`` (the sample's stories at scale) and are kept in ``bench/.data``.
"""
from __future__ import annotations

import argparse
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent

BIN = Path(sys.executable).parent
RELHEALTH = str(BIN / "relhealth")
FLOOR_READ = """
import sys, pandas as pd
folder = sys.argv[1]
pd.read_csv(f"{folder}/time_entries.csv", parse_dates=["date"], low_memory=False)
pd.read_csv(f"{folder}/crm_activities.csv", parse_dates=["date"], low_memory=False)
pd.read_csv(f"{folder}/invoices.csv", parse_dates=["issued", "due", "paid_on"], low_memory=False)
"""


def timed(command: list[str]) -> tuple[float, float]:
    """Wall-clock seconds and peak resident memory (GB) of one process."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) not in (0,):
        raise SystemExit(f"bench: {' '.join(command)} failed (exit {os.waitstatus_to_exitcode(status)})")
    return seconds, usage.ru_maxrss / 1024 ** 2


def median_of(command: list[str], repeat: int) -> tuple[float, float]:
    runs = [timed(command) for _ in range(repeat)]
    return statistics.median(r[0] for r in runs), max(r[1] for r in runs)


def agency(clients: int, entries: int, crm: int, invoices: int) -> Path:
    """The agency of this size in bench/.data, written when missing, by a process of its own: a process
    forked from one that held the agency's frames would report their memory as its own peak."""
    folder = HERE / ".data" / f"{clients}c-{entries}t-{crm}a-{invoices}i"
    if not (folder / "invoices.csv").exists():
        subprocess.run([sys.executable, "-m", "bench.scale", str(folder), "--clients", str(clients), "--time-entries",
                        str(entries), "--crm", str(crm), "--invoices", str(invoices)], check=True,
                       stdout=subprocess.DEVNULL, cwd=HERE.parent)
    return folder


def score(folder: Path, repeat: int) -> tuple[float, float, float]:
    """Seconds of ``relhealth score``, its peak memory in GB, and seconds of the read floor."""
    with tempfile.TemporaryDirectory() as tmp:
        seconds, memory = median_of([RELHEALTH, "score", str(folder), "--out", f"{tmp}/review.csv"], repeat)
    floor, _ = median_of([sys.executable, "-c", FLOOR_READ, str(folder)], repeat)
    return seconds, memory, floor


def report_batch(folder: Path, clients: list[str], jobs: int | None, repeat: int) -> float:
    """Median seconds of ``relhealth report`` of ``clients`` (all when empty) into an empty folder, with
    ``--jobs jobs`` (None: the command's own choice)."""
    runs = []
    for _ in range(repeat):
        out = Path(tempfile.mkdtemp())
        try:
            command = [RELHEALTH, "report", str(folder), "--out", str(out), *(["--jobs", str(jobs)] if jobs else [])]
            runs.append(timed(command + [a for c in clients for a in ("--client", c)])[0])
        finally:
            shutil.rmtree(out, ignore_errors=True)
    return statistics.median(runs)


def first_page(command: list[str], out: Path) -> tuple[float, float]:
    """Seconds until the run's first page is in its month folder (pages appear whole, by a rename), and
    until the run ends."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    first = None
    while process.poll() is None:
        if first is None and any(out.glob("*/*.html")):
            first = time.perf_counter() - start
        time.sleep(0.01)
    seconds = time.perf_counter() - start
    if process.returncode != 0:
        raise SystemExit(f"bench: {' '.join(command)} failed (exit {process.returncode})")
    return (first if first is not None else seconds), seconds


def unchanged_rerun(folder: Path, jobs: int) -> tuple[float, float, float]:
    """Seconds of a month's run of every client into an empty folder, until its first page and in all, and
    of the same run again into the folder it wrote, nothing changed (every page kept)."""
    out = Path(tempfile.mkdtemp())
    try:
        command = [RELHEALTH, "report", str(folder), "--out", str(out), "--jobs", str(jobs)]
        first, whole = first_page(command, out)
        return first, whole, timed(command)[0]
    finally:
        shutil.rmtree(out, ignore_errors=True)


def notebook_floor(repeat: int, by_hand: bool = False) -> float:
    output = subprocess.run([sys.executable, str(HERE / "floor_notebook.py"), str(max(repeat, 3)),
                             *(["--by-hand"] if by_hand else [])],
                            capture_output=True, text=True, check=True).stdout.split()
    return statistics.median(float(v) for v in output)


def line(label: str, value: str, against: str, ratio: float | None, target: str, ok: bool | None,
         unit: str = "x") -> str:
    verdict = "" if ok is None else ("ok" if ok else "MISSED")
    shown = "" if ratio is None else f"{ratio:6.2f}{unit}"
    return f"{label:<34} {value:>10}  {against:<44} {shown:>8}  {target:<14} {verdict}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make bench", description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=500)
    parser.add_argument("--time-entries", type=int, default=1_000_000)
    parser.add_argument("--crm", type=int, default=200_000)
    parser.add_argument("--invoices", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measurement (the median is shown)")
    parser.add_argument("--month-clients", type=int, default=100,
                        help="clients of the agency whose whole month the report lines render (its clients have as "
                             "many rows each as those of the scored agency)")
    parser.add_argument("--skip-growth", action="store_true", help="leave out the growth measurements")
    args = parser.parse_args(argv)
    print(f"relhealth bench: {args.clients:,} clients, {args.time_entries:,} time entries, {args.crm:,} CRM "
          f"activities, {args.invoices:,} invoices over 12 months; median of {args.repeat} runs; "
          f"{os.cpu_count()} cores; Python {sys.version.split()[0]}, pandas {pd.__version__}")
    folder = agency(args.clients, args.time_entries, args.crm, args.invoices)

    seconds, memory, read_floor = score(folder, args.repeat)
    print(line("score", f"{seconds:.2f} s", f"floor: pandas reads the CSVs {read_floor:.2f} s",
               seconds / read_floor, "<= 2x", seconds / read_floor <= 2))
    print(line("score peak memory", f"{memory:.2f} GB", "", None, "< 1.5 GB", memory < 1.5))

    # A month's reports: every client of an agency of --month-clients clients, each with as many rows as a
    # client of the scored agency. One more client costs (all - one) / (n - 1): the reading and scoring
    # done once per run is left out.
    n = args.month_clients
    def same_rows(clients: int) -> Path:
        return agency(clients, clients * args.time_entries // args.clients, clients * args.crm // args.clients,
                      clients * args.invoices // args.clients)
    month = same_rows(n)
    chosen = pd.read_csv(month / "clients.csv", dtype=str)["client"].tolist()[:1]
    one = report_batch(month, chosen, 1, args.repeat)
    all_one = report_batch(month, [], 1, 1)
    per_client = (all_one - one) / (n - 1)
    floor = notebook_floor(args.repeat)
    print(line("report, one more client (--jobs 1)", f"{per_client:.2f} s",
               f"floor: papermill + nbconvert {floor:.2f} s", per_client / floor, "<= 0.7x", per_client / floor <= 0.7))
    print(line(f"  (1 client: {one:.1f} s; all {n}: {all_one:.1f} s)", "", "", None, "", None))
    by_hand = notebook_floor(args.repeat, by_hand=True)
    alone = report_batch(month, chosen, None, args.repeat)
    print(line("report --client, one page", f"{alone:.2f} s", f"floor: papermill, nbconvert by hand {by_hand:.2f} s",
               alone / by_hand, "<= 0.4x", alone / by_hand <= 0.4))
    first, all_two, again = unchanged_rerun(month, 2)
    print(line(f"month of {n} clients, --jobs 2", f"{all_two:.1f} s", f"against --jobs 1: {all_one:.1f} s",
               all_one / all_two, ">= 1.7x", all_one / all_two >= 1.7))
    print(line("  its first page", f"{first:.2f} s", f"against one more client: {per_client:.2f} s",
               first / per_client, "<= 1.5x", first / per_client <= 1.5))
    print(line("the same month again, unchanged", f"{again:.1f} s", f"against its first run: {all_two:.1f} s",
               again / all_two, "<= 0.1x", again / all_two <= 0.1))

    if not args.skip_growth:
        small = agency(args.clients, args.time_entries // 10, args.crm // 10, args.invoices // 10)
        small_seconds, _, small_floor = score(small, args.repeat)
        growth = math.log(seconds / small_seconds, 10)
        print(line("score, 10x the rows", f"{small_seconds:.2f} -> {seconds:.2f} s",
                   f"floor {small_floor:.2f} -> {read_floor:.2f} s; exponent", growth, "<= 1 (linear)", growth <= 1.1, unit=" "))
        tenth = report_batch(same_rows(n // 10), [], 2, 1)
        growth = math.log(all_two / tenth, 10)
        print(line(f"report all, {n // 10} -> {n} clients", f"{tenth:.1f} -> {all_two:.1f} s", "--jobs 2; exponent",
                   growth, "<= 1 (linear)", growth <= 1.1, unit=" "))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
