from __future__ import annotations

import shlex
import sys
from pathlib import Path

import click
from flowc.compiler.commands._options import common_options, console, format_option, output_option, progress

FORMATS = ("text", "markdown", "json", "html")
SUFFIXES = {".md": "markdown", ".markdown": "markdown", ".json": "json", ".html": "html", ".htm": "html",
            ".txt": "text"}


def _command_line(file: Path, workflow: str | None, input_spec: str | None, executions: int, region: str,
                  free_tier: bool, *, mocks: tuple[str, ...] = (), case: str | None = None,
                  prices: Path | None = None) -> str:
    """How to regenerate a report, printed in it (only the options that differ from the defaults)."""
    from flowc.compiler.compare.report import DEFAULT_EXECUTIONS

    parts = ["flowc", "compare", file.as_posix()]
    if workflow:
        parts += ["--workflow", workflow]
    if case is not None:
        parts += ["--case", case]
    if input_spec is not None:
        parts += ["--input", input_spec]
    for mock in mocks:
        parts += ["--mock", mock]
    if executions != DEFAULT_EXECUTIONS:
        parts += ["--executions-per-month", str(executions)]
    if region != "us-east-1":
        parts += ["--region", region]
    if free_tier:
        parts.append("--free-tier")
    if prices is not None:
        parts += ["--prices", prices.as_posix()]
    return " ".join(shlex.quote(p) for p in parts)


def render(report, fmt: str, command: str | None) -> str:
    if fmt == "json":
        return report.model_dump_json(indent=2) + "\n"
    if fmt == "markdown":
        from flowc.compiler.compare.render_markdown import render as markdown

        return markdown(report, command)
    if fmt == "html":
        from flowc.compiler.compare.render_html import render as html

        return html(report, command)
    from flowc.compiler.compare.render_text import render as text

    return text(report)


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--workflow", "-w", help="Which workflow of FILE (default: the first one FILE defines).")
@click.option("--input", "-i", "input_spec", metavar="JSON|@FILE",
              help="The execution input (default: <file>.input.json or <file>.compare-input.json next to FILE, "
                   "else {}).")
@click.option("--mock", "-m", "mocks", multiple=True, metavar="STEP=JSON|@FILE",
              help="Replace a step's integration in both runs, as `flowc run --mock` does (repeatable).")
@click.option("--case", "case", metavar="NAME",
              help="Measure the run of this test case of <file>.tests.yaml beside FILE (its input and mocks).")
@click.option("--prices", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Prices to use instead of the built-in ones (same schema as compiler/compare/prices.json; "
                   "e.g. negotiated or regional prices).")
@click.option("--executions-per-month", "-n", "executions", type=click.IntRange(min=1), default=1_000_000,
              show_default=True, help="Volume the monthly costs are computed for.")
@click.option("--region", default="us-east-1", show_default=True,
              help="Prices for this region (Standard transitions are regional; other prices are us-east-1's).")
@click.option("--free-tier/--no-free-tier", default=False, show_default=True,
              help="Subtract the always-free tiers (per account, shared with everything else in it).")
@format_option(FORMATS, default=None, help="Output format (default: from --output's suffix, else text).")
@output_option(aliases=("--out",), help="Write the report to this file.")
@click.option("--check", is_flag=True,
              help="With --output: do not write; exit 1 when the file differs from the report (stale).")
@common_options
def command(file: Path, workflow: str | None, input_spec: str | None, mocks: tuple[str, ...], case: str | None,
            prices: Path | None, executions: int, region: str, free_tier: bool, fmt: str | None,
            output: Path | None, check: bool) -> None:
    """Compare the Step Functions (Standard, Express) and SQS-chain architectures of a workflow, with numbers:
    resources, billed units per execution (measured on both local executors), monthly cost and break-even
    volumes, limits, failure handling and observability, modelled latency. See docs/compare.md."""
    from flowc.compiler.commands._extras import require

    require("run", "compare")
    from flowc.compiler.commands.run import parse_mocks
    from flowc.compiler.compare.report import CompareError, build_report

    out = output
    if check and out is None:
        raise click.UsageError("--check needs --output (the report file to check)")
    if not file.exists():
        raise click.UsageError(f"no such file: {file}")
    fmt = fmt or (SUFFIXES.get(out.suffix.lower(), "text") if out is not None else "text")
    try:
        with progress(f"flowc compare: measuring {file.name} on both targets"):
            report = build_report(file, workflow=workflow, input_spec=input_spec, executions=executions,
                                  region=region, free_tier=free_tier, display_path=file.as_posix(),
                                  mocks=parse_mocks(mocks), case=case, prices=prices)
    except CompareError as err:
        if err.status == 2:
            raise click.UsageError(str(err)) from err
        click.echo(f"flowc compare: {err}", err=True)
        sys.exit(err.status)
    again = _command_line(file, workflow, input_spec, executions, region, free_tier, mocks=mocks, case=case,
                          prices=prices)
    text = render(report, fmt, again)
    if out is None:
        click.echo(text, nl=False)
        return
    if check:
        current = out.read_text(encoding="utf-8") if out.exists() else None
        if current != text:
            click.echo(f"{out}: stale (regenerate it: {again} --output {out.as_posix()})", err=True)
            sys.exit(1)
        console().info(f"{out}: up to date")
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    console().info(f"wrote {out} ({fmt})")
