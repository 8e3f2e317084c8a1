"""Run the rule registry over ASL documents (and `.flow` sources) and turn findings into diagnostics."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from flowc.compiler.asldoc import AslDocument
from flowc.compiler.rules import all_rules
from flowc.compiler.rules.base import Rule
from flowc.dsl.diagnostics import Diagnostic, Severity, Span


@dataclass
class FlowContext:
    """What `.flow` rules read: the parsed modules (AST), the lowered program and the emitted ASL."""

    modules: list[Any]
    program: Any = None  # flowc.compiler.ir.Program
    emitted: dict[str, Any] = field(default_factory=dict)  # workflow -> flowc.targets.asl.emit.EmitResult
    memo: dict[str, Any] = field(default_factory=dict)  # what several rules compute, once (see rules/_flowast)


def _choose(target: str, select: Iterable[str] | None, min_severity: Severity | None) -> list[Rule]:
    chosen = []
    wanted = {c.upper() for c in select} if select is not None else None
    for code, cls in all_rules().items():
        if cls.target != target:
            continue
        if wanted is not None and code not in wanted:
            continue
        if min_severity is not None and cls.severity.rank < min_severity.rank:
            continue
        chosen.append(cls())
    return chosen


def asl_rules(select: Iterable[str] | None = None, min_severity: Severity | None = None) -> list[Rule]:
    return _choose("asl", select, min_severity)


def flow_rules(select: Iterable[str] | None = None, min_severity: Severity | None = None) -> list[Rule]:
    return _choose("flow", select, min_severity)


class RuleCrashed(RuntimeError):
    """A rule raised: a bug in flowc. It fails the run (exit 3) instead of passing as a warning, since a
    crashed error-level rule would otherwise let `check` say ok about what it should have refused."""


def _internal(rule: Rule, err: Exception, file: str) -> RuleCrashed:
    return RuleCrashed(f"rule {rule.code} crashed on {file}: {type(err).__name__}: {err}")


def run_rules(doc: AslDocument, rules: list[Rule]) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for rule in rules:
        try:
            findings = list(rule.check(doc))
        except Exception as err:
            raise _internal(rule, err, doc.file) from err
        code, severity = rule.code, rule.severity
        for f in findings:
            if f.span is not None:
                span = f.span
            elif f.key:
                span = doc.locate_key(f.pointer or "")
            else:
                span = doc.locate(f.pointer or "")
            out.append(Diagnostic(code, f.message, span, f.severity or severity, f.hint))
    return out


def run_flow_rules(ctx: FlowContext, rules: list[Rule]) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for rule in rules:
        try:
            findings = list(rule.check(ctx))
        except Exception as err:
            raise _internal(rule, err, ctx.modules[0].file if ctx.modules else "<input>") from err
        for f in findings:
            span = f.span or Span.unknown(ctx.modules[0].file if ctx.modules else "<input>")
            out.append(Diagnostic(rule.code, f.message, span, severity=f.severity or rule.severity, hint=f.hint))
    return out
