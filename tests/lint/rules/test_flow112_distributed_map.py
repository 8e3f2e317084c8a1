import pytest

from tests.lint.helpers import codes, lint, machine, of

PROC = {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"}, "StartAt": "X",
        "States": {"X": {"Type": "Succeed"}}}
READ = {"Resource": "arn:aws:states:::s3:getObject", "Parameters": {"Bucket": "b", "Key": "k"}}


def dmap(**fields):
    return lint(machine({"M": {"Type": "Map", "ItemProcessor": fields.pop("ItemProcessor", PROC), **fields,
                               "End": True}}))


@pytest.mark.parametrize("fields", [
    {"Label": "has space"},
    {"Label": "x" * 41},
    {"ItemReader": {**READ, "ReaderConfig": {"InputType": "JSON", "CSVHeaderLocation": "FIRST_ROW"}}},
    {"ItemReader": {**READ, "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "GIVEN"}}},
    {"ItemReader": READ},
    {"ItemBatcher": {"BatchInput": {}}},
    {"ResultWriter": {"Parameters": {"Bucket": "b"}}},
    {"ResultWriter": {}},
    {"ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE", "ExecutionType": "EXPRESS"}, "StartAt": "X",
                       "States": {"X": {"Type": "Succeed"}}}},
])
def test_bad(fields):
    assert "FLOW112" in codes(dmap(**fields), "error")


def test_distributed_settings_on_an_inline_map_warn():
    inline = {"StartAt": "X", "States": {"X": {"Type": "Succeed"}}}
    found = of(dmap(ItemProcessor=inline, Label="Run"), "FLOW112")
    assert [d.severity.value for d in found] == ["warning"]


@pytest.mark.parametrize("fields", [
    {"Label": "Run-1_ok", "ItemReader": {**READ, "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "GIVEN",
                                                                  "CSVHeaders": ["a"], "CSVDelimiter": "PIPE"}}},
    {"ResultWriter": {"WriterConfig": {"OutputType": "JSONL", "Transformation": "FLATTEN"}}},
    {"ResultWriter": {"Resource": "arn:aws:states:::s3:putObject", "Parameters": {"Bucket": "b", "Prefix": "p"}}},
    {"ItemBatcher": {"MaxItemsPerBatch": 10}},
])
def test_good(fields):
    assert "FLOW112" not in codes(dmap(**fields))


@pytest.mark.parametrize("field", [("ToleratedFailurePercentage", 10), ("ToleratedFailureCount", 1),
                                   ("ToleratedFailureCountPath", "$.n"), ("ToleratedFailurePercentagePath", "$.p")])
def test_tolerances_on_an_inline_map_are_errors(field):
    """AWS defines the tolerances for Distributed Map only; an inline Map fails on its first failed iteration
    (issue 13 item 3)."""
    inline = {"StartAt": "X", "States": {"X": {"Type": "Succeed"}}}
    found = of(dmap(ItemProcessor=inline, **dict([field])), "FLOW112")
    assert [d.severity.value for d in found] == ["error"] and "Distributed Map" in found[0].message
    assert "FLOW112" not in codes(dmap(**dict([field])))
