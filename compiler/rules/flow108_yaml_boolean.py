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

Which loader reads the file decides, and flowc looks for evidence: a definition
inside `serverless.yml`, or a file with a `serverless.yml` in its folder or above,
is deployed by the Serverless Framework, whose js-yaml loader keeps `Yes` a
string (reported as a note, for portability); a SAM template whose
`DefinitionUri` names the file, or no evidence at all, means YAML 1.1. The
message says which loader the verdict assumes.

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
        if src is None or src.kind != "yaml" or not src.yaml_booleans:
            return
        from flowc.compiler.lint.deployment import BY_TOOL, deployment_of

        tool = doc.options.get("deployed_by")
        deployment = BY_TOOL[tool] if tool in BY_TOOL else deployment_of(doc.file)
        evidence = f" ({deployment.evidence})" if deployment.evidence else ""
        for scalar in src.yaml_booleans:
            parts = scalar.pointer.split("/")
            parent = parts[-2] if len(parts) > 1 else ""
            field = parts[-1]
            is_state_name = scalar.is_key and parent == "States"
            names_state = not scalar.is_key and (field in NAME_FIELDS or (len(parts) > 2 and parts[-2] == "Next"))
            severe = is_state_name or names_state
            what = "key" if scalar.is_key else "value"
            span = src.key_span(scalar.pointer) if scalar.is_key else src.value_span(scalar.pointer)
            if deployment.yaml_12:
                yield Finding(f"unquoted {what} {scalar.text!r} is a string for {deployment.loader()}{evidence}, "
                              "which deploys this file, but a boolean for YAML 1.1 tools (SAM CLI, PyYAML)",
                              span=span, hint=f'quote it to keep it portable: "{scalar.text}"',
                              severity=Severity.INFO)
                continue
            value = "true" if scalar.text.lower() in ("y", "yes", "on") else "false"
            yield Finding(f"unquoted {what} {scalar.text!r} is a boolean in YAML 1.1: it would deploy as {value} "
                          f"(assuming {deployment.loader()}{evidence})",
                          span=span, hint=f'quote it: "{scalar.text}"',
                          severity=Severity.ERROR if severe else Severity.WARNING)
