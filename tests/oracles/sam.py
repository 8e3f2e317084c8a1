"""SAM -> CloudFormation, offline, with aws-sam-translator (the code CloudFormation's SAM transform runs).

What `translate` does so the translator needs no network and no AWS account:
- the region comes from a boto3 Session made with `region_name` (no credentials are needed);
- managed policy names (`Policies: [AWSLambdaBasicExecutionRole]`) resolve through the translator's bundled
  map (`samtranslator.internal.managed_policies.get_bundled_managed_policy_map`) instead of IAM ListPolicies;
- local artifact paths are replaced first, as `sam package` would after uploading them: `CodeUri`,
  `ContentUri`, `DefinitionUri` (Api, HttpApi, StateMachine) become `s3://flowc-oracle-artifacts/<md5>`.
  With `base_dir`, a local path that does not exist is an error, as it is for `sam package`.

`DefinitionUri` of a state machine that names a local ASL file stays an S3 placeholder by default
(`DefinitionS3Location` in the output, DefinitionSubstitutions kept as they are: that is what deploys).
`inline_definitions=True` instead loads the file as `Definition`, so the output carries the ASL (as the
`Fn::Join` of lines the translator emits) and `state_machine_definitions` can hand it to cfn-lint/moto;
DefinitionSubstitutions are kept either way (CloudFormation applies them, not the translator).

AWS::Serverless::Application resources (SAR) would still call the network: flowc does not emit them.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
from pathlib import Path
from typing import Any

REGION = "us-east-1"
ARTIFACT_BUCKET = "flowc-oracle-artifacts"

# (resource type, property) whose string value may be a local path that `sam package` uploads.
LOCAL_ARTIFACT_PROPERTIES: dict[str, tuple[str, ...]] = {
    "AWS::Serverless::Function": ("CodeUri",),
    "AWS::Serverless::LayerVersion": ("ContentUri",),
    "AWS::Serverless::Api": ("DefinitionUri",),
    "AWS::Serverless::HttpApi": ("DefinitionUri",),
    "AWS::Serverless::StateMachine": ("DefinitionUri",),
}
GLOBALS_SECTIONS = {"AWS::Serverless::Function": "Function", "AWS::Serverless::Api": "Api",
                    "AWS::Serverless::HttpApi": "HttpApi", "AWS::Serverless::StateMachine": "StateMachine"}


class SamTranslationError(Exception):
    """The translator rejected the template; `errors` lists every message it reported."""

    stage = "aws-sam-translator"

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        listing = "\n".join(f"  - {e}" for e in errors)
        super().__init__(f"{self.stage} found {len(errors)} error(s):\n{listing}")


class SamPackageError(SamTranslationError):
    """A local artifact path does not exist (what `sam package` would refuse before translating)."""

    stage = "packaging (sam package)"


def load_template(source: str | Path) -> dict[str, Any]:
    """A SAM/CloudFormation template from YAML or JSON text or a file, short-form tags (`!Ref`) included."""
    import yaml

    text = Path(source).read_text(encoding="utf-8") if isinstance(source, Path) else source
    return yaml.load(text, Loader=_yaml_loader())


@functools.cache
def _yaml_loader() -> type:
    """A private SafeLoader that knows `!Ref`/`!GetAtt`/...: samtranslator's own `yaml_parse` would add
    that constructor to PyYAML's global SafeLoader, changing `yaml.safe_load` for every other test."""
    import yaml
    from samtranslator.yaml_helper import intrinsics_multi_constructor

    loader = type("CfnSafeLoader", (yaml.SafeLoader,), {})
    loader.add_multi_constructor("!", intrinsics_multi_constructor)
    return loader


def _is_local_path(value: Any) -> bool:
    return isinstance(value, str) and not value.startswith("s3://") and "{{resolve:" not in value


def _placeholder(path: str) -> str:
    return f"s3://{ARTIFACT_BUCKET}/{hashlib.md5(path.encode()).hexdigest()}"  # a name only


def _load_definition(path: Path) -> Any:
    text = path.read_text(encoding="utf-8")
    try:
        return json.loads(text)
    except ValueError:
        return load_template(text)


