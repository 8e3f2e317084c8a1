"""Run an existing ASL definition (`.asl.json` / `.asl.yaml`) without writing any `.flow`: `flowc run` and
`flowc test` on raw ASL.

On the ASL interpreter the definition runs as written; Task states are answered by mocks keyed by state
name (or `Workflow.State`), like for a compiled workflow; `${Placeholder}` strings stay as written unless a
mock answers the task. On the SQS chain the definition goes through `flowc import` first (the round trip
proves the imported workflow is the same machine) and runs where the chain's constructs allow: what it
cannot reproduce is the SQS target's own compile error (FLOW701-707).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flowc.dsl.diagnostics import Diagnostic

ASL_SUFFIXES = (".asl.json", ".asl.yaml", ".asl.yml")


class RawAslError(ValueError):
    """The file is not a definition that can run; carries diagnostics in the usual format."""

    def __init__(self, diagnostics: list[Diagnostic]):
        super().__init__("; ".join(d.message for d in diagnostics))
        self.diagnostics = diagnostics


@dataclass
class RawMachine:
    path: Path
    name: str
    definition: dict
    workflow_type: str = "STANDARD"
    compiled: Any = None  # the imported program, made once (`imported`)


def is_asl(path: Path) -> bool:
    """`*.asl.json|yaml`, or any JSON/YAML file holding StartAt and States."""
    name = path.name.lower()
    if name.endswith(ASL_SUFFIXES):
        return True
    if name.endswith((".flow", ".flow.yaml", ".flow.yml")) or not name.endswith((".json", ".yaml", ".yml")):
        return False
    from flowc.compiler.lint.discovery import looks_like_asl

    return looks_like_asl(path)


def load(path: Path) -> RawMachine:
    from flowc.compiler.importer.sources import SourceError, read_file

    try:
        found = read_file(path)
    except SourceError as err:
        raise RawAslError([err.diagnostic]) from None
    if len(found) != 1:
        raise RawAslError([Diagnostic("FLOW802", f"{path} holds {len(found)} state machines; run one ASL file",
                                      _span(path))])
    item = found[0]
    return RawMachine(path, item.name, item.definition, (item.workflow_type or "STANDARD").upper())


def _span(path: Path):
    from flowc.dsl.diagnostics import Span

    return Span(str(path), 1, 1, 1, 1)


def run_asl(machine: RawMachine, data: Any, *, mocks: dict[str, Any] | None = None, seed: int = 0,
            progress: Any = None) -> Any:
    """One execution on the ASL interpreter (a `flowc.targets.local.RunResult`)."""
    from flowc.targets.asl.interpreter import Interpreter, TaskRunner
    from flowc.targets.local import Mock

    tasks = TaskRunner(mocks={k: v if isinstance(v, Mock) else Mock(v) for k, v in (mocks or {}).items()})
    interp = Interpreter(tasks, seed=seed)
    interp.progress = progress
    interp.add_machine(machine.name, machine.definition, type=machine.workflow_type)
    return interp.run(machine.name, data)


def imported(machine: RawMachine) -> Any:
    """The definition as a compiled `.flow` program (CompileResult), for the targets that need one."""
    from flowc.compiler.importer import import_definition
    from flowc.compiler.pipeline import analyse

    result = import_definition(machine.definition, name=machine.name, file=str(machine.path),
                               workflow_type=machine.workflow_type)
    problems = [d for d in result.diagnostics if d.severity.value == "error"]
    if not result.ok:
        problems += [d for d in result.roundtrip.diagnostics if d.severity.value == "error"] if result.roundtrip \
            else []
        if not problems:
            problems = [Diagnostic("FLOW803", "the definition does not import as the same machine: "
                                   + "; ".join(result.roundtrip.differences[:3]), _span(machine.path))]
        raise RawAslError(problems)
    with tempfile.TemporaryDirectory(prefix="flowc-asl-") as tmp:
        flow = Path(tmp) / f"{machine.name}.flow"
        flow.write_text(result.flow, encoding="utf-8")
        compiled = analyse([flow])
    if not compiled.ok:
        raise RawAslError(compiled.errors)
    return compiled


def run_sqs(machine: RawMachine, data: Any, *, mocks: dict[str, Any] | None = None, seed: int = 0) -> Any:
    """One execution on the SQS-chain simulator, through the imported workflow."""
    from flowc.targets.local import Mock
    from flowc.targets.sqs.simulator import simulate

    if machine.compiled is None:
        machine.compiled = imported(machine)
    compiled = machine.compiled
    return simulate(compiled, machine.name, data, mocks={k: v if isinstance(v, Mock) else Mock(v)
                                                         for k, v in (mocks or {}).items()}, seed=seed)


def unsupported(machine: RawMachine, target: str) -> str | None:
    """Why `target` cannot run this definition (None: it can). The interpreter runs any ASL; the SQS chain
    only what `flowc import` and the SQS target's constructs allow."""
    if target == "asl":
        return None
    try:
        if machine.compiled is None:
            machine.compiled = imported(machine)
        from flowc.targets.sqs.simulator import deployment

        deployment(machine.compiled)
    except RawAslError as err:
        return "not importable as .flow: " + "; ".join(d.message for d in err.diagnostics)[:300]
    except ValueError as err:
        return str(err)[:300]
    return None


def run(machine: RawMachine, data: Any, target: str, *, mocks: dict[str, Any] | None = None, seed: int = 0,
        progress: Any = None) -> Any:
    if target == "asl":
        return run_asl(machine, data, mocks=mocks, seed=seed, progress=progress)
    return run_sqs(machine, data, mocks=mocks, seed=seed)
