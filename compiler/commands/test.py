"""`flowc test [PATH...]`: run the `.tests.yaml` cases beside workflows on both targets, report like pytest."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flowc.compiler.commands._options import Progress, common_options, console


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--target", "-t", type=click.Choice(["asl", "sqs", "both"]), default="both", show_default=True,
              help="Which targets to run the cases on (a case may restrict itself with `targets:`).")
@click.option("--junit", "junit", type=click.Path(dir_okay=False, path_type=Path), help="Write a JUnit XML report.")
@click.option("-k", "keyword", help="Only cases whose name contains this text (none matching: exit 5).")
@click.option("--mock-config", "mock_config", type=click.Path(dir_okay=False, path_type=Path),
              help="Run the test cases of a Step Functions Local MockConfigFile.json against the definitions in "
                   "PATH... (a case passes when its execution succeeds).")
@click.option("--input", "-i", "input_", default="{}", help="With --mock-config: the execution input, JSON or @file.")
@common_options
def command(paths: tuple[Path, ...], target: str, junit: Path | None, keyword: str | None,
            mock_config: Path | None, input_: str) -> None:
    """Run workflow tests (*.tests.yaml beside workflows or ASL files; default: under workflows/ or the current
    directory); `-v` prints one line per case.

    Exit status: 0 all passed, 1 failures or invalid test files, 2 usage error, 5 no test files or no
    case selected by -k (as pytest).
    """
    import time

    from flowc.compiler.commands._extras import require
    from flowc.compiler.testing import spec as testspec

    require("run", "test")

    targets = ("asl", "sqs") if target == "both" else (target,)
    if "sqs" in targets and not testspec.sqs_available():
        click.echo("flowc test: the SQS target is not installed (targets/sqs/simulator.py); use --target asl",
                   err=True)
        sys.exit(2)
    roots = list(paths) or [Path("workflows") if Path("workflows").is_dir() else Path(".")]
    for root in roots:
        if not root.exists():
            raise click.UsageError(f"{root}: no such file or directory")
    if mock_config is not None:
        from flowc.compiler.commands._mock_config import mock_config_specs

        files = mock_config_specs(mock_config, list(roots), input_, targets)
    else:
        files = testspec.discover(roots)
    if not files:
        click.echo("no *.tests.yaml files found", err=True)
        sys.exit(5)
    verbose = console().verbose
    # a case can take seconds (the SQS chain): after a second, say so after the dots, on a terminal only
    status = Progress("running", enabled=not verbose and console().interactive(sys.stdout), stream=sys.stdout,
                      inline=True).start()
    started = time.perf_counter()
    outcomes = []
    selected = 0
    spec_errors = 0
    for file in files:
        try:
            spec = file if isinstance(file, testspec.Spec) else testspec.load(file)
            file = spec.path
        except testspec.SpecError as err:
            status.clear()
            click.echo(f"ERROR {err}")
            spec_errors += 1
            continue
        if keyword:
            spec.cases = [c for c in spec.cases if keyword in c.name]
            if not spec.cases:
                continue
        selected += len(spec.cases)
        if not verbose:
            status.restart()
            click.echo(f"{file} ", nl=False)

        def report(outcome, verbose=verbose):
            status.restart()
            if verbose:
                mark = "SKIPPED" if outcome.skipped else ("PASSED" if outcome.passed else "FAILED")
                click.echo(f"{outcome.spec.path}::{outcome.case.name}[{outcome.target}] {mark}")
            else:
                click.echo("s" if outcome.skipped else ("." if outcome.passed else "F"), nl=False)
        try:
            outcomes.extend(testspec.run_spec(spec, targets, on_result=report))
        except testspec.SpecError as err:
            status.clear()
            click.echo(f"\nERROR {err}")
            spec_errors += 1
            continue
        status.clear()
        if not verbose:
            click.echo("")
    status.close()
    if keyword and not selected and not spec_errors:
        click.echo(f"no test case matches -k {keyword!r}", err=True)
        sys.exit(5)
    failed = [o for o in outcomes if not o.passed and not o.skipped]
    if failed:
        click.echo("\n" + "=" * 30 + " FAILURES " + "=" * 30)
        for o in failed:
            click.echo(f"___ {o.spec.path}::{o.case.name}[{o.target}] ___")
            for line in o.failures:
                click.echo(f"  {line}")
    if junit is not None:
        junit.parent.mkdir(parents=True, exist_ok=True)
        junit.write_text(testspec.junit_xml(outcomes), encoding="utf-8")
    passed = sum(1 for o in outcomes if o.passed and not o.skipped)
    skipped = sum(1 for o in outcomes if o.skipped)
    line = f"{passed} passed, {len(failed)} failed"
    if skipped:
        line += f", {skipped} skipped"
    if spec_errors:
        line += f", {spec_errors} error{'s' if spec_errors != 1 else ''}"
    click.echo(f"{line} in {time.perf_counter() - started:.2f}s")
    sys.exit(1 if failed or spec_errors else 0)
