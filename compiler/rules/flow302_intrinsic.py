from flowc.compiler.asldoc import AslDocument
from flowc.compiler.rules._expressions import jsonpath_expressions, states_in
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
        for ref in states_in(doc, "JSONPath"):
            for pointer, kind, text in jsonpath_expressions(ref):
                if kind not in ("template", "path-or-intrinsic") or not text.startswith("States."):
                    continue
                from flowc.targets.runtime import intrinsics

                if "${" in text:
                    text = fill_placeholders(text)
                try:
                    call = intrinsics.parse_intrinsic(text)
                except intrinsics.IntrinsicSyntaxError as err:
                    try:
                        call = intrinsics.parse_intrinsic(quote_bare_filter_words(text))
                    except intrinsics.IntrinsicSyntaxError:
                        yield Finding(f"invalid intrinsic {text!r}: {err}", pointer)
                        continue
                for problem in intrinsics.check(call):
                    yield Finding(f"{problem} in {text!r}", pointer)
