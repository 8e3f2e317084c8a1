from __future__ import annotations

import sys
from pathlib import Path

import click
from flowc.compiler.commands._options import (
    Command,
    common_options,
    complete_rule_codes,
    console,
    format_option,
    output_option,
)
from flowc.compiler.commands._stdin import stdin_filename_option

FORMATS = ["text", "json", "sarif", "github"]


@click.command(cls=Command)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path, allow_dash=True))
@format_option(FORMATS, help="text (with code frames), json, sarif (2.1.0, GitHub code scanning), github "
                             "(annotations).")
@output_option(help="Write the report to a file instead of standard output.")
@click.option("--strict", is_flag=True, help="Warnings fail the run too (exit status 1).")
@click.option("--select", multiple=True, metavar="CODE", shell_complete=complete_rule_codes,
              help="Only these rules (codes or prefixes; repeatable).")
@click.option("--ignore", multiple=True, metavar="CODE", shell_complete=complete_rule_codes,
              help="Skip these rules (codes or prefixes; repeatable).")
@click.option("--substitutions", type=click.Path(exists=True, dir_okay=False),
              help="JSON/YAML file of ${Placeholder} values (DefinitionSubstitutions).")
@click.option("--workflow-type", type=click.Choice(["standard", "express"], case_sensitive=False),
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
    from flowc.compiler.lint import formatters
    from flowc.compiler.lint.config import ConfigError, check_codes, load_config, load_substitutions
    from flowc.compiler.lint.discovery import Target, discover
    from flowc.compiler.lint.runner import Options, lint_targets, lint_text
    from flowc.compiler.rules import all_rules

    try:
        config = load_config(config_file)
        config.validate(all_rules())
        check_codes(select, "--select", all_rules())
        check_codes(ignore, "--ignore", all_rules())
        config.merge_cli(select=list(select), ignore=list(ignore), strict=strict)
        subs_file = substitutions or config.substitutions
        subs = load_substitutions(subs_file) if subs_file else None
    except (ConfigError, OSError, ValueError) as err:
        click.echo(f"flowc lint: {err}", err=True)
        sys.exit(2)
    options = Options(config, subs, workflow_type.upper() if workflow_type else None)
    progress = None
    out = console()
    stdin = _stdin.read(paths, stdin_filename)
    if stdin is not None:
        targets = [Target(str(stdin.path), stdin_kind(stdin))]
        reports = [lint_text(targets[0], stdin.text, options)]
    else:
        targets = discover(list(paths) or [Path(".")], config.excluded, sniff_named=by_content)
        if not no_progress and len(targets) >= 50 and out.interactive(sys.stderr):
            progress = _progress_bar(len(targets))
        reports = lint_targets(targets, options, jobs=jobs, progress=progress, process_ends=True)
    if progress:
        click.echo("\r\033[K", nl=False, err=True)
    diagnostics = [d for r in reports for d in r.diagnostics]
    from flowc.dsl.diagnostics import SourceCache

    sources = SourceCache()
    for r in reports:
        if r.text is not None:
            sources.add(r.path, r.text)
    stream = output.open("w", encoding="utf-8") if output else None
    try:
        if fmt == "text":
            color = out.use_color(stream or sys.stdout)
            body = formatters.text(diagnostics, color=color, sources=sources)
            if body:
                click.echo(body, file=stream, color=color)
            out.info(formatters.summary_line(diagnostics, len(targets)))
        elif fmt == "json":
            click.echo(formatters.as_json(diagnostics), file=stream)
        elif fmt == "sarif":
            click.echo(formatters.sarif(diagnostics, sources=sources), file=stream)
        else:
            body = formatters.github(diagnostics)
            if body:
                click.echo(body, file=stream)
            _github_summary(diagnostics, len(targets))
            out.info(formatters.summary_line(diagnostics, len(targets)))
    finally:
        if stream:
            stream.close()
    failing = {"error", "warning"} if config.strict else {"error"}
    sys.exit(1 if any(d.severity.value in failing for d in diagnostics) else 0)


def stdin_kind(stdin) -> str:
    """The front end for standard input, from the name it is given: `.flow`, a template, or ASL."""
    from flowc.compiler.lint.discovery import FLOW_SUFFIXES
    from flowc.compiler.lint.embedded import looks_like_template

    name = stdin.path.name.lower()
    if name.endswith(FLOW_SUFFIXES):
        return "flow"
    return "template" if looks_like_template(stdin.text, stdin.path.name) else "asl"


def _github_summary(diagnostics: list, files: int) -> None:
    """Every finding as a table in the job summary when GitHub would drop annotations past its limits."""
    import os

    from flowc.compiler.lint import formatters

    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if not target or not formatters.annotations_dropped(diagnostics):
        return
    try:
        with open(target, "a", encoding="utf-8") as summary:
            summary.write(formatters.step_summary(diagnostics, files))
    except OSError as err:
        click.echo(f"flowc lint: cannot write the step summary {target}: {err.strerror or err}", err=True)


def _progress_bar(total: int):
    width = 30

    def show(done: int, of: int) -> None:
        filled = width * done // of
        click.echo(f"\r[{'#' * filled}{' ' * (width - filled)}] {done}/{of} files", nl=False, err=True)

    return show
