"""Service steps whose effect happens once, even when the invocation dies right after the call.

A task's outcome is recorded in its claim after the call returns; an invocation that dies in between leaves
no outcome, and the redelivery calls the service again. For a DynamoDB write the service lets us close that
window: the user's `PutItem`/`UpdateItem`/`DeleteItem` and the recording of the outcome in the step's claim
go in one `TransactWriteItems`, conditional on this invocation still owning the claim with no outcome yet.
Either both happen or neither: the redelivery finds the outcome recorded and never writes again (an `ADD`
counts once, a conditional put does not fail against its own earlier write), and an invocation that lost its
claim (its lease ran out, the watchdog recorded a timeout) cannot apply the write at all.

Only writes a transaction accepts are guarded: `ReturnValues` other than `NONE`, the legacy `Expected`/
`AttributeUpdates` parameters or consumed-capacity/metrics requests keep the plain call (whose response a
transaction cannot give), and stay at-least-once. A transactional write costs two write units instead of
one (docs/sqs.md lists which effects can repeat). A cancellation caused by the user's item (its condition,
its throttling) is the task's error, named as the plain call would name it; one caused by the claim, or a
throttled transaction as a whole, is the runtime's: nothing was written, the message is redelivered.
"""

from __future__ import annotations

from typing import Any

from .integrations import Resource, client_error, error_code, error_name
from .semantics import StatesError

OPERATIONS = {"putItem": "Put", "updateItem": "Update", "deleteItem": "Delete"}
_COMMON = {"TableName", "ConditionExpression", "ExpressionAttributeNames", "ExpressionAttributeValues",
           "ReturnValuesOnConditionCheckFailure"}
FIELDS = {"Put": _COMMON | {"Item"}, "Update": _COMMON | {"Key", "UpdateExpression"}, "Delete": _COMMON | {"Key"}}
# Cancellation reason codes of TransactWriteItems -> the error code the plain call would have raised.
REASONS = {"ConditionalCheckFailed": "ConditionalCheckFailedException", "ThrottlingError": "ThrottlingException",
           "ValidationError": "ValidationException", "TransactionConflict": "TransactionConflictException",
           "ProvisionedThroughputExceeded": "ProvisionedThroughputExceededException",
           "ItemCollectionSizeLimitExceeded": "ItemCollectionSizeLimitExceededException",
           "RequestLimitExceeded": "RequestLimitExceeded"}
# Whole-transaction errors that mean "nothing happened, try again" (botocore has retried them already).
TRANSIENT = {"ThrottlingException", "ProvisionedThroughputExceededException", "RequestLimitExceeded",
             "InternalServerError", "ServiceUnavailable", "TransactionInProgressException"}
RESULT: dict[str, Any] = {}  # what a write without ReturnValues answers (Step Functions adds only metadata)


class ClaimChanged(Exception):
    """The claim half of the transaction failed: another invocation owns the step, or an outcome (a timeout)
    was recorded meanwhile. The write did not happen; the claim says what to do."""


def guarded(resource: Resource, params: Any) -> str | None:
    """The transaction operation for a DynamoDB write that can be applied once, else None."""
    if resource.service != "dynamodb" or resource.mode != "request" or not isinstance(params, dict):
        return None
    operation = OPERATIONS.get(resource.action)
    if operation is None or params.get("ReturnValues", "NONE") != "NONE":
        return None
    if set(params) - FIELDS[operation] - {"ReturnValues"}:
        return None  # legacy parameters, consumed capacity or metrics: only the plain call takes them
    return operation


def write_once(services: Any, operation: str, params: dict[str, Any], claim_update: dict[str, Any]) -> Any:
    """The user's write and the claim's outcome in one transaction; the write's result, or a StatesError as the
    plain call would have raised it."""
    item = {k: v for k, v in params.items() if k in FIELDS[operation]}
    client = services.client("dynamodb")
    try:
        client.transact_write_items(TransactItems=[{operation: item}, {"Update": claim_update}])
    except Exception as err:
        code = error_code(err)
        if code != "TransactionCanceledException":
            if code is None or code in TRANSIENT:
                raise  # nothing was written: like any throttled call of the runtime, the redelivery tries again
            raise client_error("dynamodb", err) from None
        response = getattr(err, "response", {})  # a ClientError (it has a code)
        reasons = response.get("CancellationReasons") or [{}, {}]
        mine = str((reasons[1] if len(reasons) > 1 else {}).get("Code") or "None")
        if mine == "ConditionalCheckFailed":
            raise ClaimChanged(mine) from None
        if mine != "None":  # the claim's half was throttled or conflicted: an infrastructure failure, redelivered
            raise err
        theirs = reasons[0] if reasons else {}
        reason = str(theirs.get("Code") or "TransactionCanceled")
        cause = (f"{theirs.get('Message') or reason} (Service: DynamoDb; Status Code: 400; Error Code: "
                 f"{REASONS.get(reason, reason)}; Request ID: "
                 f"{response.get('ResponseMetadata', {}).get('RequestId', '')}; Proxy: null)")
        raise StatesError(error_name("dynamodb", REASONS.get(reason, reason)), cause) from None
    return dict(RESULT)
