"""Kernels of a report batch (issue 8): forked by the kernel factory, each as fresh as a new process, each
ending with the process that asked for it; the usual start when there is no factory. Starts kernels."""
import multiprocessing
import os
import time
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from conftest import write_folder
from relhealth.io import read_dataset
from relhealth.kernels import CONNECT_TIMEOUT, KernelFactory, Kernels, fork_kernel, supported
from relhealth.report import Pool, run_reports
from relhealth.settings import load_settings

pytestmark = pytest.mark.skipif(not supported(), reason="kernels are forked on Linux only")


def run_cells(km, *sources: str) -> list[str]:
    """Run code cells on the kernel of ``km`` and return what each printed; the run stops the kernel."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in sources])
    NotebookClient(nb, km=km, timeout=60, shutdown_kernel="immediate").execute()
    return ["".join(output.get("text", "") for output in cell.outputs) for cell in nb.cells]


@pytest.fixture(scope="module")
def factory(tmp_path_factory):
    started = KernelFactory.start(str(tmp_path_factory.mktemp("factory")), "tests")
    yield started
    started.close()


def test_a_forked_kernel_has_the_reports_modules_loaded_and_nothing_of_an_earlier_kernel(factory):
    kernels = Kernels(factory=factory.address)
    first = run_cells(kernels.take(), "import os, sys\nsecret = 'CANARY-1'\n"
                                      "print(os.getppid(), 'relhealth.pages' in sys.modules, os.environ['MPLBACKEND'])")
    parent, preloaded, backend = first[0].split()
    assert int(parent) == factory.process.pid           # forked by the factory, not started anew
    assert preloaded == "True"
    assert backend == "module://matplotlib_inline.backend_inline"
    second = run_cells(kernels.take(), "print('secret' in globals(), len(In))")
    assert second == ["False 2\n"]           # a new shell: its input history is '' and this cell


def test_a_figure_drawn_in_a_forked_kernel_reaches_the_notebook(factory):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import matplotlib.pyplot as plt\nplt.plot([1, 2])\nplt.show()")])
    NotebookClient(nb, km=Kernels(factory=factory.address).take(), timeout=60, shutdown_kernel="immediate").execute()
    assert any("image/png" in output.get("data", {}) for output in nb.cells[0].outputs)


def _ask_and_wait(address: str, connection_file: str, pipe) -> None:
    pipe.send(fork_kernel(address, ["-f", connection_file], None, None))
    time.sleep(600)


def alive(pid: int) -> bool:
    return Path(f"/proc/{pid}").exists()


def test_a_kernel_ends_with_the_process_that_asked_for_it(factory, tmp_path):
    from jupyter_client.connect import write_connection_file

    connection_file, _ = write_connection_file(str(tmp_path / "kernel.json"))
    here, there = multiprocessing.get_context("fork").Pipe()
    asker = multiprocessing.get_context("fork").Process(target=_ask_and_wait,
                                                        args=(factory.address, connection_file, there))
    asker.start()
    kernel = here.recv()
    time.sleep(0.5)
    assert alive(kernel)
    asker.kill()                                  # as the pool kills a process whose report overran
    asker.join()
    deadline = time.monotonic() + 5
    while alive(kernel) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(kernel)


def test_a_closed_pool_leaves_no_process_and_no_folder():
    pool = Pool(2, label="tests")
    processes = [slot.process for slot in pool.slots]
    assert len(processes) == 2 and pool.factory.process.poll() is None
    deadline = time.monotonic() + 30              # the factory listens once it has started
    while not Path(pool.factory.address).exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert Path(pool.factory.address).exists()
    pool.close()
    assert pool.factory.process.poll() is not None
    assert not any(process.is_alive() for process in processes)
    assert not Path(pool.folder).exists()


def test_without_its_factory_a_kernel_starts_the_usual_way(tmp_path, capfd):
    kernels = Kernels(factory=str(tmp_path / "no-such-factory.sock"))
    printed = run_cells(kernels.take(), "import os\nprint(os.getppid() == int(os.environ['JPY_PARENT_PID']))")
    assert printed == ["True\n"]                  # a child of this process, as jupyter_client starts it
    assert "note: kernel started the usual way (FileNotFoundError" in capfd.readouterr().err
    start = time.monotonic()
    assert run_cells(kernels.take(), "print(1)") == ["1\n"]
    assert time.monotonic() - start < CONNECT_TIMEOUT    # the next kernel does not wait for the factory again
    assert capfd.readouterr().err == ""


def test_a_run_without_a_factory_renders_the_same_pages(tmp_path):
    data = write_folder(tmp_path / "data", {
        "crm_activities.csv": "date,client,kind,subject\n2026-03-05,Acme,praise,Thanks\n",
        "time_entries.csv": "date,client,hours,task\n2026-03-02,Acme,2,Design\n"})
    dataset = read_dataset(data)
    with Pool(1, factory=False) as pool:
        assert pool.factory is None
        result = run_reports(dataset, load_settings(), "2026-03", tmp_path / "reports", progress=False, pool=pool)
    assert result.ok and sorted(p.name for p in result.folder.glob("*.html")) == ["acme.html", "index.html"]
    assert "Acme: relationship health, 2026-03" in (result.folder / "acme.html").read_text()
    assert sorted(os.listdir(result.folder)) == ["acme.html", "index.html"]     # no work folder left
