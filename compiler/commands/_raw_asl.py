"""`flowc run` on a raw ASL file (`.asl.json` / `.asl.yaml`): kept apart from the `.flow` path of run.py.

Prints what `flowc run` prints for a workflow (the output, one summary line per target, the history with
--trace), so scripts do not care which kind of file they ran.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click


def run_command(file: Path, data: Any, targets: list[str], mocks: dict[str, Any], *, trace: bool, seed: int,
                repeat: int, as_json: bool) -> int:
    from flowc.compiler.commands._output import print_diagnostics
    from flowc.compiler.commands.run import EXIT_FAILED, EXIT_USAGE, _fresh, _summary, _trace
    from flowc.compiler.testing import raw_asl as raw
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
    from flowc.compiler.commands.run import report_runs

    return report_runs(runs, targets, as_json)
