"""The fast paths of local runs (issue 16) change no output: moto only when a service task needs it, `--repeat`
reusing the prepared program, the handler environment without unittest.mock. Load-independent: what is
imported and what is returned, never how long it took (that is benchmarks/bench_run.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from flowc.compiler.cli import main
from flowc.compiler.pipeline import analyse
from flowc.targets.asl.interpreter import Prepared, build, run_workflow
from flowc.targets.local import with_env

from tests.helpers import REPO, WORKFLOWS

MEMBER = {"action": "member_added", "organization": {"login": "acme"}, "membership": {"user": {"login": "octocat"}}}
MOCKED = {"Store": {"result": {}}, "NotifySuccess": {"result": {"MessageId": "m"}}}

FLOW = """\
workflow Counter
  function count handler "counter.count" code "handlers"
  table Items key id

  Count: invoke count with { x: $.x }
    result $.n
  Save: dynamodb.putItem Items item { id: $.x }
    result null
"""
# module state: a second call in the same module instance would answer 2
HANDLER = """\
calls = 0


def count(event, context=None):
    global calls
    calls += 1
    return calls
"""


def _program(tmp_path: Path, handler: str = HANDLER):
    (tmp_path / "handlers").mkdir(exist_ok=True)
    (tmp_path / "handlers" / "counter.py").write_text(handler, encoding="utf-8")
    flow = tmp_path / "counter.flow"
    flow.write_text(FLOW, encoding="utf-8")
    result = analyse([flow])
    assert result.ok, result.diagnostics
    return flow, result


PROBE = textwrap.dedent("""
    import sys
    from flowc.compiler.cli import main
    try:
        main(sys.argv[1:])
    except SystemExit as exit:
        print("EXIT=" + str(exit.code), file=sys.stderr)
    print("MODULES=" + ",".join(sorted(sys.modules)), file=sys.stderr)
""")


def _modules_of_run(*args: str) -> tuple[set[str], str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-c", PROBE, *args], env=env, capture_output=True, text=True, cwd=REPO)
    line = next(ln for ln in done.stderr.splitlines() if ln.startswith("MODULES="))
    return set(line[len("MODULES="):].split(",")), done.stderr


def test_a_fully_mocked_run_imports_neither_moto_nor_boto3_nor_unittest():
    modules, err = _modules_of_run("run", str(WORKFLOWS / "member_onboarding.flow"), "--input", json.dumps(MEMBER),
                                   "--mock", 'Store={"result": {}}', "--mock",
                                   'NotifySuccess={"result": {"MessageId": "m"}}')
    assert "EXIT=0" in err, err
    assert "flowc.targets.asl.interpreter.engine" in modules  # the probe saw the run
    heavy = sorted(m for m in modules if m.split(".")[0] in ("moto", "boto3", "botocore", "unittest"))
    assert heavy == []


def test_a_run_whose_service_task_is_not_mocked_imports_moto():
    pytest.importorskip("moto")
    modules, err = _modules_of_run("run", str(WORKFLOWS / "member_onboarding.flow"), "--input", json.dumps(MEMBER))
    assert "EXIT=0" in err, err
    assert "moto" in modules


def test_moto_starts_at_the_first_service_call_only(tmp_path: Path):
    pytest.importorskip("moto")
    _, result = _program(tmp_path)
    interp = build(result, mocks={"Save": {"result": {}}})
    interp.services.open()
    try:
        assert interp.run("Counter", {"x": "a"}).status == "SUCCEEDED"
        assert not interp.services.started
    finally:
        interp.services.close()
    interp = build(result)
    interp.services.open()
    try:
        assert not interp.services.started
        run = interp.run("Counter", {"x": "a"})
        assert run.status == "SUCCEEDED", (run.error, run.cause)
        assert interp.services.started
        assert interp.services.client("dynamodb").scan(TableName="Items")["Items"] == [{"id": {"S": "a"}}]
    finally:
        interp.services.close()


def test_handlers_that_call_aws_themselves_get_moto_from_the_start(tmp_path: Path):
    pytest.importorskip("moto")
    _, result = _program(tmp_path, HANDLER + "\n# uses boto3 for its own calls\n")
    interp = build(result, mocks={"Save": {"result": {}}})
    interp.services.open()
    try:
        assert interp.services.started
    finally:
        interp.services.close()


def test_prepared_runs_equal_lone_runs_module_state_and_history_included(tmp_path: Path):
    _, result = _program(tmp_path)
    mocks = {"Save": {"result": {}}}
    lone = run_workflow(result, "Counter", {"x": "a"}, mocks=mocks, seed=3).model_dump()
    assert lone["output"]["n"] == 1 and lone["events"]
    prepared = Prepared(result)
    for _ in range(3):  # each repeat: fresh handler modules (the counter restarts), clock, seed and mocks
        assert run_workflow(result, "Counter", {"x": "a"}, mocks=mocks, seed=3, prepared=prepared).model_dump() == lone


def test_repeat_prints_what_a_single_run_prints(tmp_path: Path):
    flow, _ = _program(tmp_path)
    args = ["run", str(flow), "--input", '{"x": "a"}', "--mock", 'Save={"result": {}}', "--trace", "--json"]
    once = CliRunner().invoke(main, args, catch_exceptions=False)
    thrice = CliRunner().invoke(main, [*args, "--repeat", "3"], catch_exceptions=False)
    assert once.exit_code == thrice.exit_code == 0, once.output + thrice.output
    assert thrice.stdout == once.stdout
    assert json.loads(once.stdout)["asl"]["output"]["n"] == 1
    trace = [ln for ln in once.stderr.splitlines() if ln.startswith(("{", "#"))]
    assert trace and trace == [ln for ln in thrice.stderr.splitlines() if ln.startswith(("{", "#"))]


def test_with_env_sets_the_variables_and_restores_the_environment():
    os.environ.pop("FLOWC_TEST_A", None)
    os.environ["FLOWC_TEST_KEEP"] = "kept"

    def handler(event, context=None):
        os.environ["FLOWC_TEST_LEAK"] = "x"  # a handler's own change is undone too, as with patch.dict
        del os.environ["FLOWC_TEST_KEEP"]
        return os.environ["FLOWC_TEST_A"]

    try:
        assert with_env(handler, {"FLOWC_TEST_A": "1"})({}) == "1"
        assert "FLOWC_TEST_A" not in os.environ and "FLOWC_TEST_LEAK" not in os.environ
        assert os.environ["FLOWC_TEST_KEEP"] == "kept"
    finally:
        os.environ.pop("FLOWC_TEST_KEEP", None)


def test_the_engine_and_the_integrations_do_not_import_each_other():
    import ast

    folder = REPO / "targets" / "asl" / "interpreter"

    def imports(name: str) -> set[str]:
        tree = ast.parse((folder / f"{name}.py").read_text(encoding="utf-8"))
        return {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.level}

    assert "engine" not in imports("integrations")
    assert "interface" in imports("integrations") and "interface" in imports("engine")
