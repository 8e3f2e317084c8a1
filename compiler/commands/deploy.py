"""`flowc deploy FILE --target asl|sqs --stack NAME`: compile, package, and create/update a stack."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flowc.compiler.commands._aws import EXIT_FAILED, aws_errors, aws_options, say, settings


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--target", "-t", type=click.Choice(["asl", "sqs"]), default="asl", show_default=True,
              help="asl: Step Functions state machines; sqs: Lambdas chained by SQS queues.")
@click.option("--stack", "-s", required=True, help="CloudFormation stack to create or update.")
@click.option("--bucket", help="S3 bucket for code and large templates (default: flowc-artifacts-<account>-<region>, "
                               "created private and encrypted if missing).")
@click.option("--prefix", default=None, help="S3 key prefix for the artifacts (default: the stack name).")
@aws_options
def command(files: tuple[Path, ...], target: str, stack: str, bucket: str | None, prefix: str | None,
            region: str | None, profile: str | None, endpoint_url: str | None, poll_interval: float) -> None:
    """Deploy FILES as one CloudFormation stack (SAM transform, code to S3, change set) and print its outputs."""
    from flowc.compiler.commands._output import print_diagnostics, summary
    from flowc.compiler.pipeline import analyse

    for file in files:
        if not file.exists():
            raise click.UsageError(f"{file}: no such file")
    result = analyse(list(files))
    errors, warnings = print_diagnostics(result.diagnostics)
    if not result.ok or result.program is None:
        click.echo(f"{summary(errors, warnings)}; nothing deployed", err=True)
        sys.exit(EXIT_FAILED)
    with aws_errors("deploy"):
        outcome = _deploy(result, target, stack, bucket, prefix or stack, [str(f) for f in files],
                          settings(region, profile, endpoint_url, poll_interval))
    if not outcome.ok:
        for failure in outcome.failures:
            click.echo(f"  {failure}", err=True)
        click.echo(f"flowc deploy: stack {stack} is {outcome.status}", err=True)
        sys.exit(EXIT_FAILED)
    for key, value in sorted(outcome.outputs.items()):
        click.echo(f"{key} = {value}")
    click.echo(f"stack {stack}: {outcome.status}" + ("" if outcome.changed else " (unchanged)"), err=True)


def _deploy(result, target: str, stack: str, bucket: str | None, prefix: str, sources: list[str], where):
    import tempfile

    import yaml
    from flowc.targets.aws.package import ensure_bucket, package, render_app, template_source
    from flowc.targets.aws.session import Aws, AwsError
    from flowc.targets.aws.stack import deploy_stack

    aws = Aws(where)
    with tempfile.TemporaryDirectory(prefix="flowc-deploy-") as tmp:
        build = Path(tmp)
        try:
            files = render_app(result, target, build, sources)
        except ValueError as err:
            raise AwsError(f"the {target} target refuses this program: {err}") from None
        sam = yaml.safe_load(files["template.yaml"])
        name = ensure_bucket(aws, bucket)
        packaged = package(aws, sam, build, bucket=name, prefix=prefix)
    for artifact in packaged.artifacts:
        state = "uploaded" if artifact.uploaded else "unchanged"
        say(f"{artifact.logical_id}: s3://{name}/{artifact.key} ({artifact.size:,} bytes, {state})")
    source = template_source(aws, packaged, prefix)
    return deploy_stack(aws, stack, source, say=say, tags={"flowc:target": target})
