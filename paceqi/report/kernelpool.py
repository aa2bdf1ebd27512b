"""A pool of warm Jupyter kernels that run report notebooks one after another.

Starting a kernel and importing pandas and matplotlib costs 1.5-2 s per notebook, far more than a
small report's own work (``/work/shared/JUPYTER.md`` §4.4). The pool keeps W kernels alive and
runs job after job on them; between jobs :data:`RESET_CODE` puts the kernel back to a clean
state: user variables, pandas options, matplotlib rcParams and figures, working directory,
environment variables, ``sys.path``, warning filters, random seeds and the globals of every
``paceqi`` module (restored to what each module's import left, recorded by an import hook that
:data:`SETUP_CODE` installs). paceqi itself stays imported, so its caches keyed by content
(parsed extracts by file hash, the stage catalogue, text metrics) serve the next report.
A kernel is *recycled* (replaced by a fresh one) after an error, a timeout, a failed reset,
``recycle_after`` jobs, or when its memory exceeds ``max_rss_mb``. With ``isolate=True`` every
job gets a fresh kernel, the next one being started while the current job runs.

The pool runs its own asyncio event loop in a background thread, so it can be used from plain
code, from a Dask worker thread or from inside Jupyter (where a loop is already running).
Kernels use the ``ipc`` transport on POSIX (Unix sockets in a private temporary folder), which
also avoids ipykernel's "running over TCP without encryption" warning.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import os
import shutil
import sys
import tempfile
import threading
import weakref
from collections.abc import Awaitable, Callable, Coroutine
from concurrent.futures import Future
from pathlib import Path
from typing import Any, TypeVar

from paceqi.errors import ReportError

__all__ = ["Kernel", "KernelPool", "RESET_CODE", "SETUP_CODE"]

T = TypeVar("T")

#: Recycle a reused kernel after this many jobs. JUPYTER.md §7.1 suggests ~25 for kernels that
#: re-import their libraries; ours keep paceqi and its caches, and a replacement costs a kernel
#: start plus every import again (2-4 s of CPU). Measured on the demo reports: a kernel's
#: memory grows ~1 MB a report and levels off (233 MB after 1 report, 271 MB after 40).
DEFAULT_RECYCLE_AFTER = 100
#: Also recycle a kernel whose resident memory exceeds this many MiB after a job.
MAX_KERNEL_RSS_MB = 1024.0
#: Seconds allowed for a kernel to start and answer.
STARTUP_TIMEOUT = 60.0
#: Seconds allowed for the reset snippet.
RESET_TIMEOUT = 30.0

#: Run once when a kernel starts: remember the clean state that :data:`RESET_CODE` restores.
SETUP_CODE = r"""
def __paceqi_setup():
    import importlib.abc, os, sys, types, warnings
    base = types.ModuleType("_paceqi_kernel_baseline")
    base.cwd = os.getcwd()
    base.environ = dict(os.environ)
    base.sys_path = list(sys.path)
    base.warning_filters = list(warnings.filters)
    base.user_ns = set(get_ipython().user_ns)
    # every paceqi module's globals as they were right after it was imported (see the reset)
    base.snapshots = {}

    def snapshot(module):
        base.snapshots[module.__name__] = dict(module.__dict__)

    def is_paceqi(name):
        return name == "paceqi" or name.startswith("paceqi.")

    class SnapshotFinder(importlib.abc.MetaPathFinder):
        # finds nothing itself: asks the finders after it, then wraps the loader so the module's
        # globals are recorded the moment its import finishes
        def find_spec(self, name, path, target=None):
            if not is_paceqi(name):
                return None
            for finder in sys.meta_path:
                if finder is self or not hasattr(finder, "find_spec"):
                    continue
                spec = finder.find_spec(name, path, target)
                if spec is not None:
                    break
            else:
                return None
            run = getattr(spec.loader, "exec_module", None)
            if run is not None:
                def exec_module(module, run=run):
                    run(module)
                    snapshot(module)
                spec.loader.exec_module = exec_module
            return spec

    for name, module in list(sys.modules.items()):
        if is_paceqi(name) and module is not None:
            snapshot(module)
    sys.meta_path.insert(0, SnapshotFinder())
    sys.modules["_paceqi_kernel_baseline"] = base
