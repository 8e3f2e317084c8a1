"""The context object ($$) and the package's stdlib-only promise."""

from __future__ import annotations

import ast
import datetime
import sys
from pathlib import Path

from flowc.targets.runtime import evaluate
from flowc.targets.runtime.context import (
    build_context,
    enter_state,
    execution_arn,
    format_timestamp,
    with_map_item,
    with_task_token,
)

RUNTIME_DIR = Path(__file__).resolve().parents[2] / "targets" / "runtime"


def test_build_context_shape() -> None:
    ctx = build_context(state_machine="Orders", execution="run-1", execution_input={"k": "v"},
                        region="eu-west-1", account="111122223333", start_time="2025-08-27T10:04:42Z")
    assert ctx == {
        "Execution": {
            "Id": "arn:aws:states:eu-west-1:111122223333:execution:Orders:run-1",
            "Input": {"k": "v"},
            "Name": "run-1",
            "RoleArn": "arn:aws:iam::111122223333:role/StepFunctionsExecutionRole",
            "StartTime": "2025-08-27T10:04:42Z",
            "RedriveCount": 0,
        },
        "State": {},
        "StateMachine": {"Id": "arn:aws:states:eu-west-1:111122223333:stateMachine:Orders", "Name": "Orders"},
    }


def test_redrive_time_only_after_a_redrive() -> None:
    ctx = build_context(state_machine="s", execution="e", execution_input={}, redrive_count=1,
                        redrive_time="2025-01-01T00:00:00Z")
    assert ctx["Execution"]["RedriveCount"] == 1
    assert ctx["Execution"]["RedriveTime"] == "2025-01-01T00:00:00Z"


def test_express_execution_arn() -> None:
    assert execution_arn("sm", "e", express=True) == "arn:aws:states:us-east-1:123456789012:express:sm:e"


def test_state_task_and_map_layers_do_not_mutate() -> None:
    base = build_context(state_machine="sm", execution="e", execution_input={"i": 1})
    state = enter_state(base, "Process", entered_time="2025-01-01T00:00:00.001Z", retry_count=2)
    tokened = with_task_token(state, "tok")
    item = with_map_item(tokened, 3, {"id": "x"})
    assert base["State"] == {}
    assert state["State"] == {"EnteredTime": "2025-01-01T00:00:00.001Z", "Name": "Process", "RetryCount": 2}
    assert "Task" not in state and tokened["Task"] == {"Token": "tok"}
    assert item["Map"] == {"Item": {"Index": 3, "Value": {"id": "x"}, "Source": "STATE_DATA"}}
    assert evaluate("$$.Map.Item.Value.id", {}, context=item) == "x"
    assert evaluate("$$.Task.Token", {}, context=item) == "tok"
    assert evaluate("$$.Execution.Input.i", {}, context=item) == 1
    following = enter_state(item, "Next")
    assert "Task" not in following and "Map" not in following


def test_distributed_map_item_key_and_source() -> None:
    ctx = with_map_item({}, 0, 5, key="count", source="s3://bucket/items.json")
    assert ctx["Map"]["Item"] == {"Index": 0, "Key": "count", "Value": 5, "Source": "s3://bucket/items.json"}
    assert "Source" not in with_map_item({}, 0, 1, source=None)["Map"]["Item"]


def test_format_timestamp() -> None:
    utc = datetime.UTC
    assert format_timestamp(datetime.datetime(2025, 8, 27, 10, 4, 42, tzinfo=utc)) == "2025-08-27T10:04:42Z"
    assert format_timestamp(datetime.datetime(2025, 8, 27, 10, 4, 42, 1500, tzinfo=utc)) == "2025-08-27T10:04:42.001Z"
    plus_two = datetime.timezone(datetime.timedelta(hours=2))
    assert format_timestamp(datetime.datetime(2025, 8, 27, 12, 0, 0, tzinfo=plus_two)) == "2025-08-27T10:00:00Z"
    assert format_timestamp().endswith("Z")


# --------------------------------------------------------------------------- stdlib only


def _imports(path: Path) -> list[tuple[str, int]]:
    found: list[tuple[str, int]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found.extend((alias.name, 0) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            found.append((node.module or "", node.level))
    return found


def test_runtime_imports_only_the_standard_library() -> None:
    modules = sorted(RUNTIME_DIR.glob("*.py"))
    assert {m.name for m in modules} >= {"__init__.py", "jsonpath.py", "intrinsics.py", "payload.py", "choice.py",
                                         "errors.py", "context.py"}
    offenders = []
    for module in modules:
        for name, level in _imports(module):
            if level > 0:
                continue  # relative: stays inside the package when it is copied
            if name.split(".")[0] not in sys.stdlib_module_names:
                offenders.append(f"{module.name}: import {name}")
    assert offenders == []


def test_no_dynamic_imports_either() -> None:
    for module in RUNTIME_DIR.glob("*.py"):
        text = module.read_text(encoding="utf-8")
        assert "__import__" not in text and "importlib" not in text, module.name
