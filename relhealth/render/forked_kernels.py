"""Jupyter kernels forked from a factory that has imported what a page needs, through a kernel provisioner
registered with jupyter_client (its documented extension point: the ``jupyter_client.kernel_provisioners``
entry point and a kernel spec whose metadata names the provisioner).

A kernel started the usual way is a new Python process that imports ipykernel, pandas, matplotlib and the
page modules before its notebook's first cell: about 1.4 s of a core, for each page. The factory, started by
a report run before the data are read, imports those modules once and forks each kernel from itself. It
never reads any data, so a forked kernel starts as clean as a new one, and it runs one notebook only. A
forked kernel ends with the process that asked for it; the factory ends with the run. Where kernels cannot
be forked (not Linux, or the factory cannot be reached) a kernel is started the usual way.
"""
from __future__ import annotations

import importlib
import json
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
import traceback
from importlib.metadata import entry_points
from multiprocessing.connection import Client, Connection
from pathlib import Path

from jupyter_client.provisioning import LocalProvisioner
from traitlets import Unicode

#: The kernel spec (and provisioner) name of a forked kernel.
KERNEL_NAME = "relhealth-forked"
#: What the factory imports before it forks a kernel: the modules every page needs. Code only, no data.
PRELOADED = ("ipykernel.kernelapp", "relhealth.render.client_page", "relhealth.render.portfolio_page")
#: A page's kernel keeps no input history (IPython's history is an SQLite file, opened for each kernel).
KERNEL_OPTIONS = ("--HistoryManager.enabled=False",)
#: matplotlib's backend in a Jupyter kernel; it is chosen when matplotlib is imported, so set beforehand.
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"
#: Seconds to wait for the factory to listen, and to fork a kernel.
CONNECT_TIMEOUT, FORK_TIMEOUT = 5, 60
#: The factories this process could not reach: its later kernels start the usual way at once.
_UNREACHABLE: set[str] = set()


def supported() -> bool:
    """Kernels can be forked here: Linux (fork, and pidfds to watch a process that is not our child), with
    the provisioner registered (an install whose metadata lacks the entry point starts kernels the usual
    way)."""
    return (sys.platform.startswith("linux") and hasattr(os, "pidfd_open")
            and bool(entry_points(group="jupyter_client.kernel_provisioners", name=KERNEL_NAME)))


class KernelFactory:
    """The factory process of one run, listening on a socket in ``folder`` (which only this user may enter),
    with the kernel spec that makes jupyter_client ask it for kernels."""

    def __init__(self, folder: str):
        self.address = str(Path(folder) / "factory.sock")
        self.specs = str(Path(folder) / "kernels")
        spec = Path(self.specs) / KERNEL_NAME
        spec.mkdir(parents=True)
        (spec / "kernel.json").write_text(json.dumps({
            "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}", *KERNEL_OPTIONS],
            "display_name": "Python 3 (relhealth, forked)", "language": "python",
            "metadata": {"kernel_provisioner": {"provisioner_name": KERNEL_NAME, "config": {"factory": self.address}}},
        }), encoding="utf-8")
        # its own session: the terminal's Ctrl-C goes to the run, which stops the factory
        self.process = subprocess.Popen([sys.executable, "-m", "relhealth.render.forked_kernels", self.address],
                                        stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                        start_new_session=True)

    def close(self) -> None:
        """Stop the factory (it holds nothing to save). Kernels it forked end with the processes that asked
        for them. A factory whose run is killed stops at the end of its input."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self.process.stdin.close()
        Path(self.address).unlink(missing_ok=True)


# ----- the factory process

def serve(address: str) -> None:
    """Listen at ``address``, import :data:`PRELOADED`, then fork a kernel for each request until standard
    input ends. Single-threaded, so that a fork copies a consistent process."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.path and sys.path[0] in ("", os.getcwd()):
        del sys.path[0]                 # as ipykernel_launcher does; the kernel puts it back
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(address)
    server.listen(64)                   # requests wait here while the imports run
    os.environ.setdefault("MPLBACKEND", INLINE_BACKEND)
    for name in PRELOADED:
        importlib.import_module(name)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)      # the system reaps the kernels
    while True:
        readable, _, _ = select.select([server, sys.stdin], [], [])
        if sys.stdin in readable:
            return
        conn, _ = server.accept()
        channel = Connection(conn.detach())
        try:
            request = channel.recv()
            pid = os.fork()
            if pid == 0:
                _become_kernel(request, (server, channel))
            channel.send(pid)
        except Exception as exc:  # a request that cannot be served fails that kernel only
            try:
                channel.send(f"the kernel factory could not start a kernel: {exc}")
            except OSError:
                pass
        finally:
            channel.close()


