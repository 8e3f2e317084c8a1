"""`flowc run FILE`: execute a workflow locally, on the ASL interpreter, the SQS simulator, or both."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
from flowc.compiler.commands._aws import aws_options
from flowc.compiler.commands._options import common_options, console

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _json_arg(text: str, what: str) -> Any:
    """JSON text, or @file holding it."""
    try:
        if text.startswith("@"):
            return json.loads(Path(text[1:]).read_text(encoding="utf-8"))
        return json.loads(text)
    except FileNotFoundError:
        raise click.UsageError(f"{what}: file {text[1:]} not found") from None
    except ValueError as err:
        raise click.UsageError(f"{what}: not valid JSON: {err}") from None


def parse_mocks(values: tuple[str, ...]) -> dict[str, Any]:
    from flowc.targets.local import Mock

    mocks: dict[str, Any] = {}
    for value in values:
        step, sep, spec = value.partition("=")
        if not sep or not step:
            raise click.UsageError(f"--mock {value!r}: write STEP=@file.json or STEP='{{\"result\": ...}}'")
        data = _json_arg(spec, f"--mock {step}")
        try:
            mocks[step] = Mock(data)
        except ValueError as err:
            raise click.UsageError(f"--mock {step}: {err}") from None
    return mocks


def analyse_workflow(file: Path, workflow: str | None) -> tuple[Any, str]:
    """Compile FILE (diagnostics printed; exit 1 on errors) and pick the workflow to run: the one FILE holds, or
    `--workflow`."""
    from flowc.compiler.commands._output import print_diagnostics, summary
    from flowc.compiler.pipeline import analyse

    result = analyse([file])
    errors, warnings = print_diagnostics(result.diagnostics)
    if not result.ok or result.program is None:
        click.echo(f"{summary(errors, warnings)}; nothing run", err=True)
        sys.exit(EXIT_FAILED)
    names = [n for n, wf in result.program.workflows.items() if Path(wf.file).resolve() == file.resolve()]
    if workflow is None:
        if len(names) != 1:
            raise click.UsageError(f"{file} holds {len(names)} workflows ({', '.join(names)}); choose with --workflow")
        workflow = names[0]
    elif workflow not in result.program.workflows:
        raise click.UsageError(f"no workflow {workflow!r} (have: {', '.join(result.program.workflows)})")
    return result, workflow


def sqs_available() -> bool:
    from flowc.compiler.testing.spec import sqs_available as available

    return available()


def _summary(run: Any) -> str:
    b = run.billed
    parts = [f"{run.status} in {run.duration_ms} ms of virtual time", f"{len(run.states_entered)} states entered"]
    if run.target == "asl":
        if b.state_transitions:
            parts.append(f"{b.state_transitions} state transitions")
        if b.express_requests:
            parts.append(f"{b.express_requests} express request(s), {b.express_duration_ms} ms billed at "
                         f"{b.express_memory_mb} MB")
    else:
        parts.append(f"{b.sqs_requests} SQS requests")
    if b.lambda_invocations:
        parts.append(f"{b.lambda_invocations} Lambda invocations ({b.lambda_gb_seconds:g} GB-s)")
    if b.dynamodb_writes:
        parts.append(f"{b.dynamodb_writes} DynamoDB write units")
    if b.sns_publishes:
        parts.append(f"{b.sns_publishes} SNS publishes")
    return ", ".join(parts)


def _trace(run: Any) -> None:
    click.echo(f"# {run.target}: execution history ({len(run.events)} events)", err=True)
    for event in run.events:
        click.echo(json.dumps(event, ensure_ascii=False), err=True)
    billed = {k: v for k, v in run.billed.model_dump().items() if v}
    click.echo(f"# {run.target}: billed units {json.dumps(billed)}", err=True)


def _fresh(mocks: dict[str, Any]) -> dict[str, Any]:
    from flowc.targets.local import Mock

    return {k: Mock(v.steps) for k, v in mocks.items()}


class MapProgress:
    """A progress bar per large Map (1,000 iterations or more), on a terminal only."""

    THRESHOLD = 1000

    def __init__(self) -> None:
        self.bars: dict[str, Any] = {}

    def __call__(self, state: str, done: int, total: int) -> None:
        if total < self.THRESHOLD:
            return
        bar = self.bars.get(state)
        if bar is None:
            bar = click.progressbar(length=total, label=f"Map {state}", file=sys.stderr)
            bar.__enter__()
            self.bars[state] = bar
        bar.update(1)
        if done >= total:
            bar.__exit__(None, None, None)
            del self.bars[state]

    def close(self) -> None:
        for bar in self.bars.values():
            bar.__exit__(None, None, None)
        self.bars.clear()


def execute(result: Any, workflow: str, data: Any, target: str, mocks: dict[str, Any], seed: int,
            progress: Any = None, prepared: Any = None) -> Any:
    """One run from a clean state. `prepared` (asl): the program's `Prepared`, made once for all `--repeat`s."""
    if target == "asl":
        from flowc.targets.asl.interpreter import run_workflow

        return run_workflow(result, workflow, data, mocks=_fresh(mocks), seed=seed, progress=progress,
                            prepared=prepared)
    from flowc.targets.sqs.simulator import simulate

    return simulate(result, workflow, data, mocks=_fresh(mocks), seed=seed)


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--workflow", "-w", help="Which workflow of FILE (needed when it holds several).")
@click.option("--input", "-i", "input_", default="{}", show_default=True, help="The execution input: JSON or @file.")
@click.option("--target", "-t", type=click.Choice(["asl", "sqs", "both"]), default="asl", show_default=True,
              help="asl: the compiled ASL on flowc's interpreter; sqs: the generated SQS app on the simulator.")
