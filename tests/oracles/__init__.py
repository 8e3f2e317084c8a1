"""Independent oracles for flowc's output, made usable from pytest.

- `tests.oracles.sfn`: moto's Step Functions interpreter as an executor (`SfnOracle`).
- `tests.oracles.sam`: SAM -> CloudFormation offline with aws-sam-translator (`translate`).
- `tests.oracles.cfnlint`: cfn-lint in-process (`lint_template`, `lint_asl`).
- `tests.oracles.fixtures`: pytest fixtures; load with `pytest_plugins = ["tests.oracles.fixtures"]`.

The modules are imported lazily by the tests that need them: importing moto, samtranslator or
cfn-lint costs 0.3-1 s each, which tests of the parser alone should not pay.
"""
