"""The `flowc` click group: subcommands discovered from `compiler/commands/*.py`, imported on use.

`flowc.compiler.cli` (the console entry point) imports this only when click is needed: a plain
`flowc lint ...` runs without click (see `_lint_run.fast_lint`).
"""

from __future__ import annotations

import importlib
import pkgutil
import sys

import click
from flowc.compiler import __version__, commands
from flowc.compiler.cli import RECURSION_LIMIT
from flowc.compiler.commands._options import ShortOptionsFirst, common_options


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
    sys.setrecursionlimit(max(sys.getrecursionlimit(), RECURSION_LIMIT))
