from flowc.compiler.rules.base import Rule


class FileProblem(Rule):
    code = "FLOW106"
    name = "file"
    summary = "A file (an imported file, or a function's handler code) is missing, unreadable, or imports form a cycle."
    target = "compiler"
    docs = """\
`import "child.flow"` is resolved relative to the importing file. Each file is
loaded once; a cycle of imports is an error because the order of definitions
would be ambiguous.

A `function` with `handler "module.function" code "dir"` needs `dir` (relative
to the .flow file), `dir/module.py` and a top-level `function` in it: a
CodeUri pointing nowhere passes every template check and fails only at
`sam build` or on the first run. The module is parsed, never imported.

Bad:
```
import "missing.flow"
```
Good:
```
import "workers/child.flow"
```
"""
