"""`flowc import FILE | --from-arn ARN`: turn existing Step Functions definitions into `.flow` (or `.flow.yaml`).

The result is only reported as imported when it compiles back to the same ASL (the round trip of
`compiler.importer.roundtrip`); what `.flow` cannot hold is an error naming the state and field, and the
round trip's differences are listed, so nothing is lost without a word.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import click

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


@click.command(name="import")
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--from-arn", "arn", metavar="ARN", help="Read a deployed state machine's definition (boto3).")
@click.option("--out", "-o", "out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write here (default: standard output).")
@click.option("--yaml", "as_yaml", is_flag=True, help="Write the .flow.yaml twin instead of .flow.")
@click.option("--force", is_flag=True, help="Overwrite --out if it exists.")
@click.option("--quiet", "-q", is_flag=True, help="Only errors on standard error.")
def command(file: Path | None, arn: str | None, out: Path | None, as_yaml: bool, force: bool, quiet: bool) -> None:
    """Import an ASL file, a SAM/CloudFormation template or a Serverless file (or --from-arn) as .flow."""
    from flowc.compiler.commands._output import print_diagnostics, summary
    from flowc.compiler.importer import import_definitions
    from flowc.compiler.importer.sources import SourceError, from_arn, read_file
    from flowc.dsl.diagnostics import Diagnostic, Severity, Span

    if (file is None) == (arn is None):
        raise click.UsageError("give one FILE or --from-arn ARN")
    if out is not None and out.exists() and not force:
        raise click.UsageError(f"{out} exists; pass --force to overwrite it")
    try:
        found = [from_arn(arn)] if arn else read_file(file)
    except SourceError as err:
        print_diagnostics([err.diagnostic])
        sys.exit(EXIT_FAILED)
    origin = arn or str(file)
    header = [f"Imported by `flowc import` from {origin}."]
    result = import_definitions(found, file=origin, yaml=as_yaml, header=header)
    diagnostics = list(result.diagnostics)
    for name, rt in result.roundtrips.items():
        if not rt.ok:
            where = "; ".join(rt.differences[:5])
            diagnostics.append(Diagnostic("FLOW803", f"workflow '{name}': the imported text does not compile back "
                                                     f"to the same ASL: {where}", Span(origin, 1, 1, 1, 1)))
            diagnostics.extend(d for d in rt.diagnostics if d.severity is Severity.ERROR)
    shown = diagnostics if not quiet else [d for d in diagnostics if d.severity is Severity.ERROR]
    errors, warnings = print_diagnostics(shown)
    if out is None:
        click.echo(result.flow, nl=False)
    else:
        _write(out, result.flow)
    if not quiet:
        for note in result.normalised:
            click.echo(f"note: {note}", err=True)
        status = "round trip: identical ASL" if result.ok else "round trip: FAILED"
        target = f" -> {out}" if out is not None else ""
        click.echo(f"imported {len(result.workflows)} workflow(s) from {origin}{target}; {status}; "
                   f"{summary(errors, warnings)}", err=True)
    sys.exit(EXIT_OK if result.ok else EXIT_FAILED)


def _write(path: Path, text: str) -> None:
    """Atomically: a crash leaves the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
