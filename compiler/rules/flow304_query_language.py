from compiler.asldoc import AslDocument
from compiler.rules.base import Finding, Rule


class WrongQueryLanguage(Rule):
    code = "FLOW304"
    name = "query-language-field"
    summary = "A field or expression that belongs to the other query language."
    docs = """\
JSONPath states use InputPath, Parameters, ResultSelector, ResultPath and
OutputPath; JSONata states use Arguments and Output with `{% %}` expressions.
A state may not mix them, and `.flow` reports expressions of the wrong language.

Bad:
```
workflow Orders
  query jsonata
  Load: invoke load
    result $.order
```
Good:
```
workflow Orders
  query jsonata
  Load: invoke load
    output {% $merge([$states.input, {"order": $states.result}]) %}
```
"""

    def check(self, doc: AslDocument):
        from targets.asl import models

        for ref in doc.states():
            state_type = ref.type
            if not isinstance(state_type, str) or state_type not in models.STATE_MODELS:
                continue
            own = models.allowed_fields(state_type, ref.query_language)
            other_ql = "JSONata" if ref.query_language == "JSONPath" else "JSONPath"
            other = models.allowed_fields(state_type, other_ql)
            for key in ref.body:
                if key not in own and key in other:
                    yield Finding(f"'{key}' is a {other_ql} field, but state '{ref.name}' uses {ref.query_language}",
                                  f"{ref.pointer}/{key}")
