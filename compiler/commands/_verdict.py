"""The one analysis `check` and `compile` share with `lint`: every rule at its configured severity."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click


def analyse_sources(paths: tuple[Path, ...], command: str, stdin: Any = None) -> Any:
    """Analyse PATHS (files, or directories of `.flow` sources) under `[tool.flowc.lint]`; `stdin` (a
    `_stdin.StdinSource`) is analysed instead when the path is `-`.

    Returns a `flowc.compiler.lint.runner.FlowAnalysis`; a configuration error exits 2, a directory
    without workflow sources is a usage error.
    """
    from flowc.compiler.lint.config import ConfigError, load_config
    from flowc.compiler.lint.discovery import flow_sources
    from flowc.compiler.lint.runner import Options, analyse_flow
    from flowc.compiler.rules import all_rules

    try:
        config = load_config()
        config.validate(all_rules())
    except ConfigError as err:
        click.echo(f"flowc {command}: {err}", err=True)
        sys.exit(2)
    if stdin is not None:
        name = str(stdin.path)
        return analyse_flow([name], Options(config), {name: stdin.text}, stdin.sources)
    files = flow_sources(list(paths), config.excluded)
    if not files:
        raise click.UsageError(f"no .flow or .flow.yaml files under {', '.join(str(p) for p in paths)}")
    return analyse_flow(files, Options(config))
