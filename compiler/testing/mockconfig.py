"""Step Functions Local mock configuration files (`MockConfigFile.json`) as flowc test cases.

The format is AWS's, as documented in "Configuration File for Mocked Service Integrations" (Step Functions
developer guide, sfn-local-mock-cfg-file): top-level `StateMachines` (machine name -> `TestCases`: case
name -> {Task state name: mocked response name}) and `MockedResponses` (name -> {invocation: response}).
An invocation key is a zero-based integer string ("0") or an inclusive range ("1-2"); each response holds
exactly one of `Return` (the task's result) or `Throw` (an object with string `Error` and `Cause`).

"When you mock a Task, you must specify a mocked response for every invocation ... If you do not specify a
mocked response, the state machine execution will fail": an invocation with no response fails the task
with `States.Runtime` (which Retry and Catch on States.ALL do not handle), naming the state, the response
and the invocation.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_INVOCATION = re.compile(r"(0|[1-9]\d*)(?:-(0|[1-9]\d*))?")
NO_RESPONSE = "States.Runtime"


class MockConfigError(ValueError):
    """The file does not follow AWS's documented format; the message says where."""


@dataclass
class MockConfig:
    path: Path
    machines: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)  # machine -> case -> state -> resp
    responses: dict[str, dict[int, dict[str, Any]]] = field(default_factory=dict)  # name -> invocation -> entry

    def cases(self, machine: str) -> dict[str, dict[str, str]]:
        return self.machines.get(machine, {})

    def mocks(self, machine: str, case: str) -> dict[str, list[dict[str, Any]]]:
        """flowc mock specs (`flowc.targets.local.Mock`) for one test case, by Task state name."""
        out = {}
        for state, response in self.cases(machine)[case].items():
            table = self.responses[response]
            last = max(table)
            steps = []
            for i in range(last + 2):  # one past the last: every later invocation has no response either
                entry = table.get(i)
                steps.append(entry if entry is not None else {
                    "error": NO_RESPONSE,
                    "cause": f"MockConfigFile: mocked response '{response}' has no response for invocation {i} "
                             f"of state '{state}' (test case '{case}')"})
            out[state] = steps
        return out


def load(path: Path) -> MockConfig:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise MockConfigError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError, ValueError) as err:
        raise MockConfigError(f"{path}: not a JSON file: {err}") from None
    where = str(path)
    _object(data, where)
    unknown = set(data) - {"StateMachines", "MockedResponses"}
    if unknown:
        raise MockConfigError(f"{where}: unknown top-level fields {sorted(unknown)} (expected StateMachines, "
                              "MockedResponses)")
    config = MockConfig(path)
    for name, raw in _object(data.get("MockedResponses", {}), f"{where}: MockedResponses").items():
        config.responses[name] = _response(raw, f"{where}: MockedResponses.{name}")
    for machine, raw in _object(data.get("StateMachines", {}), f"{where}: StateMachines").items():
        at = f"{where}: StateMachines.{machine}"
        body = _object(raw, at)
        if set(body) != {"TestCases"}:
            raise MockConfigError(f"{at}: a state machine holds a single field, TestCases")
        cases = {}
        for case, links in _object(body["TestCases"], f"{at}.TestCases").items():
            cat = f"{at}.TestCases.{case}"
            for state, response in _object(links, cat).items():
                if not isinstance(response, str):
                    raise MockConfigError(f"{cat}.{state}: name a mocked response (a string)")
                if response not in config.responses:
                    raise MockConfigError(f"{cat}.{state}: no mocked response named {response!r} in MockedResponses")
            cases[case] = dict(links)
        config.machines[machine] = cases
    return config


def _object(value: Any, where: str) -> dict:
    if not isinstance(value, dict):
        raise MockConfigError(f"{where}: expected a JSON object")
    return value


def _response(raw: Any, where: str) -> dict[int, dict[str, Any]]:
    table: dict[int, dict[str, Any]] = {}
    for key, value in _object(raw, where).items():
        m = _INVOCATION.fullmatch(key)
        if m is None:
            raise MockConfigError(f"{where}: invocation {key!r} is not an integer (\"0\") or an inclusive range "
                                  "(\"1-2\")")
        first, last = int(m.group(1)), int(m.group(2) or m.group(1))
        if last < first:
            raise MockConfigError(f"{where}: range {key!r} ends before it starts")
        entry = _entry(value, f"{where}.{key}")
        for i in range(first, last + 1):
            if i in table:
                raise MockConfigError(f"{where}: invocation {i} is given twice")
            table[i] = entry
    if not table:
        raise MockConfigError(f"{where}: a mocked response needs at least one invocation")
    return table


