"""Faults in a report batch (issue 9): a kernel that dies, one that hangs past its time limit, an interrupt
in the middle, and client names that are hostile to file systems. Each run starts Jupyter kernels."""
import os
import re
import signal
import subprocess
import sys
import time
from html import escape
from pathlib import Path

import nbformat
import pytest
from conftest import write_folder

from relhealth.cli import main
from relhealth.render import batch as report_module
from relhealth.resources import CLIENT_NOTEBOOK

pytestmark = pytest.mark.slow

MONTH = "2026-03"


def clients_folder(base: Path, names: list[str]) -> Path:
    """A data folder with one praise and one hour of design for each client, in March 2026."""
    def quoted(name: str) -> str:
        return '"' + name.replace('"', '""') + '"'
    crm = "date,client,kind,subject\n" + "".join(f"2026-03-05,{quoted(n)},praise,Thanks\n" for n in names)
    hours = "date,client,hours,task\n" + "".join(f"2026-03-02,{quoted(n)},1,Design\n" for n in names)
    return write_folder(base / "data", {"crm_activities.csv": crm.encode(), "time_entries.csv": hours.encode()})


def notebook_with(folder: Path, source: str) -> Path:
    """The client notebook with one more cell, run right after the report is computed."""
    nb = nbformat.read(CLIENT_NOTEBOOK, as_version=4)
    nb.cells.insert(3, nbformat.v4.new_code_cell(source))
    path = folder / "faulty.ipynb"
    nbformat.write(nb, path)
    return path


def leftovers(folder: Path) -> list[str]:
    """Temporary files and work folders left in an output folder."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def assert_whole(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and text.endswith("</html>\n"), page


def test_a_kernel_that_dies_or_hangs_fails_only_its_page_and_a_second_run_completes_the_month(tmp_path, capsys,
                                                                                                 monkeypatch):
    data = clients_folder(tmp_path, ["Steady", "Dies", "Hangs"])
    out = tmp_path / "reports"
    faulty = notebook_with(tmp_path, "import os, time\n"
                                     "if report.client == 'Dies':\n    os._exit(1)\n"
                                     "if report.client == 'Hangs':\n    time.sleep(600)")
    monkeypatch.setattr(report_module, "CLIENT_NOTEBOOK", faulty)
    code = main(["report", str(data), "--out", str(out), "--month", MONTH, "--jobs", "2", "--timeout", "15"])
    folder = out / MONTH
    err = capsys.readouterr().err
    assert code == 1
    assert re.search(r"error: the report of Dies failed: DeadKernelError: Kernel died \(log: .*/logs/dies\.log\)", err)
    assert re.search(r"error: the report of Hangs failed: (CellTimeoutError|stopped after the time limit)", err)
    assert "(log: " + str(folder.resolve() / "logs" / "hangs.log") + ")" in err
    assert sorted(p.name for p in folder.glob("*.html")) == ["index.html", "steady.html"]
    assert_whole(folder / "steady.html")
    assert (folder / "logs" / "dies.log").read_text().startswith("Dies: DeadKernelError")
    assert leftovers(folder) == []
    index = (folder / "index.html").read_text()
    assert 'Dies <span class="failed">report failed</span>' in index
    assert 'Hangs <span class="failed">report failed</span>' in index

    monkeypatch.setattr(report_module, "CLIENT_NOTEBOOK", CLIENT_NOTEBOOK)
    assert main(["report", str(data), "--out", str(out), "--month", MONTH, "--jobs", "2"]) == 0
    assert sorted(p.name for p in folder.glob("*.html")) == ["dies.html", "hangs.html", "index.html", "steady.html"]
    assert "report failed" not in (folder / "index.html").read_text()
    for name in ("dies", "hangs"):
        assert f'href="{name}.html"' in (folder / "index.html").read_text()


def processes_of(marker: str) -> list[int]:
    """The processes whose environment holds ``marker``: a run's pool processes, the fork server they come
    from and every kernel they start inherit the environment of the run."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker.encode() in (entry / "environ").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_an_interrupt_leaves_whole_pages_no_temporary_file_and_no_kernel(tmp_path, signum):
    out = tmp_path / "reports"
    folder = out / "2026-10"
    command = [str(Path(sys.executable).with_name("relhealth")), "report", "--out", str(out), "--jobs", "2"]
    marker = f"RELHEALTH_TEST_RUN={tmp_path.name}"
    env = {**os.environ, "RELHEALTH_TEST_RUN": tmp_path.name}
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    deadline = time.monotonic() + 120
    while not list(folder.glob("*.html")) and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
    assert process.poll() is None, "the run ended before it could be interrupted"
    assert len(processes_of(marker)) >= 3             # the run, its pool processes and their kernels are found
    process.send_signal(signum)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130
    assert err.strip().endswith("interrupted: pages already written are whole; run the command again to "
                                "complete them.")
    assert "Traceback" not in err
    pages = sorted(folder.glob("*.html"))
    assert 1 <= len(pages) < 11                       # some pages, not all: the run was cut short
    for page in pages:
        assert_whole(page)
    assert_index_links_only_pages_on_disk(folder)
    assert leftovers(folder) == []
    deadline = time.monotonic() + 10                  # a kernel notices its parent is gone within a second
    while processes_of(marker) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert processes_of(marker) == []

    if signum == signal.SIGTERM:
        again = subprocess.run(command, capture_output=True, text=True, timeout=300)
        assert again.returncode == 0, again.stderr
        assert len(list(folder.glob("*.html"))) == 11        # the sample's 10 clients and the index
        assert leftovers(folder) == []


