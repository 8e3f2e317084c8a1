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


def _internal(rule: Rule, err: Exception, file: str) -> Diagnostic:
    return Diagnostic("FLOW000", f"internal error in rule {rule.code}: {type(err).__name__}: {err}",
                      Span(file, 1, 1), severity=Severity.WARNING)


def run_rules(doc: AslDocument, rules: list[Rule]) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for rule in rules:
        try:
            findings = list(rule.check(doc))
        except Exception as err:  # a rule must never crash a lint run: report it instead
            out.append(_internal(rule, err, doc.file))
            continue
        for f in findings:
            if f.span is not None:
                span = f.span
            elif f.key:
                span = doc.locate_key(f.pointer or "")
            else:
                span = doc.locate(f.pointer or "")
            out.append(Diagnostic(rule.code, f.message, span, severity=f.severity or rule.severity, hint=f.hint))
    return out


def run_flow_rules(ctx: FlowContext, rules: list[Rule]) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for rule in rules:
        try:
            findings = list(rule.check(ctx))
        except Exception as err:
            file = ctx.modules[0].file if ctx.modules else "<input>"
            out.append(_internal(rule, err, file))
            continue
        for f in findings:
            span = f.span or Span.unknown(ctx.modules[0].file if ctx.modules else "<input>")
            out.append(Diagnostic(rule.code, f.message, span, severity=f.severity or rule.severity, hint=f.hint))
    return out
