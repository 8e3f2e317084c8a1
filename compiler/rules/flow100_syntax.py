from flowc.compiler.rules.base import Rule


class SyntaxError_(Rule):
    code = "FLOW100"
    name = "syntax"
    summary = "The source does not parse (.flow grammar, YAML, or JSON)."
    target = "compiler"
    docs = """\
Reported by the parsers. The message names what was found and what the grammar
expected at that point; the caret shows where.

Bad:
```
workflow Orders
  Charge: invoke
```
Good:
```
workflow Orders
  Charge: invoke charge_card
```
"""
