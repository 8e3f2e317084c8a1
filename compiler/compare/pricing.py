"""Prices and the monthly cost of the three architectures: pure functions over `prices.json`.

Every figure comes from `prices.json` (value, unit, region, source, as-of date, confidence). A `PriceBook`
hands figures out by key and remembers which ones a calculation used, so the report can list exactly the
figures behind its numbers and flag the ones that are secondary (S), derived (D) or unconfirmed (U).

Costs are per month at a given volume: `per-execution units x executions`, priced with volume tiers, minus
the always-free tiers when asked (`free_tier=True`; they are per account, shared with everything else the
account runs, so they are off by default). Prices are us-east-1 except Step Functions Standard transitions,
which the pricing page lists per region; `regional_note` says so when another region is asked for.
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DATA = Path(__file__).with_name("prices.json")
ARCHITECTURES = ("standard", "express", "sqs")
ARCH_TITLES = {"standard": "Step Functions Standard", "express": "Step Functions Express", "sqs": "SQS chain"}
SECONDS_PER_MONTH = 30 * 24 * 3600  # 2,592,000: the month the quotas are compared against
WEAK = ("S", "D", "U")


@dataclass(frozen=True)
class Figure:
    key: str
    value: Any
    unit: str
    region: str
    source: tuple[str, ...]
    url: str
    as_of: str
    confidence: str
    note: str = ""

    @property
    def weak(self) -> bool:
        """Secondary, derived or unconfirmed: the report flags it."""
        return self.confidence[:1] in WEAK


@functools.cache
def _load(path: str) -> dict[str, Any]:
    return json.loads(Path(path).read_text(encoding="utf-8"))


class PriceBook:
    """The figures of `prices.json`, by key; `used` collects the keys a calculation read."""

    def __init__(self, path: Path = DATA, data: dict[str, Any] | None = None):
        data = data if data is not None else _load(str(path))
        self.path = path
        self.meta: dict[str, Any] = data["meta"]
        self.sources: dict[str, dict[str, Any]] = data["sources"]
        self.figures: dict[str, Figure] = {
            f["key"]: Figure(f["key"], f["value"], f["unit"], f["region"], tuple(f["source"]), f["url"], f["as_of"],
                             f["confidence"], f.get("note", "")) for f in data["figures"]}
        self.used: set[str] = set()

    @classmethod
    def from_file(cls, path: Path) -> PriceBook:
        """A price file given by the user (`--prices`): the schema of `prices.json`, checked field by field.
        Its figures replace the built-in ones of the same key; figures it leaves out keep the built-in values,
        so a file holding only negotiated prices works. An unknown key or a source id it does not define is an
        error, as is a value of another shape than the built-in figure's (a number for a number, tiers for
        tiers)."""
        from flowc.compiler.compare.price_file import merge

        return cls(path, merge(_load(str(DATA)), path))

    def with_value(self, key: str, value: Any) -> PriceBook:
        """A copy of this book with one figure's value replaced (for sensitivity analysis); uses are not shared."""
        data = {"meta": self.meta, "sources": self.sources,
                "figures": [{"key": f.key, "value": value if f.key == key else f.value, "unit": f.unit,
                             "region": f.region, "source": list(f.source), "url": f.url, "as_of": f.as_of,
                             "confidence": f.confidence, "note": f.note} for f in self.figures.values()]}
        return PriceBook(self.path, data)

    def figure(self, key: str) -> Figure:
        self.used.add(key)
        return self.figures[key]

    def value(self, key: str) -> Any:
        return self.figure(key).value

    def used_figures(self) -> list[Figure]:
        return [self.figures[k] for k in sorted(self.used)]


# ------------------------------------------------------------------------------------------------------
# tiers
# ------------------------------------------------------------------------------------------------------
def tiered(amount: float, tiers: list[tuple[float | None, float]]) -> float:
    """Cost of `amount` units over volume tiers [(upper bound or None, price per unit), ...] (bounds cumulative)."""
    cost, below = 0.0, 0.0
    for upto, price in tiers:
        top = amount if upto is None else min(amount, upto)
        if top > below:
            cost += (top - below) * price
        if upto is None or amount <= upto:
            break
        below = upto
    return cost


def after_free(amount: float, free: float, enabled: bool) -> float:
    return max(0.0, amount - free) if enabled else amount


# ------------------------------------------------------------------------------------------------------
# units and costs
# ------------------------------------------------------------------------------------------------------
@dataclass
class Units:
    """Billed units of ONE execution for one architecture (the report's rows), plus fixed monthly units."""

    state_transitions: float = 0
    express_requests: float = 0
    express_billed_ms: float = 0  # per execution, already rounded up to 100 ms
    express_billed_mb: float = 0  # already in 64 MB chunks
    lambda_invocations: float = 0
    lambda_gb_seconds: float = 0.0
    sqs_requests: float = 0
    dynamodb_writes: float = 0
    dynamodb_reads: float = 0
    sns_publishes: float = 0
    eventbridge_events: float = 0
    idle_queues: int = 0  # queues polled by Lambda event source mappings (a fixed monthly cost)


