from flowc.compiler.asldoc import AslDocument
from flowc.compiler.rules.base import Finding, Rule
from flowc.dsl.diagnostics import Severity

# Keys and values that must stay strings: state names and the fields that name states or enums.
NAME_FIELDS = {"Next", "Default", "StartAt", "Type", "QueryLanguage", "Mode", "ExecutionType", "InputType"}


class YamlBoolean(Rule):
    code = "FLOW108"
    name = "yaml-1.1-boolean"
    summary = "A plain YAML scalar (Yes, No, On, Off, Y, N) that YAML 1.1 tools read as a boolean."
    docs = """\
YAML 1.1 — what PyYAML, the SAM CLI and many CloudFormation tools speak —
reads unquoted `yes`, `no`, `on`, `off`, `y` and `n` (any case) as booleans.
A state called `Yes:` becomes the key `true`, and `Next: No` becomes `false`, so
the deployed definition no longer matches what you wrote. flowc reads YAML 1.2
(where they are strings) and reports every such scalar: as an error where a state
name is expected, as a warning elsewhere. Quote them.

Bad:
```yaml
States:
  Approved?:
    Type: Choice
    Choices:
      - Variable: $.ok
        BooleanEquals: true
        Next: Yes
  Yes:
    Type: Succeed
```
Good:
```yaml
        Next: "Yes"
  "Yes":
    Type: Succeed
```
"""

    def check(self, doc: AslDocument):
        src = doc.source
        if src is None or src.kind != "yaml":
            return
        for scalar in src.yaml_booleans:
            parts = scalar.pointer.split("/")
            parent = parts[-2] if len(parts) > 1 else ""
            field = parts[-1]
            is_state_name = scalar.is_key and parent == "States"
            names_state = not scalar.is_key and (field in NAME_FIELDS or (len(parts) > 2 and parts[-2] == "Next"))
            severe = is_state_name or names_state
            what = "key" if scalar.is_key else "value"
            span = src.key_span(scalar.pointer) if scalar.is_key else src.value_span(scalar.pointer)
            yield Finding(f"unquoted {what} {scalar.text!r} is a boolean in YAML 1.1 (PyYAML, SAM CLI): "
                          f"it would deploy as {'true' if scalar.text.lower() in ('y', 'yes', 'on') else 'false'}",
                          span=span, hint=f'quote it: "{scalar.text}"',
                          severity=Severity.ERROR if severe else Severity.WARNING)
