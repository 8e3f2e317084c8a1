"""The invoke of a handler's own function: the runtime's error mapping, and the simulator's Lambda answering it.

A handler step's function invokes the handler's function synchronously (`flowc_sqs.integrations.
invoke_function`). What comes back must reach Retry/Catch exactly as Step Functions reports a Lambda task:
a function error is its `errorType`, with the error payload as cause; an API error is `Lambda.<Code>`. A
throttled invoke means the handler did not run: the runtime tries again, then leaves the message for
redelivery, and the workflow never sees it.
"""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from botocore.exceptions import ClientError
from flowc.compiler.pipeline import analyse
from flowc.targets.local import TaskFailure
from flowc.targets.sqs.functions import FunctionTimedOut, LocalFunctions, answer
from flowc.targets.sqs.injection import Outage
from flowc.targets.sqs.runtime.integrations import INVOKE_ATTEMPTS, HandlerNotRun, invoke_function
from flowc.targets.sqs.runtime.semantics import StatesError
from flowc.targets.sqs.simulator import Faults, simulate

from tests.examples import MEMBER
from tests.helpers import WORKFLOWS
from tests.oracles.sfn import HandlerError
from tests.sqs.test_faults import compile_with_handlers


class Clock:
    def __init__(self) -> None:
        self.slept: list[float] = []

    def advance(self, seconds: float) -> None:
        self.slept.append(seconds)


