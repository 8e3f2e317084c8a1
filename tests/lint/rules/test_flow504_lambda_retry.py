from tests.lint.helpers import INVOKE, codes, lint, machine, of, task


def test_bad_missing_and_partial():
    assert "FLOW504" in codes(lint(machine({"A": task(Resource=INVOKE, Retry=[])})))
    (d,) = of(lint(machine({"A": task(Retry=[{"ErrorEquals": ["Lambda.ServiceException"],
                                              "MaxDelaySeconds": 5}])})), "FLOW504")
    assert "Lambda.ServiceException" not in d.message and "Lambda.SdkClientException" in d.message


def test_good_transient_errors_or_catch_all():
    assert "FLOW504" not in codes(lint(machine({"A": task(Resource=INVOKE)})))
    assert "FLOW504" not in codes(lint(machine({"A": task(Retry=[{"ErrorEquals": ["States.TaskFailed"],
                                                                  "MaxDelaySeconds": 5}])})))
