"""Speed of local runs, flowc against aws-local-stepfunctions: `python benchmarks/bench_run.py [--quick] [--markdown]`.

One run measures (issue 16, goals 2 and 3), each printed with its ratio to the peer or to the goal:

1. executions/s through the API (`build()` once, then `Interpreter.run` N times, history recorded as `--trace`
   prints it) of the member-onboarding and user-fan-out examples and of an inline Map over 10,000 items, and
   the same three on aws-local-stepfunctions (npm, the oracle's pinned install in tests/oracles/node), driven by
   `benchmarks/localsfn_bench.mjs` in one Node process. Both sides run the same compiled, substituted ASL with
   the same task work: flowc runs the real Python handlers of workflows/handlers/, Node runs them translated to
   JS line for line; DynamoDB putItem and SNS publish return the same constants on both (flowc: `--mock`-style
   mocks, so no moto); `startExecution.sync:2` runs the child machine on the same engine on both sides.
   Each side warms up first (imports, JIT), then times N executions in-process, `--batches` times (default 3),
   and keeps the best batch (on a shared machine a neighbour's burst slows one batch, not the code; both sides
   get the same number of batches). flowc records every event as it
   happens but builds the event dicts (`RunResult.events`, `--trace`) when they are first read, as the API
   allows (targets/asl/interpreter/history.py); the last run's events are read and counted, and one more row
   times the onboarding with every run's events read (what a caller that looks at each history pays);
2. `flowc run --repeat N` (the CLI's own executions/s line) against the API rate (goal: within 2x);
3. one `flowc run` of the onboarding example with its two service tasks mocked: wall time of the whole
   process, median of 5, after `python -m compileall` into a scratch PYTHONPYCACHEPREFIX (a wheel install has
   its bytecode; goal: under 0.5 s).

`--moto` adds the onboarding with DynamoDB/SNS on moto and a Distributed Map over 10,000 items (flowc only).
`--markdown` prints a `## Run` section for docs/performance.md (benchmarks/perf_report.py). Not a timed test:
machines vary, so nothing here asserts a duration.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

NODE_DIR = ROOT / "tests" / "oracles" / "node"
MEMBER = {"action": "member_added", "organization": {"login": "acme"}, "membership": {"user": {"login": "octocat"}}}
FANOUT = {"users": [{"login": "ada", "role": "owner"}, {"login": "linus"}, {"login": "grace"}]}
# the service tasks of both examples, mocked with what the Node side's stubs return
SERVICE_MOCKS = {"Store": {"result": {}}, "NotifySuccess": {"result": {"MessageId": "m"}},
                 "NotifyFailure": {"result": {"MessageId": "m"}}, "Save": {"result": {}}}
REPRODUCE = "npm ci --prefix tests/oracles/node && python benchmarks/bench_run.py --markdown"


# --------------------------------------------------------------------------------------------------------
# flowc through the API
# --------------------------------------------------------------------------------------------------------
def _interpreter(flow: str, *, record_history: bool = True, services: Any = None) -> Any:
    from flowc.compiler.pipeline import analyse
    from flowc.targets.asl.interpreter import build

    result = analyse([ROOT / "workflows" / flow])
    mocks = None if services is not None else SERVICE_MOCKS
    return build(result, mocks=mocks, services=services, record_history=record_history)


def machines_of(interp: Any) -> dict[str, Any]:
    """The substituted definitions flowc runs, by machine name: what the Node side runs too."""
    return {m.name: m.definition for m in interp.machines.values()}


def api_rate(interp: Any, workflow: str, data: Any, n: int, warmup: int, *,
             read_events: bool = False, batches: int = 1) -> tuple[float, Any]:
    """Seconds for n executions of one built interpreter (after `warmup` untimed ones; the best of `batches`
    batches of n), and the last output. `read_events`: also build each run's history events (as a caller
    printing every trace would)."""
    run = None
    for _ in range(warmup):
        run = interp.run(workflow, data)
    best = float("inf")
    for _ in range(batches):
        started = time.perf_counter()
        for _ in range(n):
            run = interp.run(workflow, data)
            assert run.status == "SUCCEEDED", (run.error, run.cause)
            if read_events:
                assert run.events
        best = min(best, time.perf_counter() - started)
    return best, run


def map_definition(items: int, *, distributed: bool) -> dict[str, Any]:
    """A Map over `items` (a Pass and a Lambda task per item). Inline: MaxConcurrency 40 (the inline Map limit)."""
    config = {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"} if distributed else {"Mode": "INLINE"}
    return {"StartAt": "Each", "States": {"Each": {
        "Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 1000 if distributed else 40, "End": True,
        "ItemSelector": {"n.$": "$$.Map.Item.Value", "i.$": "$$.Map.Item.Index"},
        "ItemProcessor": {"ProcessorConfig": config, "StartAt": "Prepare", "States": {
            "Prepare": {"Type": "Pass", "Parameters": {"n.$": "$.n", "double.$": "States.MathAdd($.n, $.n)"},
                        "Next": "Work"},
            "Work": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:work",
                     "ResultSelector": {"out.$": "$.v"}, "End": True}}}}}}


def big_map(items: int, *, distributed: bool, batches: int = 1) -> tuple[float, Any]:
    """One execution of the Map (inline: an Express machine, whose history has no 25,000-event limit): the
    best of `batches`, each on a fresh interpreter."""
    from flowc.targets.asl.interpreter import FunctionSpec, Interpreter, TaskRunner

    best, run = float("inf"), None
    for _ in range(batches):
        runner = TaskRunner(functions={"work": FunctionSpec("work", lambda e, c: {"v": e["double"]})})
        interp = Interpreter(runner)
        interp.add_machine("BigMap", map_definition(items, distributed=distributed),
                           type="STANDARD" if distributed else "EXPRESS")
        interp.run("BigMap", {"items": list(range(3))})  # warm
        data = {"items": list(range(items))}
        started = time.perf_counter()
        run = interp.run("BigMap", data)
        best = min(best, time.perf_counter() - started)
        assert run.status == "SUCCEEDED", (run.error, run.cause)
        assert len(run.output) == items and run.output[-1] == {"out": 2 * (items - 1)}
    return best, run


def onboarding_moto(n: int) -> float:
    """Onboarding with DynamoDB and SNS on moto (the default of `flowc run` when a service task is not mocked)."""
    interp = _interpreter("member_onboarding.flow", services="auto")
    backend = interp.services
    backend.open()
    try:
        seconds, _ = api_rate(interp, "MemberOnboarding", MEMBER, n, 1)
    finally:
        backend.close()
    return seconds


# --------------------------------------------------------------------------------------------------------
# aws-local-stepfunctions
# --------------------------------------------------------------------------------------------------------
def node_peer(cases: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Run the cases in one Node process (benchmarks/localsfn_bench.mjs); None when Node or the package is missing."""
    node = shutil.which("node")
    if node is None or not (NODE_DIR / "node_modules" / "aws-local-stepfunctions").is_dir():
        return None
    done = subprocess.run([node, str(ROOT / "benchmarks" / "localsfn_bench.mjs")], input=json.dumps({"cases": cases}),
                          capture_output=True, text=True, check=False, timeout=1800)
    if done.returncode != 0:
        raise SystemExit(f"localsfn_bench.mjs failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout)


# --------------------------------------------------------------------------------------------------------
# the CLI
# --------------------------------------------------------------------------------------------------------
# An installed wheel runs from compiled bytecode; a checkout under PYTHONDONTWRITEBYTECODE=1 would recompile
# ~250 modules per command. Bytecode goes to a scratch folder (compiled once, below), not into the tree.
PYCACHE = tempfile.mkdtemp(prefix="flowc-bench-pycache-")
ENV = {**{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}, "PYTHONPATH": str(ROOT),
       "PYTHONPYCACHEPREFIX": PYCACHE}


def _compileall() -> None:
    folders = [str(ROOT / d) for d in ("flowc", "dsl", "compiler", "targets", "workflows")]
    subprocess.run([sys.executable, "-m", "compileall", "-q", *folders], env=ENV, capture_output=True, check=False)


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "flowc", *args], capture_output=True, text=True, cwd=ROOT, env=ENV,
                          check=False)


