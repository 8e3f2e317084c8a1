"""An IAM oracle: what the emitted ASL needs, per AWS's documented action table, and whether a role allows it.

Independent of flowc's emitter (targets/asl/sam.py, targets/iam.py): it reads only the *emitted* ASL, the
translated CloudFormation and the cited table `targets/iam_table.json` (data: one AWS page per row). It
resolves CloudFormation intrinsics to concrete example ARNs (account 123456789012, us-east-1, stack
`flowc-stack`) so policies can be matched with IAM's own wildcard rules and handed to parliament.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TABLE = json.loads((Path(__file__).resolve().parents[2] / "targets" / "iam_table.json").read_text())
PSEUDO = {"AWS::Partition": "aws", "AWS::Region": "us-east-1", "AWS::AccountId": "123456789012",
          "AWS::StackName": "flowc-stack", "AWS::URLSuffix": "amazonaws.com", "AWS::NoValue": ""}
R, A = PSEUDO["AWS::Region"], PSEUDO["AWS::AccountId"]
STATES = "arn:aws:states:::"

# Physical-name property per type (what Ref/GetAtt name the resource by, if set).
NAME_PROPS = {"AWS::DynamoDB::Table": "TableName", "AWS::SNS::Topic": "TopicName", "AWS::SQS::Queue": "QueueName",
              "AWS::Events::EventBus": "Name", "AWS::StepFunctions::Activity": "Name",
              "AWS::StepFunctions::StateMachine": "StateMachineName", "AWS::S3::Bucket": "BucketName",
              "AWS::Lambda::Function": "FunctionName", "AWS::IAM::Role": "RoleName",
              "AWS::Logs::LogGroup": "LogGroupName", "AWS::SecretsManager::Secret": "Name"}
ARN_FORMATS = {  # type -> ARN of the resource named {n}
    "AWS::DynamoDB::Table": f"arn:aws:dynamodb:{R}:{A}:table/{{n}}",
    "AWS::SNS::Topic": f"arn:aws:sns:{R}:{A}:{{n}}",
    "AWS::SQS::Queue": f"arn:aws:sqs:{R}:{A}:{{n}}",
    "AWS::Events::EventBus": f"arn:aws:events:{R}:{A}:event-bus/{{n}}",
    "AWS::StepFunctions::Activity": f"arn:aws:states:{R}:{A}:activity:{{n}}",
    "AWS::StepFunctions::StateMachine": f"arn:aws:states:{R}:{A}:stateMachine:{{n}}",
    "AWS::S3::Bucket": "arn:aws:s3:::{n}",
    "AWS::Lambda::Function": f"arn:aws:lambda:{R}:{A}:function:{{n}}",
    "AWS::IAM::Role": f"arn:aws:iam::{A}:role/{{n}}",
    "AWS::Logs::LogGroup": f"arn:aws:logs:{R}:{A}:log-group:{{n}}:*",
    "AWS::KMS::Key": f"arn:aws:kms:{R}:{A}:key/{{n}}",
    "AWS::SecretsManager::Secret": f"arn:aws:secretsmanager:{R}:{A}:secret:{{n}}-AbCdEf",
}
REF_IS_ARN = {"AWS::SNS::Topic", "AWS::StepFunctions::Activity", "AWS::StepFunctions::StateMachine",
              "AWS::SecretsManager::Secret"}


class Resolver:
    """Concrete values for Ref / Fn::GetAtt / Fn::Sub / Fn::Join over one translated template."""

    def __init__(self, cfn: dict[str, Any]):
        self.resources: dict[str, Any] = cfn.get("Resources") or {}

    def name(self, logical: str) -> str:
        res = self.resources.get(logical) or {}
        prop = NAME_PROPS.get(res.get("Type", ""))
        value = (res.get("Properties") or {}).get(prop) if prop else None
        if value is not None:
            return str(self.value(value))
        name = f"flowc-stack-{logical}"
        return name.lower() if res.get("Type") == "AWS::S3::Bucket" else name

    def arn(self, logical: str) -> str:
        rtype = (self.resources.get(logical) or {}).get("Type", "")
        return ARN_FORMATS.get(rtype, f"arn:aws:unknown:{R}:{A}:{{n}}").format(n=self.name(logical))

    def ref(self, logical: str) -> str:
        if logical in PSEUDO:
            return PSEUDO[logical]
        rtype = (self.resources.get(logical) or {}).get("Type", "")
        if rtype in REF_IS_ARN:
            return self.arn(logical)
        if rtype == "AWS::SQS::Queue":
            return f"https://sqs.{R}.amazonaws.com/{A}/{self.name(logical)}"
        return self.name(logical)

    def getatt(self, logical: str, attr: str) -> str:
        if attr in ("Arn", "TopicArn"):
            return self.arn(logical)
        if attr == "QueueUrl":
            return self.ref(logical)
        return self.name(logical)

    def sub(self, text: str, variables: dict[str, Any]) -> str:
        def one(m: re.Match) -> str:
            key = m.group(1)
            if key.startswith("!"):
                return "${" + key[1:] + "}"
            if key in variables:
                return str(self.value(variables[key]))
            if "." in key and key.split(".", 1)[0] in self.resources:
                return self.getatt(*key.split(".", 1))
            return self.ref(key)

        return re.sub(r"\$\{([^}]+)\}", one, text)

    def value(self, v: Any) -> Any:
        if isinstance(v, dict) and len(v) == 1:
            (k, arg), = v.items()
            if k == "Ref":
                return self.ref(arg)
            if k == "Fn::GetAtt":
                logical, attr = arg if isinstance(arg, list) else arg.split(".", 1)
                return self.getatt(logical, attr)
            if k == "Fn::Sub":
                return self.sub(arg, {}) if isinstance(arg, str) else self.sub(arg[0], arg[1])
            if k == "Fn::Join":
                return arg[0].join(str(self.value(x)) for x in arg[1])
        if isinstance(v, dict):
            return {k: self.value(x) for k, x in v.items()}
        if isinstance(v, list):
            return [self.value(x) for x in v]
        return v


def role_policies(cfn: dict[str, Any], role_logical: str, resolver: Resolver) -> list[dict[str, Any]]:
    """The resolved policy documents of one IAM role (inline policies)."""
    role = cfn["Resources"][role_logical]["Properties"]
    return [resolver.value(p["PolicyDocument"]) for p in role.get("Policies") or []]


def every_role_policy(cfn: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    resolver = Resolver(cfn)
    for logical, res in cfn["Resources"].items():
        if res.get("Type") == "AWS::IAM::Role":
            for i, doc in enumerate(role_policies(cfn, logical, resolver)):
                yield f"{logical}/{i}", doc
        elif res.get("Type") == "AWS::IAM::Policy":
            yield logical, resolver.value(res["Properties"]["PolicyDocument"])


def statements(docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for doc in docs:
        st = doc.get("Statement") or []
        out += st if isinstance(st, list) else [st]
    return out


def _as_list(v: Any) -> list:
    return v if isinstance(v, list) else [v]


def _iam_match(pattern: str, value: str, *, case: bool) -> bool:
    rx = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(rx, value, 0 if case else re.IGNORECASE) is not None


def allows(stmts: list[dict[str, Any]], action: str, resource: str) -> bool:
    """IAM's matching (no conditions are emitted): an Allow statement whose Action and Resource match."""
    for st in stmts:
        if st.get("Effect") != "Allow":
            continue
        if not any(_iam_match(a, action, case=False) for a in _as_list(st.get("Action", []))):
            continue
        if any(_iam_match(r, resource, case=True) for r in _as_list(st.get("Resource", []))):
            return True
    return False


