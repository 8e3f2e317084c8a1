"""`python -m flowc`: the same entry point as the `flowc` command."""

from flowc.compiler.cli import run

run()
