from __future__ import annotations

import sys

import click
from flowc.compiler.commands._options import common_options, complete_rule_codes


@click.command()
@click.argument("code", shell_complete=complete_rule_codes)
@common_options
def command(code: str) -> None:
    """Explain one lint rule: what it checks, why it matters, a bad and a good example."""
    from flowc.compiler.rules import all_rules, get_rule
    from flowc.dsl.diagnostics import did_you_mean

    rule = get_rule(code if code.upper().startswith("FLOW") else f"FLOW{code}")
    if rule is None:
        near = did_you_mean(code.upper(), all_rules())
        click.echo(f"flowc explain: no rule {code!r}" + (f"; did you mean {near}?" if near else ""), err=True)
        sys.exit(2)
    click.echo(page(rule))


def page(rule) -> str:
    return (f"# {rule.code}: {rule.name}\n\n{rule.summary}\n\n"
            f"Default severity: {rule.severity.value}. Applies to: "
            f"{ {'asl': 'ASL (raw files and compiled .flow)', 'flow': '.flow sources', 'compiler': 'the compiler front end'}.get(rule.target, rule.target)}.\n\n"
            f"{rule.docs.rstrip()}\n")
