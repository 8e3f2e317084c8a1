"""How much the report's conclusions depend on its inputs.

Two questions a reviewer asks of a cost comparison:
- the SQS chain's fixed monthly cost (Lambda's event source mappings long-polling idle queues) is an unconfirmed
  range, and it sets the break-even volume: where is the break-even at the low and the high end of that range?
- which inputs move the conclusion (the cheapest architecture that can run the workflow, and its margin over the
  next one) most? Every price figure the costs used is halved and doubled (the idle polling takes its low and
  high values), and the inputs are ranked by how far the ratio between the two cheapest architectures moves;
  an input whose change makes another architecture the cheapest is said to flip the conclusion.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flowc.compiler.compare import pricing
from flowc.compiler.compare.pricing import ARCH_TITLES, PriceBook, Units

IDLE = "sqs.idle_esm_poll_requests_per_queue_month"
TOP = 3


@dataclass
class BreakEvenRange:
    between: tuple[str, str]
    volumes: dict[str, int | None]  # low | middle | high -> the first break-even volume (None: no crossing)


@dataclass
class Mover:
    key: str  # the figure
    label: str  # what was changed, in words
    cheapest: str  # the cheapest feasible architecture after the change
    runner_up: str
    ratio: float  # runner-up cost / cheapest cost after the change
    flips: bool


def _with_idle(book: PriceBook, point: str) -> PriceBook:
    rng = book.figures[IDLE].value
    if point == "middle":
        return book
    value = rng[point]
    return book.with_value(IDLE, {"low": value, "high": value})


def idle_break_even(units: dict[str, Units], book: PriceBook, *, region: str, free_tier: bool) -> list[BreakEvenRange]:
    """Break-even volumes between the SQS chain and each other feasible architecture, at the low, middle and
    high end of the idle-polling range (only when the SQS chain has idle queues)."""
    if "sqs" not in units or not units["sqs"].idle_queues:
        return []
    out = []
    for arch in units:
        if arch == "sqs":
            continue
        volumes: dict[str, int | None] = {}
        for point in ("low", "middle", "high"):
            found = pricing.break_even(arch, units[arch], "sqs", units["sqs"], _with_idle(book, point), region=region,
                                       free_tier=free_tier)
            volumes[point] = found[0].volume if found else None
        out.append(BreakEvenRange((arch, "sqs"), volumes))
    book.figure(IDLE)
    return out


def _ranking(units: dict[str, Units], book: PriceBook, executions: int, region: str, free_tier: bool
             ) -> list[tuple[float, str]]:
    totals = [(pricing.monthly_cost(a, u, executions, book, region=region, free_tier=free_tier).total, a)
              for a, u in units.items()]
    return sorted(totals)


def _variants(book: PriceBook, keys: list[str]) -> list[tuple[str, str, PriceBook]]:
    out = []
    for key in keys:
        figure = book.figures[key]
        if key == IDLE:
            rng = figure.value
            for point in ("low", "high"):
                out.append((key, f"idle polling at its {point} value ({rng[point]:,} requests/queue/month)",
                            _with_idle(book, point)))
            continue
        for factor, word in ((0.5, "halved"), (2.0, "doubled")):
            scaled = _scale(figure.value, factor)
            if scaled is not None:
                out.append((key, f"{key} {word}", book.with_value(key, scaled)))
    return out


def _scale(value: Any, factor: float) -> Any:
    """A price figure scaled by `factor`: numbers, and the per-unit prices of tier lists; None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return value * factor if value else None
    if isinstance(value, list) and value and all(isinstance(t, dict) for t in value):
        price_keys = [k for k in value[0] if k.startswith("usd")]
        if not price_keys:
            return None
        return [{**t, **{k: t[k] * factor for k in price_keys}} for t in value]
    if isinstance(value, dict) and value and all(isinstance(v, int | float) and not isinstance(v, bool)
                                                 for v in value.values()):
        return {k: v * factor for k, v in value.items()}
    return None


def movers(units: dict[str, Units], book: PriceBook, cost_keys: list[str], executions: int, *, region: str,
           free_tier: bool) -> tuple[list[Mover], tuple[str, str, float] | None]:
    """The inputs that move the conclusion most (at most TOP, biggest effect first), and the conclusion itself:
    (cheapest, runner-up, ratio). Needs two feasible architectures."""
    if len(units) < 2:
        return [], None
    base = _ranking(units, book, executions, region, free_tier)
    (c0, cheapest), (c1, runner) = base[0], base[1]
    ratio0 = c1 / c0 if c0 > 0 else float("inf")
    found: list[tuple[float, Mover]] = []
    for key, label, variant in _variants(book, sorted(set(cost_keys))):
        ranked = _ranking(units, variant, executions, region, free_tier)
        (d0, a0), (d1, a1) = ranked[0], ranked[1]
        ratio = d1 / d0 if d0 > 0 else float("inf")
        flips = a0 != cheapest
        effect = abs(ratio - ratio0) if ratio != float("inf") and ratio0 != float("inf") else 0.0
        if flips:
            effect += 1e6  # a flip matters more than any margin
        if effect > 1e-9:
            found.append((effect, Mover(key, label, a0, a1, ratio, flips)))
    found.sort(key=lambda item: (-item[0], item[1].label))
    out: list[Mover] = []
    seen: set[str] = set()
    for _, mover in found:
        if mover.key in seen:
            continue
        seen.add(mover.key)
        out.append(mover)
        if len(out) == TOP:
            break
    for mover in out:
        book.figure(mover.key)
    return out, (cheapest, runner, ratio0)


def describe_range(r: BreakEvenRange) -> str:
    a, b = r.between
    def vol(v: int | None) -> str:
        return f"{v:,}" if v is not None else "none"
    return (f"{ARCH_TITLES[a]} vs {ARCH_TITLES[b]}: break-even at {vol(r.volumes['middle'])} executions/month with "
            f"the middle of the idle-polling range; {vol(r.volumes['low'])} at its low end, "
            f"{vol(r.volumes['high'])} at its high end")


def describe_mover(m: Mover, base: tuple[str, str, float]) -> str:
    cheapest, _runner, ratio = base
    if m.flips:
        return (f"{m.label}: {ARCH_TITLES[m.cheapest]} becomes the cheapest ({m.ratio:.2f}x cheaper than "
                f"{ARCH_TITLES[m.runner_up]}) — the conclusion flips")
    return (f"{m.label}: {ARCH_TITLES[cheapest]} stays the cheapest; its margin over {ARCH_TITLES[m.runner_up]} goes "
            f"from {ratio:.2f}x to {m.ratio:.2f}x")
