"""The `flowc` command line.

Start-up stays fast: the click group (`compiler/commands/_group.py`) imports only click, and each
subcommand lives in its own module under `compiler/commands/`, imported only when it runs (its heavy
imports - lark, pydantic, boto3, moto - happen inside the command). A plain `flowc lint ...` command line
does not even import click (`compiler/commands/_lint_run.py`): a CI job linting raw ASL would spend more
on click than on linting. `main`, the click group, is still importable from here.
"""

from __future__ import annotations

import os
import sys
from typing import Any

# Inputs nest up to flowc.dsl.limits.MAX_DOCUMENT_DEPTH levels and every stage walks them recursively
# (a few frames per level); Python's default of 1,000 frames is too tight for that.
RECURSION_LIMIT = 12_000


def __getattr__(name: str) -> Any:
    """`main` and `LazyGroup` come from the click group module, imported (with click) on first use."""
    if name in ("main", "LazyGroup"):
        from flowc.compiler.commands import _group

        return getattr(_group, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def run() -> None:
    """Console entry point: a bug in flowc prints one line and exit status 3, not a traceback."""
    from flowc.compiler.commands._console import echo

    try:
        if sys.argv[1:2] == ["lint"]:
            from flowc.compiler.commands._lint_run import fast_lint

            fast_lint(sys.argv[2:])  # exits when it ran the command; returns when click should read it
        from flowc.compiler.commands._group import main

        main(standalone_mode=True)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as err:  # last-resort guard for the CLI
        echo(f"flowc: internal error: {type(err).__name__}: {err}", err=True)
        echo("flowc: please report this with the input that caused it; FLOWC_DEBUG=1 shows the traceback",
             err=True)
        if os.environ.get("FLOWC_DEBUG"):
            raise
        sys.exit(3)


if __name__ == "__main__":  # pragma: no cover
    run()
