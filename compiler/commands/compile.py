from __future__ import annotations

import sys
from pathlib import Path

import click
from flowc.compiler.commands._options import common_options, console, output_option
from flowc.compiler.commands._output import print_diagnostics, summary
from flowc.compiler.commands._stdin import stdin_filename_option
from flowc.targets import TARGETS  # target name -> module with `render(result, out_dir, sources)`


def available_targets() -> list[str]:
    import importlib.util

    return [name for name, module in TARGETS.items() if importlib.util.find_spec(module) is not None]


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, allow_dash=True))
@click.option("--target", "-t", type=click.Choice(sorted(TARGETS)), default="asl", show_default=True,
              help="asl: Step Functions (ASL + SAM); sqs: Lambdas chained by SQS queues (SAM + runtime).")
@output_option(directory=True, required=True, aliases=("--out",),
               help="Directory to write into (created if missing).")
@click.option("--force", is_flag=True, help="Overwrite files in --output that flowc did not write (or that were "
                                            "edited).")
@stdin_filename_option
@common_options
def command(files: tuple[Path, ...], target: str, output: Path, force: bool, stdin_filename: str | None) -> None:
    """Compile FILES (`.flow` / `.flow.yaml` files, or directories of them) to deployable output in --output.

    Nothing is written when `flowc check` would report an error (rules at their [tool.flowc.lint] severity).
    """
    out_dir = output
    from flowc.compiler.commands import _stdin
    from flowc.compiler.pipeline import paused_gc

    stdin = _stdin.read(files, stdin_filename)
    with paused_gc(process_ends=True):
        _compile(files, target, out_dir, force, stdin)


def _compile(files: tuple[Path, ...], target: str, out_dir: Path, force: bool, stdin=None) -> None:
    import importlib

    from flowc.compiler.commands._verdict import analyse_sources
    from flowc.targets.output import application_of, write_outputs

    if target not in available_targets():
        raise click.UsageError(f"target '{target}' is not available in this installation")
    analysis = analyse_sources(files, "compile", stdin)
    if stdin is not None:
        files = (stdin.path,)
    result = analysis.result
    errors, warnings = print_diagnostics(analysis.diagnostics)
    if not analysis.ok or result.program is None:
        click.echo(f"{summary(errors, warnings)}; nothing written", err=True)
        sys.exit(1)
    module = importlib.import_module(TARGETS[target])
    # A target may refuse constructs it cannot reproduce faithfully: `check(result) -> [Diagnostic]`.
    target_check = getattr(module, "check", None)
    if target_check is not None:
        refused = target_check(result)
        more_errors, more_warnings = print_diagnostics(refused)
        errors, warnings = errors + more_errors, warnings + more_warnings
        if more_errors:
            click.echo(f"{summary(errors, warnings)}; nothing written", err=True)
            sys.exit(1)
    outputs = module.render(result, out_dir, [str(f) for f in files])
    application = application_of(target, list(files), out_dir)
    problems = write_outputs(out_dir, outputs, force=force, application=application)
    more_errors, more_warnings = print_diagnostics(problems)
    if more_errors:
        sys.exit(1)
    warnings += more_warnings
    for rel in sorted(outputs):
        click.echo(str(out_dir / rel))
    console().info(f"compiled {len(result.program.workflows)} workflow(s) to {out_dir} ({target}; "
                   f"{summary(errors, warnings)})")
