"""Progress of long-running commands (``allmende generate``, ``allmende match``).

On a terminal a bar is redrawn in place::

    Objekte [#########...........] 45 % (45 000/100 000)

Otherwise (a log file, a pipe, CI) a line is written whenever another tenth is done or, for
slow steps, when two seconds have passed since the last line, and once at the end::

    Objekte: 45 000 von 100 000 (45 %)

Usage::

    with Progress(_("Properties"), total=len(rows), stream=self.stdout) as progress:
        for batch in batches:
            ...
            progress.advance(len(batch))

Services that should not know about terminals take a ``ProgressCallback`` instead and report
``(label, done, total)``; ``progress_for(stream)`` turns a stream into such a callback.
"""

import sys
import time
from collections.abc import Callable
from types import TracebackType
from typing import Protocol, Self

from django.core.management.base import OutputWrapper
from django.utils.translation import gettext as _

# (label, done, total): services call it after each batch; total 0 means nothing to do.
ProgressCallback = Callable[[str, int, int], None]

BAR_WIDTH = 30
# Non-terminal output: a line per tenth, or after this many seconds without one.
LINE_INTERVAL_S = 2.0
LINE_STEPS = 10
# Terminal output: redraw at most this often (the final state is always drawn).
REDRAW_INTERVAL_S = 0.1


class _Stream(Protocol):
    def write(self, text: str, /) -> object: ...


def format_count(number: int) -> str:
    """A whole number with spaces between groups of thousands: 100000 → "100 000"."""
    return f"{number:,}".replace(",", " ")


class Progress:
    """Progress of one step with a known number of items; see the module docstring."""

    def __init__(
        self,
        label: str,
        total: int,
        stream: _Stream | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.label = label
        self.total = max(0, total)
        self.done = 0
        self.stream: _Stream = stream if stream is not None else sys.stdout
        self.is_tty = _isatty(self.stream)
        self.closed = False
        self._clock = clock
        self._last_output = clock()
        self._last_step = 0
        self._drawn = False

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def fraction(self) -> float:
        """The share done, 0.0 … 1.0 (1.0 when there is nothing to do)."""
        return min(1.0, self.done / self.total) if self.total else 1.0

    @property
    def percent(self) -> int:
        return int(self.fraction * 100)

    def advance(self, n: int = 1) -> None:
        """Count ``n`` more items done and show it when it is time to."""
        if self.closed:
            return
        self.done = min(self.total, self.done + n) if self.total else self.done + n
        now = self._clock()
        if self.is_tty:
            if now - self._last_output >= REDRAW_INTERVAL_S or not self._drawn:
                self._draw_bar()
                self._last_output = now
            return
        step = int(self.fraction * LINE_STEPS)
        if self.done >= self.total:
            return  # the final line comes with close()
        if step > self._last_step or now - self._last_output >= LINE_INTERVAL_S:
            self._write_line()
            self._last_step = step
            self._last_output = now

    def set(self, done: int) -> None:
        """Set the number of items done (for callers that count in total, not in steps)."""
        self.advance(done - self.done)

    def close(self) -> None:
        """Show the final state once; later calls do nothing."""
        if self.closed:
            return
        self.closed = True
        if self.is_tty:
            self._draw_bar()
            self._write("\n")
        else:
            self._write_line()

    def _draw_bar(self) -> None:
        filled = round(self.fraction * BAR_WIDTH)
        bar = "#" * filled + "." * (BAR_WIDTH - filled)
        done, total = format_count(self.done), format_count(self.total)
        self._write(f"\r{self.label} [{bar}] {self.percent:3d} % ({done}/{total})")
        self._drawn = True

    def _write_line(self) -> None:
        self._write(
            _("%(label)s: %(done)s of %(total)s (%(percent)s %%)")
            % {
                "label": self.label,
                "done": format_count(self.done),
                "total": format_count(self.total),
                "percent": self.percent,
            }
            + "\n"
        )

    def _write(self, text: str) -> None:
        # Django's OutputWrapper would end every write with a newline, which breaks "\r".
        if isinstance(self.stream, OutputWrapper):
            self.stream.write(text, ending="")
        else:
            self.stream.write(text)
        flush = getattr(self.stream, "flush", None)
        if callable(flush):
            flush()


def _isatty(stream: object) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty()) if callable(isatty) else False
    except ValueError:  # a closed file
        return False


def progress_for(
    stream: _Stream | None = None, *, clock: Callable[[], float] = time.monotonic
) -> ProgressCallback:
    """A ``ProgressCallback`` that shows each label's progress on ``stream`` (default stdout).

    A new label (or a new total) starts a new ``Progress``; the previous one is closed first,
    and a label is closed as soon as ``done`` reaches ``total``. Steps with a total of 0 show
    nothing.
    """
    current: dict[str, Progress] = {}

    def report(label: str, done: int, total: int) -> None:
        progress = current.get("active")
        if total <= 0:  # nothing to do, nothing to show
            if progress is not None:
                progress.close()
            return
        if (
            progress is None
            or progress.closed
            or (progress.label, progress.total)
            != (
                label,
                max(0, total),
            )
        ):
            if progress is not None:
                progress.close()
            progress = Progress(label, total, stream, clock=clock)
            current["active"] = progress
        progress.set(done)
        if done >= total:
            progress.close()

    return report
