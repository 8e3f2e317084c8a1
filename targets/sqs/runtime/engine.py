"""The interpreter: one envelope in, the step's work done, the envelopes that follow sent out.

A message enters one state of one line (an execution, or an iteration/branch inside it). A task state runs in
its own function (which invokes the handler's function, or calls a boto3 integration); every other state
runs inline, right where the line reaches it, until the line needs another function (a task), has to wait (a Wait, a retry delay), is
parked in a join (Map/Parallel) or in a child workflow, or ends. Inline work is an agenda processed in a
loop, never by recursion, and spills into messages to the ingress queue past a budget, so a 10,000-item Map
of Pass states neither overflows the stack nor runs into the Lambda timeout.

Idempotency: the message is claimed in the tracking table (execution, scope, hop, state, attempt) before
anything happens; the claim is `DONE` only after every outgoing message was sent. Every outgoing message has
a key of its own, so a step re-run after a crash re-sends messages that their receivers recognise.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import math
import random
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from . import effects, integrations, jsonata_eval
from .envelope import Envelope, Line, digest, join_id
from .flow import Flow, FlowRegistry
from .semantics import StatesError, choice, context, errors, messages, payload
from .store import OPEN, RUNNING, Store

MAX_DELAY_SECONDS = 900  # SQS DelaySeconds
# SQS delays are whole seconds: a message is sent with the delay rounded *down*, and the function waits the
# fraction left (under a second) itself, so a retry backoff of 2.5 s takes 2.5 s as on Step Functions.
IN_FUNCTION_WAIT_SECONDS = 1.0
MAX_VISIBILITY_SECONDS = 43200  # SQS: 12 h from the first receive
INLINE_BUDGET = 500  # inline states per message before the rest is handed on as messages
BATCH = 10  # SendMessageBatch entries
MAX_HOPS = 25000  # transitions per line, like Step Functions' 25,000-event history cap (a guard rail)


@dataclass(frozen=True)
class Outcome:
    action: str  # ack | retry | defer
    seconds: float = 0.0
    reason: str = ""


ACK = Outcome("ack")


def retry(reason: str) -> Outcome:
    return Outcome("retry", reason=reason)


@dataclass
class Send:
    queue: str
    envelope: Envelope
    delay: int = 0
    raw: str | None = None  # a body that is not an envelope (dead-letter copies)


@dataclass
class _Enter:
    line: Line
    state: str
    data: Any
    attempt: int = 0
    retries: list[int] = field(default_factory=list)
    waited: bool = False


class Lost(Exception):
    """Another invocation took this step over (our lease had expired): stop without side effects."""


class Engine:
    def __init__(self, flows: FlowRegistry, services: Any, *, state: str | None = None, timeout: float = 60):
        self.flows = flows
        self.services = services
        self.function_state = state  # the task this function runs (None: an ingress/router function)
        self.function_timeout = float(timeout)  # claims are leased for as long as this function may run
        self.store = Store(services.client("dynamodb"), services.table, services.clock,
                           horizon=lambda key: self.flows[key.split("/", 1)[0]].max_duration)
        self._outbox: list[Send] = []
        self._agenda: deque[_Enter] = deque()
        self._context: Any = None
        self._recorded: dict[str, Any] | None = None  # an outcome a guarded write recorded with its effect

    # ------------------------------------------------------------------------------------------------
    # entry
    # ------------------------------------------------------------------------------------------------
    @property
    def now(self) -> float:
        return self.services.clock.now()

    def iso(self, moment: float | None = None) -> str:
        at = datetime.datetime.fromtimestamp(self.now if moment is None else moment, datetime.UTC)
        return context.format_timestamp(at)

    def _pause(self, seconds: float) -> None:
        clock = self.services.clock
        (getattr(clock, "sleep", None) or clock.advance)(seconds)  # a virtual clock just moves on

    def emit(self, event_type: str, line: Line | None = None, **details: Any) -> None:
        event = {"type": event_type, "time": self.now}
        if line is not None:
            event.update(workflow=line.workflow, execution=line.execution, scope=line.scope_path)
        event.update(details)
        self.services.emit(event)

    def process(self, env: Envelope, *, receive_count: int = 1, lambda_context: Any = None) -> Outcome:
        """Handle one message. ack: delete it; retry: leave it for redelivery; defer: not due yet."""
        self._context = lambda_context
        flow = self.flows[env.line.workflow]
        if env.resume_at is not None and env.resume_at > self.now + 0.001:
            early = env.resume_at - self.now
            if early >= IN_FUNCTION_WAIT_SECONDS:
                return Outcome("defer", early)
            self._pause(early)  # the fraction of a second SQS's whole-second delay could not express
        line = env.line
        if env.kind != "start":
            record, joins = self.store.statuses(line.execution_key, [f.join for f in line.scope])
            if record is None:
                return retry("the execution record is not there yet")
            if record.get("status") != RUNNING:
                self.emit("Dropped", line, state=env.state, reason=f"execution is {record.get('status')}")
                return ACK
            deadline = record.get("deadline")
            if deadline is not None and self.now >= float(deadline) and env.kind != "deadline":
                self._finish(line, "TIMED_OUT", error=errors.TIMEOUT, cause="The execution timed out.")
                self._flush()
                return ACK
            late = self._late(line, env, joins)
            if late is not None:
                self.emit("Dropped", line, state=env.state, reason=late)
                return ACK
        lease = self.function_timeout + 5
        claim = self.store.claim(line.execution_key, env.key, state=env.state or env.kind, lease_seconds=lease)
        if claim.outcome == "done":
            self.emit("Duplicate", line, state=env.state, key=env.key)
            return ACK
        if claim.outcome == "busy":
            return retry("another invocation is working on this step")
        self._outbox, self._agenda = [], deque()
        try:
            getattr(self, "_kind_" + env.kind)(flow, env, claim)
            self._drain(flow)
            self._flush()
        except Lost:
            return ACK
        except Exception:
            # An infrastructure problem (throttling, a network error, a bug): give the claim back so the
            # redelivery starts over; the messages already sent carry keys their receivers recognise.
            try:
                self.store.release(line.execution_key, env.key, claim.owner)
            finally:
                if receive_count >= flow.max_receive_count:
                    self._give_up(line, env, receive_count)
            raise
        if not self.store.mark_done(line.execution_key, env.key, claim.owner):
            self.emit("LeaseLost", line, state=env.state, key=env.key)
        return ACK

    def _late(self, line: Line, env: Envelope, joins: dict[str, dict[str, Any]]) -> str | None:
        """Why a message inside a finished Map/Parallel is dropped; None when it may run.

        A finished join takes no more work from its iterations, except from the one that closed it: that
        iteration's last message closed the join and then carried on with what follows the Map/Parallel (the
        next step's message, the end of the execution). If that invocation failed afterwards (a throttled send
        or write), its claim was given back and the redelivery must finish the job, or nothing ever sends what
        follows and the execution stays RUNNING. It is recognised by the join's `closed_by` (its index, at
        every finished level) and by its claim (it was processed before); the rest of its work is idempotent
        (the join, the outcome and every message key are recorded). Any other message there is late."""
        closed = [f for f in line.scope if joins[f.join]["status"] != OPEN]
        if not closed:
            return None
        reason = "an enclosing Map/Parallel has finished"
        if any(joins[f.join].get("closed_by") != f.index for f in closed):
            return reason
        if self.store.step(line.execution_key, env.key) is None:
            return reason  # never processed: the line that closed the join has nothing left to start
        self.emit("Resumed", line, state=env.state, reason="the iteration that closed its Map/Parallel: "
                                                           "finishing what follows it")
        return None

    def fail_execution(self, line: Line, error: str, cause: str) -> None:
        """End `line`'s execution FAILED now, if it is still RUNNING (notifying a parent that waits for it)."""
        self._outbox = []
        self._finish(replace(line, scope=()), "FAILED", error=error, cause=cause)
        self._flush()

    def _give_up(self, line: Line, env: Envelope, receive_count: int) -> None:
        """Last delivery failed too: SQS moves the message to the DLQ; the execution must not hang RUNNING."""
        try:
            self._outbox = []
            self._finish(replace(line, scope=()), "FAILED", error="flowc.DeliveryFailed",
                         cause=f"state {env.state or env.kind} could not be processed after {receive_count} "
                               "deliveries; the message is in the dead-letter queue")
            self._flush()
        except Exception:  # the DLQ keeps the message whatever happens here
            pass

    # ------------------------------------------------------------------------------------------------
    # kinds of message
    # ------------------------------------------------------------------------------------------------
    def _kind_start(self, flow: Flow, env: Envelope, claim: Any) -> None:
        line = env.line
        started = line.started or self.iso()
        deadline = self.now + flow.max_duration
        parent = env.extra.get("parent")
        record = self.store.execution(line.execution_key)
        if record is None:  # whoever sent this message records the execution after sending it (or died first)
            self.store.create_execution(line.execution_key, workflow=line.workflow, name=line.execution,
                                        input=env.input, started=started, deadline=line.deadline or deadline,
                                        parent=parent, trace=line.trace or line.execution_key)
            record = self.store.execution(line.execution_key) or {}
        if record.get("status") != RUNNING:
            return
        deadline = record.get("deadline", deadline)
        line = replace(line, started=record.get("started", started),
                       exec_input=env.input if flow.needs_execution_input else None,
                       trace=line.trace or line.execution_key, deadline=deadline)
        self.emit("ExecutionStarted", line, input=env.input)
        if flow.deadline_timer:
            self._send(flow.ingress, Envelope("deadline", line, state="", input=None, resume_at=deadline))
        self._agenda.append(_Enter(line, flow.definition["StartAt"], env.input))

    def _kind_deadline(self, flow: Flow, env: Envelope, claim: Any) -> None:
        self._finish(env.line, "TIMED_OUT", error=errors.TIMEOUT, cause="The execution timed out.")

    def _kind_run(self, flow: Flow, env: Envelope, claim: Any) -> None:
        state = flow.state(env.state)
        if state.get("Type") != "Task":
            self._agenda.append(_Enter(env.line, env.state, env.input, env.attempt, list(env.retries),
                                       waited=bool(env.extra.get("waited"))))
            return
        if self.function_state is not None and self.function_state != env.state:
            raise LookupError(f"function of {self.function_state} received a message for {env.state}")
        self._run_task(flow, env, claim)

    def _kind_child(self, flow: Flow, env: Envelope, claim: Any) -> None:
        """A child workflow this line waited for (`start X sync|sync2`) has finished: its record is the result."""
        child = env.extra["child"]
        record = self.store.execution(f"{child['workflow']}/{child['execution']}") or {}
        description = self._describe(child["workflow"], child["execution"], record, env.extra.get("mode", "sync2"))
        if record.get("status") == "SUCCEEDED":
            self._task_succeeded(flow, env.line, env.state, env.input, description, env.retries)
        else:
            self._task_failed(flow, env.line, env.state, env.input, StatesError(
                errors.TASK_FAILED, json.dumps(description, separators=(",", ":"))), env.attempt, env.retries)

    # ------------------------------------------------------------------------------------------------
    # the agenda: inline states
    # ------------------------------------------------------------------------------------------------
    def _drain(self, flow: Flow) -> None:
        budget = INLINE_BUDGET
        while self._agenda:
            item = self._agenda.popleft()
            if budget <= 0 and not flow.is_task(item.state):
                self._send(flow.ingress, Envelope("run", item.line, item.state, item.attempt, item.retries,
                                                  item.data, extra={"waited": True} if item.waited else {}))
                continue
            budget -= 1
            self._enter(flow, item)

    def _enter(self, flow: Flow, item: _Enter) -> None:
        line, name, data = item.line, item.state, item.data
        state = flow.state(name)
        kind = state.get("Type")
        if line.hop > MAX_HOPS:  # a guard rail against runaway loops (functions allow recursive invocation)
            self._line_fail(flow, line, StatesError(errors.RUNTIME, f"{line.workflow} made more than {MAX_HOPS} "
                                                                    "transitions on one line"))
            return
        if not item.waited and item.attempt == 0:
            self.emit("StateEntered", line, state=name, key=f"{line.key}|{name}")
        if kind == "Task":
            self._send(flow.queue_for(name), Envelope("run", line, name, item.attempt, item.retries, data))
            return
        try:
            if kind == "Pass":
                self._pass(flow, line, name, state, data)
            elif kind == "Choice":
                self._choice(flow, line, name, state, data)
            elif kind == "Wait":
                self._wait(flow, line, name, state, data, item.waited)
            elif kind == "Succeed":
                self._line_end(flow, line, self._output_only(flow, line, name, state, data))
            elif kind == "Fail":
                self._line_fail(flow, line, self._fail_error(flow, line, name, state, data))
            elif kind in ("Map", "Parallel"):
                self._scatter(flow, line, name, state, data, item.attempt, item.retries)
            else:
                raise StatesError(errors.RUNTIME, f"state {name} has unknown type {kind!r}")
        except StatesError as err:
            err = _located(err, name)
            if kind in ("Map", "Parallel"):
                self._state_failed(flow, line, name, data, err, item.attempt, item.retries)
            else:
                self._line_fail(flow, line, err)

    # -- data flow helpers -----------------------------------------------------------------------------
    def context(self, line: Line, name: str, retry_count: int = 0) -> dict[str, Any]:
        svc = self.services
        machine = f"{svc.stack}-{line.workflow}"
        base = context.build_context(state_machine=machine, execution=line.execution,
                                     execution_input=line.exec_input, region=svc.region,
                                     account=svc.account or context.DEFAULT_ACCOUNT, start_time=line.started)
        return context.enter_state(base, name, entered_time=self.iso(), retry_count=retry_count)

    def _states(self, line: Line, name: str, data: Any, retry_count: int = 0, **extra: Any) -> dict[str, Any]:
        return {"input": data, "context": self.context(line, name, retry_count), **extra}

    def _jsonata(self, template: Any, states: dict[str, Any], line: Line, field: str | None = None) -> Any:
        return jsonata_eval.render(template, states, line.vars, field)

    def _effective_input(self, state: dict, data: Any, ctx: Any, line: Line) -> Any:
        return payload.apply_input_path(data, state.get("InputPath", "$"), context=ctx, variables=line.vars)

    def _render(self, template: Any, data: Any, ctx: Any, line: Line) -> Any:
        return payload.render_template(template, data, context=ctx, variables=line.vars)

    def _finish_state(self, flow: Flow, line: Line, name: str, state: dict, raw: Any, result: Any,
                      retry_count: int = 0, *, assign_on: Any = None, jsonata_states: dict | None = None) -> None:
        """ResultSelector/ResultPath/OutputPath (or JSONata Output), Assign, then the transition."""
        if flow.ql(state) == "JSONata":
            states = jsonata_states or self._states(line, name, raw, retry_count, result=result)
            out = self._jsonata(state["Output"], states, line, "Output") if "Output" in state else result
            assigned = self._jsonata(state["Assign"], states, line, "Assign") if "Assign" in state else {}
        else:
            ctx = self.context(line, name, retry_count)
            assigned = self._render(state["Assign"], result if assign_on is None else assign_on, ctx, line) \
                if "Assign" in state else {}
            selected = self._render(state["ResultSelector"], result, ctx, line) if "ResultSelector" in state \
                else result
            combined = payload.apply_result_path(raw, selected, state.get("ResultPath", "$"))
            out = payload.apply_output_path(combined, state.get("OutputPath", "$"), context=ctx, variables=line.vars)
        self._transition(flow, line.with_vars({**line.vars, **assigned}) if assigned else line, state, out)

    def _transition(self, flow: Flow, line: Line, state: dict, out: Any, target: str | None = None) -> None:
        target = target or state.get("Next")
        if target is None:
            self._line_end(flow, line, out)
        else:
            self._agenda.append(_Enter(line.next_hop(), target, out))

    def _output_only(self, flow: Flow, line: Line, name: str, state: dict, data: Any) -> Any:
        if flow.ql(state) == "JSONata":
            return self._jsonata(state["Output"], self._states(line, name, data), line, "Output") if "Output" in state \
                else data
        ctx = self.context(line, name)
        effective = self._effective_input(state, data, ctx, line)
        return payload.apply_output_path(effective, state.get("OutputPath", "$"), context=ctx, variables=line.vars)

    # -- inline states -----------------------------------------------------------------------------------
    def _pass(self, flow: Flow, line: Line, name: str, state: dict, data: Any) -> None:
        if flow.ql(state) == "JSONata":
            states = self._states(line, name, data)
            out = self._jsonata(state["Output"], states, line, "Output") if "Output" in state else data
            assigned = self._jsonata(state["Assign"], states, line, "Assign") if "Assign" in state else {}
            self._transition(flow, line.with_vars({**line.vars, **assigned}) if assigned else line, state, out)
            return
        ctx = self.context(line, name)
        effective = self._effective_input(state, data, ctx, line)
        if "Parameters" in state:
            result = self._render(state["Parameters"], effective, ctx, line)
        elif "Result" in state:
            result = state["Result"]
        else:
            result = effective
        self._finish_state(flow, line, name, {k: v for k, v in state.items() if k != "ResultSelector"}, data,
                           result)

    def _choice(self, flow: Flow, line: Line, name: str, state: dict, data: Any) -> None:
        ql = flow.ql(state)
        if ql == "JSONata":
            states = self._states(line, name, data)
            rule = choice.select_rule(state, data, context=states["context"], variables=line.vars,
                                      jsonata_eval=jsonata_eval.condition_evaluator(states, line.vars))
            target = rule["Next"] if rule is not None else state.get("Default")
            if target is None:
                raise errors.NoChoiceMatched()
            source = rule if rule is not None and ("Output" in rule or "Assign" in rule) else state
            out = self._jsonata(source["Output"], states, line, "Output") if "Output" in source else data
            assigned = {}
            if "Assign" in state:
                assigned.update(self._jsonata(state["Assign"], states, line, "Assign"))
            if rule is not None and "Assign" in rule:
                assigned.update(self._jsonata(rule["Assign"], states, line, "Assign"))
        else:
            ctx = self.context(line, name)
            effective = self._effective_input(state, data, ctx, line)
            rule = choice.select_rule(state, effective, context=ctx, variables=line.vars)
            target = rule["Next"] if rule is not None else state.get("Default")
            if target is None:
                raise errors.NoChoiceMatched()
            assigned = {}
            if "Assign" in state:
                assigned.update(self._render(state["Assign"], effective, ctx, line))
            if rule is not None and "Assign" in rule:
                assigned.update(self._render(rule["Assign"], effective, ctx, line))
            out = payload.apply_output_path(effective, state.get("OutputPath", "$"), context=ctx, variables=line.vars)
        line = line.with_vars({**line.vars, **assigned}) if assigned else line
        self._agenda.append(_Enter(line.next_hop(), target, out))

    def _wait(self, flow: Flow, line: Line, name: str, state: dict, data: Any, waited: bool) -> None:
        if waited:  # the delay is over: `data` is already the Wait state's output
            self._transition(flow, line, state, data)
            return
        ql = flow.ql(state)
        if ql == "JSONata":
            states = self._states(line, name, data)
            seconds = self._jsonata(state["Seconds"], states, line, "Seconds") if "Seconds" in state else None
            stamp = self._jsonata(state["Timestamp"], states, line, "Timestamp") if "Timestamp" in state else None
            out = self._jsonata(state["Output"], states, line, "Output") if "Output" in state else data
            assigned = self._jsonata(state["Assign"], states, line, "Assign") if "Assign" in state else {}
        else:
            ctx = self.context(line, name)
            effective = self._effective_input(state, data, ctx, line)
            seconds = state.get("Seconds")
            if "SecondsPath" in state:
                seconds = self._wait_path(state, "SecondsPath", effective, ctx, line)
                if not _is_int(seconds):
                    raise StatesError(errors.RUNTIME, messages.seconds_not_long(state["SecondsPath"], seconds))
                if seconds < 0:
                    raise StatesError(errors.RUNTIME, messages.seconds_negative(state["SecondsPath"], seconds))
            stamp = state.get("Timestamp")
            if "TimestampPath" in state:
                stamp = self._wait_path(state, "TimestampPath", effective, ctx, line)
            assigned = self._render(state["Assign"], effective, ctx, line) if "Assign" in state else {}
            out = payload.apply_output_path(effective, state.get("OutputPath", "$"), context=ctx, variables=line.vars)
        if seconds is not None:
            if not _is_int(seconds) or seconds < 0:
                raise StatesError(errors.RUNTIME, messages.seconds_invalid(seconds))
            resume = self.now + float(seconds)
        else:
            parsed = choice.parse_timestamp(stamp) if isinstance(stamp, str) else None
            if parsed is None:
                field = "TimestampPath" if "TimestampPath" in state else "Timestamp"
                raise StatesError(errors.RUNTIME, messages.timestamp_invalid(field, state.get(field), stamp))
            resume = parsed[0] + parsed[1] / 1e9
        line = line.with_vars({**line.vars, **assigned}) if assigned else line
        self.emit("WaitStarted", line, state=name, until=resume)
        if resume <= self.now:
            self._transition(flow, line, state, out)
            return
        target = state.get("Next")
        if target is not None and flow.is_task(target):  # wake the next task directly
            self._send(flow.queue_for(target), Envelope("run", line.next_hop(), target, 0, [], out),
                       resume_at=resume)
        else:  # come back to this Wait through the ingress queue, then carry on inline
            self._send(flow.ingress, Envelope("run", line, name, 0, [], out, extra={"waited": True}), resume_at=resume)

    @staticmethod
    def _wait_path(state: dict, field: str, effective: Any, ctx: Any, line: Line) -> Any:
        try:
            return payload.resolve(state[field], effective, context=ctx, variables=line.vars, field=field)
        except StatesError:
            raise StatesError(errors.RUNTIME, messages.wait_path_missing(field, state[field])) from None

    def _fail_error(self, flow: Flow, line: Line, name: str, state: dict, data: Any) -> StatesError:
        if flow.ql(state) == "JSONata":
            states = self._states(line, name, data)
            error = self._jsonata(state.get("Error"), states, line, "Error") if "Error" in state else None
            cause = self._jsonata(state.get("Cause"), states, line, "Cause") if "Cause" in state else None
        else:
            ctx = self.context(line, name)
            error, cause = state.get("Error"), state.get("Cause")
            data = self._effective_input(state, data, ctx, line)
            if "ErrorPath" in state:
                error = payload.resolve(state["ErrorPath"], data, context=ctx, variables=line.vars, field="ErrorPath")
            if "CausePath" in state:
                cause = payload.resolve(state["CausePath"], data, context=ctx, variables=line.vars, field="CausePath")
            # "ErrorPath ... must select a field that contains a string value" (Fail state guide); CausePath too
            for what, value in (("ErrorPath", error), ("CausePath", cause)):
                if what in state and value is not None and not isinstance(value, str):
                    raise StatesError(errors.RUNTIME, messages.fail_path_not_string(what, value))
        return _fail_state_error(error, cause)

    # -- tasks -------------------------------------------------------------------------------------------
    def _run_task(self, flow: Flow, env: Envelope, claim: Any) -> None:
        line, name, raw = env.line, env.state, env.input
        previous = claim.previous or {}
        if claim.outcome == "taken_over" and previous.get("phase") == "result":
            # recorded before the previous invocation died (or gave the step back): never run the task twice
            outcome = json.loads(previous["outcome"])
        else:
            # a first delivery, or one whose invocation died before an outcome was recorded (a crash, not a
            # timeout: the watchdog records timeouts): the task runs (again)
            self._recorded = None
            try:
                outcome = self._execute(flow, env, claim)
            except effects.ClaimChanged:  # a guarded write found its claim changed: the claim decides
                outcome = self.store.outcome_of(line.execution_key, env.key, claim.owner)
                if outcome is None:
                    raise Lost() from None
            if outcome is None:  # parked: a child workflow will report back
                return
            if outcome != self._recorded:  # a guarded write recorded it already, in its own transaction
                recorded = self._record(env, claim, outcome)
                if recorded is None:
                    raise Lost()
                outcome = recorded
        if "error" in outcome:
            err = StatesError(outcome["error"], outcome.get("cause") or "")
            self.emit("TaskFailed", line, state=name, attempt=env.attempt, error=err.error, cause=err.cause)
            self._task_failed(flow, line, name, raw, err, env.attempt, env.retries, dead_letter=env)
        else:
            self.emit("TaskSucceeded", line, state=name, attempt=env.attempt)
            self._task_succeeded(flow, line, name, raw, outcome["result"], env.retries)

    def _record(self, env: Envelope, claim: Any, outcome: dict[str, Any]) -> dict[str, Any] | None:
        """Record the task's outcome, trying a throttled write again here: the task has run, and a redelivery
        that found no outcome would run it (the handler, the call) a second time. The write is conditional on
        no outcome yet, so a try that did land is recognised (`record_result` then answers what is recorded)."""
        key = env.line.execution_key
        for pause in integrations.RETRY_PAUSES:
            try:
                return self.store.record_result(key, env.key, claim.owner, outcome)
            except Exception as err:
                if integrations.error_code(err) not in effects.TRANSIENT:
                    raise
                self._pause(pause)
        return self.store.record_result(key, env.key, claim.owner, outcome)  # the last try: its error is raised

    def _deadline_outcome(self, flow: Flow, name: str, limit: Any) -> tuple[float, dict[str, Any]] | None:
        """When the task must be over, and the outcome then: the state's TimeoutSeconds (States.Timeout) or,
        for a handler, its declared function timeout (Sandbox.Timedout), whichever comes first."""
        declared = float(limit) if isinstance(limit, (int, float)) and not isinstance(limit, bool) else None
        step = flow.steps.get(name, {})
        function = float(step.get("timeout", 3)) if step.get("handler") else None
        if declared is not None and (function is None or declared <= function):
            return declared, {"error": errors.TIMEOUT, "cause": ""}
        if function is not None:
            return function, {"error": TIMED_OUT_ERROR, "cause": timed_out_cause(function)}
        return None

    def _watch(self, flow: Flow, env: Envelope, claim: Any, limit: Any) -> Callable[[], None]:
        """A watchdog: if the task is still running at its deadline, record the timeout as its outcome at once.
        The function's timeout leaves the runtime an allowance past that moment, so a redelivery after Lambda
        killed the invocation finds the timeout recorded; an invocation that died with no outcome recorded
        crashed instead (the handler may even have returned), and the task simply runs again."""
        found = self._deadline_outcome(flow, env.state, limit)
        if found is None or claim is None:
            return lambda: None
        seconds, outcome = found
        line = env.line

        def expired() -> None:
            try:
                if self.store.record_result(line.execution_key, env.key, claim.owner, outcome) == outcome:
                    self.emit("TaskTimedOut", line, state=env.state, error=outcome["error"], after=seconds)
            except Exception as err:  # the redelivery runs the task again: at least once, never lost
                self.emit("WatchdogFailed", line, state=env.state, error=f"{type(err).__name__}: {err}")
        return self.services.clock.call_at(self.now + seconds, expired)

    def _execute(self, flow: Flow, env: Envelope, claim: Any = None) -> dict[str, Any] | None:
        """Run the task once: {"result": ...} or {"error": ..., "cause": ...}; None when parked."""
        line, name, raw = env.line, env.state, env.input
        state = flow.state(name)
        retry_count = sum(env.retries)
        started = self.now
        try:
            if flow.ql(state) == "JSONata":
                states = self._states(line, name, raw, retry_count)
                params = self._jsonata(state["Arguments"], states, line, "Arguments") if "Arguments" in state else raw
                limit = self._jsonata(state["TimeoutSeconds"], states, line, "TimeoutSeconds") if "TimeoutSeconds" in state else None
            else:
                ctx = self.context(line, name, retry_count)
                effective = self._effective_input(state, raw, ctx, line)
                params = self._render(state["Parameters"], effective, ctx, line) if "Parameters" in state \
                    else effective
                limit = state.get("TimeoutSeconds")
                if "TimeoutSecondsPath" in state:
                    limit = payload.resolve(state["TimeoutSecondsPath"], effective, context=ctx,
                                            variables=line.vars, field="TimeoutSecondsPath")
            cancel = self._watch(flow, env, claim, limit)
            try:
                result = self._call(flow, env, state, params, claim)
            finally:
                cancel()
            if result is _PARKED:
                return None
            if isinstance(limit, (int, float)) and not isinstance(limit, bool) and self.now - started > limit:
                raise StatesError(errors.TIMEOUT, "")
            return {"result": result}
        except StatesError as err:
            return {"error": err.error, "cause": err.cause}

    def _call(self, flow: Flow, env: Envelope, state: dict, params: Any, claim: Any = None) -> Any:
        name = env.state
        step = flow.steps.get(name, {})
        resource = integrations.parse_resource(str(state.get("Resource", "")))
        explicit_lambda = resource.service == "lambda" and resource.action == "invoke"
        asynchronous = explicit_lambda and isinstance(params, dict) and params.get("InvocationType") == "Event"
        event = params.get("Payload") if explicit_lambda and isinstance(params, dict) else params
        if resource.mode == "callback":
            raise StatesError(errors.RUNTIME, f"{name}: .waitForTaskToken cannot run on the SQS target")
        override = self.services.handlers.get(name)
        if override is not None:  # tests and the simulator: a replacement for the task (a mock), in-process
            result = self._replaced(name, step, event, asynchronous, override)
        elif resource.kind == "lambda" or explicit_lambda:
            if step.get("invoke"):
                result = self._invoke_handler(name, step, event, asynchronous)
            else:
                function = params.get("FunctionName") if explicit_lambda and isinstance(params, dict) \
                    else resource.function
                result = integrations.invoke_external_lambda(self.services, str(function), event,
                                                             asynchronous=asynchronous)
        elif resource.service == "states" and resource.action == "startExecution":
            target = str(params.get("StateMachineArn", "")) if isinstance(params, dict) else ""
            if target.startswith(CHILD_PREFIX):
                return self._start_child(flow, env, target[len(CHILD_PREFIX):], params, resource.mode)
            if resource.mode != "request":
                raise StatesError(errors.RUNTIME, f"{name}: waiting for an external state machine is not "
                                                  "supported on the SQS target")
            result = integrations.call_service(self.services, resource, params)
        elif resource.kind in ("service", "aws-sdk") and resource.mode == "request":
            operation = effects.guarded(resource, params) if claim is not None else None
            if operation is not None:  # applied once: the write and its recorded outcome in one transaction
                recorded = {"result": dict(effects.RESULT)}
                result = effects.write_once(self.services, operation, params, self.store.result_update(
                    env.line.execution_key, env.key, claim.owner, recorded))
                self._recorded = recorded
            else:
                result = integrations.call_service(self.services, resource, params)
        else:
            raise StatesError(errors.RUNTIME, f"{name}: resource {state.get('Resource')!r} is not supported on "
                                              "the SQS target")
        if explicit_lambda:
            return {"ExecutedVersion": "$LATEST", "Payload": "" if asynchronous else result,
                    "StatusCode": 202 if asynchronous else 200}
        return result

    def _invoke_handler(self, name: str, step: dict, event: Any, asynchronous: bool) -> Any:
        """The step's handler, in its own function (its own role: nothing of the runtime's), invoked as Step
        Functions invokes it; its errors come back as Step Functions reports them (errorType, and the error
        payload as cause)."""
        function = self.services.function_name(step["invoke"])
        self.emit("HandlerInvoked", None, state=name, function=step.get("function"))
        started = self.now
        # An Event invocation's own errors never come back (Lambda answers 202 at once); an API error does.
        result = integrations.invoke_function(self.services, function, event, asynchronous=asynchronous, own=True)
        self._check_duration(step, started)
        return result

    def _check_duration(self, step: dict, started: float) -> None:
        limit = step.get("timeout") if step.get("handler") else None
        if limit is not None and self.now - started > float(limit):
            # Step Functions' Lambda would have been stopped at its timeout; this one had a runtime allowance.
            raise StatesError(TIMED_OUT_ERROR, timed_out_cause(float(limit)))

    def _replaced(self, name: str, step: dict, event: Any, asynchronous: bool, handler: Callable[..., Any]) -> Any:
        """A task replaced in-process (a mock: the outcome Step Functions would see, error and cause as given)."""
        event = json.loads(json.dumps(event))  # the replacement gets JSON, as from a real invocation
        self.emit("HandlerInvoked", None, state=name, function=step.get("function"))
        started = self.now
        try:
            result = handler(event, self._context)
        except Exception as exc:
            if asynchronous:
                return None  # an Event invocation's errors never reach the workflow
            raise self.services.format_error(exc, getattr(self._context, "aws_request_id", "")) from None
        self._check_duration(step, started)
        try:
            return json.loads(json.dumps(result))
        except (TypeError, ValueError) as exc:
            raise StatesError("Runtime.MarshalError", json.dumps({
                "errorMessage": f"Unable to marshal response: {exc}", "errorType": "Runtime.MarshalError"})) from None

    def _task_succeeded(self, flow: Flow, line: Line, name: str, raw: Any, result: Any, retries: list[int]) -> None:
        state = flow.state(name)
        try:
            self._finish_state(flow, line, name, state, raw, result, sum(retries))
        except StatesError as err:
            self._task_failed(flow, line, name, raw, err, 0, retries, after_result=True)

    def _task_failed(self, flow: Flow, line: Line, name: str, raw: Any, err: StatesError, attempt: int,
                     retries: list[int], *, dead_letter: Envelope | None = None, after_result: bool = False) -> None:
        handled = self._state_failed(flow, line, name, raw, err, attempt, retries, retry_allowed=not after_result)
        if not handled and dead_letter is not None:
            step = flow.steps.get(name, {})
            if step.get("dlq"):  # keep the message that could not be processed, with why
                body = {**dead_letter.to_dict(), "dead_letter": {"error": err.error, "cause": err.cause,
                                                                 "at": self.iso()}}
                self._outbox.append(Send(step["dlq"], dead_letter, raw=json.dumps(body, separators=(",", ":"))))

    def _state_failed(self, flow: Flow, line: Line, name: str, raw: Any, err: StatesError, attempt: int,
                      retries: list[int], *, retry_allowed: bool = True) -> bool:
        """Retry, else Catch, else fail the line. True when a retrier or catcher took the error."""
        err = _located(err, name)
        state = flow.state(name)
        retriers = state.get("Retry") or []
        if retry_allowed and retriers:
            tracker = errors.RetryTracker(retriers, random.Random(digest(f"{self.services.seed}|{line.key}|{name}|"
                                                                         f"{attempt}")))
            tracker.attempts = (list(retries) + [0] * len(retriers))[: len(retriers)]
            delay = tracker.next_delay(err)
            if delay is not None:
                self.emit("TaskRetry", line, state=name, attempt=attempt + 1, delay=delay, error=err.error)
                self._send(flow.queue_for(name), Envelope("run", line, name, attempt + 1, tracker.attempts, raw),
                           resume_at=self.now + delay)
                return True
        catcher = errors.find_catcher(state.get("Catch"), err)
        if catcher is None:
            self._line_fail(flow, line, err)
            return False
        error_output = err.to_output()
        if flow.ql(state) == "JSONata":
            states = self._states(line, name, raw, sum(retries), errorOutput=error_output)
            out = self._jsonata(catcher["Output"], states, line, "Output") if "Output" in catcher else error_output
            assigned = self._jsonata(catcher["Assign"], states, line, "Assign") if "Assign" in catcher else {}
        else:
            ctx = self.context(line, name)
            assigned = self._render(catcher["Assign"], error_output, ctx, line) if "Assign" in catcher else {}
            out = payload.apply_result_path(raw, error_output, catcher.get("ResultPath", "$"))
        self.emit("Caught", line, state=name, error=err.error, next=catcher["Next"])
        line = line.with_vars({**line.vars, **assigned}) if assigned else line
        self._agenda.append(_Enter(line.next_hop(), catcher["Next"], out))
        return True

    # -- child workflows -----------------------------------------------------------------------------------
    def _start_child(self, flow: Flow, env: Envelope, child: str, params: dict, mode: str) -> Any:
        queue = flow.children.get(child)
        if queue is None:
            raise StatesError(errors.RUNTIME, f"{flow.name} may not start {child}: no route in its configuration")
        name = str(params.get("Name") or _uuid_from(f"{env.key}|child"))
        child_input = params.get("Input", {})
        if isinstance(child_input, str):
            with contextlib.suppress(ValueError):
                child_input = json.loads(child_input)
        child_line = Line(workflow=child, execution=name, started=self.iso(),
                          trace=env.line.trace or env.line.execution_key,
                          deadline=self.now + self.flows[child].max_duration)
        extra: dict[str, Any] = {}
        if mode in ("sync", "sync2"):
            extra["parent"] = {"workflow": flow.name, "queue": flow.ingress,
                               "line": env.line.to_dict(), "state": env.state, "attempt": env.attempt,
                               "retries": env.retries, "input": env.input, "mode": mode}
        arn = self._execution_arn(child, name)
        # Reserve the name like StartExecution does, before the start message goes: a name already taken by
        # another start fails with ExecutionAlreadyExists, unless the execution is still open with the same
        # input (then the call is idempotent: this line gets the same execution, and waits for it if sync).
        starter = digest(env.key, 24)
        if not self.store.create_execution(child_line.execution_key, workflow=child, name=name, input=child_input,
                                           started=child_line.started, deadline=child_line.deadline,
                                           parent=extra.get("parent"), trace=child_line.trace, starter=starter):
            record = self.store.execution(child_line.execution_key) or {}
            if record.get("starter") != starter:  # not an earlier attempt of this very step
                same = record.get("status") == RUNNING and json.loads(record.get("input", "null")) == child_input
                if not same or ("parent" in extra and not self.store.add_waiter(child_line.execution_key,
                                                                                  extra["parent"])):
                    raise StatesError(EXECUTION_ALREADY_EXISTS, f"Execution Already Exists: '{arn}' (Service: "
                                      "AWSStepFunctions; Status Code: 400; Error Code: ExecutionAlreadyExists; "
                                      "Request ID: ; Proxy: null)")
                self.emit("ChildJoined", env.line, state=env.state, child=f"{child}/{name}")
                if "parent" in extra:
                    return _PARKED
                return {"ExecutionArn": arn, "StartDate": int(float(record.get("started_at", self.now)) * 1000)}
        self._send(queue, Envelope("start", child_line, "", 0, [], child_input, extra=extra))
        self.emit("ChildStarted", env.line, state=env.state, child=f"{child}/{name}")
        if mode in ("sync", "sync2"):
            return _PARKED
        return {"ExecutionArn": arn, "StartDate": int(self.now * 1000)}

    def _execution_arn(self, workflow: str, name: str) -> str:
        svc = self.services
        return (f"arn:{svc.partition}:states:{svc.region}:{svc.account or context.DEFAULT_ACCOUNT}:execution:"
                f"{svc.stack}-{workflow}:{name}")

    def _describe(self, workflow: str, name: str, record: dict, mode: str) -> dict[str, Any]:
        """What `startExecution.sync[:2]` returns: DescribeExecution of the child."""
        svc = self.services
        account = svc.account or context.DEFAULT_ACCOUNT
        child_input = json.loads(record.get("input", "null"))
        out: dict[str, Any] = {
            "ExecutionArn": self._execution_arn(workflow, name),
            "Input": child_input if mode == "sync2" else json.dumps(child_input, separators=(",", ":")),
            "InputDetails": {"Included": True}, "Name": name,
            "StartDate": int(float(record.get("started_at", 0)) * 1000),
            "StateMachineArn": f"arn:{svc.partition}:states:{svc.region}:{account}:stateMachine:{svc.stack}-{workflow}",
            "Status": record.get("status", "FAILED"),
            "StopDate": int(float(record.get("stopped_at", 0)) * 1000)}
        if record.get("status") == "SUCCEEDED":
            output = json.loads(record.get("output", "null"))
            out["Output"] = output if mode == "sync2" else json.dumps(output, separators=(",", ":"))
            out["OutputDetails"] = {"Included": True}
        else:
            out["Error"] = record.get("error", "")
            out["Cause"] = record.get("cause", "")
        return out

    # -- Map and Parallel: scatter -----------------------------------------------------------------------
    def _scatter(self, flow: Flow, line: Line, name: str, state: dict, raw: Any, attempt: int,
                 retries: list[int]) -> None:
        kind = state["Type"]
        ql = flow.ql(state)
        concurrency, tolerated_count, tolerated_pct = 0, None, None
        if ql == "JSONata":
            states = self._states(line, name, raw, sum(retries))
            if kind == "Parallel":
                branch_input = self._jsonata(state["Arguments"], states, line, "Arguments") if "Arguments" in state else raw
                inputs = [branch_input] * len(state["Branches"])
            else:
                items = self._jsonata(state["Items"], states, line, "Items") if "Items" in state else raw
                inputs = self._map_inputs(line, name, state, items, raw, ql, states)
                concurrency = self._number(self._jsonata(state.get("MaxConcurrency", 0), states, line, "MaxConcurrency"), name)
                if "ToleratedFailureCount" in state:
                    tolerated_count = self._jsonata(state["ToleratedFailureCount"], states, line, "ToleratedFailureCount")
                if "ToleratedFailurePercentage" in state:
                    tolerated_pct = self._jsonata(state["ToleratedFailurePercentage"], states, line, "ToleratedFailurePercentage")
        else:
            ctx = self.context(line, name, sum(retries))
            effective = self._effective_input(state, raw, ctx, line)
            if kind == "Parallel":
                branch_input = self._render(state["Parameters"], effective, ctx, line) if "Parameters" in state \
                    else effective
                inputs = [branch_input] * len(state["Branches"])
            else:
                items = effective
                if "ItemsPath" in state:
                    items = payload.resolve(state["ItemsPath"], effective, context=ctx, variables=line.vars,
                                            field="ItemsPath")
                elif "Items" in state:
                    items = state["Items"]
                inputs = self._map_inputs(line, name, state, items, effective, ql, None)

                def pick(key: str) -> Any:
                    if key + "Path" in state:
                        return payload.resolve(state[key + "Path"], effective, context=ctx, variables=line.vars,
                                               field=key + "Path")
                    return state.get(key)
                concurrency = self._number(pick("MaxConcurrency") or 0, name)
                tolerated_count = pick("ToleratedFailureCount")
                tolerated_pct = pick("ToleratedFailurePercentage")
        total = len(inputs)
        self.emit("ScatterStarted", line, state=name, total=total, attempt=attempt)
        if total == 0:
            self._gathered(flow, line, name, state, raw, [], retries)
            return
        join = join_id(line, name, attempt)
        starts = [b["StartAt"] for b in state["Branches"]] if kind == "Parallel" else \
            [(state.get("ItemProcessor") or state.get("Iterator"))["StartAt"]]
        first = total if concurrency <= 0 else min(concurrency, total)
        ctx_record = {"parent": line.to_dict(), "state": name, "attempt": attempt, "retries": list(retries),
                      "raw": raw, "starts": starts, "concurrency": concurrency,
                      "tolerated_count": tolerated_count, "tolerated_percentage": tolerated_pct,
                      "inputs": inputs if first < total else None}
        self.store.create_join(line.execution_key, join, kind=kind, state=name, total=total, context=ctx_record,
                               concurrency=concurrency, deferred=first < total)
        for index in range(first):
            start = starts[index] if kind == "Parallel" else starts[0]
            self._agenda.append(_Enter(line.child(join, index, total, concurrency if first < total else 0), start,
                                       inputs[index]))

    def _map_inputs(self, line: Line, name: str, state: dict, items: Any, effective: Any, ql: str,
                    states: dict | None) -> list[Any]:
        if not isinstance(items, list):
            raise StatesError(errors.RUNTIME, f"Map state {name}: the items to process must be a JSON array, got "
                                              f"{json.dumps(items)[:200]}")
        selector = state.get("ItemSelector", state.get("Parameters"))
        if selector is None:
            return list(items)
        out = []
        for index, item in enumerate(items):
            if ql == "JSONata":
                item_states = {**(states or {}), "context": context.with_map_item(states["context"], index, item)}
                out.append(self._jsonata(selector, item_states, line, "ItemSelector"))
            else:
                ctx = context.with_map_item(self.context(line, name), index, item)
                out.append(self._render(selector, effective, ctx, line))
        return out

    @staticmethod
    def _number(value: Any, name: str) -> int:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise StatesError(errors.RUNTIME, f"{name}: MaxConcurrency must be a non-negative integer, got "
                                              f"{json.dumps(value)}")
        return int(value)

    # -- Map and Parallel: gather ------------------------------------------------------------------------
    def _report(self, flow: Flow, line: Line, output: Any = None, error: StatesError | None = None) -> None:
        """An iteration or branch ended (with an output, or failed): record it once, then what follows."""
        frame = line.scope[-1]
        key = line.execution_key
        cached: dict[str, Any] = {}

        def ctx() -> dict[str, Any]:
            if "ctx" not in cached:
                cached["ctx"] = self.store.join_context(key, frame.join)
            return cached["ctx"]

        written, join = self.store.report(key, frame.join, frame.index, output=output,
                                          error=error.to_output() if error else None)
        i = str(frame.index)
        seq = (join.get("seq") or {}).get(i)
        status = join.get("status")
        mine = status == "OPEN" or int(join.get("closed_by", -1)) == frame.index
        if not written:
            if seq is None or not mine:
                self.emit("Dropped", line, reason="iteration already reported, or its Map/Parallel has finished")
                return
            self.emit("Duplicate", line, reason="iteration already reported: finishing its follow-ups")
        d, total = int(seq), frame.total or int(join.get("total") or (self.store.join_state(key, frame.join) or {})["total"])
        if written:
            self.emit("IterationEnded", line, index=frame.index, rank=d, failed=error is not None)
        stored_error = (join.get("errors") or {}).get(i)
        if error is not None or stored_error is not None:
            failures = int(join.get("failed") or 0)
            c = ctx()
            tol_count, tol_pct = c.get("tolerated_count"), c.get("tolerated_percentage")
            tolerant = tol_count is not None or tol_pct is not None
            exceeded = not tolerant or (tol_count is not None and failures > float(tol_count)) or \
                (tol_pct is not None and failures * 100.0 / total > float(tol_pct))
            if exceeded:
                if status == "OPEN" and not self._close(key, frame, "FAILED"):
                    return
                if status == "DONE":
                    return
                if tolerant:
                    error = StatesError(errors.EXCEED_TOLERATED_FAILURE_THRESHOLD,
                                        "The specified tolerated failure threshold was exceeded")
                elif error is None:
                    error = StatesError(**_error_args(stored_error))
                parent = self._parent(line, c)
                self.emit("ScatterFailed", parent, state=c["state"], error=error.error)
                self._state_failed(flow, parent, c["state"], c["raw"], error, c["attempt"], c["retries"])
                return
        if status == "FAILED":
            return
        concurrency = frame.concurrency  # set only when some iterations start later (MaxConcurrency < total)
        if concurrency and concurrency + d - 1 < total:
            c, k = ctx(), concurrency + d - 1
            parent = self._parent(line, c)
            self._agenda.append(_Enter(parent.child(frame.join, k, total, concurrency), c["starts"][0],
                                       c["inputs"][k]))
        if d != total:
            return
        if status == "OPEN" and not self._close(key, frame, "DONE"):
            return
        final = self.store.join_state(key, frame.join) or join
        c = ctx()
        results: list[Any] = []
        stored = final.get("results") or {}
        for index in range(total):
            # a tolerated failure leaves null in its slot, as on Step Functions' interpreter (moto/LocalStack,
            # the ASL interpreter); its error is kept in the join for the record only
            results.append(json.loads(stored.get(str(index), "null")))
        parent = self._parent(line, c)
        self.emit("ScatterSucceeded", parent, state=c["state"], total=total)
        self._gathered(flow, parent, c["state"], flow.state(c["state"]), c["raw"], results, c["retries"])

    def _close(self, key: str, frame: Any, status: str) -> bool:
        """Close the join; True if this iteration closed it now or before (a redelivery of the closer)."""
        if self.store.close_join(key, frame.join, status, frame.index):
            return True
        fresh = self.store.join_state(key, frame.join) or {}
        return fresh.get("status") == status and int(fresh.get("closed_by", -1)) == frame.index

    def _parent(self, line: Line, ctx: dict[str, Any]) -> Line:
        saved = Line.from_dict(ctx["parent"])
        return replace(saved, exec_input=line.exec_input if saved.exec_input is None else saved.exec_input)

    def _gathered(self, flow: Flow, line: Line, name: str, state: dict, raw: Any, results: list[Any],
                  retries: list[int]) -> None:
        try:
            self._finish_state(flow, line, name, state, raw, results, sum(retries))
        except StatesError as err:
            self._state_failed(flow, line, name, raw, err, 0, retries, retry_allowed=False)

    # -- ends of lines -----------------------------------------------------------------------------------
    def _line_end(self, flow: Flow, line: Line, output: Any) -> None:
        if line.scope:
            self._report(flow, line, output=output)
        else:
            self._finish(line, "SUCCEEDED", output=output)

    def _line_fail(self, flow: Flow, line: Line, err: StatesError) -> None:
        if line.scope:
            self._report(flow, line, error=err)
        else:
            self._finish(line, "FAILED", error=err.error, cause=err.cause)

    def _finish(self, line: Line, status: str, *, output: Any = None, error: str | None = None,
                cause: str | None = None) -> None:
        record = self.store.finish_execution(line.execution_key, status, output=output, error=error, cause=cause)
        if record is None:
            return
        self.emit("Execution" + {"SUCCEEDED": "Succeeded", "FAILED": "Failed", "TIMED_OUT": "TimedOut"}[status],
                  line, output=output, error=error, cause=cause)
        waiting = [json.loads(text) for text in [record.get("parent"), *(record.get("waiters") or [])] if text]
        for parent in waiting:  # the line that started it and the ones that joined it (same name and input)
            parent_line = Line.from_dict(parent["line"])
            self._send(parent["queue"], Envelope("child", parent_line, parent["state"], parent["attempt"],
                                                  list(parent.get("retries") or []), parent["input"], extra={
                                                      "child": {"workflow": line.workflow,
                                                                "execution": line.execution},
                                                      "mode": parent.get("mode", "sync2")}))

    # -- sending -----------------------------------------------------------------------------------------
    def _send(self, queue: str, envelope: Envelope, *, resume_at: float | None = None) -> None:
        delay = 0
        deadline = envelope.line.deadline
        if resume_at is not None and deadline is not None and envelope.kind != "deadline":
            resume_at = min(resume_at, float(deadline))  # never wait past the execution's end
        if resume_at is not None:
            envelope.resume_at = resume_at
            delay = max(0, min(MAX_DELAY_SECONDS, math.floor(resume_at - self.now)))  # the rest: `_pause`
        self._outbox.append(Send(queue, envelope, delay))

    def _flush(self) -> None:
        outbox, self._outbox = self._outbox, []
        by_queue: dict[str, list[Send]] = {}
        for send in outbox:
            by_queue.setdefault(send.queue, []).append(send)
        sqs = self.services.client("sqs")
        for queue, sends in by_queue.items():
            url = self.services.queue_url(queue)
            for start in range(0, len(sends), BATCH):
                chunk = sends[start:start + BATCH]
                entries = [{"Id": str(n), "MessageBody": s.raw if s.raw is not None else s.envelope.to_json(),
                            **({"DelaySeconds": s.delay} if s.delay else {})} for n, s in enumerate(chunk)]
                if len(entries) == 1:
                    sqs.send_message(QueueUrl=url, **{k: v for k, v in entries[0].items() if k != "Id"})
                    continue
                res = sqs.send_message_batch(QueueUrl=url, Entries=entries)
                if res.get("Failed"):
                    raise RuntimeError(f"SendMessageBatch to {queue} failed for {res['Failed']}")
            for s in sends:
                if s.raw is None:
                    self.emit("MessageSent", s.envelope.line, queue=queue, state=s.envelope.state,
                              kind=s.envelope.kind, delay=s.delay)