@dataclass
class CostLine:
    item: str
    quantity: float  # per month, after free tiers
    unit: str
    usd: float
    figures: list[str] = field(default_factory=list)


@dataclass
class Cost:
    architecture: str
    executions: int
    lines: list[CostLine]

    @property
    def total(self) -> float:
        return sum(line.usd for line in self.lines)


def transition_price(book: PriceBook, region: str) -> float:
    regional = book.value("sfn.standard.transition_per_1k.regional")
    if region in regional:
        return regional[region] / 1000.0
    return book.value("sfn.standard.transition")


def regional_note(book: PriceBook, region: str) -> str | None:
    default = book.meta.get("default_region", "us-east-1")
    if region == default:
        return None
    regional = book.figures["sfn.standard.transition_per_1k.regional"].value
    known = "the Standard transition price is this region's" if region in regional else \
        "no regional Standard transition price is on file either (us-east-1's is used)"
    return f"prices are {default} figures for every service ({known}); re-check them for {region}"


def lambda_tiers(book: PriceBook, architecture: str = "x86_64") -> list[tuple[float | None, float]]:
    key = "lambda.duration.arm64.tiers" if architecture == "arm64" else "lambda.duration.x86_64.tiers"
    return [(t["upto_gb_s"], t["usd_per_gb_s"]) for t in book.value(key)]


def sqs_tiers(book: PriceBook) -> list[tuple[float | None, float]]:
    first = book.value("sqs.standard.request")
    tiers = [(t["upto_requests"], t["usd_per_million"] / 1e6) for t in book.value("sqs.standard.request.volume_tiers")]
    return [(tiers[0][0], first), *tiers[1:]]


def express_duration_tiers(book: PriceBook) -> list[tuple[float | None, float]]:
    return [(t["upto_gb_s"], t["usd_per_gb_s"]) for t in book.value("sfn.express.duration.tiers")]


def idle_poll_requests(book: PriceBook) -> float:
    """ReceiveMessage requests per idle queue per month: the middle of the (unconfirmed) range on file."""
    rng = book.value("sqs.idle_esm_poll_requests_per_queue_month")
    return (rng["low"] + rng["high"]) / 2.0


def monthly_cost(architecture: str, units: Units, executions: float, book: PriceBook, *, region: str = "us-east-1",
                 free_tier: bool = False) -> Cost:
    """The monthly bill of `executions` executions of one architecture, line by line."""
    n = float(executions)
    lines: list[CostLine] = []

    def add(item: str, quantity: float, unit: str, usd: float, *keys: str) -> None:
        if quantity > 0 or usd > 0:
            lines.append(CostLine(item, quantity, unit, usd, list(keys)))

    if architecture == "standard":
        t = after_free(units.state_transitions * n, book.value("sfn.standard.free_tier_transitions_per_month"),
                       free_tier)
        add("Step Functions state transitions", t, "transitions", t * transition_price(book, region),
            "sfn.standard.transition", "sfn.standard.transition_per_1k.regional",
            *(["sfn.standard.free_tier_transitions_per_month"] if free_tier else []))
    elif architecture == "express":
        if free_tier:
            book.figure("sfn.express.free_tier")
        requests = units.express_requests * n
        add("Step Functions Express requests", requests, "requests", requests * book.value("sfn.express.request"),
            "sfn.express.request")
        gb_s = units.express_billed_ms / 1000.0 * units.express_billed_mb / 1024.0 * n
        add("Step Functions Express duration", gb_s, "GB-s", tiered(gb_s, express_duration_tiers(book)),
            "sfn.express.duration.tiers", "sfn.express.duration_rounding_ms", "sfn.express.memory_chunk_mb",
            "sfn.express.memory_base_mb")
    elif architecture != "sqs":
        raise ValueError(f"unknown architecture {architecture!r}")

    free_lambda = book.value("lambda.free_tier") if free_tier else {"requests_per_month": 0, "gb_seconds_per_month": 0}
    invocations = after_free(units.lambda_invocations * n, free_lambda["requests_per_month"], free_tier)
    free_keys = ["lambda.free_tier"] if free_tier else []
    add("Lambda requests", invocations, "requests", invocations * book.value("lambda.request"), "lambda.request",
        *free_keys)
    gb_s = after_free(units.lambda_gb_seconds * n, free_lambda["gb_seconds_per_month"], free_tier)
    add("Lambda duration", gb_s, "GB-s", tiered(gb_s, lambda_tiers(book)), "lambda.duration.x86_64.tiers", *free_keys)

    sqs = units.sqs_requests * n
    idle = units.idle_queues * idle_poll_requests(book) if units.idle_queues else 0.0
    requests = after_free(sqs + idle, book.value("sqs.free_tier_requests_per_month"), free_tier)
    sqs_keys = ["sqs.standard.request", "sqs.standard.request.volume_tiers", "sqs.billing_chunk_kib",
                *(["sqs.free_tier_requests_per_month"] if free_tier else [])]
    if idle:
        # the idle pollers' share, shown as its own line (a fixed cost whatever the volume)
        share = idle / (sqs + idle)
        total = tiered(requests, sqs_tiers(book))
        add("SQS requests (messages)", requests * (1 - share), "requests", total * (1 - share), *sqs_keys)
        add(f"SQS requests (idle polling of {units.idle_queues} queues)", requests * share, "requests",
            total * share, "sqs.idle_esm_poll_requests_per_queue_month", *sqs_keys)
    else:
        add("SQS requests", requests, "requests", tiered(requests, sqs_tiers(book)), *sqs_keys)

    writes = units.dynamodb_writes * n
    add("DynamoDB write request units", writes, "WRU", writes * book.value("dynamodb.ondemand.wru"),
        "dynamodb.ondemand.wru")
    reads = units.dynamodb_reads * n
    add("DynamoDB read request units", reads, "RRU", reads * book.value("dynamodb.ondemand.rru"), "dynamodb.ondemand.rru")
    publishes = after_free(units.sns_publishes * n, book.value("sns.free_tier_publishes_per_month"), free_tier) \
        if free_tier else units.sns_publishes * n
    add("SNS publishes", publishes, "requests", publishes * book.value("sns.publish.request"), "sns.publish.request",
        *(["sns.free_tier_publishes_per_month"] if free_tier else []))
    events = units.eventbridge_events * n
    add("EventBridge custom events", events, "events", events * book.value("eventbridge.custom_event"),
        "eventbridge.custom_event")
    for line in lines:
        for key in line.figures:
            book.figure(key)
    return Cost(architecture, int(n), lines)


