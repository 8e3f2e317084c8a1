"""The synthetic workflows of the compare tests, their inputs and mocks, and cached compiles and runs."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from flowc.compiler.pipeline import analyse
from flowc.compiler.result import CompileResult

FLOWS = Path(__file__).resolve().parent / "flows"

# name -> (file, workflow, input, mocks by step)
CASES: dict[str, tuple[str, str, Any, dict[str, Any] | None]] = {
    "three_tasks": ("three_tasks.flow", "ThreeTasks", {}, None),
    "inline_only": ("inline_only.flow", "InlineOnly", {"go": True}, None),
    "retried": ("retried.flow", "Retried", {}, {"Flaky": [{"error": "Busy"}, {"error": "Busy"}, {"result": {"ok": 1}}]}),
    "fan_out": ("fan_out.flow", "FanOut", {"items": [1, 2, 3, 4]}, None),
    "native": ("native.flow", "Native", {"id": "x"}, None),
    "long_wait": ("long_wait.flow", "LongWait", {}, None),
}


@functools.cache
def compiled(file: str) -> CompileResult:
    path = FLOWS / file if not Path(file).is_absolute() else Path(file)
    result = analyse([path])
    assert result.ok, result.errors
    return result


@functools.cache
def measured(name: str, target: str):
    from flowc.compiler.compare import measure

    file, workflow, data, mocks = CASES[name]
    result = compiled(file)
    if target == "asl":
        return measure.run_asl(result, workflow, data, mocks=mocks)
    return measure.run_sqs(result, workflow, data, mocks=mocks)
