"""What the commands that talk to AWS share: the connection options and one way of failing.

`deploy`, `history` and `run --remote` take `--region`, `--profile` and `--endpoint-url` (an emulator such
as moto's server; botocore also honours `AWS_ENDPOINT_URL`). Failures print one line, never a traceback and
never a credential: a missing `run` extra exits 2, an AWS error or a refused deployment exits 1.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from typing import Any

import click

EXIT_FAILED, EXIT_USAGE = 1, 2


def aws_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """--region/--profile/--endpoint-url/--poll-interval."""
    options = [
        click.option("--region", envvar="AWS_REGION", help="AWS region (default: AWS_REGION, the profile's region)."),
        click.option("--profile", envvar="AWS_PROFILE", help="Named profile of the shared AWS config."),
        click.option("--endpoint-url", metavar="URL",
                     help="Talk to this endpoint instead of AWS (an emulator, e.g. http://127.0.0.1:5000)."),
        click.option("--poll-interval", type=click.FloatRange(min=0.01), default=2.0, show_default=True,
                     help="Seconds between polls of stack events, executions and tracking records."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def settings(region: str | None, profile: str | None, endpoint_url: str | None, poll_interval: float) -> Any:
    from flowc.targets.aws.session import AwsSettings

    return AwsSettings(region=region, profile=profile, endpoint_url=endpoint_url, poll_seconds=poll_interval)


def say(text: str) -> None:
    """Progress, on stderr (stdout carries the result: outputs, execution output, history)."""
    click.echo(text, err=True)


@contextlib.contextmanager
def aws_errors(command: str) -> Iterator[None]:
    """Turn the failures of AWS-facing code into one line and an exit status."""
    from flowc.targets.aws.session import AwsError, MissingExtra, describe_error

    try:
        yield
    except MissingExtra as err:
        click.echo(f"flowc {command}: {err}", err=True)
        sys.exit(EXIT_USAGE)
    except AwsError as err:
        click.echo(f"flowc {command}: {err}", err=True)
        sys.exit(EXIT_FAILED)
    except Exception as err:
        module = type(err).__module__ or ""
        if module.startswith(("botocore", "boto3")):
            click.echo(f"flowc {command}: {describe_error(err)}", err=True)
            sys.exit(EXIT_FAILED)
        raise