def assert_index_links_only_pages_on_disk(folder: Path) -> None:
    """The index is put in place last: after a run cut short there is none, or one that links only pages
    that are there."""
    index = folder / "index.html"
    if index.exists():
        links = re.findall(r'href="([^"#:]+\.html)"', index.read_text(encoding="utf-8"))
        assert links and all((folder / link).exists() for link in links), links


def test_a_run_killed_outright_leaves_no_process_and_only_whole_pages(tmp_path):
    """SIGKILL gives the run no chance to clean up: its pool processes end with the fork server, which ends
    with the run, kernels with the pool process that asked for them, the factory at the end of its input.
    The clients' reports and notebooks were never in the output folder, and the next run removes them."""
    out = tmp_path / "reports"
    folder = out / "2026-10"
    command = [str(Path(sys.executable).with_name("relhealth")), "report", "--out", str(out), "--jobs", "2"]
    marker = f"RELHEALTH_TEST_RUN={tmp_path.name}"
    env = {**os.environ, "RELHEALTH_TEST_RUN": tmp_path.name, "TMPDIR": str(tmp_path)}
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    deadline = time.monotonic() + 120
    while not list(folder.glob("*.html")) and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
    assert process.poll() is None, "the run ended before it could be killed"
    assert len(processes_of(marker)) >= 4
    private = tmp_path / f"relhealth-{os.getuid()}"
    assert sorted(p.name.split("-")[2] for p in private.glob(f"run-{process.pid}-*")) == ["kernels", "work"]
    process.kill()
    process.wait()
    time.sleep(5)
    assert processes_of(marker) == []
    names = sorted(p.name for p in folder.iterdir())
    assert names and not [n for n in names if n.startswith(".")]       # no work folder, no temporary file
    for page in folder.glob("*.html"):
        assert_whole(page)
    assert_index_links_only_pages_on_disk(folder)
    again = subprocess.run(command, capture_output=True, text=True, timeout=300, env=env)
    assert again.returncode == 0, again.stderr
    assert len(list(folder.glob("*.html"))) == 11
    assert list(private.glob("run-*")) == []                            # the killed run's folders removed


HOSTILE_NAMES = [
    "A/B Testing Co",
    "..",
    "CON",
    "Long " + "x" * 295,
    "Long " + "x" * 294 + "y",
    "!!!",
    "🚀🚀",
    "ООО «Ромашка»",
    "<b>Bold</b> & Co",
]


def snapshot(folder: Path) -> dict:
    """Every file of a folder with its bytes, modification time and permissions."""
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns, p.stat().st_mode) for p in sorted(folder.iterdir())}


def test_hostile_client_names_get_unique_readable_pages_inside_the_folder_and_the_links_resolve(tmp_path):
    data = clients_folder(tmp_path, HOSTILE_NAMES)
    before = snapshot(data)
    out = tmp_path / "reports"
    assert main(["report", str(data), "--out", str(out), "--month", MONTH, "--jobs", "2"]) == 0
    assert snapshot(data) == before                             # the inputs are read, never written
    folder = (out / MONTH).resolve()
    pages = [p for p in folder.rglob("*") if p.is_file()]
    assert all(p.parent == folder for p in pages)              # nothing outside, nothing in a sub-folder
    files = sorted(p.name for p in pages)
    names = [n for n in files if n.endswith(".html")]
    assert len(names) == len(HOSTILE_NAMES) + 1
    assert all(re.fullmatch(r"[a-z0-9][a-z0-9-]{0,69}\.html", n) for n in names), names
    assert {"a-b-testing-co.html", "con-client.html", "ooo-romashka.html",
            "b-bold-b-co.html", "index.html"} <= set(names)
    # beside each page its events as CSV, and the month's review table
    tables = [n for n in files if n.endswith(".csv")]
    assert sorted(tables) == sorted(["review.csv", *(n.replace(".html", "-events.csv") for n in names
                                                       if n != "index.html")])
    index = (folder / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'href="([^"]+)"', index)
    assert sorted(set(links)) == sorted(n for n in files if n != "index.html")
    for link in links:
        assert (folder / link).is_file()
    for name in HOSTILE_NAMES:
        assert f"<title>{escape(name)}: relationship health, {MONTH}</title>" in "".join(
            (folder / n).read_text(encoding="utf-8") for n in names)
