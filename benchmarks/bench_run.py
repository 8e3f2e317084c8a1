"""Speed of local runs: `python benchmarks/bench_run.py [--quick]`.

1. 1,000 executions of the member-onboarding example on the ASL interpreter (its real Python handlers;
   DynamoDB and SNS on moto, then mocked), target: under 5 s;
2. a Map over 10,000 items (a Pass and a Lambda task per item), target: under 10 s - a Distributed Map
   (each iteration a child execution, MaxConcurrency 1000), since an inline Map that size would hit the
   25,000-event history limit of a Standard execution, as on AWS; and an inline Map in an Express workflow;
3. the same onboarding executions on the SQS-chain simulator, when it is installed.

Prints executions per second for each. Not a timed test: CI machines vary.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

MEMBER = {"action": "member_added", "organization": {"login": "acme"}, "membership": {"user": {"login": "octocat"}}}


def onboarding_asl(n: int, *, mocked_services: bool) -> float:
    from flowc.compiler.pipeline import analyse
    from flowc.targets.asl.interpreter import build

    result = analyse([ROOT / "workflows" / "member_onboarding.flow"])
    mocks = {"Store": {"result": {}}, "NotifySuccess": {"result": {"MessageId": "m"}}} if mocked_services else None
    interp = build(result, mocks=mocks, services=None if mocked_services else "auto")
    backend = interp.services
    if backend is not None:
        backend.open()
    try:
        interp.run("MemberOnboarding", MEMBER)  # warm: handler imports, moto backends
        started = time.perf_counter()
        for _ in range(n):
            run = interp.run("MemberOnboarding", MEMBER)
            assert run.status == "SUCCEEDED", run
        return time.perf_counter() - started
    finally:
        if backend is not None:
            backend.close()


def big_map(items: int, *, distributed: bool) -> tuple[float, object]:
    from flowc.targets.asl.interpreter import FunctionSpec, Interpreter, TaskRunner

    config = {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"} if distributed else {"Mode": "INLINE"}
    definition = {"StartAt": "Each", "States": {"Each": {
        "Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 1000 if distributed else 40, "End": True,
        "ItemSelector": {"n.$": "$$.Map.Item.Value", "i.$": "$$.Map.Item.Index"},
        "ItemProcessor": {"ProcessorConfig": config, "StartAt": "Prepare", "States": {
            "Prepare": {"Type": "Pass", "Parameters": {"n.$": "$.n", "double.$": "States.MathAdd($.n, $.n)"},
                        "Next": "Work"},
            "Work": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:work",
                     "ResultSelector": {"out.$": "$.v"}, "End": True}}}}}}
    runner = TaskRunner(functions={"work": FunctionSpec("work", lambda e, c: {"v": e["double"]})})
    interp = Interpreter(runner)
    interp.add_machine("BigMap", definition, type="STANDARD" if distributed else "EXPRESS")
    data = {"items": list(range(items))}
    started = time.perf_counter()
    run = interp.run("BigMap", data)
    elapsed = time.perf_counter() - started
    assert run.status == "SUCCEEDED", (run.error, run.cause)
    assert len(run.output) == items and run.output[-1] == {"out": 2 * (items - 1)}
    return elapsed, run


def onboarding_sqs(n: int) -> float | None:
    import importlib.util

    if importlib.util.find_spec("flowc.targets.sqs.simulator") is None:
        return None
    from flowc.compiler.pipeline import analyse
    from flowc.targets.sqs.simulator import simulate

    result = analyse([ROOT / "workflows" / "member_onboarding.flow"])
    simulate(result, "MemberOnboarding", MEMBER)
    started = time.perf_counter()
    for _ in range(n):
        run = simulate(result, "MemberOnboarding", MEMBER)
        assert run.status == "SUCCEEDED", run
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes (a smoke run)")
    args = parser.parse_args()
    n = 100 if args.quick else 1000
    items = 1000 if args.quick else 10_000

    seconds = onboarding_asl(n, mocked_services=False)
    print(f"asl  onboarding x{n} (DynamoDB/SNS on moto): {seconds:.2f} s, {n / seconds:,.0f} executions/s")
    seconds = onboarding_asl(n, mocked_services=True)
    print(f"asl  onboarding x{n} (services mocked):      {seconds:.2f} s, {n / seconds:,.0f} executions/s")
    seconds, run = big_map(items, distributed=True)
    print(f"asl  Distributed Map over {items:,} items:      {seconds:.2f} s, {items / seconds:,.0f} iterations/s "
          f"({run.billed.executions_started:,} child executions, {run.billed.state_transitions:,} transitions, "
          f"{run.duration_ms / 1000:.1f} s virtual)")
    seconds, run = big_map(items, distributed=False)
    print(f"asl  inline Map over {items:,} items (Express): {seconds:.2f} s, {items / seconds:,.0f} iterations/s "
          f"({run.duration_ms / 1000:.1f} s virtual, {run.billed.express_duration_ms:,} ms billed)")
    m = max(10, n // 20)
    seconds_sqs = onboarding_sqs(m)
    if seconds_sqs is None:
        print("sqs  not installed")
    else:
        print(f"sqs  onboarding x{m} (simulator, moto SQS/DynamoDB): {seconds_sqs:.2f} s, "
              f"{m / seconds_sqs:,.1f} executions/s")


if __name__ == "__main__":
    main()
