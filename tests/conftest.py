"""Shared fixtures: a mock app per test, an httpx client on it (no socket), and handy headers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from mockserver import Settings, Twin, create_app
from mockserver.transport import MockTransport

KEY = "sk-test-key-0001"
AUTH = {"Authorization": f"Bearer {KEY}"}
ASYNC = {**AUTH, "X-DashScope-Async": "enable"}
AIGC = "/api/v1/services/aigc/"


class Mock:
    """A mock app with a client bound to it."""

    def __init__(self, settings: Settings) -> None:
        self.app = create_app(settings)
        self.twin: Twin = self.app.state.twin
        self.http = httpx.Client(transport=MockTransport(self.app), base_url="http://127.0.0.1")

    def create(self, model: str, body: dict[str, Any] | None = None, headers: dict[str, str] | None = None,
               route: str | None = None) -> httpx.Response:
        """POST a create for `model` (its documented example body unless `body` is given)."""
        profile = self.twin.registry.model(model)
        assert profile is not None, model
        payload = body if body is not None else self.twin.spec.example_body(model)
        hdrs = headers if headers is not None else (ASYNC if profile.mode == "async" else AUTH)
        return self.http.post(AIGC + (route or profile.route), json=payload, headers=hdrs)

    def task_id(self, model: str, **kw: Any) -> str:
        """Create a task and return its id (asserting the create was accepted)."""
        r = self.create(model, **kw)
        assert r.status_code == 200, r.text
        task_id: str = r.json()["output"]["task_id"]
        return task_id

    def get(self, task_id: str, key: str = KEY) -> dict[str, Any]:
        """GET the task; the body."""
        r = self.http.get(f"/api/v1/tasks/{task_id}", headers={"Authorization": f"Bearer {key}"})
        assert r.status_code == 200, r.text
        body: dict[str, Any] = r.json()
        return body

    def advance(self, seconds: float) -> None:
        """Move the virtual clock forward."""
        self.twin.clock.advance(seconds)


@pytest.fixture
def make_mock() -> Iterator[Callable[..., Mock]]:
    """Build mocks with settings overrides: `make_mock("faithful", frozen=True)`."""
    made: list[Mock] = []

    def build(profile: str = "dev", **overrides: Any) -> Mock:
        overrides.setdefault("frozen", True)
        overrides.setdefault("log_requests", False)
        m = Mock(Settings.for_profile(profile, **overrides))
        made.append(m)
        return m

    yield build
    for m in made:
        m.http.close()


@pytest.fixture
def mock(make_mock: Callable[..., Mock]) -> Mock:
    """A dev-profile mock on a frozen clock."""
    return make_mock("dev")
