"""Progress on stderr for the commands that take a while (build, validate, export).

A command names its phases ("compile", "check shapes", "render report") and steps through them;
:func:`phases` shows them with `tqdm <https://tqdm.github.io/>`_ as one line on stderr, with the
time spent so far, but only when stderr is a terminal and only once the work has taken
:data:`DELAY` seconds: a quick command, a pipe, a file or a CI log sees nothing, and stdout (the
command's data) is never written to. The lower layers know nothing of it: the CLI steps between
the calls it makes (a long call still shows its time running, refreshed by a timer thread).
"""

from __future__ import annotations

import sys
import threading
from contextlib import contextmanager
from typing import Iterator, Sequence, TextIO

__all__ = ["DELAY", "Phases", "phases", "on_terminal"]

#: seconds of work before the progress line appears
DELAY = 2.0
_TICK = 0.5


def on_terminal(stream: TextIO | None = None) -> bool:
    """Whether ``stream`` (default: stderr) is a terminal."""
    stream = sys.stderr if stream is None else stream
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # closed or not a file
        return False


def _size(stream: TextIO) -> tuple[int, int]:
    """The terminal's columns and lines (80 and 24 when it does not say: a new pseudo-terminal
    reports 0, which tqdm would take as no room for a line at all)."""
    import os

    try:
        size = os.get_terminal_size(stream.fileno())
    except (AttributeError, OSError, ValueError):
        return 80, 24
    return size.columns or 80, size.lines or 24


class Phases:
    """The phases of one command; :meth:`step` moves to the next one."""

    def __init__(self, what: str, names: Sequence[str], bar=None):
        self.what = what
        self.names = list(names)
        self.bar = bar
        self.index = 0

    def step(self, name: str | None = None) -> None:
        """The previous phase is done; ``name`` (default: the next of the names given) starts."""
        self.index += 1
        if self.bar is None:
            return
        shown = name or (self.names[self.index] if self.index < len(self.names) else "done")
        self.bar.set_description_str(f"{self.what}: {shown}", refresh=False)
        self.bar.update(1)


@contextmanager
def phases(what: str, names: Sequence[str], *, stream: TextIO | None = None, delay: float = DELAY,
           enabled: bool = True) -> Iterator[Phases]:
    """A :class:`Phases` for ``names``; shown on ``stream`` (default stderr) only when ``enabled``
    and ``stream`` is a terminal, after ``delay`` seconds; the line is removed at the end."""
    stream = sys.stderr if stream is None else stream
    if not names or not enabled or not on_terminal(stream):
        yield Phases(what, names)
        return
    from tqdm import tqdm

    columns, lines = _size(stream)
    bar = tqdm(total=len(names), desc=f"{what}: {names[0]}", file=stream, leave=False, delay=delay,
               bar_format="{desc} ({n_fmt}/{total_fmt}, {elapsed})", ncols=columns, nrows=lines)
    stop = threading.Event()

    def tick() -> None:  # a long phase still shows its elapsed time
        if stop.wait(delay):
            return
        while not stop.is_set():
            bar.refresh()
            stop.wait(_TICK)

    timer = threading.Thread(target=tick, name="spinekg-progress", daemon=True)
    timer.start()
    try:
        yield Phases(what, names, bar)
    finally:
        stop.set()
        timer.join()
        bar.close()
