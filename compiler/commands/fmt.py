"""`flowc fmt`: rewrite `.flow` files in the canonical layout (every comment kept; the compiled ASL unchanged);
`flowc fmt --to yaml|flow` converts between `.flow` and `.flow.yaml` (comments kept, the same ASL)."""

from __future__ import annotations

import difflib
import sys
from pathlib import Path

import click
from flowc.compiler.commands._options import common_options, console, output_option
from flowc.compiler.commands._stdin import stdin_filename_option


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
@click.option("--to", "to", type=click.Choice(["yaml", "flow"]),
              help="Convert: a .flow FILE to .flow.yaml (yaml) or a .flow.yaml FILE to .flow (flow), comments kept; "
                   "to standard output unless -o or --write.")
@output_option(help="With --to: write the converted file here (one input).")
@click.option("--write", "write_sibling", is_flag=True,
              help="With --to: write each conversion beside its input (x.flow <-> x.flow.yaml).")
@click.option("--force", is_flag=True, help="With --to: overwrite an existing -o/--write file.")
@stdin_filename_option
@common_options
def command(paths: tuple[str, ...], check: bool, show_diff: bool, to: str | None, output: str | None,
            write_sibling: bool, force: bool, stdin_filename: str | None) -> None:
    """Format `.flow` FILES (directories: every `.flow` below; `-`: standard input to standard output).

    Indentation, spacing, option order and the breaking of long `{ ... }` lines; comments are kept and the
    compiled ASL does not change. Exit status: 0 done (or already formatted), 1 with --check/--diff when a
    file would change, 2 usage error.

    With --to yaml|flow, convert instead: `.flow` FILES to `.flow.yaml` or back, every comment kept beside the
    same step or option and the compiled ASL unchanged; the `.flow` written is in the canonical layout. Exit
    status 1 when a file does not parse."""
    from flowc.dsl.formatter import format_flow

    if to is not None:
        _convert(paths, to, output, write_sibling, force, stdin_filename, check or show_diff)
        return
    if output is not None or write_sibling or force:
        raise click.UsageError("-o/--output, --write and --force go with --to")
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
    changed = unreadable = 0
    files = _files(paths)
    for path in files:
        if not path.is_file():
            raise click.UsageError(f"no such file: {path}")
        if not path.name.endswith(".flow"):
            raise click.UsageError(f"{path}: flowc fmt formats .flow files")
        text = _read(path)
        if text is None:
            unreadable += 1
            continue
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
    unchanged = len(files) - changed - unreadable
    console().info(f"{changed} file{'s' if changed != 1 else ''} {verb}, {unchanged} unchanged")
    sys.exit(1 if ((check or show_diff) and changed) or unreadable else 0)


def _read(path: Path) -> str | None:
    """The file's text, or None after a diagnostic (not UTF-8, too large, unreadable): never a traceback."""
    from flowc.compiler.commands._output import print_diagnostics
    from flowc.dsl.diagnostics import Diagnostic, Span
    from flowc.dsl.limits import LimitError, read_source

    try:
        return read_source(path)
    except LimitError as err:
        print_diagnostics([Diagnostic(err.code, err.message, Span(str(path), err.line, err.col, err.line,
                                                                  err.col + 1))])
    except OSError as err:
        print_diagnostics([Diagnostic("FLOW106", f"cannot read {path}: {err.strerror or err}",
                                      Span.unknown(str(path)))])
    return None


def _convert(paths: tuple[str, ...], to: str, output: str | None, write_sibling: bool, force: bool,
             stdin_filename: str | None, checking: bool) -> None:
    """`fmt --to`: each input converted; stdout, `-o FILE` or `--write` (the sibling), never over a file
    without --force."""
    from flowc.compiler.commands import _stdin
    from flowc.compiler.commands._output import print_diagnostics
    from flowc.dsl.convert import flow_to_yaml, sibling, yaml_to_flow
    from flowc.dsl.diagnostics import FlowError
    from flowc.dsl.yaml_printer import YamlLimit

    if checking:
        raise click.UsageError("--check/--diff format .flow files; they do not go with --to")
    if not paths:
        raise click.UsageError("give the file to convert, or - for standard input")
    if output is not None and write_sibling:
        raise click.UsageError("-o/--output and --write: give one")
    source_suffix = ".flow" if to == "yaml" else ".flow.yaml"
    piped = _stdin.read(paths, stdin_filename)
    if piped is not None and write_sibling:
        raise click.UsageError("--write needs a file to write beside; use -o with standard input")
    if piped is None and output is not None and len(paths) > 1:
        raise click.UsageError("-o/--output takes one input; use --write for several")
    inputs: list[tuple[str, str]] = []
    if piped is not None:
        name = stdin_filename or ("stdin" + source_suffix)
        inputs.append((name, piped.text))
    for raw in paths if piped is None else ():
        path = Path(raw)
        if not path.is_file():
            raise click.UsageError(f"no such file: {path}")
        if to == "yaml" and not path.name.endswith(".flow"):
            raise click.UsageError(f"{path}: --to yaml converts a .flow file")
        if to == "flow" and not path.name.endswith((".flow.yaml", ".flow.yml")):
            raise click.UsageError(f"{path}: --to flow converts a .flow.yaml file")
        text = _read(path)
        if text is None:
            sys.exit(1)
        inputs.append((str(path), text))
    targets = [Path(output) if output is not None else Path(sibling(name)) if write_sibling else None
               for name, _ in inputs]
    for target in targets:
        if target is not None and target.exists() and not force:
            raise click.UsageError(f"{target} exists; pass --force to overwrite it")
    failed = False
    for (name, text), target in zip(inputs, targets, strict=True):
        try:
            converted = (flow_to_yaml if to == "yaml" else yaml_to_flow)(text, name)
        except FlowError as err:
            print_diagnostics(err.diagnostics)
            failed = True
            continue
        except YamlLimit as err:
            click.echo(f"{name}:1:1: error: the YAML form cannot hold this file: {err}", err=True)
            failed = True
            continue
        for line, message in converted.warnings:
            click.echo(f"{name}:{line}:1: warning: {message}", err=True)
        if target is None:
            click.echo(converted.text, nl=False)
            continue
        tmp = target.with_name(f".{target.name}.flowc-fmt")
        tmp.write_text(converted.text, encoding="utf-8")
        tmp.replace(target)  # atomic: a full disk never leaves half a file
        console().info(f"wrote {target}")
    sys.exit(1 if failed else 0)
