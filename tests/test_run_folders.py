"""How a report run keeps its work private, holds its output folder and cleans up (issue 25, faults in a
batch): relhealth.render.run_folders."""
from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from relhealth.errors import UsageError
from relhealth.render import run_folders


@pytest.fixture
def private(tmp_path, monkeypatch):
    """A temporary folder of the test's own as the system's."""
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr(run_folders.tempfile, "tempdir", None)      # tempfile reads TMPDIR again
    return tmp_path / f"relhealth-{os.getuid()}"


def test_a_work_folder_is_private_and_outside_the_output(private):
    work = run_folders.work_folder("work")
    assert work.parent == private and work.name.startswith(f"run-{os.getpid()}-work-")
    assert oct(private.stat().st_mode & 0o777) == "0o700" and oct(work.stat().st_mode & 0o777) == "0o700"


def test_the_folders_of_a_run_that_was_killed_are_removed_by_the_next(private):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          check=True).stdout.strip()                  # a process that has ended
    private.mkdir(mode=0o700)
    left = private / f"run-{dead}-work-abcd1234"
    (left / "nested").mkdir(parents=True)
    (left / "nested" / "northwind.bundle").write_bytes(b"client rows")
    alive = private / f"run-{os.getppid()}-work-efgh5678"          # the process that runs pytest's parent
    alive.mkdir()
    fresh = run_folders.work_folder("work")
    assert not left.exists() and alive.exists() and fresh.exists()


def test_a_second_run_for_the_same_folder_is_refused_naming_the_first(private, tmp_path):
    month = tmp_path / "reports" / "2026-10"
    month.mkdir(parents=True)
    with run_folders.holding(month):
        with pytest.raises(UsageError) as refused:
            with run_folders.holding(month):
                pass
        assert str(refused.value).startswith(f"another relhealth run (process {os.getpid()}, started 20")
        assert str(refused.value).endswith(f"is writing {month}. Wait for it to end, or stop it, then run the "
                                           "command again.")
        with run_folders.holding(tmp_path / "reports" / "2026-09"):      # another folder: no wait
            pass
    with run_folders.holding(month):                                      # released at the end
        pass
    assert sorted(p.name for p in month.iterdir()) == []                  # nothing of the lock in the output


def test_an_interrupt_during_clean_up_waits_for_it_then_stops(tmp_path):
    done = []
    with pytest.raises(KeyboardInterrupt):
        with run_folders.uninterrupted():
            os.kill(os.getpid(), signal.SIGINT)
            os.kill(os.getpid(), signal.SIGTERM)
            done.append("cleaned up")
    assert done == ["cleaned up"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler      # handlers put back


def test_a_pool_process_ends_when_its_parent_does(tmp_path):
    """A child that asked for end_with_parent is killed when its parent ends, however the parent ends."""
    pid_file = tmp_path / "child.pid"
    parent = subprocess.Popen([sys.executable, "-c", f"""
import os, time
if os.fork() == 0:
    from relhealth.render.run_folders import end_with_parent
    end_with_parent()
    open({str(pid_file)!r}, "w").write(str(os.getpid()))
    time.sleep(60)
    os._exit(0)
time.sleep(60)
"""])
    for _ in range(200):
        if pid_file.exists() and pid_file.read_text():
            break
        subprocess.run(["sleep", "0.05"])
    child = int(pid_file.read_text())
    parent.kill()
    parent.wait()
    for _ in range(100):
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            break
        subprocess.run(["sleep", "0.05"])
    else:
        os.kill(child, signal.SIGKILL)
        pytest.fail("the child outlived its parent")
