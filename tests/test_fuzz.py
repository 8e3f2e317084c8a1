"""Mutated inputs through every front end and `lint`: no exit 3, no hang, no position outside the file.

A few seconds of budget here; `python benchmarks/fuzz.py --inputs N` is the long run (see tests/fuzzing.py).
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fuzzing import SUFFIXES, confuse, mutate, positions_outside, run_case, seeds

# The command runs take ~0.1 s each; 25 examples x 1-4 commands keep this test at a few seconds.
BUDGET = settings(max_examples=25, deadline=None, derandomize=True,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


@BUDGET
@given(st.integers(0, 10**6), st.integers(0, 2**32 - 1), st.booleans())
def test_mutated_inputs_never_crash_hang_or_point_outside(tmp_path, index, seed, structural):
    corpus = seeds()
    data, suffix = corpus[index % len(corpus)]
    rng = random.Random(seed)
    case = confuse(data, suffix, rng) if structural and suffix != ".flow" else mutate(data, rng)
    problems = [o for o in run_case(case, suffix, tmp_path / str(seed), timeout=30) if o.problem]
    assert not problems, (suffix, [(o.command, o.problem) for o in problems], case[:2000])


# The audit's root causes, one input each, through every command (they must stay diagnostics).
HOSTILE = {
    "alias_bomb.flow.yaml": "workflow: W\nsteps:\n  - A:\n      pass:\n      value:\n"
                            + "".join(f"        - &{chr(97 + i)} [" + ",".join([f"*{chr(96 + i)}"] * 9 if i else
                                                                                 ["x"] * 9) + "]\n" for i in range(9)),
    "recursive_alias.flow.yaml": "workflow: W\nsteps: &s\n  - A:\n      pass: *s\n",
    "deep.flow": "workflow W\n  A: pass value " + "[" * 600 + "1" + "]" * 600 + "\n",
    "deep.flow.yaml": "workflow: W\nsteps:\n  - A:\n      pass:\n      value: " + "{a: " * 600 + "1" + "}" * 600 + "\n",
    "deep.asl.json": '{"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": ' + "[" * 2000 + "]" * 2000
                     + ', "End": true}}}',
    "huge_int.flow.yaml": "workflow: W\nsteps:\n  - A:\n      pass:\n      value: " + "9" * 5000 + "\n",
    "huge_int.asl.json": '{"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": ' + "9" * 5000
                         + ', "End": true}}}',
    "huge_int.flow": "workflow W\n  A: pass value " + "9" * 5000 + "\n",
    "settings_mapping.flow.yaml": "workflow: W\ntimeout: {a: 1}\ntype: [1]\nsteps:\n  - A: succeed\n",
    "props_list.flow.yaml": "workflow: W\nresources:\n  - function: f\n    handler: [1, 2]\n    code: {a: 1}\n"
                            "steps:\n  - A:\n      invoke: f\n",
    "sequence_key.flow.yaml": "workflow: W\nsteps:\n  - ? [[a]]\n    : 1\n",
    "long_name.flow.yaml": "workflow: " + "A" * 300 + "\nsteps:\n  - A: succeed\n",
    "long_import.flow": 'import "' + "a" * 300 + '.flow"\nworkflow W\n  A: succeed\n',
    "array_range.asl.json": '{"StartAt": "A", "States": {"A": {"Type": "Pass", "Parameters": {"x.$": '
                            '"States.ArrayRange(1, ' + "9" * 5000 + ', 1)"}, "End": true}}}',
    "backoff.flow": 'workflow W\n  function f handler "m.f" code "h"\n  A: invoke f\n'
                    "    retry States.ALL backoff 1e999\n",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_inputs_are_diagnostics(tmp_path, name):
    suffix = next(s for s in sorted(SUFFIXES, key=len, reverse=True) if name.endswith(s))
    outcomes = run_case(HOSTILE[name].encode(), suffix, tmp_path, timeout=20)
    assert all(o.problem is None for o in outcomes), [(o.command, o.problem) for o in outcomes]
    # every analysing command refuses them; `fmt --to` only converts (a file that parses converts)
    assert all(o.exit_code == 1 for o in outcomes if not o.command.startswith("fmt-")), \
        [(o.command, o.exit_code) for o in outcomes]


def test_position_check_can_fail(tmp_path):
    """The oracle itself: a diagnostic past the end of its line, or past the last line, is caught."""
    path = tmp_path / "case.flow"
    data = b"workflow W\n  A: succeed\n"
    assert positions_outside(f"{path}:2:13: error FLOW100: x", path, data) == []
    assert positions_outside(f"{path}:2:14: error FLOW100: x", path, data) == ["2:14"]
    assert positions_outside(f"{path}:9:1: error FLOW100: x", path, data) == ["9:1"]
    assert positions_outside(f"{Path('other.flow')}:9:1: error FLOW100: x", path, data) == []


def test_crash_oracle_can_fail(tmp_path, monkeypatch):
    """A bug in flowc (what the CLI turns into exit 3) is reported by the harness."""
    def boom(*args, **kwargs):
        raise RuntimeError("kaboom")

    monkeypatch.setattr("flowc.compiler.pipeline.analyse", boom)
    outcomes = run_case(b"workflow W\n  A: succeed\n", ".flow", tmp_path, commands=("check",))
    assert outcomes[0].problem and outcomes[0].problem.startswith("crash: RuntimeError")
