"""`flowc lint` as a click command; what it does is `_lint_run.run_lint` (also run without click)."""
from __future__ import annotations

from pathlib import Path

import click
from flowc.compiler.commands._lint_run import FORMATS, WORKFLOW_TYPES, run_lint
from flowc.compiler.commands._options import (
    Command,
    common_options,
    complete_rule_codes,
    console,
    format_option,
    output_option,
)
from flowc.compiler.commands._stdin import stdin_filename_option


@click.command(cls=Command)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path, allow_dash=True))
@format_option(list(FORMATS), help="text (with code frames), json, sarif (2.1.0, GitHub code scanning), "
                                   "github (annotations).")
@output_option(help="Write the report to a file instead of standard output.")
@click.option("--strict", is_flag=True, help="Warnings fail the run too (exit status 1).")
@click.option("--select", multiple=True, metavar="CODE", shell_complete=complete_rule_codes,
              help="Only these rules (codes or prefixes; repeatable).")
@click.option("--ignore", multiple=True, metavar="CODE", shell_complete=complete_rule_codes,
              help="Skip these rules (codes or prefixes; repeatable).")
@click.option("--substitutions", type=click.Path(exists=True, dir_okay=False),
              help="JSON/YAML file of ${Placeholder} values (DefinitionSubstitutions).")
@click.option("--workflow-type", type=click.Choice(list(WORKFLOW_TYPES), case_sensitive=False),
              help="Type of the state machines in raw ASL files (enables EXPRESS checks).")
@click.option("--config", "config_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="pyproject.toml to read [tool.flowc.lint] from (default: the nearest one).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), help="Processes to lint with (default: automatic).")
@click.option("--no-progress", is_flag=True, help="Never show a progress bar.")
@click.option("--by-content", is_flag=True,
              help="Named files too are linted only when they are workflows by name or content, as in a "
                   "directory (the pre-commit hook passes every JSON and YAML file).")
@stdin_filename_option
@common_options
def command(paths: tuple[Path, ...], fmt: str, output: Path | None, strict: bool, select: tuple[str, ...],
            ignore: tuple[str, ...], substitutions: str | None, workflow_type: str | None,
            config_file: Path | None, jobs: int | None, no_progress: bool, by_content: bool,
            stdin_filename: str | None) -> None:
    """Lint workflows: `.flow` / `.flow.yaml` sources, ASL (`*.asl.json`, `*.asl.yaml`, and any JSON or
    YAML file with StartAt and States) and definitions embedded in serverless.yml, SAM and CloudFormation
    templates. PATHS default to the current directory; in directories, files flowc generated (its
    manifest) and files git ignores are skipped.

    Exit status: 0 clean, 1 errors (or warnings with --strict), 2 usage or configuration error.
    """
    from flowc.compiler.commands import _stdin

    run_lint(paths, fmt, output, strict, select, ignore, substitutions, workflow_type, config_file, jobs,
             no_progress, by_content, lambda: _stdin.read(paths, stdin_filename), console())
