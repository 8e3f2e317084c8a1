"""`--format html`: one self-contained page (inline CSS and SVG: the cost-vs-volume chart and the workflow
graph; no JavaScript, nothing fetched)."""

from __future__ import annotations

import functools
import re
from pathlib import Path

from flowc.compiler.compare import fmt, svg
from flowc.compiler.compare.report import Report
from flowc.compiler.compare.tables import notes, tables

TEMPLATES = Path(__file__).with_name("templates")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_CODE = re.compile(r"`([^`]+)`")
_URL = re.compile(r"(https?://[^\s<]+)")


def _md(text: object):
    """Escape, then the little markdown the tables use: **bold**, `code`, bare URLs as links."""
    from markupsafe import Markup, escape

    html = str(escape(str(text)))
    html = _BOLD.sub(r"<strong>\1</strong>", html)
    html = _CODE.sub(r"<code>\1</code>", html)
    html = _URL.sub(r'<a href="\1">\1</a>', html)
    return Markup(html)


@functools.cache
def environment():
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True, trim_blocks=True,
                             lstrip_blocks=True, keep_trailing_newline=True, undefined=jinja2.StrictUndefined)
    env.filters["md"] = _md
    return env


def render(report: Report, command: str | None = None) -> str:
    from markupsafe import Markup

    context = dict(tables(report))
    context["extra"] = context["extra"] if context["extra"].rows else None
    context.update(notes(report))
    curve = report.cost_curve
    chart = svg.cost_chart(curve.get("volumes", []), {a: curve[a] for a in report.architectures if a in curve},
                           report.architectures, report.break_even,
                           [a for a in report.architectures if not fmt.feasible(report, a)],
                           marker=(report.executions_per_month, {a: fmt.ratio(report, a) for a in report.architectures}))
    from flowc.targets.graph import svg as graph_svg

    graph = graph_svg.graph(report.graph_nodes, report.graph_edges, f"workflow {report.workflow}")
    return environment().get_template("report.html.j2").render(
        r=report, headline=fmt.headline(report), command=command, dagger=fmt.DAGGER, prices=fmt.prices_source(report),
        executions=f"{report.executions_per_month:,}", chart=Markup(chart), graph=Markup(graph), **context)
