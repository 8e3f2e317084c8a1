"""What the SQS target deploys for a program, decided once and shared by the template, the routing
configuration and the simulator.

Per workflow: an ingress queue + function (starts executions, resumes lines after waits and child
workflows, runs workflows that begin with inline states) and, per task step, a queue, its dead-letter queue
and a function. A step that runs one of the program's handlers invokes it synchronously in a function of
its own (the declared function, with the Step Functions template's logical ID and its own role), so the
user's code never holds credentials for the tracking table or the queues. Which queues each function may send to is computed from the ASL graph (the same definition
the Step Functions target deploys): from a task, follow the transitions its outcomes can take through the
states that run inline (Pass, Choice, Succeed, Fail, Wait, the scatter and gather of Map and Parallel) up to
the next queue. That set is both the function's environment and its `sqs:SendMessage` grant.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from flowc.compiler import ir
from flowc.compiler.result import CompileResult
from flowc.targets import naming
from flowc.targets.asl.emit import EmitResult

INGRESS_TIMEOUT = 60  # s: the ingress/router function (scatters, inline runs, starts)
INGRESS_MEMORY = 256
INTEGRATION_TIMEOUT = 30  # s: steps that call a service integration
INTEGRATION_MEMORY = 128
DEFAULT_FUNCTION_TIMEOUT = 3  # Lambda's default, as the ASL target deploys user functions
DEFAULT_FUNCTION_MEMORY = 128
RUNTIME_ALLOWANCE = 10  # s added to a handler step's function timeout for the runtime's own calls
VISIBILITY_FACTOR = 6  # queue visibility timeout >= 6 x function timeout (AWS guidance for SQS triggers)
MAX_RECEIVE_COUNT = 5  # AWS recommends >= 5 for a Lambda consumer
RETENTION = 345600  # 4 days (the SQS default)
DLQ_RETENTION = 1209600  # 14 days, the maximum: longer than the source queues'
HANDLER_BATCH = 1  # one message per invocation: each task gets the whole function timeout, like Step Functions
ROUTER_BATCH = 10
ENV_LIMIT = 4096  # bytes, all of a function's environment variables together
QUEUE_NAME_ESTIMATE = 80  # bytes: a CloudFormation-generated queue name (stack-LogicalId-SUFFIX)

CHILD_PREFIX = "flowc:workflow:"
OWN_FUNCTION = "flowc:function:"
TRACKING_TABLE = "FlowcExecutionsTable"
RUNTIME_LAYER = "FlowcRuntimeLayer"
PARENT = "@parent"  # route token: a finished execution notifies the workflows waiting for it


@dataclass
class StepPlan:
    workflow: str
    name: str  # the state name
    base: str  # logical-id stem, e.g. MemberOnboardingAddToTeam
    state: ir.State
    handler: str | None = None  # module.function for steps that invoke one of the program's functions
    function: ir.Resource | None = None
    timeout: int = INTEGRATION_TIMEOUT  # what the task may take (the user function's timeout)
    memory: int = INTEGRATION_MEMORY
    max_concurrency: int | None = None
    routes: set[str] = field(default_factory=set)  # queue logical ids
    substitutions: set[str] = field(default_factory=set)

    @property
    def function_logical(self) -> str:
        return self.base + "Function"

    @property
    def queue(self) -> str:
        return self.base + "Queue"

    @property
    def dlq(self) -> str:
        return self.base + "DLQ"

    @property
    def handler_function(self) -> str | None:
        """Logical id of the function the handler runs in (the declared one), invoked by the step's function."""
        return naming.logical_id("function", self.function.name) if self.handler and self.function else None

    @property
    def function_timeout(self) -> int:
        """The step's function waits for the handler's (synchronous invoke), plus its own calls."""
        return min(900, self.timeout + RUNTIME_ALLOWANCE) if self.handler else self.timeout

    @property
    def function_memory(self) -> int:
        """The step's function runs only the runtime: the handler's memory is its own function's."""
        return INTEGRATION_MEMORY if self.handler else self.memory

    @property
    def batch_size(self) -> int:
        return HANDLER_BATCH if self.handler else ROUTER_BATCH


