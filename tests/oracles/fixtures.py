"""pytest fixtures for the oracles. Load them from the root conftest with:

    pytest_plugins = ["tests.oracles.fixtures"]

- `sfn_warm` (session): pays moto's one-off costs once per process (xdist worker): importing the
  backends on the first `mock_aws` start and the ASL interpreter's first parse/execution. Returns seconds.
- `sfn_oracle` (function): a started `SfnOracle` with fresh moto state, stopped after the test. Starting
  and stopping `mock_aws` costs ~2 ms once warm, so each test gets its own mock instead of sharing one:
  nothing leaks between tests, and tests that do not use the oracle never run under moto's patches.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from tests.oracles.sfn import SfnOracle


@pytest.fixture(scope="session")
def sfn_warm() -> float:
    """Seconds spent warming moto's Step Functions interpreter up (once per process)."""
    t0 = time.perf_counter()
    with SfnOracle() as oracle:
        oracle.warm_up()
    return time.perf_counter() - t0


@pytest.fixture
def sfn_oracle(sfn_warm: float) -> Iterator[SfnOracle]:
    """A started SfnOracle (region us-east-1, fake credentials) with empty moto backends."""
    with SfnOracle() as oracle:
        yield oracle
