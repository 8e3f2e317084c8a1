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
from pathlib import Path
from typing import Any

from flowc.compiler.lint.config import LintConfig
from flowc.compiler.lint.discovery import Target
from flowc.compiler.lint.records import Plain
from flowc.dsl.diagnostics import Diagnostic, Severity, Span, sort_diagnostics

# A process pool costs ~0.1-0.2 s to start; a raw ASL file takes ~0.5 ms to lint, a `.flow` file ~40 ms.
PARALLEL_MIN_SECONDS = 1.0
COST = {"asl": 0.0005, "template": 0.001, "flow": 0.04, "missing": 0.0}


class Options(Plain):
    """What a worker needs (picklable)."""

    config: LintConfig
    substitutions: dict[str, str] | None
    workflow_type: str | None

    _fields = ("config", "substitutions", "workflow_type")

    def __init__(self, config: LintConfig | None = None, substitutions: dict[str, str] | None = None,
                 workflow_type: str | None = None) -> None:
        self.config = LintConfig() if config is None else config
        self.substitutions = substitutions
        self.workflow_type = workflow_type


class FileReport(Plain):
    path: str
    kind: str
    diagnostics: list[Diagnostic]
    text: str | None  # the source, for code frames

    _fields = ("path", "kind", "diagnostics", "text")

    def __init__(self, path: str, kind: str, diagnostics: list[Diagnostic], text: str | None = None) -> None:
        self.path = path
        self.kind = kind
        self.diagnostics = diagnostics
        self.text = text


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


# ------------------------------------------------------------------------------------------ raw ASL


def _not_parsed(src: Any, file: str) -> Diagnostic:
    """FLOW100 at the place the JSON/YAML reader stopped (raw ASL and templates alike)."""
    err = src.error
    return Diagnostic("FLOW100", f"not valid {src.kind.upper()}: {err.message}",
                      Span(file, err.line, err.col, err.line, err.col + 1))


def lint_asl_text(text: str, file: str, options: Options | None = None) -> list[Diagnostic]:
    from flowc.compiler.asldoc import AslDocument
    from flowc.compiler.engine import run_rules
    from flowc.compiler.lint.sources import parse_source

    options = options or Options()
    src = parse_source(text, file)
    if src.error is not None:
        return [_not_parsed(src, file)]
    definition = src.value
    if options.substitutions:
        from flowc.compiler.lint.placeholders import substitute

        definition = substitute(definition, options.substitutions)
    doc = AslDocument(definition, file, src.locate, workflow_type=options.workflow_type, source_kind="asl",
                      raw_size=len(text.encode("utf-8", errors="replace")), locate_key_pointer=src.key_span,
                      source=src, options=_rule_options(options))
    return run_rules(doc, _asl_rules(options.config))


# ------------------------------------------------------------------------------------------ templates


def lint_template_text(text: str, file: str, options: Options | None = None) -> list[Diagnostic]:
    """Every state machine definition embedded in a Serverless, SAM or CloudFormation template, in place."""
    from flowc.compiler.asldoc import AslDocument
    from flowc.compiler.engine import run_rules
    from flowc.compiler.lint.embedded import find_definitions
    from flowc.compiler.lint.placeholders import substitute
    from flowc.compiler.lint.sources import parse_source

    options = options or Options()
    src = parse_source(text, file)
    if src.error is not None:
        return [_not_parsed(src, file)]
    out: list[Diagnostic] = []
    for found in find_definitions(src):
        view = found.source
        if view.error is not None:
            err = view.error
            at = view.map(Span(file, err.line, err.col, err.line, err.col + 1))
            out.append(Diagnostic("FLOW100", f"{found.label}: the definition is not valid JSON: {err.message}", at))
            continue
        definition = found.definition
        values = {**found.substitutions, **(options.substitutions or {})}
        if values:
            definition = substitute(definition, values)
        rule_options = _rule_options(options)
        if found.substitution_names and options.substitutions is None:
            rule_options["substitution_names"] = found.substitution_names
        rule_options["deployed_by"] = found.tool
        doc = AslDocument(definition, file, view.locate, workflow_type=found.workflow_type or options.workflow_type,
                          source_kind="asl", locate_key_pointer=view.key_span, source=view, options=rule_options)
        out.extend(run_rules(doc, _asl_rules(options.config)))
    return out


# ------------------------------------------------------------------------------------------ .flow


class FlowAnalysis(Plain):
    """One verdict for `.flow` sources, shared by `check`, `compile` and `lint`: every rule at its configured
    severity, with per-file ignores and inline suppressions applied."""

    result: Any  # flowc.compiler.result.CompileResult
    diagnostics: list[Diagnostic]
    config: LintConfig

    _fields = ("result", "diagnostics", "config")

    def __init__(self, result: Any, diagnostics: list[Diagnostic], config: LintConfig | None = None) -> None:
        self.result = result
        self.diagnostics = diagnostics
        self.config = LintConfig() if config is None else config

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity is Severity.ERROR]

    @property
    def ok(self) -> bool:
        return self.result.program is not None and not self.errors


