"""Task resources the runtime calls with boto3: what Step Functions would call on the workflow's behalf.

Request-response only (the patterns SQS can reproduce faithfully; `.waitForTaskToken` and `.sync` on
non-workflow resources are compile errors). Parameters are the ASL ones, which are the API member names
boto3 takes too; responses are returned without `ResponseMetadata`. Errors follow Step Functions' naming:
`<Service>.<ErrorCode>` with an `Exception` suffix (`DynamoDB.ConditionalCheckFailedException`,
`Lambda.TooManyRequestsException`), anything else `States.TaskFailed`.

Child workflows of the same deployment (`states:startExecution` on a flowc workflow) are not here: the engine
starts them through their ingress queues.
"""

from __future__ import annotations

import datetime
import json
import re
from dataclasses import dataclass
from typing import Any

from .semantics import StatesError, errors

_STATES_ARN = re.compile(r"^arn:[a-z-]+:states:::(?P<rest>.+)$")
_LAMBDA_ARN = re.compile(r"^arn:[a-z-]+:lambda:[^:]*:[^:]*:function:[^:]+(:[^:]+)?$")
OWN_FUNCTION = "flowc:function:"
MODES = ((".sync:2", "sync2"), (".sync", "sync"), (".waitForTaskToken", "callback"))

# aws-sdk service names (lower case in the Resource) -> boto3 client names, where they differ.
BOTO3_NAMES = {"sfn": "stepfunctions", "cloudwatchlogs": "logs", "eventbridge": "events",
               "apigatewaymanagementapi": "apigatewaymanagementapi", "elasticloadbalancingv2": "elbv2"}
# boto3 client name -> the PascalCase service name Step Functions puts in front of error names.
ERROR_PREFIX = {"dynamodb": "DynamoDB", "sns": "SNS", "sqs": "SQS", "events": "EventBridge", "lambda": "Lambda",
                "stepfunctions": "StepFunctions", "s3": "S3", "sfn": "Sfn"}


@dataclass(frozen=True)
class Resource:
    kind: str  # lambda | service | aws-sdk
    service: str = ""  # lambda, dynamodb, sns, ... (the ASL spelling)
    action: str = ""  # invoke, putItem, ...
    mode: str = "request"
    function: str = ""  # kind lambda: the function ARN

    @property
    def name(self) -> str:
        return f"{self.service}:{self.action}"


def parse_resource(resource: str) -> Resource:
    if resource.startswith(OWN_FUNCTION):  # one of the deployment's own functions: runs in-process
        return Resource("lambda", "lambda", "function", "request", resource)
    match = _STATES_ARN.match(resource)
    if match is None:
        if _LAMBDA_ARN.match(resource):
            return Resource("lambda", "lambda", "function", "request", resource)
        return Resource("unknown", resource)
    rest, mode = match.group("rest"), "request"
    for suffix, name in MODES:
        if rest.endswith(suffix):
            rest, mode = rest[: -len(suffix)], name
            break
    parts = rest.split(":")
    if parts[0] == "aws-sdk" and len(parts) == 3:
        return Resource("aws-sdk", parts[1], parts[2], mode)
    if len(parts) == 2:
        return Resource("service", parts[0], parts[1], mode)
    return Resource("unknown", rest, "", mode)


def snake(action: str) -> str:
    from botocore import xform_name

    return xform_name(action[:1].upper() + action[1:])


