"""The SQS target in numbers: simulated executions per second and the units AWS would bill per execution.

Run: `python benchmarks/bench_sqs.py` (add `--runs 20`, `--json`). For every example workflow (and one Map
of 100 items) it simulates the same input several times on the SQS chain (moto SQS/DynamoDB, the generated
runtime, a virtual clock) and reports wall time per execution and the billed units of one execution:
Lambda invocations and GB-s, SQS requests (64 KiB chunks) split into sends/receives/deletes/visibility
changes, DynamoDB writes/reads (including the tracking table and joins) and SNS publishes. Handler time is
simulated (50 ms per call); the runtime's own AWS calls count 4 ms each.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import textwrap
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

MEMBER = {"action": "member_added", "organization": {"login": "acme"}, "membership": {"user": {"login": "octocat"}}}
RUN = {"action": "completed", "month": "2026-11", "repository": {"full_name": "acme/api"},
       "workflow_run": {"id": 9001, "conclusion": "success"},
       "jobs": [{"duration_seconds": 61, "os": "ubuntu"}, {"duration_seconds": 300, "os": "macos"}]}
USERS = {"users": [{"login": f"user{i}", "role": "owner" if i == 0 else "dev"} for i in range(10)]}

MAP_FLOW = """
workflow Map100
  function each handler "h.each" code "handlers"
  Each: map $.items
    concurrency 10
    result $.out
    do
      Work: invoke each
"""


def cases(work: Path) -> list[tuple[str, Path, str, object]]:
    wf = REPO / "workflows"
    (work / "handlers").mkdir(parents=True, exist_ok=True)
    (work / "handlers" / "h.py").write_text("def each(event, context=None):\n    return {'n': event['n']}\n")
    (work / "map100.flow").write_text(textwrap.dedent(MAP_FLOW))
    return [
        ("onboarding (5 tasks)", wf / "member_onboarding.flow", "MemberOnboarding", MEMBER),
        ("chargeback (parallel of 2)", wf / "workflow_chargeback.flow", "WorkflowChargeback", RUN),
        ("fan-out (map of 10 children)", wf / "user_fanout.flow", "UserFanOut", USERS),
        ("map of 100 items", work / "map100.flow", "Map100", {"items": [{"n": i} for i in range(100)]}),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    from flowc.compiler.pipeline import analyse
    from flowc.targets.sqs.simulator import simulate

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for label, path, workflow, data in cases(Path(tmp)):
            result = analyse([path])
            first = simulate(result, workflow, data)  # warm: render, parse, imports
            times = []
            for seed in range(args.runs):
                t0 = time.perf_counter()
                run = simulate(result, workflow, data, seed=seed)
                times.append(time.perf_counter() - t0)
                assert run.status == first.status == "SUCCEEDED", run
            b = first.billed
            rows.append({"workflow": label, "status": first.status, "ms_per_execution": round(statistics.median(times) * 1000, 1),
                         "executions_per_s": round(1 / statistics.median(times), 1),
                         "lambda_invocations": b.lambda_invocations, "lambda_gb_s": round(b.lambda_gb_seconds, 4),
                         "sqs_requests": b.sqs_requests, "sqs_sends": b.sqs_sends, "sqs_receives": b.sqs_receives,
                         "sqs_deletes": b.sqs_deletes, "sqs_visibility_changes": b.sqs_visibility_changes,
                         "dynamodb_writes": b.dynamodb_writes, "dynamodb_reads": b.dynamodb_reads,
                         "sns_publishes": b.sns_publishes, "virtual_duration_ms": first.duration_ms})
    if args.json:
        print(json.dumps(rows, indent=2))
        return
    keys = ["workflow", "ms_per_execution", "executions_per_s", "lambda_invocations", "lambda_gb_s", "sqs_requests",
            "dynamodb_writes", "dynamodb_reads", "sns_publishes", "virtual_duration_ms"]
    widths = [max(len(k), *(len(str(r[k])) for r in rows)) for k in keys]
    print("  ".join(k.ljust(w) for k, w in zip(keys, widths, strict=True)))
    for r in rows:
        print("  ".join(str(r[k]).ljust(w) for k, w in zip(keys, widths, strict=True)))


if __name__ == "__main__":
    main()
