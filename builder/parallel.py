"""Parallel work and the garbage collector, stated once: a forked child doing one job while
this process does another (`Forked`), forked workers over many jobs (`map_forked`), and the
switch that keeps the cyclic collector off while a command builds (`collector_paused`), and
giving freed memory back to the system (`release_free_memory`)."""

from __future__ import annotations

import functools
import gc
import os
import sys
import threading
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from .errors import BuildError, DapError
from .i18n import _


@contextmanager
def collector_paused() -> Iterator[None]:
    """Keep Python's cyclic garbage collector off for the whole of a command.

    A build creates millions of small objects and no garbage cycles (records, rows, pages,
    snapshots): reference counting frees them, and the cyclic collector would only rescan the
    growing heap again and again — a third of the load and a quarter of the datasets stage at
    national scale. `dap` runs every command inside this switch (`cli.main`); a long-running
    server turns the collector back on with `collector_running`.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def release_free_memory() -> None:
    """Give the memory a finished stage freed back to the system (glibc's `malloc_trim`).

    glibc keeps what Python frees in its heap for reuse and hands it back only from the top:
    after the datasets stage of a national build (tables, workbooks and zips made and
    dropped) the process held ~170 KB per measure of free memory — most of its size, carried
    into the MkDocs stage and copied into its forked second process (issue 22, measured in
    docs/performance.md). Elsewhere (another C library, not Linux) it does nothing."""
    import ctypes

    try:
        trim = getattr(ctypes.CDLL(None), "malloc_trim", None)  # the C library Python runs on
    except OSError:  # pragma: no cover - no symbols of the process to load
        return
    if trim is not None:
        trim(0)


def freeze_for_exit() -> None:
    """The command is done and its process is about to end: move every object it made out of
    the collector's reach (`gc.freeze`), so that neither switching the collector back on nor
    the interpreter's shutdown rescans them: with a national programme loaded (~450,000
    tracked objects, two datasets) that cost `dap check-change` and `dap diff` 0.8–1 s of CPU
    after their work was done (measured A/B, docs/performance.md)."""
    gc.freeze()


@contextmanager
def collector_running() -> Iterator[None]:
    """The collector on (for work that runs indefinitely, such as `dap serve`), what exists
    now frozen out of its scans."""
    enabled = gc.isenabled()
    gc.freeze()
    gc.enable()
    try:
        yield
    finally:
        if not enabled:
            gc.disable()


def workers() -> int:
    """CPUs this process may use (at most 4: more does not pay at our sizes)."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover — not Linux
        cpus = os.cpu_count() or 1
    return min(cpus, 4)


def can_fork() -> bool:
    """Whether forking workers is possible and safe here (fork exists, one thread, 2+ CPUs,
    not itself a forked worker: its CPUs are taken by its parent's work, and a daemonic
    process may not have children)."""
    import multiprocessing  # here: a warm command forks nothing, and it costs ~7 ms to import

    return (
        "fork" in multiprocessing.get_all_start_methods()
        and not multiprocessing.current_process().daemon
        and threading.active_count() == 1  # forking a threaded process can deadlock
        and workers() > 1
    )


# The tree's memory that forked copies may take (issue 22's target: the summed RSS of the
# build's processes ≤ 1 GB at 4,000 measures). A forked child starts with every resident page
# of its parent mapped — counted again in the tree's RSS — and copies most of them as it runs
# (Python's reference counts write to each object it reads).
FORK_BUDGET_MB = 1024


def resident_mb() -> float:
    """This process's resident memory (RSS) in MB; 0 where /proc is not there."""
    try:
        with open("/proc/self/statm", encoding="ascii") as f:
            pages = int(f.read().split()[1])
    except (OSError, ValueError, IndexError):  # pragma: no cover - not Linux
        return 0.0
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def can_fork_copies(children: int, growth_mb: float = 0.0) -> bool:
    """Whether `children` forked copies of this process fit, with it and `growth_mb` of the
    work's own, in `FORK_BUDGET_MB` of resident memory (and forking is possible at all): else
    the work runs in this process, one job after another — the same CPU time, more wall
    clock, far less memory."""
    return can_fork() and (children + 1) * resident_mb() + growth_mb <= FORK_BUDGET_MB


