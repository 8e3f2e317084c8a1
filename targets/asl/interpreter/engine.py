"""The ASL interpreter: executions, states, data flow, Retry/Catch, Map/Parallel, on a virtual clock.

Written to the Amazon States Language specification (states-language.net) and the AWS Step Functions
developer guide. Each execution, Parallel branch and Map iteration is a generator scheduled by
`scheduler.Scheduler`, so concurrent work interleaves deterministically in virtual time; task work,
Wait states and retry backoff advance that clock, nothing sleeps.

Data flow (JSONPath states): InputPath -> Parameters -> (the work) -> ResultSelector -> ResultPath ->
OutputPath; `Assign` is evaluated on the state's raw result, before ResultSelector (Choice and Wait: its
input; Catch: the error output) with the variables as they were when the state started, and stored as the state exits.
JSONata states: Arguments -> (the work) -> Output/Assign on `$states` (`input`, `context`, `result`,
`errorOutput`).
"""

from __future__ import annotations

import functools
import math
import random
from collections import ChainMap
from collections.abc import Callable, Mapping
from typing import Any

from flowc.targets.local import BilledUnits, RunResult, TaskFailure
from flowc.targets.runtime import choice as choice_rules
from flowc.targets.runtime import context as ctxmod
from flowc.targets.runtime import messages
from flowc.targets.runtime.choice import parse_timestamp
from flowc.targets.runtime.errors import (
    BRANCH_FAILED,
    DATA_LIMIT_EXCEEDED,
    EXCEED_TOLERATED_FAILURE_THRESHOLD,
    HEARTBEAT_TIMEOUT,
    RUNTIME,
    TIMEOUT,
    NoChoiceMatched,
    RetryTracker,
    StatesError,
    error_matches,
)
from pydantic import PrivateAttr

from . import billing
from . import expressions as ex
from . import history as hist_mod
from .clock import DEFAULT_START, VirtualClock, iso
from .history import History
from .interface import RunAborted, Tasks
from .plan import JSONATA, CatchPlan, GraphPlan, MachinePlan, StatePlan
from .scheduler import Group, Join, Park, Scheduler, Sleep

_DEFAULT_ROLE_ARN = ctxmod.build_context(state_machine="-", execution="-", execution_input=None)["Execution"]["RoleArn"]
# the version (4) and variant (RFC 4122) bits of a random UUID, as uuid.UUID(int=..., version=4) sets them
_UUID_CLEAR = ~((0xC000 << 48) | (0xF000 << 64)) & ((1 << 128) - 1)
_UUID_V4 = (0x8000 << 48) | (4 << 76)
MAX_HISTORY_EVENTS = 25_000  # Standard executions fail when their history reaches this (service quotas)
MAX_PAYLOAD_BYTES = 262_144  # 256 KiB: input/output of a state, task or execution (service quotas)
STANDARD_MAX_SECONDS = 365 * 24 * 3600
EXPRESS_MAX_SECONDS = 300
INLINE_MAP_CONCURRENCY = 40  # "up to 40 concurrent iterations" (Inline Map guide)
DISTRIBUTED_MAP_CONCURRENCY = 10_000


# --------------------------------------------------------------------------------------------------------
# machines and executions
# --------------------------------------------------------------------------------------------------------
class Machine:
    """A state machine the interpreter can start: name, ARN, type and the preprocessed definition."""

    __slots__ = ("arn", "definition", "memory_mb", "name", "plan", "type")

    def __init__(self, name: str, definition: dict[str, Any], *, type: str = "STANDARD", arn: str | None = None):
        self.name = name
        self.type = type.upper()
        self.arn = arn or ctxmod.state_machine_arn(name)
        self.definition = definition
        self.plan = MachinePlan(definition)


class Execution:
    """One execution: its history, status and result, and the units it billed.

    An interpreter keeps every execution it ran (Describe and the history stay available), so a finished one
    keeps little the garbage collector has to walk: slots, the context object only if a state read it, no
    callbacks once it is done.
    """

    __slots__ = ("_context", "arn", "cause", "children", "done_callbacks", "error", "express", "graph", "history",
                 "input", "interp", "machine", "map_parallel_entered", "max_data_bytes", "meter", "name", "output",
                 "parent", "root", "start_time", "states_entered", "status", "stop_time", "transitions", "variables")

    def __init__(self, interp: Interpreter, machine: Machine, name: str, data: Any,
                 parent: Execution | None = None, plan: GraphPlan | None = None, express: bool | None = None):
        self.interp = interp
        self.machine = machine
        self.name = name
        self.express = machine.type == "EXPRESS" if express is None else express
        self.arn = ctxmod.execution_arn(machine.name, name, express=self.express)
        self.input = data
        self.graph = plan or machine.plan.graph
        self.parent = parent
        self.root: Execution = parent.root if parent is not None else self
        self.meter: billing.Meter = parent.meter if parent is not None else billing.Meter()
        self.status = "RUNNING"
        self.output: Any = None
        self.error: str | None = None
        self.cause: str | None = None
        self.history = History(interp.clock, interp.record_history)
        self.states_entered: list[str] = []  # a tuple once the execution ended
        self.transitions = 0
        self.start_time = interp.clock.t
        self.stop_time: float | None = None
        self.variables: dict[str, Any] = {}
        self._context: dict[str, Any] | None = None  # built when a state first reads it (most never do)
        self.max_data_bytes = 0
        self.map_parallel_entered = 0
        # a tuple until the first child / waiter (most executions have neither)
        self.children: list[Execution] | tuple[()] = ()
        self.done_callbacks: list[Callable[[Execution], None]] | tuple[()] = ()

    @property
    def context(self) -> dict[str, Any]:
        """The execution-wide part of the context object (`$$`)."""
        context = self._context
        if context is None:
            context = self._context = ctxmod.build_context(
                state_machine=self.machine.name, execution=self.name, execution_input=self.input,
                start_time=iso(self.start_time), express=self.express)
        return context

    @property
    def role_arn(self) -> str:
        return _DEFAULT_ROLE_ARN if self._context is None else self._context["Execution"]["RoleArn"]

    @property
    def done(self) -> bool:
        return self.status != "RUNNING"

    def describe(self, *, parsed: bool = False) -> dict[str, Any]:
        """DescribeExecution's answer, as `startExecution.sync` (`parsed=True`: `.sync:2`) returns it."""
        out: dict[str, Any] = {
            "ExecutionArn": self.arn,
            "Input": self.input if parsed else ex.dumps(self.input),
            "InputDetails": {"Included": True},
            "Name": self.name,
            "StartDate": ctxmod_millis(self.start_time),
            "StateMachineArn": self.machine.arn,
            "Status": self.status,
        }
        if self.status == "SUCCEEDED":
            out["Output"] = self.output if parsed else ex.dumps(self.output)
            out["OutputDetails"] = {"Included": True}
        else:
            if self.error is not None:
                out["Error"] = self.error
            if self.cause is not None:
                out["Cause"] = self.cause
        if self.stop_time is not None:
            out["StopDate"] = ctxmod_millis(self.stop_time)
        return out

    def result(self) -> RunResult:
        status = self.status if self.status != "RUNNING" else "RUNNING"
        stop = self.stop_time if self.stop_time is not None else self.interp.clock.t
        # built from the engine's own well-typed values: model_construct skips re-validating every event
        history = self.history
        values = {"target": "asl", "workflow": self.machine.name, "status": status,
                  "output": self.output if status == "SUCCEEDED" else None, "error": self.error,
                  "cause": self.cause, "states_entered": list(self.states_entered), "events": [],
                  "billed": self.meter.units() if self.parent is None else BilledUnits(),
                  "duration_ms": round((stop - self.start_time) * 1000)}
        source = None
        if history.count:  # the events as of now, built at the first read (history.py says why)
            del values["events"]
            source = (history, history.count)
        return LazyRunResult.construct_lazy(values, source)


