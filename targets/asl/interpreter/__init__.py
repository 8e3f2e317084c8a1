"""flowc's local Step Functions interpreter: runs compiled ASL in one process, on a virtual clock.

    from flowc.targets.asl.interpreter import Interpreter, TaskRunner, run_workflow

    # a compiled flowc program (what `flowc run --target asl` does)
    result = run_workflow(compile_result, "MemberOnboarding", {"action": "member_added", ...},
                          mocks={"AddToTeam": {"result": {"name": "admins"}}})

    # any ASL definition
    interp = Interpreter(TaskRunner(mocks={"Charge": [{"error": "Busy"}, {"result": {"ok": True}}]}), seed=1)
    interp.add_machine("Flow", definition)
    run = interp.run("Flow", {"x": 1})   # flowc.targets.local.RunResult: status, output, error, cause, events, billed

See docs/run.md for the semantics implemented and where they come from.
"""

from .engine import Execution, Interpreter, Machine, RunAborted
from .integrations import FunctionSpec, TaskRunner
from .plan import DefinitionError
from .program import Prepared, build, run_workflow

# the engine's default task runner: engine.py and integrations.py meet here, not in each other
Interpreter.default_tasks = TaskRunner

__all__ = ["DefinitionError", "Execution", "FunctionSpec", "Interpreter", "Machine", "Prepared", "RunAborted",
           "TaskRunner", "build", "run_workflow"]
