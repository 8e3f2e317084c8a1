"""The compile pipeline shared by `flowc check`, `compile`, `lint`, `run` and `compare`.

parse (every file, with imports) -> lower to IR -> emit ASL with a source map ->
run the ASL rules; every stage reports into one list so a single run shows every
problem it can find.
"""

from __future__ import annotations

from pathlib import Path

from flowc.compiler import ir
from flowc.compiler.asldoc import AslDocument
from flowc.compiler.engine import asl_rules, run_rules
from flowc.compiler.gcpause import paused_gc  # re-exported: commands import it from here
from flowc.compiler.result import CompileResult
from flowc.dsl.diagnostics import Diagnostic, Severity, sort_diagnostics


def analyse(paths: list[str | Path], *, all_severities: bool = False, rules: list | None = None,
            rule_options: dict | None = None, sources: dict[Path, str] | None = None) -> CompileResult:
    """Parse, lower, emit and check.

    By default only error-severity ASL rules run (check, compile); lint passes its own selection in `rules`
    and the options rules read in `rule_options`. `sources` stands in for files on disk (resolved path -> text).
    """
    if rules is None:
        rules = asl_rules(min_severity=None if all_severities else Severity.ERROR)
    with paused_gc():
        return _analyse(paths, rules, rule_options or {}, sources)


def _analyse(paths: list[str | Path], rules: list, rule_options: dict, sources: dict[Path, str] | None = None
             ) -> CompileResult:
    from flowc.compiler.collisions import check_collisions
    from flowc.compiler.lower import lower
    from flowc.dsl.loader import load_program
    from flowc.targets.asl.emit import emit_workflow

    modules, diagnostics = load_program(list(paths), sources)
    if not modules:
        return CompileResult(None, {}, sort_diagnostics(diagnostics),
                             front_end_errors=[d for d in diagnostics if d.severity is Severity.ERROR])
    program, lower_diags = lower(modules)
    diagnostics.extend(lower_diags)
    diagnostics.extend(check_collisions(program))
    emitted = {}
    from_rules: set[int] = set()
    rules = [rule for rule in rules if rule.code not in GUARANTEED_BY_EMITTER]
    for name, wf in program.workflows.items():
        result = emit_workflow(program, wf)
        emitted[name] = result
        diagnostics.extend(result.diagnostics)
        found = _dedupe_against(run_rules(own_output_document(program, wf, result, rule_options), rules),
                                diagnostics)
        from_rules.update(id(d) for d in found)
        diagnostics.extend(found)
    front_end = [d for d in diagnostics if d.severity is Severity.ERROR and id(d) not in from_rules]
    return CompileResult(program, emitted, sort_diagnostics(diagnostics), modules, front_end)


#: ASL rules that cannot fire on flowc's own output, so analysing a `.flow` does not run them: code -> the
#: property of lowering and the emitter that guarantees it. tests/lint/test_own_output_rules.py runs each on the
#: compiled output of every example and corpus file (the shared corpus imported, with --shared) and of
#: hypothesis-made programs, and asserts that they stay silent.
GUARANTEED_BY_EMITTER: dict[str, str] = {
    "FLOW107": "reads duplicate keys of a parsed ASL file (doc.source); the emitter builds a dict, with no source",
    "FLOW108": "reads YAML scalars of a parsed ASL file (doc.source); the emitter builds a dict, with no source",
    "FLOW202": "Lowering.add_state, the one way a state enters the IR, refuses a name the workflow already has "
               "(one ctx.names per workflow, branches and map processors included), and the emitter writes one "
               "state per IR state under its name",
}


def own_output_document(program: ir.Program, wf: ir.Workflow, result, rule_options: dict | None = None
                        ) -> AslDocument:
    """The emitted definition as the ASL rules read it: placeholders filled in, located through the source map."""
    deployed, compact = _deployed_with_text(program, result)
    return AslDocument(deployed, wf.file, result.source_map.get, workflow_type=wf.type, source_kind="flow",
                       options=rule_options if rule_options is not None else {}, _compact=compact)


def _deployed_with_text(program: ir.Program, result) -> tuple[dict, str | None]:
    """The definition with its resource placeholders filled in as the template fills them (for the rules),
    and its compact JSON when that was written on the way (the size rule reads it)."""
    compact = result.compact
    if not result.substitutions:
        return result.definition, compact
    from flowc.compiler.lint.placeholders import resolved_values, substitute

    values = resolved_values(program, result.substitutions)
    fast = _substitute_text(result.definition, compact, values)
    return fast if fast is not None else (substitute(result.definition, values), None)


_JSON_UNSAFE = frozenset('"\\') | frozenset(map(chr, range(0x20)))


def _substitute_text(definition: object, compact: str | None, values: dict[str, str]
                     ) -> tuple[object, str] | None:
    """`substitute` done on the compact JSON text (a tenth of the cost of rebuilding every container in
    Python), with that text; or None when the text route could differ from it: a value or key that JSON
    would escape, a placeholder inside an object *key* (substitute fills values only), or a definition
    orjson cannot write."""
    import re

    import orjson

    if not values or any(not _JSON_UNSAFE.isdisjoint(k + v) for k, v in values.items()):
        return None
    text = compact
    if text is None:
        try:
            text = orjson.dumps(definition).decode("utf-8")
        except TypeError:
            return None
    if "${" not in text:
        return orjson.loads(text), text
    keys = "|".join(re.escape(k) for k in values)
    # a placeholder in a key: the rest of that string runs to its closing quote, which a colon follows
    if re.search(r"\$\{(?:" + keys + r")\}(?:[^\"\\]|\\.)*\":", text):
        return None
    for key, repl in values.items():
        text = text.replace("${" + key + "}", repl)
    return orjson.loads(text), text


def _dedupe_against(new: list[Diagnostic], existing: list[Diagnostic]) -> list[Diagnostic]:
    """A problem the front end already explained (same code and line) is not repeated by an ASL rule."""
    seen = {(d.code, d.span.file, d.span.line) for d in existing}
    return [d for d in new if (d.code, d.span.file, d.span.line) not in seen]
