"""One moto server per test module (starting it imports every moto backend: ~3 s).

Module scope, not session: its patches of moto (tests/deploy/moto_server.py) and its environment
(credentials, MOTO_PORT) must not outlive this folder's tests in an xdist worker that runs other tests next.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.deploy.moto_server import MotoAccount


@pytest.fixture(scope="module")
def moto_account() -> Iterator[MotoAccount]:
    with MotoAccount() as acc:
        yield acc


@pytest.fixture
def account(moto_account: MotoAccount) -> MotoAccount:
    moto_account.configure()
    return moto_account