def package(template: dict[str, Any], *, base_dir: str | Path | None = None,
            inline_definitions: bool = False) -> dict[str, Any]:
    """A copy of `template` with local artifact paths replaced as `sam package` would (see module doc)."""
    out = copy.deepcopy(template)
    base = Path(base_dir) if base_dir is not None else None
    missing: list[str] = []

    def check(where: str, value: str) -> None:
        if base is not None and not (base / value).exists():
            missing.append(f"{where}: local path {value!r} does not exist under {base}")

    for section, props in (out.get("Globals") or {}).items():
        for rtype, gsection in GLOBALS_SECTIONS.items():
            if gsection != section or not isinstance(props, dict):
                continue
            for prop in LOCAL_ARTIFACT_PROPERTIES[rtype]:
                if _is_local_path(props.get(prop)):
                    check(f"Globals.{section}.{prop}", props[prop])
                    props[prop] = _placeholder(props[prop])

    for logical_id, resource in (out.get("Resources") or {}).items():
        if not isinstance(resource, dict):
            continue
        rtype, props = resource.get("Type"), resource.get("Properties")
        if rtype not in LOCAL_ARTIFACT_PROPERTIES or not isinstance(props, dict):
            continue
        for prop in LOCAL_ARTIFACT_PROPERTIES[rtype]:
            value = props.get(prop)
            if not _is_local_path(value):
                continue
            check(f"{logical_id}.{prop}", value)
            if inline_definitions and rtype == "AWS::Serverless::StateMachine":
                path = (base or Path.cwd()) / value
                if path.exists():
                    props["Definition"] = _load_definition(path)
                    del props[prop]
                    continue
            props[prop] = _placeholder(value)
    if missing:
        raise SamPackageError(missing)
    return out


@functools.cache
def _boto_session(region: str) -> Any:
    import boto3

    return boto3.session.Session(region_name=region)


def translate(template: dict[str, Any] | str | Path, *, base_dir: str | Path | None = None,
              inline_definitions: bool = False, parameter_values: dict[str, Any] | None = None,
              region: str = REGION) -> dict[str, Any]:
    """The CloudFormation template the SAM transform would produce; `SamTranslationError` if it rejects it.

    A `Path` (or YAML/JSON text) is loaded first; a Path also sets `base_dir` to its folder by default.
    """
    from samtranslator.internal.managed_policies import get_bundled_managed_policy_map
    from samtranslator.model.exceptions import InvalidDocumentException
    from samtranslator.parser.parser import Parser
    from samtranslator.translator.translator import Translator

    if isinstance(template, Path):
        base_dir = template.parent if base_dir is None else base_dir
    sam = template if isinstance(template, dict) else load_template(template)
    packaged = package(sam, base_dir=base_dir, inline_definitions=inline_definitions)
    partition = "aws-cn" if region.startswith("cn-") else "aws-us-gov" if region.startswith("us-gov-") else "aws"
    policies = get_bundled_managed_policy_map(partition) or {}
    translator = Translator(managed_policy_map=None, sam_parser=Parser(), boto_session=_boto_session(region))
    try:
        return translator.translate(packaged, parameter_values=dict(parameter_values or {}),
                                    get_managed_policy_map=lambda: policies)
    except InvalidDocumentException as ex:
        raise SamTranslationError([getattr(c, "message", str(c)) for c in ex.causes]) from ex
    finally:
        translator.metrics.publish()  # else its __del__ warns "There are unpublished metrics"


def _join_to_text(value: Any) -> str | None:
    """The text of a literal or of an `Fn::Join` whose parts are all literal strings."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and list(value) == ["Fn::Join"]:
        sep, parts = value["Fn::Join"]
        if isinstance(sep, str) and all(isinstance(p, str) for p in parts):
            return sep.join(parts)
    return None


def state_machine_definitions(cfn: dict[str, Any]) -> dict[str, tuple[dict[str, Any], dict[str, Any]]]:
    """{logical id: (ASL definition, DefinitionSubstitutions)} for machines whose ASL is inline.

    Substitution values are left as they are (often intrinsics such as `Fn::GetAtt`).
    """
    out = {}
    for logical_id, resource in (cfn.get("Resources") or {}).items():
        if not isinstance(resource, dict) or resource.get("Type") != "AWS::StepFunctions::StateMachine":
            continue
        props = resource.get("Properties") or {}
        definition = props.get("Definition")
        if definition is None and (text := _join_to_text(props.get("DefinitionString"))) is not None:
            definition = json.loads(text)
        if isinstance(definition, dict):
            out[logical_id] = (definition, dict(props.get("DefinitionSubstitutions") or {}))
    return out
