from __future__ import annotations

import sys
from pathlib import Path

import click
from flowc.compiler.commands._output import print_diagnostics, summary


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def command(files: tuple[Path, ...], fmt: str) -> None:
    """Analyse FILES (and their imports) without writing anything.

    Exit status: 0 when there are no errors, 1 when there are, 2 on usage errors.
    """
    from flowc.compiler.pipeline import analyse, paused_gc

    with paused_gc(process_ends=True):
        result = analyse(list(files))
    if fmt == "json":
        import json

        click.echo(json.dumps([d.to_dict() for d in result.diagnostics], indent=2))
        sys.exit(0 if result.ok else 1)
    errors, warnings = print_diagnostics(result.diagnostics)
    if result.program is not None and result.ok:
        count = len(result.program.workflows)
        click.echo(f"ok: {count} workflow{'' if count == 1 else 's'} checked ({summary(errors, warnings)})",
                   err=True)
    else:
        click.echo(summary(errors, warnings), err=True)
    sys.exit(0 if result.ok else 1)
