"""Jupyter kernels for a report batch: one fresh kernel per notebook, started fast.

Every report notebook runs in a kernel of its own, which runs that one notebook and stops, so no data of
one client can reach another's page. A kernel started the usual way is a new Python process that imports
ipykernel, pandas and matplotlib before its notebook's first cell: about 0.8 s of a core, for each page.

On Linux a batch has a *kernel factory* instead (:class:`KernelFactory`): one process, started before the
data are read, that imports those modules once and then forks each kernel from itself. It only imports
modules, never reads a file of data, so a forked kernel starts as clean as a new one: ready in about
0.2 s instead of 0.8 s, with a tenth of the CPU.
jupyter_client drives a forked kernel as it drives any other (:class:`FactoryProvisioner`); when the
factory cannot be reached, a kernel is started the usual way.

A kernel ends with the process that asked for it (a pool process that is killed takes its kernel with
it), and the factory ends with the run.
"""
from __future__ import annotations

import functools
import importlib
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
import traceback
from multiprocessing.connection import Client, Connection
from pathlib import Path

#: What a kernel imports before it is given a notebook: the modules every report needs.
PRELOADED = ("ipykernel.kernelapp", "ipykernel.debugger", "relhealth.pages")
#: The same, for a kernel started the usual way (ipykernel's ``exec_lines``).
PRELOAD = "import relhealth.pages as _preloaded; del _preloaded"
#: matplotlib's backend in a Jupyter kernel; it is chosen when matplotlib is imported, so set beforehand.
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"
#: Seconds to wait for the factory to fork a kernel before starting one the usual way.
FORK_TIMEOUT = 60
#: Seconds to wait for a factory just started to listen.
CONNECT_TIMEOUT = 5
_SOCKET = "factory.sock"
#: Factories this process could not reach.
_UNREACHABLE: set[str] = set()


def supported() -> bool:
    """Kernels can be forked here: Linux (fork, and pidfds to watch a process that is not our child)."""
    return sys.platform.startswith("linux") and hasattr(os, "pidfd_open")


