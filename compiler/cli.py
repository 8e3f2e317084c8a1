"""The `flowc` command line.

Start-up stays fast: this module imports only click, and each subcommand lives
in its own module under `compiler/commands/`, imported only when it runs (its
heavy imports - lark, pydantic, boto3, moto - happen inside the command).
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys

import click
from flowc.compiler import __version__, commands
from flowc.compiler.commands._options import ShortOptionsFirst, common_options

RECURSION_LIMIT = 12_000


class LazyGroup(ShortOptionsFirst, click.Group):
    """Subcommands discovered from `compiler/commands/*.py`, imported on use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(m.name.replace("_", "-") for m in pkgutil.iter_modules(commands.__path__)
                      if not m.name.startswith("_"))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.list_commands(ctx):
            return None
        module = importlib.import_module(f"{commands.__name__}.{name.replace('-', '_')}")
        return module.command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="flowc")
@common_options
def main() -> None:
    """flowc: write a serverless workflow once, deploy it as Step Functions or as an SQS chain.

    Shell completion (commands, options, rule codes): add `eval "$(_FLOWC_COMPLETE=bash_source flowc)"` to
    ~/.bashrc (zsh: `zsh_source` in ~/.zshrc; fish: `_FLOWC_COMPLETE=fish_source flowc | source`).
    """
    # Inputs nest up to flowc.dsl.limits.MAX_DOCUMENT_DEPTH levels and every stage walks them recursively
    # (a few frames per level); Python's default of 1,000 frames is too tight for that.
    sys.setrecursionlimit(max(sys.getrecursionlimit(), RECURSION_LIMIT))


def run() -> None:
    """Console entry point: a bug in flowc prints one line and exit status 3, not a traceback."""
    try:
        main(standalone_mode=True)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as err:  # last-resort guard for the CLI
        click.echo(f"flowc: internal error: {type(err).__name__}: {err}", err=True)
        click.echo("flowc: please report this with the input that caused it; FLOWC_DEBUG=1 shows the traceback",
                   err=True)
        if os.environ.get("FLOWC_DEBUG"):
            raise
        sys.exit(3)


if __name__ == "__main__":  # pragma: no cover
    run()
