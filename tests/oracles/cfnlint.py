"""cfn-lint 1.58, in-process, for translated CloudFormation and for bare ASL definitions.

cfn-lint 1.x no longer runs the SAM transform (it validates SAM resources against SAM schemas): lint the
output of `tests.oracles.sam.translate`, not the SAM source. One `Runner` (rule loading ~0.2 s) is kept per
region set, so a template costs ~10-50 ms instead of the ~0.3 s of `cfnlint.api.lint`.

What rule E3601 (Step Functions definition schema) does and does not do, as read in
`cfnlint/rules/resources/stepfunctions/StateMachineDefinition.py` and confirmed by `test_oracles.py`:
- It validates `Definition` objects, and `DefinitionString` only when it is a plain JSON string: an
  intrinsic (the `Fn::Join` that aws-sam-translator emits for inline definitions) is skipped, and so is
  everything in a template that still has the SAM transform. Hence `lint_asl`, which wraps one
  definition in a minimal `AWS::StepFunctions::StateMachine` with `Definition` as an object.
- JSONata: a top-level `"QueryLanguage": "JSONata"` switches to a JSONata schema (JSONPath-only fields
  such as `Parameters`/`InputPath`/`ResultPath` become errors; `Arguments`/`Output`/`Condition` allowed).
  Only the top-level QueryLanguage is read: a state-level `"QueryLanguage": "JSONata"` inside a JSONPath
  machine is validated with the JSONPath schema.
- `${...}` placeholders: an error is suppressed when the offending value is a whole-string placeholder
  `"${Key}"` whose Key is declared in DefinitionSubstitutions (only the keys matter). An undeclared
  placeholder, or one embedded in a longer string, is validated as the literal text.
- Graph checks: only that `StartAt` (top level, Parallel branches, Map processors) names a state.
  Missing `Next` targets and unreachable states are not reported.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from typing import Any

REGIONS = ("us-east-1",)
ROLE_ARN = "arn:aws:iam::123456789012:role/flowc-oracle-role"


@functools.cache
def _runner(regions: tuple[str, ...]) -> Any:
    from cfnlint.config import ConfigMixIn
    from cfnlint.runner import Runner

    return Runner(ConfigMixIn(regions=list(regions)))


def lint_template(cfn: dict[str, Any], *, regions: Iterable[str] = REGIONS,
                  ignore: Iterable[str] = ()) -> list[Any]:
    """Every cfn-lint `Match` for a CloudFormation template (dict), minus rule ids in `ignore`.

    The template is serialised to indented JSON first so matches carry useful line numbers.
    """
    from cfnlint.decode.decode import decode_str

    template, decode_errors = decode_str(json.dumps(cfn, indent=1, default=str))
    if decode_errors:
        return list(decode_errors)
    skip = set(ignore)
    matches = list(_runner(tuple(regions)).validate_template(template))
    return [m for m in matches if m.rule.id not in skip]


def match_path(match: Any) -> str:
    """`Resources/Machine/Properties/Definition/States/T` for a match (its line number if no path)."""
    path = getattr(match, "path", None)
    if path:
        return "/".join(str(p) for p in path)
    return f"line {match.linenumber}"


def format_match(match: Any) -> str:
    return f"{match.rule.id} {match_path(match)}: {match.message}"


def is_error(match: Any) -> bool:
    return getattr(match.rule, "severity", "") == "error" or str(match.rule.id).startswith("E")


def errors(matches: Iterable[Any]) -> list[str]:
    """Only the errors, each as `<rule id> <path>: <message>` (so `assert errors(...) == []` reads well)."""
    return [format_match(m) for m in matches if is_error(m)]


def template_errors(cfn: dict[str, Any], **kwargs: Any) -> list[str]:
    """`errors(lint_template(cfn))`."""
    return errors(lint_template(cfn, **kwargs))


def wrap_definition(definition: dict[str, Any], substitutions: dict[str, Any] | None = None,
                    logical_id: str = "Machine") -> dict[str, Any]:
    """A minimal template holding one state machine, so E3601 sees the definition as an object.

    Substitution values that are not scalars (e.g. `Fn::GetAtt` to a resource that is not in this
    template) are replaced by a dummy string: E3601 only looks at the keys.
    """
    props: dict[str, Any] = {"Definition": definition, "RoleArn": ROLE_ARN}
    if substitutions:
        props["DefinitionSubstitutions"] = {
            key: value if isinstance(value, str | int | bool) else f"placeholder-{key}"
            for key, value in substitutions.items()
        }
    return {"AWSTemplateFormatVersion": "2010-09-09",
            "Resources": {logical_id: {"Type": "AWS::StepFunctions::StateMachine", "Properties": props}}}


def lint_asl(definition: dict[str, Any], substitutions: dict[str, Any] | None = None, *,
             regions: Iterable[str] = REGIONS) -> list[Any]:
    """cfn-lint matches for one bare ASL definition (E3601 and friends), wrapped by `wrap_definition`."""
    return lint_template(wrap_definition(definition, substitutions), regions=regions)


def asl_errors(definition: dict[str, Any], substitutions: dict[str, Any] | None = None) -> list[str]:
    """`errors(lint_asl(definition, substitutions))`."""
    return errors(lint_asl(definition, substitutions))
