"""The terminal progress display of a grid: runs done, failures and an ETA."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any

from analysis.runformat import Status


def _clock(seconds: float) -> str:
    seconds = int(round(seconds))
    return (
        f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
        if seconds >= 3600
        else f"{seconds // 60:02d}:{seconds % 60:02d}"
    )


class Progress:
    """Runs done with an ETA: the mean time per run finished in this session times the runs left
    (steady, as ``grid`` mixes the algorithms evenly along the queue).

    On a terminal: a tqdm bar when installed. Otherwise (a log file): one line at every tenth of
    the grid and at least every ``every_s`` seconds, each state printed once.
    """

    def __init__(
        self,
        total: int,
        initial: int = 0,
        stream: Any = None,
        every_s: float = 60.0,
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        self.total, self.initial, self.every_s, self.clock = total, initial, every_s, clock
        self.stream = stream if stream is not None else sys.stderr
        self.start = self.last_t = clock()
        self.failed: list[dict[str, Any]] = []
        self.done = 0
        self.last_line: int | None = None  # runs done at the last line printed (no terminal)
        self.bar = None
        if getattr(self.stream, "isatty", lambda: False)():
            try:
                from tqdm import tqdm

                self.bar = tqdm(
                    total=total,
                    initial=initial,
                    unit="run",
                    dynamic_ncols=True,
                    file=self.stream,
                    mininterval=0.5,
                    smoothing=0,
                )
            except ImportError:
                pass

    def eta_s(self) -> float | None:
        """Seconds left, from the mean time per run so far in this session."""
        if not self.done:
            return None
        return (self.clock() - self.start) / self.done * (self.total - self.initial - self.done)

    def line(self) -> str:
        n = self.initial + self.done
        eta = self.eta_s()
        failed = f", {len(self.failed)} failed" if self.failed else ""
        # floored, as the tenths are, so a line just before a tenth never shows that tenth's percentage
        return (
            f"{n}/{self.total} runs ({100 * n // max(1, self.total)}%){failed}, "
            f"{_clock(self.clock() - self.start)} elapsed, ETA {'?' if eta is None else _clock(eta)}"
        )

    def __call__(self, summary: dict[str, Any]) -> None:
        self.done += 1
        if summary["status"] == Status.FAILED:
            self.failed.append(summary)
        if self.bar is not None:
            self.bar.update(1)
            if self.failed:
                self.bar.set_postfix(failed=len(self.failed))
            return
        n, now = self.initial + self.done, self.clock()
        tenth = lambda k: 10 * k // max(1, self.total)  # noqa: E731
        if tenth(n) > tenth(n - 1) or now - self.last_t >= self.every_s:
            self._print()

    def _print(self) -> None:
        print(self.line(), file=self.stream, flush=True)
        self.last_line, self.last_t = self.done, self.clock()

    def close(self) -> None:
        """End the bar; without a terminal, print the last state unless it is already printed."""
        if self.bar is not None:
            self.bar.close()
        elif self.last_line != self.done and self.done:
            self._print()
