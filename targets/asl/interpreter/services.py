"""AWS service integrations against moto: DynamoDB, SNS, SQS, EventBridge, S3 and any `aws-sdk:*` call.

`MotoServices` starts `moto.mock_aws` (imported lazily: moto is a test dependency), creates the resources
the program declares (tables with their keys, topics, queues, buses, buckets) and calls boto3 with the
task's parameters:

- optimized integrations (`arn:aws:states:::dynamodb:putItem`...) pass parameters as the API's members;
  `sqs:sendMessage` MessageBody, `sns:publish` Message and `events:putEvents` Entries[].Detail given as JSON
  are serialised to text first, as Step Functions does; the response is the API response without
  `ResponseMetadata`;
- `aws-sdk:service:action` parameters are matched to the API's members case-insensitively and the
  response keys are PascalCase, from botocore's service model;
- errors follow Step Functions' naming (the same table LocalStack's interpreter uses): `DynamoDB.<Code>`,
  `SNS.<Code>Exception`, `SQS.<Code>`, `EventBridge.FailedEntry` when FailedEntryCount > 0, and for the SDK
  integrations `<Service>.<Exception>Exception`, with causes of the form
  `<message> (Service: ..., Status Code: ..., Error Code: ..., Request ID: ...)`.

Do not nest it inside another active moto mock (e.g. the test oracle): pass `start=False` to reuse one.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
from typing import Any

from flowc.targets.local import TaskFailure

from . import expressions as ex
from .integrations import REGION, iso_datetimes

_SDK_SERVICES = {"sfn": "stepfunctions", "eventbridge": "events", "cloudwatchlogs": "logs",
                 "apigatewayv2": "apigatewayv2", "elasticloadbalancingv2": "elbv2"}
_SDK_ERROR_PREFIX = {"dynamodb": "DynamoDb", "sfn": "Sfn"}
_OPTIMIZED = {"dynamodb": "dynamodb", "sns": "sns", "sqs": "sqs", "events": "events", "s3": "s3"}


class MotoServices:
    def __init__(self, program: Any = None, *, start: bool = True, lazy: bool = False):
        """`lazy`: `open()` defers starting moto (and importing it, ~0.3 s) to the first service call, for runs
        whose service tasks may all be mocked."""
        self.program = program
        self._start = start
        self._lazy = lazy
        self._stack: contextlib.ExitStack | None = None
        self._clients: dict[str, Any] = {}

    # -- lifecycle -----------------------------------------------------------------------------------------
    def __enter__(self) -> MotoServices:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def started(self) -> bool:
        """moto is running (a lazy backend starts at its first call)."""
        return self._stack is not None

    def open(self) -> None:
        if not self._lazy:
            self._open()

    def _open(self) -> None:
        if self._stack is not None:
            return
        stack = contextlib.ExitStack()
        if self._start:
            from unittest import mock  # with asyncio and ssl, ~0.1 s: only when moto starts

            try:
                from moto import mock_aws
            except ImportError:
                raise RuntimeError("moto is not installed: pip install 'moto[dynamodb,sns,sqs,events,s3]'") from None
            stack.enter_context(mock.patch.dict(os.environ, {
                "AWS_DEFAULT_REGION": REGION, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                "AWS_SECURITY_TOKEN": "testing", "AWS_SESSION_TOKEN": "testing"}))
            stack.enter_context(mock_aws())
        self._stack = stack
        if self.program is not None:
            self.create_resources(self.program)

    def close(self) -> None:
        if self._stack is not None:
            self._stack.close()
            self._stack = None
            self._clients.clear()

    def client(self, service: str) -> Any:
        if self._stack is None:
            self._open()
        found = self._clients.get(service)
        if found is None:
            import boto3

            found = boto3.client(service, region_name=REGION, aws_access_key_id="testing",
                                 aws_secret_access_key="testing")
            self._clients[service] = found
        return found

    def create_resources(self, program: Any) -> None:
        for (kind, name), res in program.resources.items():
            if not res.owned:
                continue
            props = res.props
            if kind == "table":
                keys = [{"AttributeName": props.get("key", "id"), "KeyType": "HASH"}]
                attrs = [{"AttributeName": props.get("key", "id"), "AttributeType": props.get("key_type", "S")}]
                if props.get("sort"):
                    keys.append({"AttributeName": props["sort"], "KeyType": "RANGE"})
                    attrs.append({"AttributeName": props["sort"], "AttributeType": props.get("sort_type", "S")})
                self.client("dynamodb").create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                                                     KeySchema=keys, AttributeDefinitions=attrs)
            elif kind == "topic":
                attributes = {"FifoTopic": "true"} if props.get("fifo") else {}
                self.client("sns").create_topic(Name=name + (".fifo" if props.get("fifo") and
                                                             not name.endswith(".fifo") else ""),
                                                Attributes=attributes)
            elif kind == "queue":
                attributes = {"FifoQueue": "true"} if props.get("fifo") else {}
                self.client("sqs").create_queue(QueueName=name, Attributes=attributes)
            elif kind == "bus":
                self.client("events").create_event_bus(Name=name)
            elif kind == "bucket":
                self.client("s3").create_bucket(Bucket=name)

    # -- calls -----------------------------------------------------------------------------------------------
    def call(self, service: str, action: str, params: Any) -> Any:
        from botocore.exceptions import ClientError, ParamValidationError

        params = dict(params) if isinstance(params, dict) else {}
        sdk = service.startswith("aws-sdk:")
        name = service.removeprefix("aws-sdk:")
        if not sdk and name not in _OPTIMIZED:
            raise TaskFailure("States.Runtime", f"The service integration {service}:{action} is not emulated here")
        boto_service = _SDK_SERVICES.get(name, name)
        client = self.client(boto_service)
        operation = action[:1].upper() + action[1:]
        model = client.meta.service_model
        if operation not in model.operation_names:
            matches = [op for op in model.operation_names if op.lower() == operation.lower()]
            if not matches:
                raise TaskFailure("States.Runtime", f"Unknown action {action} for service {name}")
            operation = matches[0]
        op_model = model.operation_model(operation)
        params = _to_boto(params, op_model.input_shape) if sdk else _stringify(name, action, params)
        method = getattr(client, _snake(client, operation))
        try:
            response = method(**params)
        except ClientError as err:
            raise TaskFailure(*_client_error(name, sdk, err)) from None
        except ParamValidationError as err:
            prefix = _SDK_ERROR_PREFIX.get(name, name[:1].upper() + name[1:]) if sdk else _optimized_prefix(name)
            raise TaskFailure(f"{prefix}.ValidationException" if sdk else "States.Runtime", str(err)) from None
        response = dict(response or {})
        response.pop("ResponseMetadata", None)
        for key, value in list(response.items()):
            if hasattr(value, "read"):
                response[key] = value.read().decode("utf-8", "replace")
        if name in ("events", "eventbridge") and not sdk and response.get("FailedEntryCount", 0) > 0:
            raise TaskFailure("EventBridge.FailedEntry", ex.dumps(iso_datetimes(response)))
        if name == "sqs" and not sdk:
            for old, new in (("Md5OfMessageBody", "MD5OfMessageBody"), ("Md5OfMessageAttributes", "MD5OfMessageAttributes")):
                if old in response:
                    response[new] = response.pop(old)
        if sdk and op_model.output_shape is not None:
            response = _from_boto(response, op_model.output_shape)
        return iso_datetimes(response)

    # -- Distributed Map S3 IO --------------------------------------------------------------------------------
    def read_items(self, reader: dict[str, Any], params: dict[str, Any]) -> list[Any]:
        config = reader.get("ReaderConfig") or {}
        resource = str(reader.get("Resource", ""))
        s3 = self.client("s3")
        if resource.endswith("s3:listObjectsV2"):
            pages = s3.get_paginator("list_objects_v2").paginate(**params)
            return [iso_datetimes({k: v for k, v in obj.items()}) for page in pages for obj in page.get("Contents", [])]
        body = s3.get_object(Bucket=params["Bucket"], Key=params["Key"])["Body"].read().decode("utf-8")
        kind = config.get("InputType", "JSON")
        if kind == "JSON":
            data = json.loads(body)
            if not isinstance(data, list):
                raise TaskFailure("States.ItemReaderFailed", "the JSON object read is not an array")
            return data
        if kind == "JSONL":
            return [json.loads(line) for line in body.splitlines() if line.strip()]
        if kind == "CSV":
            rows = list(csv.reader(io.StringIO(body), delimiter=_delimiter(config)))
            if config.get("CSVHeaderLocation", "FIRST_ROW") == "FIRST_ROW":
                header, rows = rows[0], rows[1:]
            else:
                header = config.get("CSVHeaders", [])
            return [dict(zip(header, row, strict=False)) for row in rows]
        if kind == "MANIFEST":
            manifest = json.loads(body)
            return [{"Bucket": f.get("bucket", params["Bucket"]), "Key": f["key"]} for f in manifest.get("files", [])]
        raise TaskFailure("States.ItemReaderFailed", f"unsupported InputType {kind}")

    def write_results(self, params: dict[str, Any], key: str, results: list[Any]) -> None:
        s3 = self.client("s3")
        bucket = params.get("Bucket")
        body = json.dumps([{"Output": ex.dumps(r), "Status": "SUCCEEDED"} for r in results])
        base = key.rsplit("/", 1)[0]
        s3.put_object(Bucket=bucket, Key=f"{base}/SUCCEEDED_0.json", Body=body.encode())
        s3.put_object(Bucket=bucket, Key=key, Body=json.dumps({"ResultFiles": {"SUCCEEDED": [
            {"Key": f"{base}/SUCCEEDED_0.json", "Size": len(body)}]}}).encode())


def _delimiter(config: dict[str, Any]) -> str:
    return {"COMMA": ",", "PIPE": "|", "SEMICOLON": ";", "SPACE": " ", "TAB": "\t"}.get(
        config.get("CSVDelimiter", "COMMA"), ",")


def _snake(client: Any, operation: str) -> str:
    from botocore import xform_name

    return xform_name(operation)


def _optimized_prefix(name: str) -> str:
    return {"dynamodb": "DynamoDB", "sns": "SNS", "sqs": "SQS", "events": "EventBridge", "s3": "S3"}[name]


def _client_error(name: str, sdk: bool, err: Any) -> tuple[str, str]:
    code = err.response.get("Error", {}).get("Code", "Unknown")
    message = err.response.get("Error", {}).get("Message", "")
    meta = err.response.get("ResponseMetadata", {})
    status = meta.get("HTTPStatusCode", 400)
    request = meta.get("RequestId", "")
    if sdk:
        service = _SDK_ERROR_PREFIX.get(name, name[:1].upper() + name[1:])
        error = f"{service}.{code}"
        if not error.endswith("Exception"):
            error += "Exception"
        return error, f"{message} (Service: {service}, Status Code: {status}, Request ID: {request})"
    if name == "dynamodb":
        return f"DynamoDB.{code}", (f"{message} (Service: AmazonDynamoDBv2; Status Code: {status}; Error Code: "
                                    f"{code}; Request ID: {request}; Proxy: null)")
    if name == "sns":
        error = code if code.endswith("Exception") else code + "Exception"
        return f"SNS.{error}", (f"{message} (Service: AmazonSNS; Status Code: {status}; Error Code: {code}; "
                                f"Request ID: {request}; Proxy: null)")
    prefix = _optimized_prefix(name)
    return f"{prefix}.{code}", f"{message} (Service: {prefix}, Status Code: {status}, Request ID: {request})"


def _stringify(name: str, action: str, params: dict[str, Any]) -> dict[str, Any]:
    """What the optimized integrations serialise for you (on a copy: the state's values are never changed)."""
    params = dict(params)
    if name == "sqs" and "MessageBody" in params and not isinstance(params["MessageBody"], str):
        params["MessageBody"] = ex.dumps(params["MessageBody"])
    if name == "sns" and "Message" in params and not isinstance(params["Message"], str):
        params["Message"] = ex.dumps(params["Message"])
    if name == "events" and isinstance(params.get("Entries"), list):
        entries = []
        for entry in params["Entries"]:
            entry = dict(entry)
            if "Detail" in entry and not isinstance(entry["Detail"], str):
                entry["Detail"] = ex.dumps(entry["Detail"])
            entries.append(entry)
        params["Entries"] = entries
    return params


def _to_boto(value: Any, shape: Any) -> Any:
    """SDK-integration parameters (PascalCase) to the API's member names, per botocore's model."""
    if shape is None:
        return value
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict):
        members = {m.lower(): m for m in shape.members}
        out = {}
        for key, item in value.items():
            member = members.get(key.lower(), key)
            out[member] = _to_boto(item, shape.members.get(member))
        return out
    if kind == "list" and isinstance(value, list):
        return [_to_boto(v, shape.member) for v in value]
    if kind == "map" and isinstance(value, dict):
        return {k: _to_boto(v, shape.value) for k, v in value.items()}
    if kind == "blob" and isinstance(value, str):
        return value.encode()
    if kind == "string" and isinstance(value, (dict, list)):
        return ex.dumps(value)
    return value


def _from_boto(value: Any, shape: Any) -> Any:
    """An SDK-integration response with PascalCase member names."""
    if shape is None:
        return value
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict):
        out = {}
        for key, item in value.items():
            out[key[:1].upper() + key[1:]] = _from_boto(item, shape.members.get(key))
        return out
    if kind == "list" and isinstance(value, list):
        return [_from_boto(v, shape.member) for v in value]
    if kind == "map" and isinstance(value, dict):
        return {k: _from_boto(v, shape.value) for k, v in value.items()}
    return value
