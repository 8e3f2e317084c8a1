from functools import lru_cache

from compiler.asldoc import AslDocument
from compiler.rules._expressions import jsonata_strings, states_in
from compiler.rules.base import Finding, Rule


@lru_cache(maxsize=4096)
def jsonata_problem(text: str) -> str | None:
    """Why a JSONata field value is invalid, or None. Parsing is done by jsonata-python."""
    stripped = text.strip()
    if not (stripped.startswith("{%") and stripped.endswith("%}")):
        return "a JSONata expression must be the whole string, written {% expression %}"
    body = stripped[2:-2]
    if not body.strip():
        return "empty JSONata expression"
    import jsonata

    try:
        jsonata.Jsonata(body)
    except Exception as err:  # jsonata-python raises JException (and occasionally others) on bad syntax
        return str(err).strip() or type(err).__name__
    return None


class InvalidJsonata(Rule):
    code = "FLOW303"
    name = "invalid-jsonata"
    summary = "A JSONata expression that does not parse, or is not written as {% ... %}."
    docs = """\
In JSONata mode every expression is a whole string wrapped in `{% %}`.
flowc parses each one with jsonata-python, so syntax errors surface before
deployment rather than at run time.

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
            for pointer, text in jsonata_strings(ref):
                problem = jsonata_problem(text)
                if problem:
                    yield Finding(f"invalid JSONata {text!r}: {problem}", pointer)
