"""`flowc run FILE --remote --stack NAME`: run a workflow on its deployment instead of locally.

asl: StartExecution on the stack's state machine, the history followed with GetExecutionHistory.
sqs: the ingress function invoked with the input, the tracking table followed (`--drive`: this process
polls the stack's queues and runs the runtime itself, for emulators whose Lambda cannot run code).
Progress (one line per history event) goes to stderr, the output to stdout; exit 0 SUCCEEDED, 1 otherwise.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
from flowc.compiler.commands._aws import EXIT_FAILED, aws_errors, say


def run_remote(file: Path, workflow: str | None, data: Any, target: str, stack: str | None, drive: bool,
               name: str | None, trace: bool, as_json: bool, where: Any) -> None:
    if target == "both":
        raise click.UsageError("--remote runs one deployment: choose --target asl or --target sqs")
    if not stack:
        raise click.UsageError("--remote needs --stack NAME (the stack `flowc deploy` created)")
    if drive and target != "sqs":
        raise click.UsageError("--drive only applies to --target sqs")
    result, workflow = _analyse(file, workflow)
    with aws_errors("run"):
        from flowc.targets.aws.execution import event_line
        from flowc.targets.aws.session import Aws

        def on_event(event: dict[str, Any]) -> None:
            say(json.dumps(event, ensure_ascii=False, default=str) if trace else event_line(event))

        aws = Aws(where)
        if target == "asl":
            from flowc.targets.aws.execution import run_remote as run_asl

            run = run_asl(aws, stack, workflow, data, name=name, on_event=on_event)
        else:
            run = _run_chain(aws, result, file, stack, workflow, data, drive, on_event)
    say(f"{target} (remote): {run.status}, {len(run.events)} history events, {run.execution_arn}")
    if run.status != "SUCCEEDED":
        say(f"{target} (remote): error {run.error}: {run.cause}")
    if as_json:
        click.echo(json.dumps(run.model_dump(), indent=2, ensure_ascii=False, default=str))
    elif run.status == "SUCCEEDED":
        click.echo(json.dumps(run.output, indent=2, ensure_ascii=False))
    sys.exit(0 if run.status == "SUCCEEDED" else EXIT_FAILED)


def _run_chain(aws: Any, result: Any, file: Path, stack: str, workflow: str, data: Any, drive: bool,
               on_event: Any) -> Any:
    import tempfile

    from flowc.targets.aws.chain import ChainStack, follow, start, state_types
    from flowc.targets.aws.driver import Driver, compiled_flows, local_handlers
    from flowc.targets.aws.package import render_app
    from flowc.targets.aws.session import AwsError

    with tempfile.TemporaryDirectory(prefix="flowc-run-") as tmp:
        try:
            flows = compiled_flows(render_app(result, "sqs", Path(tmp), [str(file)]))
        except ValueError as err:
            raise AwsError(f"the sqs target refuses this program: {err}") from None
    chain = ChainStack(aws, stack)
    types = state_types(flows[workflow]["definition"])
    if not drive:
        arn, name = start(aws, chain, workflow, data)
        return follow(aws, chain, workflow, name, arn, types=types, on_event=on_event)
    driver = Driver(aws, chain, flows, local_handlers(result, flows))
    with driver.driving():
        arn, name = driver.start(workflow, data)
        return follow(aws, chain, workflow, name, arn, types=types, on_event=on_event, step=driver.step)


def _analyse(file: Path, workflow: str | None) -> tuple[Any, str]:
    from flowc.compiler.commands.run import analyse_workflow

    if not file.exists():
        raise click.UsageError(f"{file}: no such file")
    return analyse_workflow(file, workflow)

