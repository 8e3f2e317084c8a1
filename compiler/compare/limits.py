"""Limits: for each architecture, can this workflow hit it, and at what size or volume?

Static facts come from the IR (Map concurrency, Wait durations, retry delays, `.sync` tasks); sizes and
counts from the run (the largest state payload, the history events, the Map iterations). Projections
("the Map would fail at N items", "the payload reaches 256 KiB at an input of X") assume that what grows
is what the run exercised: a payload proportional to the input, a history linear in the Map's items.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, replace
from typing import Any

from flowc.compiler import ir
from flowc.compiler.compare.analysis import (
    WorkflowIndex,
    iteration_events,
    literal_int,
    retry_max_delay,
    seconds,
    state_events,
)
from flowc.compiler.compare.measure import Trace
from flowc.compiler.compare.pricing import SECONDS_PER_MONTH, PriceBook

OK, WARN, FAIL, NA = "ok", "warn", "fail", "n/a"


@dataclass
class Cell:
    status: str  # ok | warn | fail | n/a
    text: str
    remedy: str = ""  # for a fail: what would let this architecture run the workflow


# What would lift each limit an architecture fails (shown in the report's feasibility summary).
REMEDIES = {
    "payload": "keep large data in S3 and pass references: the payload limits cannot be raised",
    "history": "move the Map body into a child workflow started per item, or make it `map distributed`",
    "duration": "keep the workflow Standard, or make every wait, retry delay and task timeout short enough for "
                "an execution to end within 5 minutes",
    "sync": "start the child workflows without waiting (`start X` without `sync`/`sync2`/`callback`), or keep "
            "the parent Standard (its children can still be Express)",
    "concurrency": "ask AWS for a higher Lambda concurrency quota, or run fewer executions a month",
    "throughput": "ask AWS for higher Step Functions quotas (state transitions, StartExecution), or use Express",
}


def _remedy(cells: dict[str, Cell], kind: str) -> dict[str, Cell]:
    for cell in cells.values():
        if cell.status == FAIL and not cell.remedy:
            cell.remedy = REMEDIES[kind]
    return cells


@dataclass
class LimitRow:
    limit: str
    cells: dict[str, Cell]  # architecture -> cell
    figures: list[str] = field(default_factory=list)
    note: str = ""


def kib(n: float) -> str:
    if n >= 1024 * 1024:
        return f"{n / 1024 / 1024:.1f} MiB"
    if n >= 1024:
        return f"{n / 1024:.1f} KiB"
    return f"{int(n)} B"


def human(seconds_: float) -> str:
    s = float(seconds_)
    if s >= 86400:
        return f"{s / 86400:g} d"
    if s >= 3600:
        return f"{s / 3600:g} h"
    if s >= 60:
        return f"{s / 60:g} min"
    return f"{s:g} s"


def count(n: float) -> str:
    return f"{n:,.0f}"


@dataclass
class Context:
    program: ir.Program
    root: str
    indexes: dict[str, WorkflowIndex]  # the root and every workflow it can start
    book: PriceBook
    asl_trace: Trace | None
    input_bytes: int
    max_payload: int  # bytes: the largest state input/output of the run (0: unknown)
    latency_ms: dict[str, float]  # architecture -> modelled duration of the root execution
    lambda_seconds: dict[str, float]  # architecture -> Lambda compute seconds per execution
    transitions: float  # Standard transitions per execution
    executions: int  # per month
    envelope_bytes: int  # SQS: envelope around a state's payload
    sqs_supported: bool = True
    sqs_visibility_changes: int = 0  # measured on the SQS run

    @property
    def root_index(self) -> WorkflowIndex:
        return self.indexes[self.root]

    def states(self):
        for index in self.indexes.values():
            yield from index.states.values()


def analyse_limits(ctx: Context) -> list[LimitRow]:
    rows = [payload_row(ctx), history_row(ctx), map_row(ctx), duration_row(ctx), delay_row(ctx),
            sync_row(ctx), concurrency_row(ctx), throughput_row(ctx)]
    if not ctx.sqs_supported:
        for row in rows:
            row.cells["sqs"] = Cell(NA, "the SQS target does not support this workflow")
    return rows


# ------------------------------------------------------------------------------------------------------
def payload_row(ctx: Context) -> LimitRow:
    book = ctx.book
    sfn_limit = book.value("sfn.max_payload_bytes")
    sqs_limit = book.value("sqs.max_message_bytes")
    item_limit = book.value("dynamodb.max_item_bytes")
    biggest = max(ctx.max_payload, ctx.input_bytes)
    grows = biggest / ctx.input_bytes if ctx.input_bytes else 1.0

    def at_input(limit: float, overhead: int = 0) -> str:
        if not ctx.input_bytes:
            return ""
        return f"; reached at an input of about {kib(max(0.0, limit - overhead) / grows)}"

    def status(size: float, limit: float) -> str:
        return FAIL if size > limit else WARN if size > limit / 2 else OK

    sfn = Cell(status(biggest, sfn_limit), f"largest state payload {kib(biggest)} of {kib(sfn_limit)}"
               + at_input(sfn_limit))
    message = biggest + ctx.envelope_bytes
    sqs_text = (f"largest message about {kib(message)} of {kib(sqs_limit)} (payload + {kib(ctx.envelope_bytes)} "
                f"envelope){at_input(sqs_limit, ctx.envelope_bytes)}; but the tracking table keeps the execution's "
                f"input and output, and each Map/Parallel's gathered results, in one DynamoDB item of at most "
                f"{kib(item_limit)}{at_input(item_limit)}")
    sqs = Cell(status(biggest, item_limit), sqs_text)
    note = ("sizes measured on the run; the projection assumes the payload grows in proportion to the input "
            f"(here the largest payload is {grows:.1f} x the input)") if ctx.input_bytes else ""
    return LimitRow("Payload: 256 KiB per state (Step Functions) vs 1 MiB per message (SQS)",
                    _remedy({"standard": sfn, "express": replace(sfn), "sqs": sqs}, "payload"),
                    ["sfn.max_payload_bytes", "sqs.max_message_bytes", "dynamodb.max_item_bytes"], note)


# ------------------------------------------------------------------------------------------------------
def history_budget(book: PriceBook) -> dict[str, int]:
    return book.value("sfn.history_events.per_state")


def trace_events(ctx: Context) -> int:
    """History events of the root execution: measured when the run produced a history, else estimated."""
    if ctx.asl_trace is not None and ctx.asl_trace.root.events:
        return ctx.asl_trace.root.events
    return estimated_events(ctx)


def estimated_events(ctx: Context) -> int:
    budget = history_budget(ctx.book)
    index = ctx.root_index
    if ctx.asl_trace is None:
        return 0
    root = ctx.asl_trace.root
    total = budget["Execution"]
    for name in root.entered:
        info = index.states.get(name)
        if info is not None:
            total += state_events(info.state, budget)
    total += sum(root.retries.values()) * budget["TaskRetry"]
    total += sum(root.iterations.values()) * budget["MapIteration"]
    return total


def history_row(ctx: Context) -> LimitRow:
    book = ctx.book
    limit = book.value("sfn.standard.max_history_events")
    budget = history_budget(book)
    measured = ctx.asl_trace is not None and ctx.asl_trace.root.events > 0
    events = trace_events(ctx)
    parts = [f"{count(events)} events per run ({'measured' if measured else 'estimated'}) of {count(limit)}"]
    worst = OK if events < limit / 2 else WARN if events < limit else FAIL
    iterations = ctx.asl_trace.root.iterations if ctx.asl_trace is not None else {}
    for info in ctx.root_index.states.values():
        state = info.state
        if state.kind != "map" or state.map is None:
            continue
        if state.map.distributed:
            parts.append(f"Map {info.name} is distributed: each item is a child execution with its own history")
            continue
        per_item = iteration_events(state, budget)
        ran = iterations.get(info.name, 0)
        base = max(0, events - ran * per_item)
        fails_at = (limit - base) // per_item
        parts.append(f"Map {info.name} adds {per_item} events per item: the execution fails at about "
                     f"{count(fails_at)} items (move the body to a child workflow started per item, or make it "
                     f"`map distributed`; a child started with `.sync` still writes its Task events in the parent)")
        if fails_at < 10_000 and worst == OK:
            worst = WARN
    loops = _loops(ctx.root_index)
    if loops:
        per_pass = sum(state_events(ctx.root_index.states[n].state, budget) for n in loops)
        parts.append(f"the loop through {', '.join(loops)} adds {per_pass} events per pass: at most about "
                     f"{count((limit - events) // max(1, per_pass))} more passes")
    standard = Cell(worst, "; ".join(parts))
    express = Cell(OK, "no history limit: Express keeps no execution history (CloudWatch Logs only)")
    sqs = Cell(OK, "no history: the tracking table keeps one claim item per step (expiring with a TTL)")
    return LimitRow("History: 25,000 events per Standard execution",
                    _remedy({"standard": standard, "express": express, "sqs": sqs}, "history"), ["sfn.standard.max_history_events", "sfn.history_events.per_state"],
                    "events per state from the derived budget (D); checked against moto's histories in the tests")


def _loops(index: WorkflowIndex) -> list[str]:
    """States on a cycle of the top-level graph (a `goto` back), in graph order."""
    graph = index.workflow.graph
    edges: dict[str, list[str]] = {}
    for name, state in graph.states.items():
        targets = [r.next for r in state.choices] + [c.next for c in state.catches]
        if state.default:
            targets.append(state.default)
        if state.next and not state.end:
            targets.append(state.next)
        edges[name] = [t for t in targets if t in graph.states]
    on_cycle: list[str] = []
    for start in graph.states:
        stack, seen = list(edges[start]), set()
        while stack:
            n = stack.pop()
            if n == start:
                on_cycle.append(start)
                break
            if n in seen:
                continue
            seen.add(n)
            stack.extend(edges.get(n, []))
    return on_cycle


# ------------------------------------------------------------------------------------------------------
def map_row(ctx: Context) -> LimitRow:
    cap = ctx.book.value("sfn.inline_map.max_concurrency")
    dcap = ctx.book.value("sfn.distributed_map.max_child_concurrency")
    esm = ctx.book.value("lambda.esm.sqs.max_concurrency")
    sfn_parts, sqs_parts, status = [], [], OK
    for info in ctx.states():
        state = info.state
        if state.kind != "map" or state.map is None:
            continue
        asked = literal_int(state.map.max_concurrency)
        label = f"Map {info.name}"
        if asked is not None and asked > 0:
            wanted = f"asks for {asked} at a time"
        elif state.map.max_concurrency is None or asked == 0:
            wanted = "sets no MaxConcurrency"
        else:
            wanted = "takes its MaxConcurrency from the input"
        if state.map.distributed:
            sfn_parts.append(f"{label} (distributed) {wanted}: up to {count(dcap)} child executions")
        elif asked is not None and asked > cap:
            sfn_parts.append(f"{label} {wanted}, but an inline Map runs at most {cap}")
            status = WARN
        elif asked is not None and asked > 0:
            sfn_parts.append(f"{label} {wanted} (inline cap {cap})")
        else:
            sfn_parts.append(f"{label} {wanted}: an inline Map runs at most {cap}")
        if asked is not None and asked > 0:
            sqs_parts.append(f"{label}: the runtime keeps {asked} items in flight")
        else:
            sqs_parts.append(f"{label}: every item is sent at once; Lambda concurrency (and the step's event "
                             f"source mapping, {esm['min']}-{esm['max']} when capped) is the only limit")
    if not sfn_parts:
        na = Cell(NA, "no Map in this workflow")
        return LimitRow("Map concurrency: inline Map 40", {"standard": na, "express": na, "sqs": na},
                        ["sfn.inline_map.max_concurrency"])
    sfn = Cell(status, "; ".join(sfn_parts))
    return LimitRow("Map concurrency: inline Map 40", {"standard": sfn, "express": sfn,
                    "sqs": Cell(OK, "; ".join(sqs_parts))},
                    ["sfn.inline_map.max_concurrency", "sfn.distributed_map.max_child_concurrency",
                     "lambda.esm.sqs.max_concurrency"])


# ------------------------------------------------------------------------------------------------------
def _long_waits(ctx: Context) -> list[tuple[str, float, str]]:
    """(state, seconds, what) for literal waits, task timeouts and retry delays."""
    out = []
    for info in ctx.states():
        state = info.state
        if state.kind == "wait":
            secs = seconds(state.wait_seconds)
            if secs is not None:
                out.append((info.name, float(secs), "Wait"))
            elif state.wait_seconds is not None:
                out.append((info.name, math.nan, "Wait (time from the input)"))
            elif state.wait_timestamp is not None:
                out.append((info.name, math.nan, "Wait (until a timestamp)"))
        for retry in state.retries:
            out.append((info.name, retry_max_delay(retry), "retry delay"))
        timeout = seconds(state.timeout)
        if timeout is not None:
            out.append((info.name, float(timeout), "task timeout"))
    return out


def duration_row(ctx: Context) -> LimitRow:
    book = ctx.book
    express_max = book.value("sfn.express.max_duration_s")
    standard_max = book.value("sfn.standard.max_duration_s")
    wf = ctx.program.workflows[ctx.root]
    express_ms = ctx.latency_ms.get("express", 0.0)
    parts = [f"this run about {express_ms / 1000:.2f} s (the run's time plus modelled overheads) of {human(express_max)}"]
    status = OK if express_ms / 1000 < express_max else FAIL
    for name, secs, what in _long_waits(ctx):
        if what == "Wait" and secs > express_max:
            parts.append(f"{what} {name} of {human(secs)} cannot finish")
            status = FAIL
        elif what.startswith("Wait ("):
            parts.append(f"{name} waits {what[6:-1]}: longer than {human(express_max)} fails")
            status = max(status, WARN, key=_rank)
        elif what == "retry delay" and secs > express_max:
            parts.append(f"{name} may wait {human(secs)} before a retry")
            status = max(status, WARN, key=_rank)
        elif what == "task timeout" and secs > express_max:
            parts.append(f"{name} may run {human(secs)} (its timeout)")
            status = max(status, WARN, key=_rank)
    if wf.timeout and wf.timeout > express_max:
        parts.append(f"the workflow's timeout ({human(wf.timeout)}) is cut to {human(express_max)}")
        status = max(status, WARN, key=_rank)
    standard = Cell(OK, f"this run about {ctx.latency_ms.get('standard', 0.0) / 1000:.2f} s (the run's time plus modelled overheads) of "
                        f"{human(standard_max)}")
    sqs = Cell(OK, "no execution limit: the runtime enforces the workflow's own timeout; a message waits at most "
                   "the queue's retention (4 days) and a tracking item lives until its TTL")
    return LimitRow("Duration: Express 5 minutes",
                    _remedy({"standard": standard, "express": Cell(status, "; ".join(parts)), "sqs": sqs}, "duration"), ["sfn.express.max_duration_s", "sfn.standard.max_duration_s"])


def _rank(status: str) -> int:
    return {NA: 0, OK: 1, WARN: 2, FAIL: 3}[status]


def delay_row(ctx: Context) -> LimitRow:
    limit = ctx.book.value("sqs.delay_seconds_max")
    visibility = ctx.book.value("sqs.visibility_timeout_max_s")
    long = [(n, s, w) for n, s, w in _long_waits(ctx) if w in ("Wait", "retry delay") and s > limit]
    dynamic = [(n, w) for n, s, w in _long_waits(ctx) if w.startswith("Wait (")]
    parts = [f"{w} {n} of {human(s)}" for n, s, w in long]
    parts += [f"{n} waits {w[6:-1]}" for n, w in dynamic]
    if parts:
        text = (f"{'; '.join(parts)}: longer than DelaySeconds allows ({human(limit)}), so the runtime sends the "
                f"message with the longest delay, then keeps it invisible (ChangeMessageVisibility, at most "
                f"{human(visibility)} after it was sent) and sends it again beyond that: an extra receive and "
                f"visibility change per stretch")
        if ctx.sqs_visibility_changes:
            n = ctx.sqs_visibility_changes
            text += f" (this run: {n} visibility change{'s' if n != 1 else ''})"
        sqs = Cell(WARN, text)
    else:
        sqs = Cell(OK, f"no wait or retry delay longer than {human(limit)}")
    sfn = Cell(OK, "Wait states and retry delays are timers of the state machine (no hops)")
    return LimitRow("Delay: SQS DelaySeconds at most 15 minutes", {"standard": sfn, "express": sfn, "sqs": sqs},
                    ["sqs.delay_seconds_max", "sqs.visibility_timeout_max_s"])


def sync_row(ctx: Context) -> LimitRow:
    found = []
    for info in ctx.root_index.states.values():
        task = info.state.task
        if task is None:
            continue
        if task.mode in ("sync", "sync2", "callback"):
            what = {"sync": ".sync", "sync2": ".sync:2", "callback": ".waitForTaskToken"}[task.mode]
            found.append(f"{info.name} ({task.integration} {what})")
        elif task.integration == "activity":
            found.append(f"{info.name} (activity)")
    if not found:
        ok = Cell(OK, "no .sync, callback or activity task")
        return LimitRow("`.sync` and callbacks: not in Express", {"standard": ok, "express": ok, "sqs": ok},
                        ["sfn.express.supports_sync_and_callback"])
    listing = ", ".join(found)
    sqs_text = (f"{listing}: the runtime waits for child workflows through the tracking table; callbacks and "
                f"activities are refused (FLOW701/FLOW702)")
    return LimitRow("`.sync` and callbacks: not in Express", _remedy({
        "standard": Cell(OK, f"{listing}: supported"),
        "express": Cell(FAIL, f"{listing}: not supported by Express"),
        "sqs": Cell(WARN if any("callback" in f or "activity" in f for f in found) else OK, sqs_text)}, "sync"),
        ["sfn.express.supports_sync_and_callback"])


def concurrency_row(ctx: Context) -> LimitRow:
    book = ctx.book
    account = book.value("lambda.account_concurrency_default")
    rate = ctx.executions / SECONDS_PER_MONTH
    cells = {}
    for arch in ("standard", "express", "sqs"):
        secs = ctx.lambda_seconds.get(arch, 0.0)
        if secs <= 0:
            cells[arch] = Cell(OK, "no Lambda function runs")
            continue
        average = rate * secs
        ceiling = account / secs * SECONDS_PER_MONTH
        status = OK if average < account / 2 else WARN if average < account else FAIL
        cells[arch] = Cell(status, f"{secs:.2f} Lambda-seconds per execution: about {average:.2f} concurrent at "
                                   f"{count(ctx.executions)}/month (even traffic); {count(account)} (the account "
                                   f"default) is reached at about {count(ceiling)} executions/month, sooner in bursts")
    return LimitRow("Lambda concurrency: 1,000 per account and region (default)", _remedy(cells, "concurrency"),
                    ["lambda.account_concurrency_default"],
                    "average concurrency = executions per second x Lambda seconds per execution; bursts and Map "
                    "fan-out need more")


def throughput_row(ctx: Context) -> LimitRow:
    book = ctx.book
    transitions = book.value("sfn.state_transition.standard.throttle")
    starts = book.value("sfn.start_execution.standard.throttle")
    express = book.value("sfn.start_execution.express.throttle")
    big = "us-east-1/us-west-2/eu-west-1"
    t_rate = transitions[big]["refill_per_s"]
    s_rate = starts[big]["refill_per_s"]
    parts = [f"{t_rate:,}/s state transitions: {count(t_rate * SECONDS_PER_MONTH / max(ctx.transitions, 1))} "
             f"executions/month at {ctx.transitions:g} transitions each",
             f"StartExecution {s_rate:,}/s: {count(s_rate * SECONDS_PER_MONTH)} executions/month"]
    rate = ctx.executions / SECONDS_PER_MONTH
    worst = max(rate * ctx.transitions / t_rate, rate / s_rate)
    standard = Cell(OK if worst < 0.5 else WARN if worst < 1 else FAIL, "; ".join(parts) + " (even traffic, "
                    "large regions; other regions 800/s and 150/s)")
    e_rate = express["refill_per_s"]
    exp = Cell(OK if rate < e_rate / 2 else WARN, f"StartExecution {e_rate:,}/s; transitions unlimited")
    sqs = Cell(OK, "SQS standard queues: nearly unlimited API rate; Lambda scales 1,000 environments per 10 s "
                   "per function")
    return LimitRow("Throughput quotas (soft)", _remedy({"standard": standard, "express": exp, "sqs": sqs},
                                                         "throughput"),
                    ["sfn.state_transition.standard.throttle", "sfn.start_execution.standard.throttle",
                     "sfn.start_execution.express.throttle"])


def envelope_bytes(workflow: str, longest_state: str, carries_input: bool, input_bytes: int) -> int:
    """Bytes the SQS runtime's envelope adds around a state's payload (the execution input too when the
    workflow reads $$.Execution.Input)."""
    try:
        from flowc.targets.sqs.runtime.envelope import Envelope, Line
    except ImportError:
        return 400
    line = Line(workflow, "00000000-0000-0000-0000-000000000000", started="2026-01-01T00:00:00.000Z",
                trace=f"{workflow}/00000000-0000-0000-0000-000000000000")
    text = Envelope("run", line, state=longest_state, input=None).to_json()
    return len(text.encode("utf-8")) - len("null") + (input_bytes if carries_input else 0)


def json_bytes(value: Any) -> int:
    return len(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))
