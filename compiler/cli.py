"""The `flowc` command line.

Start-up stays fast: this module imports only click; each command imports what
it needs (lark, pydantic, boto3, moto...) when it runs.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from compiler import __version__

# target name -> module with `render(result, out_dir, sources) -> {relative path: text}`
TARGETS = {"asl": "targets.asl.target", "sqs": "targets.sqs.target"}


def _available_targets() -> list[str]:
    import importlib.util

    return [name for name, module in TARGETS.items() if importlib.util.find_spec(module) is not None]


def _print_diagnostics(diagnostics, *, stream=None) -> tuple[int, int]:
    from dsl.diagnostics import render

    stream = stream or sys.stderr
    color = hasattr(stream, "isatty") and stream.isatty()
    errors = warnings = 0
    for d in diagnostics:
        click.echo(render(d, color=color), file=stream)
        if d.severity.value == "error":
            errors += 1
        elif d.severity.value == "warning":
            warnings += 1
    return errors, warnings


def _summary(errors: int, warnings: int) -> str:
    def plural(n: int, word: str) -> str:
        return f"{n} {word}{'' if n == 1 else 's'}"

    return f"{plural(errors, 'error')}, {plural(warnings, 'warning')}"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="flowc")
def main() -> None:
    """flowc: write a serverless workflow once, deploy it as Step Functions or as an SQS chain."""


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def check(files: tuple[Path, ...], fmt: str) -> None:
    """Analyse FILES (and their imports) without writing anything.

    Exit status: 0 when there are no errors, 1 when there are, 2 on usage errors.
    """
    from compiler.pipeline import analyse

    result = analyse(list(files))
    if fmt == "json":
        import json

        click.echo(json.dumps([d.to_dict() for d in result.diagnostics], indent=2))
        sys.exit(0 if result.ok else 1)
    errors, warnings = _print_diagnostics(result.diagnostics)
    if result.program is not None and result.ok:
        count = len(result.program.workflows)
        click.echo(f"ok: {count} workflow{'' if count == 1 else 's'} checked ({_summary(errors, warnings)})",
                   err=True)
    else:
        click.echo(_summary(errors, warnings), err=True)
    sys.exit(0 if result.ok else 1)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--target", "-t", type=click.Choice(sorted(TARGETS)), default="asl", show_default=True,
              help="asl: Step Functions (ASL + SAM); sqs: Lambdas chained by SQS queues (SAM + runtime).")
@click.option("--out", "-o", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Directory to write into (created if missing).")
@click.option("--force", is_flag=True, help="Overwrite files in --out that flowc did not write (or that were edited).")
def compile(files: tuple[Path, ...], target: str, out_dir: Path, force: bool) -> None:
    """Compile FILES to deployable output in --out."""
    import importlib

    from compiler.pipeline import analyse
    from targets.output import write_outputs

    if target not in _available_targets():
        raise click.UsageError(f"target '{target}' is not available in this installation")
    result = analyse(list(files))
    errors, warnings = _print_diagnostics(result.diagnostics)
    if not result.ok or result.program is None:
        click.echo(f"{_summary(errors, warnings)}; nothing written", err=True)
        sys.exit(1)
    module = importlib.import_module(TARGETS[target])
    outputs = module.render(result, out_dir, [str(f) for f in files])
    problems = write_outputs(out_dir, outputs, force=force)
    if problems:
        _print_diagnostics(problems)
        sys.exit(1)
    for rel in sorted(outputs):
        click.echo(str(out_dir / rel))
    click.echo(f"compiled {len(result.program.workflows)} workflow(s) to {out_dir} ({target}; "
               f"{_summary(errors, warnings)})", err=True)


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
        import os

        if os.environ.get("FLOWC_DEBUG"):
            raise
        sys.exit(3)


if __name__ == "__main__":  # pragma: no cover
    run()
