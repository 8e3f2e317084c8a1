"""Value helpers shared by rules: placeholders, JSONata strings, numbers, timestamps, ARNs."""

from __future__ import annotations

import re
from typing import Any

PLACEHOLDER = re.compile(r"\$\{[^}]*\}")
WHOLE_PLACEHOLDER = re.compile(r"\$\{[^}]+\}")
TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")
PARTITIONS = frozenset({"aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f",
                        "aws-eusc"})


def has_placeholder(value: Any) -> bool:
    return isinstance(value, str) and "${" in value and PLACEHOLDER.search(value) is not None


def is_cfn_intrinsic(value: Any) -> bool:
    """`{"Ref": ...}` / `{"Fn::GetAtt": ...}`: CloudFormation fills these in a template's Definition."""
    if not isinstance(value, dict) or len(value) != 1:
        return False
    key = str(next(iter(value)))
    return key in ("Ref", "Condition") or key.startswith("Fn::")


def is_substituted(value: Any) -> bool:
    """A value a deployment tool fills in: a `${Placeholder}` string or a CloudFormation intrinsic."""
    return has_placeholder(value) or is_cfn_intrinsic(value)


def is_jsonata(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("{%") and value.endswith("%}") and len(value) >= 4


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if is_int(value):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


def is_timestamp(value: str) -> bool:
    return TIMESTAMP.fullmatch(value) is not None


def fill_placeholders(text: str, filler: str = "placeholder") -> str:
    """Replace each `${...}` by a neutral token so the rest of the text can be checked."""
    return PLACEHOLDER.sub(filler, text)


# -- ARNs ---------------------------------------------------------------------------------------
SFN_SUFFIXES = ("", ".sync", ".sync:2", ".waitForTaskToken")
LAMBDA_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")
LAMBDA_QUALIFIER = re.compile(r"\$LATEST|[A-Za-z0-9_-]{1,128}")
REGION = re.compile(r"[a-z]{2}(-[a-z]+)+-\d+|[a-z0-9-]*")
ACCOUNT = re.compile(r"\d*")


def arn_problem(arn: str) -> str | None:
    """Why a Task `Resource` is not an ARN Step Functions accepts, or None.

    Placeholders (`${...}`) stand for any text of the right shape, so a segment holding
    one is not judged.
    """
    arn = PLACEHOLDER.sub("${P}", arn)  # placeholders such as ${AWS::Partition} hold colons
    parts = arn.split(":", 5)
    if len(parts) < 6 or parts[0] != "arn":
        return "a Task Resource must be an ARN (arn:partition:service:region:account:resource)"
    _, partition, service, region, account, rest = parts
    if not has_placeholder(partition) and partition not in PARTITIONS:
        return (f"unknown partition {partition!r} (aws, aws-cn, aws-us-gov, aws-iso, aws-iso-b, aws-iso-e, "
                "aws-iso-f, aws-eusc)")
    if has_placeholder(service):
        return None
    if not has_placeholder(region) and not REGION.fullmatch(region):
        return f"malformed region {region!r}"
    if not has_placeholder(account) and not ACCOUNT.fullmatch(account):
        return f"malformed account id {account!r}: an account id is digits"
    if not rest:
        return "the ARN has no resource part"
    if service == "lambda":
        return _lambda_problem(rest)
    if service == "states":
        return _states_problem(region, account, rest)
    return None


def _lambda_problem(rest: str) -> str | None:
    pieces = rest.split(":")
    if pieces[0] != "function":
        return f"a Lambda ARN names a function ('function:NAME'), not {pieces[0]!r}"
    if len(pieces) < 2 or not pieces[1]:
        return "the Lambda ARN has no function name"
    if not has_placeholder(pieces[1]) and not LAMBDA_NAME.fullmatch(pieces[1]):
        return f"invalid Lambda function name {pieces[1]!r} (letters, digits, '-' and '_', up to 64)"
    if len(pieces) > 3:
        return "too many ':' in the Lambda ARN (function:NAME[:ALIAS_OR_VERSION])"
    if len(pieces) == 3 and not has_placeholder(pieces[2]) and not LAMBDA_QUALIFIER.fullmatch(pieces[2]):
        return (f"invalid Lambda qualifier {pieces[2]!r}: a version, an alias ([A-Za-z0-9-_]) or $LATEST"
                if pieces[2] else "empty Lambda qualifier after ':'")
    return None


def _states_problem(region: str, account: str, rest: str) -> str | None:
    if rest.startswith(("activity:", "stateMachine:", "execution:")):
        kind, _, name = rest.partition(":")
        if not name:
            return f"the {kind} ARN has no name"
        return None
    # Integrations are written arn:aws:states:::service:action; AWS also deploys them with a
    # region and account (aws-samples script-generator), so those are not judged here.
    service, _, action = rest.partition(":")
    if not action:
        return f"expected service:action after 'arn:aws:states:::', got {rest!r}"
    if has_placeholder(action) or has_placeholder(service):
        return None
    if service == "aws-sdk":
        sdk_service, _, api = action.partition(":")
        if not sdk_service or not api:
            return "an AWS SDK integration is arn:aws:states:::aws-sdk:service:apiAction"
        if api.endswith((".sync", ".sync:2")):
            return "AWS SDK integrations do not support .sync"
        return None
    for suffix in (".sync:2", ".sync", ".waitForTaskToken"):
        if action.endswith(suffix):
            action = action[: -len(suffix)]
            break
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", action):
        return f"malformed integration action {action!r}"
    return None


def integration(resource: Any) -> tuple[str, str, str] | None:
    """(service, action, suffix) of an optimized or SDK integration ARN, None otherwise.

    `arn:aws:states:::lambda:invoke.waitForTaskToken` -> ("lambda", "invoke", ".waitForTaskToken");
    `arn:aws:states:::aws-sdk:s3:getObject` -> ("aws-sdk:s3", "getObject", "").
    """
    if not isinstance(resource, str):
        return None
    parts = PLACEHOLDER.sub("${P}", resource).split(":", 5)
    if len(parts) < 6 or parts[0] != "arn" or parts[2] != "states" or parts[3] or parts[4]:
        return None
    service, _, action = parts[5].partition(":")
    if service == "aws-sdk":
        sdk, _, action = action.partition(":")
        service = f"aws-sdk:{sdk}"
    suffix = ""
    for s in (".sync:2", ".sync", ".waitForTaskToken"):
        if action.endswith(s):
            action, suffix = action[: -len(s)], s
            break
    return service, action, suffix


def is_lambda_task(resource: Any) -> bool:
    if not isinstance(resource, str):
        return False
    if resource.startswith("arn:") and PLACEHOLDER.sub("${P}", resource).split(":")[2:3] == ["lambda"]:
        return True
    found = integration(resource)
    return found is not None and found[0] == "lambda" and found[1] == "invoke"


def waiting_suffix(resource: Any) -> str | None:
    """'.sync', '.sync:2' or '.waitForTaskToken' when the task waits, else None."""
    found = integration(resource)
    if found is not None and found[2]:
        return found[2]
    return None


def is_activity(resource: Any) -> bool:
    return isinstance(resource, str) and ":states:" in resource and ":activity:" in resource


_BARE_FILTER_WORD = re.compile(r"(==|!=|<=|>=|<|>)\s*(?!true\b|false\b|null\b)([A-Za-z_][A-Za-z0-9_-]*)(?=\s*(\)|&&|\|\|))")


def quote_bare_filter_words(text: str) -> str:
    """`[?(@.code == es)]` -> `[?(@.code == 'es')]`.

    Step Functions accepts an unquoted word on the right of a filter comparison (AWS's
    own samples deploy `$[?(@.TargetLanguageCode==es)]`); the runtime grammar wants a
    quoted string, so rules quote such words before parsing.
    """
    if "[?(" not in text:
        return text
    return _BARE_FILTER_WORD.sub(lambda m: f"{m.group(1)} '{m.group(2)}'", text)
