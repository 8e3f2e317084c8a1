"""Test-wide fixtures: the moto Step Functions oracle (session warm-up, per-test reset)."""

pytest_plugins = ["tests.oracles.fixtures"]