# ------------------------------------------------------------------------------------------------------
# volumes: curves and break-even points
# ------------------------------------------------------------------------------------------------------
VOLUME_MIN = 1
VOLUME_MAX = 10_000_000_000  # 10 billion executions a month: beyond any single workflow's traffic


def cost_curve(units: dict[str, Units], book: PriceBook, *, region: str, free_tier: bool,
               volumes: list[int]) -> dict[str, list[float]]:
    return {arch: [monthly_cost(arch, u, v, book, region=region, free_tier=free_tier).total for v in volumes]
            for arch, u in units.items()}


def log_volumes(lo: int = 1_000, hi: int = VOLUME_MAX, per_decade: int = 4) -> list[int]:
    """Volumes evenly spaced on a log scale (the chart's x axis)."""
    steps = round(math.log10(hi / lo) * per_decade)
    return sorted({round(lo * 10 ** (i / per_decade)) for i in range(steps + 1)})


@dataclass
class Crossing:
    cheaper_below: str  # the architecture that is cheaper under `volume`
    cheaper_above: str
    volume: int  # executions per month


def break_even(a: str, ua: Units, b: str, ub: Units, book: PriceBook, *, region: str, free_tier: bool,
               lo: int = VOLUME_MIN, hi: int = VOLUME_MAX) -> list[Crossing]:
    """Volumes (executions/month) in [lo, hi] where the cheaper of `a` and `b` changes, to the execution.

    Costs are piecewise linear in the volume (free tiers, volume tiers, fixed idle polling), so a scan on a
    log grid finds every sign change of cost(a) - cost(b) between grid points and bisection pins it down.
    """
    def diff(v: int) -> float:
        return (monthly_cost(a, ua, v, book, region=region, free_tier=free_tier).total
                - monthly_cost(b, ub, v, book, region=region, free_tier=free_tier).total)

    grid = sorted({lo, hi, *[round(lo * (hi / lo) ** (i / 400)) for i in range(401)]})
    out: list[Crossing] = []
    prev_v, prev_d = grid[0], diff(grid[0])
    for v in grid[1:]:
        d = diff(v)
        if _sign(prev_d) == 0:  # equal so far (both inside their free tiers): nothing has crossed yet
            prev_v, prev_d = v, d
            continue
        if _sign(d) != _sign(prev_d) and _sign(d) != 0:
            low, high = prev_v, v
            while high - low > 1:
                mid = (low + high) // 2
                if _sign(diff(mid)) == _sign(prev_d):
                    low = mid
                else:
                    high = mid
            below, above = (a, b) if prev_d < 0 else (b, a)
            out.append(Crossing(below, above, high))
        if _sign(d) != 0:
            prev_d = d
        prev_v = v
    return out


def _sign(x: float) -> int:
    if abs(x) < 1e-12:
        return 0
    return 1 if x > 0 else -1
