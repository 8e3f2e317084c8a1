from flowc.compiler.asldoc import AslDocument, Scope, escape, transitions
from flowc.compiler.rules._values import integration, is_int
from flowc.compiler.rules.base import Finding, Rule
from flowc.dsl.diagnostics import Severity

LIMIT = 25_000
THRESHOLD = 20_000
ONE_YEAR = 365 * 24 * 3600
DEFAULT_MAP_ITEMS = 100


def _duration(seconds: float) -> str:
    if seconds >= 2 * 86400:
        return f"{seconds / 86400:.0f} days"
    if seconds >= 2 * 3600:
        return f"{seconds / 3600:.0f} hours"
    return f"{seconds / 60:.0f} minutes"


class _Estimator:
    def __init__(self, doc: AslDocument):
        self.doc = doc
        self.map_items = int(doc.options.get("map_items") or DEFAULT_MAP_ITEMS)
        self.scope_of: dict[str, Scope] = {}
        for scope in doc.scopes():
            self.scope_of[scope.pointer] = scope
        self.memo: dict[str, int] = {}

    def state_events(self, body: dict, pointer: str) -> int:
        kind = body.get("Type")
        if kind == "Task":
            found = integration(body.get("Resource"))
            return 6 if found is not None and found[2] else 5
        if kind == "Parallel":
            branches = body.get("Branches")
            total = 4
            if isinstance(branches, list):
                for i in range(len(branches)):
                    total += self.scope_events(f"{pointer}/Branches/{i}")
            return total
        if kind == "Map":
            key = "ItemProcessor" if isinstance(body.get("ItemProcessor"), dict) else "Iterator"
            scope = self.scope_of.get(f"{pointer}/{key}")
            if scope is None:
                return 4
            if scope.distributed:
                return 6
            items = body.get("Items")
            count = len(items) if isinstance(items, list) else self.map_items
            return 4 + count * (2 + self.scope_events(scope.pointer))
        return 2

    def scope_events(self, pointer: str) -> int:
        """Events of the longest path through a scope, loops taken once."""
        if pointer in self.memo:
            return self.memo[pointer]
        scope = self.scope_of.get(pointer)
        if scope is None or not isinstance(scope.start_at, str):
            return 0
        states = scope.states
        best: dict[str, int] = {}
        on_stack: set[str] = set()

        def longest(name: str, depth: int = 0) -> int:
            if name in best:
                return best[name]
            body = states.get(name)
            if not isinstance(body, dict) or depth > 500:
                return 0
            on_stack.add(name)
            own = self.state_events(body, f"{pointer}/States/{escape(name)}")
            tail = 0
            for _, target in transitions(body):
                if isinstance(target, str) and target in states and target not in on_stack:
                    tail = max(tail, longest(target, depth + 1))
            on_stack.discard(name)
            best[name] = own + tail
            return best[name]

        self.memo[pointer] = longest(scope.start_at)
        return self.memo[pointer]


def cycles(states: dict) -> list[list[str]]:
    """Strongly connected components with a cycle (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    counter = 0
    edges = {n: [t for _, t in transitions(b) if isinstance(t, str) and t in states] if isinstance(b, dict) else []
             for n, b in states.items()}
    for root in states:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on.add(node)
            recurse = False
            for j in range(i, len(edges[node])):
                nxt = edges[node][j]
                if nxt not in index:
                    work.append((node, j + 1))
                    work.append((nxt, 0))
                    recurse = True
                    break
                if nxt in on:
                    low[node] = min(low[node], index[nxt])
            if recurse:
                continue
            if low[node] == index[node]:
                comp = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.append(w)
                    if w == node:
                        break
                if len(comp) > 1 or node in edges[node]:
                    out.append(comp)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return out


def _distributed(body: dict) -> bool:
    processor = body.get("ItemProcessor")
    config = processor.get("ProcessorConfig") if isinstance(processor, dict) else None
    return isinstance(config, dict) and config.get("Mode") == "DISTRIBUTED"


class HistoryEvents(Rule):
    code = "FLOW403"
    name = "history-events"
    summary = "An execution likely to come near the 25,000-event history limit of a STANDARD workflow."
    severity = Severity.WARNING
    docs = """\
A STANDARD execution fails once its history reaches 25,000 events. Each state
adds events (a Lambda task five: entered, scheduled, started, succeeded, exited),
an inline Map adds the events of every iteration, and a loop adds its events
on every turn. flowc estimates the longest pass through the workflow (inline
Maps over a literal `Items` array count its items, others are assumed to have
100 items — `[tool.flowc.lint] map-items` changes that) and, for a loop that
waits a fixed time, how many turns the execution's timeout (or the one-year
limit) allows.

Near the limit, move the repeated part into a child workflow (`start Child
sync2`) or use a Distributed Map, whose iterations are child executions with
histories of their own — the parent/child pattern.

Bad: a poll loop with `Wait 10s` and no `TimeoutSeconds` (it can run for a year,
about 3 million turns).

Good: `TimeoutSeconds` on the workflow (or a bounded retry counter), or the
poll loop moved into a child workflow started with `.sync:2`.
"""

    def check(self, doc: AslDocument):
        if doc.workflow_type == "EXPRESS" or not doc.scopes():
            return
        est = _Estimator(doc)
        states = doc.states()
        inline_maps = any(not _distributed(r.body) for r in doc.states_of_type("Map"))  # (through the layouts)
        total = 2 + est.scope_events("") if inline_maps or 6 * len(states) >= THRESHOLD else 0
        if total >= THRESHOLD:
            yield Finding(f"one pass through this workflow is estimated at {total:,} history events "
                          f"(limit {LIMIT:,})", "/StartAt",
                          hint="move repeated work into a child workflow or a Distributed Map (parent/child)")
        d = doc.definition
        timeout = d.get("TimeoutSeconds") if isinstance(d, dict) else None
        horizon = timeout if is_int(timeout) and timeout > 0 else ONE_YEAR
        # only loops that wait a fixed time are estimated: a document without a Wait state has none (the layouts
        # tell, as a state's Type is part of its layout)
        waits = any(layout[0] == "Wait" for layout, _ in doc.layouts())
        for scope in doc.scopes() if waits else ():
            if not any(isinstance(b, dict) and b.get("Type") == "Wait" and is_int(b.get("Seconds"))
                       for b in scope.states.values()):
                continue  # only loops that wait a fixed time are estimated
            for comp in cycles(scope.states):
                per_turn = 0
                waited = 0
                for name in comp:
                    body = scope.states[name]
                    per_turn += est.state_events(body, f"{scope.pointer}/States/{escape(name)}")
                    if body.get("Type") == "Wait" and is_int(body.get("Seconds")):
                        waited += body["Seconds"]
                if waited <= 0 or per_turn <= 0:
                    continue
                turns = horizon // waited
                if turns * per_turn < THRESHOLD:
                    continue
                limit_turns = LIMIT // per_turn
                first = next(n for n in scope.states if n in comp)
                bound = f"TimeoutSeconds {timeout}" if horizon == timeout else "no TimeoutSeconds (up to a year)"
                yield Finding(f"loop through '{first}' adds ~{per_turn} history events per turn and waits {waited}s; "
                              f"with {bound} it can turn {turns:,} times, but the history is full after "
                              f"~{limit_turns:,} turns (~{_duration(limit_turns * waited)})",
                              f"{scope.pointer}/States/{escape(first)}", key=True,
                              hint="bound the loop (TimeoutSeconds, a counter) or run it in a child workflow")
