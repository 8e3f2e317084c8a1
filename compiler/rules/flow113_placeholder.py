import re

from flowc.compiler.asldoc import AslDocument, iter_strings
from flowc.compiler.rules.base import Finding, Rule
from flowc.dsl.diagnostics import Severity

UNCLOSED = re.compile(r"\$\{(?![^}]*\})")
UNCLOSED_IN_TEXT = re.compile(r"\$\{(?![^}\"'\n]*\})")
NAMES = re.compile(r"\$\{([^}]*)\}")


class Placeholder(Rule):
    code = "FLOW113"
    name = "placeholder"
    summary = "A `${Placeholder}` DefinitionSubstitution that is malformed, empty, or has no value."
    docs = """\
SAM, CloudFormation (`DefinitionSubstitutions`), the CDK and Terraform fill
`${Name}` placeholders into a definition at deployment, textually. A placeholder
that is never closed (`${LambdaArn`) or empty (`${}`) is left as it is, so the
deployed definition contains the literal text. When `flowc lint
--substitutions FILE` gives the values, a placeholder with no value is reported
(warning): the deployment would leave it unfilled too.

Bad:
```json
"Resource": "${WorkerArn"
```
Good:
```json
"Resource": "${WorkerArn}"
```
"""

    def check(self, doc: AslDocument):
        known = doc.options.get("substitution_names")
        if doc.source is not None and "${" not in doc.source.text:
            return
        if doc.source is None and ("${}" not in doc.compact_json() and not UNCLOSED_IN_TEXT.search(doc.compact_json())
                                   and known is None):
            return  # .flow output: every placeholder is well formed, and no values to compare with
        if doc.source is not None and known is None and "${}" not in doc.source.text \
                and not UNCLOSED_IN_TEXT.search(doc.source.text):
            return  # every placeholder in the text is well formed, and no values to compare with
        for pointer, _key, text in iter_strings(doc.definition, ""):
            if "${" not in text:
                continue
            if UNCLOSED.search(text):
                yield Finding(f"unclosed placeholder in {text[:80]!r}: '${{' without '}}'", pointer)
            for name in NAMES.findall(text):
                if not name.strip():
                    yield Finding("empty placeholder '${}'", pointer)
                elif known is not None and name not in known and not name.startswith("AWS::"):
                    yield Finding(f"no substitution value for '${{{name}}}'", pointer, severity=Severity.WARNING)
