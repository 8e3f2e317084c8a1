"""What the IR says about a workflow, independent of any run: where each state sits, what it calls,
how many history events it writes, and which workflows a run can reach.

Names are unique within a state machine (ASL requires it), so a state is identified by (workflow, name).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flowc.compiler import ir

# Service integrations that Step Functions calls natively and the SQS chain must call from a function.
NATIVE = {"dynamodb.getItem", "dynamodb.putItem", "dynamodb.updateItem", "dynamodb.deleteItem", "sns.publish",
          "sqs.sendMessage", "events.putEvents", "states.startExecution", "resource", "activity"}


@dataclass
class StateInfo:
    workflow: str
    name: str
    state: ir.State
    depth: int  # 0 at the top level of the workflow
    block: str | None  # the enclosing Map/Parallel state
    path: tuple[str, ...]  # enclosing Map/Parallel states, outermost first
    branch: int | None = None  # the Parallel branch it is in (when `block` is a Parallel)

    @property
    def kind(self) -> str:
        return self.state.kind

    @property
    def integration(self) -> str | None:
        return self.state.task.integration if self.state.task is not None else None

    @property
    def is_lambda(self) -> bool:
        return self.integration == "lambda"

    @property
    def mode(self) -> str | None:
        return self.state.task.mode if self.state.task is not None else None


@dataclass
class WorkflowIndex:
    workflow: ir.Workflow
    states: dict[str, StateInfo] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.workflow.name

    def top_level(self, name: str) -> str:
        """The top-level state whose block `name` is in (itself when it is top level)."""
        info = self.states[name]
        return info.path[0] if info.path else name


def index_workflow(wf: ir.Workflow) -> WorkflowIndex:
    out = WorkflowIndex(wf)

    def walk(graph: ir.Graph, depth: int, path: tuple[str, ...], branch: int | None) -> None:
        for name, state in graph.states.items():
            out.states[name] = StateInfo(wf.name, name, state, depth, path[-1] if path else None, path, branch)
            for i, sub in enumerate(state.branches):
                walk(sub, depth + 1, (*path, name), i)
            if state.map is not None:
                walk(state.map.processor, depth + 1, (*path, name), None)
    walk(wf.graph, 0, (), None)
    return out


def reachable_workflows(program: ir.Program, name: str) -> list[str]:
    """`name` and every workflow of the program it can start, directly or not, in a stable order."""
    seen: list[str] = []

    def visit(n: str) -> None:
        if n in seen or n not in program.workflows:
            return
        seen.append(n)
        for child in program.workflows[n].workflows:
            visit(child)
    visit(name)
    return seen


# ------------------------------------------------------------------------------------------------------
# history events (Standard): the 25,000-event budget
# ------------------------------------------------------------------------------------------------------
def state_events(state: ir.State, budget: dict[str, int]) -> int:
    """History events one successful pass through `state` writes, blocks excluded (see `path_events`)."""
    kind = state.kind
    if kind == "task":
        mode = state.task.mode if state.task is not None else "request"
        return budget["TaskSync"] if mode in ("sync", "sync2", "callback") else budget["Task"]
    return {"choice": budget["Choice"], "pass": budget["Pass"], "wait": budget["Wait"], "succeed": budget["Succeed"],
            "fail": budget["Fail"], "parallel": budget["Parallel"], "map": budget["Map"]}[kind]


def path_events(graph: ir.Graph, budget: dict[str, int], *, map_items: int = 0) -> int:
    """Events of the longest acyclic path through `graph` from its start (choices: the costliest branch;
    catches not taken). A Map counts `map_items` iterations (0: just its own events)."""
    memo: dict[str, int] = {}

    def cost(name: str, stack: frozenset[str]) -> int:
        if name in memo:
            return memo[name]
        if name in stack or name not in graph.states:
            return 0
        state = graph.states[name]
        own = state_events(state, budget)
        if state.kind == "parallel":
            own += sum(path_events(b, budget, map_items=map_items) for b in state.branches)
        if state.kind == "map" and state.map is not None and not state.map.distributed and map_items:
            own += map_items * iteration_events(state, budget)
        nexts = [r.next for r in state.choices]
        if state.default:
            nexts.append(state.default)
        if state.next and not state.end:
            nexts.append(state.next)
        best = max((cost(n, stack | {name}) for n in nexts), default=0)
        memo[name] = own + best
        return memo[name]
    return cost(graph.start_at, frozenset())


def iteration_events(state: ir.State, budget: dict[str, int]) -> int:
    """Events one iteration of an inline Map adds to its parent's history."""
    assert state.map is not None
    return budget["MapIteration"] + path_events(state.map.processor, budget)


def workflow_events(wf: ir.Workflow, budget: dict[str, int], *, map_items: int = 0) -> int:
    return budget["Execution"] + path_events(wf.graph, budget, map_items=map_items)


# ------------------------------------------------------------------------------------------------------
# small facts used by several sections
# ------------------------------------------------------------------------------------------------------
def literal(value: Any) -> Any:
    """The Python value of a literal (an AST `LiteralValue` or a plain value); None for paths/expressions."""
    if getattr(value, "kind", None) == "literal":
        return value.value
    return None if hasattr(value, "kind") else value


def literal_int(value: Any) -> int | None:
    v = literal(value)
    return v if isinstance(v, int) and not isinstance(v, bool) else None


def seconds(value: Any) -> int | None:
    """A literal number of seconds (timeouts, waits), or None when it comes from a path or expression."""
    return literal_int(value)


def retry_max_delay(retry: ir.Retry) -> float:
    """The longest single delay a retrier can wait (before its last attempt)."""
    interval = retry.interval if retry.interval is not None else 1
    attempts = retry.max_attempts if retry.max_attempts is not None else 3
    backoff = retry.backoff_rate if retry.backoff_rate is not None else 2.0
    if attempts <= 0:
        return 0.0
    delay = interval * backoff ** (attempts - 1)
    return float(min(delay, retry.max_delay)) if retry.max_delay is not None else float(delay)


def retry_delays(retry: ir.Retry, attempts: int) -> float:
    """Seconds waited before `attempts` retries of one retrier (full jitter: its mean, half the delay)."""
    interval = retry.interval if retry.interval is not None else 1
    backoff = retry.backoff_rate if retry.backoff_rate is not None else 2.0
    total = 0.0
    for k in range(attempts):
        delay = interval * backoff ** k
        if retry.max_delay is not None:
            delay = min(delay, retry.max_delay)
        total += delay / 2.0 if retry.jitter == "FULL" else delay
    return total
