"""A definition, read once into plain objects the engine walks: compiled fields, resolved transitions.

The engine never looks at the ASL dicts again: every path is parsed, every template compiled, every `Next`
checked here. A definition that is not valid ASL fails here with `DefinitionError` (what CreateStateMachine
would refuse), never halfway through a run.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flowc.targets.runtime.errors import StatesError

from . import expressions as ex

JSONPATH, JSONATA = "JSONPath", "JSONata"
STATE_TYPES = frozenset({"Task", "Pass", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map"})


class DefinitionError(ValueError):
    """The definition is not something Step Functions would accept (or this interpreter can run)."""


class CatchPlan:
    __slots__ = ("assign", "error_equals", "next", "output", "result_path", "result_path_text")

    def __init__(self, raw: dict[str, Any], ql: str):
        self.error_equals = list(raw.get("ErrorEquals", ()))
        self.next = raw.get("Next")
        self.result_path_text = raw.get("ResultPath", "$") if ql == JSONPATH else "$"
        self.result_path = ex.reference_path(self.result_path_text) if self.result_path_text not in (None, "$") \
            else None
        self.assign = _assign(raw.get("Assign"), ql)
        self.output = ex.jsonata_template(raw["Output"], "Output") if ql == JSONATA and "Output" in raw else None


class GraphPlan:
    __slots__ = ("raw", "start_at", "states")

    def __init__(self, raw: dict[str, Any], ql: str, names: set[str]):
        if not isinstance(raw, dict) or "StartAt" not in raw or not isinstance(raw.get("States"), dict):
            raise DefinitionError("a state machine (or branch, or ItemProcessor) needs StartAt and States")
        self.raw = raw
        ql = raw.get("QueryLanguage", ql)
        self.states: dict[str, StatePlan] = {}
        for name, state in raw["States"].items():
            if name in names:
                raise DefinitionError(f"state name '{name}' is used more than once in the state machine")
            names.add(name)
            self.states[name] = StatePlan(name, state, ql, names)
        if raw["StartAt"] not in self.states:
            raise DefinitionError(f"StartAt '{raw['StartAt']}' names no state of this graph")
        self.start_at = self.states[raw["StartAt"]]
        for plan in self.states.values():
            plan.link(self.states)
            plan.siblings = self.states


def _assign(raw: Any, ql: str) -> Callable[..., Any] | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise DefinitionError("Assign must be an object")
    return ex.jsonata_template(raw, "Assign") if ql == JSONATA else ex.template(raw)


def _path_or_identity(raw: dict[str, Any], key: str) -> tuple[str, Any]:
    """('identity'|'empty'|'path', compiled) for InputPath/OutputPath."""
    if key not in raw or raw[key] == "$":
        return "identity", None
    if raw[key] is None:
        return "empty", None
    return "path", ex.dynamic(raw[key], key)


class StatePlan:
    __slots__ = (
        "arguments", "assign", "branches", "catchers", "cause", "cause_path", "choices", "default",
        "end", "entered_event", "error", "error_path", "event_type", "exited_event", "heartbeat", "input_mode",
        "input_path", "item_batcher",
        "item_reader", "item_selector", "items", "items_path", "map_mode", "map_or_parallel", "max_concurrency",
        "name",
        "needs_context", "next", "next_name", "output", "output_mode", "output_path", "parameters",
        "processor", "processor_type", "ql", "raw", "resource", "result", "result_path", "result_path_text",
        "result_selector", "result_writer", "retried", "retriers", "seconds", "siblings", "task_token", "timeout",
        "timestamp",
        "tolerated_count", "tolerated_percentage", "type",
    )

    def __init__(self, name: str, raw: dict[str, Any], ql: str, names: set[str]):
        if not isinstance(raw, dict):
            raise DefinitionError(f"state '{name}' must be an object")
        self.name = name
        self.raw = raw
        self.type = raw.get("Type")
        if self.type not in STATE_TYPES:
            raise DefinitionError(f"state '{name}' has unknown Type {self.type!r}")
        self.event_type = self.type
        # what the engine asks of every state it enters, answered once here
        self.map_or_parallel = self.type in ("Map", "Parallel")
        self.retried = self.map_or_parallel or self.type == "Task"  # the kinds with Retry/Catch
        self.entered_event = self.type + "StateEntered"  # history event types, made once (not per event)
        self.exited_event = self.type + "StateExited"
        self.ql = raw.get("QueryLanguage", ql)
        if self.ql not in (JSONPATH, JSONATA):
            raise DefinitionError(f"state '{name}': unknown QueryLanguage {self.ql!r}")
        self.next_name = raw.get("Next")
        self.end = bool(raw.get("End", False))
        if self.type in ("Choice", "Succeed", "Fail"):
            self.end = self.type != "Choice"
        elif not self.end and self.next_name is None:
            raise DefinitionError(f"state '{name}' has neither Next nor End")
        self.next: StatePlan | None = None
        self.needs_context = ex.mentions_context(raw)
        try:
            self._compile(names)
        except StatesError as err:
            raise DefinitionError(f"state '{name}': {err.cause}") from None

    # -- fields -------------------------------------------------------------------------------------------
    def _compile(self, names: set[str]) -> None:
        raw, ql = self.raw, self.ql
        jp = ql == JSONPATH
        self.input_mode, self.input_path = _path_or_identity(raw, "InputPath") if jp else ("identity", None)
        self.output_mode, self.output_path = _path_or_identity(raw, "OutputPath") if jp else ("identity", None)
        self.parameters = None
        self.arguments = None
        self.output = None
        if jp:
            key = "Parameters"
            if key in raw and self.type != "Map":
                self.parameters = ex.template(raw[key])
        else:
            if "Arguments" in raw:
                self.arguments = ex.jsonata_template(raw["Arguments"], "Arguments")
            if "Output" in raw:
                self.output = ex.jsonata_template(raw["Output"], "Output")
        self.result_selector = ex.template(raw["ResultSelector"]) if jp and "ResultSelector" in raw else None
        self.result_path_text = raw.get("ResultPath", "$") if jp else "$"
        self.result_path = ex.reference_path(self.result_path_text) \
            if self.result_path_text not in (None, "$") else None
        self.assign = _assign(raw.get("Assign"), ql)
        self.retriers = list(raw.get("Retry", ()))
        self.catchers = [CatchPlan(c, ql) for c in raw.get("Catch", ())]
        self.result = raw.get("Result")
        self.resource = raw.get("Resource")
        self.task_token = isinstance(self.resource, str) and self.resource.endswith(".waitForTaskToken")
        self.timeout = self._number_field("TimeoutSeconds")
        self.heartbeat = self._number_field("HeartbeatSeconds")
        self.seconds = self._number_field("Seconds")
        self.timestamp = self._text_field("Timestamp")
        self.error = self._text_field("Error")
        self.cause = self._text_field("Cause")
        self.error_path = ex.dynamic(raw["ErrorPath"], "ErrorPath") if "ErrorPath" in raw else None
        self.cause_path = ex.dynamic(raw["CausePath"], "CausePath") if "CausePath" in raw else None
        self.choices = []
        self.default = None
        self.branches = []
        self.processor = None
        if self.type == "Choice":
            for rule in raw.get("Choices", ()):
                rule_assign = _assign(rule.get("Assign"), ql)
                rule_output = ex.jsonata_template(rule["Output"], "Output") if not jp and "Output" in rule else None
                cond = ex.jsonata_expression(rule["Condition"], "Condition") \
                    if not jp and ex.is_jsonata(rule.get("Condition")) else None
                self.choices.append((rule, rule_assign, rule_output, cond))
            self.default = raw.get("Default")
        elif self.type == "Parallel":
            self.branches = [GraphPlan(b, ql, names) for b in raw.get("Branches", ())]
            if not self.branches:
                raise DefinitionError(f"Parallel state '{self.name}' needs Branches")
        elif self.type == "Map":
            self._compile_map(names)

    def _compile_map(self, names: set[str]) -> None:
        raw, jp = self.raw, self.ql == JSONPATH
        processor = raw.get("ItemProcessor") or raw.get("Iterator")
        if processor is None:
            raise DefinitionError(f"Map state '{self.name}' needs an ItemProcessor")
        config = processor.get("ProcessorConfig") or {}
        self.map_mode = config.get("Mode", "INLINE")
        self.processor_type = config.get("ExecutionType", "STANDARD")
        self.processor = GraphPlan(processor, self.ql, names)
        self.items_path = ex.dynamic(raw["ItemsPath"]) if jp and "ItemsPath" in raw else None
        self.items = ex.jsonata_template(raw["Items"], "Items") if "Items" in raw and not jp else None
        if jp and "Items" in raw:
            compiled_items = ex.template(raw["Items"])
            self.items = lambda env, states: compiled_items(env)
        selector = raw.get("ItemSelector", raw.get("Parameters"))
        if selector is None:
            self.item_selector = None
        elif jp:
            compiled = ex.template(selector)
            self.item_selector = lambda env, states, c=compiled: c(env)
        else:
            self.item_selector = ex.jsonata_template(selector, "ItemSelector")
        self.max_concurrency = self._number_field("MaxConcurrency")
        self.tolerated_percentage = self._number_field("ToleratedFailurePercentage")
        self.tolerated_count = self._number_field("ToleratedFailureCount")
        self.item_reader = raw.get("ItemReader")
        self.item_batcher = raw.get("ItemBatcher")
        self.result_writer = raw.get("ResultWriter")

    def _number_field(self, key: str) -> Any:
        """A number, a `...Path` reference path, or a JSONata expression: ('const'|'path'|'jsonata', value)."""
        raw = self.raw
        if key in raw:
            value = raw[key]
            if ex.is_jsonata(value):
                return ("jsonata", ex.jsonata_expression(value, key))
            return ("const", value)
        if key + "Path" in raw:
            return ("path", ex.path_reader(raw[key + "Path"], key + "Path"))
        return None

    def _text_field(self, key: str) -> Any:
        raw = self.raw
        if key in raw:
            value = raw[key]
            if ex.is_jsonata(value):
                return ("jsonata", ex.jsonata_expression(value, key))
            return ("const", value)
        if key + "Path" in raw and key in ("Timestamp",):
            return ("path", ex.path_reader(raw[key + "Path"], key + "Path"))
        return None

    def link(self, states: dict[str, StatePlan]) -> None:
        if self.next_name is not None and not self.end:
            target = states.get(self.next_name)
            if target is None:
                raise DefinitionError(f"state '{self.name}': Next names unknown state '{self.next_name}'")
            self.next = target
        for catcher in self.catchers:
            if catcher.next not in states:
                raise DefinitionError(f"state '{self.name}': Catch Next names unknown state '{catcher.next}'")
        for rule, *_ in self.choices:
            if rule.get("Next") not in states:
                raise DefinitionError(f"state '{self.name}': Choice rule Next names unknown state "
                                      f"'{rule.get('Next')}'")
        if self.default is not None and self.default not in states:
            raise DefinitionError(f"state '{self.name}': Default names unknown state '{self.default}'")


class MachinePlan:
    """A whole definition: the top graph plus what billing needs."""

    __slots__ = ("definition_bytes", "graph", "map_parallel_states", "raw", "timeout")

    def __init__(self, definition: dict[str, Any]):
        if not isinstance(definition, dict):
            raise DefinitionError("the definition must be a JSON object")
        self.raw = definition
        ql = definition.get("QueryLanguage", JSONPATH)
        self.graph = GraphPlan(definition, ql, set())
        self.timeout = definition.get("TimeoutSeconds")
        self.definition_bytes = ex.size(definition)
        self.map_parallel_states = sum(1 for s in walk(self.graph) if s.type in ("Map", "Parallel"))


def walk(graph: GraphPlan):
    for state in graph.states.values():
        yield state
        for branch in state.branches:
            yield from walk(branch)
        if state.processor is not None:
            yield from walk(state.processor)