def _become_kernel(request: dict, inherited) -> None:
    """In the forked child: become an ipykernel as ``python -m ipykernel_launcher ARGV`` would. Never
    returns."""
    code = 1
    try:
        for item in inherited:
            item.close()
        os.setsid()                     # its own process group, as jupyter_client starts kernels
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(null, fd)
        os.close(null)
        backend = os.environ["MPLBACKEND"]
        os.environ.clear()
        os.environ.update(request["env"])
        os.environ.setdefault("MPLBACKEND", backend)
        if request["cwd"]:
            os.chdir(request["cwd"])
        _end_with(request["watch"])
        from ipykernel.kernelapp import IPKernelApp

        sys.argv = [sys.executable, *request["argv"]]
        IPKernelApp.launch_instance(argv=request["argv"])
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
    except BaseException:
        traceback.print_exc()
    finally:
        os._exit(code)


def _end_with(pid: int) -> None:
    """End this process when process ``pid`` ends (ipykernel only watches its parent, the factory)."""
    try:
        handle = os.pidfd_open(pid)
    except ProcessLookupError:
        os._exit(1)

    def watch() -> None:
        select.select([handle], [], [])
        os._exit(1)
    threading.Thread(target=watch, name="relhealth-watch", daemon=True).start()


# ----- the side of jupyter_client

def fork_kernel(address: str, argv: list[str], env: dict | None, cwd) -> int:
    """Ask the factory at ``address`` for a kernel run with ipykernel's ``argv``; its process id."""
    deadline = time.monotonic() + CONNECT_TIMEOUT
    while True:     # a factory just started may not listen yet
        try:
            channel = Client(address, family="AF_UNIX")
            break
        except (FileNotFoundError, ConnectionRefusedError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.02)
    with channel:
        channel.send({"argv": list(argv), "env": dict(os.environ if env is None else env),
                      "cwd": None if cwd is None else str(cwd), "watch": os.getpid()})
        if not channel.poll(FORK_TIMEOUT):
            raise TimeoutError(f"the kernel factory did not answer within {FORK_TIMEOUT} s")
        pid = channel.recv()
    if isinstance(pid, str):
        raise OSError(pid)
    return pid


class ForkedKernel:
    """A forked kernel, as LocalProvisioner expects its ``subprocess.Popen``. It is the factory's child, not
    ours, so it is watched through a pidfd. Its exit status is not known: 0."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode: int | None = None
        try:
            self.handle: int | None = os.pidfd_open(pid)
        except ProcessLookupError:
            self.handle, self.returncode = None, 0

    def poll(self) -> int | None:
        if self.returncode is None and select.select([self.handle], [], [], 0)[0]:
            self.ended()
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            if not select.select([self.handle], [], [], timeout)[0]:
                raise subprocess.TimeoutExpired(str(self.pid), timeout)
            self.ended()
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.returncode is None:
            signal.pidfd_send_signal(self.handle, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def ended(self) -> None:
        self.returncode = 0
        os.close(self.handle)
        self.handle = None

    def __del__(self) -> None:
        if self.handle is not None:
            os.close(self.handle)


class ForkProvisioner(LocalProvisioner):
    """The provisioner of :data:`KERNEL_NAME` kernels: LocalProvisioner (which jupyter_client means to be
    subclassed for local kernels), its ipykernel forked by the factory at ``factory``; when the factory cannot
    be reached, the kernel is started the usual way."""

    factory = Unicode(config=True)

    async def launch_kernel(self, cmd: list[str], **kwargs):
        if (cmd[1:3] != ["-m", "ipykernel_launcher"] or self.factory in _UNREACHABLE
                or Path(cmd[0]).resolve() != Path(sys.executable).resolve()):
            return await super().launch_kernel(cmd, **kwargs)
        try:
            pid = fork_kernel(self.factory, cmd[3:], kwargs.get("env"), kwargs.get("cwd"))
        except (OSError, EOFError, TimeoutError) as exc:
            _UNREACHABLE.add(self.factory)
            print(f"note: kernel started the usual way ({type(exc).__name__}: {exc})", file=sys.stderr)
            return await super().launch_kernel(cmd, **kwargs)
        self.process = ForkedKernel(pid)
        self.pid = self.pgid = pid
        self.cwd = kwargs.get("cwd", Path.cwd())
        return self.connection_info


if __name__ == "__main__":
    serve(sys.argv[1])
