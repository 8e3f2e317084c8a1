"""`flowc fmt`: rewrite `.flow` files in the canonical layout (every comment kept; the compiled ASL unchanged)."""

from __future__ import annotations

import difflib
import sys
from pathlib import Path

import click
from flowc.compiler.commands._options import common_options, console


def _files(paths: tuple[str, ...]) -> list[Path]:
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            out.extend(sorted(p for p in path.rglob("*.flow") if p.is_file()))
        else:
            out.append(path)
    return out


@click.command()
@click.argument("paths", nargs=-1)
@click.option("--check", is_flag=True, help="Write nothing; exit 1 when a file is not formatted.")
@click.option("--diff", "show_diff", is_flag=True, help="Write nothing; print a unified diff of the changes.")
@common_options
def command(paths: tuple[str, ...], check: bool, show_diff: bool) -> None:
    """Format `.flow` FILES (directories: every `.flow` below; `-`: standard input to standard output).

    Indentation, spacing, option order and the breaking of long `{ ... }` lines; comments are kept and the
    compiled ASL does not change. Exit status: 0 done (or already formatted), 1 with --check/--diff when a
    file would change, 2 usage error."""
    from flowc.dsl.formatter import format_flow

    if not paths:
        raise click.UsageError("give the .flow files (or directories) to format, or - for standard input")
    if "-" in paths:
        if len(paths) > 1:
            raise click.UsageError("- (standard input) cannot be combined with files")
        text = sys.stdin.read()
        formatted = format_flow(text)
        if show_diff:
            click.echo("".join(difflib.unified_diff(text.splitlines(True), formatted.splitlines(True),
                                                    "<stdin>", "<stdin> (formatted)")), nl=False)
        elif not check:
            click.echo(formatted, nl=False)
        sys.exit(1 if (check or show_diff) and formatted != text else 0)
    changed = 0
    files = _files(paths)
    for path in files:
        if not path.is_file():
            raise click.UsageError(f"no such file: {path}")
        if not path.name.endswith(".flow"):
            raise click.UsageError(f"{path}: flowc fmt formats .flow files")
        text = path.read_text(encoding="utf-8")
        formatted = format_flow(text)
        if formatted == text:
            continue
        changed += 1
        if show_diff:
            click.echo("".join(difflib.unified_diff(text.splitlines(True), formatted.splitlines(True), str(path),
                                                    f"{path} (formatted)")), nl=False)
        elif check:
            click.echo(f"would reformat {path}", err=True)
        else:
            tmp = path.with_name(f".{path.name}.flowc-fmt")
            tmp.write_text(formatted, encoding="utf-8")
            tmp.replace(path)  # atomic: a full disk never leaves half a file
            console().info(f"reformatted {path}")
    verb = "would be reformatted" if check or show_diff else "reformatted"
    console().info(f"{changed} file{'s' if changed != 1 else ''} {verb}, {len(files) - changed} unchanged")
    sys.exit(1 if (check or show_diff) and changed else 0)