def _entry(value: Any, where: str) -> dict[str, Any]:
    body = _object(value, where)
    if len(body) != 1 or next(iter(body)) not in ("Return", "Throw"):
        raise MockConfigError(f"{where}: a response holds exactly one field, Return or Throw")
    if "Return" in body:
        return {"result": body["Return"]}
    throw = _object(body["Throw"], f"{where}.Throw")
    if set(throw) != {"Error", "Cause"} or not all(isinstance(v, str) for v in throw.values()):
        raise MockConfigError(f"{where}.Throw: needs string fields Error and Cause (and nothing else)")
    return {"error": throw["Error"], "cause": throw["Cause"]}


# -- as flowc test cases ------------------------------------------------------------------------------------
def specs(config: MockConfig, paths: list[Path], data: Any, targets: tuple[str, ...]) -> list[Any]:
    """One `testspec.Spec` per state machine of the file, one case per test case: a case passes when the
    execution succeeds (the mock file itself states no expectations)."""
    from flowc.compiler.testing.spec import Case, Spec, SpecError

    found = _definitions(paths)
    out = []
    for machine, cases in config.machines.items():
        match = found.get(machine) or found.get(machine.lower())
        if match is None and len(config.machines) == 1 and len({v for v in found.values()}) == 1:
            match = next(iter(found.values()))
        if match is None:
            known = sorted({w or p.name for p, w in found.values()})
            raise SpecError(f"{config.path}: no definition for state machine {machine!r} among the files given "
                            f"({', '.join(known) or 'none'}); name the file {machine}.asl.json or the workflow "
                            f"{machine}")
        path, workflow = match
        tasks = _task_states(path, workflow)
        for case, links in cases.items():
            unknown = sorted(set(links) - tasks)
            if unknown:
                raise SpecError(f"{config.path}: test case {machine}#{case} mocks {', '.join(map(repr, unknown))}, "
                                f"which {'is not a Task state' if len(unknown) == 1 else 'are not Task states'} of "
                                f"{path.name} (Task states: {', '.join(sorted(tasks)) or 'none'})")
        out.append(Spec(config.path, path, workflow, [
            Case(f"{machine}#{case}", data, config.mocks(machine, case), {"status": "SUCCEEDED"}, targets)
            for case in cases]))
    return out


def _task_states(path: Path, workflow: str | None) -> set[str]:
    """Names of the Task states of a definition (nested ones included): what a test case can mock."""
    from flowc.compiler.testing import raw_asl as raw

    if raw.is_asl(path):
        definition = raw.load(path).definition
    else:
        from flowc.compiler.testing.spec import compiled

        definition = compiled(path).asl[workflow].definition
    out: set[str] = set()
    stack = [definition]
    while stack:
        graph = stack.pop()
        states = graph.get("States") if isinstance(graph, dict) else None
        for name, state in (states or {}).items():
            if not isinstance(state, dict):
                continue
            if state.get("Type") == "Task":
                out.add(name)
            stack.extend(b for b in state.get("Branches") or [] if isinstance(b, dict))
            processor = state.get("ItemProcessor") or state.get("Iterator")
            if isinstance(processor, dict):
                stack.append(processor)
    return out


def _definitions(paths: list[Path]) -> dict[str, tuple[Path, str | None]]:
    """Definition files by state machine name (and lower-cased name): ASL files, and `.flow` workflows."""
    from flowc.compiler.testing import raw_asl as raw

    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            files.extend(sorted(x for x in p.rglob("*") if x.is_file() and (
                raw.is_asl(x) or x.name.endswith((".flow", ".flow.yaml")))))
        else:
            files.append(p)
    out: dict[str, tuple[Path, str | None]] = {}
    for f in files:
        names: list[tuple[str, str | None]] = []
        if raw.is_asl(f):
            try:
                names = [(raw.load(f).name, None)]
            except raw.RawAslError:
                continue
            names.append((f.name.split(".")[0], None))
        elif f.name.endswith((".flow", ".flow.yaml")):
            from flowc.dsl.loader import load_program

            modules, _ = load_program([f])
            names = [(wf.name, wf.name) for m in modules for wf in m.workflows]
        for name, workflow in names:
            for key in (name, name.lower()):
                out.setdefault(key, (f, workflow))
    return out
