"""What AWS's own validator says, quoted in the diagnostics that report the same problem.

CreateStateMachine and ValidateStateMachineDefinition answer with SCHEMA_VALIDATION_FAILED (and other
codes) and a message; where that message is known, flowc's diagnostic ends with it, so a user who met
it at deployment recognises it. The API reference warns that the wording may change
(ValidateStateMachineDefinitionDiagnostic: "Do not rely on the exact order, count, or wording"), so no
rule depends on it. Sources, one per message: docs/lint-accuracy.md ("AWS's own messages").
"""

from __future__ import annotations

STATE_TYPES_MESSAGE = ("The field 'Type' should have one of these values: "
                       "[Task, Wait, Pass, Succeed, Fail, Choice, Parallel, Map]")
NOT_AN_OBJECT = "Definition must be a valid JSON object"
JSONATA_DOWNGRADE = "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine"
EXPRESS_WAIT_FOR_TOKEN = "Express state machine does not support '.waitForTaskToken' service integration"


def required(*fields: str) -> str:
    return f"These fields are required: [{', '.join(fields)}]"


def not_supported(field: str) -> str:
    return f"Field '{field}' is not supported"


def invalid_dollar_field(field: str) -> str:
    return f"The value for the field '{field}' must be a valid JSONPath or a valid intrinsic function call"


def says(message: str) -> str:
    """The suffix a diagnostic carries: ` (AWS: "...")`."""
    return f' (AWS: "{message}")'
