"""Test-wide fixtures and options: the moto Step Functions oracle (session warm-up, per-test reset), and the
opt-in shared corpora (`--shared DIR`, see tests/shared.py)."""

import gc
from collections.abc import Iterator

import pytest
from hypothesis import settings

from tests import shared

# A run's verdict must not depend on luck: property tests draw the same examples on every run (seeded from
# each test, with hypothesis pinned in constraints.txt), so a CI failure reproduces anywhere. To hunt for
# new counterexamples, run with `--hypothesis-profile=explore` and turn what it finds into a plain test.
settings.register_profile("ci", derandomize=True)
settings.register_profile("explore", derandomize=False, max_examples=500)
settings.load_profile("ci")

pytest_plugins = ["tests.oracles.fixtures"]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(shared.OPTION, metavar="DIR", default=None,
                     help="the shared corpora and reference folder (e.g. ../shared); tests marked 'shared' "
                          "run only when it is given")


NODE_MARK = "node_oracle"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", f"{shared.MARK}: reads the shared corpora; runs only with {shared.OPTION} DIR")
    config.addinivalue_line("markers", f"{NODE_MARK}: runs aws-local-stepfunctions (needs Node 20+ and npm)")
    shared.configure(config.getoption(shared.OPTION))


def _not_run(config: pytest.Config) -> list[str]:
    """The markers whose tests this run leaves out (and says so)."""
    from tests.oracles import localsfn

    out = [] if shared.given() else [shared.MARK]
    if not localsfn.available():
        out.append(NODE_MARK)
    return out


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    marks = _not_run(config)
    skipped = [item for item in items if any(item.get_closest_marker(m) for m in marks)]
    if skipped:
        items[:] = [item for item in items if not any(item.get_closest_marker(m) for m in marks)]
        config.hook.pytest_deselected(items=skipped)


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    marks = _not_run(config)
    if shared.MARK in marks:
        terminalreporter.write_line(
            f"flowc: tests marked '{shared.MARK}' (shared corpora) were not run; "
            f"run them with: python -m pytest {shared.OPTION}=../shared")
    if NODE_MARK in marks:
        terminalreporter.write_line(f"flowc: tests marked '{NODE_MARK}' (aws-local-stepfunctions) were not run: "
                                    f"node and npm (Node 20+) are not on PATH")


@pytest.fixture(autouse=True)
def _unfreeze_gc() -> Iterator[None]:
    """`flowc compile` / `check` freeze the heap because their process is about to end; this one is not."""
    yield
    if gc.get_freeze_count():
        gc.unfreeze()
