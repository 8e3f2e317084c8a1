"""Modelled latency of one execution: the run's trace priced with per-hop overheads from `prices.json`.

Nothing here is measured on AWS. The trace (which states were entered, how often, how many retries) comes
from the run; every duration comes from the data file (per-hop overheads, S or U) or from the handler time
the local executors assume. The model walks the trace by structure: top-level states add up; a Map takes
ceil(iterations / concurrency) waves of its average iteration; a Parallel takes its slowest branch; a
task that waits for a child workflow (`.sync`) takes the child's own modelled time.

Per state, in milliseconds (h = handler time, a = one AWS API call, r = the SQS runtime's own calls per hop):
- Step Functions: Lambda task  = lambda_task overhead + h; service task = state overhead + a;
  any other state = state overhead; Wait = its seconds; each retry = its delay + the attempt again.
- SQS chain: a step that runs in its own function = SQS hop + r x a + (a + h for a handler, which its own
  function runs behind a synchronous invoke; a for a service call); states
  that run inline in the previous function (Choice, Pass, Succeed, Fail) = 0; a Wait = its seconds + a hop
  back through the ingress queue; each retry = its delay + the attempt again.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from flowc.compiler.compare.analysis import WorkflowIndex, literal_int, retry_delays, seconds
from flowc.compiler.compare.measure import ExecutionTrace, Trace
from flowc.compiler.compare.pricing import PriceBook

INLINE_MAP_CAP = 40


@dataclass
class Model:
    architecture: str  # standard | express | sqs
    handler_ms: float
    lambda_task_ms: float = 0.0
    state_ms: float = 0.0
    aws_call_ms: float = 0.0
    hop_ms: float = 0.0
    runtime_calls: float = 0.0  # SQS: the runtime's AWS calls per hop (tracking table, sends)
    timers: bool = True  # count Wait states and retry delays (off when the run's measured time carries them)


def models(book: PriceBook, handler_ms: float, runtime_calls: float, *, timers: bool = True) -> dict[str, Model]:
    """The per-architecture models. With `handler_ms=0, timers=False` they give only the overheads AWS adds
    (per state, per hop, per call), to be added to the run's measured virtual time."""
    state = book.value("latency.sfn.state_ms")
    call = book.value("latency.aws_call_ms")
    return {
        "standard": Model("standard", handler_ms, book.value("latency.sfn.standard.lambda_task_ms"), state, call,
                          timers=timers),
        "express": Model("express", handler_ms, book.value("latency.sfn.express.lambda_task_ms"), state, call,
                         timers=timers),
        "sqs": Model("sqs", handler_ms, aws_call_ms=call, hop_ms=book.value("latency.sqs_hop_ms"),
                     runtime_calls=runtime_calls, timers=timers),
    }


def execution_ms(trace: Trace, indexes: dict[str, WorkflowIndex], model: Model) -> dict[int, float]:
    """Modelled milliseconds of every execution in the trace (by position), children before parents."""
    out: dict[int, float] = {}
    by_workflow: dict[str, list[float]] = {}
    # children first: a parent's `.sync` task waits for its child's time
    for i in range(len(trace.executions) - 1, -1, -1):
        ex = trace.executions[i]
        index = indexes.get(ex.workflow)
        ms = 0.0 if index is None else _execution(ex, index, model, by_workflow)
        out[i] = ms
        by_workflow.setdefault(ex.workflow, []).append(ms)
    return out


def _execution(ex: ExecutionTrace, index: WorkflowIndex, model: Model, children: dict[str, list[float]]) -> float:
    def cost(name: str) -> float:
        info = index.states.get(name)
        if info is None:
            return 0.0
        state = info.state
        retries = ex.retries.get(name, 0)
        # which retrier matched is not in the trace: the first one is taken
        delay = retry_delays(state.retries[0], retries) * 1000.0 if retries and state.retries and model.timers \
            else 0.0
        if state.kind == "task":
            task = state.task
            if model.architecture == "sqs":
                # a handler: the invoke of its own function (one more AWS call) and its time
                work = model.aws_call_ms + model.handler_ms if info.is_lambda else model.aws_call_ms
                one = model.hop_ms + model.runtime_calls * model.aws_call_ms + work
            elif info.is_lambda:
                one = model.lambda_task_ms + model.handler_ms
            else:
                one = model.state_ms + model.aws_call_ms
            if task is not None and task.integration == "states.startExecution" and task.mode in ("sync", "sync2"):
                times = children.get(task.target or "", [])
                one += sum(times) / len(times) if times else 0.0
            return one * (1 + retries) + delay
        if state.kind == "wait":
            wait = (seconds(state.wait_seconds) or 0) * 1000.0 if model.timers else 0.0
            return wait + (model.hop_ms + model.runtime_calls * model.aws_call_ms if model.architecture == "sqs"
                           else model.state_ms)
        if state.kind in ("map", "parallel"):
            return block(name)
        return model.state_ms if model.architecture != "sqs" else 0.0

    def inside(block_name: str) -> list[str]:
        return [n for n in ex.entered if n in index.states and block_name in index.states[n].path
                and index.states[n].block == block_name]

    def block(name: str) -> float:
        info = index.states[name]
        state = info.state
        own = model.state_ms if model.architecture != "sqs" else model.runtime_calls * model.aws_call_ms
        members = inside(name)
        if state.kind == "parallel":
            branches: dict[int, float] = {}
            for n in members:
                b = index.states[n].branch or 0
                branches[b] = branches.get(b, 0.0) + cost(n)
            return own + max(branches.values(), default=0.0)
        assert state.map is not None
        iterations = ex.iterations.get(name) or sum(1 for n in members if n == state.map.processor.start_at)
        if not iterations:
            return own
        total = sum(cost(n) for n in members)
        concurrency = _concurrency(state, model.architecture)
        waves = math.ceil(iterations / concurrency) if concurrency else 1
        return own + waves * total / iterations

    top = [n for n in ex.entered if n in index.states and index.states[n].depth == 0]
    return sum(cost(n) for n in top)


def _concurrency(state, architecture: str) -> int:
    """How many iterations of a Map run at once: MaxConcurrency (0/unset: no limit), inline Map capped at 40."""
    assert state.map is not None
    asked = literal_int(state.map.max_concurrency) or 0
    if architecture != "sqs" and not state.map.distributed:
        return min(asked, INLINE_MAP_CAP) if asked else INLINE_MAP_CAP
    return asked or 0


def express_billed_ms(ms: float, book: PriceBook) -> int:
    step = book.value("sfn.express.duration_rounding_ms")
    return int(math.ceil(max(ms, 1.0) / step) * step)