def analyse_flow(paths: list[str | Path], options: Options | None = None,
                 texts: dict[str, str] | None = None, sources: dict[Path, str] | None = None) -> FlowAnalysis:
    """Compile `paths` (with their imports) and run every enabled ASL and `.flow` rule. `sources` stands in for
    files on disk (resolved path -> text: standard input, an editor's buffer)."""
    from flowc.compiler.engine import FlowContext, flow_rules, run_flow_rules
    from flowc.compiler.pipeline import analyse, paused_gc

    options = options or Options()
    result = analyse(paths, rules=_asl_rules(options.config), rule_options=_rule_options(options),
                     sources=sources)
    diagnostics = list(result.diagnostics)
    if result.program is not None:
        ctx = FlowContext(result.modules, result.program, result.asl)
        with paused_gc():
            diagnostics.extend(run_flow_rules(ctx, [r for r in flow_rules() if options.config.enabled(r.code)]))
    dead = {(d.span.file, d.span.line) for d in diagnostics if d.code == "FLOW603"}
    diagnostics = [d for d in diagnostics if not (d.code == "FLOW203" and (d.span.file, d.span.line) in dead)]
    diagnostics = _duplicate_names_first(diagnostics)
    kept = finish_files(diagnostics, options.config, texts or {})
    return FlowAnalysis(result, _with_front_end_errors(kept, result.front_end_errors), options.config)


def _with_front_end_errors(kept: list[Diagnostic], front_end: list[Diagnostic]) -> list[Diagnostic]:
    """A program that cannot be built stays an error whatever the configuration says (as a syntax error
    cannot be ignored in ruff): configuration selects and grades rules, not whether the source compiles."""
    if not front_end:
        return kept
    shown = {id(d) for d in kept}
    for d in front_end:
        d.severity = Severity.ERROR
    return sort_diagnostics([*kept, *(d for d in front_end if id(d) not in shown)])


# Graph checks read the emitted States object, where a duplicated step name kept only one of the steps: what
# they report in such a file is an echo of the duplicate, not a second problem.
GRAPH_ECHOES = frozenset({"FLOW203", "FLOW204", "FLOW205", "FLOW207"})


def _duplicate_names_first(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """In a file with a duplicate step name (FLOW202), that is the problem reported, not its echoes."""
    files = {d.span.file for d in diagnostics if d.code == "FLOW202"}
    if not files:
        return diagnostics
    return [d for d in diagnostics if not (d.code in GRAPH_ECHOES and d.span.file in files)]


def lint_flow_file(path: str, options: Options | None = None) -> list[Diagnostic]:
    return analyse_flow([path], options).diagnostics


def finish_files(diags: list[Diagnostic], config: LintConfig, texts: dict[str, str]) -> list[Diagnostic]:
    """`finish` per file the diagnostics point into (imports have their own inline suppressions)."""
    by_file: dict[str, list[Diagnostic]] = {}
    for d in diags:
        by_file.setdefault(d.span.file, []).append(d)
    out: list[Diagnostic] = []
    for file, group in by_file.items():
        out.extend(finish(group, file, texts[file] if file in texts else _read_text(file), config))
    return out if len(by_file) == 1 else sort_diagnostics(out)  # (one file: `finish` sorted it)


def _read_text(file: str) -> str | None:
    try:
        return Path(file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError, ValueError):
        return None


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
    return lint_text(target, text, options)


def lint_text(target: Target, text: str, options: Options) -> FileReport:
    """Lint a target whose text is given (read from its file, or from standard input)."""
    path = target.path
    try:
        if target.kind == "flow":
            sources = {Path(path).resolve(): text}
            return FileReport(path, target.kind, analyse_flow([path], options, {path: text}, sources).diagnostics,
                              text)
        if target.kind == "template":
            diags = lint_template_text(text, path, options)
        else:
            diags = lint_asl_text(text, path, options)
    except RecursionError:
        diags = [Diagnostic("FLOW100", "nesting is too deep to analyse", Span.unknown(path))]
    return FileReport(path, target.kind, finish(diags, path, text, options.config), text)


def finish(diags: Iterable[Diagnostic], path: str, text: str | None, config: LintConfig) -> list[Diagnostic]:
    """Apply configuration (selection, severities, per-file ignores) and inline suppressions."""
    from flowc.compiler.lint.suppress import parse

    sup = parse(text) if text and "flowc:" in text else None
    out = []
    # what the configuration says about a code in a file: decided once per (code, file), as a large workflow
    # can have thousands of diagnostics of one code -> None (dropped) or the severity to give (None: as is)
    decided: dict[tuple[str, str], tuple[bool, Severity | None]] = {}
    for d in diags:
        code, file = d.code, d.span.file
        verdict = decided.get((code, file))
        if verdict is None:
            keep = (code == "FLOW000" or config.enabled(code)) and not config.ignored_in(file, code)
            level = config.severity.get(code) if keep else None
            verdict = decided[code, file] = (keep, Severity(level) if level and level != "off" else None)
        if not verdict[0]:
            continue
        if sup is not None and file == path and sup.covers(d.span.line, code):
            continue
        if verdict[1] is not None:
            d.severity = verdict[1]
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
        from flowc.compiler.gcpause import paused_gc

        with paused_gc(process_ends=process_ends):
            for i, target in enumerate(targets):
                reports.append(lint_target(target, options))
                if progress:
                    progress(i + 1, total)
    return reports
