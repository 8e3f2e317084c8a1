from flowc.compiler.rules.base import Rule


class PayloadTemplate(Rule):
    code = "FLOW305"
    name = "payload-template"
    summary = "A payload cannot be expressed as a JSONPath payload template."
    target = "compiler"
    docs = """\
In JSONPath mode, dynamic values live under keys ending in `.$`. That makes a
bare path impossible inside an array or as a whole payload next to `input`.
flowc turns arrays of paths and literals into `States.Array(...)` and a
`with $.x` payload into `InputPath`; what remains is reported.

Bad:
```
  Report: invoke report with [ { id: $.id } ]
```
Good:
```
  Report: invoke report with { items: [ $.id ] }
```
"""
