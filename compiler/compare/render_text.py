"""`--format text` (the default in a terminal): aligned tables, long cells wrapped."""

from __future__ import annotations

import textwrap

from flowc.compiler.compare import fmt
from flowc.compiler.compare.report import Report

WIDTH = 110
SHORT = {"standard": "Standard", "express": "Express", "sqs": "SQS chain"}


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    out = ["  ".join(h.ljust(w) if i == 0 else h.rjust(w) for i, (h, w) in enumerate(zip(header, widths, strict=True)))]
    out.append("  ".join("-" * w for w in widths))
    for r in rows:
        out.append("  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                             for i, (c, w) in enumerate(zip(r, widths, strict=True))))
    return out


def _wrap(text: str, indent: str) -> list[str]:
    follow = " " * len(indent) if indent.strip() else indent + "  "
    return textwrap.wrap(text, WIDTH, initial_indent=indent, subsequent_indent=follow,
                         break_on_hyphens=False) or [indent]


def _section(title: str) -> list[str]:
    return ["", title, "=" * len(title)]


def render(report: Report) -> str:
    archs = list(report.architectures)
    header = ["", *[fmt.title(report, a, SHORT) for a in archs]]
    weak = fmt.weak_keys(report)
    lines = [report.title, "=" * len(report.title), *_wrap(fmt.headline(report), "")]
    for warning in report.warnings:
        lines += _wrap(f"{fmt.ICONS['warn']} {warning}", "")

    latency = report.latency[0].values if report.latency else {}
    resources = report.resources[0].values if report.resources else {}
    lines += _section("Summary")
    lines += _table(header, [
        [f"Cost per month ({report.executions_per_month:,} executions)", *[fmt.total(report, a) for a in archs]],
        ["Cost relative to the cheapest", *[fmt.ratio(report, a) for a in archs]],
        ["Latency of one execution (run + overheads)", *[fmt.ms(latency.get(a)) for a in archs]],
        ["CloudFormation resources", *[fmt.number(resources.get(a)) for a in archs]],
        ["Limits (✗ cannot run so, ⚠ worth knowing)", *[fmt.limit_summary(report, a) for a in archs]],
    ])
    for conclusion in fmt.conclusions(report):
        lines += _wrap(conclusion, "- ")

    lines += _section("Resources deployed")
    lines += _table(header, [[r.label, *[fmt.number(r.values.get(a)) for a in archs]] for r in report.resources])
    for r in report.resources:
        if r.note:
            lines += _wrap(f"{r.label}: {r.note}", "- ")
    types = sorted({t for counts in report.resource_types.values() for t in counts})
    lines.append("")
    lines += _table(["CloudFormation type (after the SAM transform)", *header[1:]],
                    [[t, *[fmt.number(report.resource_types.get(a, {}).get(t, 0)) if report.resource_types.get(a)
                           else "—" for a in archs]] for t in types])

    lines += _section("Billed units per execution")
    lines += _table([*header, "how"],
                    [[r.label, *[fmt.number(r.values.get(a)) for a in archs], r.how] for r in report.units])
    for r in report.units:
        if r.note:
            lines += _wrap(f"{r.label}: {r.note}", "- ")

    lines += _section(f"Cost per month at {report.executions_per_month:,} executions")
    items, cells = fmt.cost_table(report)
    rows = []
    for item in items:
        row = [item]
        for a in archs:
            usd, is_weak = cells.get(a, {}).get(item, (None, False))
            row.append(fmt.usd(usd) + (fmt.DAGGER if is_weak and usd is not None else ""))
        rows.append(row)
    rows.append(["Total", *[fmt.total(report, a) for a in archs]])
    lines += _table(header, rows)
    lines += _wrap(f"{fmt.DAGGER} uses a figure that is secondary (S), derived (D) or unconfirmed (U): see Figures",
                   "")

    lines += _section("Sensitivity")
    for line in [report.sensitivity.conclusion, *report.sensitivity.break_even_ranges]:
        lines += _wrap(line, "- ")
    if report.sensitivity.movers:
        lines += _wrap("what moves it most:", "- ")
        for mover in report.sensitivity.movers:
            lines += _wrap(mover, "    - ")

    lines += _section("Limits")
    for limit in report.limits:
        lines.append(limit.limit)
        for a in archs:
            cell = limit.cells[a]
            lines += _wrap(f"[{fmt.status(cell.status)}] {SHORT[a]}: {cell.text}", "  ")
        if limit.note:
            lines += _wrap(f"note: {limit.note}", "  ")

    lines += _section("Failure handling and observability")
    for r in report.failure_handling:
        lines.append(r.label)
        for a in archs:
            lines += _wrap(f"{SHORT[a]}: {r.values.get(a)}", "  ")

    lines += _section("Latency (the run's time plus modelled overheads)")
    lines += _table(header, [[r.label, *[fmt.number(r.values.get(a)) for a in archs]] for r in report.latency])
    for r in report.latency:
        if r.note:
            lines += _wrap(f"{r.label}: {r.note}", "- ")

    lines += _section("Figures")
    for f in report.figures:
        mark = fmt.DAGGER if f.key in weak else " "
        lines += _wrap(f"{mark}{f.key} = {fmt.figure_value(f.value, f.unit)} [{f.confidence}: "
                       f"{fmt.CONFIDENCE.get(f.confidence, f.confidence)}] {f.region}, as of {f.as_of}; {f.url}", "")

    lines += _section("Runs and notes")
    for run in report.runs:
        state = run.status or run.error or "no run"
        lines += _wrap(f"{run.target}: {run.source}: {state}", "- ")
    for note in report.notes:
        lines += _wrap(note, "- ")
    return "\n".join(lines) + "\n"
