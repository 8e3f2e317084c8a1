"""Speed of local runs, flowc against aws-local-stepfunctions: `python benchmarks/bench_run.py [--quick] [--markdown]`.

One run measures (issue 16, goals 2 and 3), each printed with its ratio to the peer or to the goal:

1. executions/s through the API (`build()` once, then `Interpreter.run` N times, history recorded as `--trace`
   prints it) of the member-onboarding and user-fan-out examples and of an inline Map over 10,000 items, and
   the same three on aws-local-stepfunctions (npm, the oracle's pinned install in tests/oracles/node), driven by
   `benchmarks/localsfn_bench.mjs` in one Node process. Both sides run the same compiled, substituted ASL with
   the same task work: flowc runs the real Python handlers of workflows/handlers/, Node runs them translated to
   JS line for line; DynamoDB putItem and SNS publish return the same constants on both (flowc: `--mock`-style
   mocks, so no moto); `startExecution.sync:2` runs the child machine on the same engine on both sides.
   Each side warms up first (imports, JIT), then times N executions in-process. Each row is measured in
   `--batches` rounds (default 5), the two sides back to back in each (flowc on freshly built interpreters, the
   peer on freshly built machines in the one Node process kept for all rounds), and shows the round whose
   flowc/peer ratio is the median: on a shared machine a neighbour's burst lasts seconds and moves either side's
   rate alone by a third, while a pair measured together sees the same machine. flowc records every event as it
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
             read_events: bool = False) -> tuple[float, Any]:
    """Seconds for n executions of one built interpreter (after `warmup` untimed ones), and the last output.
    `read_events`: also build each run's history events (as a caller printing every trace would)."""
    run = None
    for _ in range(warmup):
        run = interp.run(workflow, data)
    started = time.perf_counter()
    for _ in range(n):
        run = interp.run(workflow, data)
        assert run.status == "SUCCEEDED", (run.error, run.cause)
        if read_events:
            assert run.events
    return time.perf_counter() - started, run


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


