from __future__ import annotations

import click
from flowc.compiler.commands._options import common_options, format_option


@click.command()
@format_option(["text", "json", "markdown"])
@common_options
def command(fmt: str) -> None:
    """List the lint rules: code, default severity, where it applies, summary."""
    from flowc.compiler.rules import all_rules

    registry = all_rules()
    if fmt == "json":
        import json

        click.echo(json.dumps([{"code": c, "name": r.name, "severity": r.severity.value, "target": r.target,
                                "summary": r.summary, "url": r.docs_url()} for c, r in registry.items()], indent=2))
        return
    if fmt == "markdown":
        click.echo("| code | name | severity | applies to | summary |\n|---|---|---|---|---|")
        for code, r in registry.items():
            summary = r.summary.replace("|", "\\|")
            click.echo(f"| [{code}](rules/{code}.md) | {r.name} | {r.severity.value} | {_target(r.target)} "
                       f"| {summary} |")
        return
    for code, r in registry.items():
        click.echo(f"{code}  {r.severity.value:<7}  {_target(r.target):<10}  {r.name:<26}  {r.summary}")


def _target(target: str) -> str:
    return {"asl": "ASL", "flow": ".flow", "compiler": "compiler"}.get(target, target)
