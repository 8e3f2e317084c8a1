from __future__ import annotations

import sys
from pathlib import Path

import click
from flowc.compiler.commands._output import print_diagnostics, summary

# target name -> module with `render(result, out_dir, sources) -> {relative path: text}`
TARGETS = {"asl": "flowc.targets.asl.target", "sqs": "flowc.targets.sqs.target"}


def available_targets() -> list[str]:
    import importlib.util

    return [name for name, module in TARGETS.items() if importlib.util.find_spec(module) is not None]


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--target", "-t", type=click.Choice(sorted(TARGETS)), default="asl", show_default=True,
              help="asl: Step Functions (ASL + SAM); sqs: Lambdas chained by SQS queues (SAM + runtime).")
@click.option("--out", "-o", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Directory to write into (created if missing).")
@click.option("--force", is_flag=True, help="Overwrite files in --out that flowc did not write (or that were edited).")
def command(files: tuple[Path, ...], target: str, out_dir: Path, force: bool) -> None:
    """Compile FILES to deployable output in --out."""
    from flowc.compiler.pipeline import paused_gc

    with paused_gc(process_ends=True):
        _compile(files, target, out_dir, force)


def _compile(files: tuple[Path, ...], target: str, out_dir: Path, force: bool) -> None:
    import importlib

    from flowc.compiler.pipeline import analyse
    from flowc.targets.output import application_of, write_outputs

    if target not in available_targets():
        raise click.UsageError(f"target '{target}' is not available in this installation")
    result = analyse(list(files))
    errors, warnings = print_diagnostics(result.diagnostics)
    if not result.ok or result.program is None:
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
    click.echo(f"compiled {len(result.program.workflows)} workflow(s) to {out_dir} ({target}; "
               f"{summary(errors, warnings)})", err=True)
