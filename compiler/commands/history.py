"""`flowc history EXECUTION --stack NAME`: an execution's history, Step Functions style, for either target.

asl: GetExecutionHistory. sqs: rebuilt from the chain's tracking table (`flowc.targets.aws.history`), the
"where has this message been" view SQS itself does not give. EXECUTION is an execution ARN (what
`flowc run --remote` prints) or `Workflow/name`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
from flowc.compiler.commands._aws import aws_errors, aws_options, settings


def parse_execution(execution: str, stack: str | None) -> tuple[str, str, str | None]:
    """(workflow, name, ARN or None) from an ARN `...:execution:<stack>-<Workflow>:<name>` or `Workflow/name`."""
    if execution.startswith("arn:"):
        parts = execution.split(":")
        if len(parts) < 8 or parts[5] not in ("execution", "express"):
            raise click.UsageError(f"{execution}: not an execution ARN")
        machine, name = parts[6], parts[7]
        workflow = machine[len(stack) + 1:] if stack and machine.startswith(stack + "-") else machine.rsplit("-", 1)[-1]
        return workflow, name, execution
    workflow, sep, name = execution.partition("/")
    if not sep or not workflow or not name:
        raise click.UsageError(f"{execution}: write an execution ARN or Workflow/name")
    return workflow, name, None


@click.command()
@click.argument("execution")
@click.option("--stack", "-s", help="The deployed stack (needed for SQS-chain executions and Workflow/name).")
@click.option("--json", "as_json", is_flag=True, help="Print the events as a JSON array.")
@click.option("--file", "source", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="SQS chain: the workflow's source, to give each state its type (default: every step is a task).")
@aws_options
def command(execution: str, stack: str | None, as_json: bool, source: Path | None, region: str | None,
            profile: str | None, endpoint_url: str | None, poll_interval: float) -> None:
    """Print the history of EXECUTION (an execution ARN, or Workflow/name with --stack)."""
    workflow, name, arn = parse_execution(execution, stack)
    with aws_errors("history"):
        from flowc.targets.aws.session import Aws, AwsError

        aws = Aws(settings(region, profile, endpoint_url, poll_interval))
        events, status = _events(aws, stack, workflow, name, arn, _state_types(source, workflow))
        if events is None:
            raise AwsError(f"no execution {workflow}/{name} in stack {stack}")
    _print(events, as_json)
    click.echo(f"{workflow}/{name}: {status}, {len(events)} events", err=True)


def _state_types(source: Path | None, workflow: str) -> dict[str, str] | None:
    """{state: Type} of `workflow` compiled from `source` (None without a source)."""
    if source is None:
        return None
    from flowc.compiler.commands._output import print_diagnostics
    from flowc.compiler.pipeline import analyse
    from flowc.targets.aws.chain import state_types

    result = analyse([source])
    print_diagnostics(result.diagnostics)
    emitted = result.asl.get(workflow) if result.ok else None
    if emitted is None:
        raise click.UsageError(f"{source}: no workflow {workflow} compiles there")
    return state_types(emitted.definition)


def _events(aws: Any, stack: str | None, workflow: str, name: str, arn: str | None,
            types: dict[str, str] | None) -> tuple[Any, str]:
    from flowc.targets.aws.stack import stack_resources

    if stack is not None:
        kinds = {kind for kind, _ in stack_resources(aws, stack).values()}
        chain = "AWS::StepFunctions::StateMachine" not in kinds
    elif arn is not None:
        chain = False
    else:
        raise click.UsageError("Workflow/name needs --stack")
    if chain:
        from flowc.targets.aws.chain import ChainStack
        from flowc.targets.aws.history import execution_status, rebuild, tracking_items

        tracking = ChainStack(aws, stack or "")
        key = f"{workflow}/{name}"
        record = execution_status(aws, tracking.table, key)
        if record is None:
            return None, ""
        return rebuild(tracking_items(aws, tracking.table, key), types), str(record.get("status"))
    from flowc.targets.aws.execution import history, state_machine_arn

    if arn is None:
        machine = state_machine_arn(aws, stack or "", workflow)
        arn = machine.replace(":stateMachine:", ":execution:", 1) + f":{name}"
    status = aws.client("stepfunctions").describe_execution(executionArn=arn)["status"]
    return history(aws, arn), status


def _print(events: list[dict[str, Any]], as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(events, indent=2, ensure_ascii=False, default=str))
        return
    from flowc.targets.aws.execution import event_line

    for event in events:
        click.echo(event_line(event).strip())