# ------------------------------------------------------------------------ what the ASL needs --
@dataclass(frozen=True)
class Need:
    action: str
    resource: str  # a concrete sample ARN the action must be allowed on ("*" when AWS documents no ARN)
    key: str  # the table row
    state: str
    doc: str

    def __str__(self) -> str:
        return f"{self.state}: {self.action} on {self.resource} ({self.key}, {self.doc})"


def walk(definition: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    for name, state in (definition.get("States") or {}).items():
        yield prefix + name, state
        for branch in state.get("Branches") or []:
            yield from walk(branch, prefix + name + "/")
        for key in ("ItemProcessor", "Iterator"):
            if isinstance(state.get(key), dict):
                yield from walk(state[key], prefix + name + "/")


def _placeholders(value: Any, subs: dict[str, Any]) -> Any:
    if isinstance(value, str):
        return re.sub(r"\$\{([A-Za-z0-9_]+)\}", lambda m: str(subs.get(m.group(1), m.group(0))), value)
    if isinstance(value, dict):
        return {k: _placeholders(v, subs) for k, v in value.items()}
    if isinstance(value, list):
        return [_placeholders(v, subs) for v in value]
    return value


def _literal(params: dict[str, Any], key: str) -> str | None:
    v = params.get(key)
    return v if isinstance(v, str) and not v.startswith("{%") else None


def _arn_of(key: str, params: dict[str, Any]) -> str | None:
    """The ARN of the resource a task names, from the service API's own parameter (as the docs scope it)."""
    service = key.split(":", 1)[0]
    if service == "lambda":
        return _literal(params, "FunctionName")
    if service == "dynamodb":
        name = _literal(params, "TableName")
        return name if name and name.startswith("arn:") else name and f"arn:aws:dynamodb:{R}:{A}:table/{name}"
    if service == "sns":
        return _literal(params, "TopicArn")
    if service == "sqs":
        url = _literal(params, "QueueUrl") or ""
        m = re.fullmatch(r"https://sqs\.([^.]+)\.[^/]+/(\d+)/(.+)", url)
        return m and f"arn:aws:sqs:{m.group(1)}:{m.group(2)}:{m.group(3)}"
    if service == "events":
        buses = {e.get("EventBusName") for e in params.get("Entries") or [] if isinstance(e, dict)}
        bus = next(iter(buses)) if len(buses) == 1 else None
        if not bus:
            bus = "default"
        return bus if bus.startswith("arn:") else f"arn:aws:events:{R}:{A}:event-bus/{bus}"
    if service == "states":
        return _literal(params, "StateMachineArn")
    return None


def _samples(scope: str, target: str | None, params: dict[str, Any], machine_arn: str) -> list[str]:
    bucket = _literal(params, "Bucket") or "some-bucket"
    if scope == "*":
        return ["*"]
    if scope == "target":
        return [target] if target else []
    if scope == "target-versions":
        return [target + ":1"] if target else []
    if scope == "target-executions":
        return [target.replace(":stateMachine:", ":execution:") + ":run-1"] if target else []
    if scope == "self":
        return [machine_arn]
    if scope == "self-map-executions":
        return [machine_arn.replace(":stateMachine:", ":execution:") + "/MapRun:0f9e"]
    if scope.startswith("rule:"):
        return [f"arn:aws:events:{R}:{A}:rule/{scope[5:]}"]
    if scope == "s3-bucket":
        return [f"arn:aws:s3:::{bucket}"]
    if scope == "s3-object":
        return [f"arn:aws:s3:::{bucket}/{_literal(params, 'Key') or 'some/key.csv'}"]
    if scope == "s3-prefix":
        prefix = (_literal(params, "Prefix") or "").strip("/")
        return [f"arn:aws:s3:::{bucket}/{prefix + '/' if prefix else ''}run-1/manifest.json"]
    if scope.startswith(("param:", "param-revision:")):
        kind, name, service, rtype = scope.split(":", 3)
        value = _literal(params, name) or "any"
        if value.startswith("arn:"):
            return [value]
        if kind == "param":
            value = value.split(":")[0]
        return [f"arn:aws:{service}:{R}:{A}:{rtype}/{value if ':' in value or kind == 'param' else value + ':3'}"]
    if scope.startswith("any:"):
        _, service, rtype = scope.split(":", 2)
        return [f"arn:aws:{service}:{R}:{A}:{rtype}/some-id"]
    if scope.startswith("sdk-arns:"):
        service = scope.split(":", 1)[1]
        arns = [v for v in params.values() if isinstance(v, str) and v.startswith(f"arn:aws:{service}:")]
        return arns or ["*"]
    if scope == "kms":
        key = KEYS.get(target or "")
        return [key] if key else []
    raise AssertionError(f"unknown scope {scope}")


KEYS: dict[str, str] = {}  # resource ARN -> its customer managed key ARN (set by `needs`)


def customer_keys(cfn: dict[str, Any], resolver: Resolver) -> dict[str, str]:
    """Tables, topics and queues of a template that name a KMS key ARN: their ARN -> the key."""
    out = {}
    for logical, res in (cfn.get("Resources") or {}).items():
        props = res.get("Properties") or {}
        key = props.get("KmsMasterKeyId") or (props.get("SSESpecification") or {}).get("KMSMasterKeyId")
        if isinstance(key, str) and key.startswith("arn:"):
            out[resolver.arn(logical)] = key
    return out


def row(key: str) -> dict[str, Any] | None:
    """The table row for a key (aws-sdk keys by the table's naming rule)."""
    found = TABLE["integrations"].get(key)
    if found is not None or not key.startswith("aws-sdk:"):
        return found
    _, service, api = key.split(":")[:3]
    sdk = TABLE["aws-sdk"]
    if f"{service}:{api}" in sdk["exceptions"]:
        return sdk["exceptions"][f"{service}:{api}"]
    prefix = sdk["prefixes"].get(service, service)
    return {"doc": sdk["doc"], "grants": [{"actions": [f"{prefix}:{api[:1].upper()}{api[1:]}"],
                                           "on": [f"sdk-arns:{prefix}"]}]}


def needs(definition: dict[str, Any], substitutions: dict[str, Any], machine_arn: str,
          *, logging: bool = False, tracing: bool = False,
          keys: dict[str, str] | None = None) -> tuple[list[Need], list[str]]:
    """Every (action, sample resource) the definition needs, and the task shapes the table lacks.

    `keys`: the customer managed key of each encrypted resource (`customer_keys`)."""
    KEYS.clear()
    KEYS.update(keys or {})
    out: list[Need] = []
    unknown: list[str] = []

    def add(key: str, state: str, target: str | None, params: dict[str, Any]) -> None:
        r = row(key)
        if r is None:
            unknown.append(f"{state}: {key}")
            return
        for grant in r["grants"]:
            for scope in grant["on"]:
                for sample in _samples(scope, target, params, machine_arn):
                    out.extend(Need(a, sample, key, state, r["doc"]) for a in grant["actions"])

    for name, state in walk(definition):
        if state.get("Type") == "Task":
            resource = _placeholders(state["Resource"], substitutions)
            params = _placeholders(state.get("Parameters") or state.get("Arguments") or {}, substitutions)
            params = {k[:-2] if k.endswith(".$") else k: (None if k.endswith(".$") else v)
                      for k, v in params.items()} if isinstance(params, dict) else {}
            if resource.startswith(STATES):
                key = resource[len(STATES):]
                add(key, name, _arn_of(key, params), params)
            elif ":lambda:" in resource and ":function:" in resource:
                add("lambda-arn", name, ":".join(resource.split(":")[:7]), params)
            elif ":activity:" in resource:
                add("activity", name, resource, params)
            else:
                unknown.append(f"{name}: {resource}")
        if state.get("Type") == "Map" and (state.get("ItemProcessor") or {}).get(
                "ProcessorConfig", {}).get("Mode") == "DISTRIBUTED":
            add("map:distributed", name, None, {})
            for field, kind in (("ItemReader", "itemreader"), ("ResultWriter", "resultwriter")):
                spec = state.get(field)
                if isinstance(spec, dict) and "Resource" in spec:
                    p = {k[:-2] if k.endswith(".$") else k: (None if k.endswith(".$") else v)
                         for k, v in (spec.get("Parameters") or spec.get("Arguments") or {}).items()}
                    add(f"{kind}:{spec['Resource'][len(STATES):]}", name, None, p)
    if logging:
        add("logging", "(logging)", None, {})
    if tracing:
        add("tracing", "(tracing)", None, {})
    return out, unknown


def documented_star_actions() -> set[str]:
    """Actions the table grants on `*` because AWS documents no resource-level permission for them."""
    out = set()
    for r in TABLE["integrations"].values():
        for grant in r["grants"]:
            if "*" in grant["on"]:
                assert grant.get("why"), f"{grant['actions']}: a `*` grant needs its reason"
                out.update(grant["actions"])
    return out


# parliament 1.6.4 reads every resource type an action lists as required at once; for these actions the
# types are alternatives (an execution of a Standard or of an Express machine), so it reports a mismatch
# for the one a statement rightly does not name. Only this exact detail is ignored.
PARLIAMENT_ALTERNATIVES = {("states:DescribeExecution", "arn:*:states:*:*:express:*:*:*"),
                           ("states:StopExecution", "arn:*:states:*:*:express:*:*:*")}


def parliament_findings(doc: dict[str, Any]) -> list[str]:
    """parliament's findings for one resolved policy document, as `ISSUE detail` strings."""
    from parliament import analyze_policy_string

    policy = analyze_policy_string(json.dumps(doc))
    out = []
    for f in policy.findings:
        if f.issue == "RESOURCE_MISMATCH" and isinstance(f.detail, list) and all(
                (d.get("action"), d.get("required_format")) in PARLIAMENT_ALTERNATIVES for d in f.detail):
            continue
        out.append(f"{f.issue} {f.detail}")
    return out


def star_actions(stmts: list[dict[str, Any]]) -> set[str]:
    return {a for st in stmts if "*" in _as_list(st.get("Resource", [])) for a in _as_list(st.get("Action", []))}
