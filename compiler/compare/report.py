"""The comparison report: a pydantic model (the `--format json` schema) and the function that builds it.

`build_report` compiles the file, runs the workflow on both targets (ASL interpreter, SQS simulator) with
the same input and seed, and assembles every section from small, separately testable pieces:
`resources` (templates after the SAM transform, code lines), `measure` (billed units per execution),
`pricing` (monthly costs, break-even volumes), `limits`, `latency` (modelled), and the failure-handling
and observability facts below. Everything is deterministic: no timestamps, fixed seeds, sorted keys.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from flowc.compiler.compare import analysis, latency, limits, measure, pricing, resources
from flowc.compiler.compare.pricing import ARCH_TITLES, ARCHITECTURES, PriceBook
from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = 1
DEFAULT_EXECUTIONS = 1_000_000


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FigureRef(Model):
    key: str
    value: Any
    unit: str
    region: str
    confidence: str
    weak: bool  # S, D or U: flagged in the report
    source: list[str]
    url: str
    as_of: str
    note: str = ""


class Row(Model):
    """One row of a per-architecture table; `values` holds numbers or text, None where it does not apply."""

    label: str
    values: dict[str, Any]
    how: str = ""  # measured | modelled | static | derived
    note: str = ""
    figures: list[str] = Field(default_factory=list)


class CellModel(Model):
    status: str
    text: str
    remedy: str = ""


class FeasibilityModel(Model):
    """Whether an architecture can run this workflow (at this volume): an architecture with a limit it fails
    is shown as such everywhere and left out of the break-even statements and the cost chart."""

    feasible: bool
    blockers: list[str] = Field(default_factory=list)  # "limit: why"
    remedies: list[str] = Field(default_factory=list)  # what would make it feasible


class LimitModel(Model):
    limit: str
    cells: dict[str, CellModel]
    figures: list[str] = Field(default_factory=list)
    note: str = ""


class CostLineModel(Model):
    item: str
    quantity: float
    unit: str
    usd: float
    figures: list[str]
    weak: bool


class CostModel(Model):
    architecture: str
    total_usd: float
    lines: list[CostLineModel]


class CrossingModel(Model):
    between: list[str]
    cheaper_below: str | None
    cheaper_above: str | None
    volume: int | None  # executions/month; None: the same one is cheaper at every volume in range
    text: str


class SensitivityModel(Model):
    """How much the conclusions depend on the inputs (see compiler/compare/sensitivity.py)."""

    conclusion: str  # the cheapest architecture that can run the workflow, and its margin over the next
    break_even_ranges: list[str] = Field(default_factory=list)  # under the low/high idle-polling values
    movers: list[str] = Field(default_factory=list)  # the inputs that move the conclusion most, biggest first


class RunModel(Model):
    target: str
    source: str
    status: str | None
    error: str | None = None
    output_matches: bool | None = None


class ExtraFunctionModel(Model):
    workflow: str
    state: str
    integration: str
    native_in_step_functions: bool


class GraphNode(Model):
    id: str
    label: str
    kind: str
    depth: int
    parent: str | None
    branch: int | None = None  # the Parallel branch it belongs to
    detail: str = ""


class GraphEdge(Model):
    source: str
    target: str
    kind: str  # next | choice | default | catch
    label: str = ""  # a choice's condition, the errors a catch takes


class Report(Model):
    schema_version: int = SCHEMA_VERSION
    title: str
    file: str
    workflow: str
    workflows: list[str]  # the workflow and every workflow it starts
    workflow_type: str
    input_source: str
    input_bytes: int
    executions_per_month: int
    region: str
    free_tier: bool
    architectures: dict[str, str]
    feasibility: dict[str, FeasibilityModel]
    runs: list[RunModel]
    resources: list[Row]
    resource_types: dict[str, dict[str, int]]  # architecture -> CloudFormation type -> count
    extra_functions: list[ExtraFunctionModel]
    units: list[Row]
    costs: list[CostModel]
    break_even: list[CrossingModel]
    sensitivity: SensitivityModel
    cost_curve: dict[str, list[float]]  # "volumes" and one list of monthly USD per architecture
    limits: list[LimitModel]
    failure_handling: list[Row]
    latency: list[Row]
    figures: list[FigureRef]
    prices_file: str | None = None  # a --prices file laid over the built-in prices
    warnings: list[str]  # shown under the title: failed runs, targets that disagree
    notes: list[str]
    graph_nodes: list[GraphNode]
    graph_edges: list[GraphEdge]


# ------------------------------------------------------------------------------------------------------
# inputs
# ------------------------------------------------------------------------------------------------------
class CompareError(Exception):
    """A problem with what the user asked for (exit status 2) or with the workflow (exit status 1)."""

    def __init__(self, message: str, status: int = 1):
        super().__init__(message)
        self.status = status


def sample_input_path(path: Path, workflow: str | None = None) -> Path | None:
    """The sample input shipped next to a workflow file: `<stem>.input.json` (the one `flowc run` uses),
    else `<stem>.compare-input.json`."""
    stem = path.name.split(".flow")[0]
    for name in (f"{stem}.input.json", f"{stem}.compare-input.json"):
        candidate = path.with_name(name)
        if candidate.exists():
            return candidate
    return None


def load_input(spec: str | None, path: Path, workflow: str | None) -> tuple[Any, str]:
    """(input, where it came from): `--input JSON`, `--input @file`, else the sample input file, else {}."""
    if spec is not None:
        if spec.startswith("@"):
            source = Path(spec[1:])
            try:
                return json.loads(source.read_text(encoding="utf-8")), source.as_posix()
            except (OSError, ValueError) as err:
                raise CompareError(f"--input {spec}: {err}", 2) from err
        try:
            return json.loads(spec), "--input"
        except ValueError as err:
            raise CompareError(f"--input is not JSON: {err}", 2) from err
    sample = sample_input_path(path, workflow)
    if sample is not None:
        try:
            return json.loads(sample.read_text(encoding="utf-8")), sample.as_posix()
        except ValueError as err:
            raise CompareError(f"{sample}: {err}", 2) from err
    return {}, "none given: {}"


def choose_workflow(result, path: Path, name: str | None) -> str:
    program = result.program
    if name is not None:
        if name not in program.workflows:
            raise CompareError(f"no workflow {name!r} in {path} (have: {', '.join(program.workflows)})", 2)
        return name
    own = [w for w, wf in program.workflows.items() if Path(wf.file).resolve() == path.resolve()]
    if not own:
        own = list(program.workflows)
    return own[0]


# ------------------------------------------------------------------------------------------------------
# the build
# ------------------------------------------------------------------------------------------------------
def build_report(path: Path, *, workflow: str | None = None, input_spec: str | None = None,
                 executions: int = DEFAULT_EXECUTIONS, region: str = "us-east-1", free_tier: bool = False,
                 display_path: str | None = None, mocks: dict[str, Any] | None = None, case: str | None = None,
                 prices: Path | None = None) -> Report:
    """`mocks` replace steps' integrations in both runs (as `flowc run --mock`); `case` names a test case of
    the `*.tests.yaml` beside the file, whose input and mocks make the measured run (explicit mocks win);
    `prices` is a price file that replaces the built-in one (validated against its schema)."""
    from flowc.compiler.pipeline import analyse

    if executions < 1:
        raise CompareError("--executions-per-month must be at least 1", 2)
    book = load_prices(prices)
    result = analyse([path])
    if not result.ok or result.program is None:
        raise CompareError("; ".join(f"{d.code} {d.message}" for d in result.errors) or "compile failed")
    mocks = dict(mocks or {})
    if case is not None:
        if input_spec is not None:
            raise CompareError("--case gives the input: leave out --input", 2)
        spec_case, spec_path = load_case(path, case)
        if workflow is None and spec_case[0]:
            workflow = spec_case[0]
        data, case_mocks = spec_case[1], spec_case[2]
        mocks = {**case_mocks, **mocks}
        input_source = f"case '{case}' of {spec_path.as_posix()}"
    name = choose_workflow(result, path, workflow)
    if case is None:
        data, input_source = load_input(input_spec, path, name)
    return Builder(result, path, name, data, input_source, executions, region, free_tier,
                   display_path or path.as_posix(), mocks=mocks, book=book).build()


def load_case(path: Path, name: str) -> tuple[tuple[str | None, Any, dict[str, Any]], Path]:
    """((workflow, input, mocks), tests file) of the test case `name` in the `*.tests.yaml` beside `path`."""
    from flowc.compiler.testing import spec as testspec
    from flowc.targets.local import Mock

    stem = path.name.split(".flow")[0]
    candidates = [path.with_name(f"{stem}.tests.yaml"), path.with_name(f"{stem}.tests.yml")]
    spec_path = next((c for c in candidates if c.exists()), None)
    if spec_path is None:
        raise CompareError(f"--case {name}: no {candidates[0].name} beside {path}", 2)
    try:
        spec = testspec.load(spec_path)
    except testspec.SpecError as err:
        raise CompareError(str(err), 2) from err
    found = next((c for c in spec.cases if c.name == name), None)
    if found is None:
        raise CompareError(f"--case {name}: no such case in {spec_path} (have: "
                           f"{', '.join(repr(c.name) for c in spec.cases)})", 2)
    return (spec.workflow, found.input, {k: Mock(v) for k, v in found.mocks.items()}), spec_path


def load_prices(path: Path | None) -> PriceBook:
    """The built-in price book, or the one in `path` (a price file that does not match the schema is a usage
    error, with where and why)."""
    if path is None:
        return PriceBook()
    try:
        return PriceBook.from_file(path)
    except (OSError, ValueError) as err:
        raise CompareError(f"--prices {path}: {err}", 2) from err


class Builder:
    def __init__(self, result, path: Path, workflow: str, data: Any, input_source: str, executions: int,
                 region: str, free_tier: bool, display: str, *, mocks: dict[str, Any] | None = None,
                 book: PriceBook | None = None):
        self.result = result
        self.program = result.program
        self.path = path
        self.workflow = workflow
        self.data = data
        self.input_source = input_source
        self.executions = executions
        self.region = region
        self.free_tier = free_tier
        self.display = display
        self.book = book or PriceBook()
        self.mocks = mocks or None
        self.names = analysis.reachable_workflows(self.program, workflow)
        self.indexes = {n: analysis.index_workflow(self.program.workflows[n]) for n in self.names}
        self.notes: list[str] = []

    # -- runs ------------------------------------------------------------------------------------------
    def measure(self) -> None:
        from flowc.targets.sqs.target import check

        refused = [d for d in check(self.result) if d.is_error]
        self.sqs_supported = not refused
        if refused:
            self.sqs = measure.Measured("sqs", "SQS-chain simulator", error="the SQS target refuses this program: "
                                        + "; ".join(f"{d.code} {d.message}" for d in refused))
        else:
            self.sqs = measure.run_sqs(self.result, self.workflow, self.data, mocks=self.fresh_mocks())
        asl = measure.run_asl(self.result, self.workflow, self.data, mocks=self.fresh_mocks())
        if asl is None or not asl.ok:
            if asl is not None:
                self.notes.append(f"the ASL interpreter could not run this workflow ({asl.error}); the Step "
                                  f"Functions units are derived from the SQS run's trace")
            if self.sqs.ok:
                asl = measure.asl_from_sqs_trace(self.sqs, self.indexes, self.function_memory(), self.handler_seconds())
            elif asl is None:
                asl = measure.Measured("asl", "no ASL interpreter installed", error="no run")
        self.asl = asl

    def fresh_mocks(self) -> dict[str, Any] | None:
        """Mocks count their calls (fail twice, then succeed): each run starts them afresh."""
        if not self.mocks:
            return None
        from flowc.targets.local import Mock

        return {step: Mock(mock) for step, mock in self.mocks.items()}

    def handler_seconds(self) -> float:
        try:
            from flowc.targets.sqs.simulator import DEFAULT_HANDLER_SECONDS
        except ImportError:
            return 0.05
        return float(DEFAULT_HANDLER_SECONDS)

    def function_memory(self) -> dict[str, int]:
        return {name: int(res.props.get("memory", 128)) for (kind, name), res in self.program.resources.items()
                if kind == "function"}

    # -- sections --------------------------------------------------------------------------------------
    def build(self) -> Report:
        self.measure()
        out = self.path.parent / "build" / "flowc-compare"  # where CodeUri paths are relative to (nothing is written)
        self.asl_files = resources.asl_files(self.result, out)
        self.sqs_files = resources.sqs_files(self.result, out) if self.sqs_supported else {}
        self.input_bytes = limits.json_bytes(self.data)
        self.latency_ms = self.model_latency()
        units = self.units()
        costs = {arch: pricing.monthly_cost(arch, u, self.executions, self.book, region=self.region,
                                            free_tier=self.free_tier) for arch, u in units.items()}
        note = pricing.regional_note(self.book, self.region)
        if note:
            self.notes.append(note)
        limit_rows = self.limit_rows(units)
        feasibility = self.feasibility(limit_rows)
        if not self.sqs_supported:
            feasibility["sqs"] = FeasibilityModel(
                feasible=False, blockers=[self.sqs.error or "the SQS target refuses this program"],
                remedies=["leave out the constructs the SQS chain cannot reproduce faithfully (docs/sqs.md lists "
                          "them with their FLOW70x codes)"])
        feasible = {a: u for a, u in units.items() if feasibility[a].feasible}
        report = Report(
            title=f"{self.workflow}: Step Functions vs SQS chain",
            file=self.display, workflow=self.workflow, workflows=self.names,
            workflow_type=self.program.workflows[self.workflow].type,
            input_source=self.input_source, input_bytes=self.input_bytes,
            executions_per_month=self.executions, region=self.region, free_tier=self.free_tier,
            architectures={a: ARCH_TITLES[a] for a in ARCHITECTURES},
            feasibility=feasibility,
            runs=self.runs(),
            resources=self.resource_rows(),
            resource_types=self.resource_types,
            extra_functions=[ExtraFunctionModel(workflow=f.workflow, state=f.state, integration=f.integration,
                                                native_in_step_functions=f.native)
                             for f in resources.extra_functions(self.indexes)],
            units=self.unit_rows(units),
            costs=[self.cost_model(costs[a]) for a in units],
            break_even=self.crossings(feasible),
            sensitivity=self.sensitivity(feasible, costs),
            cost_curve=self.curve(feasible),
            limits=limit_rows,
            failure_handling=self.failure_rows(),
            latency=self.latency_rows(),
            figures=[],
            warnings=self.warnings(),
            notes=[],
            graph_nodes=[], graph_edges=[],
        )
        report.graph_nodes, report.graph_edges = self.graph()
        report.notes = self.final_notes()
        report.prices_file = self.book.meta.get("overridden_by")
        report.figures = [FigureRef(key=f.key, value=f.value, unit=f.unit, region=f.region, confidence=f.confidence,
                                    weak=f.weak, source=list(f.source), url=f.url, as_of=f.as_of, note=f.note)
                          for f in self.book.used_figures()]
        return report

    def runs(self) -> list[RunModel]:
        out = []
        same = None
        if self.asl.run is not None and self.sqs.run is not None:
            same = _same(self.asl.run, self.sqs.run)
        for m in (self.asl, self.sqs):
            out.append(RunModel(target=m.target, source=m.source, status=m.run.status if m.run else None,
                                error=m.error, output_matches=same))
        return out

    # -- resources ---------------------------------------------------------------------------------------
    def resource_rows(self) -> list[Row]:
        asl = resources.count_template(resources.load_yaml(self.asl_files["template.yaml"]))
        sqs = resources.count_template(resources.load_yaml(self.sqs_files["template.yaml"])) \
            if self.sqs_files else None
        self.resource_types = {"standard": asl.resources, "express": asl.resources,
                               "sqs": sqs.resources if sqs else {}}
        for count in (asl, sqs):
            if count is not None and count.error:
                self.notes.append(count.error)

        def both(fn) -> dict[str, Any]:
            a = fn(asl)
            return {"standard": a, "express": a, "sqs": fn(sqs) if sqs else None}

        def kinds(c, *types: str) -> int:
            return sum(c.resources.get(t, 0) for t in types)

        asl_code = resources.asl_code(self.asl_files, self.names)
        sqs_code = resources.sqs_code(self.sqs_files) if self.sqs_files else {}
        user = resources.handler_lines(self.program, resources.invoked_functions(self.indexes))
        extra = resources.extra_functions(self.indexes)
        native = [f for f in extra if f.native]
        rows = [
            Row(label="CloudFormation resources (after the SAM transform)", values=both(lambda c: c.total),
                how="static"),
            Row(label="Lambda functions", values=both(lambda c: kinds(c, "AWS::Lambda::Function")), how="static"),
            Row(label="SQS queues (dead-letter queues included)", values=both(lambda c: kinds(c, "AWS::SQS::Queue")),
                how="static"),
            Row(label="State machines", values=both(lambda c: kinds(c, "AWS::StepFunctions::StateMachine")),
                how="static"),
            Row(label="Event source mappings", values=both(lambda c: kinds(c, "AWS::Lambda::EventSourceMapping")),
                how="static"),
            Row(label="IAM roles", values=both(lambda c: c.roles), how="static"),
            Row(label="IAM policy statements (inline)", values=both(lambda c: c.statements), how="static",
                note="plus the managed policies SAM attaches: " + "; ".join(
                    f"{ARCH_TITLES[a] if a != 'express' else 'Step Functions'}: "
                    + (", ".join(f"{k} x{v}" for k, v in c.managed_policies.items()) or "none")
                    for a, c in (("standard", asl), ("sqs", sqs)) if c is not None)),
            Row(label="Generated glue (lines)", values={"standard": sum(asl_code.values()),
                                                        "express": sum(asl_code.values()),
                                                        "sqs": sum(sqs_code.values()) if sqs_code else None},
                how="static", note="Step Functions: " + ", ".join(f"{k} {v}" for k, v in asl_code.items())
                + (". SQS chain: " + ", ".join(f"{k} {v}" for k, v in sqs_code.items()) if sqs_code else "")
                + ". flowc writes all of it; without flowc it is the code and configuration to maintain"),
            Row(label="User code needed (handler lines)", values={
                a: sum(user.values()) if a != "sqs" or self.sqs_supported else None for a in ARCHITECTURES},
                how="static", note=", ".join(f"{k} {v}" for k, v in user.items()) or "no handler"),
            Row(label="Steps that become functions of their own", values={
                "standard": 0, "express": 0, "sqs": len(extra) if self.sqs_supported else None},
                how="static", note=(f"{len(native)} of them are native integrations in Step Functions (no code "
                                    f"there): " + ", ".join(f"{f.state} ({resources.describe_integration(f.integration)})"
                                                            for f in native)) if native else
                "every one of them is a Lambda handler in both models"),
        ]
        return rows

    # -- units -------------------------------------------------------------------------------------------
    def model_latency(self) -> dict[str, float]:
        handler_ms = self.handler_seconds() * 1000.0
        own = self.asl.billed.dynamodb_writes + self.asl.billed.dynamodb_reads + self.asl.billed.sqs_sends
        runtime_calls = 0.0
        if self.sqs.ok and self.sqs.hops:
            b = self.sqs.billed
            runtime_calls = max(0.0, (b.dynamodb_writes + b.dynamodb_reads + b.sqs_sends - own) / self.sqs.hops)
        self.runtime_calls = runtime_calls
        out: dict[str, float] = {}
        self.per_execution_ms: dict[str, dict[int, float]] = {}
        # The run's virtual time carries what the workflow itself spends: handlers, Wait states (seconds,
        # timestamps, paths), retry backoff, callbacks. The model adds only what AWS adds per state and hop.
        measured = self.measured_ms()
        overheads = latency.models(self.book, 0.0 if measured else handler_ms, runtime_calls,
                                   timers=not measured)
        for arch, model in overheads.items():
            m = self.sqs if arch == "sqs" else self.asl
            if not m.trace.executions:
                continue
            times = latency.execution_ms(m.trace, self.indexes, model)
            if measured:
                times = {i: ms + self.measured_for(m, i, measured) for i, ms in times.items()}
            self.per_execution_ms[arch] = times
            out[arch] = times.get(0, 0.0)
        for key in ("latency.sfn.standard.lambda_task_ms", "latency.sfn.express.lambda_task_ms",
                    "latency.sfn.state_ms", "latency.aws_call_ms", "latency.sqs_hop_ms"):
            self.book.figure(key)
        return out

    def measured_ms(self) -> dict[str, list[float]]:
        """Measured virtual milliseconds per execution, by workflow: the ASL run's (its clock follows AWS's
        timers exactly), else the SQS run's root; {} when neither run finished."""
        if self.asl.run is not None and self.asl.execution_ms:
            out: dict[str, list[float]] = {}
            for ex, ms in zip(self.asl.trace.executions, self.asl.execution_ms, strict=False):
                out.setdefault(ex.workflow, []).append(ms)
            return out
        if self.sqs.run is not None:
            return {self.workflow: [float(self.sqs.run.duration_ms)]}
        return {}

    def measured_for(self, m: measure.Measured, position: int, measured: dict[str, list[float]]) -> float:
        """The measured time of execution `position` of a trace: the same execution of the ASL run when the
        trace is the ASL run's, else the average of that workflow's executions."""
        if m is self.asl and position < len(self.asl.execution_ms):
            return self.asl.execution_ms[position]
        workflow = m.trace.executions[position].workflow
        times = measured.get(workflow) or [0.0]
        return sum(times) / len(times)

    def express_units(self) -> tuple[float, float, int]:
        """(requests, billed ms summed over executions, billed MB) when every workflow of the run is Express."""
        requests = 1 + self.asl.billed.executions_started
        times = self.per_execution_ms.get("express", {0: 0.0})
        billed = sum(latency.express_billed_ms(ms, self.book) for ms in times.values())
        definition = len(json.dumps(self.result.asl[self.workflow].definition, separators=(",", ":")))
        steps = sum(self.asl.trace.root.iterations.values()) if self.asl.trace.executions else 0
        if not steps and self.asl.trace.executions:
            steps = sum(1 for n in self.asl.trace.root.entered
                        if self.indexes[self.workflow].states.get(n) is not None
                        and self.indexes[self.workflow].states[n].kind in ("map", "parallel"))
        payload = max(self.asl.trace.root.max_payload if self.asl.trace.executions else 0, self.input_bytes)
        base = self.book.value("sfn.express.memory_base_mb")
        chunk = self.book.value("sfn.express.memory_chunk_mb")
        mb = base + (definition + payload * steps) / (1024 * 1024)
        return requests, billed, int(chunk * math.ceil(mb / chunk))

    def units(self) -> dict[str, pricing.Units]:
        a, s = self.asl.billed, self.sqs.billed
        gb_s = a.lambda_gb_seconds
        service = {"lambda_invocations": a.lambda_invocations, "lambda_gb_seconds": gb_s,
                   "sqs_requests": a.sqs_requests, "dynamodb_writes": a.dynamodb_writes,
                   "dynamodb_reads": a.dynamodb_reads, "sns_publishes": a.sns_publishes,
                   "eventbridge_events": a.eventbridge_events}
        requests, billed_ms, mb = self.express_units()
        self.express = (requests, billed_ms, mb)
        out: dict[str, pricing.Units] = {}
        if self.asl.ok:
            out["standard"] = pricing.Units(state_transitions=a.state_transitions, **service)
            out["express"] = pricing.Units(express_requests=requests, express_billed_ms=billed_ms,
                                           express_billed_mb=mb, **service)
        if self.sqs.ok:
            queues = sum(1 for r in (resources.load_yaml(self.sqs_files["template.yaml"]).get("Resources") or {}).values()
                         if r.get("Type") == "AWS::Serverless::Function"
                         for e in ((r.get("Properties") or {}).get("Events") or {}).values() if e.get("Type") == "SQS")
            out["sqs"] = pricing.Units(lambda_invocations=s.lambda_invocations, lambda_gb_seconds=s.lambda_gb_seconds,
                                       sqs_requests=s.sqs_requests, dynamodb_writes=s.dynamodb_writes,
                                       dynamodb_reads=s.dynamodb_reads, sns_publishes=s.sns_publishes,
                                       eventbridge_events=s.eventbridge_events, idle_queues=queues)
        return out

    def unit_rows(self, units: dict[str, pricing.Units]) -> list[Row]:
        a, s = self.asl.billed, self.sqs.billed
        sqs_ok = "sqs" in units
        asl_how = "measured" if self.asl.run is not None else "derived"

        asl_ok = "standard" in units

        def row(label: str, std: Any, exp: Any, sq: Any, how: str, note: str = "") -> Row:
            return Row(label=label, values={"standard": std if asl_ok else None, "express": exp if asl_ok else None,
                                            "sqs": sq if sqs_ok else None}, how=how, note=note)

        requests, billed_ms, mb = self.express
        own_writes = a.dynamodb_writes
        rows = [
            row("State transitions", a.state_transitions, None, None, asl_how,
                "every state entered (in Map iterations and Parallel branches too) plus every retry; start and "
                "end are not transitions"),
            row("Express requests", None, requests, None, "derived",
                "one per execution: the workflow and every child it starts, all as Express"),
            row("Express billed duration (ms)", None, billed_ms, None, "modelled",
                "the modelled latency of each execution, rounded up to 100 ms"),
            row("Express billed memory (MB)", None, mb, None, "modelled",
                "50 MB + definition + payload x Map/Parallel steps, in 64 MB steps"),
            row("Lambda invocations", a.lambda_invocations, a.lambda_invocations, s.lambda_invocations,
                "measured" if self.sqs.ok else "", "the SQS chain also runs its ingress/router functions, a "
                "function per service call, and per handler step a function that invokes the handler's own"),
            row("Lambda GB-seconds", round(a.lambda_gb_seconds, 6), round(a.lambda_gb_seconds, 6),
                round(s.lambda_gb_seconds, 6), "measured",
                "handler time as the local executors assume it (50 ms unless told), plus the SQS runtime's own calls; "
                "in the SQS chain a handler step's function is billed while it waits for the handler's"),
            row("SQS requests (64 KiB chunks)", a.sqs_requests, a.sqs_requests, s.sqs_requests, "measured",
                f"SQS chain: {s.sqs_sends} sends + {s.sqs_receives} receives + {s.sqs_deletes} deletes"
                + (f" + {s.sqs_visibility_changes} visibility changes" if s.sqs_visibility_changes else "")
                + "; idle polling by the event source mappings is priced separately (monthly)"),
            row("DynamoDB writes", own_writes, own_writes, s.dynamodb_writes, "measured",
                f"SQS chain: {own_writes} by the workflow + {max(0, s.dynamodb_writes - own_writes)} to the "
                f"execution-tracking table (claims, joins, status)" if sqs_ok else ""),
            row("DynamoDB reads", a.dynamodb_reads, a.dynamodb_reads, s.dynamodb_reads, "measured"),
            row("SNS publishes", a.sns_publishes, a.sns_publishes, s.sns_publishes, "measured"),
            row("EventBridge events", a.eventbridge_events, a.eventbridge_events, s.eventbridge_events, "measured"),
            row("Child executions started", a.executions_started, a.executions_started,
                len(self.sqs.trace.executions) - 1 if self.sqs.ok else None, asl_how),
        ]
        return [r for r in rows if any(v not in (None, 0, 0.0) for v in r.values.values())
                or r.label in ("State transitions", "Lambda invocations", "SQS requests (64 KiB chunks)")]

    # -- costs -------------------------------------------------------------------------------------------
    def cost_model(self, cost: pricing.Cost) -> CostModel:
        return CostModel(architecture=cost.architecture, total_usd=round(cost.total, 6), lines=[
            CostLineModel(item=line.item, quantity=round(line.quantity, 6), unit=line.unit, usd=round(line.usd, 6),
                          figures=line.figures, weak=any(self.book.figures[k].weak for k in line.figures))
            for line in cost.lines])

    def crossings(self, units: dict[str, pricing.Units]) -> list[CrossingModel]:
        out = []
        archs = list(units)
        for i, a in enumerate(archs):
            for b in archs[i + 1:]:
                found = pricing.break_even(a, units[a], b, units[b], self.book, region=self.region,
                                           free_tier=self.free_tier)
                if not found:
                    lo = pricing.monthly_cost(a, units[a], self.executions, self.book, region=self.region,
                                              free_tier=self.free_tier).total
                    hi = pricing.monthly_cost(b, units[b], self.executions, self.book, region=self.region,
                                              free_tier=self.free_tier).total
                    cheaper = a if lo <= hi else b
                    out.append(CrossingModel(between=[a, b], cheaper_below=None, cheaper_above=None, volume=None,
                                             text=f"{ARCH_TITLES[cheaper]} is cheaper than "
                                                  f"{ARCH_TITLES[b if cheaper == a else a]} at every volume from "
                                                  f"{pricing.VOLUME_MIN:,} to {pricing.VOLUME_MAX:,} executions/month"))
                idle = "sqs" in (a, b) and units["sqs"].idle_queues > 0
                for c in found:
                    text = (f"{ARCH_TITLES[c.cheaper_below]} is cheaper below {c.volume:,} executions/month, "
                            f"{ARCH_TITLES[c.cheaper_above]} above")
                    if idle:
                        text += " (the SQS chain's fixed monthly cost, the idle polling of its queues, is an " \
                                "unconfirmed figure †)"
                    out.append(CrossingModel(between=[a, b], cheaper_below=c.cheaper_below,
                                             cheaper_above=c.cheaper_above, volume=c.volume, text=text))
        return out

    def sensitivity(self, units: dict[str, pricing.Units], costs: dict[str, pricing.Cost]) -> SensitivityModel:
        from flowc.compiler.compare import sensitivity

        keys = sorted({k for a in units for line in costs[a].lines for k in line.figures})
        ranges = sensitivity.idle_break_even(units, self.book, region=self.region, free_tier=self.free_tier)
        movers, base = sensitivity.movers(units, self.book, keys, self.executions, region=self.region,
                                          free_tier=self.free_tier)
        if base is None:
            only = next(iter(units), None)
            conclusion = (f"only {ARCH_TITLES[only]} can run this workflow (and was measured)" if only else
                          "no architecture could be priced")
        else:
            cheapest, runner, ratio = base
            conclusion = (f"at {self.executions:,} executions/month {ARCH_TITLES[cheapest]} is the cheapest "
                          f"architecture that can run this workflow, {ratio:.2f}x cheaper than {ARCH_TITLES[runner]}")
        return SensitivityModel(conclusion=conclusion,
                                break_even_ranges=[sensitivity.describe_range(r) for r in ranges],
                                movers=[sensitivity.describe_mover(m, base) for m in movers] if base else [])

    def curve(self, units: dict[str, pricing.Units]) -> dict[str, list[float]]:
        volumes = pricing.log_volumes()
        curves = pricing.cost_curve(units, self.book, region=self.region, free_tier=self.free_tier, volumes=volumes)
        return {"volumes": [float(v) for v in volumes], **{a: [round(c, 6) for c in v] for a, v in curves.items()}}

    # -- limits ------------------------------------------------------------------------------------------
    def limit_rows(self, units: dict[str, pricing.Units]) -> list[LimitModel]:
        wf = self.program.workflows[self.workflow]
        longest = max(self.indexes[self.workflow].states, key=len, default="")
        definition = self.result.asl[self.workflow].definition
        carries = "Execution.Input" in json.dumps(definition)
        handler = self.handler_seconds()
        lambda_seconds = {"standard": self.asl.billed.lambda_invocations * handler,
                          "express": self.asl.billed.lambda_invocations * handler}
        if self.sqs.ok:
            mems = [int((r.get("Properties") or {}).get("MemorySize", 128)) for r in
                    (resources.load_yaml(self.sqs_files["template.yaml"]).get("Resources") or {}).values()
                    if r.get("Type") == "AWS::Serverless::Function"]
            avg_gb = (sum(mems) / len(mems) / 1024.0) if mems else 0.125
            lambda_seconds["sqs"] = self.sqs.billed.lambda_gb_seconds / avg_gb
        max_payload = self.asl.trace.root.max_payload if self.asl.trace.executions else 0
        if not max_payload and self.sqs.run is not None:
            max_payload = max(limits.json_bytes(self.sqs.run.output), self.input_bytes)
        ctx = limits.Context(
            program=self.program, root=self.workflow, indexes=self.indexes, book=self.book,
            asl_trace=self.asl.trace if self.asl.trace.executions else None, input_bytes=self.input_bytes,
            max_payload=max_payload, latency_ms=self.latency_ms, lambda_seconds=lambda_seconds,
            transitions=float(self.asl.billed.state_transitions), executions=self.executions,
            envelope_bytes=limits.envelope_bytes(wf.name, longest, carries, self.input_bytes),
            sqs_supported=self.sqs_supported, sqs_visibility_changes=self.sqs.billed.sqs_visibility_changes)
        return [LimitModel(limit=r.limit, cells={a: CellModel(status=c.status, text=c.text, remedy=c.remedy)
                                                   for a, c in r.cells.items()}, figures=r.figures, note=r.note)
                for r in limits.analyse_limits(ctx)]

    @staticmethod
    def feasibility(rows: list[LimitModel]) -> dict[str, FeasibilityModel]:
        out = {}
        for arch in ARCHITECTURES:
            failed = [(row.limit, row.cells[arch]) for row in rows if row.cells.get(arch) is not None
                      and row.cells[arch].status == limits.FAIL]
            remedies: list[str] = []
            for _, cell in failed:
                if cell.remedy and cell.remedy not in remedies:
                    remedies.append(cell.remedy)
            out[arch] = FeasibilityModel(feasible=not failed, blockers=[f"{limit}: {cell.text}" for limit, cell in failed],
                                         remedies=remedies)
        return out

    # -- failure handling and observability --------------------------------------------------------------
    def failure_rows(self) -> list[Row]:
        states = [info for index in self.indexes.values() for info in index.states.values()]
        retried = [i.name for i in states if i.state.retries]
        caught = [i.name for i in states if i.state.catches]
        wf = self.program.workflows[self.workflow]
        dlqs = 0
        receive = None
        if self.sqs_files:
            res = resources.load_yaml(self.sqs_files["template.yaml"]).get("Resources") or {}
            for r in res.values():
                redrive = (r.get("Properties") or {}).get("RedrivePolicy")
                if r.get("Type") == "AWS::SQS::Queue" and redrive:
                    dlqs += 1
                    receive = redrive.get("maxReceiveCount")
        hops = self.sqs.hops if self.sqs.ok else 0
        links = self.book.value("xray.trace_links")
        retention = self.book.value("sfn.standard.history_retention_days")
        redrive = self.book.value("sfn.standard.redrive_window_days")
        listing = ", ".join(retried) or "none"
        rows = [
            Row(label="Retries", how="static", values={
                "standard": f"in the state machine: Retry on {len(retried)} step(s) ({listing}); every retry is a "
                            f"billed transition" if retried else "no Retry in this workflow",
                "express": f"in the state machine: the same {len(retried)} Retry policies (no transition charge; "
                           f"the wait is billed duration)",
                "sqs": "in the flowc runtime: a retried step's message is sent again with DelaySeconds (at most "
                       "15 min per hop); each retry costs a send, a receive, a delete and an invocation"}),
            Row(label="Catches", how="static", values={
                "standard": f"Catch on {len(caught)} step(s) ({', '.join(caught)}): the state machine routes the "
                            f"error to the handler step" if caught else "no Catch: an error fails the execution",
                "express": f"the same {len(caught)} Catch rules" if caught else "no Catch",
                "sqs": "the runtime evaluates the same Catch rules and continues at the handler step"
                       if caught else "no Catch: the runtime fails the execution in the tracking table"}),
            Row(label="Dead letters", how="static", values={
                "standard": "none needed: a failed execution stays in the execution history",
                "express": "none: an asynchronous Express execution is at-least-once and keeps no history",
                "sqs": f"{dlqs} dead-letter queues (maxReceiveCount {receive}): messages that crash or time out a "
                       f"function {receive} times; business failures are recorded in the tracking table"
                       if dlqs else "none"}),
            Row(label="When an execution fails, you see", how="static", values={
                "standard": f"the execution history in the console and GetExecutionHistory: every state's input, "
                            f"output, error and cause, kept {retention} days; redrive from the failed state within "
                            f"{redrive} days",
                "express": "only what CloudWatch Logs received: logging is "
                           + (f"'{wf.logging}' for this workflow" if wf.logging and wf.logging != "OFF"
                              else "off for this workflow, so nothing") + "; no redrive",
                "sqs": "the tracking-table item of the execution (status, error, cause), the messages in the "
                       "dead-letter queues, and each function's CloudWatch logs, correlated by execution id; "
                       "DLQ redrive (StartMessageMoveTask) re-runs a step"}),
            Row(label="X-Ray trace", how="static", values={
                "standard": "one trace for the whole execution when tracing is on (this workflow: "
                            + ("on" if wf.tracing else "off") + ")",
                "express": "one trace for the whole execution when tracing is on",
                "sqs": f"one trace per hop, linked (SQS -> Lambda is a trace link, not a continuous trace): this "
                       f"run made {hops} hops; a trace holds at most {links['per_trace']} links"}),
        ]
        self.book.figure("xray.trace_links")
        return rows

    # -- latency -----------------------------------------------------------------------------------------
    def latency_rows(self) -> list[Row]:
        values = {a: round(self.latency_ms[a], 1) if a in self.latency_ms else None for a in ARCHITECTURES}
        rows = [Row(label="One execution, end to end (ms)", values=values, how="measured + modelled",
                    note="the run's virtual time (handlers, Wait states, retry backoff, callbacks: measured on the "
                         "local executor) plus the overheads AWS adds per state, hop and call, from the data file "
                         "(P50 figures, S and U): the overheads are a model, not a measurement",
                    figures=["latency.sfn.standard.lambda_task_ms", "latency.sfn.express.lambda_task_ms",
                             "latency.sfn.state_ms", "latency.aws_call_ms", "latency.sqs_hop_ms"])]
        if self.sqs.ok:
            rows.append(Row(label="SQS hops per execution", values={"standard": None, "express": None,
                                                                     "sqs": self.sqs.hops},
                            how="measured", note=f"the runtime makes about {self.runtime_calls:.1f} AWS calls per "
                                                 f"hop (tracking table, sends)"))
        return rows

    # -- graph -------------------------------------------------------------------------------------------
    def graph(self) -> tuple[list[GraphNode], list[GraphEdge]]:
        """The workflow's graph as `flowc graph` draws it (read off the emitted ASL)."""
        from flowc.targets.graph.model import from_asl

        drawn = from_asl(self.result.asl[self.workflow].definition)
        return ([GraphNode(id=n.id, label=n.label, kind=n.kind, depth=n.depth, parent=n.parent, branch=n.branch,
                           detail=n.detail) for n in drawn.nodes],
                [GraphEdge(source=e.source, target=e.target, kind=e.kind, label=e.label) for e in drawn.edges])

    def warnings(self) -> list[str]:
        out = []
        for m, name in ((self.asl, "Step Functions"), (self.sqs, "SQS chain")):
            if not m.ok:
                out.append(f"{name}: no run ({m.error})")
            elif m.run is not None and m.run.status != "SUCCEEDED":
                why = f": {m.run.error}" if m.run.error else ""
                out.append(f"the {name} run ended {m.run.status}{why}; its units are those of this execution, "
                           f"so give an input that takes the path you want to compare (--input)")
        if self.asl.run is not None and self.sqs.run is not None and not _same(self.asl.run, self.sqs.run):
            out.append(f"the two targets disagree on this input: Step Functions {self.asl.run.status} "
                       f"({self.asl.run.error or 'no error'}), SQS chain {self.sqs.run.status} "
                       f"({self.sqs.run.error or 'no error'})")
        return out

    def final_notes(self) -> list[str]:
        notes = [
            f"Step Functions units: {self.asl.source}. SQS units: {self.sqs.source}." if self.sqs.ok else
            f"Step Functions units: {self.asl.source}. SQS chain: {self.sqs.error}",
            "Measured: the units each local executor counted for this input (deterministic, seed 0), and the "
            "run's virtual time (handlers, waits, retry backoff, callbacks). Modelled: the per-state and per-hop "
            "overheads added to it for latency and Express duration, Express memory, idle polling. Static: "
            "resources, IAM, lines, limits.",
            "Costs exclude what both architectures pay alike: the HTTP API or trigger, CloudWatch Logs, data "
            "transfer. DynamoDB writes are counted one unit each (items up to 1 KB).",
            f"Free tiers {'applied' if self.free_tier else 'not applied'} (always-free tiers are per account, "
            f"shared with everything else the account runs).",
        ]
        return notes + self.notes


def _same(a, b) -> bool:
    """Same status, error and output: causes are compared by neither (their wording differs legitimately:
    Step Functions prefixes run-time causes with the state and event id, which an SQS chain does not have)."""
    return (a.status, a.error, a.output if a.status == "SUCCEEDED" else None) == \
        (b.status, b.error, b.output if b.status == "SUCCEEDED" else None)
