"""Which attribute of a resource a value means: its name, its ARN or its URL.

A declared resource named inside a value (`{ Bucket: Exports }`, `env { TABLE: Orders }`) renders as one
of its attributes. Written explicitly (`Exports.arn`) that is the one; otherwise the key it sits under
says it (`...Arn` -> ARN, `...Url` -> URL, `...Name` -> name, or the kind itself: `Bucket` -> the bucket's
name, as the S3 API means it). With no hint, a kind with one obvious identity uses it; anything else is
ambiguous and reported, with the explicit forms to choose from. Target-neutral: back ends map the
attribute to `${...}` substitutions, `!Ref`/`!GetAtt` or local values.
"""

from __future__ import annotations

# The attributes each kind of resource has, the first one being what its own API calls it by
# (`TableName`, `QueueUrl`, `TopicArn`, ...): the value an environment variable holds by default.
ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "table": ("name", "arn"),
    "bucket": ("name", "arn"),
    "queue": ("url", "arn", "name"),
    "topic": ("arn", "name"),
    "bus": ("name", "arn"),
    "function": ("arn", "name"),
    "activity": ("arn", "name"),
    "machine": ("arn", "name"),
    "workflow": ("arn", "name"),
}

# Suffixes of a key that say which attribute it takes (compared case-insensitively, longest first).
_SUFFIX_HINTS = (("arns", "arn"), ("arn", "arn"), ("urls", "url"), ("url", "url"), ("names", "name"),
                 ("name", "name"))
# Kinds whose identifiers live in fields named after another word (`StateMachineArn` already ends in Arn).
_KIND_WORDS = {"table": "table", "bucket": "bucket", "queue": "queue", "topic": "topic", "bus": "bus",
               "eventbus": "bus", "function": "function", "activity": "activity", "statemachine": "machine",
               "machine": "machine", "workflow": "workflow"}


def attribute_hint(key: str | None) -> str | None:
    """The attribute a key asks for by its spelling (`TopicArn` -> arn), or None."""
    if not key:
        return None
    lower = key.lower()
    for suffix, attribute in _SUFFIX_HINTS:
        if lower.endswith(suffix):
            return attribute
    return None


def choose(kind: str, key: str | None, explicit: str | None, *, name: str = "", default_ok: bool = False
           ) -> tuple[str, str | None]:
    """(attribute, problem): the attribute to render and, when the choice is not sound, why.

    `default_ok`: fall back to the kind's own identifier when nothing says otherwise (environment variables,
    whose whole point is to hand the handler what its SDK call needs).
    """
    available = ATTRIBUTES.get(kind, ("arn",))
    forms = " or ".join(f"`{name}.{a}`" for a in available)
    what = f"{kind} '{name}'" if name else f"a {kind}"
    if explicit is not None:
        attribute = explicit.lower()
        if attribute not in available:
            return available[0], f"{what} has no '{explicit}'; write {forms}"
        return attribute, None
    hinted = attribute_hint(key)
    if hinted is not None:
        if hinted not in available:
            return available[0], f"'{key}' takes {'a name' if hinted == 'name' else 'an ' + hinted.upper()}, which " \
                                 f"{what} does not have; write {forms}"
        return hinted, None
    if key is not None and _KIND_WORDS.get(key.lower().replace("_", "").replace("-", "")) == kind:
        return available[0], None
    if default_ok or len(available) == 1:
        return available[0], None
    return available[0], f"which attribute of {what} is meant{f' by {key!r}' if key else ' here'}? write {forms}"


def env_name(kind: str, name: str) -> str:
    """The environment variable a function that `uses` a resource reads its identifier from."""
    import re

    stem = re.sub(r"[^A-Za-z0-9]+", "_", re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name)).strip("_").upper()
    suffix = {"table": "TABLE", "bucket": "BUCKET", "queue": "QUEUE_URL", "topic": "TOPIC_ARN", "bus": "BUS",
              "function": "FUNCTION", "activity": "ACTIVITY_ARN", "machine": "STATE_MACHINE_ARN",
              "workflow": "STATE_MACHINE_ARN"}[kind]
    return f"{stem}_{suffix}" if stem else suffix
