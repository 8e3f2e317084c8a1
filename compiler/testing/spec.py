"""Workflow test cases (`<name>.tests.yaml`) and their runner: what `flowc test` executes.

A file holds cases for the workflows of one `.flow` file; each case runs on the ASL interpreter and on the
SQS-chain simulator (or the targets it names) and checks what it expects:

    file: member_onboarding.flow        # default: <name>.flow beside this file
    workflow: MemberOnboarding          # default: the file's only workflow
    targets: [asl, sqs]                 # default: both
    cases:
      - name: happy path
        input: {action: member_added}   # or input_file: sample.json (relative to this file)
        mocks:                          # per step; see flowc.targets.local.Mock
          AddToTeam: {result: {name: admins}}
          FetchEmployee: [{error: Lambda.TooManyRequestsException}, {result: {id: E-1}}]
        expect:
          status: SUCCEEDED             # SUCCEEDED | FAILED | TIMED_OUT | RUNNING
          output: {...}                 # exact (JSON equality)
          output_contains: {...}        # every key/value given is in the output (recursively)
          error: OnboardingFailed
          cause: "..."                  # exact; or cause_contains: "substring"
          states: [A, B, C]             # exact sequence of states entered
          states_include: [A, C]        # a subsequence of the states entered
          states_exclude: [X]           # never entered
          billed: {lambda_invocations: 2, asl: {state_transitions: 6}, sqs: {sqs_sends: 4}}
        targets: [asl]                  # this case only on these targets
        seed: 0

`billed`: plain keys are checked on every target; keys under `asl:`/`sqs:` only on that target.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TARGETS = ("asl", "sqs")
EXPECT_KEYS = {"status", "output", "output_contains", "error", "cause", "cause_contains", "states",
               "states_include", "states_exclude", "billed"}
CASE_KEYS = {"name", "input", "input_file", "mocks", "expect", "targets", "seed", "description"}


class SpecError(ValueError):
    """A tests file that is not well formed."""


@dataclass
class Case:
    name: str
    input: Any
    mocks: dict[str, Any]
    expect: dict[str, Any]
    targets: tuple[str, ...]
    seed: int = 0


@dataclass
class Spec:
    path: Path
    flow: Path
    workflow: str | None
    cases: list[Case]


@dataclass
class Outcome:
    spec: Spec
    case: Case
    target: str
    passed: bool
    failures: list[str] = field(default_factory=list)
    skipped: str | None = None
    seconds: float = 0.0
    result: Any = None

    @property
    def id(self) -> str:
        return f"{self.spec.path.name}::{self.case.name}[{self.target}]"


def sqs_available() -> bool:
    import importlib.util

    try:
        return importlib.util.find_spec("flowc.targets.sqs.simulator") is not None
    except ModuleNotFoundError:
        return False


# -- loading -----------------------------------------------------------------------------------------------
def load(path: Path) -> Spec:
    from ruamel.yaml import YAML

    try:
        data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    except Exception as err:  # ruamel raises several types
        raise SpecError(f"{path}: not valid YAML: {err}") from None
    if not isinstance(data, dict) or not isinstance(data.get("cases"), list):
        raise SpecError(f"{path}: needs a 'cases' list")
    unknown = set(data) - {"file", "workflow", "targets", "cases", "description"}
    if unknown:
        raise SpecError(f"{path}: unknown keys {sorted(unknown)}")
    stem = path.name.removesuffix(".tests.yaml").removesuffix(".tests.yml")
    flow = path.parent / str(data.get("file") or f"{stem}.flow")
    if not data.get("file") and not flow.exists():  # cases for an existing ASL definition (compiler/testing/raw_asl.py)
        flow = next((p for s in (".asl.json", ".asl.yaml") if (p := path.parent / f"{stem}{s}").exists()), flow)
    if not flow.exists():
        raise SpecError(f"{path}: workflow file {flow} not found")
    default_targets = _targets(data.get("targets", list(TARGETS)), path)
    cases = []
    for index, raw in enumerate(data["cases"]):
        if not isinstance(raw, dict):
            raise SpecError(f"{path}: case #{index + 1} must be a mapping")
        unknown = set(raw) - CASE_KEYS
        if unknown:
            raise SpecError(f"{path}: case #{index + 1}: unknown keys {sorted(unknown)}")
        name = str(raw.get("name") or f"case {index + 1}")
        expect = raw.get("expect") or {}
        bad = set(expect) - EXPECT_KEYS
        if bad:
            raise SpecError(f"{path}: case '{name}': unknown expectations {sorted(bad)}")
        if "input_file" in raw:
            data_input = json.loads((path.parent / str(raw["input_file"])).read_text(encoding="utf-8"))
        else:
            data_input = raw.get("input", {})
        mocks = raw.get("mocks") or {}
        from flowc.targets.local import Mock

        for step, mock in mocks.items():
            try:
                Mock(mock)
            except ValueError as err:
                raise SpecError(f"{path}: case '{name}': mock for '{step}': {err}") from None
        cases.append(Case(name, data_input, dict(mocks), dict(expect),
                          _targets(raw.get("targets", default_targets), path), int(raw.get("seed", 0))))
    return Spec(path, flow, data.get("workflow"), cases)


def _targets(value: Any, path: Path) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else list(value or [])
    for item in items:
        if item not in TARGETS:
            raise SpecError(f"{path}: unknown target {item!r} (use {', '.join(TARGETS)})")
    return tuple(items)


def discover(paths: list[Path]) -> list[Path]:
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out.extend(sorted(p for p in path.rglob("*.tests.yaml") if "build" not in p.parts))
        else:
            out.append(path)
    return out


# -- checking ----------------------------------------------------------------------------------------------
def _contains(actual: Any, expected: Any) -> bool:
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(k in actual and _contains(actual[k], v) for k, v in expected.items())
    if isinstance(expected, list):
        return isinstance(actual, list) and len(actual) == len(expected) and all(
            _contains(a, e) for a, e in zip(actual, expected, strict=True))
    return actual == expected


def _subsequence(items: list[str], wanted: list[str]) -> bool:
    it = iter(items)
    return all(any(x == w for x in it) for w in wanted)


def check(expect: dict[str, Any], run: Any, target: str) -> list[str]:
    """What a run got wrong against `expect` (empty: it passed)."""
    problems: list[str] = []
    status = expect.get("status")
    if status is not None and run.status != status:
        problems.append(f"status: expected {status}, got {run.status}" +
                        (f" ({run.error}: {str(run.cause)[:300]})" if run.error else ""))
    if "output" in expect and run.output != expect["output"]:
        problems.append(f"output: expected {json.dumps(expect['output'])}, got {json.dumps(run.output)}")
    if "output_contains" in expect and not _contains(run.output, expect["output_contains"]):
        problems.append(f"output does not contain {json.dumps(expect['output_contains'])}: "
                        f"{json.dumps(run.output)[:500]}")
    if "error" in expect and run.error != expect["error"]:
        problems.append(f"error: expected {expect['error']!r}, got {run.error!r}")
    if "cause" in expect and run.cause != expect["cause"]:
        problems.append(f"cause: expected {expect['cause']!r}, got {run.cause!r}")
    if "cause_contains" in expect and str(expect["cause_contains"]) not in str(run.cause or ""):
        problems.append(f"cause does not contain {expect['cause_contains']!r}: {run.cause!r}")
    if "states" in expect and list(run.states_entered) != list(expect["states"]):
        problems.append(f"states: expected {expect['states']}, got {run.states_entered}")
    if "states_include" in expect and not _subsequence(list(run.states_entered), list(expect["states_include"])):
        problems.append(f"states entered {run.states_entered} do not include {expect['states_include']} in order")
    for name in expect.get("states_exclude", ()) or ():
        if name in run.states_entered:
            problems.append(f"state {name!r} was entered")
    billed = dict(expect.get("billed") or {})
    wanted = {k: v for k, v in billed.items() if k not in TARGETS}
    wanted.update(billed.get(target) or {})
    for key, value in wanted.items():
        got = getattr(run.billed, key, None)
        if got is None:
            problems.append(f"billed: unknown unit {key!r}")
        elif (abs(got - value) > 1e-9 if isinstance(value, float) else got != value):
            problems.append(f"billed.{key}: expected {value}, got {got}")
    return problems


# -- running -----------------------------------------------------------------------------------------------
_COMPILED: dict[Path, Any] = {}


def compiled(flow: Path) -> Any:
    flow = flow.resolve()
    if flow not in _COMPILED:
        from flowc.compiler.pipeline import analyse

        result = analyse([flow])
        if not result.ok:
            from flowc.dsl.diagnostics import render

            raise SpecError("\n".join(render(d) for d in result.errors))
        _COMPILED[flow] = result
    return _COMPILED[flow]


def workflow_of(spec: Spec, result: Any) -> str:
    if spec.workflow:
        if spec.workflow not in result.program.workflows:
            raise SpecError(f"{spec.path}: no workflow {spec.workflow!r} in {spec.flow.name}")
        return spec.workflow
    names = [name for name, wf in result.program.workflows.items() if Path(wf.file).resolve() == spec.flow.resolve()]
    if len(names) != 1:
        raise SpecError(f"{spec.path}: {spec.flow.name} has {len(names)} workflows; say which with 'workflow:'")
    return names[0]


def execute(result: Any, workflow: str, data: Any, target: str, mocks: dict[str, Any], seed: int) -> Any:
    from flowc.targets.local import Mock

    mock_objects = {k: Mock(v) for k, v in mocks.items()}
    if target == "asl":
        from flowc.targets.asl.interpreter import run_workflow

        return run_workflow(result, workflow, data, mocks=mock_objects, seed=seed)
    from flowc.targets.sqs.simulator import simulate

    return simulate(result, workflow, data, mocks=mock_objects, seed=seed)


def run_spec(spec: Spec, targets: tuple[str, ...], *,
             on_result: Callable[[Outcome], None] | None = None) -> list[Outcome]:
    outcomes: list[Outcome] = []
    runner = _raw_runner(spec)
    if runner is None:
        result = compiled(spec.flow)
        workflow = workflow_of(spec, result)
    for case in spec.cases:
        for target in targets:
            if target not in case.targets:
                continue
            started = time.perf_counter()
            outcome = Outcome(spec, case, target, True)
            if target == "sqs" and not sqs_available():
                outcome.skipped = "the SQS target is not installed"
            elif runner is not None and (why := runner.unsupported(target)):  # type: ignore[attr-defined]
                outcome.skipped = why
            else:
                try:
                    run = (runner(case.input, target, case.mocks, case.seed) if runner is not None else
                           execute(result, workflow, case.input, target, case.mocks, case.seed))
                    outcome.result = run
                    outcome.failures = check(case.expect, run, target)
                except Exception as err:  # a case that cannot run is a failure of that case, not of the runner
                    outcome.failures = [f"{type(err).__name__}: {err}"]
                outcome.passed = not outcome.failures
            outcome.seconds = time.perf_counter() - started
            outcomes.append(outcome)
            if on_result is not None:
                on_result(outcome)
    return outcomes


def _raw_runner(spec: Spec) -> Callable[..., Any] | None:
    """For cases of a raw ASL file: run it as written on the interpreter (through `flowc import` on SQS)."""
    from flowc.compiler.testing import raw_asl as raw

    if not raw.is_asl(spec.flow):
        return None
    try:
        machine = raw.load(spec.flow)
    except raw.RawAslError as err:
        from flowc.dsl.diagnostics import render

        raise SpecError("\n".join(render(d) for d in err.diagnostics)) from None
    if spec.workflow and spec.workflow != machine.name:
        raise SpecError(f"{spec.path}: {spec.flow.name} is the state machine {machine.name!r}, not {spec.workflow!r}")
    def runner(data: Any, target: str, mocks: dict[str, Any], seed: int) -> Any:
        return raw.run(machine, data, target, mocks=mocks, seed=seed)

    runner.unsupported = lambda target: raw.unsupported(machine, target)  # type: ignore[attr-defined]
    return runner


# -- JUnit XML -------------------------------------------------------------------------------------------------
def junit_xml(outcomes: list[Outcome], *, name: str = "flowc test") -> str:
    from xml.etree import ElementTree as ET

    failed = sum(1 for o in outcomes if not o.passed and not o.skipped)
    skipped = sum(1 for o in outcomes if o.skipped)
    suite = ET.Element("testsuite", name=name, tests=str(len(outcomes)), failures=str(failed), errors="0",
                       skipped=str(skipped), time=f"{sum(o.seconds for o in outcomes):.3f}")
    for o in outcomes:
        case = ET.SubElement(suite, "testcase", classname=str(o.spec.path).replace("/", "."),
                             name=f"{o.case.name}[{o.target}]", time=f"{o.seconds:.3f}")
        if o.skipped:
            ET.SubElement(case, "skipped", message=o.skipped)
        elif not o.passed:
            failure = ET.SubElement(case, "failure", message=o.failures[0][:200])
            failure.text = "\n".join(o.failures)
    return ET.tostring(suite, encoding="unicode", xml_declaration=True)