@dataclass
class WorkflowPlan:
    workflow: ir.Workflow
    emitted: EmitResult
    base: str
    definition: dict[str, Any]  # ASL with compile-time constants substituted
    steps: dict[str, StepPlan] = field(default_factory=dict)
    routes: set[str] = field(default_factory=set)  # the ingress function's
    children: dict[str, str] = field(default_factory=dict)  # child workflow -> its ingress queue
    parents: dict[str, str] = field(default_factory=dict)  # workflows waiting on this one -> their ingress queue
    deploy_values: dict[str, tuple[str, str]] = field(default_factory=dict)  # key -> (kind, name), filled at deploy
    # deploy-time keys used by states that run inline (a Pass naming a table): every function may run those
    inline_substitutions: set[str] = field(default_factory=set)

    @property
    def name(self) -> str:
        return self.workflow.name

    @property
    def ingress_function(self) -> str:
        return self.base + "IngressFunction"

    @property
    def ingress_queue(self) -> str:
        return self.base + "IngressQueue"

    @property
    def ingress_dlq(self) -> str:
        return self.base + "IngressDLQ"

    @cached_property
    def uses_jsonata(self) -> bool:
        return "JSONata" in json.dumps(self.definition)

    def config(self) -> dict[str, Any]:
        """flows/<Workflow>.json: what the runtime reads."""
        text = json.dumps(self.definition)
        return {
            "version": 1,
            "workflow": self.name,
            "type": self.workflow.type,
            "definition": self.definition,
            "ingress": self.ingress_queue,
            "ingress_dlq": self.ingress_dlq,
            "steps": {name: _step_config(step) for name, step in self.steps.items()},
            "children": dict(sorted(self.children.items())),
            "parents": dict(sorted(self.parents.items())),
            "max_receive_count": MAX_RECEIVE_COUNT,
            "needs_execution_input": "Execution.Input" in text,
        }


def _step_config(step: StepPlan) -> dict[str, Any]:
    out: dict[str, Any] = {"queue": step.queue, "dlq": step.dlq, "timeout": step.timeout, "memory": step.memory}
    if step.handler:
        out["handler"] = step.handler
        out["function"] = step.function.name if step.function else None
        out["invoke"] = step.handler_function  # the environment variable holding its function name
    return out


class ProgramPlan:
    def __init__(self, result: CompileResult):
        assert result.program is not None
        self.result = result
        self.program: ir.Program = result.program
        self.workflows: dict[str, WorkflowPlan] = {}
        used: set[str] = {naming.logical_id(kind, name) for kind, name in self.program.resources}
        used |= {TRACKING_TABLE, RUNTIME_LAYER}
        for name, wf in self.program.workflows.items():
            base = _unique(naming.pascal(name), used)
            self.workflows[name] = self._workflow(wf, result.asl[name], base, used)
        self._link_children()
        for plan in self.workflows.values():
            _Router(self, plan).run()

    # -- per workflow ----------------------------------------------------------------------------
    def _workflow(self, wf: ir.Workflow, emitted: EmitResult, base: str, used: set[str]) -> WorkflowPlan:
        constants: dict[str, str] = {}
        deploy: dict[str, tuple[str, str]] = {}
        for key, (kind, rname) in emitted.substitutions.items():
            if kind == "workflow" and naming.key_attribute(key, kind, rname) == "Arn":
                constants[key] = CHILD_PREFIX + rname
                continue
            res = self.program.resources.get((kind, rname))
            attribute = naming.key_attribute(key, kind, rname)
            if kind == "function" and res is not None and res.owned and attribute == "Arn":
                constants[key] = OWN_FUNCTION + rname
            elif res is not None and not res.owned:
                constants[key] = naming.arn_to_attribute(kind, res.arn or "", attribute)
            else:
                deploy[key] = (kind, rname)
        text = re.sub(r"\$\{([A-Za-z0-9_]+)\}", lambda m: json.dumps(constants[m.group(1)])[1:-1]
                      if m.group(1) in constants else m.group(0), json.dumps(emitted.definition))
        plan = WorkflowPlan(wf, emitted, base, json.loads(text), deploy_values=deploy)
        plan.inline_substitutions = {key for key in deploy if "${" + key + "}" in _inline_text(plan.definition)}
        for state in wf.graph.walk():
            if state.kind != "task" or state.task is None:
                continue
            step = StepPlan(wf.name, state.name, _unique(base + naming.pascal(state.name), used), state)
            task = state.task
            if task.integration == "lambda" and task.target:
                res = self.program.resources.get(("function", task.target))
                if res is not None and res.owned:
                    step.handler = res.props.get("handler")
                    step.function = res
                    step.timeout = int(res.props.get("timeout", DEFAULT_FUNCTION_TIMEOUT))
                    step.memory = int(res.props.get("memory", DEFAULT_FUNCTION_MEMORY))
            step.max_concurrency = self._concurrency_cap(wf, state, step)
            step.substitutions = {key for key in deploy if "${" + key + "}" in json.dumps(
                _find_state(plan.definition, state.name))} | plan.inline_substitutions
            plan.steps[state.name] = step
        return plan

    def _concurrency_cap(self, wf: ir.Workflow, state: ir.State, step: StepPlan) -> int | None:
        caps: list[int] = []
        for owner in _owners(wf.graph, state.name):
            limit = _literal(owner.map.max_concurrency) if owner.map is not None else None
            if isinstance(limit, int) and not isinstance(limit, bool) and limit > 0:
                caps.append(limit)
        reserved = _literal(step.function.props.get("concurrency")) if step.function is not None else None
        if isinstance(reserved, int) and not isinstance(reserved, bool) and reserved > 0:
            caps.append(reserved)
        if not caps:
            return None
        return max(2, min(1000, min(caps)))  # ScalingConfig.MaximumConcurrency is 2..1000

    def _link_children(self) -> None:
        for plan in self.workflows.values():
            for state in plan.workflow.graph.walk():
                task = state.task
                if task is None or task.integration != "states.startExecution":
                    continue
                child = self.workflows.get(task.target or "")
                if child is None:
                    continue
                plan.children[child.name] = child.ingress_queue
                if task.mode in ("sync", "sync2"):
                    child.parents[plan.name] = plan.ingress_queue

    # -- lookups ------------------------------------------------------------------------------------
    def handler_functions(self) -> dict[str, ir.Resource]:
        """Logical id -> declared function, for every function a handler step invokes (once each)."""
        out: dict[str, ir.Resource] = {}
        for plan in self.workflows.values():
            for step in plan.steps.values():
                if step.handler_function and step.function is not None:
                    out[step.handler_function] = step.function
        return dict(sorted(out.items()))

    def queue_names(self) -> list[str]:
        out = []
        for plan in self.workflows.values():
            out += [plan.ingress_queue, plan.ingress_dlq]
            for step in plan.steps.values():
                out += [step.queue, step.dlq]
        return out