@click.option("--mock", "mocks", multiple=True, metavar="STEP=@FILE|JSON",
              help="Replace a step: {\"result\": ...}, {\"error\": ..., \"cause\": ...}, or a list of those.")
@click.option("--trace", is_flag=True, help="Print the execution history (AWS event format) and billed units.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed for jitter, UUIDs and random numbers.")
@click.option("--repeat", type=click.IntRange(min=1), default=1, show_default=True,
              help="Run the execution N times (reports executions per second).")
@click.option("--json", "as_json", is_flag=True, help="Print the whole run result as JSON.")
@click.option("--remote", is_flag=True, help="Run on the deployment of --stack (see `flowc deploy`), not locally.")
@click.option("--stack", help="With --remote: the deployed stack.")
@click.option("--drive", is_flag=True, help="With --remote --target sqs: poll the stack's queues and run the "
                                            "runtime in this process (emulators whose Lambda cannot run code).")
@click.option("--name", "execution_name", help="With --remote: the execution name (default: generated).")
@aws_options
@common_options
def command(file: Path, workflow: str | None, input_: str, target: str, mocks: tuple[str, ...], trace: bool,
            seed: int, repeat: int, as_json: bool, remote: bool, stack: str | None, drive: bool,
            execution_name: str | None, region: str | None, profile: str | None, endpoint_url: str | None,
            poll_interval: float) -> None:
    """Run a workflow of FILE locally (or, with --remote, on its deployment) and print its output."""
    import time

    from flowc.compiler.commands._extras import require

    require("run", "run")

    if remote:
        from flowc.compiler.commands._aws import settings
        from flowc.compiler.commands._remote import run_remote

        if mocks or repeat > 1:
            raise click.UsageError("--mock and --repeat apply to local runs only")
        run_remote(file, workflow, _json_arg(input_, "--input"), target, stack, drive, execution_name, trace,
                   as_json, settings(region, profile, endpoint_url, poll_interval))


    data = _json_arg(input_, "--input")
    mock_specs = parse_mocks(mocks)
    targets = ["asl", "sqs"] if target == "both" else [target]
    if "sqs" in targets and not sqs_available():
        click.echo("flowc run: the SQS target is not installed (targets/sqs/simulator.py); use --target asl",
                   err=True)
        sys.exit(EXIT_USAGE)
    if not file.exists():
        raise click.UsageError(f"{file}: no such file")
    from flowc.compiler.testing.raw_asl import is_asl

    if is_asl(file):  # an existing definition, run as written (compiler/commands/_raw_asl.py)
        from flowc.compiler.commands._raw_asl import run_command

        sys.exit(run_command(file, data, targets, mock_specs, trace=trace, seed=seed, repeat=repeat, as_json=as_json))
    result, workflow = analyse_workflow(file, workflow)

    from flowc.targets.asl.interpreter import DefinitionError, RunAborted
    from flowc.targets.local import HandlerError

    runs = {}
    for name in targets:
        try:
            started = time.perf_counter()
            run = None
            prepared = None
            if name == "asl":
                from flowc.targets.asl.interpreter import Prepared

                prepared = Prepared(result)
            show = repeat > 1 and sys.stderr.isatty()
            if show:
                with click.progressbar(range(repeat), label=f"{name}: {repeat} executions", file=sys.stderr) as bar:
                    for _ in bar:
                        run = execute(result, workflow, data, name, mock_specs, seed, prepared=prepared)
            else:
                progress = MapProgress() if sys.stderr.isatty() else None
                try:
                    for _ in range(repeat):
                        run = execute(result, workflow, data, name, mock_specs, seed, progress, prepared)
                finally:
                    if progress is not None:
                        progress.close()
            elapsed = time.perf_counter() - started
        except (RunAborted, DefinitionError) as err:
            click.echo(f"flowc run ({name}): {err}", err=True)
            sys.exit(EXIT_USAGE)
        except ValueError as err:  # e.g. the SQS target refusing the program
            click.echo(f"flowc run ({name}): {err}", err=True)
            sys.exit(EXIT_USAGE)
        except HandlerError as err:  # the user's handler code, not flowc
            click.echo(f"flowc run ({name}): error: {err}", err=True)
            sys.exit(EXIT_FAILED)
        assert run is not None
        runs[name] = run
        if trace:
            _trace(run)
        console().info(f"{name}: {_summary(run)}")
        if repeat > 1:
            click.echo(f"{name}: {repeat} executions in {elapsed:.2f} s ({repeat / elapsed:,.0f} executions/s)",
                       err=True)
        if run.status != "SUCCEEDED":
            click.echo(f"{name}: error {run.error}: {run.cause}", err=True)

    sys.exit(report_runs(runs, targets, as_json))


def report_runs(runs: dict[str, Any], targets: list[str], as_json: bool) -> int:
    """Print the output (or every run as JSON) and, for two targets, whether they agree; the exit status."""
    first = runs[targets[0]]
    if as_json:
        click.echo(json.dumps({k: v.model_dump() for k, v in runs.items()}, indent=2, ensure_ascii=False))
    elif first.status == "SUCCEEDED":
        click.echo(json.dumps(first.output, indent=2, ensure_ascii=False))
    if len(runs) == 2:
        agree = runs["asl"].same_outcome(runs["sqs"])
        click.echo(f"asl and sqs {'agree' if agree else 'DISAGREE'} on status, output, error and cause", err=True)
        if not agree:
            for name, run in runs.items():
                click.echo(f"  {name}: {run.status} {json.dumps(run.output)[:300]} {run.error} {run.cause}", err=True)
            return EXIT_FAILED
    sys.stdout.flush()
    return EXIT_OK if first.status == "SUCCEEDED" else EXIT_FAILED
