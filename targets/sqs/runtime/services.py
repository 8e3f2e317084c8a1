"""What the runtime needs from its surroundings, behind one object so tests can replace any of it.

In Lambda everything comes from the environment: boto3 clients, the wall clock, queue names in environment
variables (one per queue the function may send to: least privilege), the name of the function a handler
step invokes. The SQS simulator builds a `Services` with moto clients (and a Lambda that runs the handlers
in-process), a virtual clock and an event sink instead; the engine cannot tell the difference.
"""

from __future__ import annotations

import json
import os
import sys
import time
import traceback
from collections.abc import Callable, Mapping
from typing import Any

from .semantics import StatesError


class SystemClock:
    def now(self) -> float:
        return time.time()

    def advance(self, seconds: float) -> None:  # pragma: no cover - only virtual clocks move on request
        pass

    def sleep(self, seconds: float) -> None:  # pragma: no cover - a real wait inside the function
        time.sleep(max(0.0, seconds))

    def call_at(self, moment: float, action: Callable[[], None]) -> Callable[[], None]:
        """Run `action` on a daemon thread at `moment` (the runtime's timeout watchdog); returns a cancel."""
        import threading

        timer = threading.Timer(max(0.0, moment - time.time()), action)
        timer.daemon = True
        timer.start()
        return timer.cancel


def lambda_error(exc: BaseException, request_id: str = "") -> StatesError:
    """A handler exception the way the AWS Lambda Python runtime reports it to Step Functions."""
    error_type = getattr(exc, "error_type", None) or type(exc).__name__
    cause = {"errorMessage": str(exc), "errorType": error_type}
    if request_id:
        cause["requestId"] = request_id
    cause["stackTrace"] = [line.rstrip("\n") for line in traceback.format_tb(exc.__traceback__)[-3:]]
    return StatesError(error_type, json.dumps(cause, separators=(", ", ": ")))


# Event fields that carry execution data (what Step Functions leaves out of its logs unless
# IncludeExecutionData is set): written only with FLOWC_LOG_DATA=true (`logging <level> data`).
DATA_FIELDS = ("input", "output", "cause")


def log_event(event: Mapping[str, Any]) -> None:
    """Default event sink: one JSON line per event in the function's log (CloudWatch Logs)."""
    level = os.environ.get("FLOWC_LOG", "info")
    if level == "off" or (level == "info" and event.get("type") in ("StateEntered",)):
        return
    if os.environ.get("FLOWC_LOG_DATA", "false") != "true":
        event = {k: ("<omitted>" if k in DATA_FIELDS else v) for k, v in event.items()}
    print(json.dumps({"flowc": event}, separators=(",", ":"), default=str), file=sys.stdout, flush=True)


class Services:
    """Clients, clock, configuration and hooks for one function (or for the whole simulated stack)."""

    def __init__(self, *, env: Mapping[str, str] | None = None, clock: Any = None,
                 client_factory: Callable[[str], Any] | None = None, region: str | None = None,
                 account: str | None = None, partition: str = "aws",
                 handlers: Mapping[str, Callable[..., Any]] | None = None,
                 events: Callable[[Mapping[str, Any]], None] | None = None,
                 error_formatter: Callable[[BaseException], StatesError] | None = None,
                 seed: int = 0):
        self.env: Mapping[str, str] = env if env is not None else os.environ
        self.clock = clock or SystemClock()
        self._factory = client_factory or _boto3_client
        self._clients: dict[str, Any] = {}
        self.region = region or self.env.get("AWS_REGION") or self.env.get("AWS_DEFAULT_REGION") or "us-east-1"
        self.account = account or self.env.get("FLOWC_ACCOUNT") or ""
        self.partition = partition
        self.handlers = dict(handlers or {})
        self.events = events or log_event
        self.error_formatter = error_formatter
        self.seed = seed

    # -- identity ------------------------------------------------------------------------------
    def learn_from_context(self, context: Any) -> None:
        """The account id (and partition) from the invoked function's ARN, on first use."""
        arn = getattr(context, "invoked_function_arn", "") or ""
        parts = arn.split(":")
        if len(parts) > 4:
            self.partition = parts[1] or self.partition
            self.account = self.account or parts[4]
            self.region = parts[3] or self.region

    @property
    def stack(self) -> str:
        return self.env.get("FLOWC_STACK", "flowc")

    @property
    def table(self) -> str:
        return self.env["FLOWC_TABLE"]

    # -- clients -------------------------------------------------------------------------------
    def client(self, service: str) -> Any:
        found = self._clients.get(service)
        if found is None:
            found = self._clients[service] = self._factory(service)
        return found

    def queue_url(self, logical: str) -> str:
        """The URL of a queue this function may send to; its name comes from the environment."""
        try:
            name = self.env[logical]
        except KeyError:
            raise LookupError(f"queue {logical} is not in this function's environment: the routing "
                              "configuration and the template disagree") from None
        if name.startswith("https://"):
            return name
        return self.queue_url_for_name(name)

    def queue_url_for_name(self, name: str) -> str:
        domain = "amazonaws.com.cn" if self.partition == "aws-cn" else "amazonaws.com"
        return f"https://sqs.{self.region}.{domain}/{self.account}/{name}"

    def function_name(self, logical: str) -> str:
        """The name of the handler function a step invokes; it comes from the environment."""
        try:
            return self.env[logical]
        except KeyError:
            raise LookupError(f"function {logical} is not in this function's environment: the routing "
                              "configuration and the template disagree") from None

    def format_error(self, exc: BaseException, request_id: str = "") -> StatesError:
        if self.error_formatter is not None:
            return self.error_formatter(exc)
        return lambda_error(exc, request_id)

    def emit(self, event: Mapping[str, Any]) -> None:
        self.events(event)


# A synchronous invoke waits for the function (up to Lambda's 15 minutes); botocore must not retry it, which
# could run the function twice (integrations.invoke_function retries only what did not run: throttling).
LAMBDA_READ_TIMEOUT = 905


def _boto3_client(service: str) -> Any:
    import boto3  # provided by the Lambda Python runtime

    if service == "lambda":
        from botocore.config import Config

        return boto3.client(service, config=Config(read_timeout=LAMBDA_READ_TIMEOUT, connect_timeout=10,
                                                   retries={"total_max_attempts": 1}))
    return boto3.client(service)
