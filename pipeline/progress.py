"""Progress of long jobs: a tracker (count, total, rate, ETA) and the sinks that show it.

A driver makes one :class:`ProgressTracker` per job, updates it after every step and hands
it to a sink (any ``Callable[[ProgressTracker], None]``), then calls ``finish`` and hands it
over once more::

    tracker = ProgressTracker("triage", "mol", total=50_000)
    for count in ...:
        tracker.update(count)
        sink(tracker)
    tracker.finish()
    sink(tracker)

Sinks: :class:`LogProgress` writes one INFO line on the ``pipeline.progress`` logger at most
every few seconds and always at the end (logs, pipes, Prefect run logs);
:class:`TerminalProgress` draws rich bars on a terminal. One sink can show several jobs in
turn (triage, then a campaign).
"""

from __future__ import annotations

import logging
import time
import weakref
from collections.abc import Callable
from types import TracebackType

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

Clock = Callable[[], float]
PROGRESS_LOGGER = "pipeline.progress"


def format_duration(seconds: float) -> str:
    """``"39 s"``, ``"12 min 05 s"`` or ``"2 h 05 min"`` for a duration in seconds."""
    whole = max(0, round(seconds))
    if whole < 60:
        return f"{whole} s"
    minutes, secs = divmod(whole, 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def format_rate(per_second: float, unit: str) -> str:
    """``"980 mol/s"``, ``"2.5 mol/s"`` or, below one per second, ``"1.4 calls/min"``."""
    if per_second >= 10:
        return f"{per_second:,.0f} {unit}/s"
    if per_second >= 1:
        return f"{per_second:.1f} {unit}/s"
    return f"{per_second * 60:.2g} {unit}/min"


class ProgressTracker:
    """Count, total, rate and ETA of one job (pure: the clock is injected).

    Attributes:
        label: what runs, e.g. ``"triage"``.
        unit: what is counted, e.g. ``"mol"``, ``"calls"``, ``"epochs"``.
        total: planned count, or None when unknown; an estimate grows to the count when the
            count passes it, and becomes the count when the job finishes complete.
        count: done so far (including ``start_count``, work done by an earlier run).
        done: True once :meth:`finish` was called.
    """

    def __init__(
        self,
        label: str,
        unit: str,
        total: int | None = None,
        *,
        start_count: int = 0,
        clock: Clock = time.monotonic,
    ) -> None:
        self.label, self.unit, self.total = label, unit, total
        self.count = self._start_count = start_count
        self.done = False
        self._clock = clock
        self.started = clock()
        self._ended: float | None = None

    def update(self, count: int) -> None:
        """Set the count done so far."""
        self.count = count
        if self.total is not None and count > self.total:
            self.total = count

    def advance(self, n: int = 1) -> None:
        """Add ``n`` to the count."""
        self.update(self.count + n)

    def finish(self, *, complete: bool = True) -> None:
        """Stop the clock; ``complete`` (the job did all it had to) makes the total the count."""
        self.done = True
        self._ended = self._clock()
        if complete and self.total is not None:
            self.total = self.count

    @property
    def elapsed(self) -> float:
        """Seconds since the tracker was made (until :meth:`finish`)."""
        end = self._ended if self._ended is not None else self._clock()
        return max(0.0, end - self.started)

    @property
    def rate(self) -> float:
        """Units per second done by this run (``start_count`` excluded); 0 before any."""
        elapsed = self.elapsed
        return (self.count - self._start_count) / elapsed if elapsed > 0 else 0.0

    @property
    def fraction(self) -> float | None:
        """Done fraction in [0, 1]; None without a total (1 for a total of 0)."""
        if self.total is None:
            return None
        return min(1.0, self.count / self.total) if self.total > 0 else 1.0

    @property
    def eta_seconds(self) -> float | None:
        """Seconds left at the current rate; None without a total or before any progress."""
        if self.total is None:
            return None
        left = max(0, self.total - self.count)
        if self.done or left == 0:
            return 0.0
        rate = self.rate
        return left / rate if rate > 0 else None

    def count_text(self) -> str:
        """``"12,000/50,000 mol (24%)"``, or ``"12,000 mol"`` without a total."""
        if self.total is None or self.fraction is None:
            return f"{self.count:,} {self.unit}"
        return f"{self.count:,}/{self.total:,} {self.unit} ({self.fraction:.0%})"

    def rate_text(self) -> str:
        """``"980 mol/s"``; ``""`` before any progress."""
        return format_rate(self.rate, self.unit) if self.rate > 0 else ""

    def eta_text(self) -> str:
        """``"ETA 39 s"``, ``"done in 51 s"`` when finished; ``""`` when unknown."""
        if self.done:
            return f"done in {format_duration(self.elapsed)}"
        eta = self.eta_seconds
        return "" if eta is None else f"ETA {format_duration(eta)}"

    def line(self) -> str:
        """``"triage: 12,000/50,000 mol (24%) 980 mol/s, ETA 39 s"``."""
        tail = ", ".join(t for t in (self.rate_text(), self.eta_text()) if t)
        return f"{self.label}: {self.count_text()}" + (f" {tail}" if tail else "")


ProgressSink = Callable[[ProgressTracker], None]


class LogProgress:
    """A sink writing ``tracker.line()`` as one INFO record on ``pipeline.progress``: the
    first after ``interval_seconds`` of a job, then at most one per interval, and always one
    when the job finishes.

    Makes sure INFO records of ``pipeline.progress`` pass, unless that logger's level was
    set explicitly (``logging.getLogger("pipeline.progress").setLevel(...)`` wins).
    """

    def __init__(
        self,
        interval_seconds: float = 5.0,
        *,
        logger: logging.Logger | None = None,
        clock: Clock = time.monotonic,
    ) -> None:
        self.interval_seconds = interval_seconds
        self.logger = logger or logging.getLogger(PROGRESS_LOGGER)
        if self.logger.level == logging.NOTSET:
            self.logger.setLevel(logging.INFO)
        self._clock = clock
        self._last: weakref.WeakKeyDictionary[ProgressTracker, float] = weakref.WeakKeyDictionary()
        self._closed: weakref.WeakSet[ProgressTracker] = weakref.WeakSet()

    def __call__(self, tracker: ProgressTracker) -> None:
        if tracker in self._closed:
            return
        now = self._clock()
        if tracker.done:
            self._closed.add(tracker)
        elif now - self._last.get(tracker, tracker.started) < self.interval_seconds:
            return
        self._last[tracker] = now
        self.logger.info("%s", tracker.line())


class TerminalProgress:
    """A sink drawing one rich bar per job on a terminal: label, bar, count/total with the
    percentage, rate, ETA and elapsed time. Use it as a context manager (it starts and stops
    the live display); print other lines through :attr:`console` to keep them above the bars.
    """

    def __init__(self, console: Console | None = None) -> None:
        self.console = console or Console(stderr=True)
        self._bars = Progress(
            TextColumn("{task.description}", markup=False),
            BarColumn(),
            TextColumn("{task.fields[count]}", markup=False),
            TextColumn("{task.fields[rate]}", markup=False),
            TextColumn("{task.fields[eta]}", markup=False),
            TimeElapsedColumn(),
            console=self.console,
        )
        self._tasks: weakref.WeakKeyDictionary[ProgressTracker, TaskID] = (
            weakref.WeakKeyDictionary()
        )

    def __enter__(self) -> TerminalProgress:
        self._bars.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._bars.stop()

    def __call__(self, tracker: ProgressTracker) -> None:
        task = self._tasks.get(tracker)
        if task is None:
            task = self._bars.add_task(tracker.label, total=None, count="", rate="", eta="")
            self._tasks[tracker] = task
        self._bars.update(
            task,
            completed=tracker.count,
            total=tracker.total,
            refresh=True,
            count=tracker.count_text(),
            rate=tracker.rate_text(),
            eta=tracker.eta_text(),
        )
        if tracker.done:
            self._bars.stop_task(task)


def stepper(tracker: ProgressTracker, sink: ProgressSink) -> Callable[[], None]:
    """A callback for one step done: advances ``tracker`` by one and shows it on ``sink``
    (for drivers that hand a per-step callback down, e.g. ``on_epoch``)."""

    def step() -> None:
        tracker.advance()
        sink(tracker)

    return step


def no_progress(tracker: ProgressTracker) -> None:
    """The sink that shows nothing (drivers use it when given ``progress=None``)."""
