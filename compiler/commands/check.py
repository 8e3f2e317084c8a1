from __future__ import annotations

import sys
from pathlib import Path

import click
from flowc.compiler.commands._options import common_options, console, format_option, output_option
from flowc.compiler.commands._output import print_diagnostics, summary
from flowc.compiler.commands._stdin import stdin_filename_option


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path, allow_dash=True))
@format_option(["text", "json"], help="text (diagnostics on stderr) or json (a list on stdout).")
@output_option(help="Write the json report to this file instead of standard output.")
@stdin_filename_option
@common_options
def command(paths: tuple[Path, ...], fmt: str, output: Path | None, stdin_filename: str | None) -> None:
    """Analyse PATHS (`.flow` / `.flow.yaml` files, or directories of them; imports included) without
    compiling: every lint rule at its configured severity ([tool.flowc.lint]), the same verdict as `flowc lint`.

    Exit status: 0 when there are no errors (warnings print), 1 when there are (or warnings with
    `strict = true`), 2 on usage or configuration errors.
    """
    from flowc.compiler.commands import _stdin
    from flowc.compiler.commands._verdict import analyse_sources
    from flowc.compiler.pipeline import paused_gc

    stdin = _stdin.read(paths, stdin_filename)
    with paused_gc(process_ends=True):
        analysis = analyse_sources(paths, "check", stdin)
    diagnostics = analysis.diagnostics
    failing = bool(analysis.errors) or (analysis.config.strict and any(d.severity.value == "warning"
                                                                        for d in diagnostics))
    if fmt == "json":
        import json

        text = json.dumps([d.to_dict() for d in diagnostics], indent=2)
        if output is not None:
            output.write_text(text + "\n", encoding="utf-8")
        else:
            click.echo(text)
        sys.exit(1 if failing or not analysis.ok else 0)
    errors, warnings = print_diagnostics(diagnostics)
    program = analysis.result.program
    if program is not None and analysis.ok:
        count = len(program.workflows)
        console().info(f"ok: {count} workflow{'' if count == 1 else 's'} checked ({summary(errors, warnings)})")
    else:
        console().info(summary(errors, warnings))
    sys.exit(1 if failing or not analysis.ok else 0)
