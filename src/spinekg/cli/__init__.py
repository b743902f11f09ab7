"""The ``spinekg`` command line: a thin layer over the Python API.

Exit codes: 0 success; 1 the check asked for failed (reserved for validation); 2 bad input
(unreadable or malformed file, quote not in the text, unknown name). Errors are one line on
stderr; ``--debug`` shows the traceback.
"""

from __future__ import annotations

import click

from spinekg.cli import conflicts, diff, graph, ingest, query, report, server, validate
from spinekg.cli.options import SpinekgGroup
from spinekg.core.version import __version__

__all__ = ["main"]


@click.group(cls=SpinekgGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="spinekg")
@click.option("--debug", is_flag=True, help="Show tracebacks.")
def main(debug: bool) -> None:
    """spinekg: a knowledge graph of what clinics say about regenerative treatments for neck and
    back pain, with every claim traceable to the exact words of its source."""


# one module per command group; each adds its commands to the group
for _module in (graph, ingest, validate, query, conflicts, report, diff, server):
    _module.register(main)

if __name__ == "__main__":  # pragma: no cover
    main()