def big_map(items: int, *, distributed: bool) -> tuple[float, Any]:
    """One execution of the Map (inline: an Express machine, whose history has no 25,000-event limit) on a fresh
    interpreter."""
    from flowc.targets.asl.interpreter import FunctionSpec, Interpreter, TaskRunner

    runner = TaskRunner(functions={"work": FunctionSpec("work", lambda e, c: {"v": e["double"]})})
    interp = Interpreter(runner)
    interp.add_machine("BigMap", map_definition(items, distributed=distributed),
                       type="STANDARD" if distributed else "EXPRESS")
    interp.run("BigMap", {"items": list(range(3))})  # warm
    data = {"items": list(range(items))}
    started = time.perf_counter()
    run = interp.run("BigMap", data)
    seconds = time.perf_counter() - started
    assert run.status == "SUCCEEDED", (run.error, run.cause)
    assert len(run.output) == items and run.output[-1] == {"out": 2 * (items - 1)}
    return seconds, run


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
class NodePeer:
    """aws-local-stepfunctions in one Node process (benchmarks/localsfn_bench.mjs) kept for all rounds, as flowc's
    side keeps its process: each `run(cases)` is one line in, one line of results out."""

    def __init__(self, node: str) -> None:
        self.process = subprocess.Popen([node, str(ROOT / "benchmarks" / "localsfn_bench.mjs")], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    @classmethod
    def start(cls) -> NodePeer | None:
        """None when Node or the package is missing."""
        node = shutil.which("node")
        if node is None or not (NODE_DIR / "node_modules" / "aws-local-stepfunctions").is_dir():
            return None
        return cls(node)

    def run(self, cases: list[dict[str, Any]]) -> dict[str, Any]:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps({"cases": cases}) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            self.process.kill()
            raise SystemExit(f"localsfn_bench.mjs failed:\n{self.process.stderr.read()[-3000:]}")
        return json.loads(line)

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait(timeout=60)


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


def measure(quick: bool, moto: bool, batches: int = 5) -> dict[str, Any]:
    n = 200 if quick else 2000
    items = 1000 if quick else 10_000
    warm = max(10, n // 10)
    k = max(1, batches)
    onboarding = _interpreter("member_onboarding.flow")
    fanout = _interpreter("user_fanout.flow")
    rows: dict[str, Any] = {"n": n, "items": items, "batches": k}
    cases = [
        {"name": "onboarding", "machines": machines_of(onboarding), "main": "MemberOnboarding", "input": MEMBER,
         "n": n, "warmup": warm},
        {"name": "fanout", "machines": machines_of(fanout), "main": "UserFanOut", "input": FANOUT, "n": n // 2,
         "warmup": warm},
        {"name": "map", "machines": {"BigMap": map_definition(items, distributed=False)}, "main": "BigMap",
         "input": {"items": list(range(items))}, "n": 1, "warmup": 1},
    ]
    # Rounds pair the sides row by row -- flowc's batch, then the Node process's batch of the same row -- and each
    # row reports the round whose flowc/peer ratio is the median. On a shared machine a neighbour's burst lasts
    # seconds and slows everything that runs meanwhile; a pair measured back to back sees the same machine, so
    # its ratio holds where either side's rate alone swings by a third.
    node = NodePeer.start()
    rounds: list[dict[str, tuple[float, float | None]]] = []  # per round: row -> (flowc, peer)
    by_name = {c["name"]: c for c in cases}
    peer = None

    def peer_seconds(name: str) -> float | None:
        nonlocal peer
        if node is None:
            return None
        peer = node.run([by_name[name]])
        result = peer["results"][name]
        if name == "fanout":
            assert result["output"] == rows["fanout_output"], (result["output"], rows["fanout_output"])
        return result["seconds"]

    for _ in range(k):
        # Each round builds its interpreters afresh and warms them up, as the Node side builds its machines: an
        # interpreter keeps every execution it ran (the API can describe them), so a reused one would make
        # later rounds pay the garbage collector for the earlier rounds' executions.
        sample: dict[str, tuple[float, float | None]] = {}
        secs, run = api_rate(_interpreter("member_onboarding.flow"), "MemberOnboarding", MEMBER, n, warm)
        rows["onboarding_events"] = len(run.events)
        assert run.events[-1]["type"] == "ExecutionSucceeded", run.events[-1]  # the history is all there when read
        theirs = peer_seconds("onboarding")
        sample["onboarding"] = (n / secs, n / theirs if theirs else None)
        secs, _ = api_rate(_interpreter("member_onboarding.flow"), "MemberOnboarding", MEMBER, n, warm,
                           read_events=True)
        sample["onboarding_read"] = (n / secs, sample["onboarding"][1])
        secs, _ = api_rate(_interpreter("member_onboarding.flow", record_history=False), "MemberOnboarding", MEMBER,
                           n, warm)
        sample["onboarding_no_history"] = (n / secs, sample["onboarding"][1])
        secs, run = api_rate(_interpreter("user_fanout.flow"), "UserFanOut", FANOUT, n // 2, warm)
        rows["fanout_output"] = run.output
        theirs = peer_seconds("fanout")
        sample["fanout"] = ((n // 2) / secs, (n // 2) / theirs if theirs else None)
        secs, _ = big_map(items, distributed=False)
        sample["map"] = (secs, peer_seconds("map"))
        # `flowc run --repeat` against this round's API rate (the goal: within 2x)
        sample["repeat"] = (cli_repeat(50 if quick else 300), sample["onboarding"][0])
        rounds.append(sample)
    if node is not None:
        node.close()
    rows["repeat_n"] = 50 if quick else 300
    rows["ratio"] = {}
    rows["peer"] = {"version": peer["version"], "node": peer["node"]} if peer is not None else None
    for key in rounds[0]:
        lower_is_better = key == "map"  # seconds, not executions/s
        measured = [(ours, theirs) for ours, theirs in (r[key] for r in rounds)]
        if measured[0][1] is None:  # no peer: the best round
            rows[key] = (min if lower_is_better else max)(ours for ours, _ in measured)
            continue
        measured.sort(key=lambda pair: pair[1] / pair[0] if lower_is_better else pair[0] / pair[1])
        ours, theirs = measured[len(measured) // 2]
        rows[key] = ours
        rows["ratio"][key] = theirs / ours if lower_is_better else ours / theirs
        if key in ("onboarding", "fanout", "map") and rows["peer"] is not None:
            rows["peer"][key] = theirs
        elif key == "repeat":
            rows["repeat_api"] = theirs
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
    """(measure, flowc, peer or goal, ratio: >1 means flowc is faster) per row: each row's median-ratio round."""
    peer = rows.get("peer") or {}
    ratio = rows.get("ratio", {})
    n, items = rows["n"], rows["items"]

    def vs_peer(key: str, peer_key: str, fmt: str) -> tuple[str, str]:
        if peer_key not in peer:
            return "not installed", "n/a"
        return format(peer[peer_key], fmt), f"{ratio[key]:.2f}x"

    def rate_vs_onboarding(key: str) -> tuple[str, str]:
        """A row compared with the peer's onboarding rate of the same round."""
        if "onboarding" not in peer or key not in ratio:
            return "not installed", "n/a"
        return f"{rows[key] / ratio[key]:,.0f}", f"{ratio[key]:.2f}x"

    out = [
        (f"onboarding, executions/s through the API (x{n}, history on)", f"{rows['onboarding']:,.0f}",
         *vs_peer("onboarding", "onboarding", ",.0f")),
        (f"fan-out (3 child executions each), executions/s (x{n // 2}, history on)", f"{rows['fanout']:,.0f}",
         *vs_peer("fanout", "fanout", ",.0f")),
        (f"inline Map over {items:,} items, seconds (history on)", f"{rows['map']:.2f}", *vs_peer("map", "map", ".2f")),
        (f"onboarding, executions/s, every run's history events read (x{n})", f"{rows['onboarding_read']:,.0f}",
         *rate_vs_onboarding("onboarding_read")),
        (f"onboarding, executions/s, history off (x{n})", f"{rows['onboarding_no_history']:,.0f}",
         *rate_vs_onboarding("onboarding_no_history")),
        (f"`flowc run --repeat {rows['repeat_n']}`, executions/s", f"{rows['repeat']:,.0f}",
         f"API rate {rows['repeat_api']:,.0f} (goal: within 2x)", f"{ratio['repeat']:.2f}x"),
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
             f"Each row is measured in {rows.get('batches', 1)} rounds, the two sides back to back in each, and shows "
             "the round with the median ratio (on a shared machine either side's rate alone swings with the "
             "neighbours' load; a pair measured together sees the same machine). "
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
    parser.add_argument("--batches", type=int, default=5,
                        help="rounds alternating the two sides; each row keeps its best (default 5)")
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
