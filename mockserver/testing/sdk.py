"""Point the environment and the official `dashscope` SDK at a twin, and put everything back afterwards.

    patches = point_sdk(base_url, api_key, clock)   # clock given: the SDK's sleeps advance it
    ...
    patches.undo()
"""

from __future__ import annotations

import asyncio
import importlib
import importlib.util
import os
import time
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..domain.clock import VirtualClock

ENV_URLS = ("DASHSCOPE_HTTP_BASE_URL", "DASHSCOPE_BASE_URL")  # SDK 1.x reads the first; v2 prefers the second

# module -> (attribute, kind): where SDK 2.0.2 sleeps while it polls or retries (the 1.x wait loop in
# dashscope/client/base_api.py, v2's in dashscope/v2/resources/_jobs.py, v2's retries in dashscope/v2/transport/http.py)
SDK_SLEEPERS: dict[str, tuple[tuple[str, str], ...]] = {
    "dashscope.client.base_api": (("time", "time"), ("asyncio", "asyncio")),
    "dashscope.v2.resources._jobs": (("time", "time"), ("asyncio", "asyncio")),
    "dashscope.v2.transport.http": (("_sleep", "sleep"), ("_asleep", "asleep")),
}


class Patches:
    """Set attributes and environment variables, and put every one back on `undo`."""

    _MISSING = object()

    def __init__(self) -> None:
        self._attrs: list[tuple[Any, str, Any]] = []
        self._env: list[tuple[str, str | None]] = []

    def setattr(self, target: Any, name: str, value: Any) -> None:
        """Set `target.name`, remembering the old value."""
        self._attrs.append((target, name, getattr(target, name, self._MISSING)))
        setattr(target, name, value)

    def setenv(self, name: str, value: str) -> None:
        """Set an environment variable, remembering the old value."""
        self._env.append((name, os.environ.get(name)))
        os.environ[name] = value

    def undo(self) -> None:
        """Restore everything, newest first."""
        for target, name, old in reversed(self._attrs):
            if old is self._MISSING:
                delattr(target, name)
            else:
                setattr(target, name, old)
        for name, old_env in reversed(self._env):
            if old_env is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = old_env
        self._attrs.clear()
        self._env.clear()


class VirtualTime:
    """Stands in for the `time` module inside SDK modules: sleeping advances the twin's virtual clock."""

    def __init__(self, clock: VirtualClock) -> None:
        self._clock = clock
        self.slept = 0.0

    def sleep(self, seconds: float) -> None:
        """Advance the virtual clock instead of blocking."""
        seconds = max(0.0, float(seconds))
        self._clock.advance(seconds)
        self.slept += seconds

    def time(self) -> float:
        """Wall time plus what was slept, so the SDK's wait_timeout counts virtual seconds."""
        return time.time() + self.slept

    def monotonic(self) -> float:
        """Monotonic time plus what was slept (v2's wait deadline)."""
        return time.monotonic() + self.slept

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)


class VirtualAsyncio:
    """Stands in for the `asyncio` module inside SDK modules: `sleep` advances the virtual clock."""

    def __init__(self, vtime: VirtualTime) -> None:
        self._vtime = vtime

    async def sleep(self, seconds: float, result: Any = None) -> Any:
        """Advance the virtual clock, then yield to the loop once."""
        self._vtime.sleep(seconds)
        await asyncio.sleep(0)
        return result

    def __getattr__(self, name: str) -> Any:
        return getattr(asyncio, name)


def official_sdk() -> ModuleType | None:
    """The `dashscope` package if it is installed (imported now, so its env-derived globals can be set)."""
    if importlib.util.find_spec("dashscope") is None:
        return None
    return importlib.import_module("dashscope")


def no_proxy(current: str | None) -> str:
    """`current` (a NO_PROXY value) with the loopback hosts added, so a proxy never sees the twin's traffic."""
    hosts = [h for h in (current or "").split(",") if h.strip()]
    return ",".join(hosts + [h for h in ("127.0.0.1", "localhost") if h not in hosts])


def point_environment(patches: Patches, base_url: str, api_key: str) -> None:
    """Set the SDK's base-URL and key variables to the twin, and keep loopback out of any proxy."""
    for name in ENV_URLS:
        patches.setenv(name, base_url)
    patches.setenv("DASHSCOPE_API_KEY", api_key)
    for name in ("NO_PROXY", "no_proxy"):
        patches.setenv(name, no_proxy(os.environ.get(name)))


def virtual_sleeps(patches: Patches, clock: VirtualClock) -> None:
    """Make the SDK's poll and retry sleeps advance `clock` instead of blocking (other SDK versions: untouched)."""
    vtime = VirtualTime(clock)
    vasyncio = VirtualAsyncio(vtime)
    stand_ins: dict[str, Any] = {"time": vtime, "asyncio": vasyncio, "sleep": vtime.sleep, "asleep": vasyncio.sleep}
    for module_name, attrs in SDK_SLEEPERS.items():
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        for attr, kind in attrs:
            if hasattr(module, attr):
                patches.setattr(module, attr, stand_ins[kind])


def point_sdk(base_url: str, api_key: str, clock: VirtualClock | None = None) -> Patches:
    """Point the environment and the official SDK (if installed) at `base_url`; with `clock`, its sleeps are
    virtual. Returns the patches: call `undo()` to put everything back."""
    patches = Patches()
    point_environment(patches, base_url, api_key)
    sdk = official_sdk()
    if sdk is None:
        return patches
    # 1.x reads its environment once, at import, into module variables it consults at call time
    patches.setattr(sdk, "base_http_api_url", base_url)
    patches.setattr(sdk, "api_key", api_key)
    if clock is not None:
        virtual_sleeps(patches, clock)
    return patches
