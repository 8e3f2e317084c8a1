"""The compile pipeline shared by `flowc check`, `compile`, `lint`, `run` and `compare`.

parse (every file, with imports) -> lower to IR -> emit ASL with a source map ->
run the ASL rules; every stage reports into one list so a single run shows every
problem it can find.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from flowc.compiler import ir
from flowc.compiler.asldoc import AslDocument
from flowc.compiler.engine import asl_rules, run_rules
from flowc.dsl.diagnostics import Diagnostic, Severity, sort_diagnostics


@dataclass
class CompileResult:
    program: ir.Program | None
    asl: dict = field(default_factory=dict)  # workflow name -> flowc.targets.asl.emit.EmitResult
    diagnostics: list[Diagnostic] = field(default_factory=list)
    modules: list = field(default_factory=list)  # the parsed files (flowc.dsl.ast.Module), for .flow rules

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity is Severity.ERROR]

    @property
    def ok(self) -> bool:
        return not self.errors


@contextmanager
def paused_gc(*, process_ends: bool = False):
    """Compiling allocates millions of small acyclic objects; the cycle collector only slows that down.

    With `process_ends` (a CLI command whose process exits right after), what exists is frozen
    (`gc.freeze`) before collection resumes: otherwise the first collection afterwards traverses
    every object the compile made (~0.3-0.45 s for a 10,000-step workflow) while the command is
    only printing and exiting. Library callers keep normal collection, since freezing would also
    keep their cyclic garbage alive.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            if process_ends:
                gc.freeze()
            gc.enable()


def analyse(paths: list[str | Path], *, all_severities: bool = False, rules: list | None = None,
            rule_options: dict | None = None) -> CompileResult:
    """Parse, lower, emit and check.

    By default only error-severity ASL rules run (check, compile); lint passes its own selection in `rules`
    and the options rules read in `rule_options`.
    """
    if rules is None:
        rules = asl_rules(min_severity=None if all_severities else Severity.ERROR)
    with paused_gc():
        return _analyse(paths, rules, rule_options or {})


def _analyse(paths: list[str | Path], rules: list, rule_options: dict) -> CompileResult:
    from flowc.compiler.collisions import check_collisions
    from flowc.compiler.lower import lower
    from flowc.dsl.loader import load_program
    from flowc.targets.asl.emit import emit_workflow

    modules, diagnostics = load_program(list(paths))
    if not modules:
        return CompileResult(None, {}, sort_diagnostics(diagnostics))
    program, lower_diags = lower(modules)
    diagnostics.extend(lower_diags)
    diagnostics.extend(check_collisions(program))
    emitted = {}
    for name, wf in program.workflows.items():
        result = emit_workflow(program, wf)
        emitted[name] = result
        diagnostics.extend(result.diagnostics)
        doc = AslDocument(result.definition, wf.file, result.source_map.get, workflow_type=wf.type,
                          source_kind="flow", options=rule_options)
        diagnostics.extend(_dedupe_against(run_rules(doc, rules), diagnostics))
    return CompileResult(program, emitted, sort_diagnostics(diagnostics), modules)


def _dedupe_against(new: list[Diagnostic], existing: list[Diagnostic]) -> list[Diagnostic]:
    """A problem the front end already explained (same code and line) is not repeated by an ASL rule."""
    seen = {(d.code, d.span.file, d.span.line) for d in existing}
    return [d for d in new if (d.code, d.span.file, d.span.line) not in seen]
