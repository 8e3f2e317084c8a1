"""`flowc graph FILE`: the workflow as reviewers expect to see it, in mermaid (renders on GitHub), DOT or SVG."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flowc.compiler.commands._options import common_options, console, format_option, output_option

FORMATS = ("mermaid", "dot", "svg")
SUFFIXES = {".mmd": "mermaid", ".mermaid": "mermaid", ".md": "mermaid", ".dot": "dot", ".gv": "dot", ".svg": "svg"}


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--workflow", "-w", help="Which workflow of FILE (default: the first one FILE defines).")
@format_option(FORMATS, default=None, help="Output format (default: from --output's suffix, else mermaid).")
@output_option(help="Write to this file instead of standard output.")
@common_options
def command(file: Path, workflow: str | None, fmt: str | None, output: Path | None) -> None:
    """Draw a workflow of FILE: Choice arcs labelled with their conditions, Map bodies and Parallel branches as
    nested boxes (branches side by side), Catch arcs dashed and labelled with their errors."""
    from flowc.compiler.commands._output import print_diagnostics, summary
    from flowc.compiler.pipeline import analyse
    from flowc.targets.graph.model import from_asl

    if not file.exists():
        raise click.UsageError(f"no such file: {file}")
    fmt = fmt or (SUFFIXES.get(output.suffix.lower(), "mermaid") if output is not None else "mermaid")
    result = analyse([file])
    if not result.ok or result.program is None:
        errors, warnings = print_diagnostics(result.diagnostics)
        click.echo(summary(errors, warnings), err=True)
        sys.exit(1)
    own = [w for w, wf in result.program.workflows.items() if Path(wf.file).resolve() == file.resolve()]
    names = own or list(result.program.workflows)
    if workflow is not None and workflow not in result.program.workflows:
        raise click.UsageError(f"no workflow {workflow!r} in {file} (have: {', '.join(result.program.workflows)})")
    name = workflow or names[0]
    drawn = from_asl(result.asl[name].definition)
    if fmt == "dot":
        from flowc.targets.graph.dot import digraph

        text = digraph(drawn.nodes, drawn.edges, name)
    elif fmt == "svg":
        from flowc.targets.graph.svg import graph

        text = graph(drawn.nodes, drawn.edges, f"workflow {name}") + "\n"
    else:
        from flowc.targets.graph.mermaid import flowchart

        text = flowchart(drawn.nodes, drawn.edges) + "\n"
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        console().info(f"wrote {output} ({fmt})")
