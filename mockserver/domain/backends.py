"""The shared-state backends a twin's parts sit on, as protocols.

Each has an in-memory implementation (the classes in the domain modules: today's one-process behaviour) and a
Redis one (mockserver/store/redis_*.py) that several replicas share. The file and grant backends of uploads
are declared beside what they hold (domain/uploads.py). `mockserver.store.open_state` picks them
from the store URL, in one place. Nothing in domain/ imports a Redis client.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from .journal import Poll
    from .scenarios import QueuedScenario, Scenario


class JournalBackend(Protocol):
    """Polls per task (virtual time, wall time, status served, fault)."""

    def record(self, task_id: str, at: float, status: str, fault: str | None = None) -> None:
        """Note one poll of `task_id`."""

    def polls(self, task_id: str) -> list[Poll]:
        """Every remembered poll of `task_id`, oldest first."""

    def expire(self, before: float) -> None:
        """Forget journals whose first poll came before `before`."""

    def forget(self, task_ids: set[str] | None = None) -> None:
        """Forget every journal, or those of `task_ids`."""

    def __contains__(self, task_id: object) -> bool:
        """Whether any poll of `task_id` is remembered."""


class LaneBackend(Protocol):
    """Concurrency slots per (account, model), on the virtual clock."""

    def schedule(self, key: tuple[str, str], limit: int, ready: float, run: float) -> float:
        """Reserve a slot for a task ready at `ready` lasting `run`; return when it starts running."""

    def reset(self, account: str | None = None) -> None:
        """Forget every lane, or one account's."""


class RateBackend(Protocol):
    """Sliding one-second request windows on real time."""

    def allow(self, key: tuple[str, ...], per_second: float) -> bool:
        """Count a request against `key`; False when it is over `per_second`."""

    def reset(self) -> None:
        """Forget every window."""


class ScenarioBackend(Protocol):
    """The admin scenario queue; a scenario use is taken by exactly one create."""

    def add(self, scenario: Scenario, model: str | None, api_key: str | None, times: int) -> QueuedScenario:
        """Queue a scenario; `times` creates will take it."""

    def take(self, model: str, api_key: str) -> Scenario | None:
        """Pop (one use of) the first matching scenario."""

    def listed(self) -> list[QueuedScenario]:
        """The queue, first first."""

    def check(self, scenario: Scenario, model: str | None = None) -> Scenario:
        """`scenario` if the spec knows its code and model; else ScenarioError (domain/scenarios.py)."""

    def add_entries(self, entries: Iterable[Mapping[str, Any] | str]) -> list[QueuedScenario]:
        """Queue entries shaped like `POST /__mock/scenarios` bodies; all or none."""

    def remove(self, item_id: int) -> bool:
        """Drop one queued scenario by id; False when there is none."""

    def clear(self) -> None:
        """Drop every queued scenario."""


class MarkBackend(Protocol):
    """Input URLs whose download the twin makes fail."""

    def add(self, url: str) -> None:
        """Make downloads of `url` fail from now on."""

    def clear(self) -> None:
        """Forget every mark."""

    def __contains__(self, url: object) -> bool:
        """Whether `url` is marked."""

    def listed(self) -> list[str]:
        """Every marked URL, sorted."""


class SecretBackend(Protocol):
    """Small named values every replica must agree on (the signing secrets)."""

    def secret(self, name: str, make: Callable[[], bytes]) -> bytes:
        """The value stored under `name`; the first caller stores `make()` and every later one reads it."""
