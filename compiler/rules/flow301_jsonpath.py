import re
from functools import lru_cache

from flowc.compiler.asldoc import AslDocument
from flowc.compiler.rules import _aws
from flowc.compiler.rules._expressions import jsonpath_expressions, jsonpath_texts, states_in
from flowc.compiler.rules._values import fill_placeholders, has_placeholder, quote_bare_filter_words
from flowc.compiler.rules.base import Finding, Rule
from flowc.dsl.diagnostics import Severity

# Plain dotted names and indexes from `$`, `$$` or a variable: valid as any kind of path, and common enough
# that most files never need the full parser (or its import).
_SIMPLE = re.compile(r"(\$\$?|\$[A-Za-z_][A-Za-z0-9_]*)(?:\.[A-Za-z_][A-Za-z0-9_]*|\[[0-9]+\])*")


def path_problem(text: str, kind: str) -> str | None:
    """Why `text` is not a valid JSONPath of this kind, or None."""
    simple = _SIMPLE.fullmatch(text)
    if simple is not None and (kind != "result" or simple.group(1) == "$"):
        return None
    from flowc.targets.runtime import intrinsics, jsonpath

    if has_placeholder(text):
        text = fill_placeholders(text)
    if text != text.strip():
        return "leading or trailing whitespace (Step Functions does not trim paths or intrinsic calls)"
    if kind in ("template", "path-or-intrinsic") and intrinsics.is_intrinsic(text):
        return None  # FLOW302 checks intrinsics
    try:
        if kind in ("reference", "path-or-intrinsic", "result"):
            parsed = jsonpath.parse_reference_path(text)
        else:
            parsed = jsonpath.parse_path(text)
    except jsonpath.PathSyntaxError as err:
        quoted = quote_bare_filter_words(text)
        if quoted == text:
            return str(err)
        return path_problem(quoted, kind)
    if kind == "result" and (parsed.root != "$" or parsed.variable is not None):
        return ("ResultPath writes into the state input: it starts with '$.' or is '$' "
                "(not a variable or the context object '$$')")
    return None


# Evidence, not a guess: Jayway's `PathCompiler.compile` trims the path before parsing it
# (json-path/JsonPath, PathCompiler.java: `ci.trim()`), and AWS's own samples deploy paths with a trailing
# space. Leading whitespace is still an error: Step Functions checks that a path starts with `$`.
TRAILING_WHITESPACE = ("Step Functions accepts it (its JSONPath compiler, Jayway, trims paths), but tools "
                       "that do not trim (statelint, other ASL validators and emulators) reject it")


def _trailing_whitespace_only(text: str, kind: str) -> bool:
    stripped = text.rstrip()
    return (stripped != text and bool(stripped) and not stripped[0].isspace()
            and path_problem(stripped, kind) is None)


# The same few paths ($.id, $.error...) recur in every state of a large workflow; the answer depends
# only on the text and its kind.
_path_problem = lru_cache(maxsize=4096)(path_problem)


@lru_cache(maxsize=4096)
def _clean(text: str, kind: str) -> bool:
    """Nothing to report on this text (the usual answer): one cached lookup per expression, for both checks."""
    return not text[-1:].isspace() and _path_problem(text, kind) is None


_WHAT = {"reference": "Reference Path", "result": "ResultPath", "template": "path in a `.$` field"}


class InvalidJsonPath(Rule):
    code = "FLOW301"
    name = "invalid-jsonpath"
    summary = "A JSONPath or Reference Path that Step Functions will not accept."
    docs = """\
Paths start with `$` (the state input), `$$` (the context object) or `$name`
(a variable). flowc parses them with the grammar Step Functions uses (Jayway):
names with hyphens (`$.order-id`), filters (`$.items[?(@.qty > 1)]`), slices,
negative indexes and `$[(@.length-1)]` are fine. `ResultPath` and the `*Path`
number fields take Reference Paths: single nodes only, no wildcards, filters or
slices; `ResultPath` writes into the state input, so it cannot start with `$$`
or name a variable. Values of `key.$` fields — at any depth of a payload
template — must be a path or an intrinsic function (no leading spaces). A
`${Placeholder}` inside a path is accepted. Trailing whitespace is a warning, not
an error: Step Functions' JSONPath compiler (Jayway) trims it, but other tools do
not.

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
        if all(_clean(text, kind) and (kind != "reference" or _clean(text, "result"))
               for kind, text in jsonpath_texts(doc)):
            return  # no expression to report (a ResultPath's kind is "reference" until below)
        for ref in states_in(doc, "JSONPath"):
            for pointer, kind, text in jsonpath_expressions(ref):
                if kind == "reference" and pointer.endswith("/ResultPath"):
                    kind = "result"
                if _clean(text, kind):
                    continue
                # (a text not ending in whitespace is not `_trailing_whitespace_only`: rstrip keeps it whole)
                if text[-1:].isspace() and _trailing_whitespace_only(text, kind):
                    yield Finding(f"{_WHAT.get(kind, 'JSONPath')} {text!r} ends with whitespace: {TRAILING_WHITESPACE}",
                                  pointer, severity=Severity.WARNING, hint=f"write {text.rstrip()!r}")
                    continue
                problem = _path_problem(text, kind)
                if problem:
                    what = _WHAT.get(kind, "JSONPath")
                    aws = ""
                    if kind == "template":
                        field = pointer.rsplit("/", 1)[-1].replace("~1", "/").replace("~0", "~")
                        aws = _aws.says(_aws.invalid_dollar_field(field))
                    yield Finding(f"invalid {what} {text!r}: {problem}{aws}", pointer)
