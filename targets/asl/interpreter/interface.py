"""What the engine and the task integrations know of each other, so neither imports the other.

`engine.Interpreter` runs states and hands each Task state (and a Distributed Map's ItemReader/ResultWriter) to
its `tasks` object, a `Tasks` (`integrations.TaskRunner`); the task runner calls back only through what it is
given: the frame, the state plan, and the interpreter as an `Engine` (passed by `Tasks.bind`). The package
(`__init__`) wires `TaskRunner` in as the engine's default `tasks`. Both sides raise or catch `RunAborted`.
Protocols only describe; nothing here runs on the hot path.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any, Protocol


class RunAborted(Exception):
    """The run cannot go on for a reason outside ASL semantics (a task with no handler or mock, ...)."""


class Engine(Protocol):
    """The interpreter as the task integrations use it (`engine.Interpreter` is one)."""

    clock: Any  # the run's `clock.VirtualClock`
    rng: Any  # the run's seeded `random.Random`
    executions: list[Any]  # every execution started, in order
    tokens: dict[str, Any]  # task token -> the execution that issued it
    early: dict[str, tuple[Any, Any, float]]  # tokens answered while their task was still being submitted

    def new_name(self) -> str: ...

    def machine(self, arn: str) -> Any: ...

    def start(self, machine: Any, data: Any, *, name: str | None = None, parent: Any = None,
              graph: Any = None, express: bool | None = None,
              context_extra: dict[str, Any] | None = None) -> Any: ...

    def wait_for(self, child: Any, timeout: float | None) -> Generator[Any, Any, Any]: ...

    def send_task_success(self, token: str, output: Any, *, delay: float = 0.0) -> None: ...

    def send_task_failure(self, token: str, error: str | None = None, cause: str | None = None, *,
                          delay: float = 0.0) -> None: ...

    def send_task_heartbeat(self, token: str) -> None: ...


class Tasks(Protocol):
    """What runs Task states for the engine (`integrations.TaskRunner` is one). The generators yield the
    scheduler's requests (`scheduler.Sleep`, `Park`) and return the raw result."""

    def bind(self, engine: Engine) -> None: ...

    def run(self, frame: Any, st: Any, params: Any, ctx: Any, timeout: float | None, heartbeat: float | None,
            token: str | None = None) -> Generator[Any, Any, Any]: ...

    def read_items(self, frame: Any, st: Any, env: Any, states: Any) -> Generator[Any, Any, Any]: ...

    def write_results(self, frame: Any, st: Any, env: Any, states: Any, results: list[Any],
                      run_arn: str) -> Generator[Any, Any, Any]: ...
