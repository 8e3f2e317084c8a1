from flowc.compiler.rules.base import Rule


class FileProblem(Rule):
    code = "FLOW106"
    name = "file"
    summary = "A file (or an imported file) is missing, unreadable, or imports form a cycle."
    target = "compiler"
    docs = """\
`import "child.flow"` is resolved relative to the importing file. Each file is
loaded once; a cycle of imports is an error because the order of definitions
would be ambiguous.

Bad:
```
import "missing.flow"
```
Good:
```
import "workers/child.flow"
```
"""
