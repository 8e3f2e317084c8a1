"""The lint value classes written without `@dataclass` (issue 14 item 10, start-up) behave as the
dataclasses they replaced: constructor, repr, equality, hashing, frozenness, pickling."""

from __future__ import annotations

import dataclasses
import inspect
import pickle

import pytest
from flowc.compiler.commands._console import Console
from flowc.compiler.lint.config import LintConfig
from flowc.compiler.lint.discovery import Target
from flowc.compiler.lint.embedded import Embedded
from flowc.compiler.lint.records import Frozen, Plain
from flowc.compiler.lint.runner import FileReport, FlowAnalysis, Options
from flowc.compiler.lint.sources import Duplicate, ParsedSource, SourceSyntaxError, YamlScalar
from flowc.compiler.lint.suppress import Suppressions
from flowc.compiler.rules._jsonata import JsonataInfo, _Walk
from flowc.compiler.rules.base import Finding
from flowc.dsl.diagnostics import Severity

CLASSES = [Console, LintConfig, Target, Embedded, FileReport, FlowAnalysis, Options, Duplicate, ParsedSource,
           SourceSyntaxError, YamlScalar, Suppressions, JsonataInfo, _Walk, Finding]


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_fields_are_the_constructor_parameters_in_order(cls):
    params = list(inspect.signature(cls.__init__).parameters)[1:]
    assert tuple(params) == cls._fields
    assert set(cls._fields) <= set(cls.__annotations__)


def test_a_dataclass_twin_has_the_same_repr_and_equality():
    @dataclasses.dataclass(frozen=True)
    class Target:
        path: str
        kind: str

    ours, twin = globals()["Target"]("a.asl.json", "asl"), Target("a.asl.json", "asl")
    assert repr(ours) == "Target(path='a.asl.json', kind='asl')" and repr(twin).endswith(repr(ours))
    assert hash(ours) == hash(twin) == hash(("a.asl.json", "asl"))
    assert ours == globals()["Target"]("a.asl.json", "asl") and ours != globals()["Target"]("a.asl.json", "flow")
    assert ours != twin  # another class: NotImplemented both ways, as between two dataclasses


def test_mutable_classes_are_unhashable_and_compare_by_fields():
    assert LintConfig() == LintConfig() and LintConfig(strict=True) != LintConfig()
    with pytest.raises(TypeError):
        hash(LintConfig())
    config = LintConfig()
    config.select = ["FLOW5"]
    assert config.select == ["FLOW5"] and LintConfig().ignore is not LintConfig().ignore  # fresh defaults
    assert repr(Console()) == "Console(color='auto', verbosity=0)"


def test_frozen_classes_refuse_assignment():
    finding = Finding("m", "/States/A", severity=Severity.WARNING)
    with pytest.raises(dataclasses.FrozenInstanceError):
        finding.message = "x"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        del finding.pointer  # type: ignore[misc]
    assert finding == Finding("m", "/States/A", None, None, Severity.WARNING, False)
    assert {finding, Finding("m", "/States/A", severity=Severity.WARNING)} == {finding}
    assert JsonataInfo(None).variables == frozenset() and isinstance(JsonataInfo(None), Frozen)


def test_what_goes_to_a_worker_pickles():
    options = Options(LintConfig(select=["FLOW1"], root="/r"), {"A": "1"}, "EXPRESS")
    assert pickle.loads(pickle.dumps(options)) == options
    target = Target("a.asl.json", "asl")
    assert pickle.loads(pickle.dumps(target)) == target
    report = FileReport("a.asl.json", "asl", [], None)
    assert pickle.loads(pickle.dumps(report)) == report


def test_the_syntax_error_is_still_an_exception_with_its_arguments():
    err = SourceSyntaxError("bad", 3, 4)
    assert isinstance(err, Exception) and isinstance(err, Plain)
    assert err.args == ("bad", 3, 4) and (err.message, err.line, err.col) == ("bad", 3, 4)
    assert repr(err) == "SourceSyntaxError(message='bad', line=3, col=4)"
    assert ParsedSource("f", "t", error=err).error is err
