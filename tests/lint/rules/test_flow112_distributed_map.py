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


def messages(found) -> list[str]:
    return [d.message for d in of(found, "FLOW112") if d.severity.value == "error"]


def test_distributed_map_needs_an_execution_type():
    no_type = {"ProcessorConfig": {"Mode": "DISTRIBUTED"}, "StartAt": "X", "States": {"X": {"Type": "Succeed"}}}
    assert messages(dmap(ItemProcessor=no_type)) == [
        "the DISTRIBUTED Map 'M' needs ProcessorConfig.ExecutionType (STANDARD or EXPRESS)"]
    assert messages(dmap(ItemProcessor=PROC)) == []


@pytest.mark.parametrize(("reader", "expected"), [
    ({"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "JSON"},
      "Parameters": {"Bucket": "b"}}, ["the ItemReader Parameters need Key (getObject reads an object)"]),
    ({"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "JSON"},
      "Parameters": {"Bucket.$": "$.bucket", "Key.$": "$.key"}}, []),
    ({"Resource": "arn:aws:states:::s3:listObjectsV2", "Parameters": {"Prefix": "in/"}},
     ["the ItemReader Parameters need Bucket (listObjectsV2 reads a bucket)"]),
    ({"Resource": "arn:aws:states:::s3:listObjectsV2", "Parameters": {"Bucket": "b", "Prefix": "in/"}}, []),
    ({"Resource": "arn:aws:states:::s3:listObjectsV2"},
     ["ItemReader needs Parameters (or Arguments in JSONata) with Bucket"]),
    ({"Resource": "arn:aws:states:::s3:listObjectsV2", "Parameters": "${ReaderArguments}"}, []),
    ({"Resource": "arn:aws:states:::s3:listObjectsV2", "Parameters": {"Fn::GetAtt": ["Reader", "Arguments"]}}, []),
])
def test_item_reader_arguments(reader, expected):
    assert messages(dmap(ItemReader=reader)) == expected


def test_item_reader_arguments_in_jsonata():
    reader = {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "JSON"},
              "Arguments": {"Bucket": "{% $states.input.bucket %}"}}
    found = lint(machine({"M": {"Type": "Map", "QueryLanguage": "JSONata", "ItemProcessor": PROC,
                                "ItemReader": reader, "End": True}}))
    assert messages(found) == ["the ItemReader Arguments need Key (getObject reads an object)"]
    reader["Arguments"] = "{% $states.input.location %}"
    found = lint(machine({"M": {"Type": "Map", "QueryLanguage": "JSONata", "ItemProcessor": PROC,
                                "ItemReader": reader, "End": True}}))
    assert messages(found) == []
