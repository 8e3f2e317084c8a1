"""Printing diagnostics the same way in every command."""

from __future__ import annotations

import sys

import click


def print_diagnostics(diagnostics, *, stream=None) -> tuple[int, int]:
    from flowc.compiler.commands._options import console
    from flowc.dsl.diagnostics import render

    stream = stream or sys.stderr
    color = console().use_color(stream)
    errors = warnings = 0
    for d in diagnostics:
        click.echo(render(d, color=color), file=stream, color=color)
        if d.severity.value == "error":
            errors += 1
        elif d.severity.value == "warning":
            warnings += 1
    return errors, warnings


def summary(errors: int, warnings: int) -> str:
    def plural(n: int, word: str) -> str:
        return f"{n} {word}{'' if n == 1 else 's'}"

    return f"{plural(errors, 'error')}, {plural(warnings, 'warning')}"
