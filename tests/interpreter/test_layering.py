"""The interpreter's engine and its task integrations know each other only through `interface` (the engine
hands Task states to an `interface.Tasks`, the task runner calls back into an `interface.Engine`); the package
wires the default task runner in."""

from __future__ import annotations

import ast
from pathlib import Path

from flowc.targets.asl.interpreter import Interpreter, TaskRunner, engine, integrations

HERE = Path(engine.__file__).parent


def _imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at any depth (a lazy import inside a function counts)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            base = "." * node.level + (node.module or "")
            found.add(base)
            if node.module is None:
                found.update("." * node.level + alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_engine_and_integrations_do_not_import_each_other() -> None:
    engine_imports = _imported_modules(HERE / "engine.py")
    integration_imports = _imported_modules(HERE / "integrations.py")
    assert not {m for m in engine_imports if m.endswith("integrations") or m.endswith("services")}
    assert not {m for m in integration_imports if m.endswith("engine")}
    assert ".interface" in engine_imports and ".interface" in integration_imports


def test_an_interpreter_without_tasks_gets_the_default_task_runner_bound_to_it() -> None:
    interp = Interpreter()
    assert type(interp.tasks) is TaskRunner and interp.tasks.interp is interp
    runner = integrations.TaskRunner()
    assert Interpreter(runner).tasks is runner and runner.interp is not interp
    # the default runs child executions as before: startExecution.sync:2 of a machine of this interpreter
    child = interp.add_machine("Child", {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}})
    interp.add_machine("Parent", {"StartAt": "Start", "States": {"Start": {
        "Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync:2",
        "Parameters": {"StateMachineArn": child.arn, "Input": {"x": 1}}, "OutputPath": "$.Output", "End": True}}})
    run = interp.run("Parent", {})
    assert run.status == "SUCCEEDED" and run.output == {"x": 1}
