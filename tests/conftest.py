"""Test-wide fixtures and options: the moto Step Functions oracle (session warm-up, per-test reset), and the
opt-in shared corpora (`--shared DIR`, see tests/shared.py)."""

import gc
from collections.abc import Iterator

import pytest

from tests import shared

pytest_plugins = ["tests.oracles.fixtures"]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(shared.OPTION, metavar="DIR", default=None,
                     help="the shared corpora and reference folder (e.g. ../shared); tests marked 'shared' "
                          "run only when it is given")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", f"{shared.MARK}: reads the shared corpora; runs only with {shared.OPTION} DIR")
    shared.configure(config.getoption(shared.OPTION))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if shared.given():
        return
    skipped = [item for item in items if item.get_closest_marker(shared.MARK)]
    if skipped:
        items[:] = [item for item in items if not item.get_closest_marker(shared.MARK)]
        config.hook.pytest_deselected(items=skipped)


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    if not shared.given():
        terminalreporter.write_line(
            f"flowc: tests marked '{shared.MARK}' (shared corpora) were not run; "
            f"run them with: python -m pytest {shared.OPTION}=../shared")


@pytest.fixture(autouse=True)
def _unfreeze_gc() -> Iterator[None]:
    """`flowc compile` / `check` freeze the heap because their process is about to end; this one is not."""
    yield
    if gc.get_freeze_count():
        gc.unfreeze()
