"""What a recorded history keeps alive. An interpreter keeps every execution it ran (Describe and the history
stay available), so the bytes each one keeps are what a long run of executions pays for, in page faults and
cache misses more than in instructions: orjson (3.13) returns its 4 KiB write buffer as the bytes object, and
keeping those as the events' JSON made a fan-out execution keep ~26 KB (history.snapshot keeps right-sized
text instead). Also: a payload orjson refuses still gets its JSON text in the history, through the fallback
encoder."""

from __future__ import annotations

import gc
import json
import tracemalloc

from flowc.targets.asl.interpreter import FunctionSpec, Interpreter, TaskRunner

LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:"
USERS = {"users": [{"login": "ada"}, {"login": "linus"}, {"login": "grace"}]}


def _fan_out() -> Interpreter:
    """A Map starting one child execution per user (startExecution.sync:2), the child calling a Lambda."""
    interp = Interpreter(TaskRunner(functions={
        "work": FunctionSpec("work", lambda event, context: {"login": event["user"]["login"], "ok": True})}))
    child = interp.add_machine("Child", {"StartAt": "Work", "States": {
        "Work": {"Type": "Task", "Resource": LAMBDA + "work", "ResultPath": "$.out", "Next": "Done"},
        "Done": {"Type": "Pass", "End": True}}})
    interp.add_machine("Parent", {"StartAt": "Each", "States": {"Each": {
        "Type": "Map", "ItemsPath": "$.users", "End": True, "ItemProcessor": {"StartAt": "Start", "States": {
            "Start": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync:2",
                      "Parameters": {"StateMachineArn": child.arn, "Input": {"user.$": "$"}}, "End": True}}}}}})
    return interp


def test_a_finished_execution_keeps_a_few_kilobytes_of_history() -> None:
    interp = _fan_out()
    for _ in range(3):
        run = interp.run("Parent", USERS)
    assert run.status == "SUCCEEDED" and len(run.events) == 30
    runs = 40
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(runs):
            interp.run("Parent", USERS)
        gc.collect()
        kept = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    executions = 4 * runs
    assert len(interp.executions) == 4 * (runs + 3)
    # ~4.3 KB each with right-sized JSON text; ~26 KB when every event's JSON held a 4 KiB buffer
    assert kept / executions < 10_000, f"{kept / executions:,.0f} bytes kept per execution"
    # and the histories are all there to read
    child = interp.executions[-1]
    assert [e["type"] for e in child.history.events][-1] == "ExecutionSucceeded"
    assert json.loads(child.history.events[0]["executionStartedEventDetails"]["input"]) == {"user": {"login": "grace"}}


def test_a_payload_orjson_refuses_is_recorded_as_its_json_text() -> None:
    big = 2 ** 70  # beyond orjson's 64-bit integers: the fallback encoder writes it
    interp = Interpreter(TaskRunner())
    interp.add_machine("Big", {"StartAt": "Make", "States": {
        "Make": {"Type": "Pass", "Result": {"n": big, "name": "é"}, "Next": "Keep"},
        "Keep": {"Type": "Pass", "End": True}}})
    run = interp.run("Big", {"in": big})
    assert run.status == "SUCCEEDED" and run.output == {"n": big, "name": "é"}
    details = {e["type"]: next((v for k, v in e.items() if k.endswith("EventDetails")), None) for e in run.events}
    assert details["ExecutionStarted"]["input"] == '{"in":1180591620717411303424}'
    assert details["PassStateExited"]["output"] == '{"n":1180591620717411303424,"name":"é"}'
    assert details["ExecutionSucceeded"]["output"] == '{"n":1180591620717411303424,"name":"é"}'
    assert all(type(v) is str for d in details.values() if d for k, v in d.items() if k in ("input", "output"))
