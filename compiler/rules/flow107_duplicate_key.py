from flowc.compiler.asldoc import AslDocument
from flowc.compiler.rules.base import Finding, Rule


class DuplicateKey(Rule):
    code = "FLOW107"
    name = "duplicate-key"
    summary = "The same key twice in one JSON or YAML object of the source text."
    docs = """\
JSON and YAML parsers disagree on duplicate keys: most keep the last one
silently, some keep the first, some reject the file. A definition that says
`"Next"` twice (or has two states with the same name in `States`) means
something different to each tool on the way to AWS. Only the source text shows
the duplicate, so flowc reads raw ASL with positions and reports both places.

Bad:
```json
"Charge": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
            "Next": "Ship", "Next": "Refund" }
```
Good:
```json
"Charge": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
            "Next": "Ship" }
```
"""

    def check(self, doc: AslDocument):
        src = doc.source
        if src is None:
            return
        for dup in src.duplicates:
            first = src.position(dup.first)
            key = dup.pointer.rsplit("/", 1)[1].replace("~1", "/").replace("~0", "~")
            where = f"line {first.line}" if first else "earlier"
            yield Finding(f"duplicate key '{key}' (first at {where}); parsers keep one of them silently",
                          span=src.position(dup.second), hint="remove or rename one of them")
