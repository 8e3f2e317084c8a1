from tests.lint.helpers import codes, lint, machine, task

LIST = "arn:aws:states:::aws-sdk:s3:listObjectsV2"


def test_bad_whole_large_response_and_big_literal():
    assert "FLOW404" in codes(lint(machine({"A": task(Resource=LIST, Parameters={"Bucket": "b"})})))
    assert "FLOW404" in codes(lint(machine({"A": {"Type": "Pass", "Result": "x" * 300_000, "End": True}})))


def test_good_selected_response():
    state = task(Resource=LIST, Parameters={"Bucket": "b"}, ResultSelector={"keys.$": "$.Contents[*].Key"})
    assert "FLOW404" not in codes(lint(machine({"A": state})))
