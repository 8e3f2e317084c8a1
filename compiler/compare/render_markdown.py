"""`--format markdown`: for a design review or a pull request (GitHub-flavoured tables)."""

from __future__ import annotations

import functools
from pathlib import Path

from flowc.compiler.compare import fmt
from flowc.compiler.compare.report import Report
from flowc.compiler.compare.tables import Table, notes, tables

TEMPLATES = Path(__file__).with_name("templates")


@functools.cache
def environment():
    import jinja2

    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=False, trim_blocks=True,
                              lstrip_blocks=True, keep_trailing_newline=True, undefined=jinja2.StrictUndefined)


def _cell(text: str) -> str:
    """A markdown table cell: pipes escaped, no line breaks."""
    return " ".join(str(text).split()).replace("|", "\\|")


def _escape(table: Table) -> Table:
    return Table([_cell(h) for h in table.header], [[_cell(c) for c in row] for row in table.rows], table.align)


def render(report: Report, command: str | None = None) -> str:
    context = {name: _escape(t) for name, t in tables(report).items()}
    context["extra"] = context["extra"] if context["extra"].rows else None
    context.update(notes(report))
    from flowc.targets.graph.mermaid import flowchart

    text = environment().get_template("report.md.j2").render(
        r=report, headline=fmt.headline(report), command=command, dagger=fmt.DAGGER,
        mermaid=flowchart(report.graph_nodes, report.graph_edges), prices=fmt.prices_source(report),
        executions=f"{report.executions_per_month:,}", **context)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.rstrip("\n") + "\n"
