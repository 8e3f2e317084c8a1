"""From a compiled program to a CloudFormation template whose code is in S3 (what `sam package` +
the SAM transform do, without the SAM CLI).

1. The target renders the app into a private build folder (the user's `--out` folders are not touched).
2. Every local artifact is zipped deterministically (sorted entries, fixed timestamps and modes, no
   `__pycache__`), named by its SHA-256 and uploaded once: `CodeUri` of functions, `ContentUri` of layers.
   A `DefinitionUri` naming a local ASL file is inlined as `Definition` (its `DefinitionSubstitutions` stay:
   CloudFormation applies them).
3. aws-sam-translator (the code CloudFormation's SAM transform runs) turns the SAM template into plain
   CloudFormation, with its bundled managed-policy map, so nothing but S3 is called before the change set.
   Transforming here rather than in CloudFormation means the change set lists the real resources, and the
   same template deploys to emulators that have no SAM transform.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path
from typing import Any

from flowc.targets.aws.session import Aws, AwsError, describe_error
from pydantic import BaseModel, ConfigDict

MAX_TEMPLATE_BODY = 51_200  # CloudFormation's limit for TemplateBody; larger templates go through S3
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
SKIPPED_PARTS = frozenset({"__pycache__", ".git", ".pytest_cache", ".mypy_cache"})
# (resource type, property holding a local folder to zip)
CODE_PROPERTIES: dict[str, str] = {"AWS::Serverless::Function": "CodeUri", "AWS::Serverless::LayerVersion": "ContentUri"}


class Artifact(BaseModel):
    model_config = ConfigDict(extra="forbid")
    logical_id: str
    source: str  # the folder zipped
    key: str  # S3 key: <prefix>/<sha256>.zip
    size: int
    uploaded: bool  # False: an identical artifact was already there


class Packaged(BaseModel):
    """The deployable template and what was uploaded for it."""

    model_config = ConfigDict(extra="forbid")
    template: dict[str, Any]
    bucket: str
    artifacts: list[Artifact]

    def body(self) -> str:
        """Compact JSON: CloudFormation counts the body's bytes against its limit."""
        return json.dumps(self.template, sort_keys=True, separators=(",", ":"))


def render_app(result: Any, target: str, build_dir: Path, sources: list[str]) -> dict[str, str]:
    """The target's files for `result`, written into `build_dir` (refused constructs raise ValueError)."""
    import importlib

    from flowc.targets import TARGETS

    module = importlib.import_module(TARGETS[target])
    refused = [d for d in (getattr(module, "check", lambda _r: [])(result)) if d.is_error]
    if refused:
        raise ValueError("; ".join(f"{d.code} {d.message}" for d in refused))
    files = module.render(result, build_dir, sources)
    for rel, text in sorted(files.items()):
        path = build_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return files


