from flowc.compiler.rules.base import Rule


class InvalidValue(Rule):
    code = "FLOW101"
    name = "invalid-value"
    summary = "A setting, option or property has a value of the wrong kind."
    target = "compiler"
    docs = """\
Settings and options take specific kinds of values: `type` is standard or
express, `timeout` a duration, `attempts` a whole number, an http trigger a
method and a path.

Bad:
```
workflow Orders
  type fast
```
Good:
```
workflow Orders
  type express
```
"""