_RUN_FIELDS = frozenset(RunResult.model_fields)


class LazyRunResult(RunResult):
    """A `RunResult` whose `events` are built from the execution's history records when first read.

    Everything that reads the fields (attribute access, dumps, copies, comparison, pickling, repr) sees the
    built list: until then `events` is absent from `__dict__` and `__getattr__` builds it."""

    _history: Any = PrivateAttr(default=None)

    @classmethod
    def construct_lazy(cls, values: dict[str, Any], source: Any) -> LazyRunResult:
        """What `model_construct` does when given every field (pydantic 2), without its per-field loop (a
        tenth of a small execution): `values` has every field but `events` when `source` will build them."""
        run = cls.__new__(cls)
        object.__setattr__(run, "__dict__", values)
        object.__setattr__(run, "__pydantic_fields_set__", set(_RUN_FIELDS))
        object.__setattr__(run, "__pydantic_extra__", None)
        object.__setattr__(run, "__pydantic_private__", {"_history": source})
        return run

    def _materialize(self) -> None:
        source = self._history
        if source is not None:
            history, count = source
            values = self.__dict__
            values["events"] = history.events_upto(count)
            # the fields in their declared order again (dumps follow `__dict__`'s order)
            object.__setattr__(self, "__dict__", {k: values[k] for k in RunResult.model_fields if k in values})
            self._history = None

    def __getattr__(self, name: str) -> Any:
        if name == "events" and self._history is not None:
            self._materialize()
            return self.__dict__["events"]
        return super().__getattr__(name)

    def model_dump(self, **kwargs: Any) -> dict[str, Any]:
        self._materialize()
        return super().model_dump(**kwargs)

    def model_dump_json(self, **kwargs: Any) -> str:
        self._materialize()
        return super().model_dump_json(**kwargs)

    def model_copy(self, **kwargs: Any) -> Any:
        self._materialize()
        return super().model_copy(**kwargs)

    def __copy__(self) -> Any:
        self._materialize()
        return super().__copy__()

    def __deepcopy__(self, memo: dict[int, Any] | None = None) -> Any:
        self._materialize()
        return super().__deepcopy__(memo)

    def __getstate__(self) -> dict[Any, Any]:
        self._materialize()
        return super().__getstate__()

    def __eq__(self, other: Any) -> bool:
        self._materialize()
        if isinstance(other, LazyRunResult):
            other._materialize()
        return super().__eq__(other)

    __hash__ = None  # type: ignore[assignment]  # as BaseModel: mutable, compared by value

    def __iter__(self) -> Any:
        self._materialize()
        return super().__iter__()

    def __repr_args__(self) -> Any:
        self._materialize()
        return super().__repr_args__()

    def __repr_name__(self) -> str:
        return "RunResult"


def _execution_timed_out() -> StatesError:
    return StatesError(TIMEOUT, "The execution timed out.")


def _timed_out() -> StatesError:
    return StatesError(TIMEOUT, "")


