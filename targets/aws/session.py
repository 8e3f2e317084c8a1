"""AWS clients for the deploy/remote commands: one place for region, profile, endpoint and retries.

Throttling is retried by botocore itself (`standard` mode: exponential backoff with jitter on
`Throttling*`, `TooManyRequests*`, `RequestLimitExceeded`, 5xx and connection errors), with more attempts
than the default 3 because CloudFormation and Step Functions polling can run for minutes. Credentials
come from botocore's usual chain (environment, profile, SSO, instance role) and are never printed: errors
are reduced to their code and message, and `redact` masks anything that looks like a key.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from pydantic import BaseModel, ConfigDict

MAX_ATTEMPTS = 10  # in all, the first try included
INSTALL_HINT = "pip install 'flowc[run]'"


class MissingExtra(RuntimeError):
    """boto3 is not installed: the command needs the `run` extra."""


class AwsError(RuntimeError):
    """An AWS call failed for a reason the user can act on (one line, no credentials, no traceback)."""


class AwsSettings(BaseModel):
    """Where to talk to: what the CLI options say, passed to every AWS-facing module."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    region: str | None = None
    profile: str | None = None
    endpoint_url: str | None = None  # an emulator (moto server, LocalStack); None: AWS (or AWS_ENDPOINT_URL)
    poll_seconds: float = 2.0  # how often stack events, executions and tracking records are polled


def require_boto3() -> None:
    """Raise MissingExtra unless boto3 can be imported."""
    import importlib.util

    if importlib.util.find_spec("boto3") is None:
        raise MissingExtra(f"this command talks to AWS and needs boto3: {INSTALL_HINT}")


_KEY_ID = re.compile(r"\b(?:AKIA|ASIA|AIDA|AROA)[A-Z0-9]{12,}\b")
_SECRET_VALUE = re.compile(r"(?i)\b((?:aws_)?(?:secret|session_token|token|signature|credential)[\w-]*\s*[=:]\s*)"
                           r"[^\s,;&\"']+")


def redact(text: str) -> str:
    """Mask access key ids and `secret=...`/`token: ...`-style values in a message before it is printed."""
    return _SECRET_VALUE.sub(r"\1***", _KEY_ID.sub("***", text))


def describe_error(err: BaseException) -> str:
    """One printable line for a botocore error: `Code: message`, redacted."""
    response = getattr(err, "response", None)
    if isinstance(response, dict) and "Error" in response:
        error = response["Error"]
        return redact(f"{error.get('Code', type(err).__name__)}: {error.get('Message', '')}".rstrip(": "))
    return redact(f"{type(err).__name__}: {err}")


class Aws:
    """A boto3 session plus cached clients configured for retries; `settings` says where."""

    def __init__(self, settings: AwsSettings):
        require_boto3()
        import boto3
        from botocore.config import Config

        self.settings = settings
        self.session = boto3.Session(profile_name=settings.profile, region_name=settings.region)
        if not self.session.region_name:
            raise AwsError("no region: pass --region or set AWS_REGION / AWS_DEFAULT_REGION")
        self.region: str = self.session.region_name
        self.config = Config(retries={"mode": "standard", "total_max_attempts": MAX_ATTEMPTS},
                             user_agent_extra="flowc")

    @functools.cache  # noqa: B019 - one client per service for the life of this object
    def client(self, service: str) -> Any:
        kwargs: dict[str, Any] = {"config": self.config}
        if self.settings.endpoint_url:
            kwargs["endpoint_url"] = self.settings.endpoint_url
        return self.session.client(service, **kwargs)

    @functools.cached_property
    def account(self) -> str:
        return self.client("sts").get_caller_identity()["Account"]

    @property
    def partition(self) -> str:
        return self.session.get_partition_for_region(self.region)
