from functools import lru_cache

from flowc.compiler.asldoc import AslDocument
from flowc.compiler.rules._expressions import jsonpath_expressions, jsonpath_texts, states_in
from flowc.compiler.rules._values import fill_placeholders, quote_bare_filter_words
from flowc.compiler.rules.base import Finding, Rule


class InvalidIntrinsic(Rule):
    code = "FLOW302"
    name = "invalid-intrinsic"
    summary = "An intrinsic function call that is malformed, unknown, or has the wrong arguments."
    docs = """\
Intrinsic functions (`States.Format`, `States.Array`, `States.MathAdd`, ...) are
parsed and checked when the definition is created: the name must exist, the
argument count and kinds must fit, strings are single-quoted.

Bad:
```
  Greet: pass with { text: States.Format("Hello {}", $.name) }
```
Good:
```
  Greet: pass with { text: States.Format('Hello {}', $.name) }
```
"""

    def check(self, doc: AslDocument):
        if not any(kind in ("template", "path-or-intrinsic") and text.startswith("States.") and _messages(text)
                   for kind, text in jsonpath_texts(doc)):
            return  # no call to report
        for ref in states_in(doc, "JSONPath"):
            for pointer, kind, text in jsonpath_expressions(ref):
                if kind not in ("template", "path-or-intrinsic") or not text.startswith("States."):
                    continue
                for message in _messages(text):
                    yield Finding(message, pointer)


@lru_cache(maxsize=4096)
def _messages(text: str) -> tuple[str, ...]:
    """What FLOW302 says about one intrinsic text, wherever it stands (a pure function of the text: parsing and
    checking a call cost ~10 us, and a generated workflow repeats the same few calls thousands of times)."""
    from flowc.targets.runtime import intrinsics

    if "${" in text:
        text = fill_placeholders(text)
    try:
        call = intrinsics.parse_intrinsic(text)
    except intrinsics.IntrinsicSyntaxError as err:
        try:
            call = intrinsics.parse_intrinsic(quote_bare_filter_words(text))
        except intrinsics.IntrinsicSyntaxError:
            return (f"invalid intrinsic {text!r}: {err}",)
    return tuple(f"{problem} in {text!r}" for problem in intrinsics.check(call))