def _is_int(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value == int(value)


def _java_text(value: Any) -> str:
    """How the service prints a value in a message: strings bare, everything else as JSON."""
    return value if isinstance(value, str) else ex.dumps(value)


def ctxmod_millis(moment: float) -> int:
    return round(moment * 1000)


class Frame:
    """One thread of an execution (the main path, a Parallel branch or a Map iteration)."""

    __slots__ = ("execution", "last", "local", "out", "out_snap", "variables")

    def __init__(self, execution: Execution, last: int, variables: Mapping[str, Any], local: dict[str, Any]):
        self.execution = execution
        self.last = last  # id of the previous event of this thread
        self.variables = variables  # what `$var` reads
        self.local = local  # where Assign writes
        # the value this thread serialised last and its JSON snapshot (`history.snapshot`): values are never
        # changed in place, and the next serialisation is often of that very value (a task's result for the
        # payload-size check and the task's event, a state's output for the next state's input), so it reuses them
        self.out: Any = None
        self.out_snap: bytes | str | None = None

    def snapshot(self, value: Any) -> bytes | str:
        """`history.snapshot(value)`, reusing the last one of this thread when it is of the same value."""
        if value is self.out and self.out_snap is not None:
            return self.out_snap
        snap = hist_mod.snapshot(value)
        self.out, self.out_snap = value, snap
        return snap

    def remember(self, value: Any, snap: bytes | str) -> None:
        """`snap` is the snapshot of `value` (made elsewhere, e.g. by the copy a task result goes through)."""
        self.out, self.out_snap = value, snap

    def child(self, last: int, *, isolated: bool = False) -> Frame:
        local: dict[str, Any] = {}
        variables = local if isolated else ChainMap(local, self.variables)
        return Frame(self.execution, last, variables, local)


# --------------------------------------------------------------------------------------------------------
# the interpreter
# --------------------------------------------------------------------------------------------------------
class Interpreter:
    """Runs state machines locally. One interpreter can run many executions (they share the clock).

        interp = Interpreter(tasks=TaskRunner(...), seed=0)
        machine = interp.add_machine("Flow", definition)
        result = interp.run(machine, {"x": 1})      # a flowc.targets.local.RunResult

    `tasks` executes Task states (an `interface.Tasks`; default: `default_tasks()`, which the package sets to
    `integrations.TaskRunner`); `seed` makes Retry jitter, UUIDs, `States.MathRandom` and execution names
    reproducible; `record_history=False` skips building events.
    """

    # what runs Task states when no `tasks` is given: wired by the package (`__init__`), so that this module
    # and `integrations` know each other only through `interface`
    default_tasks: Callable[[], Tasks] | None = None

    def __init__(self, tasks: Tasks | None = None, *, seed: int = 0, start_time: float = DEFAULT_START,
                 record_history: bool = True, check_payload_size: bool = True):
        self.clock = VirtualClock(start_time)
        self.sched = Scheduler(self.clock)
        self.rng = random.Random(seed)
        if tasks is None:
            if Interpreter.default_tasks is None:
                raise TypeError("Interpreter needs `tasks` (no default task runner is wired in)")
            tasks = Interpreter.default_tasks()
        self.tasks: Tasks = tasks
        tasks.bind(self)
        self.machines: dict[str, Machine] = {}  # by ARN
        self.record_history = record_history
        self.check_payload_size = check_payload_size
        self.executions: list[Execution] = []
        self.tokens: dict[str, Execution] = {}
        self.crashes: list[BaseException] = []  # RunAborted, or a bug: raised by run()/resume()
        self.early: dict[str, tuple[Any, StatesError | None, float]] = {}
        # progress(map_state_name, iterations_done, iterations_total): called as Map iterations finish
        self.progress: Callable[[str, int, int], None] | None = None
        self.answered: set[str] = set()

    # -- machines -----------------------------------------------------------------------------------------
    def add_machine(self, name: str, definition: dict[str, Any], *, type: str = "STANDARD",
                    arn: str | None = None) -> Machine:
        machine = Machine(name, definition, type=type, arn=arn)
        self.machines[machine.arn] = machine
        return machine

    def machine(self, arn: str) -> Machine | None:
        return self.machines.get(arn)

    def new_name(self) -> str:
        """A random UUID version 4 from the seeded generator: `str(uuid.UUID(int=bits, version=4))`, formatted
        here (three child executions a fan-out run, each named, made uuid.UUID's checks a hot spot)."""
        bits = (self.rng.getrandbits(128) & _UUID_CLEAR) | _UUID_V4
        text = f"{bits:032x}"
        return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"

    # -- running ------------------------------------------------------------------------------------------
    def start(self, machine: Machine, data: Any, *, name: str | None = None, parent: Execution | None = None,
              graph: GraphPlan | None = None, express: bool | None = None,
              context_extra: dict[str, Any] | None = None) -> Execution:
        execution = Execution(self, machine, name or self.new_name(), data, parent, graph, express)
        if context_extra:
            execution.context.update(context_extra)
        self.executions.append(execution)
        if parent is not None:
            if parent.children:
                parent.children.append(execution)  # type: ignore[union-attr]
            else:
                parent.children = [execution]
        self.sched.spawn(self._execute(execution), self._crashed)
        return execution

    def _crashed(self, task: Any) -> None:
        if task.error is not None:
            self.crashes.append(task.error)

    def run(self, machine: Machine | str, data: Any = None, *, name: str | None = None) -> RunResult:
        """Start an execution and run until it (and everything it started) is done or waits for a callback."""
        if isinstance(machine, str):
            found = self.machines.get(machine) or next(
                (m for m in self.machines.values() if m.name == machine), None)
            if found is None:
                raise KeyError(f"no state machine {machine!r}")
            machine = found
        execution = self.start(machine, {} if data is None else data, name=name)
        self.resume()
        return execution.result()

    def resume(self) -> None:
        """Run until nothing can happen (also: continue after `send_task_success` from outside a run)."""
        self.sched.run()
        if self.crashes:
            crash = self.crashes[0]
            self.crashes.clear()
            raise crash

    # -- callbacks (SendTaskSuccess / SendTaskFailure / SendTaskHeartbeat) ------------------------------------
    def send_task_success(self, token: str, output: Any, *, delay: float = 0.0) -> None:
        self._deliver(token, ex.copy_json(output), None, delay)

    def send_task_failure(self, token: str, error: str | None = None, cause: str | None = None, *,
                          delay: float = 0.0) -> None:
        self._deliver(token, None, StatesError(error or "", cause or ""), delay)

    def _deliver(self, token: str, value: Any, error: StatesError | None, delay: float) -> None:
        if self.sched.wake(token, value, error=error, delay=delay):
            return
        if token in self.tokens and token not in self.answered:
            # answered while the task is still being submitted (e.g. by the handler it invokes)
            self.early[token] = (value, error, delay)
            self.answered.add(token)
            return
        raise TaskFailure("TaskTimedOut", f"Task token {token!r} is not waiting (unknown, done or timed out)")

    def send_task_heartbeat(self, token: str) -> None:
        if not self.sched.heartbeat(token):
            raise TaskFailure("TaskTimedOut", f"Task token {token!r} is not waiting (unknown, done or timed out)")

    @property
    def waiting_tokens(self) -> list[str]:
        return list(self.sched.parked)

    def new_token(self, execution: Execution) -> str:
        token = f"{self.rng.getrandbits(256):064x}"
        self.tokens[token] = execution
        return token

    # -- an execution -------------------------------------------------------------------------------------
    def _execute(self, ex_: Execution):
        hist = ex_.history
        input_snap = hist_mod.snapshot(ex_.input)
        started = hist.add_data("ExecutionStarted", 0, hist_mod.EXECUTION_STARTED, (
            input_snap, hist_mod.NOT_TRUNCATED, ex_.role_arn))
        limit = EXPRESS_MAX_SECONDS if ex_.express else STANDARD_MAX_SECONDS
        timeout = ex_.machine.plan.timeout if ex_.graph is ex_.machine.plan.graph else None
        if isinstance(timeout, (int, float)) and timeout > 0:
            limit = min(limit, timeout)
        frame = Frame(ex_, started, ex_.variables, ex_.variables)
        frame.remember(ex_.input, input_snap)
        ex_.max_data_bytes = hist_mod.snapshot_size(input_snap)

        group = Group([functools.partial(self._body, ex_, frame)], deadline=self.clock.t + limit, passive=True,
                      timeout_error=_execution_timed_out)
        timed_out = False
        try:
            results = yield Join(group)
            ex_.output = results[0]
            ex_.status = "SUCCEEDED"
            output_snap = frame.snapshot(ex_.output) if self.check_payload_size or hist.enabled else ""
            if self.check_payload_size and hist_mod.snapshot_size(output_snap) > MAX_PAYLOAD_BYTES:
                ex_.status = "FAILED"
                ex_.error, ex_.cause = DATA_LIMIT_EXCEEDED, ("The state machine output exceeds the maximum number "
                                                             "of bytes service limit.")
        except StatesError as err:
            timed_out = err.error == TIMEOUT and err.cause == "The execution timed out."
            ex_.status = "TIMED_OUT" if timed_out else "FAILED"
            ex_.error, ex_.cause = err.error, err.cause
            if getattr(err, "from_fail_state", False):  # a Fail state without Error/Cause leaves them unset
                ex_.error = err.error if err.has_error else None  # type: ignore[attr-defined]
                ex_.cause = err.cause if err.has_cause else None  # type: ignore[attr-defined]
        except RunAborted:
            raise
        ex_.stop_time = self.clock.t
        if ex_.status == "SUCCEEDED":
            hist.add_data("ExecutionSucceeded", frame.last, hist_mod.OUTPUT, (output_snap, hist_mod.NOT_TRUNCATED))
        elif timed_out:
            hist.add("ExecutionTimedOut", frame.last, {"error": ex_.error, "cause": ex_.cause})
        else:
            details = {}
            if ex_.error is not None:
                details["error"] = ex_.error
            if ex_.cause is not None:
                details["cause"] = ex_.cause
            hist.add("ExecutionFailed", frame.last, details)
        self._bill_execution(ex_)
        callbacks = ex_.done_callbacks
        ex_.done_callbacks = ()
        ex_.history.close()
        ex_.states_entered = tuple(ex_.states_entered)  # type: ignore[assignment]  # (untracked by the GC)
        for callback in callbacks:
            callback(ex_)
        return ex_

    def _body(self, ex_: Execution, frame: Frame):
        """The execution's states, run as the one child of the group that holds its deadline."""
        if self.check_payload_size and ex_.max_data_bytes > MAX_PAYLOAD_BYTES:
            raise StatesError(DATA_LIMIT_EXCEEDED, "The execution input exceeds the maximum number of bytes "
                                                   "service limit.")
        return (yield from self.run_graph(frame, ex_.graph, ex_.input))

    def _bill_execution(self, ex_: Execution) -> None:
        meter = ex_.meter
        if ex_.parent is not None:
            meter.add("executions_started")
        if ex_.express:
            duration_ms = (ex_.stop_time - ex_.start_time) * 1000 if ex_.stop_time is not None else 0
            meter.add("express_requests")
            meter.add("express_duration_ms", billing.express_duration_ms(duration_ms))
            memory = billing.express_memory_mb(ex_.machine.plan.definition_bytes, ex_.max_data_bytes,
                                               ex_.map_parallel_entered)
            meter.counts["express_memory_mb"] = max(meter.counts.get("express_memory_mb", 0), memory)
        else:
            meter.add("state_transitions", ex_.transitions)

    # -- graphs and states --------------------------------------------------------------------------------
    def run_graph(self, frame: Frame, graph: GraphPlan, data: Any):
        state: StatePlan | None = graph.start_at
        while state is not None:  # (`run_state`, dispatched here: a generator fewer per state)
            if state.retried:
                state, data = yield from self._retried(frame, state, data)
            elif state.type == "Wait":
                state, data = yield from self.run_state(frame, state, data)
            else:
                state, data = self._at_once(frame, state, data)
        return data

    def _enter(self, frame: Frame, st: StatePlan, data: Any, retry_count: int = 0) -> tuple[int, Any]:
        ex_ = frame.execution
        if not ex_.express and ex_.history.last_id >= MAX_HISTORY_EVENTS - 3:
            raise StatesError(RUNTIME, f"The execution reached the maximum number of history events "
                                       f"({MAX_HISTORY_EVENTS}).")
        ex_.transitions += 1
        ex_.states_entered.append(st.name)
        if st.map_or_parallel:
            ex_.map_parallel_entered += 1
        history = ex_.history
        if history.enabled:
            # (`frame.snapshot(data)`, its usual hit checked here: a call fewer per state)
            snap = frame.out_snap if data is frame.out and frame.out_snap is not None else frame.snapshot(data)
            entered = history.add_data(st.entered_event, frame.last, hist_mod.STATE_ENTERED,
                                       (st.name, snap, hist_mod.NOT_TRUNCATED))
        else:
            history.last_id += 1
            entered = history.last_id
        frame.last = entered
        ctx = None
        if st.needs_context:
            ctx = ctxmod.enter_state(ex_.context, st.name, entered_time=iso(self.clock.t), retry_count=retry_count)
        return entered, ctx

    def _exit(self, frame: Frame, st: StatePlan, output: Any, assigned: dict[str, Any] | None) -> None:
        ex_ = frame.execution
        history = ex_.history
        snap = None
        if self.check_payload_size or ex_.express or history.enabled:
            snap = frame.out_snap if output is frame.out and frame.out_snap is not None else frame.snapshot(output)
        if self.check_payload_size or ex_.express:
            # (`hist_mod.snapshot_size(snap)`, its usual case inline)
            n = len(snap) if type(snap) is str and snap.isascii() else hist_mod.snapshot_size(snap)  # type: ignore[arg-type]
            if n > ex_.max_data_bytes:
                ex_.max_data_bytes = n
            if self.check_payload_size and n > MAX_PAYLOAD_BYTES:
                raise StatesError(DATA_LIMIT_EXCEEDED, f"The state/task '{st.name}' returned a result with a size "
                                                       "exceeding the maximum number of bytes service limit.")
        if assigned:
            frame.local.update(assigned)
        if history.enabled:
            if assigned:
                frame.last = history.add_data(st.exited_event, frame.last, hist_mod.STATE_EXITED_ASSIGNED, (
                    st.name, snap, hist_mod.NOT_TRUNCATED,
                    tuple((k, hist_mod.snapshot(v)) for k, v in assigned.items()), hist_mod.NOT_TRUNCATED))
            else:
                frame.last = history.add_data(st.exited_event, frame.last, hist_mod.STATE_EXITED,
                                              (st.name, snap, hist_mod.NOT_TRUNCATED))
        else:
            history.last_id += 1
            frame.last = history.last_id

    def run_state(self, frame: Frame, st: StatePlan, raw: Any):
        """Run one state; returns (next state or None at the end of the graph, output)."""
        if st.retried:
            return (yield from self._retried(frame, st, raw))
        if st.type != "Wait":
            return self._at_once(frame, st, raw)
        entered, ctx = self._enter(frame, st, raw)
        try:
            return (yield from self._wait(frame, st, raw, ctx, entered))
        except GeneratorExit:
            if frame.execution.history.enabled:
                frame.execution.history.add("WaitStateAborted", frame.last)
            raise

    def _at_once(self, frame: Frame, st: StatePlan, raw: Any) -> tuple[StatePlan | None, Any]:
        """Pass, Choice, Succeed and Fail: states that never wait, run without a generator of their own."""
        entered, ctx = self._enter(frame, st, raw)
        kind = st.type
        if kind == "Pass":
            return self._pass(frame, st, raw, ctx)
        if kind == "Choice":
            return self._choice(frame, st, raw, ctx, entered)
        if kind == "Succeed":
            output = self._dataflow(st, entered, self._effective_input, frame, st, raw, ctx)
            if st.ql == JSONATA and st.output is not None:
                env = ex.Env(raw, ctx, frame.variables, self.rng)
                output = self._dataflow(st, entered, st.output, env, env.states())
            else:
                output = self._dataflow(st, entered, self._apply_output_path, st, output, ctx, frame)
            self._exit(frame, st, output, None)
            return None, output
        raise self._fail(frame, st, raw, ctx, entered)  # Fail

    # -- data-flow helpers --------------------------------------------------------------------------------
    def _dataflow(self, st: StatePlan, entered: int, fn: Callable[..., Any], *args: Any) -> Any:
        try:
            return fn(*args)
        except StatesError as err:
            raise self._located(err, st, entered) from None

    @staticmethod
    def _located(err: StatesError, st: StatePlan, entered: int) -> StatesError:
        cause = messages.located(err.error, st.name, err.cause, entered)
        return err if cause == err.cause else StatesError(err.error, cause)

    def _effective_input(self, frame: Frame, st: StatePlan, raw: Any, ctx: Any) -> Any:
        mode = st.input_mode
        if mode == "identity":
            return raw
        if mode == "empty":
            return {}
        return st.input_path(ex.Env(raw, ctx, frame.variables, self.rng))

    def _apply_output_path(self, st: StatePlan, output: Any, ctx: Any, frame: Frame) -> Any:
        mode = st.output_mode
        if mode == "identity":
            return output
        if mode == "empty":
            return {}
        return st.output_path(ex.Env(output, ctx, frame.variables, self.rng))

    def _assign(self, assign: Any, ql: str, env: ex.Env, states: dict[str, Any] | None) -> dict[str, Any] | None:
        if assign is None:
            return None
        if ql == JSONATA:
            return assign(env, states if states is not None else env.states())
        return assign(env)

    def _finish(self, frame: Frame, st: StatePlan, raw: Any, result: Any, ctx: Any, entered: int,
                assign_env_data: Any = None) -> tuple[StatePlan | None, Any]:
        """ResultSelector/ResultPath/OutputPath (JSONPath) or Output (JSONata), Assign, exit."""
        try:
            if st.ql == JSONATA:
                env = ex.Env(raw, ctx, frame.variables, self.rng, result=result)
                states = env.states(with_result=True)
                assigned = self._assign(st.assign, JSONATA, env, states)
                output = st.output(env, states) if st.output is not None else result
            else:
                # Assign reads the state's raw result, before ResultSelector (docs/run.md, "Variables").
                assigned = None
                if st.assign is not None:
                    assign_data = result if assign_env_data is None else assign_env_data
                    assigned = st.assign(ex.Env(assign_data, ctx, frame.variables, self.rng))
                if st.result_selector is not None:
                    result = st.result_selector(ex.Env(result, ctx, frame.variables, self.rng))
                text = st.result_path_text
                if text is None:
                    merged = raw
                elif text == "$":
                    merged = result
                else:
                    merged = ex.apply_result_path(raw, result, st.result_path, text)
                output = self._apply_output_path(st, merged, ctx, frame)
            self._exit(frame, st, output, assigned)
        except StatesError as err:
            raise self._located(err, st, entered) from None
        return (None if st.end else st.next), output

    # -- Pass ------------------------------------------------------------------------------------------------
    def _pass(self, frame: Frame, st: StatePlan, raw: Any, ctx: Any):
        entered = frame.last
        if st.ql == JSONATA:
            return self._finish(frame, st, raw, raw, ctx, entered)
        data = self._dataflow(st, entered, self._effective_input, frame, st, raw, ctx)
        if st.result is not None or "Result" in st.raw:
            result = st.result
        elif st.parameters is not None:
            result = self._dataflow(st, entered, st.parameters, ex.Env(data, ctx, frame.variables, self.rng))
        else:
            result = data
        return self._finish(frame, st, raw, result, ctx, entered)

    # -- Choice ----------------------------------------------------------------------------------------------
    def _choice(self, frame: Frame, st: StatePlan, raw: Any, ctx: Any, entered: int):
        try:
            if st.ql == JSONATA:
                env = ex.Env(raw, ctx, frame.variables, self.rng)
                states = env.states()
                chosen = None
                for rule, rule_assign, rule_output, cond in st.choices:
                    value = cond(env, states) if cond is not None else rule.get("Condition")
                    if not isinstance(value, bool):
                        raise StatesError("States.QueryEvaluationError",
                                          f"The Condition '{rule.get('Condition')}' returned "
                                          f"{ex.dumps(value)}, not a boolean")
                    if value:
                        chosen = (rule, rule_assign, rule_output)
                        break
                if chosen is None:
                    if st.default is None:
                        raise NoChoiceMatched()
                    assigned = self._assign(st.assign, JSONATA, env, states)
                    output = st.output(env, states) if st.output is not None else raw
                    target = st.default
                else:
                    rule, rule_assign, rule_output = chosen
                    assigned = self._assign(rule_assign or st.assign, JSONATA, env, states)
                    out_fn = rule_output or st.output
                    output = out_fn(env, states) if out_fn is not None else raw
                    target = rule["Next"]
            else:
                data = self._effective_input(frame, st, raw, ctx)
                chosen = None
                for rule, rule_assign, _, _ in st.choices:
                    if choice_rules.evaluate_rule(rule, data, context=ctx, variables=frame.variables):
                        chosen = (rule, rule_assign)
                        break
                env = ex.Env(data, ctx, frame.variables, self.rng)
                if chosen is None:
                    if st.default is None:
                        raise NoChoiceMatched()
                    assigned = self._assign(st.assign, st.ql, env, None)
                    target = st.default
                else:
                    assigned = self._assign(chosen[1] or st.assign, st.ql, env, None)
                    target = chosen[0]["Next"]
                output = self._apply_output_path(st, data, ctx, frame)
            self._exit(frame, st, output, assigned)
        except StatesError as err:
            raise self._located(err, st, entered) from None
        return self._graph_state(st, target), output

    @staticmethod
    def _graph_state(st: StatePlan, name: str) -> StatePlan:
        return st.siblings[name]  # type: ignore[attr-defined]

    # -- Fail ------------------------------------------------------------------------------------------------
    def _fail(self, frame: Frame, st: StatePlan, raw: Any, ctx: Any, entered: int) -> StatesError:
        try:
            env = ex.Env(raw, ctx, frame.variables, self.rng)
            if st.ql == JSONATA:
                states = env.states()
                error = self._text(st.error, env, states)
                cause = self._text(st.cause, env, states)
            else:
                data = self._effective_input(frame, st, raw, ctx)
                env = ex.Env(data, ctx, frame.variables, self.rng)
                error = st.error_path(env) if st.error_path is not None else self._text(st.error, env, None)
                cause = st.cause_path(env) if st.cause_path is not None else self._text(st.cause, env, None)
                for what, value in (("ErrorPath", error), ("CausePath", cause)):
                    if value is not None and not isinstance(value, str):
                        raise StatesError(RUNTIME, messages.fail_path_not_string(what, value))
        except StatesError as err:
            return self._located(err, st, entered)
        failure = StatesError(error if error is not None else "", cause if cause is not None else "")
        failure.from_fail_state = True  # type: ignore[attr-defined]
        failure.has_error = error is not None  # type: ignore[attr-defined]
        failure.has_cause = cause is not None  # type: ignore[attr-defined]
        return failure

    @staticmethod
    def _text(field: Any, env: ex.Env, states: dict[str, Any] | None) -> Any:
        if field is None:
            return None
        kind, value = field
        if kind == "const":
            return value
        if kind == "jsonata":
            return value(env, states if states is not None else env.states())
        return value(env)

    # -- Wait ------------------------------------------------------------------------------------------------
    def _wait(self, frame: Frame, st: StatePlan, raw: Any, ctx: Any, entered: int):
        try:
            data = self._effective_input(frame, st, raw, ctx)
            env = ex.Env(data if st.ql != JSONATA else raw, ctx, frame.variables, self.rng)
            states = env.states() if st.ql == JSONATA else None
            seconds = 0.0
            raw_def = st.raw
            if "SecondsPath" in raw_def and st.ql != JSONATA:
                path = raw_def["SecondsPath"]
                try:
                    value = st.seconds[1](env)
                except StatesError:
                    raise StatesError(RUNTIME, messages.wait_path_missing("SecondsPath", path)) from None
                if not _is_int(value):
                    raise StatesError(RUNTIME, messages.seconds_not_long(path, value))
                if value < 0:
                    raise StatesError(RUNTIME, messages.seconds_negative(path, value))
                seconds = float(value)
            elif st.seconds is not None:
                value = self._number(st.seconds, env, states)
                if not _is_int(value) or value < 0:
                    raise StatesError(RUNTIME, messages.seconds_invalid(value))
                seconds = float(value)
            elif st.timestamp is not None:
                try:
                    value = self._text(st.timestamp, env, states)
                except StatesError:
                    if "TimestampPath" in raw_def:
                        raise StatesError(RUNTIME, messages.wait_path_missing("TimestampPath",
                                                                              raw_def["TimestampPath"])) from None
                    raise
                parsed = parse_timestamp(value) if isinstance(value, str) else None
                if parsed is None:
                    field = "TimestampPath" if "TimestampPath" in raw_def else "Timestamp"
                    literal = raw_def.get(field)
                    raise StatesError(RUNTIME, messages.timestamp_invalid(field, literal, value))
                seconds = max(0.0, parsed[0] + parsed[1] / 1e9 - self.clock.t)
            else:
                raise StatesError(RUNTIME, "A Wait state needs Seconds, SecondsPath, Timestamp or TimestampPath")
        except StatesError as err:
            raise self._located(err, st, entered) from None
        if seconds > 0:
            yield Sleep(seconds)
        return self._finish(frame, st, raw, data, ctx, entered, assign_env_data=data) if st.ql != JSONATA \
            else self._finish(frame, st, raw, raw, ctx, entered)

    def _number(self, field: Any, env: ex.Env, states: dict[str, Any] | None) -> Any:
        kind, value = field
        if kind == "const":
            return value
        if kind == "jsonata":
            return value(env, states if states is not None else env.states())
        return value(env)

    def _positive(self, field: Any, env: ex.Env, states: dict[str, Any] | None, name: str) -> float | None:
        if field is None:
            return None
        value = self._number(field, env, states)
        if not isinstance(value, (int, float)) or isinstance(value, bool) or value <= 0:
            raise StatesError(RUNTIME, f"The value of the field '{name}' must be a positive integer, "
                                       f"got {ex.dumps(value)}")
        return float(value)

    # -- Task / Parallel / Map: Retry and Catch ---------------------------------------------------------------
    def _retried(self, frame: Frame, st: StatePlan, raw: Any):
        """Task, Map and Parallel: enter, do the work with Retry and Catch, exit (or record the abort when the
        thread is cancelled meanwhile)."""
        entered, ctx = self._enter(frame, st, raw)
        kind = st.type
        try:
            tracker = None  # made at the first error (most attempts succeed)
            work = self._task if kind == "Task" else self._map if kind == "Map" else self._parallel
            while True:
                try:
                    result = yield from work(frame, st, raw, ctx, entered)
                    return self._finish(frame, st, raw, result, ctx, entered)
                except StatesError as err:
                    err = self._located(err, st, entered)
                    if tracker is None and st.retriers:
                        tracker = RetryTracker(st.retriers, self.rng)
                    delay = tracker.next_delay(err) if tracker is not None else None
                    if delay is not None:
                        frame.execution.transitions += 1  # each retry is billed as a transition
                        if delay > 0:
                            yield Sleep(delay)
                        if st.needs_context:
                            ctx = ctxmod.enter_state(frame.execution.context, st.name,
                                                     entered_time=iso(self.clock.t), retry_count=tracker.retry_count)
                        continue
                    catcher = None
                    for candidate in st.catchers:
                        if error_matches(err, candidate.error_equals):
                            catcher = candidate
                            break
                    if catcher is None:
                        raise err from None
                    return self._catch(frame, st, raw, ctx, entered, catcher, err)
        except GeneratorExit:
            if frame.execution.history.enabled:
                frame.execution.history.add(kind + "StateAborted", frame.last)
            raise

    def _catch(self, frame: Frame, st: StatePlan, raw: Any, ctx: Any, entered: int, catcher: CatchPlan,
               err: StatesError) -> tuple[StatePlan, Any]:
        error_output = err.to_output()
        try:
            if st.ql == JSONATA:
                env = ex.Env(raw, ctx, frame.variables, self.rng, error_output=error_output)
                states = env.states(with_error=True)
                assigned = self._assign(catcher.assign, JSONATA, env, states)
                output = catcher.output(env, states) if catcher.output is not None else error_output
            else:
                env = ex.Env(error_output, ctx, frame.variables, self.rng)
                assigned = self._assign(catcher.assign, st.ql, env, None)
                text = catcher.result_path_text
                if text is None:
                    output = raw
                elif text == "$":
                    output = error_output
                else:
                    output = ex.apply_result_path(raw, error_output, catcher.result_path, text)
            self._exit(frame, st, output, assigned)
        except StatesError as error:
            raise self._located(error, st, entered) from None
        return self._graph_state(st, catcher.next), output

    # -- Task ------------------------------------------------------------------------------------------------
    def _task(self, frame: Frame, st: StatePlan, raw: Any, ctx: Any, entered: int):
        token = None
        if st.task_token:
            token = self.new_token(frame.execution)
            if ctx is None:
                ctx = ctxmod.enter_state(frame.execution.context, st.name, entered_time=iso(self.clock.t))
            ctx = ctxmod.with_task_token(ctx, token)
        try:
            if st.ql == JSONATA:
                env = ex.Env(raw, ctx, frame.variables, self.rng)
                states = env.states()
                params = st.arguments(env, states) if st.arguments is not None else raw
            else:
                states = None
                data = self._effective_input(frame, st, raw, ctx)
                env = ex.Env(data, ctx, frame.variables, self.rng)
                params = st.parameters(env) if st.parameters is not None else data
            timeout = None if st.timeout is None else self._positive(st.timeout, env, states, "TimeoutSeconds")
            heartbeat = None if st.heartbeat is None else self._positive(st.heartbeat, env, states,
                                                                          "HeartbeatSeconds")
        except StatesError as err:
            raise self._located(err, st, entered) from None
        result = yield from self.tasks.run(frame, st, params, ctx, timeout, heartbeat, token)
        if self.check_payload_size:
            snap = frame.out_snap if result is frame.out and frame.out_snap is not None else frame.snapshot(result)
            size = len(snap) if type(snap) is str and snap.isascii() else hist_mod.snapshot_size(snap)
            if size > MAX_PAYLOAD_BYTES:
                raise StatesError(DATA_LIMIT_EXCEEDED, f"The state/task '{st.name}' returned a result with a size "
                                                       "exceeding the maximum number of bytes service limit.")
        return result

    # -- Parallel --------------------------------------------------------------------------------------------
    def _parallel(self, frame: Frame, st: StatePlan, raw: Any, ctx: Any, entered: int):
        try:
            if st.ql == JSONATA:
                env = ex.Env(raw, ctx, frame.variables, self.rng)
                data = st.arguments(env, env.states()) if st.arguments is not None else raw
            else:
                data = self._effective_input(frame, st, raw, ctx)
                if st.parameters is not None:
                    data = st.parameters(ex.Env(data, ctx, frame.variables, self.rng))
        except StatesError as err:
            raise self._located(err, st, entered) from None
        history = frame.execution.history
        started = history.add("ParallelStateStarted", frame.last)

        def branch(graph: GraphPlan) -> Callable[[], Any]:
            def run():
                return (yield from self.run_graph(frame.child(started), graph, data))
            return run

        group = Group([branch(g) for g in st.branches])
        try:
            results = yield Join(group)
        except StatesError:
            frame.last = history.add("ParallelStateFailed", started)
            raise
        frame.last = history.add("ParallelStateSucceeded", history.last_id)
        return results

    # -- Map -------------------------------------------------------------------------------------------------
    def _map(self, frame: Frame, st: StatePlan, raw: Any, ctx: Any, entered: int):
        execution = frame.execution
        history = execution.history
        distributed = st.map_mode == "DISTRIBUTED"
        try:
            if st.ql == JSONATA:
                env = ex.Env(raw, ctx, frame.variables, self.rng)
                states = env.states()
                data = raw
            else:
                states = None
                data = self._effective_input(frame, st, raw, ctx)
                env = ex.Env(data, ctx, frame.variables, self.rng)
            if st.item_reader is not None:
                items = yield from self.tasks.read_items(frame, st, env, states)
            elif st.items is not None:
                items = st.items(env, states)
            elif st.items_path is not None:
                items = st.items_path(env)
            else:
                items = data
            if not isinstance(items, list):
                raise StatesError(RUNTIME, f"Map state '{st.name}': the items to iterate over must be a JSON array, "
                                           f"got {ex.dumps(items)[:200]}")
            limit = self._number(st.max_concurrency, env, states) if st.max_concurrency is not None else 0
            if not isinstance(limit, (int, float)) or isinstance(limit, bool) or limit < 0:
                raise StatesError(RUNTIME, f"MaxConcurrency must be a non-negative integer, got {ex.dumps(limit)}")
            cap = DISTRIBUTED_MAP_CONCURRENCY if distributed else INLINE_MAP_CONCURRENCY
            limit = min(int(limit) or cap, cap)
            tolerance = self._tolerance(st, env, states) if distributed else None
            if distributed and st.item_batcher is not None:
                items = self._batch(st, env, states, items)
        except StatesError as err:
            raise self._located(err, st, entered) from None

        count = len(items)
        started = history.add("MapStateStarted", frame.last, {"length": count})
        selector = st.item_selector

        def iteration_input(index: int) -> Any:
            item = items[index]
            if selector is None:
                return item
            item_ctx = ctxmod.with_map_item(ctx if ctx is not None else ctxmod.enter_state(
                execution.context, st.name, entered_time=iso(self.clock.t)), index, item)
            item_env = ex.Env(data, item_ctx, frame.variables, self.rng)
            if st.ql == JSONATA:
                return selector(item_env, item_env.states())
            return selector(item_env, None)

        if distributed:
            run_arn = f"{execution.machine.arn.replace(':stateMachine:', ':mapRun:')}/{st.name}:{self.new_name()}"
            history.add("MapRunStarted", started, {"mapRunArn": run_arn})
            factories = [self._map_child(frame, st, index, iteration_input, run_arn) for index in range(count)]
        else:
            factories = [self._map_iteration(frame, st, index, iteration_input, started) for index in range(count)]

        should_fail = threshold = None
        if tolerance is not None:
            max_count, max_percent = tolerance

            def should_fail(failures: int, total: int) -> bool:
                if max_count is not None and failures > max_count:
                    return True
                return max_percent is not None and total > 0 and failures * 100.0 / total > max_percent

            def threshold() -> StatesError:
                return StatesError(EXCEED_TOLERATED_FAILURE_THRESHOLD,
                                   "The specified tolerated failure threshold was exceeded")
            if max_count is None and max_percent is None:
                should_fail = threshold = None
        on_child_done = None
        if self.progress is not None and count:
            report, finished = self.progress, [0]

            def on_child_done(index: int, task: Any) -> None:
                finished[0] += 1
                report(st.name, finished[0], count)
        group = Group(factories, limit=limit, should_fail=should_fail, threshold_error=threshold,
                      on_child_done=on_child_done)
        try:
            results = yield Join(group)
        except StatesError as err:
            if distributed:
                history.add("MapRunFailed", history.last_id, {"error": err.error, "cause": err.cause})
            frame.last = history.add("MapStateFailed", history.last_id)
            raise
        if distributed:
            history.add("MapRunSucceeded", history.last_id)
        frame.last = history.add("MapStateSucceeded", history.last_id)
        if distributed and st.result_writer is not None:
            return (yield from self.tasks.write_results(frame, st, env, states, results, run_arn))
        return results

    def _map_iteration(self, frame: Frame, st: StatePlan, index: int, make_input: Callable[[int], Any],
                       started: int) -> Callable[[], Any]:
        """What starts iteration `index` (one partial object per iteration, not a closure over seven cells)."""
        return functools.partial(self._run_iteration, frame, st, index, make_input, started)

    def _run_iteration(self, frame: Frame, st: StatePlan, index: int, make_input: Callable[[int], Any],
                       started: int):
        history = frame.execution.history
        first = history.add("MapIterationStarted", started, {"name": st.name, "index": index})
        child = frame.child(first)
        try:
            data = make_input(index)
            output = yield from self.run_graph(child, st.processor, data)
        except StatesError as err:
            history.add("MapIterationFailed", child.last, {"name": st.name, "index": index})
            raise err from None
        except GeneratorExit:
            history.add("MapIterationAborted", child.last, {"name": st.name, "index": index})
            raise
        history.add("MapIterationSucceeded", child.last, {"name": st.name, "index": index})
        return output

    def _map_child(self, frame: Frame, st: StatePlan, index: int, make_input: Callable[[int], Any],
                   run_arn: str) -> Callable[[], Any]:
        """A Distributed Map iteration: a child execution of its own (own history, own billing)."""
        parent = frame.execution

        def run():
            data = make_input(index)
            machine = parent.machine
            child = self.start(machine, data, name=f"{self.new_name()}", parent=parent, graph=st.processor,
                               express=st.processor_type == "EXPRESS")
            outcome = yield from self.wait_for(child, None)
            if outcome.status != "SUCCEEDED":
                raise StatesError(outcome.error or "States.TaskFailed", outcome.cause or "")
            return outcome.output
        return run

    def wait_for(self, child: Execution, timeout: float | None):
        """Block the current thread until `child` is done (or `timeout` seconds pass: States.Timeout)."""
        if child.done:
            return child
        key = f"execution:{child.arn}"
        wake = functools.partial(self.sched.wake, key)  # wake(child): resume this thread with it
        if child.done_callbacks:
            child.done_callbacks.append(wake)  # type: ignore[union-attr]
        else:
            child.done_callbacks = [wake]
        return (yield Park(key, timeout=timeout, timeout_error=_timed_out))

    def _tolerance(self, st: StatePlan, env: ex.Env, states: Any) -> tuple[float | None, float | None]:
        count = self._number(st.tolerated_count, env, states) if st.tolerated_count is not None else None
        percent = self._number(st.tolerated_percentage, env, states) if st.tolerated_percentage is not None else None
        for name, value, top in (("ToleratedFailureCount", count, math.inf), ("ToleratedFailurePercentage", percent, 100)):
            if value is not None and (not isinstance(value, (int, float)) or isinstance(value, bool)
                                      or value < 0 or value > top):
                raise StatesError(RUNTIME, f"The value of {name} is invalid: {ex.dumps(value)}")
        return count, percent

    def _batch(self, st: StatePlan, env: ex.Env, states: Any, items: list[Any]) -> list[Any]:
        batcher = st.item_batcher or {}
        size = batcher.get("MaxItemsPerBatch")
        if size is None and "MaxItemsPerBatchPath" in batcher:
            size = ex.path_reader(batcher["MaxItemsPerBatchPath"])(env)
        max_bytes = batcher.get("MaxInputBytesPerBatch")
        if max_bytes is None and "MaxInputBytesPerBatchPath" in batcher:
            max_bytes = ex.path_reader(batcher["MaxInputBytesPerBatchPath"])(env)
        batch_input = batcher.get("BatchInput")
        if batch_input is not None and st.ql != JSONATA:
            batch_input = ex.template(batch_input)(env)
        size = int(size) if size else len(items) or 1
        max_bytes = int(max_bytes) if max_bytes else MAX_PAYLOAD_BYTES
        batches: list[Any] = []
        current: list[Any] = []
        current_bytes = 0
        for item in items:
            n = ex.size(item)
            if current and (len(current) >= size or current_bytes + n > max_bytes):
                batches.append(current)
                current, current_bytes = [], 0
            current.append(item)
            current_bytes += n
        if current:
            batches.append(current)
        out = []
        for batch in batches:
            entry: dict[str, Any] = {"Items": batch}
            if batch_input is not None:
                entry["BatchInput"] = batch_input
            out.append(entry)
        return out


__all__ = ["BRANCH_FAILED", "HEARTBEAT_TIMEOUT", "Execution", "Interpreter", "Machine", "RunAborted"]
