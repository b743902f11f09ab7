"""What every command shares: the error handling of the group, the --corpus and --store options,
opening the graph and writing an output ('-' is stdout)."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path

import click

from spinekg.core.errors import SpinekgError
from spinekg.core.files import write_atomic

__all__ = ["SpinekgGroup", "ended_by_signals", "corpus_option", "corpus_dir", "store_option", "open_graph", "emit"]


def emit(data: bytes, output: str) -> None:
    """Write ``data`` to stdout for '-', else to the file ``output`` atomically (a device such
    as /dev/null, a FIFO or /dev/stdout is written in place, a symlink is followed: see
    :func:`spinekg.core.files.atomic_output`)."""
    if output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        write_atomic(output, data)


@contextmanager
def ended_by_signals():
    """While a command runs, SIGTERM and SIGHUP end it the way Ctrl-C does: by an exception, so
    every ``finally`` runs (temporary files and folders removed, a server stopped); the exit code
    is 128 + the signal's number. Outside the main thread (or on a platform without them) nothing
    is changed."""
    import signal
    import threading

    wanted = [getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)]
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def end(signum, frame):
        raise SystemExit(128 + signum)

    previous = {signum: signal.signal(signum, end) for signum in wanted}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


class SpinekgGroup(click.Group):
    """Turn spinekg errors into one line and exit code 2 (tracebacks only with --debug); SIGTERM
    and SIGHUP clean up as Ctrl-C does (:func:`ended_by_signals`)."""

    def invoke(self, ctx: click.Context):
        try:
            with ended_by_signals():
                return super().invoke(ctx)
        except SpinekgError as err:
            if ctx.params.get("debug"):
                raise
            click.echo(f"spinekg: error: {err}", err=True)
            ctx.exit(2)
        except OSError as err:  # unreadable output location and the like
            if ctx.params.get("debug"):
                raise
            click.echo(f"spinekg: error: {err}", err=True)
            ctx.exit(2)


corpus_option = click.option(
    "--corpus", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="Folder of the source .txt documents (default: $SPINEKG_CORPUS). Quotes, offsets and hashes are checked against it.")


def corpus_dir(value: Path | None) -> Path | None:
    from spinekg.core.resources import default_corpus_dir

    return value if value is not None else default_corpus_dir()


store_option = click.option(
    "--store", default="memory", show_default=True, envvar="SPINEKG_STORE", metavar="STORE",
    help="Where the graph lives: memory (rdflib), oxigraph (in memory, fast) or oxigraph:PATH (a store "
         "folder: filled on first use, reopened without parsing later). Default: $SPINEKG_STORE or memory.")


def open_graph(graph_file: Path | None, corpus: Path | None = None, store: str | None = None):
    from spinekg.kg import load

    return load(graph_file, corpus=corpus, store=store)