def plain(value: Any) -> Any:
    """A boto3 response as Step Functions hands it on: JSON values, timestamps as epoch milliseconds."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items() if k != "ResponseMetadata"}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, datetime.datetime):
        return int(value.timestamp() * 1000)
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if hasattr(value, "read"):
        return value.read().decode("utf-8", errors="replace")
    if hasattr(value, "as_tuple"):  # Decimal
        return int(value) if value == int(value) else float(value)
    return value


def error_name(service: str, code: str) -> str:
    prefix = ERROR_PREFIX.get(service) or (service[:1].upper() + service[1:])
    if not code.endswith("Exception"):
        code += "Exception"
    return f"{prefix}.{code}"


def error_code(err: Exception) -> str | None:
    """The AWS error code of a botocore ClientError (None for anything else: a crash, a lost connection)."""
    response = getattr(err, "response", None)
    return response.get("Error", {}).get("Code") if isinstance(response, dict) else None


def client_error(service: str, err: Exception) -> StatesError:
    response = getattr(err, "response", None)
    if not isinstance(response, dict) or "Error" not in response:
        return StatesError(errors.TASK_FAILED, f"{type(err).__name__}: {err}")
    info = response.get("Error", {})
    code = str(info.get("Code") or "UnknownError")
    status = response.get("ResponseMetadata", {}).get("HTTPStatusCode", 400)
    request_id = response.get("ResponseMetadata", {}).get("RequestId", "")
    cause = (f"{info.get('Message', '')} (Service: {ERROR_PREFIX.get(service, service)}; Status Code: {status}; "
             f"Error Code: {code}; Request ID: {request_id}; Proxy: null)")
    return StatesError(error_name(service, code), cause)


def _text(value: Any) -> str:
    """JSON bodies (Message, MessageBody, Detail) are sent as compact JSON text, strings as they are."""
    return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def call_service(services: Any, resource: Resource, params: Any) -> Any:
    """Optimised integrations (dynamodb, sns, sqs, events, lambda:invoke of an external function) and aws-sdk."""
    if not isinstance(params, dict):
        params = {}
    params = dict(params)
    service = resource.service
    if resource.kind == "aws-sdk":
        service = BOTO3_NAMES.get(service, service)
    elif service == "sns" and resource.action == "publish" and "Message" in params:
        params["Message"] = _text(params["Message"])
    elif service == "sqs" and resource.action == "sendMessage" and "MessageBody" in params:
        params["MessageBody"] = _text(params["MessageBody"])
    elif service == "events" and resource.action == "putEvents":
        params["Entries"] = [{**e, "Detail": _text(e["Detail"])} if isinstance(e, dict) and "Detail" in e else e
                             for e in params.get("Entries", [])]
    elif service == "states":
        service = "stepfunctions"
        if "Input" in params:
            params["Input"] = _text(params["Input"])
    client = services.client(service)
    try:
        method = getattr(client, snake(resource.action))
    except AttributeError:
        raise StatesError(errors.RUNTIME, f"{resource.name} is not an action boto3 knows") from None
    try:
        response = plain(method(**params))
    except Exception as err:
        raise client_error(service, err) from None
    if service == "events" and resource.action == "putEvents" and response.get("FailedEntryCount"):
        raise StatesError("EventBridge.FailedEntry", json.dumps(response, separators=(",", ":")))
    return response


# Invoke errors that mean the function did not run: safe to try again at once (botocore's own retries are off
# for Lambda, see services._boto3_client: a retried synchronous invoke could run the function twice).
THROTTLED = {"TooManyRequestsException", "EC2ThrottledException"}
# Pauses between the tries of a call the runtime repeats itself within one invocation (a throttled handler
# invoke, a throttled outcome record): four tries in under two seconds, then the message is redelivered.
RETRY_PAUSES = (0.25, 0.5, 1.0)
INVOKE_ATTEMPTS = len(RETRY_PAUSES) + 1


class HandlerNotRun(Exception):
    """The handler's function was throttled on every attempt (or unreachable): it did not run, or cannot be
    known to have run; an infrastructure failure, so the message is redelivered rather than the task failed."""


def invoke_function(services: Any, function: str, payload: Any, *, asynchronous: bool = False,
                    own: bool = False) -> Any:
    """lambda:Invoke (RequestResponse or Event) as Step Functions makes it: the function's result, or a
    StatesError named as Step Functions names it: a function error is `errorType` with the error payload as
    cause; an API error is `Lambda.<Code>`. `own`: one of the deployment's handler functions, whose throttling
    (and unreachability) is the runtime's problem, not the workflow's: HandlerNotRun."""
    client = services.client("lambda")
    body = json.dumps(payload).encode()
    for attempt in range(INVOKE_ATTEMPTS):
        try:
            response = client.invoke(FunctionName=function,
                                     InvocationType="Event" if asynchronous else "RequestResponse", Payload=body)
            break
        except Exception as err:
            code = error_code(err)
            if code in THROTTLED and attempt + 1 < INVOKE_ATTEMPTS:
                clock = services.clock
                (getattr(clock, "sleep", None) or clock.advance)(RETRY_PAUSES[attempt])
                continue
            if own and (code is None or code in THROTTLED):
                raise HandlerNotRun(f"{function}: {type(err).__name__}: {err}") from err
            raise client_error("lambda", err) from None
    raw = response.get("Payload", b"")
    raw = raw.read() if hasattr(raw, "read") else raw
    text = raw.decode("utf-8") if isinstance(raw, bytes) else (raw or "")
    if response.get("FunctionError"):
        try:
            detail = json.loads(text)
        except ValueError:
            detail = None
        error = detail.get("errorType") if isinstance(detail, dict) else None
        raise StatesError(str(error or "Lambda.Unknown"), text)
    return json.loads(text) if text.strip() else None


def invoke_external_lambda(services: Any, function: str, payload: Any, *, asynchronous: bool = False) -> Any:
    """A Lambda that is not part of the deployment (declared with `arn`): a real Invoke."""
    return invoke_function(services, function, payload, asynchronous=asynchronous)
