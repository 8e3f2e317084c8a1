"""Inputs and handler factories for the shipped examples, shared by the tests that run them.

The differential tests (ASL interpreter vs moto, SQS chain vs moto) and the execution tests all drive
the same examples; the events and the flaky/failing handlers live here once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.helpers import WORKFLOWS
from tests.oracles.sfn import HandlerError

MEMBER = {"action": "member_added", "organization": {"login": "acme"},
          "membership": {"user": {"login": "octocat"}}}


def run_event(repo: str, jobs: list[dict]) -> dict:
    """A completed GitHub workflow run (use case two)."""
    return {"action": "completed", "month": "2026-11", "repository": {"full_name": repo},
            "workflow_run": {"id": 9001, "conclusion": "success"}, "jobs": jobs}


def flaky(times: int, error: str, then: Callable[..., Any] | None = None) -> Callable[[], Callable[..., Any]]:
    """A handler factory: each handler fails `times` times with `error`, then returns (or calls `then`)."""
    def make() -> Callable[..., Any]:
        calls = {"n": 0}

        def handler(event: Any, context: Any = None) -> Any:
            calls["n"] += 1
            if calls["n"] <= times:
                raise HandlerError(error, f"attempt {calls['n']} failed")
            return then(event, context) if then else {"ok": True}
        return handler
    return make


def always(error: str, message: str = "no") -> Callable[[], Callable[..., Any]]:
    """A handler factory: each handler always fails with `error`."""
    def make() -> Callable[..., Any]:
        def handler(event: Any, context: Any = None) -> Any:
            raise HandlerError(error, message)
        return handler
    return make


def real_handler(module: str, function: str) -> Callable[..., Any]:
    """An example's own handler from `workflows/handlers`."""
    from flowc.targets.local import load_handler

    return load_handler(WORKFLOWS / "handlers", f"{module}.{function}")
