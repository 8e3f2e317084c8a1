"""What `flowc lint` does, without click; and its command line read without click when it is plain.

A CI job runs `flowc lint -q -f json FILES...` and pays the start-up: importing click and parsing with it
costs more (~60 M instructions) than linting a hundred raw ASL files. `fast_lint` reads a command line made
only of lint's own options, in their ordinary spellings and with valid values, exactly as click would, and
runs the same `run_lint` the click command runs. Anything else (help, completion, standard input, `--`,
combined short flags, a value click would refuse or that looks like an option, a stream click would
re-wrap) is left to click, so usage errors and help come from one place and read the same.
"""

from __future__ import annotations

import codecs
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flowc.compiler.commands._console import COLOR_CHOICES, Console, echo

FORMATS = ("text", "json", "sarif", "github")
WORKFLOW_TYPES = ("standard", "express")


def run_lint(paths: tuple[Path, ...], fmt: str, output: Path | None, strict: bool, select: tuple[str, ...],
             ignore: tuple[str, ...], substitutions: str | None, workflow_type: str | None,
             config_file: Path | None, jobs: int | None, no_progress: bool, by_content: bool,
             read_stdin: Callable[[], Any], out: Console) -> None:
    """The body of `flowc lint` (see its help); exits with its status. `read_stdin` returns the standard-input
    source when PATHS is `-` (None otherwise); it is called where the click command always read it."""
    from flowc.compiler.lint import formatters
    from flowc.compiler.lint.config import ConfigError, check_codes, load_config, load_substitutions
    from flowc.compiler.lint.discovery import Target, discover
    from flowc.compiler.lint.runner import Options, lint_targets, lint_text
    from flowc.compiler.rules import all_rules

    try:
        config = load_config(config_file)
        config.validate(all_rules())
        check_codes(select, "--select", all_rules())
        check_codes(ignore, "--ignore", all_rules())
        config.merge_cli(select=list(select), ignore=list(ignore), strict=strict)
        subs_file = substitutions or config.substitutions
        subs = load_substitutions(subs_file) if subs_file else None
    except (ConfigError, OSError, ValueError) as err:
        echo(f"flowc lint: {err}", err=True)
        sys.exit(2)
    options = Options(config, subs, workflow_type.upper() if workflow_type else None)
    progress = None
    stdin = read_stdin()
    if stdin is not None:
        targets = [Target(str(stdin.path), stdin_kind(stdin))]
        reports = [lint_text(targets[0], stdin.text, options)]
    else:
        targets = discover(list(paths) or [Path(".")], config.excluded, sniff_named=by_content)
        if not no_progress and len(targets) >= 50 and out.interactive(sys.stderr):
            progress = _progress_bar(len(targets))
        reports = lint_targets(targets, options, jobs=jobs, progress=progress, process_ends=True)
    if progress:
        echo("\r\033[K", nl=False, err=True)
    diagnostics = [d for r in reports for d in r.diagnostics]
    from flowc.dsl.diagnostics import SourceCache

    sources = SourceCache()
    for r in reports:
        if r.text is not None:
            sources.add(r.path, r.text)
    stream = output.open("w", encoding="utf-8") if output else None
    try:
        if fmt == "text":
            color = out.use_color(stream or sys.stdout)
            body = formatters.text(diagnostics, color=color, sources=sources)
            if body:
                echo(body, file=stream, color=color)
            out.info(formatters.summary_line(diagnostics, len(targets)))
        elif fmt == "json":
            echo(formatters.as_json(diagnostics), file=stream)
        elif fmt == "sarif":
            echo(formatters.sarif(diagnostics, sources=sources), file=stream)
        else:
            body = formatters.github(diagnostics)
            if body:
                echo(body, file=stream)
            _github_summary(diagnostics, len(targets))
            out.info(formatters.summary_line(diagnostics, len(targets)))
    finally:
        if stream:
            stream.close()
    failing = {"error", "warning"} if config.strict else {"error"}
    sys.exit(1 if any(d.severity.value in failing for d in diagnostics) else 0)


def stdin_kind(stdin: Any) -> str:
    """The front end for standard input, from the name it is given: `.flow`, a template, or ASL."""
    from flowc.compiler.lint.discovery import FLOW_SUFFIXES
    from flowc.compiler.lint.embedded import looks_like_template

    name = stdin.path.name.lower()
    if name.endswith(FLOW_SUFFIXES):
        return "flow"
    return "template" if looks_like_template(stdin.text, stdin.path.name) else "asl"


def _github_summary(diagnostics: list, files: int) -> None:
    """Every finding as a table in the job summary when GitHub would drop annotations past its limits."""
    from flowc.compiler.lint import formatters

    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if not target or not formatters.annotations_dropped(diagnostics):
        return
    try:
        with open(target, "a", encoding="utf-8") as summary:
            summary.write(formatters.step_summary(diagnostics, files))
    except OSError as err:
        echo(f"flowc lint: cannot write the step summary {target}: {err.strerror or err}", err=True)


def _progress_bar(total: int) -> Callable[[int, int], None]:
    width = 30

    def show(done: int, of: int) -> None:
        filled = width * done // of
        echo(f"\r[{'#' * filled}{' ' * (width - filled)}] {done}/{of} files", nl=False, err=True)

    return show


# ------------------------------------------------------------------------------------------ without click

_FLAGS = {"--strict": "strict", "--no-progress": "no_progress", "--by-content": "by_content"}
_VALUED = {"-f": "fmt", "--format": "fmt", "-o": "output", "--output": "output", "--select": "select",
           "--ignore": "ignore", "--substitutions": "substitutions", "--workflow-type": "workflow_type",
           "--config": "config_file", "-j": "jobs", "--jobs": "jobs", "--color": "color"}


