"""The message every queue carries, and the keys that make each step idempotent.

An envelope says where one line of control of an execution stands: which execution, which nested
Map/Parallel iterations it is inside (`scope`), how many hops it has made on this line (`hop`, which keeps
loops apart), the state to enter, the retry attempt and per-retrier counts, the state's raw input and the
workflow variables visible to it. Every message has a key built from exactly those coordinates, so a
duplicate delivery (or a re-send after a crash) names the same step and is recognised in the tracking table.

    {"v": 1, "kind": "run", "workflow": "Orders", "execution": "7f3c...", "scope": [["9a1b2c3d4e5f", 2]],
     "hop": 3, "state": "Charge", "attempt": 1, "retries": [1, 0], "input": {...}, "vars": {...},
     "started": "2026-11-28T10:00:00.123Z", "trace": "Orders/7f3c...", "resume_at": 1795000000.0}

kinds: `start` (begin an execution), `run` (enter `state` with `input`), `child` (a child workflow that
this line waits for has finished), `deadline` (the execution's TimeoutSeconds has passed).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from typing import Any

VERSION = 1
KINDS = ("start", "run", "child", "deadline")


def digest(text: str, size: int = 16) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:size]


def dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


@dataclass(frozen=True)
class Frame:
    """One enclosing Map iteration or Parallel branch: the join it reports to and its index there, with the
    join's fixed numbers (how many iterations; how many run at once when some start later, else 0), so that
    reporting to the join never needs to read the whole join record back."""

    join: str
    index: int
    total: int = 0
    concurrency: int = 0


@dataclass(frozen=True)
class Line:
    """A line of control: an execution, or one iteration/branch inside it (possibly nested)."""

    workflow: str
    execution: str
    scope: tuple[Frame, ...] = ()
    hop: int = 0
    vars: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    started: str = ""  # the execution's StartTime ($$.Execution.StartTime)
    exec_input: Any = None  # only carried when the workflow reads $$.Execution.Input
    trace: str = ""
    deadline: float | None = None  # when the execution times out (no delay is scheduled past it)

    @property
    def execution_key(self) -> str:
        return f"{self.workflow}/{self.execution}"

    @property
    def scope_path(self) -> str:
        return "/".join(f"{f.join}.{f.index}" for f in self.scope)

    @property
    def key(self) -> str:
        return f"{self.execution_key}|{self.scope_path}|{self.hop}"

    def next_hop(self) -> Line:
        return replace(self, hop=self.hop + 1)

    def with_vars(self, variables: dict[str, Any]) -> Line:
        return replace(self, vars=variables)

    def child(self, join: str, index: int, total: int = 0, concurrency: int = 0) -> Line:
        """The line of iteration/branch `index` of join `join` (starts at hop 0 with a copy of the variables)."""
        return replace(self, scope=(*self.scope, Frame(join, index, total, concurrency)), hop=0, vars=dict(self.vars))

    def parent(self, hop: int, variables: dict[str, Any]) -> Line:
        return replace(self, scope=self.scope[:-1], hop=hop, vars=variables)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"workflow": self.workflow, "execution": self.execution,
                               "scope": [[f.join, f.index, f.total, f.concurrency] for f in self.scope], "hop": self.hop,
                               "vars": self.vars, "started": self.started, "trace": self.trace}
        if self.exec_input is not None:
            out["exec_input"] = self.exec_input
        if self.deadline is not None:
            out["deadline"] = self.deadline
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Line:
        return cls(workflow=data["workflow"], execution=data["execution"],
                   scope=tuple(Frame(str(f[0]), *(int(x) for x in f[1:4])) for f in data.get("scope") or ()),
                   hop=int(data.get("hop", 0)), vars=dict(data.get("vars") or {}),
                   started=data.get("started", ""), exec_input=data.get("exec_input"),
                   trace=data.get("trace", ""), deadline=data.get("deadline"))


def join_id(line: Line, state: str, attempt: int) -> str:
    """The join of a Map/Parallel state entered on `line` (a retry of the state is a new join)."""
    return digest(f"{line.key}|{state}|{attempt}|join", 12)


@dataclass
class Envelope:
    kind: str
    line: Line
    state: str = ""
    attempt: int = 0
    retries: list[int] = field(default_factory=list)
    input: Any = None
    resume_at: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # kind-specific: parent, child, name

    @property
    def key(self) -> str:
        """Idempotency key: (execution, scope, hop, state, attempt, kind)."""
        return f"{self.line.key}|{self.state}|{self.attempt}|{self.kind}"

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"v": VERSION, "kind": self.kind, **self.line.to_dict(), "state": self.state,
                               "attempt": self.attempt, "retries": self.retries, "input": self.input}
        if self.resume_at is not None:
            out["resume_at"] = self.resume_at
        out.update(self.extra)
        return out

    def to_json(self) -> str:
        return dumps(self.to_dict())

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Envelope:
        if data.get("v") != VERSION or data.get("kind") not in KINDS:
            raise ValueError(f"not a flowc envelope (v={data.get('v')!r}, kind={data.get('kind')!r})")
        known = {"v", "kind", "workflow", "execution", "scope", "hop", "vars", "started", "exec_input", "trace",
                 "deadline", "state", "attempt", "retries", "input", "resume_at"}
        return cls(kind=data["kind"], line=Line.from_dict(data), state=data.get("state", ""),
                   attempt=int(data.get("attempt", 0)), retries=list(data.get("retries") or []),
                   input=data.get("input"), resume_at=data.get("resume_at"),
                   extra={k: v for k, v in data.items() if k not in known})

    @classmethod
    def from_json(cls, text: str) -> Envelope:
        return cls.from_dict(json.loads(text))