__paceqi_setup()
del __paceqi_setup
"""

#: Run after every job: restore the state remembered by :data:`SETUP_CODE`.
RESET_CODE = r"""
def __paceqi_reset():
    import os, sys, warnings
    base = sys.modules["_paceqi_kernel_baseline"]
    mpl = sys.modules.get("matplotlib")
    if mpl is not None:
        if "matplotlib.pyplot" in sys.modules:
            sys.modules["matplotlib.pyplot"].close("all")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            mpl.rc_file_defaults()  # the matplotlibrc values; keeps the backend
    pd = sys.modules.get("pandas")
    if pd is not None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            pd.reset_option("all")
    os.chdir(base.cwd)
    for key in list(os.environ):
        if key not in base.environ:
            del os.environ[key]
    for key, value in base.environ.items():
        if os.environ.get(key) != value:
            os.environ[key] = value
    sys.path[:] = base.sys_path
    warnings.filters[:] = base.warning_filters
    # paceqi stays imported (re-importing it cost ~0.3 s a report and dropped its caches), but
    # every paceqi module's globals go back to what its import left: names added since are
    # removed (except submodules), rebound names restored. Module-level caches keyed by content
    # (parsed extracts by file hash, the catalogue, text metrics) are mutated in place and kept.
    module_type = type(os)
    for name, snap in base.snapshots.items():
        module = sys.modules.get(name)
        if module is None:
            continue
        space = module.__dict__
        for key in [k for k in space if k not in snap]:
            value = space[key]
            if not (isinstance(value, module_type) and value.__name__ == name + "." + key):
                del space[key]
        for key, value in snap.items():
            if space.get(key, space) is not value:
                space[key] = value
    import random
    random.seed()
    np = sys.modules.get("numpy")
    if np is not None:
        np.random.seed()
__paceqi_reset()
del __paceqi_reset
def __paceqi_clear_namespace():
    # what %reset -f does for variables, without its gc.collect() (~0.3-0.7 s per job)
    import sys
    ip = get_ipython()
    keep = sys.modules["_paceqi_kernel_baseline"].user_ns
    for key in [k for k in ip.user_ns if k not in keep]:
        del ip.user_ns[key]
    ip.history_manager.output_hist.clear()
    ip.user_ns.update({"_": "", "__": "", "___": ""})
    ip.execution_count = 1  # tracebacks say "Cell In[N]" as in a fresh kernel
__paceqi_clear_namespace()
"""


class _LoopThread:
    """An asyncio event loop running in a daemon thread."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self._run, name="paceqi-kernel-pool", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_forever()

    def submit(self, coro: Coroutine[Any, Any, T]) -> Future[T]:
        return asyncio.run_coroutine_threadsafe(coro, self.loop)

    def stop(self) -> None:
        if self.loop.is_running():
            self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)
        if not self.loop.is_running():
            self.loop.close()


class Kernel:
    """One running kernel with its single client (two clients on one kernel misroute replies).

    Parameters
    ----------
    kernel_name : str
        Kernel spec name (always passed explicitly; notebooks' saved kernelspecs differ by machine).
    cwd : Path
        Working directory the kernel starts in and returns to after each job.
    ipc_dir : Path or None
        Folder for the ``ipc`` sockets; None uses TCP (Windows).
    """

    _counter = 0

    def __init__(self, kernel_name: str, cwd: Path, ipc_dir: Path | None) -> None:
        self.kernel_name = kernel_name
        self.cwd = cwd
        self.ipc_dir = ipc_dir
        self.km: Any = None
        self.kc: Any = None
        self.jobs_run = 0
        self.language_info: dict[str, Any] | None = None
        self.dirty = False  # set when the kernel must not run another job

    async def start(self) -> Kernel:
        """Start the kernel, connect the client and remember its clean state."""
        from jupyter_client.manager import AsyncKernelManager

        kwargs: dict[str, Any] = {"kernel_name": self.kernel_name}
        if self.ipc_dir is not None:
            Kernel._counter += 1
            kwargs.update(transport="ipc", ip=str(self.ipc_dir / f"k{Kernel._counter}"))
        self.km = AsyncKernelManager(**kwargs)
        env = {**os.environ, "PYDEVD_DISABLE_FILE_VALIDATION": "1"}  # no frozen-modules warning
        # No IPython history: reports never use it, and concurrent kernels sharing one history
        # database fail with "Session/line number was not unique in database".
        await self.km.start_kernel(
            cwd=str(self.cwd), env=env, extra_arguments=["--HistoryManager.enabled=False"]
        )
        self.kc = self.km.client()
        self.kc.start_channels()
        try:
            await self.kc.wait_for_ready(timeout=STARTUP_TIMEOUT)
            reply = await self.kc.kernel_info(reply=True, timeout=STARTUP_TIMEOUT)
            self.language_info = reply["content"].get("language_info")
            await self.run_code(SETUP_CODE, timeout=STARTUP_TIMEOUT)
        except BaseException:  # includes cancellation: never leave a kernel process behind
            await self.shutdown()
            raise
        return self

    async def run_code(self, code: str, timeout: float) -> None:
        """Run a snippet silently; raise ReportError if it fails or times out."""
        try:
            reply = await self.kc.execute_interactive(
                code, silent=False, store_history=False, timeout=timeout, output_hook=_ignore
            )
        except TimeoutError as exc:
            raise ReportError(f"kernel did not finish a housekeeping step in {timeout} s") from exc
        if reply["content"].get("status") != "ok":
            content = reply["content"]
            raise ReportError(
                f"kernel housekeeping step failed: {content.get('ename')}: {content.get('evalue')}"
            )

    async def reset(self) -> None:
        """Restore the clean state after a job; marks the kernel dirty if that fails."""
        try:
            await self.run_code(RESET_CODE, timeout=RESET_TIMEOUT)
        except Exception:
            self.dirty = True

    def rss_mb(self) -> float | None:
        """Return the kernel process's resident memory in MiB (None when unknown)."""
        pid = getattr(getattr(self.km, "provisioner", None), "pid", None)
        if pid is None:
            return None
        try:
            with open(f"/proc/{pid}/statm", encoding="ascii") as handle:
                pages = int(handle.read().split()[1])
            return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
        except (OSError, ValueError, IndexError, AttributeError):
            pass
        try:  # not Linux: psutil when it is installed
            import psutil

            return float(psutil.Process(pid).memory_info().rss) / 2**20
        except Exception:
            return None

    async def shutdown(self) -> None:
        """Stop the client and the kernel process (immediately; nothing to save)."""
        if self.kc is not None:
            with contextlib.suppress(Exception):  # best effort
                self.kc.stop_channels()
        if self.km is not None:
            try:
                if self.km.has_kernel:
                    await self.km.shutdown_kernel(now=True)
            except Exception:  # pragma: no cover - best effort
                pass
        self.kc = None
        self.km = None


