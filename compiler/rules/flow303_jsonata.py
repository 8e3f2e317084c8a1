from flowc.compiler.asldoc import AslDocument
from flowc.compiler.rules import _jsonata
from flowc.compiler.rules._expressions import jsonata_fields, states_in
from flowc.compiler.rules.base import Finding, Rule

# Built-in JSONata 2.0.6 functions Step Functions leaves out ("Transforming data with JSONata in Step
# Functions", Supported JSONata version: "with one exception: $eval is not available - use $parse instead").
UNAVAILABLE = {"eval": "Step Functions does not provide $eval; use $parse"}


def jsonata_problem(text: str) -> str | None:
    """Why a JSONata field value is invalid, or None. Parsing is done by jsonata-python."""
    body = _jsonata.expression_body(text)
    if body is None:
        return "a JSONata expression must be the whole string, written {% expression %}"
    if not body.strip():
        return "empty JSONata expression"
    info = _jsonata.analyse(body)
    if info.error is None:
        for name in sorted(info.functions & UNAVAILABLE.keys()):
            return UNAVAILABLE[name]
    return info.error


class InvalidJsonata(Rule):
    code = "FLOW303"
    name = "invalid-jsonata"
    summary = "A JSONata expression that does not parse, or is not written as {% ... %}."
    docs = """\
In JSONata mode an expression is a whole string that starts with `{%` and ends
with `%}`; whitespace inside the delimiters is part of the expression (JSONata
ignores it, and multi-line expressions are fine). flowc parses each one with
jsonata-python, so syntax errors surface before deployment rather than at run
time. A string that only starts or only ends with a delimiter, or has text
around it, is reported. `Comment`, `Label` and state names are never expressions.
Step Functions supports every JSONata 2.0.6 function but `$eval` (use `$parse`).

Bad:
```
  Total: pass
    query jsonata
    output {% $sum($states.input.items.price %}
```
Good:
```
  Total: pass
    query jsonata
    output {% $sum($states.input.items.price) %}
```
"""

    def check(self, doc: AslDocument):
        for ref in states_in(doc, "JSONata"):
            for pointer, text, _where in jsonata_fields(ref):
                problem = jsonata_problem(text)
                if problem:
                    shown = text if len(text) <= 80 else text[:77] + "..."
                    yield Finding(f"invalid JSONata {shown!r}: {problem}", pointer)