class Lambda:
    """A Lambda client whose invoke answers from a list (a dict: a response; an exception: raised)."""

    def __init__(self, *answers: Any) -> None:
        self.answers = list(answers)
        self.calls: list[dict[str, Any]] = []

    def invoke(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(kwargs)
        found = self.answers.pop(0)
        if isinstance(found, Exception):
            raise found
        return found


class Services:
    def __init__(self, client: Lambda) -> None:
        self.clock = Clock()
        self._client = client

    def client(self, service: str) -> Lambda:
        assert service == "lambda"
        return self._client


def throttled() -> ClientError:
    return ClientError({"Error": {"Code": "TooManyRequestsException", "Message": "Rate Exceeded."},
                        "ResponseMetadata": {"HTTPStatusCode": 429, "RequestId": "r-1"}}, "Invoke")


def ok(body: Any, **extra: Any) -> dict[str, Any]:
    return {"StatusCode": 200, "Payload": io.BytesIO(json.dumps(body).encode()), **extra}


def test_a_function_error_is_its_error_type_with_the_payload_as_cause():
    payload = {"errorMessage": "no such user", "errorType": "UnknownUser", "requestId": "abc", "stackTrace": []}
    client = Lambda(ok(payload, FunctionError="Unhandled"))
    with pytest.raises(StatesError) as caught:
        invoke_function(Services(client), "fn", {"a": 1}, own=True)
    assert (caught.value.error, json.loads(caught.value.cause)) == ("UnknownUser", payload)
    assert client.calls == [{"FunctionName": "fn", "InvocationType": "RequestResponse", "Payload": b'{"a": 1}'}]


def test_a_payload_that_is_not_an_error_object_is_lambda_unknown():
    client = Lambda({"StatusCode": 200, "FunctionError": "Unhandled", "Payload": io.BytesIO(b"out of memory")})
    with pytest.raises(StatesError) as caught:
        invoke_function(Services(client), "fn", {}, own=True)
    assert (caught.value.error, caught.value.cause) == ("Lambda.Unknown", "out of memory")


def test_a_result_and_an_event_invocation():
    assert invoke_function(Services(Lambda(ok({"id": 7}))), "fn", {}, own=True) == {"id": 7}
    client = Lambda({"StatusCode": 202, "Payload": io.BytesIO(b"")})
    assert invoke_function(Services(client), "fn", {}, asynchronous=True, own=True) is None
    assert client.calls[0]["InvocationType"] == "Event"


def test_throttling_is_tried_again_and_then_left_to_redelivery():
    services = Services(Lambda(throttled(), throttled(), ok({"done": True})))
    assert invoke_function(services, "fn", {}, own=True) == {"done": True}
    assert services.clock.slept == [0.25, 0.5]
    # every attempt throttled: the handler did not run; not the workflow's error, the message comes back
    services = Services(Lambda(*[throttled() for _ in range(INVOKE_ATTEMPTS)]))
    with pytest.raises(HandlerNotRun):
        invoke_function(services, "fn", {}, own=True)
    # an external function (`invoke f arn "..."`): Step Functions' name for it, to Retry/Catch
    services = Services(Lambda(*[throttled() for _ in range(INVOKE_ATTEMPTS)]))
    with pytest.raises(StatesError) as caught:
        invoke_function(services, "arn:aws:lambda:us-east-1:123456789012:function:other", {})
    assert caught.value.error == "Lambda.TooManyRequestsException"


def test_other_api_errors_are_named_as_step_functions_names_them():
    denied = ClientError({"Error": {"Code": "AccessDeniedException", "Message": "no"},
                          "ResponseMetadata": {"HTTPStatusCode": 403}}, "Invoke")
    with pytest.raises(StatesError) as caught:
        invoke_function(Services(Lambda(denied)), "fn", {}, own=True)
    assert caught.value.error == "Lambda.AccessDeniedException"


class Ctx:
    aws_request_id = "req-1"


def read(response: dict[str, Any]) -> Any:
    return json.loads(response["Payload"].read())


def test_the_local_lambda_answers_as_the_python_runtime_does():
    def fails(event, context):
        raise KeyError("login")

    response = answer(fails, b'{"x": 1}', Ctx())
    body = read(response)
    assert response["FunctionError"] == "Unhandled"
    assert (body["errorType"], body["errorMessage"], body["requestId"]) == ("KeyError", "'login'", "req-1")
    marshal = answer(lambda event, context: {1, 2}, b"{}", Ctx())
    assert marshal["FunctionError"] == "Unhandled" and read(marshal)["errorType"] == "Runtime.MarshalError"

    def slow(event, context):
        raise FunctionTimedOut(3, "req-1")
    body = read(answer(slow, b"{}", Ctx()))
    assert body == {"errorType": "Sandbox.Timedout", "errorMessage": "RequestId: req-1 Error: Task timed out after "
                                                                       "3.00 seconds"}
    named = read(answer(lambda e, c: (_ for _ in ()).throw(TaskFailure("Custom.Error", "why")), b"{}", Ctx()))
    assert named["errorType"] == "Custom.Error"
    queued = answer(fails, b"{}", Ctx(), asynchronous=True)  # an Event invocation: accepted, errors stay in Lambda
    assert queued["StatusCode"] == 202 and "FunctionError" not in queued and queued["Payload"].read() == b""
    assert read(answer(lambda event, context: event, b'{"x": 1}', Ctx())) == {"x": 1}
    huge = answer(lambda event, context: "x" * 6_300_000, b"{}", Ctx())
    assert huge["FunctionError"] == "Unhandled" and read(huge)["errorType"] == "Function.ResponseSizeTooLarge"


def test_local_functions_pass_other_calls_through():
    class Real:
        def invoke(self, **kwargs):
            return {"StatusCode": 200, "Payload": io.BytesIO(b'"real"')}

        def get_function(self, **kwargs):
            return "real-get"

    client = LocalFunctions(Real(), {"mine": lambda event, context: "local"}, lambda name: Ctx())
    assert read(client.invoke(FunctionName="mine", Payload=b"{}")) == "local"
    assert read(client.invoke(FunctionName="theirs", Payload=b"{}")) == "real"
    assert client.get_function(FunctionName="x") == "real-get"


FLOW = """
    workflow T
      function work handler "h.work" code "handlers"
      Work: invoke work
      Done: succeed
    """
HANDLERS = """
    CALLS = []

    def work(event, context=None):
        CALLS.append(context.function_name)
        return {"ran": len(CALLS), "function": context.function_name}
    """


def test_the_simulated_step_invokes_the_handler_function_and_throttles_never_reach_the_workflow(tmp_path):
    result = compile_with_handlers(tmp_path, FLOW, HANDLERS)
    clean = simulate(result, "T", {})
    # the handler ran in its own function (its context names it), once; both invocations are billed
    assert clean.status == "SUCCEEDED" and clean.output == {"ran": 1, "function": "WorkFunction"}
    runtime = 3  # the ingress function: the start, then its message; the step's function runs Work
    assert clean.billed.lambda_invocations == runtime + 1
    # six throttled invokes: the first delivery gives up after four attempts (the handler did not run), the
    # redelivery gets through on its third: the same outcome, the handler still ran once
    throttles = Outage(lambda call: call.service == "lambda" and call.operation == "invoke",
                       code="TooManyRequestsException", times=6)
    run = simulate(result, "T", {}, faults=Faults(outages=[throttles]))
    assert run.same_outcome(clean) and run.output == clean.output
    assert throttles.times == 0


def test_a_handler_error_reaches_catch_through_the_invoke():
    onboarding = analyse([WORKFLOWS / "member_onboarding.flow"])

    def unknown(event, context=None):
        raise HandlerError("UnknownUser", "stranger")

    run = simulate(onboarding, "MemberOnboarding", MEMBER, handlers={"FetchEmployee": unknown})
    assert (run.status, run.error) == ("FAILED", "OnboardingFailed")
    caught = [e for e in run.events if e["type"] == "TaskFailed"]
    assert caught and caught[0]["taskFailedEventDetails"]["error"] == "UnknownUser"
    cause = json.loads(caught[0]["taskFailedEventDetails"]["cause"])
    assert (cause["errorType"], cause["errorMessage"]) == ("UnknownUser", "stranger")
    assert cause["requestId"].startswith("FetchEmployeeFunction-")  # the handler function's own request
