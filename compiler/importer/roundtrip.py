"""The round-trip check: compile the imported `.flow` and compare its ASL with the original, field by field.

Both sides are put in canonical form first: keys sorted, the deployed resource ARNs substituted for the
`${...}` placeholders the emitter writes (what the template's DefinitionSubstitutions do at deploy), and
the documented legacy or default spellings written one way (`CANONICAL_RULES`, each named so a report
can list them). Then the two JSON texts must be equal, byte for byte.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from flowc.dsl.diagnostics import Diagnostic, FlowError

_PLACEHOLDER = re.compile(r"\$\{([A-Za-z0-9_.:-]+)\}")

CANONICAL_RULES = (
    "top-level QueryLanguage JSONPath (the default) is omitted",
    "Map Iterator is ItemProcessor and Map Parameters is ItemSelector (the current names, same meaning)",
    "Map ProcessorConfig {Mode: INLINE} (the default) is omitted",
    "a distributed Map's ProcessorConfig names ExecutionType (STANDARD when not given)",
    "a Choice rule And/Or of exactly one condition is that condition (`.flow` has no one-operand and/or)",
)


@dataclass
class RoundTrip:
    ok: bool
    flow: str
    compiled: Any = None
    differences: list[str] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)


def compile_text(text: str, file: str, workflow: str) -> tuple[Any, list[Diagnostic]]:
    """The deployable ASL of `workflow` in `.flow` text, placeholders substituted; None if it does not compile."""
    from flowc.compiler.lower import lower
    from flowc.dsl.diagnostics import Severity
    from flowc.dsl.parser import parse_flow
    from flowc.targets.asl.emit import emit_workflow

    try:
        if file.endswith((".yaml", ".yml")):
            from flowc.dsl.yaml_loader import parse_flow_yaml

            module = parse_flow_yaml(text, file)
        else:
            module = parse_flow(text, file)
    except FlowError as err:
        return None, list(err.diagnostics)
    program, diags = lower([module])
    wf = program.workflows.get(workflow)
    if wf is None or any(d.severity is Severity.ERROR for d in diags):
        return None, diags
    result = emit_workflow(program, wf)
    diags.extend(result.diagnostics)
    values = {}
    for key, (kind, name) in result.substitutions.items():
        res = program.resources.get((kind, name))
        if res is not None and res.arn is not None:
            values[key] = res.arn
    return _substitute(result.definition, values), diags


def _substitute(value: Any, values: dict[str, str]) -> Any:
    if isinstance(value, str):
        return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), value) if "${" in value else value
    if isinstance(value, dict):
        return {k: _substitute(v, values) for k, v in value.items()}
    if isinstance(value, list):
        return [_substitute(v, values) for v in value]
    return value


def canonical(definition: Any) -> Any:
    """The definition with the CANONICAL_RULES applied (a copy)."""
    out = json.loads(json.dumps(definition))
    if isinstance(out, dict) and out.get("QueryLanguage") == "JSONPath":
        del out["QueryLanguage"]
    _graph(out)
    return out


def _graph(graph: Any) -> None:
    if not isinstance(graph, dict) or not isinstance(graph.get("States"), dict):
        return
    for state in graph["States"].values():
        if not isinstance(state, dict):
            continue
        if isinstance(state.get("Choices"), list):
            state["Choices"] = [_rule(r) for r in state["Choices"]]
        branches = state.get("Branches")
        for branch in branches if isinstance(branches, list) else []:
            _graph(branch)
        if state.get("Type") != "Map":
            continue
        if "Iterator" in state and "ItemProcessor" not in state:
            state["ItemProcessor"] = state.pop("Iterator")
        if "Parameters" in state and "ItemSelector" not in state:
            state["ItemSelector"] = state.pop("Parameters")
        processor = state.get("ItemProcessor")
        if isinstance(processor, dict):
            config = processor.get("ProcessorConfig")
            if config == {"Mode": "INLINE"}:
                del processor["ProcessorConfig"]
            elif isinstance(config, dict) and config.get("Mode") == "DISTRIBUTED":
                config.setdefault("ExecutionType", "STANDARD")
            _graph(processor)


def _rule(rule: Any) -> Any:
    if not isinstance(rule, dict):
        return rule
    for op in ("And", "Or"):
        items = rule.get(op)
        if isinstance(items, list):
            if len(items) == 1 and isinstance(items[0], dict):
                rest = {k: v for k, v in rule.items() if k != op}
                return {**rest, **_rule(items[0])}
            return {**rule, op: [_rule(r) for r in items]}
    if isinstance(rule.get("Not"), dict):
        return {**rule, "Not": _rule(rule["Not"])}
    return rule


def text(definition: Any) -> str:
    return json.dumps(canonical(definition), sort_keys=True, ensure_ascii=False, indent=1)


def differences(a: Any, b: Any, pointer: str = "") -> list[str]:
    """JSON pointers where two canonical definitions differ (the first few), for a readable report."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for k in sorted(set(a) | set(b)):
            p = f"{pointer}/{k}"
            if k not in a:
                out.append(f"{p}: only in the compiled .flow")
            elif k not in b:
                out.append(f"{p}: only in the original")
            else:
                out.extend(differences(a[k], b[k], p))
        return out
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [d for i, (x, y) in enumerate(zip(a, b, strict=True)) for d in differences(x, y, f"{pointer}/{i}")]
    if json.dumps(a, sort_keys=True) != json.dumps(b, sort_keys=True):
        return [f"{pointer or '/'}: original {json.dumps(a)[:120]} != compiled {json.dumps(b)[:120]}"]
    return []


def check(original: Any, flow_text: str, file: str, workflow: str) -> RoundTrip:
    compiled, diags = compile_text(flow_text, file, workflow)
    if compiled is None:
        return RoundTrip(False, flow_text, None, ["the imported .flow does not compile"], diags)
    left, right = text(original), text(compiled)
    if left == right:
        return RoundTrip(True, flow_text, compiled, [], diags)
    return RoundTrip(False, flow_text, compiled, differences(canonical(original), canonical(compiled))[:10], diags)
