"""Limits: whether each architecture can hit it, and at what size, with the projections worked out by hand."""

from __future__ import annotations

import functools
import json

from flowc.compiler.compare.report import LimitModel, Report, build_report

from tests.compare.cases import FLOWS
from tests.helpers import WORKFLOWS


@functools.cache
def report(path: str, data: str | None = None) -> Report:
    return build_report(FLOWS / path if (FLOWS / path).exists() else WORKFLOWS / path, input_spec=data)


def limit(r: Report, prefix: str) -> LimitModel:
    return next(lim for lim in r.limits if lim.limit.startswith(prefix))


def fanout() -> Report:
    return report("user_fanout.flow", "@" + str(WORKFLOWS / "user_fanout.compare-input.json"))


def test_history_map_size_that_fails() -> None:
    """UserFanOut with 3 users: 32 events (moto and the interpreter agree). Each item adds a MapIteration pair
    and a 6-event `.sync:2` task = 8, so the rest is 32 - 3 x 8 = 8 and 25,000 is reached at
    (25,000 - 8) // 8 = 3,124 items: the article's parent/child split does not lift the parent's limit."""
    cell = limit(fanout(), "History").cells["standard"]
    assert cell.status == "warn"
    assert "32 events per run (measured)" in cell.text
    assert "adds 8 events per item" in cell.text and "about 3,124 items" in cell.text
    assert "map distributed" in cell.text
    assert limit(fanout(), "History").cells["express"].status == "ok"


def test_inline_map_concurrency_40() -> None:
    row = limit(fanout(), "Map concurrency")
    assert row.cells["standard"].status == "warn"
    assert "asks for 50" in row.cells["standard"].text and "at most 40" in row.cells["standard"].text
    assert "keeps 50 items in flight" in row.cells["sqs"].text
    assert limit(report("three_tasks.flow"), "Map concurrency").cells["standard"].status == "n/a"


def test_sync_is_not_for_express() -> None:
    row = limit(fanout(), "`.sync`")
    assert row.cells["express"].status == "fail"
    assert "InvokeWorker" in row.cells["express"].text
    assert row.cells["standard"].status == "ok"


def test_long_waits() -> None:
    r = report("long_wait.flow")
    duration = limit(r, "Duration").cells["express"]
    assert duration.status == "fail" and "Wait Pause of 2 h cannot finish" in duration.text
    assert "Call may wait 30 min before a retry" in duration.text  # 10 min x backoff 3
    delay = limit(r, "Delay").cells["sqs"]
    assert delay.status == "warn"
    assert "Wait Pause of 2 h" in delay.text and "retry delay Call of 30 min" in delay.text
    assert "visibility change" in delay.text
    assert limit(r, "Delay").cells["standard"].status == "ok"


def test_payload_projection() -> None:
    """The largest payload M of a run with an input of I bytes reaches 256 KiB at an input of 256 KiB x I / M."""
    r = report("fan_out.flow", json.dumps({"items": list(range(50))}))
    cell = limit(r, "Payload").cells["standard"]
    largest = int(cell.text.split("largest state payload ")[1].split(" B")[0])
    projected = 262144 * r.input_bytes / largest / 1024
    assert f"reached at an input of about {projected:.1f} KiB" in cell.text
    assert "400.0 KiB" in limit(r, "Payload").cells["sqs"].text  # the tracking item, not the 1 MiB message


def test_throughput_and_concurrency_scale_with_volume() -> None:
    small = build_report(FLOWS / "three_tasks.flow", executions=1_000)
    huge = build_report(FLOWS / "three_tasks.flow", executions=2_000_000_000)
    assert limit(small, "Throughput").cells["standard"].status == "ok"
    # 2B/month = 772/s x 3 transitions = 2,315/s of 5,000/s, and 772 StartExecution/s of 300/s
    assert limit(huge, "Throughput").cells["standard"].status == "fail"
    assert limit(huge, "Lambda concurrency").cells["standard"].text.startswith("0.15 Lambda-seconds")


def test_loops_count_events_per_pass() -> None:
    r = build_report(WORKFLOWS.parent / "tests" / "corpus" / "flow" / "loops.flow", input_spec='{"job_id": "j1"}')
    text = limit(r, "History").cells["standard"].text
    assert "the loop through Poll, IsDone, Pause adds 9 events per pass" in text  # Task 5 + Choice 2 + Wait 2


def test_unsupported_sqs_target_is_not_applicable() -> None:
    r = build_report(WORKFLOWS.parent / "tests" / "corpus" / "flow" / "dataflow.flow")
    assert "refuses" in (r.runs[1].error or "")
    assert all(lim.cells["sqs"].status == "n/a" for lim in r.limits)
    assert all(row.values["sqs"] is None for row in r.units)
    assert [c.architecture for c in r.costs] == ["standard", "express"]