def zip_folder(folder: Path) -> bytes:
    """A byte-identical zip for identical folder contents."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            rel = path.relative_to(folder)
            if SKIPPED_PARTS & set(rel.parts) or path.suffix == ".pyc":
                continue
            info = zipfile.ZipInfo(rel.as_posix(), date_time=ZIP_DATE)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes())
    return buffer.getvalue()


def ensure_bucket(aws: Aws, bucket: str | None) -> str:
    """The artifact bucket: the one given, or `flowc-artifacts-<account>-<region>`, created private and
    encrypted (public access blocked, SSE-S3) when it does not exist yet."""
    s3 = aws.client("s3")
    name = bucket or f"flowc-artifacts-{aws.account}-{aws.region}"
    try:
        s3.head_bucket(Bucket=name)
        return name
    except Exception as err:
        code = str(getattr(err, "response", {}).get("Error", {}).get("Code", ""))
        if code not in ("404", "NoSuchBucket", "NotFound"):
            raise AwsError(f"artifact bucket {name}: {describe_error(err)}") from None
    if bucket is not None:
        raise AwsError(f"artifact bucket {name} does not exist (flowc creates only its default bucket)")
    kwargs: dict[str, Any] = {"Bucket": name}
    if aws.region != "us-east-1":
        kwargs["CreateBucketConfiguration"] = {"LocationConstraint": aws.region}
    s3.create_bucket(**kwargs)
    s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
    s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={
        "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})
    return name


def upload(aws: Aws, bucket: str, key: str, data: bytes) -> bool:
    """Put `data` at `key` unless it is already there (keys are content hashes); True when uploaded."""
    s3 = aws.client("s3")
    try:
        s3.head_object(Bucket=bucket, Key=key)
        return False
    except Exception as err:
        code = str(getattr(err, "response", {}).get("Error", {}).get("Code", ""))
        if code not in ("404", "NoSuchKey", "NotFound"):
            raise
    s3.put_object(Bucket=bucket, Key=key, Body=data, ServerSideEncryption="AES256")
    return True


def package(aws: Aws, sam: dict[str, Any], build_dir: Path, *, bucket: str, prefix: str) -> Packaged:
    """Upload the template's local artifacts, inline its definitions, and run the SAM transform."""
    artifacts: list[Artifact] = []
    for logical_id, resource in sorted((sam.get("Resources") or {}).items()):
        kind, props = resource.get("Type"), resource.get("Properties") or {}
        prop = CODE_PROPERTIES.get(kind)
        if prop and isinstance(props.get(prop), str):
            folder = (build_dir / props[prop]).resolve()
            if not folder.is_dir():
                raise AwsError(f"{logical_id}: {prop} {props[prop]} is not a folder")
            data = zip_folder(folder)
            key = f"{prefix}/{hashlib.sha256(data).hexdigest()}.zip"
            uploaded = upload(aws, bucket, key, data)
            artifacts.append(Artifact(logical_id=logical_id, source=str(folder), key=key, size=len(data),
                                      uploaded=uploaded))
            props[prop] = {"Bucket": bucket, "Key": key}
        if kind == "AWS::Serverless::StateMachine" and isinstance(props.get("DefinitionUri"), str):
            props["Definition"] = json.loads((build_dir / props.pop("DefinitionUri")).read_text(encoding="utf-8"))
    return Packaged(template=transform(sam, aws.region, aws.partition), bucket=bucket, artifacts=artifacts)


def transform(sam: dict[str, Any], region: str, partition: str) -> dict[str, Any]:
    """The SAM transform, offline (aws-sam-translator, bundled managed-policy map)."""
    if sam.get("Transform") is None:
        return sam
    try:
        import boto3
        from samtranslator.internal.managed_policies import get_bundled_managed_policy_map
        from samtranslator.model.exceptions import InvalidDocumentException
        from samtranslator.parser.parser import Parser
        from samtranslator.translator.translator import Translator
    except ImportError as err:
        from flowc.targets.aws.session import INSTALL_HINT

        raise AwsError(f"the SAM transform needs aws-sam-translator ({err.name} missing): {INSTALL_HINT}") from None
    policies = get_bundled_managed_policy_map(partition) or {}
    translator = Translator(managed_policy_map=None, sam_parser=Parser(),
                            boto_session=boto3.Session(region_name=region))
    try:
        return translator.translate(sam, parameter_values={}, get_managed_policy_map=lambda: policies)
    except InvalidDocumentException as err:
        raise AwsError("the SAM transform rejected the template: " +
                       "; ".join(getattr(c, "message", str(c)) for c in err.causes)) from None
    finally:
        translator.metrics.publish()  # else its __del__ warns about unpublished metrics


def template_source(aws: Aws, packaged: Packaged, prefix: str) -> dict[str, str]:
    """`TemplateBody`, or `TemplateURL` after uploading a template over CloudFormation's body limit."""
    body = packaged.body()
    if len(body.encode("utf-8")) <= MAX_TEMPLATE_BODY:
        return {"TemplateBody": body}
    data = body.encode("utf-8")
    key = f"{prefix}/{hashlib.sha256(data).hexdigest()}.template.json"
    upload(aws, packaged.bucket, key, data)
    domain = "amazonaws.com.cn" if aws.partition == "aws-cn" else "amazonaws.com"
    return {"TemplateURL": f"https://{packaged.bucket}.s3.{aws.region}.{domain}/{key}"}
