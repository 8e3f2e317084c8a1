"""Lint files: `.flow` sources through the compiler, raw ASL through the position-keeping loaders.

Both end in the same rule registry (ASL rules on an `AslDocument`; `.flow` rules on
the AST). Files are independent, so a large tree is linted by a process pool
(forked, so workers inherit the imported rules); small runs stay in one process,
where start-up dominates.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flowc.compiler.lint.config import LintConfig
from flowc.compiler.lint.discovery import Target
from flowc.dsl.diagnostics import Diagnostic, Severity, Span, sort_diagnostics

# A process pool costs ~0.1-0.2 s to start; a raw ASL file takes ~0.5 ms to lint, a `.flow` file ~40 ms.
PARALLEL_MIN_SECONDS = 1.0
COST = {"asl": 0.0005, "flow": 0.04, "missing": 0.0}


@dataclass
class Options:
    """What a worker needs (picklable)."""

    config: LintConfig = field(default_factory=LintConfig)
    substitutions: dict[str, str] | None = None
    workflow_type: str | None = None


@dataclass
class FileReport:
    path: str
    kind: str
    diagnostics: list[Diagnostic]
    text: str | None = None  # the source, for code frames


# ------------------------------------------------------------------------------------------ rules


def _rule_options(options: Options) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if options.config.map_items:
        out["map_items"] = options.config.map_items
    if options.substitutions is not None:
        out["substitution_names"] = frozenset(options.substitutions)
    return out


_RULES: dict[tuple, list] = {}


def _asl_rules(config: LintConfig):
    from flowc.compiler.engine import asl_rules

    key = (tuple(config.select or ()), tuple(config.ignore), tuple(sorted(config.severity.items())))
    rules = _RULES.get(key)
    if rules is None:
        rules = _RULES[key] = [r for r in asl_rules() if config.enabled(r.code)]
    return rules


def _substitute(value: Any, subs: dict[str, str]) -> Any:
    if isinstance(value, str):
        if "${" in value:
            for key, repl in subs.items():
                value = value.replace("${" + key + "}", repl)
        return value
    if isinstance(value, dict):
        return {k: _substitute(v, subs) for k, v in value.items()}
    if isinstance(value, list):
        return [_substitute(v, subs) for v in value]
    return value


# ------------------------------------------------------------------------------------------ raw ASL


def lint_asl_text(text: str, file: str, options: Options | None = None) -> list[Diagnostic]:
    from flowc.compiler.asldoc import AslDocument
    from flowc.compiler.engine import run_rules
    from flowc.compiler.lint.sources import parse_source

    options = options or Options()
    src = parse_source(text, file)
    if src.error is not None:
        err = src.error
        return [Diagnostic("FLOW100", f"not valid {src.kind.upper()}: {err.message}",
                           Span(file, err.line, err.col, err.line, err.col + 1))]
    definition = src.value
    if options.substitutions:
        definition = _substitute(definition, options.substitutions)
    doc = AslDocument(definition, file, src.locate, workflow_type=options.workflow_type, source_kind="asl",
                      raw_size=len(text.encode("utf-8", errors="replace")), locate_key_pointer=src.key_span,
                      source=src, options=_rule_options(options))
    return run_rules(doc, _asl_rules(options.config))


# ------------------------------------------------------------------------------------------ .flow


def lint_flow_file(path: str, options: Options | None = None) -> list[Diagnostic]:
    from flowc.compiler.engine import FlowContext, flow_rules, run_flow_rules
    from flowc.compiler.pipeline import analyse, paused_gc

    options = options or Options()
    result = analyse([path], rules=_asl_rules(options.config), rule_options=_rule_options(options))
    diagnostics = list(result.diagnostics)
    if result.program is not None:
        ctx = FlowContext(result.modules, result.program, result.asl)
        with paused_gc():
            diagnostics.extend(run_flow_rules(ctx, [r for r in flow_rules() if options.config.enabled(r.code)]))
    dead = {(d.span.file, d.span.line) for d in diagnostics if d.code == "FLOW603"}
    return [d for d in diagnostics if not (d.code == "FLOW203" and (d.span.file, d.span.line) in dead)]


# ------------------------------------------------------------------------------------------ one file


def lint_target(target: Target, options: Options) -> FileReport:
    path = target.path
    if target.kind == "missing":
        return FileReport(path, target.kind, [Diagnostic("FLOW106", f"no such file or directory: {path}",
                                                         Span.unknown(path))])
    from flowc.dsl.limits import LimitError, read_source

    text: str | None = None
    try:
        text = read_source(Path(path))  # bounded, BOM dropped; invalid UTF-8 located at its byte
    except LimitError as err:
        return FileReport(path, target.kind, [Diagnostic(err.code, err.message, Span(path, err.line, err.col,
                                                                                     err.line, err.col + 1))])
    except OSError as err:
        return FileReport(path, target.kind, [Diagnostic("FLOW106", f"cannot read {path}: {err.strerror or err}",
                                                         Span.unknown(path))])
    try:
        diags = lint_flow_file(path, options) if target.kind == "flow" else lint_asl_text(text, path, options)
    except RecursionError:
        diags = [Diagnostic("FLOW100", "nesting is too deep to analyse", Span.unknown(path))]
    return FileReport(path, target.kind, finish(diags, path, text, options.config), text)


def finish(diags: Iterable[Diagnostic], path: str, text: str | None, config: LintConfig) -> list[Diagnostic]:
    """Apply configuration (selection, severities, per-file ignores) and inline suppressions."""
    from flowc.compiler.lint.suppress import parse

    sup = parse(text) if text and "flowc:" in text else None
    out = []
    for d in diags:
        if d.code not in ("FLOW000",) and not config.enabled(d.code):
            continue
        if config.ignored_in(d.span.file, d.code):
            continue
        if sup is not None and d.span.file == path and sup.covers(d.span.line, d.code):
            continue
        level = config.severity.get(d.code)
        if level and level != "off":
            d.severity = Severity(level)
        out.append(d)
    return sort_diagnostics(out)


# ------------------------------------------------------------------------------------------ many files


def _work(args: tuple[Target, Options]) -> FileReport:
    report = lint_target(*args)
    report.text = None  # renderers re-read sources; do not ship them back through the pipe
    return report


def lint_targets(targets: list[Target], options: Options, *, jobs: int | None = None,
                 progress: Callable[[int, int], None] | None = None, process_ends: bool = False) -> list[FileReport]:
    """Lint every target, in a process pool when the work pays for one.

    In-process linting runs with collection paused throughout; `process_ends` (a CLI command about
    to exit) leaves the heap frozen afterwards (see `flowc.compiler.pipeline.paused_gc`).
    """
    total = len(targets)
    workers = jobs if jobs is not None else (os.cpu_count() or 1)
    if jobs is None:
        parallel = sum(COST.get(t.kind, 0.001) for t in targets) >= PARALLEL_MIN_SECONDS
    else:
        parallel = total >= 2
    parallel = parallel and workers > 1 and sys.platform != "win32"
    reports: list[FileReport] = []
    if parallel:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        _asl_rules(options.config)  # import the registry before forking: workers inherit it
        ctx = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=min(workers, total), mp_context=ctx) as pool:
            chunk = max(1, min(16, total // (workers * 4) or 1))
            for i, report in enumerate(pool.map(_work, [(t, options) for t in targets], chunksize=chunk)):
                reports.append(report)
                if progress:
                    progress(i + 1, total)
    else:
        from flowc.compiler.pipeline import paused_gc

        with paused_gc(process_ends=process_ends):
            for i, target in enumerate(targets):
                reports.append(lint_target(target, options))
                if progress:
                    progress(i + 1, total)
    return reports