def _ignore(msg: Any) -> None:
    return None


def _warm_imports() -> None:
    import nbclient  # noqa: F401
    import nbconvert  # noqa: F401
    import papermill.parameterize  # noqa: F401


_LIVE_POOLS: weakref.WeakSet[KernelPool] = weakref.WeakSet()


@atexit.register
def _close_live_pools() -> None:  # pragma: no cover - safety net on interpreter exit
    for pool in list(_LIVE_POOLS):
        pool.close()


class KernelPool:
    """W warm kernels; :meth:`submit` runs ``job(kernel)`` on the next free one.

    Parameters
    ----------
    size : int
        Number of kernels (2 suits a 2-core machine; more than ~1.5 per core does not help).
    isolate : bool
        True: a fresh kernel for every job (the next one is pre-started while a job runs).
    recycle_after : int
        Replace a reused kernel after this many jobs.
    max_rss_mb : float
        Replace a kernel whose resident memory exceeds this many MiB after a job.
    kernel_name : str
        Kernel spec to start (``python3``: the interpreter running paceqi).
    cwd : path, optional
        Working directory of the kernels (default: the project root).

    Notes
    -----
    ``pool.call(job)`` runs ``await job(kernel)`` on the next free kernel and returns its result;
    ``pool.submit(job)`` returns a ``concurrent.futures.Future``. Use it as a context manager
    (``with KernelPool(2) as pool: ...``) or call :meth:`close`.
    """

    def __init__(
        self,
        size: int = 2,
        *,
        isolate: bool = False,
        recycle_after: int = DEFAULT_RECYCLE_AFTER,
        max_rss_mb: float = MAX_KERNEL_RSS_MB,
        kernel_name: str = "python3",
        cwd: str | Path | None = None,
    ) -> None:
        if size < 1:
            raise ReportError(f"the kernel pool needs at least 1 kernel, got {size}")
        if recycle_after < 1:
            raise ReportError(f"recycle_after must be at least 1, got {recycle_after}")
        from paceqi._paths import project_root

        self.size = size
        self.isolate = isolate
        self.recycle_after = 1 if isolate else recycle_after
        self.max_rss_mb = max_rss_mb
        self.kernel_name = kernel_name
        self.cwd = Path(cwd) if cwd is not None else project_root()
        self.recycles = 0
        self._ipc_dir = Path(tempfile.mkdtemp(prefix="paceqi-k-")) if os.name == "posix" else None
        self._loop = _LoopThread()
        self._closed = False
        self._idle: asyncio.Queue[Kernel | None] | None = None
        self._start_error = ""
        self._spares: list[asyncio.Task[Kernel]] = []
        self._all: set[Kernel] = set()
        self._tasks: set[asyncio.Future[Any]] = set()
        try:
            self._loop.submit(self._start()).result()
        except BaseException:
            self.close()
            raise
        _LIVE_POOLS.add(self)

    # -- inside the loop ------------------------------------------------------------------------
    async def _new_kernel(self) -> Kernel:
        kernel = Kernel(self.kernel_name, self.cwd, self._ipc_dir)
        self._all.add(kernel)
        try:
            return await kernel.start()
        except BaseException:
            self._all.discard(kernel)
            raise

    async def _start(self) -> None:
        self._idle = asyncio.Queue()
        import jupyter_client.manager  # noqa: F401  (before any thread imports it concurrently)

        # import the client-side libraries while the kernels start (they are mostly waiting)
        warm = asyncio.get_running_loop().run_in_executor(None, _warm_imports)
        kernels = await asyncio.gather(*(self._new_kernel() for _ in range(self.size)))
        await warm
        for kernel in kernels:
            self._idle.put_nowait(kernel)
        if self.isolate:
            self._spares = [asyncio.ensure_future(self._new_kernel()) for _ in range(self.size)]

    async def _replacement(self) -> Kernel:
        if self.isolate and self._spares:
            spare = self._spares.pop(0)
            self._spares.append(asyncio.ensure_future(self._new_kernel()))
            return await spare
        return await self._new_kernel()

    async def _retire(self, kernel: Kernel) -> None:
        self._all.discard(kernel)
        await kernel.shutdown()

    async def _run(self, job: Callable[[Kernel], Awaitable[T]]) -> T:
        assert self._idle is not None
        kernel = await self._idle.get()
        if kernel is None:  # a replacement kernel could not be started
            self._idle.put_nowait(None)
            raise ReportError(f"could not start a new kernel: {self._start_error}")
        try:
            return await job(kernel)
        finally:
            # reset or replace in the background: the job's result is not held up by it
            task = asyncio.ensure_future(self._after_job(kernel))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _after_job(self, kernel: Kernel) -> None:
        assert self._idle is not None
        kernel.jobs_run += 1
        if not kernel.dirty and kernel.jobs_run < self.recycle_after:
            await kernel.reset()
            rss = kernel.rss_mb()
            if rss is not None and rss > self.max_rss_mb:
                kernel.dirty = True
        if kernel.dirty or kernel.jobs_run >= self.recycle_after:
            self.recycles += 1
            retire = asyncio.ensure_future(self._retire(kernel))
            self._tasks.add(retire)
            retire.add_done_callback(self._tasks.discard)
            try:
                kernel = await self._replacement()
            except Exception:
                try:
                    kernel = await self._new_kernel()
                except Exception as exc:
                    self._start_error = f"{type(exc).__name__}: {exc}"
                    self._idle.put_nowait(None)  # tell waiting jobs instead of hanging
                    return
        self._idle.put_nowait(kernel)

    async def _close(self) -> None:
        for task in list(self._tasks):
            with contextlib.suppress(BaseException):
                await asyncio.wait_for(task, timeout=30)
        # let pre-started spares finish starting, then stop them (cancelling a start half way
        # could leave a kernel process behind)
        for spare in self._spares:
            with contextlib.suppress(BaseException):
                await asyncio.wait_for(spare, timeout=STARTUP_TIMEOUT)
        await asyncio.gather(*(k.shutdown() for k in list(self._all)), return_exceptions=True)
        self._all.clear()

    # -- from any thread ------------------------------------------------------------------------
    def submit(self, job: Callable[[Kernel], Awaitable[T]]) -> Future[T]:
        """Schedule ``job(kernel)`` (a coroutine function) on the next free kernel."""
        if self._closed:
            raise ReportError("the kernel pool is closed")
        return self._loop.submit(self._run(job))

    def call(self, job: Callable[[Kernel], Awaitable[T]]) -> T:
        """Run ``job(kernel)`` on the next free kernel and return its result (blocking)."""
        return self.submit(job).result()

    def close(self) -> None:
        """Shut every kernel down and stop the loop thread. Safe to call twice."""
        if self._closed:
            return
        self._closed = True
        with contextlib.suppress(Exception):  # best effort
            self._loop.submit(self._close()).result(timeout=60)
        self._loop.stop()
        if self._ipc_dir is not None:
            shutil.rmtree(self._ipc_dir, ignore_errors=True)
        _LIVE_POOLS.discard(self)

    def __enter__(self) -> KernelPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        mode = "isolate" if self.isolate else f"reuse, recycle after {self.recycle_after}"
        return f"KernelPool(size={self.size}, {mode}, python={sys.executable})"