class _Router:
    """Which queues each function of one workflow may send to (see the module docstring)."""

    def __init__(self, program: ProgramPlan, plan: WorkflowPlan):
        self.program = program
        self.plan = plan
        self.states: dict[str, dict[str, Any]] = {}
        self.owner: dict[str, str | None] = {}
        self._index(plan.definition, None)

    def _index(self, graph: dict[str, Any], owner: str | None) -> None:
        for name, state in graph.get("States", {}).items():
            self.states[name] = state
            self.owner[name] = owner
            for branch in state.get("Branches", ()):
                self._index(branch, name)
            processor = state.get("ItemProcessor") or state.get("Iterator")
            if isinstance(processor, dict):
                self._index(processor, name)

    def queue_for(self, name: str) -> str:
        step = self.plan.steps.get(name)
        return step.queue if step else self.plan.ingress_queue

    # Each "node" stands for a situation a function can be in; its tokens are the queues it may send to.
    def closure(self, roots: list[tuple[str, str]]) -> set[str]:
        seen: set[tuple[str, str]] = set()
        todo = list(roots)
        tokens: set[str] = set()
        while todo:
            node = todo.pop()
            if node in seen:
                continue
            seen.add(node)
            what, name = node
            found, more = self.expand(what, name)
            tokens |= found
            todo += more
        return tokens

    def expand(self, what: str, name: str) -> tuple[set[str], list[tuple[str, str]]]:
        state = self.states.get(name, {})
        kind = state.get("Type")
        if what == "enter":
            if kind == "Task":
                return {self.queue_for(name)}, []
            if kind == "Pass":
                return set(), [("after", name), ("end", name)]
            if kind == "Choice":
                targets = [r.get("Next") for r in state.get("Choices", [])] + [state.get("Default")]
                return set(), [("enter", t) for t in targets if t] + [("end", name)]
            if kind == "Wait":
                nxt = state.get("Next")
                wake = self.queue_for(nxt) if nxt and self.states.get(nxt, {}).get("Type") == "Task" \
                    else self.plan.ingress_queue
                return {wake}, [("after", name), ("end", name)]
            if kind in ("Succeed", "Fail"):
                return set(), [("end", name)]
            if kind in ("Map", "Parallel"):
                starts = [b["StartAt"] for b in state.get("Branches", [])]
                processor = state.get("ItemProcessor") or state.get("Iterator")
                if isinstance(processor, dict):
                    starts.append(processor["StartAt"])
                return set(), [("enter", s) for s in starts] + [("after", name), ("fail", name)]
            return set(), []
        if what == "after":  # the state finished: its transition
            if state.get("End") or kind in ("Succeed", "Fail"):
                return set(), [("end", name)]
            nxt = state.get("Next")
            return set(), [("enter", nxt)] if nxt else []
        if what == "fail":  # the state failed: retry, catch, or the line fails
            found: set[str] = set()
            if state.get("Retry"):
                found.add(self.queue_for(name))
            return found, [("enter", c["Next"]) for c in state.get("Catch", []) if "Next" in c] + [("end", name)]
        if what == "end":  # the line `name` is on ended or failed
            owner = self.owner.get(name)
            if owner is None:
                return {PARENT}, []
            owner_state = self.states[owner]
            more: list[tuple[str, str]] = [("after", owner), ("fail", owner)]
            processor = owner_state.get("ItemProcessor") or owner_state.get("Iterator")
            if isinstance(processor, dict):
                more.append(("enter", processor["StartAt"]))  # a deferred iteration starts (MaxConcurrency)
            return set(), more
        return set(), []

    def resolve(self, tokens: set[str]) -> set[str]:
        out = {t for t in tokens if t != PARENT}
        if PARENT in tokens:
            out |= set(self.plan.parents.values())
        out.add(self.plan.ingress_queue)  # spills of long inline runs, waits, deadlines go through ingress
        return out

    def run(self) -> None:
        plan = self.plan
        for name, step in plan.steps.items():
            tokens = self.closure([("after", name), ("fail", name)])
            tokens.add(step.queue)
            task = step.state.task
            if task is not None and task.integration == "states.startExecution" and task.target in plan.children:
                tokens.add(plan.children[task.target])
            step.routes = self.resolve(tokens) | {step.dlq}
        everything = self.closure([("enter", n) for n in self.states] + [("after", n) for n in self.states]
                                  + [("fail", n) for n in self.states])
        plan.routes = self.resolve(everything)