def _cli_run_args() -> list[str]:
    return ["run", "workflows/member_onboarding.flow", "--input", "@workflows/member_onboarding.input.json",
            "--mock", 'Store={"result": {}}', "--mock", 'NotifySuccess={"result": {"MessageId": "m"}}']


def cli_repeat(n: int) -> float:
    """Executions/s that `flowc run --repeat n` reports (its own timing of the n executions)."""
    _compileall()
    done = _cli(*_cli_run_args(), "--repeat", str(n))
    found = re.search(r"\(([\d,]+) executions/s\)", done.stderr)
    if done.returncode != 0 or found is None:
        raise SystemExit(f"flowc run --repeat failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return float(found.group(1).replace(",", ""))


def cli_single(times: int = 5) -> float:
    """Median wall time of one `flowc run` process (bytecode compiled first, as a wheel install has it)."""
    _compileall()
    seconds = []
    for _ in range(times):
        started = time.perf_counter()
        done = _cli(*_cli_run_args())
        seconds.append(time.perf_counter() - started)
        if done.returncode != 0:
            raise SystemExit(f"flowc run failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return statistics.median(seconds)


# --------------------------------------------------------------------------------------------------------
# the report
# --------------------------------------------------------------------------------------------------------
def machine_text() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def measure(quick: bool, moto: bool, batches: int = 3) -> dict[str, Any]:
    n = 200 if quick else 2000
    items = 1000 if quick else 10_000
    warm = max(10, n // 10)
    k = max(1, batches)
    onboarding = _interpreter("member_onboarding.flow")
    fanout = _interpreter("user_fanout.flow")
    rows: dict[str, Any] = {"n": n, "items": items, "batches": k}
    secs, run = api_rate(onboarding, "MemberOnboarding", MEMBER, n, warm, batches=k)
    rows["onboarding"] = n / secs
    rows["onboarding_events"] = len(run.events)
    assert run.events[-1]["type"] == "ExecutionSucceeded", run.events[-1]  # the history is all there when read
    secs, _ = api_rate(_interpreter("member_onboarding.flow"), "MemberOnboarding", MEMBER, n, warm, read_events=True,
                       batches=k)
    rows["onboarding_read"] = n / secs
    secs, run = api_rate(fanout, "UserFanOut", FANOUT, n // 2, warm, batches=k)
    rows["fanout"] = (n // 2) / secs
    rows["fanout_output"] = run.output
    off = _interpreter("member_onboarding.flow", record_history=False)
    secs, _ = api_rate(off, "MemberOnboarding", MEMBER, n, warm, batches=k)
    rows["onboarding_no_history"] = n / secs
    rows["map"], _ = big_map(items, distributed=False, batches=k)
    peer = node_peer([
        {"name": "onboarding", "machines": machines_of(onboarding), "main": "MemberOnboarding", "input": MEMBER,
         "n": n, "warmup": warm, "batches": k},
        {"name": "fanout", "machines": machines_of(fanout), "main": "UserFanOut", "input": FANOUT, "n": n // 2,
         "warmup": warm, "batches": k},
        {"name": "map", "machines": {"BigMap": map_definition(items, distributed=False)}, "main": "BigMap",
         "input": {"items": list(range(items))}, "n": 1, "warmup": 1, "batches": k},
    ])
    if peer is not None:
        res = peer["results"]
        assert res["fanout"]["output"] == rows["fanout_output"], (res["fanout"]["output"], rows["fanout_output"])
        rows["peer"] = {"version": peer["version"], "node": peer["node"],
                        "onboarding": res["onboarding"]["n"] / res["onboarding"]["seconds"],
                        "fanout": res["fanout"]["n"] / res["fanout"]["seconds"], "map": res["map"]["seconds"]}
    repeat = 50 if quick else 300
    rows["repeat_n"] = repeat
    rows["repeat"] = cli_repeat(repeat)
    rows["single"] = cli_single()
    if moto:
        rows["moto"] = (n // 4) / onboarding_moto(n // 4)
        rows["distributed"], _ = big_map(items, distributed=True)
    return rows


def _ratio(ours: float, theirs: float | None, *, higher_is_better: bool = True) -> str:
    if not theirs:
        return "n/a"
    return f"{ours / theirs if higher_is_better else theirs / ours:.2f}x"


def table(rows: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """(measure, flowc, peer or goal, ratio: >1 means flowc is faster) per row."""
    peer = rows.get("peer") or {}
    n, items = rows["n"], rows["items"]
    out = [
        (f"onboarding, executions/s through the API (x{n}, history on)", f"{rows['onboarding']:,.0f}",
         f"{peer['onboarding']:,.0f}" if peer else "not installed", _ratio(rows["onboarding"], peer.get("onboarding"))),
        (f"fan-out (3 child executions each), executions/s (x{n // 2}, history on)", f"{rows['fanout']:,.0f}",
         f"{peer['fanout']:,.0f}" if peer else "not installed", _ratio(rows["fanout"], peer.get("fanout"))),
        (f"inline Map over {items:,} items, seconds (history on)", f"{rows['map']:.2f}",
         f"{peer['map']:.2f}" if peer else "not installed",
         _ratio(rows["map"], peer.get("map"), higher_is_better=False)),
        (f"onboarding, executions/s, every run's history events read (x{n})", f"{rows['onboarding_read']:,.0f}",
         f"{peer['onboarding']:,.0f}" if peer else "not installed",
         _ratio(rows["onboarding_read"], peer.get("onboarding"))),
        (f"onboarding, executions/s, history off (x{n})", f"{rows['onboarding_no_history']:,.0f}",
         f"{peer['onboarding']:,.0f}" if peer else "not installed",
         _ratio(rows["onboarding_no_history"], peer.get("onboarding"))),
        (f"`flowc run --repeat {rows['repeat_n']}`, executions/s", f"{rows['repeat']:,.0f}",
         f"API rate {rows['onboarding']:,.0f} (goal: within 2x)", _ratio(rows["repeat"], rows["onboarding"])),
        ("one `flowc run`, services mocked, wall seconds (median of 5)", f"{rows['single']:.2f}", "goal 0.50",
         _ratio(rows["single"], 0.5, higher_is_better=False)),
    ]
    if "moto" in rows:
        out.append((f"onboarding, DynamoDB/SNS on moto, executions/s (x{n // 4})", f"{rows['moto']:,.0f}", "", ""))
        out.append((f"Distributed Map over {items:,} items (child executions), seconds",
                    f"{rows['distributed']:.2f}", "", ""))
    return out


def markdown(rows: dict[str, Any]) -> str:
    peer = rows.get("peer")
    lines = ["## Run", "",
             "`benchmarks/bench_run.py`: flowc's ASL interpreter against "
             "[aws-local-stepfunctions](https://www.npmjs.com/package/aws-local-stepfunctions), the same compiled "
             "ASL and the same task work on both sides (the module docstring says exactly what each side runs). "
             f"Each side: the best of {rows.get('batches', 1)} timed batches. "
             "Ratio: how many times faster flowc is (above 1: flowc wins).", "",
             "| measure | flowc | aws-local-stepfunctions / goal | ratio |", "| --- | ---: | ---: | ---: |"]
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in table(rows)]
    lines += ["", "Peers: " + (f"aws-local-stepfunctions {peer['version']} on Node {peer['node']} "
                                f"(npm, pinned in tests/oracles/node/package-lock.json)" if peer
                                else "aws-local-stepfunctions not installed (run `npm ci --prefix tests/oracles/node`)")
              + "; moto 5.2.5 for the services of un-mocked runs (the `run` extra).",
              "", f"Machine: {machine_text()}.", "", f"Reproduce: `{REPRODUCE}`."]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes (a smoke run)")
    parser.add_argument("--moto", action="store_true", help="also: services on moto, a Distributed Map")
    parser.add_argument("--markdown", action="store_true", help="print the `## Run` section of docs/performance.md")
    parser.add_argument("--batches", type=int, default=3,
                        help="timed batches per API row on both sides; the best counts (default 3)")
    args = parser.parse_args()
    rows = measure(args.quick, args.moto, args.batches)
    if args.markdown:
        print(markdown(rows), end="")
        return
    for a, b, c, d in table(rows):
        print(f"{a:<72} flowc {b:>8}   peer/goal {c:>14}   ratio {d}")
    peer = rows.get("peer")
    print(f"peer: aws-local-stepfunctions {peer['version']} on Node {peer['node']}" if peer
          else "peer: aws-local-stepfunctions not installed (npm ci --prefix tests/oracles/node)")


if __name__ == "__main__":
    main()