def fast_lint(argv: list[str]) -> None:
    """Run `flowc lint ARGV` (exiting) when click would read ARGV the same way and accept it; else return."""
    parsed = parse(argv)
    if parsed is None:
        return
    params, out = parsed
    # what `flowc`'s group callback does before any subcommand (see compiler/commands/_group.py)
    from flowc.compiler.cli import RECURSION_LIMIT

    sys.setrecursionlimit(max(sys.getrecursionlimit(), RECURSION_LIMIT))
    try:
        run_lint(**params, read_stdin=lambda: None, out=out)
    except (EOFError, KeyboardInterrupt):  # click's standalone mode: a blank line, "Aborted!", status 1
        echo("", file=sys.stderr)
        echo("Aborted!", file=sys.stderr)
        sys.exit(1)
    except OSError as err:  # and a closed pipe ends quietly with status 1
        if err.errno != 32:  # EPIPE
            raise
        sys.stdout = _QuietFlush(sys.stdout)
        sys.stderr = _QuietFlush(sys.stderr)
        sys.exit(1)


def parse(argv: list[str]) -> tuple[dict[str, Any], Console] | None:
    """The parameters click would pass to the lint command for ARGV, and the console its callbacks would set
    up; None when ARGV (or the environment) is anything click should handle itself."""
    if os.name == "nt" or not (_utf8(sys.stdout) and _utf8(sys.stderr)):
        return None  # click has its own console streams on Windows and re-wraps an ASCII stream
    if any(k.endswith("_COMPLETE") for k in os.environ):
        return None  # shell completion
    values: dict[str, Any] = {"fmt": "text", "output": None, "strict": False, "select": [], "ignore": [],
                              "substitutions": None, "workflow_type": None, "config_file": None, "jobs": None,
                              "no_progress": False, "by_content": False, "color": None}
    paths: list[str] = []
    first_seen: list[str] = []  # -q / -v callbacks run in the order the options first appear
    verbose = 0
    i = 0
    while i < len(argv):
        word = argv[i]
        i += 1
        if not word.startswith("-"):
            paths.append(word)
            continue
        if word in ("-q", "--quiet", "-v", "--verbose"):
            kind = "q" if word in ("-q", "--quiet") else "v"
            verbose += kind == "v"
            if kind not in first_seen:
                first_seen.append(kind)
            continue
        if word in _FLAGS:
            values[_FLAGS[word]] = True
            continue
        name, eq, value = word.partition("=")
        if eq:
            if not name.startswith("--") or name not in _VALUED:
                return None
        elif word in _VALUED and i < len(argv):
            value = argv[i]
            i += 1
        else:
            return None
        if value.startswith("-") or "\0" in value:
            return None
        key = _VALUED[name]
        if key in ("select", "ignore"):
            values[key].append(value)
        else:
            values[key] = value
    converted = _convert(values, paths)
    if converted is None:
        return None
    out = Console()
    if values["color"] is not None:
        out.color = values["color"]
    for kind in first_seen:
        out.verbosity = -1 if kind == "q" else max(out.verbosity, 0) + verbose
    return converted, out


def _convert(values: dict[str, Any], paths: list[str]) -> dict[str, Any] | None:
    """click's conversions and checks of each value (None where click would refuse one)."""
    if values["fmt"] not in FORMATS or values["color"] not in (None, *COLOR_CHOICES):
        return None
    workflow_type = values["workflow_type"]
    if workflow_type is not None:
        workflow_type = workflow_type.casefold()
        if workflow_type not in WORKFLOW_TYPES:
            return None
    jobs = values["jobs"]
    if jobs is not None:
        try:
            jobs = int(jobs)
        except ValueError:
            return None
        if jobs < 1:
            return None
    if not all(_path_ok(p, dir_okay=True, exists=False) for p in paths):
        return None
    for key, exists in (("output", False), ("substitutions", True), ("config_file", True)):
        if values[key] is not None and not _path_ok(values[key], dir_okay=False, exists=exists):
            return None
    return {"paths": tuple(Path(p) for p in paths), "fmt": values["fmt"],
            "output": Path(values["output"]) if values["output"] is not None else None,
            "strict": values["strict"], "select": tuple(values["select"]), "ignore": tuple(values["ignore"]),
            "substitutions": values["substitutions"], "workflow_type": workflow_type,
            "config_file": Path(values["config_file"]) if values["config_file"] is not None else None,
            "jobs": jobs, "no_progress": values["no_progress"], "by_content": values["by_content"]}


def _path_ok(path: str, *, dir_okay: bool, exists: bool) -> bool:
    """click.Path(exists=..., dir_okay=..., readable=True) would accept `path`."""
    import stat

    try:
        st = os.stat(path)
    except OSError:
        return not exists
    except ValueError:  # an embedded NUL: click's own error
        return False
    if not dir_okay and stat.S_ISDIR(st.st_mode):
        return False
    return os.access(path, os.R_OK)


def _utf8(stream: Any) -> bool:
    """A stream click writes to as it is (it re-wraps one without an encoding or with an ASCII one)."""
    try:
        return stream is not None and codecs.lookup(stream.encoding).name == "utf-8"
    except (AttributeError, LookupError, TypeError):
        return False


class _QuietFlush:
    """A stream whose flush ignores a closed pipe (click's PacifyFlushWrapper), for the interpreter's exit."""

    def __init__(self, wrapped: Any) -> None:
        self.wrapped = wrapped

    def flush(self) -> None:
        try:
            self.wrapped.flush()
        except OSError as err:
            if err.errno != 32:  # EPIPE
                raise

    def __getattr__(self, name: str) -> Any:
        return getattr(self.wrapped, name)
