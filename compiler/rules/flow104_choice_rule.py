from functools import cache

from flowc.compiler.asldoc import AslDocument
from flowc.compiler.rules import _fields
from flowc.compiler.rules._values import has_placeholder, is_jsonata, is_number, is_timestamp, json_type
from flowc.compiler.rules.base import Finding, Rule
from flowc.dsl.diagnostics import did_you_mean

NOT_OPERATORS = {"Variable", "And", "Or", "Not", "Comment", "Assign", "Output", "Next", "Condition"}


@cache
def operators() -> frozenset[str]:
    """The comparison operators of a Choice rule (built once: asked for every key of every rule)."""
    return frozenset(f for f in _fields.fields("ChoiceRule") if f not in NOT_OPERATORS)


def operand_problem(op: str, value) -> str | None:
    if has_placeholder(value):
        return None
    if op.endswith("Path"):
        return None if isinstance(value, str) else f"{op} takes a path (a string), not {json_type(value)}"
    if op.startswith("Is"):
        return None if isinstance(value, bool) else f"{op} takes true or false, not {json_type(value)}"
    if op.startswith("Numeric"):
        return None if is_number(value) else f"{op} takes a number, not {json_type(value)}"
    if op.startswith("Boolean"):
        return None if isinstance(value, bool) else f"{op} takes true or false, not {json_type(value)}"
    if op.startswith("Timestamp"):
        if not isinstance(value, str):
            return f"{op} takes an RFC 3339 timestamp string, not {json_type(value)}"
        if not is_timestamp(value):
            return f"{op} value {value!r} is not an RFC 3339 timestamp (e.g. 2030-01-01T00:00:00Z)"
        return None
    if op.startswith("String"):
        return None if isinstance(value, str) else f"{op} takes a string, not {json_type(value)}"
    return None


class ChoiceRuleShape(Rule):
    code = "FLOW104"
    name = "choice-rule"
    summary = "A Choice rule that is not a valid comparison, combination or Condition."
    docs = """\
Each entry of `Choices` is a rule with a `Next`. Under JSONPath a rule is either
a comparison — `Variable` plus exactly one operator whose operand has the right
type (`NumericEquals` a number, `StringEquals` a string, `BooleanEquals` a
boolean, `Timestamp*` an RFC 3339 timestamp, `Is*` true or false, `*Path` a
path) — or a combination with `And`/`Or` (non-empty lists of rules) or `Not`
(one rule). Rules nested in `And`/`Or`/`Not` have no `Next`. Under JSONata a rule
has a `Condition` instead. A Choice rule cannot `End` the workflow: point `Next`
at a Succeed state. In `.flow`, comparing with a literal of the wrong type is
reported the same way.

Bad:
```json
{ "Variable": "$.count", "NumericEquals": "3", "End": true }
```
Good:
```json
{ "Variable": "$.count", "NumericEquals": 3, "Next": "Done" }
```
"""

    def check(self, doc: AslDocument):
        for ref in doc.states_of_type("Choice"):
            choices = ref.body.get("Choices")
            ptr = f"{ref.pointer}/Choices"
            if "Choices" not in ref.body:
                continue  # FLOW103
            if not isinstance(choices, list) or not choices:
                yield Finding(f"Choices of '{ref.name}' must be a non-empty array of rules", ptr)
                continue
            for i, rule in enumerate(choices):
                yield from self.rule(rule, f"{ptr}/{i}", ref.query_language, top=True, state=ref.name)

    def rule(self, rule, ptr: str, ql: str, *, top: bool, state: str):
        if not isinstance(rule, dict):
            yield Finding(f"a Choice rule of '{state}' must be an object, not {json_type(rule)}", ptr)
            return
        allowed = _fields.allowed_any("ChoiceRule")
        for key in rule:
            if key not in allowed:
                hint = "a Choice rule cannot end the workflow: go to a Succeed state" if key == "End" else None
                near = did_you_mean(key, allowed) if hint is None else None
                yield Finding(f"'{key}' is not a field of a Choice rule", f"{ptr}/{key}", key=True,
                              hint=hint or (f"did you mean '{near}'?" if near else None))
        if top and "Next" not in rule:
            yield Finding(f"a Choice rule of '{state}' needs Next", ptr, key=True)
        if not top:
            for key in ("Next", "Assign", "Output"):
                if key in rule:
                    yield Finding(f"'{key}' belongs on a top-level Choice rule, not inside And/Or/Not",
                                  f"{ptr}/{key}", key=True)
        if ql == "JSONata":
            if top and "Condition" not in rule:
                yield Finding(f"a JSONata Choice rule of '{state}' needs a Condition", ptr, key=True)
            cond = rule.get("Condition")
            if "Condition" in rule and not (isinstance(cond, bool) or is_jsonata(cond) or has_placeholder(cond)):
                yield Finding("Condition must be a JSONata expression {% ... %} or a boolean", f"{ptr}/Condition")
            return
        operator_names = operators()
        ops = [k for k in rule if k in operator_names]
        combos = [k for k in ("And", "Or", "Not") if k in rule]
        if combos:
            if len(combos) > 1 or ops or "Variable" in rule:
                yield Finding("a Choice rule combines with one of And/Or/Not, without Variable or operators",
                              f"{ptr}/{combos[-1]}", key=True)
            for key in combos:
                value = rule[key]
                if key == "Not":
                    yield from self.rule(value, f"{ptr}/Not", ql, top=False, state=state)
                elif not isinstance(value, list) or not value:
                    yield Finding(f"{key} must be a non-empty array of rules", f"{ptr}/{key}")
                else:
                    for j, sub in enumerate(value):
                        yield from self.rule(sub, f"{ptr}/{key}/{j}", ql, top=False, state=state)
            return
        if "Condition" in rule:
            return  # FLOW304 reports a JSONata field in a JSONPath state
        if "Variable" not in rule:
            yield Finding(f"a Choice rule of '{state}' needs Variable and a comparison operator, or And/Or/Not",
                          ptr, key=True)
            return
        if not isinstance(rule["Variable"], str):
            yield Finding(f"Variable must be a path string, not {json_type(rule['Variable'])}", f"{ptr}/Variable")
        if not ops:
            yield Finding("the rule has a Variable but no comparison operator", ptr, key=True,
                          hint="add e.g. StringEquals, NumericGreaterThan, IsPresent")
        elif len(ops) > 1:
            yield Finding("a Choice rule takes exactly one comparison operator, found " + ", ".join(ops),
                          f"{ptr}/{ops[1]}", key=True)
        for op in ops:
            problem = operand_problem(op, rule[op])
            if problem:
                yield Finding(problem, f"{ptr}/{op}")