def _child(
    conn: Any, work: Callable[..., Any], args: tuple[Any, ...], tells: bool, collect: bool
) -> None:
    # What the child inherited is only read: keep the collector off it, so that it neither
    # spends time walking the parent's heap nor copies its pages by touching them; collect
    # what the work itself leaves (`collect`), or nothing, as the parent does (cli.main).
    gc.freeze()
    if collect:
        gc.enable()
    else:
        gc.disable()
    if tells:
        args = (functools.partial(_tell, conn), *args)
    try:
        conn.send((True, work(*args)))
    except DapError as exc:  # a message for the user: raised again as it is in the parent
        conn.send((False, exc))
    except Exception as exc:  # a failure: reported by the parent as the job's failure
        if "--debug" in sys.argv:  # `dap --debug`: the child's traceback, as cli.main shows one
            traceback.print_exc()
        conn.send((False, f"{type(exc).__name__}: {exc}"))
    conn.close()


def _tell(conn: Any, *message: Any) -> None:
    conn.send((None, message))  # news on the way, before the answer (`Forked`'s `heard`)


class Forked:
    """`work(*args)` in a forked child process while the caller does other work.

    The answer comes back pickled through a pipe; `result()` raises the child's DapError
    again in the parent, and any other exception as a BuildError naming `what` (a message id
    of the catalogue, marked with N_).
    Where forking is not possible (one CPU, no `fork`, threads) or fails, the work runs at
    once, inline.

    `heard`: the work is called as `work(tell, *args)`, and each `tell(*message)` it makes
    reaches `heard(*message)` in this process, in order, while `result()` waits (inline: at
    once). `daemon=False`: a child that may fork children of its own (a daemonic process may
    not), and that runs with the collector as this process has it (off in a command,
    `collector_paused`) instead of on for what it makes. `fork=False`: inline, for the
    caller's own reason (the memory budget, `can_fork_copies`).
    """

    def __init__(
        self,
        what: str,
        work: Callable[..., Any],
        *args: Any,
        daemon: bool = True,
        heard: Callable[..., None] | None = None,
        fork: bool = True,
    ):
        self.what = what
        self.done = False
        self.answer: Any = None
        self.process: Any = None
        self.heard = heard
        if fork and can_fork():
            import multiprocessing

            ctx = multiprocessing.get_context("fork")
            self.conn, child = ctx.Pipe(duplex=False)
            collect = daemon or gc.isenabled()
            self.process = ctx.Process(
                target=_child,
                args=(child, work, args, heard is not None, collect),
                daemon=daemon,
            )
            try:
                self.process.start()
            except OSError:  # no second process (out of memory, say): the work runs here
                self.conn.close()
                self.process = None
            child.close()
        if self.process is None:
            inline = args if heard is None else (heard, *args)
            self.answer, self.done = work(*inline), True

    def result(self, reap: bool = True) -> Any:
        """What `work` returned (waits for the child); the child's exception if it failed.

        `reap=False`: back as soon as the answer is in, while the child, its work done, is
        still ending (issue 22: the kernel giving back a site's child's ~0.5 GB takes ~0.1 s,
        which this process can spend on its own work); `reap()` waits for its end later. A
        failed child is waited for at once either way."""
        if not self.done:
            try:
                ok, answer = self.conn.recv()
                while ok is None:  # news from the work, on the way (`heard`)
                    assert self.heard is not None
                    self.heard(*answer)
                    ok, answer = self.conn.recv()
            except EOFError:
                ok, answer = False, _("it ended without an answer")
            self.conn.close()
            if reap or not ok:
                self.process.join()
            self.done = True
            if not ok:
                if isinstance(answer, BaseException):
                    raise answer
                raise BuildError(_("{job} failed: {error}", job=_(self.what), error=answer))
            self.answer = answer
        return self.answer

    @property
    def forked(self) -> bool:
        """Whether the work runs (ran) in a child process."""
        return self.process is not None

    def reap(self) -> None:
        """Wait for the child to end (after `result(reap=False)`; else it has ended)."""
        if self.process is not None:
            self.process.join()

    def cancel(self) -> None:
        """Stop the child (the caller failed for another reason)."""
        if not self.done and self.process is not None:
            self.process.terminate()
            self.process.join()
            self.conn.close()
            self.done = True


def map_forked(work: Callable[[Any], Any], jobs: Sequence[Any]) -> list[Any] | None:
    """`work` over `jobs` in forked worker processes, answers in order; None where that is
    not possible here or a worker failed (the caller then does the work itself)."""
    if not can_fork() or not jobs:
        return None
    import multiprocessing

    try:
        with multiprocessing.get_context("fork").Pool(min(workers(), len(jobs))) as pool:
            return pool.map(work, jobs, chunksize=1)
    except Exception:  # noqa: BLE001 — a failing worker pool only costs speed
        return None
