"""One moto server for the deploy tests (starting it imports every moto backend: ~3 s)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.deploy.moto_server import MotoAccount


@pytest.fixture(scope="session")
def moto_account() -> Iterator[MotoAccount]:
    with MotoAccount() as acc:
        yield acc


@pytest.fixture
def account(moto_account: MotoAccount) -> MotoAccount:
    moto_account.configure()
    return moto_account
