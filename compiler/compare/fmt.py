"""Number and text formatting shared by every output format (so text, markdown and html agree)."""

from __future__ import annotations

from typing import Any

from flowc.compiler.compare.report import Report

ICONS = {"ok": "✓", "warn": "⚠", "fail": "✗", "n/a": "\u2013"}  # en dash
CONFIDENCE = {"P": "primary AWS source", "P*": "AWS Price List data via a third party", "S": "secondary source",
              "D": "derived", "U": "unconfirmed"}
DAGGER = "†"


def usd(value: float | None) -> str:
    if value is None:
        return "—"
    if value == 0:
        return "$0.00"
    if abs(value) < 0.01:
        return f"${value:.4f}"
    return f"${value:,.2f}"


def number(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if value == int(value) and abs(value) < 1e15:
            return f"{int(value):,}"
        if abs(value) >= 100:
            return f"{value:,.1f}"
        return f"{value:.6g}"
    return str(value)


def quantity(value: float) -> str:
    if value >= 1e9:
        return f"{value / 1e9:,.2f}B"
    if value >= 1e6:
        return f"{value / 1e6:,.2f}M"
    if value >= 1e4:
        return f"{value / 1e3:,.1f}K"
    return number(round(value, 4))


def volume(value: float) -> str:
    for div, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if value >= div:
            v = value / div
            return f"{v:g}{suffix}" if v == round(v, 1) else f"{v:.1f}{suffix}"
    return f"{value:g}"


def ms(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f} ms"


def status(cell_status: str) -> str:
    return ICONS.get(cell_status, cell_status)


def weak_keys(report: Report) -> set[str]:
    return {f.key for f in report.figures if f.weak}


def figure_value(value: Any, unit: str) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{number(value)} {unit}"
    if isinstance(value, list):
        return "; ".join(", ".join(f"{k} {number(v)}" for k, v in item.items()) if isinstance(item, dict)
                         else str(item) for item in value) + f" ({unit})"
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v if not isinstance(v, dict) else figure_value(v, '').strip()}"
                         for k, v in value.items()) + (f" ({unit})" if unit else "")
    return f"{value} {unit}".strip()


ORDER = ("Step Functions", "Lambda", "SQS", "DynamoDB", "SNS", "EventBridge")


def cost_table(report: Report) -> tuple[list[str], dict[str, dict[str, tuple[float, bool]]]]:
    """Cost items (union, by service) and per architecture {item: (usd, weak)}."""
    items: list[str] = []
    cells: dict[str, dict[str, tuple[float, bool]]] = {}
    for cost in report.costs:
        for line in cost.lines:
            if line.item not in items:
                items.append(line.item)
            cells.setdefault(cost.architecture, {})[line.item] = (line.usd, line.weak)

    def rank(item: str) -> tuple[int, int]:
        service = next((i for i, prefix in enumerate(ORDER) if item.startswith(prefix)), len(ORDER))
        return service, items.index(item)
    return sorted(items, key=rank), cells


def totals(report: Report) -> dict[str, float | None]:
    got = {c.architecture: c.total_usd for c in report.costs}
    return {a: got.get(a) for a in report.architectures}


def feasible(report: Report, architecture: str) -> bool:
    f = report.feasibility.get(architecture)
    return f is None or f.feasible


def title(report: Report, architecture: str, names: dict[str, str] | None = None) -> str:
    """An architecture's column title; one that cannot run the workflow is marked in every table."""
    name = (names or report.architectures)[architecture]
    return name if feasible(report, architecture) else f"{name} {ICONS['fail']}"


def total(report: Report, architecture: str) -> str:
    """The monthly total, or what it would be for an architecture that cannot run the workflow."""
    value = totals(report)[architecture]
    if feasible(report, architecture):
        return usd(value)
    return f"{ICONS['fail']} cannot run" + (f" ({usd(value)} if it could)" if value is not None else "")


def ratio(report: Report, architecture: str) -> str:
    """Cost at the report's volume relative to the cheapest architecture that can run the workflow (a log-scale
    chart hides a 7-50x gap; the ratio says it)."""
    feasible_totals = {a: v for a, v in totals(report).items() if v is not None and feasible(report, a)}
    value = totals(report)[architecture]
    if architecture not in feasible_totals or value is None:
        return "—"
    cheapest = min(feasible_totals.values())
    if cheapest <= 0:
        return "—" if value > 0 else "1x"
    return f"{value / cheapest:.1f}x" if value / cheapest < 100 else f"{value / cheapest:,.0f}x"


def prices_source(report: Report) -> str:
    return report.prices_file or "compiler/compare/prices.json"


def conclusions(report: Report) -> list[str]:
    """What the report concludes: which architectures cannot run the workflow (and what would let them), then
    the break-even statements between the ones that can."""
    out = []
    for arch, f in report.feasibility.items():
        if f.feasible:
            continue
        why = "; ".join(f.blockers)
        fix = "; or ".join(f.remedies)
        out.append(f"{ICONS['fail']} {report.architectures[arch]} cannot run this workflow ({why})"
                   + (f". It could if you {fix}." if fix else ".")
                   + " It is left out of the break-even volumes and the cost chart.")
    return out + [c.text for c in report.break_even]


def headline(report: Report) -> str:
    free = "free tiers applied" if report.free_tier else "free tiers not applied"
    return (f"{report.file} · workflow {report.workflow} ({report.workflow_type.lower()}) · input: "
            f"{report.input_source} ({report.input_bytes:,} B) · {report.executions_per_month:,} executions/month · "
            f"{report.region} · {free}")


def limit_summary(report: Report, architecture: str) -> str:
    """`✗ 1 · ⚠ 2` (limits this workflow cannot meet, limits worth knowing), or `✓` when it meets all."""
    statuses = [lim.cells[architecture].status for lim in report.limits if architecture in lim.cells]
    if statuses and all(s == "n/a" for s in statuses):
        return "—"
    parts = [f"{ICONS[s]} {statuses.count(s)}" for s in ("fail", "warn") if statuses.count(s)]
    return " · ".join(parts) if parts else ICONS["ok"]
