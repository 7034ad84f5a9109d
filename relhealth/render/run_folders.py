"""Where a report run keeps what is not a page, how it holds its output folder, and how its processes end
with it.

- **Work folders are private and outside the output.** The clients' reports handed to the notebooks, the
  executed notebooks, the logs and the kernels' connection files live in ``run-<pid>-*`` folders under
  ``<temp>/relhealth-<uid>/`` (mode 0700), never in the month folder that gets shared. A run removes its
  own at the end, and any left by a run that was killed (its process is gone) when it starts.
- **One run per output folder.** A run holds a lock on its month folder (``flock`` on a file in the same
  private folder, so nothing is left in the output; the system releases it however the run ends); a second
  run for the same folder stops at once and says which process holds it.
- **Children end with the run.** Each pool process asks Linux to kill it when its parent, the pool's fork
  server, ends (``PR_SET_PDEATHSIG``); the fork server ends when the run's process does, kernels end with
  the pool process that asked for them, and the kernel factory at the end of its input.
- **Clean-up is not interrupted.** A second Ctrl-C or SIGTERM while a run cleans up waits for the clean-up.
"""
from __future__ import annotations

import contextlib
import ctypes
import datetime
import hashlib
import json
import os
import shutil
import signal
import sys
import tempfile
import threading
from pathlib import Path

from relhealth.errors import UsageError

#: prctl's option that sends a signal to this process when its parent ends (linux/prctl.h).
PR_SET_PDEATHSIG = 1


def private_root() -> Path:
    """``<temp>/relhealth-<uid>``, which only this user may enter (created when missing)."""
    uid = os.getuid() if hasattr(os, "getuid") else os.getlogin()
    root = Path(tempfile.gettempdir()) / f"relhealth-{uid}"
    root.mkdir(mode=0o700, exist_ok=True)
    if hasattr(os, "getuid") and (root.is_symlink() or root.stat().st_uid != os.getuid()):
        raise UsageError(f"{root} belongs to another user. Remove it, or set TMPDIR to a folder of your own.")
    root.chmod(0o700)
    return root


def work_folder(kind: str) -> Path:
    """A new private folder for this run's ``kind`` of files (``work``, ``kernels``), after removing the
    folders of runs whose process is gone."""
    root = private_root()
    remove_stale(root)
    return Path(tempfile.mkdtemp(prefix=f"run-{os.getpid()}-{kind}-", dir=root))


def remove_stale(root: Path) -> list[Path]:
    """Remove the ``run-<pid>-*`` folders in ``root`` whose process is no longer running; the removed."""
    removed = []
    for folder in root.glob("run-*-*"):
        pid = folder.name.split("-")[1]
        if pid.isdigit() and int(pid) != os.getpid() and not _running(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:      # another user's process of that number
        return True
    return True


@contextlib.contextmanager
def holding(folder: Path):
    """Hold the lock on output ``folder`` for the duration, or stop with a message naming the run that
    holds it."""
    try:
        import fcntl
    except ImportError:          # not on this system: no lock
        yield
        return
    key = hashlib.sha256(str(Path(folder).resolve()).encode("utf-8")).hexdigest()[:24]
    path = private_root() / f"lock-{key}"
    handle = open(path, "a+", encoding="utf-8")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            try:
                holder = json.loads(handle.read() or "{}")
            except ValueError:
                holder = {}
            raise UsageError(f"another relhealth run (process {holder.get('pid', '?')}, started "
                             f"{holder.get('started', 'at a time unknown')}) is writing {folder}. Wait for it to "
                             "end, or stop it, then run the command again.") from None
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps({"pid": os.getpid(), "folder": str(folder),
                                 "started": datetime.datetime.now().strftime("%Y-%m-%d %H:%M:%S")}))
        handle.flush()
        yield
    finally:
        handle.close()           # releases the lock


@contextlib.contextmanager
def uninterrupted():
    """Ctrl-C and SIGTERM wait while the block runs (the clean-up of a run), then take effect: the block is
    never cut short by a second interrupt. Only the main thread can set handlers; elsewhere it runs as is."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = {signum: signal.signal(signum, lambda signum, frame: caught.append(signum))
                for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        if caught:
            raise KeyboardInterrupt


def end_with_parent() -> None:
    """Have Linux kill this process when its parent ends (elsewhere: nothing)."""
    if not sys.platform.startswith("linux"):
        return
    parent = os.getppid()
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:   # the parent ended before the request
        os._exit(1)