CHILD_PREFIX = "flowc:workflow:"
EXECUTION_ALREADY_EXISTS = "StepFunctions.ExecutionAlreadyExists"  # as the corpus spells ExecutionLimitExceeded
TIMED_OUT_ERROR = "Sandbox.Timedout"  # what Lambda reports when a function runs past its timeout


def timed_out_cause(limit: float) -> str:
    return json.dumps({"errorMessage": f"Task timed out after {limit:.2f} seconds", "errorType": TIMED_OUT_ERROR})


class _Parked:
    def __repr__(self) -> str:
        return "<parked>"


_PARKED = _Parked()


def _fail_state_error(error: Any, cause: Any) -> StatesError:
    return StatesError("" if error is None else str(error), "" if cause is None else str(cause))


def _located(err: StatesError, state: str) -> StatesError:
    """The service's "An error occurred while executing the state 'X'" prefix on a data-flow error; a chain
    keeps no execution history, so the prefix has no event id (`messages.located`)."""
    cause = messages.located(err.error, state, err.cause)
    return err if cause == err.cause else StatesError(err.error, cause)


def _is_int(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value == int(value)


def _error_args(text: Any) -> dict[str, str]:
    data = json.loads(text) if isinstance(text, str) else (text or {})
    return {"error": data.get("Error", ""), "cause": data.get("Cause", "")}


def _uuid_from(text: str) -> str:
    raw = digest(text, 32)
    return f"{raw[:8]}-{raw[8:12]}-{raw[12:16]}-{raw[16:20]}-{raw[20:32]}"