class KernelFactory:
    """The factory process of one run. ``label`` goes on its command line (a ``ps`` listing shows what a
    factory and its kernels are for). Start it early: it imports while the data are read."""

    def __init__(self, process: subprocess.Popen, address: str):
        self.process = process
        self.address = address

    @classmethod
    def start(cls, folder: str, label: str = "") -> KernelFactory | None:
        """A new factory listening in ``folder`` (which only this user may enter), or None where kernels
        cannot be forked."""
        if not supported():
            return None
        address = str(Path(folder) / _SOCKET)
        process = subprocess.Popen(
            [sys.executable, "-m", "relhealth.kernels", address, f"for {label}"],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True)       # the terminal's Ctrl-C goes to the run, which stops the factory
        return cls(process, address)

    def close(self) -> None:
        """Stop the factory (it holds nothing to save) and remove its socket. Kernels it forked end with
        the processes that asked for them. A factory whose run is killed stops at the end of its input."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self.process.stdin.close()
        Path(self.address).unlink(missing_ok=True)


def fork_kernel(address: str, argv: list[str], env: dict | None, cwd: str | None) -> int:
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


# ----- the factory process

def serve(address: str) -> None:
    """The factory: listen at ``address``, import :data:`PRELOADED`, then fork a kernel for each request
    until standard input ends. Single-threaded, so that a fork copies a consistent process."""
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

class ForkedKernel:
    """A forked kernel, as jupyter_client's LocalProvisioner expects its ``subprocess.Popen``. It is the
    factory's child, not ours, so it is watched through a pidfd. Its exit status is not known: 0."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode: int | None = None
        try:
            self._handle: int | None = os.pidfd_open(pid)
        except ProcessLookupError:
            self._handle, self.returncode = None, 0

    def poll(self) -> int | None:
        if self.returncode is None and select.select([self._handle], [], [], 0)[0]:
            self._ended()
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            if not select.select([self._handle], [], [], timeout)[0]:
                raise subprocess.TimeoutExpired(str(self.pid), timeout)
            self._ended()
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.returncode is None:
            signal.pidfd_send_signal(self._handle, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def _ended(self) -> None:
        self.returncode = 0
        os.close(self._handle)
        self._handle = None

    def __del__(self) -> None:
        if self._handle is not None:
            os.close(self._handle)


@functools.cache
def _provisioner_class():
    from jupyter_client.provisioning import LocalProvisioner
    from traitlets import Unicode

    class FactoryProvisioner(LocalProvisioner):
        """LocalProvisioner whose ipykernel is forked by the factory at ``factory``; any other command, or a
        factory that cannot be reached, is launched the usual way."""

        factory = Unicode()

        async def launch_kernel(self, cmd, **kwargs):
            if (cmd[1:3] != ["-m", "ipykernel_launcher"] or self.factory in _UNREACHABLE
                    or Path(cmd[0]).resolve() != Path(sys.executable).resolve()):
                return await super().launch_kernel(cmd, **kwargs)
            try:
                pid = fork_kernel(self.factory, cmd[3:], kwargs.get("env"), kwargs.get("cwd"))
            except (OSError, EOFError, TimeoutError) as exc:
                _UNREACHABLE.add(self.factory)      # this process's later kernels do not wait for it again
                print(f"note: kernel started the usual way ({type(exc).__name__}: {exc})", file=sys.stderr)
                return await super().launch_kernel(cmd, **kwargs)
            self.process = ForkedKernel(pid)
            self.pid = self.pgid = pid
            self.cwd = kwargs.get("cwd", Path.cwd())
            return self.connection_info

    return FactoryProvisioner


@functools.cache
def _client_class():
    from queue import Empty

    from jupyter_client.asynchronous import AsyncKernelClient

    class ReadyClient(AsyncKernelClient):
        """The asyncio kernel client, ready as soon as the kernel has answered ``kernel_info`` and its
        IOPub status for that request has arrived: IOPub is then connected and nothing older waits
        there. jupyter_client instead waits until IOPub has been quiet for 0.2 s, on every notebook."""

        async def wait_for_ready(self, timeout: float | None = None) -> None:
            deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
            while True:
                request = self.kernel_info()
                reply = await self._reply_to(self.shell_channel, request, "kernel_info_reply", 1.0)
                if reply is not None and await self._reply_to(self.iopub_channel, request, "status", 0.1):
                    self._handle_kernel_info_reply(reply)
                    return
                if not await self._async_is_alive():
                    raise RuntimeError("Kernel died before replying to kernel_info")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"Kernel didn't respond in {timeout:g} seconds")

        @staticmethod
        async def _reply_to(channel, request: str, kind: str, seconds: float):
            """The first message of ``kind`` on ``channel`` answering ``request`` (for a status: the
            kernel idle again) within ``seconds``, skipping any other; None when none came."""
            until = time.monotonic() + seconds
            while (left := until - time.monotonic()) > 0:
                try:
                    msg = await channel.get_msg(timeout=left)
                except Empty:
                    return None
                if msg["msg_type"] == kind and msg["parent_header"].get("msg_id") == request and (
                        kind != "status" or msg["content"].get("execution_state") == "idle"):
                    return msg
            return None

    return ReadyClient


class Kernels:
    """One kernel started ahead for the next notebook, its imports done by the time the notebook is given
    to it: while the current notebook runs when ``early`` (a core is free for it), else while the current
    page is written. Kernels are forked by the factory at ``factory`` when given. A kernel runs one
    notebook only, so no data of one report can reach another."""

    def __init__(self, early: bool = False, factory: str | None = None) -> None:
        self.early = early
        self.factory = factory
        self.ready = None

    def take(self):
        """The kernel started ahead (or a new one) for one notebook; the notebook's run stops it."""
        km, self.ready = self.ready or self._start(), None
        return km

    def prepare(self) -> None:
        if self.ready is None:
            self.ready = self._start()

    def close(self) -> None:
        if self.ready is not None:
            self.stop(self.ready)
            self.ready = None

    @staticmethod
    def stop(km) -> None:
        """Stop a kernel now, if it still runs."""
        from jupyter_core.utils import run_sync

        try:
            if run_sync(km.is_alive)():
                run_sync(km.shutdown_kernel)(now=True)
        except RuntimeError:        # no kernel, or its manager already cleaned up
            pass

    def _start(self):
        # nbclient drives kernels through asyncio: a blocking KernelManager would keep it from seeing a
        # kernel die, and from enforcing the time limit.
        import uuid

        from jupyter_client import AsyncKernelManager
        from jupyter_core.utils import run_sync

        km = AsyncKernelManager(kernel_name="python3")
        km.client_factory = _client_class()
        extra = [f"--IPKernelApp.exec_lines={PRELOAD}"]
        if self.factory:
            km.kernel_id = str(uuid.uuid4())
            km.provisioner = _provisioner_class()(kernel_id=km.kernel_id, kernel_spec=km.kernel_spec, parent=km,
                                                  factory=self.factory)
            extra = []
        # started during another notebook's run: its own output must not land in that notebook's log
        run_sync(km.start_kernel)(extra_arguments=extra, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return km


if __name__ == "__main__":
    serve(sys.argv[1])
