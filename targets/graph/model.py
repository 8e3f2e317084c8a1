"""The graph of a state machine, read off its ASL definition: what every renderer draws.

Reading the emitted ASL (rather than the AST) means the picture is of what deploys: state names are the ASL
names (unique in a state machine, nested ones included), Choice arcs carry their rules, Catch arcs their errors.
Nodes come in definition order, which is source order; a Map's body and each Parallel branch are the children of
their state (`parent`, and `branch` for Parallel).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flowc.targets.graph.conditions import describe


@dataclass(frozen=True)
class Node:
    id: str  # the state name
    label: str
    kind: str  # task | choice | pass | wait | succeed | fail | map | parallel
    detail: str = ""  # what a task calls, a wait's duration
    parent: str | None = None  # the Map or Parallel state whose body holds it
    branch: int | None = None  # the Parallel branch (0-based) it belongs to
    depth: int = 0


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    kind: str  # next | choice | default | catch | start (a Map or Parallel state to the first state of its body)
    label: str = ""


@dataclass
class Graph:
    nodes: list[Node]
    edges: list[Edge]


def _task_detail(state: dict[str, Any]) -> str:
    resource = str(state.get("Resource", ""))
    params = state.get("Parameters") or state.get("Arguments") or {}
    if resource.startswith("arn:aws:states:::"):
        what = resource.removeprefix("arn:aws:states:::").replace("aws-sdk:", "")
    elif ":lambda:" in resource or resource.startswith("${"):
        what = "lambda " + resource.removeprefix("${").removesuffix("}")
    else:
        what = resource.rsplit(":", 1)[-1]
    target = ""
    if isinstance(params, dict):
        for key in ("FunctionName", "TableName", "TopicArn", "QueueUrl", "StateMachineArn", "EventBusName"):
            value = params.get(key) or params.get(f"{key}.$")
            if isinstance(value, str):
                target = value.removeprefix("${").removesuffix("}")
                break
    return f"{what} {target}".strip()


def _detail(state: dict[str, Any]) -> str:
    kind = state.get("Type")
    if kind == "Task":
        return _task_detail(state)
    if kind == "Wait":
        for key in ("Seconds", "SecondsPath", "Timestamp", "TimestampPath"):
            if key in state:
                value = state[key]
                return f"{value} s" if key == "Seconds" else f"until {value}" if "Timestamp" in key else str(value)
    if kind == "Fail" and state.get("Error"):
        return str(state["Error"])
    if kind == "Map":
        items = state.get("ItemsPath") or state.get("Items") or ""
        mode = ((state.get("ItemProcessor") or {}).get("ProcessorConfig") or {}).get("Mode", "")
        return " ".join(p for p in ("distributed" if mode == "DISTRIBUTED" else "", str(items)) if p)
    return ""


def from_asl(definition: dict[str, Any]) -> Graph:
    nodes: list[Node] = []
    edges: list[Edge] = []

    def walk(states: dict[str, Any], parent: str | None, branch: int | None, depth: int) -> None:
        for name, state in (states or {}).items():
            if not isinstance(state, dict):
                continue
            kind = str(state.get("Type", "?")).lower()
            nodes.append(Node(name, name, kind, _detail(state), parent, branch, depth))
            for rule in state.get("Choices") or []:
                if isinstance(rule, dict) and rule.get("Next"):
                    edges.append(Edge(name, rule["Next"], "choice", describe(rule)))
            if state.get("Default"):
                edges.append(Edge(name, state["Default"], "default", "otherwise"))
            if state.get("Next"):
                edges.append(Edge(name, state["Next"], "next"))
            for catch in state.get("Catch") or []:
                if isinstance(catch, dict) and catch.get("Next"):
                    edges.append(Edge(name, catch["Next"], "catch", ", ".join(catch.get("ErrorEquals") or [])))
            body = state.get("ItemProcessor") or state.get("Iterator")
            if isinstance(body, dict):
                if body.get("StartAt"):
                    edges.append(Edge(name, body["StartAt"], "start"))
                walk(body.get("States") or {}, name, None, depth + 1)
            for index, sub in enumerate(state.get("Branches") or []):
                if isinstance(sub, dict):
                    if sub.get("StartAt"):
                        edges.append(Edge(name, sub["StartAt"], "start", f"branch {index + 1}"))
                    walk(sub.get("States") or {}, name, index, depth + 1)

    walk(definition.get("States") or {}, None, None, 0)
    return Graph(nodes, edges)
