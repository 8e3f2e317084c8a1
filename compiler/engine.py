"""Run the rule registry over ASL documents and turn findings into diagnostics."""

from __future__ import annotations

from collections.abc import Iterable

from compiler.asldoc import AslDocument
from compiler.rules import all_rules
from compiler.rules.base import Rule
from dsl.diagnostics import Diagnostic, Severity, Span


def asl_rules(select: Iterable[str] | None = None, min_severity: Severity | None = None) -> list[Rule]:
    chosen = []
    wanted = {c.upper() for c in select} if select is not None else None
    for code, cls in all_rules().items():
        if cls.target != "asl":
            continue
        if wanted is not None and code not in wanted:
            continue
        if min_severity is not None and cls.severity.rank < min_severity.rank:
            continue
        chosen.append(cls())
    return chosen


def run_rules(doc: AslDocument, rules: list[Rule]) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for rule in rules:
        try:
            findings = list(rule.check(doc))
        except Exception as err:  # a rule must never crash a lint run: report it instead
            out.append(Diagnostic("FLOW000", f"internal error in rule {rule.code}: {type(err).__name__}: {err}",
                                  Span(doc.file, 1, 1), severity=Severity.WARNING))
            continue
        for f in findings:
            span = f.span or doc.locate(f.pointer or "")
            out.append(Diagnostic(rule.code, f.message, span, severity=f.severity or rule.severity, hint=f.hint))
    return out
