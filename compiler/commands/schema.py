"""`flowc schema`: the JSON Schema of the `.flow.yaml` form, for editors (VS Code's YAML extension, SchemaStore).

It is generated from the models the YAML front end validates every file with (`flowc.dsl.yaml_model`), so
what an editor accepts is what `flowc` reads. `docs/flow.schema.json` holds the same bytes (a test keeps
them equal), for `# yaml-language-server: $schema=<raw URL>`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flowc.compiler.commands._options import common_options, console, output_option


@click.command()
@output_option(help="Write the schema to this file instead of standard output.")
@common_options
def command(output: Path | None) -> None:
    """Print the JSON Schema (draft-07) of `.flow.yaml` files, with a description and examples on every key."""
    from flowc.dsl.yaml_model import schema_text

    text = schema_text()
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as err:
        click.echo(f"flowc schema: cannot write {output}: {err.strerror or err}", err=True)
        sys.exit(2)
    console().info(f"wrote {output}")