def _inline_text(graph: dict[str, Any]) -> str:
    """The JSON of every non-Task state (without nested graphs, walked on their own): what runs inline."""
    parts: list[str] = []
    for state in graph.get("States", {}).values():
        if state.get("Type") != "Task":
            parts.append(json.dumps({k: v for k, v in state.items()
                                     if k not in ("Branches", "ItemProcessor", "Iterator")}))
        for branch in state.get("Branches", ()):
            parts.append(_inline_text(branch))
        processor = state.get("ItemProcessor") or state.get("Iterator")
        if isinstance(processor, dict):
            parts.append(_inline_text(processor))
    return "\n".join(parts)


def _find_state(definition: dict[str, Any], name: str) -> dict[str, Any]:
    for state_name, state in definition.get("States", {}).items():
        if state_name == name:
            return state
        for branch in state.get("Branches", ()):
            found = _find_state(branch, name)
            if found:
                return found
        processor = state.get("ItemProcessor") or state.get("Iterator")
        if isinstance(processor, dict):
            found = _find_state(processor, name)
            if found:
                return found
    return {}


def _literal(value: Any) -> Any:
    """A static value from the IR (a literal node or a plain value); paths and JSONata give None."""
    if value is None or isinstance(value, (int, float, str, bool)):
        return value
    from flowc.dsl import ast

    return value.value if isinstance(value, ast.LiteralValue) else None


def _owners(graph: ir.Graph, name: str) -> list[ir.State]:
    """The Map/Parallel states enclosing `name`, outermost first."""
    for state in graph.states.values():
        if state.name == name:
            return []
        nested = [*state.branches, *([state.map.processor] if state.map is not None else [])]
        for sub in nested:
            if any(s.name == name for s in sub.walk()):
                return [state, *_owners(sub, name)]
    return []


_SUFFIXES = ("", "Function", "Queue", "DLQ", "IngressFunction", "IngressQueue", "IngressDLQ")


def _unique(base: str, used: set[str]) -> str:
    """A logical-id stem none of whose derived ids (Function, Queue, DLQ...) is taken yet."""
    name, n = base, 2
    while any(name + suffix in used for suffix in _SUFFIXES):
        name, n = f"{base}{n}", n + 1
    used.update(name + suffix for suffix in _SUFFIXES)
    return name


def code_dir(res: ir.Resource) -> Path:
    return (Path(res.span.file).parent / res.props["code"]).resolve()
