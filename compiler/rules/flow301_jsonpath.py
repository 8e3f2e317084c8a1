from compiler.asldoc import AslDocument
from compiler.rules._expressions import jsonpath_expressions, states_in
from compiler.rules.base import Finding, Rule


def path_problem(text: str, kind: str) -> str | None:
    """Why `text` is not a valid JSONPath of this kind, or None."""
    from targets.runtime import intrinsics, jsonpath

    if kind in ("template", "path-or-intrinsic") and intrinsics.is_intrinsic(text):
        return None  # FLOW302 checks intrinsics
    try:
        if kind in ("reference", "path-or-intrinsic"):
            jsonpath.parse_reference_path(text)
        else:
            jsonpath.parse_path(text)
    except jsonpath.PathSyntaxError as err:
        return str(err)
    return None


class InvalidJsonPath(Rule):
    code = "FLOW301"
    name = "invalid-jsonpath"
    summary = "A JSONPath or Reference Path that Step Functions will not accept."
    docs = """\
Paths start with `$` (the state input), `$$` (the context object) or `$name`
(a variable). `ResultPath` and the `*Path` number fields take Reference Paths:
single nodes only, no wildcards, filters or slices. Values of `key.$` fields
must be a path or an intrinsic function.

Bad:
```
  Save: invoke save
    result $.items[*].id
```
Good:
```
  Save: invoke save
    result $.saved
```
"""

    def check(self, doc: AslDocument):
        for ref in states_in(doc, "JSONPath"):
            for pointer, kind, text in jsonpath_expressions(ref):
                problem = path_problem(text, kind)
                if problem:
                    what = {"reference": "Reference Path", "template": "path in a `.$` field"}.get(kind, "JSONPath")
                    yield Finding(f"invalid {what} {text!r}: {problem}", pointer)
