"""`flowc run` on a raw ASL file (`.asl.json` / `.asl.yaml`): kept apart from the `.flow` path of run.py.

Prints what `flowc run` prints for a workflow (the output, one summary line per target, the history with
--trace), so scripts do not care which kind of file they ran.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click


def run_command(file: Path, data: Any, targets: list[str], mocks: dict[str, Any], *, trace: bool, seed: int,
                repeat: int, as_json: bool) -> int:
    from flowc.compiler.commands._output import print_diagnostics
    from flowc.compiler.commands.run import EXIT_FAILED, EXIT_OK, EXIT_USAGE, _fresh, _summary, _trace
    from flowc.targets.asl import raw
    from flowc.targets.asl.interpreter import DefinitionError, RunAborted

    try:
        machine = raw.load(file)
    except raw.RawAslError as err:
        print_diagnostics(err.diagnostics)
        return EXIT_FAILED
    runs = {}
    for target in targets:
        try:
            result = None
            for _ in range(repeat):
                result = raw.run(machine, data, target, mocks=_fresh(mocks), seed=seed)
        except raw.RawAslError as err:
            print_diagnostics(err.diagnostics)
            click.echo(f"flowc run ({target}): this definition cannot run on the {target} target", err=True)
            return EXIT_USAGE
        except (RunAborted, DefinitionError, ValueError, KeyError) as err:
            click.echo(f"flowc run ({target}): {err}", err=True)
            return EXIT_USAGE
        assert result is not None
        runs[target] = result
        if trace:
            _trace(result)
        click.echo(f"{target}: {_summary(result)}", err=True)
        if result.status != "SUCCEEDED":
            click.echo(f"{target}: error {result.error}: {result.cause}", err=True)
    first = runs[targets[0]]
    if as_json:
        click.echo(json.dumps({k: v.model_dump() for k, v in runs.items()}, indent=2, ensure_ascii=False))
    elif first.status == "SUCCEEDED":
        click.echo(json.dumps(first.output, indent=2, ensure_ascii=False))
    if len(runs) == 2:
        agree = runs["asl"].same_outcome(runs["sqs"])
        click.echo(f"asl and sqs {'agree' if agree else 'DISAGREE'} on status, output, error and cause", err=True)
        if not agree:
            return EXIT_FAILED
    sys.stdout.flush()
    return EXIT_OK if first.status == "SUCCEEDED" else EXIT_FAILED
