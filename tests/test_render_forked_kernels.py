"""Kernels forked by a run's kernel factory (relhealth.render.forked_kernels), through the provisioner that
jupyter_client finds by its entry point: each as fresh as a new process, each ending with the process that
asked for it; the usual start when the factory cannot be reached. These tests start kernels."""
import multiprocessing
import time
from pathlib import Path

import nbformat
import pytest
from jupyter_client.connect import write_connection_file
from nbclient import NotebookClient

from relhealth.render import run_notebook
from relhealth.render.batch import ReportPool
from relhealth.render.forked_kernels import KernelFactory, fork_kernel, supported

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not supported(), reason="kernels are forked on Linux only")]


def run_cells(*sources: str) -> list[str]:
    """Run code cells on a page's kernel, as a report's notebook runs, and return what each printed."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in sources])
    km = run_notebook.PageKernel.started()
    try:
        NotebookClient(nb, km=km, timeout=60).execute()
    finally:
        km.stop()
    return ["".join(output.get("text", "") for output in cell.outputs) for cell in nb.cells]


@pytest.fixture(scope="module")
def factory(tmp_path_factory):
    started = KernelFactory(str(tmp_path_factory.mktemp("factory")))
    run_notebook.fork_kernels_with(started.specs)
    yield started
    run_notebook.fork_kernels_with(None)
    started.close()


def test_a_forked_kernel_has_the_page_modules_loaded_and_nothing_of_an_earlier_kernel(factory):
    first = run_cells("import os, sys\nsecret = 'CANARY-1'\n"
                      "print(os.getppid(), 'relhealth.render.client_page' in sys.modules, os.environ['MPLBACKEND'])")
    parent, preloaded, backend = first[0].split()
    assert int(parent) == factory.process.pid           # forked by the factory, not started anew
    assert preloaded == "True"
    assert backend == "module://matplotlib_inline.backend_inline"
    assert run_cells("print('secret' in globals(), len(In))") == ["False 2\n"]    # a new shell: '' and this cell


def test_a_figure_drawn_in_a_forked_kernel_reaches_the_notebook(factory):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import matplotlib.pyplot as plt\nplt.plot([1, 2])\nplt.show()")])
    km = run_notebook.PageKernel.started()
    try:
        NotebookClient(nb, km=km, timeout=60).execute()
    finally:
        km.stop()
    assert any("image/png" in output.get("data", {}) for output in nb.cells[0].outputs)


def _ask_and_wait(address: str, connection_file: str, pipe) -> None:
    pipe.send(fork_kernel(address, ["-f", connection_file], None, None))
    time.sleep(600)


def alive(pid: int) -> bool:
    return Path(f"/proc/{pid}").exists()


def test_a_kernel_ends_with_the_process_that_asked_for_it(factory, tmp_path):
    connection_file, _ = write_connection_file(str(tmp_path / "kernel.json"))
    here, there = multiprocessing.get_context("fork").Pipe()
    asker = multiprocessing.get_context("fork").Process(target=_ask_and_wait,
                                                        args=(factory.address, connection_file, there))
    asker.start()
    kernel = here.recv()
    assert alive(kernel)
    asker.kill()                                  # as the pool kills a process whose report overran
    asker.join()
    deadline = time.monotonic() + 5
    while alive(kernel) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(kernel)


def test_without_its_factory_a_kernel_starts_the_usual_way(tmp_path, capfd):
    unreachable = KernelFactory(str(tmp_path))
    unreachable.close()                           # its kernel spec stays, its socket is gone
    run_notebook.fork_kernels_with(unreachable.specs)
    try:
        printed = run_cells("import os\nprint(os.getppid() == int(os.environ['JPY_PARENT_PID']))")
        assert printed == ["True\n"]              # a child of this process, as jupyter_client starts it
        assert "note: kernel started the usual way (FileNotFoundError" in capfd.readouterr().err
        assert run_cells("print(1)") == ["1\n"]
        assert capfd.readouterr().err == ""       # the next kernel does not try the factory again
    finally:
        run_notebook.fork_kernels_with(None)


def test_a_closed_pool_leaves_no_process_and_no_folder():
    pool = ReportPool(2)
    pool.check_notebooks()                        # its processes have started and answered
    factory = pool.factory.process
    assert factory.poll() is None
    pool.close()
    assert factory.poll() is not None
    assert not Path(pool.runtime).exists()


@pytest.mark.parametrize("registered", [[], ["relhealth-forked"]])
def test_kernels_are_forked_only_where_the_provisioner_is_registered(monkeypatch, registered):
    from relhealth.render import forked_kernels

    monkeypatch.setattr(forked_kernels, "entry_points", lambda **selection: registered)
    assert forked_kernels.supported() is bool(registered)
