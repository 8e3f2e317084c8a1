"""The rules see the deployed definition: placeholders filled on the compact JSON text, as the Python walk
(`flowc.compiler.lint.placeholders.substitute`) fills them, and the same compact JSON the size rule reads."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from flowc.compiler.lint.placeholders import resolved_values, substitute
from flowc.compiler.pipeline import _deployed_with_text, _substitute_text, analyse

from tests.helpers import CORPUS, WORKFLOWS

SOURCES = sorted([*WORKFLOWS.glob("*.flow"), *WORKFLOWS.glob("*.flow.yaml"), *CORPUS.glob("*.flow"),
                  *WORKFLOWS.glob("asl_only/*.flow")])


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_every_example_is_deployed_as_the_walk_deploys_it(path: Path) -> None:
    result = analyse([path])
    assert result.asl
    for emitted in result.asl.values():
        assert emitted.compact == orjson.dumps(emitted.definition).decode()
        deployed, compact = _deployed_with_text(result.program, emitted)
        walked = substitute(emitted.definition, resolved_values(result.program, emitted.substitutions))
        assert deployed == walked
        assert compact == orjson.dumps(walked).decode()
        if emitted.substitutions:
            assert deployed is not emitted.definition and "${" + next(iter(emitted.substitutions)) + "}" not in compact


VALUES = {"FArn": "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:${AWS::StackName}-f",
          "TName": "${AWS::StackName}-t"}


@pytest.mark.parametrize("definition", [
    {"A": "${FArn}", "B": ["x ${TName} y", {"C.$": "${FArn}"}], "D": 1.5, "E": None, "F": True},
    {"A": "${Other} and ${FArn}", "B": "\"quoted\" ${TName}\n", "C": "é ${FArn} \\"},
    {"A": {"${FArn}": 1}},  # a placeholder in a key is not filled by the walk: the text route steps aside
    {"A": {"x ${TName} \\\" y": "${TName}"}},  # (with an escaped quote before the key's end)
    {"A": "no placeholder at all"},
])
def test_the_text_route_fills_values_as_the_walk_does_or_steps_aside(definition: dict) -> None:
    fast = _substitute_text(definition, None, VALUES)
    walked = substitute(definition, VALUES)
    if fast is None:
        assert any("${" in k for v in definition.values() if isinstance(v, dict) for k in v)
    else:
        assert fast[0] == walked and fast[1] == orjson.dumps(walked).decode()


@pytest.mark.parametrize("values", [{"K": 'a"b'}, {"K": "a\\b"}, {"K": "a\nb"}, {'K"': "x"}])
def test_values_json_would_escape_take_the_walk(values: dict) -> None:
    assert _substitute_text({"A": "${K}"}, None, values) is None


def test_what_orjson_cannot_write_takes_the_walk() -> None:
    assert _substitute_text({"A": "${FArn}", "B": 2**70}, None, VALUES) is None
