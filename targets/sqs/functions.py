"""The handler functions of an SQS-chain deployment, run in this process behind a Lambda client.

A handler step's function invokes the handler's own function (`lambda:Invoke`, the handler's role is not the
runtime's). Where no Lambda can run the code (the simulator, `flowc run --remote --drive` on an emulator), a
`LocalFunctions` client stands in for Lambda: `invoke` of a handler function runs the handler here and
answers as the AWS Lambda Python runtime does (`FunctionError: Unhandled` with the `errorMessage`/
`errorType`/`requestId`/`stackTrace` payload, `Runtime.MarshalError` for a result that is not JSON,
`Function.ResponseSizeTooLarge` past 6 MB, `Sandbox.Timedout` past the function's timeout); every other
call goes to the real client. The runtime's invoke and error mapping (`flowc_sqs.integrations.
invoke_function`) is the code path that runs either way.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Mapping
from typing import Any

MAX_RESPONSE_BYTES = 6291556  # a synchronous invocation's response, as Lambda reports the limit


class FunctionTimedOut(Exception):
    """The handler ran past its function's timeout: Lambda stopped it (raised by whoever keeps the time)."""

    def __init__(self, timeout: float, request_id: str = ""):
        super().__init__(f"Task timed out after {timeout:.2f} seconds")
        self.timeout = timeout
        self.request_id = request_id


def error_payload(exc: BaseException, request_id: str = "") -> tuple[str, str]:
    """(errorType, payload text) of a handler exception, as the Lambda Python runtime reports it."""
    from flowc.targets.local import TaskFailure
    from flowc.targets.sqs.runtime.services import lambda_error

    if isinstance(exc, FunctionTimedOut):
        text = json.dumps({"errorType": "Sandbox.Timedout",
                           "errorMessage": f"RequestId: {exc.request_id or request_id} Error: {exc}"})
        return "Sandbox.Timedout", text
    err = lambda_error(exc, request_id)
    if isinstance(exc, TaskFailure):  # a handler that names its error (a test double): errorType is that name
        body = {**json.loads(err.cause), "errorType": exc.error}
        return exc.error, json.dumps(body, separators=(", ", ": "))
    return err.error, err.cause


def answer(handler: Callable[[Any, Any], Any], payload: bytes | str, context: Any, *,
           asynchronous: bool = False) -> dict[str, Any]:
    """One invocation of a function running `handler`: the response Lambda's Invoke API gives."""
    raw = payload.decode("utf-8") if isinstance(payload, bytes) else (payload or "")
    event = json.loads(raw) if raw.strip() else {}
    request_id = str(getattr(context, "aws_request_id", "") or "")
    failed = False
    try:
        result = handler(event, context)
        try:
            body = json.dumps(result)
        except (TypeError, ValueError) as exc:
            failed, body = True, json.dumps({"errorMessage": f"Unable to marshal response: {exc}",
                                             "errorType": "Runtime.MarshalError", "requestId": request_id,
                                             "stackTrace": []})
    except Exception as exc:
        failed, (_, body) = True, error_payload(exc, request_id)
    if not failed and len(body.encode("utf-8")) > MAX_RESPONSE_BYTES:
        failed, body = True, json.dumps({"errorMessage": "Response payload size exceeded maximum allowed payload "
                                                         f"size ({MAX_RESPONSE_BYTES} bytes).",
                                         "errorType": "Function.ResponseSizeTooLarge"})
    if asynchronous:  # Lambda queued the event and answered at once; the function's errors stay in Lambda
        return {"StatusCode": 202, "Payload": io.BytesIO(b"")}
    response: dict[str, Any] = {"StatusCode": 200, "ExecutedVersion": "$LATEST",
                                "Payload": io.BytesIO(body.encode("utf-8"))}
    if failed:
        response["FunctionError"] = "Unhandled"
    return response


class LocalFunctions:
    """A Lambda client whose `invoke` of the named handler functions runs them here; the rest is the real one."""

    def __init__(self, client: Any, functions: Mapping[str, Callable[[Any, Any], Any]],
                 context: Callable[[str], Any]):
        self._client = client
        self._functions = dict(functions)
        self._context = context

    def invoke(self, *, FunctionName: str, InvocationType: str = "RequestResponse",  # boto3 spells them so
               Payload: bytes | str = b"", **kwargs: Any) -> dict[str, Any]:
        handler = self._functions.get(FunctionName)
        if handler is None:
            return self._client.invoke(FunctionName=FunctionName, InvocationType=InvocationType, Payload=Payload,
                                       **kwargs)
        return answer(handler, Payload, self._context(FunctionName), asynchronous=InvocationType == "Event")

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)
