"""Repeated measurements (median with min–max) and fits measured in a fresh Python process."""

from __future__ import annotations

import multiprocessing
import resource
import statistics
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self

# ru_maxrss is in kibibytes on Linux and in bytes on macOS.
_MAXRSS_BYTES = 1 if sys.platform == "darwin" else 1024


@dataclass(frozen=True)
class Runs:
    """Repeated values of one measurement; the table shows the median with min–max.

    >>> Runs((3.0, 1.0, 2.0)).median, Runs((3.0, 1.0, 2.0)).low, Runs((3.0, 1.0, 2.0)).high
    (2.0, 1.0, 3.0)
    """

    values: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    @property
    def low(self) -> float:
        return min(self.values)

    @property
    def high(self) -> float:
        return max(self.values)

    def per_second(self, amount: float) -> Runs:
        """Throughput runs (``amount`` per second) from runs of seconds.

        >>> Runs((2.0, 4.0)).per_second(100).values
        (50.0, 25.0)
        """
        return Runs(tuple(amount / seconds for seconds in self.values))


def time_runs(task: Callable[[], Any], *, repeats: int) -> Runs:
    """Seconds for each of ``repeats`` calls of ``task`` (wall clock).

    >>> len(time_runs(lambda: sum(range(10)), repeats=3).values)
    3
    """
    seconds = []
    for _ in range(repeats):
        started = time.perf_counter()
        task()
        seconds.append(time.perf_counter() - started)
    return Runs(tuple(seconds))


def peak_rss_mb() -> float:
    """This process's peak resident memory so far, in MB.

    Linux: ``VmHWM`` of /proc/self/status. Not ``ru_maxrss``, which Linux carries across exec, so a
    spawned child's would start at its parent's peak. Elsewhere ``ru_maxrss``.

    >>> peak_rss_mb() > 1
    True
    """
    status = Path("/proc/self/status")
    if status.is_file():
        for line in status.read_text(encoding="ascii").splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024 / 1e6  # kB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * _MAXRSS_BYTES / 1e6


@dataclass(frozen=True)
class Measured:
    """One call measured inside its process: wall-clock seconds, and peak RSS before and after it."""

    seconds: float
    peak_mb: float
    before_mb: float


def measured(task: Callable[[], Any]) -> Measured:
    """Call ``task`` once and measure its time and this process's peak RSS around it."""
    before = peak_rss_mb()
    started = time.perf_counter()
    task()
    seconds = time.perf_counter() - started
    return Measured(seconds=seconds, peak_mb=peak_rss_mb(), before_mb=before)


class FreshProcesses:
    """Runs each call in a new spawned Python process, so one fit's memory never counts in another's.

    ``reuse=True`` keeps one worker for every call (fast smoke runs; peaks then accumulate).

    >>> with FreshProcesses() as processes:  # doctest: +SKIP
    ...     processes.run(fit_in_child, "articles.parquet")
    """

    def __init__(self, *, reuse: bool = False) -> None:
        self.reuse = reuse
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> Self:
        self._pool = ProcessPoolExecutor(
            max_workers=1,
            mp_context=multiprocessing.get_context("spawn"),
            max_tasks_per_child=None if self.reuse else 1,
        )
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._pool is not None
        self._pool.shutdown()

    def run(self, function: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        """``function(*args, **kwargs)`` in the worker; ``function`` must be importable by name."""
        assert self._pool is not None, "use FreshProcesses as a context manager"
        return self._pool.submit(function, *args, **kwargs).result()
