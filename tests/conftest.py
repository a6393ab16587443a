"""Shared fixtures: in-process twins (handles from mockserver.testing) on a frozen clock, request log off."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from mockserver import Settings
from mockserver.testing import DashScopeMock

MakeMock = Callable[..., DashScopeMock]


@pytest.fixture
def make_mock() -> Iterator[MakeMock]:
    """Build handles with settings overrides: `make_mock("faithful", frozen=True)` (`record=True` keeps requests)."""
    made: list[DashScopeMock] = []

    def build(profile: str = "dev", *, record: bool = False, **overrides: Any) -> DashScopeMock:
        overrides.setdefault("frozen", True)
        overrides.setdefault("log_requests", False)
        m = DashScopeMock(Settings.for_profile(profile, **overrides), record=record)
        made.append(m)
        return m

    yield build
    for m in made:
        m.close()


@pytest.fixture
def mock(make_mock: MakeMock) -> DashScopeMock:
    """A dev-profile twin on a frozen clock."""
    return make_mock("dev")
