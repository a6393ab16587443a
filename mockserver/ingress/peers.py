"""The real client behind a proxied connection: the proxy notes which of its loopback connections to the twin
carries which client, and `RealPeer` puts that client into the ASGI scope.

Without it, every request through the proxy would look like loopback to the twin, and loopback is what lets a
caller use the control plane without the admin token (http/access.py).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
Address = tuple[str, int]


class PeerTable:
    """Which client each of the proxy's connections to the twin carries, by that connection's local address."""

    def __init__(self) -> None:
        self._by_local: dict[Address, Address] = {}

    def add(self, local: Address, client: Address) -> None:
        """The proxy's connection from `local` carries `client`'s requests."""
        self._by_local[local] = client

    def remove(self, local: Address) -> None:
        """That connection closed."""
        self._by_local.pop(local, None)

    def client_of(self, local: Address) -> Address | None:
        """The client a connection from `local` carries, if it is one of the proxy's."""
        return self._by_local.get(local)

    def __len__(self) -> int:
        return len(self._by_local)


class RealPeer:
    """ASGI middleware: a request on one of the proxy's connections gets the proxy's client as `scope["client"]`."""

    def __init__(self, app: ASGIApp, peers: PeerTable) -> None:
        self.app = app
        self.peers = peers

    @property
    def state(self) -> Any:
        """The wrapped app's state (`app.state.twin`)."""
        return getattr(self.app, "state", None)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        client = scope.get("client")
        if client:
            real = self.peers.client_of((str(client[0]), int(client[1])))
            if real is not None:
                scope = {**scope, "client": real}
        await self.app(scope, receive, send)
