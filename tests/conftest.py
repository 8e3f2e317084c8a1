"""Test-wide fixtures: the moto Step Functions oracle (session warm-up, per-test reset)."""

import gc
from collections.abc import Iterator

import pytest

pytest_plugins = ["tests.oracles.fixtures"]


@pytest.fixture(autouse=True)
def _unfreeze_gc() -> Iterator[None]:
    """`flowc compile` / `check` freeze the heap because their process is about to end; this one is not."""
    yield
    if gc.get_freeze_count():
        gc.unfreeze()
