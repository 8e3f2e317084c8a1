"""The report's tables as rows of display strings, shared by the markdown and html renderers."""

from __future__ import annotations

from dataclasses import dataclass, field

from flowc.compiler.compare import fmt
from flowc.compiler.compare.report import Report
from flowc.compiler.compare.resources import describe_integration


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]
    align: list[str] = field(default_factory=list)  # markdown alignment cells: "---" or "---:"
    raw: bool = False  # cells hold markup already


def _numeric(header: list[str]) -> list[str]:
    return ["---"] + ["---:"] * (len(header) - 1)


def _text(header: list[str]) -> list[str]:
    return ["---"] * len(header)


def tables(report: Report) -> dict[str, Table]:
    archs = list(report.architectures)
    names = [fmt.title(report, a) for a in archs]
    latency = report.latency[0].values if report.latency else {}
    resources = report.resources[0].values if report.resources else {}
    out: dict[str, Table] = {}

    header = ["", *names]
    out["summary"] = Table(header, [
        [f"**Cost per month** ({report.executions_per_month:,} executions)",
         *[f"**{fmt.total(report, a)}**" for a in archs]],
        ["Cost relative to the cheapest", *[fmt.ratio(report, a) for a in archs]],
        ["Latency of one execution (run + overheads)", *[fmt.ms(latency.get(a)) for a in archs]],
        ["CloudFormation resources", *[fmt.number(resources.get(a)) for a in archs]],
        ["Limits (✗ cannot run so, ⚠ worth knowing)", *[fmt.limit_summary(report, a) for a in archs]],
    ], _numeric(header))
    out["resources"] = Table(header, [[r.label, *[fmt.number(r.values.get(a)) for a in archs]]
                                      for r in report.resources], _numeric(header))
    types = sorted({t for counts in report.resource_types.values() for t in counts})
    type_header = ["CloudFormation type", *names]
    out["types"] = Table(type_header, [[f"`{t}`", *[fmt.number(report.resource_types.get(a, {}).get(t, 0))
                                                     if report.resource_types.get(a) else "—" for a in archs]]
                                       for t in types], _numeric(type_header))
    extra_header = ["workflow", "step", "what it does", "in Step Functions"]
    out["extra"] = Table(extra_header, [
        [f.workflow, f.state, describe_integration(f.integration),
         "native integration: no function" if f.native_in_step_functions else "a Lambda task"]
        for f in report.extra_functions], _text(extra_header))
    unit_header = [*header, "how"]
    out["units"] = Table(unit_header, [[r.label, *[fmt.number(r.values.get(a)) for a in archs], r.how]
                                       for r in report.units], [*_numeric(header), "---"])
    items, cells = fmt.cost_table(report)
    cost_rows = []
    for item in items:
        row = [item]
        for a in archs:
            usd, weak = cells.get(a, {}).get(item, (None, False))
            row.append(fmt.usd(usd) + (fmt.DAGGER if weak and usd is not None else ""))
        cost_rows.append(row)
    cost_rows.append(["**Total**", *[f"**{fmt.total(report, a)}**" for a in archs]])
    out["costs"] = Table(header, cost_rows, _numeric(header))
    limit_header = ["limit", *names]
    out["limits"] = Table(limit_header, [[lim.limit, *[f"{fmt.status(lim.cells[a].status)} {lim.cells[a].text}"
                                                       for a in archs]] for lim in report.limits],
                          _text(limit_header))
    out["failure"] = Table(header, [[r.label, *[str(r.values.get(a) or "—") for a in archs]]
                                    for r in report.failure_handling], _text(header))
    out["latency"] = Table(header, [[r.label, *[fmt.number(r.values.get(a)) for a in archs]] for r in report.latency],
                           _numeric(header))
    fig_header = ["figure", "value", "confidence", "region", "as of", "source"]
    out["figures"] = Table(fig_header, [
        [f"{fmt.DAGGER if f.weak else ''}`{f.key}`", fmt.figure_value(f.value, f.unit),
         f"{f.confidence} ({fmt.CONFIDENCE.get(f.confidence, f.confidence)})", f.region, f.as_of, f.url]
        for f in report.figures], _text(fig_header))
    return out


def notes(report: Report) -> dict[str, list[str]]:
    return {
        "crossings": fmt.conclusions(report),
        "sensitivity": [report.sensitivity.conclusion, *report.sensitivity.break_even_ranges,
                        *([f"what moves it most: {'; '.join(report.sensitivity.movers)}"]
                          if report.sensitivity.movers else [])],
        "resource_notes": [f"**{r.label}**: {r.note}" for r in report.resources if r.note],
        "unit_notes": [f"**{r.label}**: {r.note}" for r in report.units if r.note],
        "limit_notes": [f"**{lim.limit}**: {lim.note}" for lim in report.limits if lim.note],
        "latency_notes": [f"**{r.label}**: {r.note}" for r in report.latency if r.note],
        "notes": [f"**{run.target}**: {run.source}: {run.status or run.error or 'no run'}" for run in report.runs]
        + list(report.notes),
    }
