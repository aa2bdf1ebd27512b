"""Batch progress on stderr: done/total, failures, time taken and an estimate of the time left.

The estimate is the reports still to run divided by the rate measured *since the first report
of this run finished* (so kernel start-up and reports skipped as unchanged do not distort it),
shown only once a few reports have finished. The batch interleaves notebooks (it runs by
authority), so the rate so far is representative of what remains. On a terminal the line is
rewritten in place; otherwise (a log file, CI, ``make`` output captured) a line is printed
every ``every`` seconds and at the end.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

__all__ = ["Progress", "format_duration"]

#: Finished reports needed before an estimate is shown.
MIN_FOR_ESTIMATE = 3


def format_duration(seconds: float) -> str:
    """Return ``m:ss`` (or ``h:mm:ss``) for a number of seconds.

    Examples
    --------
    >>> format_duration(75.4), format_duration(3725)
    ('1:15', '1:02:05')
    """
    seconds = max(0, int(round(seconds)))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class Progress:
    """Progress of a batch of ``total`` reports, ``initial`` of them already up to date.

    Parameters
    ----------
    total : int
        Reports in the batch.
    initial : int
        Reports not re-run (unchanged); counted as done.
    failed : int
        How many of those unchanged reports had failed.
    enabled : bool
        False: print nothing.
    stream : file, optional
        Where to write (default ``sys.stderr``).
    every : float
        Seconds between lines when ``stream`` is not a terminal.
    clock : callable, optional
        Monotonic clock (tests pass a fake one).
    """

    def __init__(
        self,
        total: int,
        initial: int = 0,
        *,
        failed: int = 0,
        enabled: bool = True,
        stream: TextIO | None = None,
        every: float = 10.0,
        clock: object = None,
    ) -> None:
        self.total = total
        self.done = initial
        self.initial = initial
        self.failed = failed
        self.enabled = enabled and total > 0
        self.stream = stream if stream is not None else sys.stderr
        self.every = every
        self._clock = clock if callable(clock) else time.monotonic
        self.started = self._clock()
        self._first: float | None = None  # when the first report of this run finished
        self._last_print = -1e9
        isatty = getattr(self.stream, "isatty", None)
        self._tty = bool(isatty and isatty())
        if self.enabled:
            self._show(force=True)

    def remaining_seconds(self) -> float | None:
        """Return the estimated seconds left, or None while there is too little to go on."""
        ran = self.done - self.initial
        if ran < MIN_FOR_ESTIMATE or self._first is None:
            return None
        rate = (ran - 1) / max(1e-9, self._clock() - self._first)  # reports per second
        return (self.total - self.done) / rate if rate > 0 else None

    def line(self) -> str:
        """Return the progress text, e.g. ``reports 40/256 (15%), 1 failed, 0:45, ~4:10 left``."""
        pct = 100 * self.done / self.total if self.total else 100
        parts = [f"reports {self.done}/{self.total} ({pct:.0f}%)"]
        if self.initial:
            parts.append(f"{self.initial} unchanged")
        if self.failed:
            parts.append(f"{self.failed} failed")
        parts.append(f"{format_duration(self._clock() - self.started)} elapsed")
        left = self.remaining_seconds()
        if self.done < self.total:
            parts.append(
                "estimating time left" if left is None else f"~{format_duration(left)} left"
            )
        return ", ".join(parts)

    def update(self, ok: bool) -> None:
        """Count one finished report."""
        if self._first is None:
            self._first = self._clock()
        self.done += 1
        self.failed += not ok
        if self.enabled:
            self._show(force=self.done >= self.total)

    def _show(self, force: bool = False) -> None:
        now = self._clock()
        wait = 0.2 if self._tty else self.every
        if not force and now - self._last_print < wait:
            return
        self._last_print = now
        if self._tty:
            self.stream.write("\r\033[K" + self.line())
        else:
            self.stream.write(self.line() + "\n")
        self.stream.flush()

    def close(self) -> None:
        """Finish the progress line."""
        if self.enabled and self._tty:
            self.stream.write("\n")
            self.stream.flush()
