"""``python -m spinekg``."""

from spinekg.cli import main

main(prog_name="spinekg")
