"""The fixture's in-process redirect: while a test uses `dashscope_mock`, every connection this process opens to a
DashScope API, upload or result host reaches the twin, whatever URL the code was given, with TLS verified against
the twin's CA. Fail-closed: no call can reach the real service.

How, with public interfaces only:

- `socket.getaddrinfo` answers the service's names with TWIN_ADDRESS, a loopback address nothing listens on,
  and `socket.socket.connect` turns a connection to it into one to the twin's listeners (port 443 -> the TLS
  listener, any other port -> the plain one): some clients (anyio, so async httpx) keep their own port rather
  than the resolved one. requests, urllib, httpx (sync and async) and aiohttp (its threaded resolver, and
  asyncio's `loop.getaddrinfo`) all resolve and connect through these; a client that escapes the connect
  patch reaches a closed loopback port, never the service.
- `ssl.SSLContext.wrap_socket` / `wrap_bio` use a context that trusts only the twin's CA when the server name is
  one of the service's, whatever context the client built (aiohttp's is made at import, certifi's has no CA of ours).
- The service's names join NO_PROXY, so a proxy in the environment never carries them elsewhere.
- With `block_network=True`, any other non-loopback name or address is refused with `NetworkBlockedError`.

Not covered: event loops that resolve and connect in C (uvloop), and resolvers that bypass getaddrinfo (aiodns);
docs/interception.md says so.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import ssl
import warnings
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ..spec.hosts import ServiceHosts
from ..testing.runner import ThreadedServer, listening_socket
from ..testing.sdk import Patches, no_proxy
from .ca import CA_DIR_ENV, LOOPBACK_NAMES, LocalCA, default_ca_dir

if TYPE_CHECKING:
    import pytest

    from ..testing.handle import DashScopeMock

Address = tuple[str, int]
TWIN_ADDRESS = "127.77.83.1"  # what the service's names resolve to while intercepted (loopback, unused)
_HTTPS_PORTS = (443, "443", "https", b"443", b"https")


def _port_number(port: Any) -> int:
    if port in _HTTPS_PORTS:
        return 443
    try:
        return int(port)
    except (TypeError, ValueError):
        return 80


class NetworkBlockedError(OSError):
    """A connection `dashscope_mock(block_network=True)` refused."""


def _text(host: object) -> str:
    if isinstance(host, bytes):
        try:
            return host.decode("idna")
        except UnicodeError:  # not a name we could match anyway: let the real resolver report it
            return host.decode("latin-1")
    return str(host)


def _is_local(host: str) -> bool:
    """Loopback, an unspecified (bind-all) address, or a name that is loopback by definition."""
    name = host.strip("[]").lower().rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(name.split("%", 1)[0])
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def blocked_message(host: str, port: object) -> str:
    """The documented refusal of `block_network=True` (docs/interception.md)."""
    return (f"dashscope_mock(block_network=True) refused a connection to {host}:{_text(port)}: only the DashScope "
            f"hosts (served by the twin) and loopback are reachable in this test. To allow it, mark the test "
            f"@pytest.mark.dashscope_mock(block_network=True, allow_hosts=[{host!r}]), or drop block_network.")


class Interception:
    """The patches of one activation: `install()`, then `uninstall()` (idempotent) puts everything back."""

    def __init__(self, hosts: ServiceHosts, ca: LocalCA | None, tls: Address, plain: Address, *,
                 block_network: bool = False, allow_hosts: Iterable[str] = (),
                 context: ssl.SSLContext | None = None) -> None:
        self.hosts = hosts
        self.ca = ca
        self.context = context  # the client context trusting only `ca` (made on install when not given)
        self.tls = tls
        self.plain = plain
        self.block_network = block_network
        self.allow_hosts = frozenset(h.lower().rstrip(".") for h in allow_hosts)
        self._allowed_addresses: set[str] = set()  # what the allowed names resolved to
        self._patches = Patches()

    def _resolve(self, original: Any, host: Any, port: Any, family: int = 0, type: int = 0, proto: int = 0,
                 flags: int = 0) -> list[Any]:
        name = _text(host).lower().rstrip(".") if host is not None else ""
        if name and self.hosts.covers(name):
            kind = type or socket.SOCK_STREAM
            return [(socket.AF_INET, kind, proto or (socket.IPPROTO_TCP if kind == socket.SOCK_STREAM else 0), "",
                     (TWIN_ADDRESS, _port_number(port)))]
        if self.block_network and name and not _is_local(name) and not flags & socket.AI_PASSIVE:
            if name not in self.allow_hosts:
                raise NetworkBlockedError(blocked_message(name, port))
            found: list[Any] = original(host, port, family, type, proto, flags)
            self._allowed_addresses.update(str(entry[4][0]) for entry in found)
            return found
        result: list[Any] = original(host, port, family, type, proto, flags)
        return result

    def _route(self, sock: socket.socket, address: Any) -> Any:
        """Where a connection to `address` really goes: the twin's listener for TWIN_ADDRESS; else `address`,
        unless block_network refuses it."""
        if sock.family not in (socket.AF_INET, socket.AF_INET6) or not isinstance(address, tuple):
            return address
        host = str(address[0])
        if host == TWIN_ADDRESS:
            return self.tls if len(address) > 1 and address[1] == 443 else self.plain
        if not self.block_network or _is_local(host) or host in self._allowed_addresses \
                or host.lower() in self.allow_hosts:
            return address
        raise NetworkBlockedError(blocked_message(host, address[1] if len(address) > 1 else "?"))

    def install(self) -> None:
        """Route the service's names to the twin, trust its CA for them, and (block_network) refuse the rest."""
        patches = self._patches
        if self.context is None and self.ca is not None:
            self.context = self.ca.client_context()
        ours = self.context
        original_getaddrinfo = socket.getaddrinfo
        resolve = self._resolve

        def getaddrinfo(host: Any, port: Any, family: int = 0, type: int = 0, proto: int = 0,
                        flags: int = 0) -> list[Any]:
            return resolve(original_getaddrinfo, host, port, family, type, proto, flags)

        patches.setattr(socket, "getaddrinfo", getaddrinfo)
        if ours is not None:  # without a CA, TLS to the names fails at the (closed) TLS address: still closed
            self._trust(ours)
        connect, connect_ex = socket.socket.connect, socket.socket.connect_ex
        route = self._route

        def routed_connect(sock: socket.socket, address: Any) -> None:
            connect(sock, route(sock, address))

        def routed_connect_ex(sock: socket.socket, address: Any) -> int:
            return connect_ex(sock, route(sock, address))

        patches.setattr(socket.socket, "connect", routed_connect)
        patches.setattr(socket.socket, "connect_ex", routed_connect_ex)
        names = ",".join(self.hosts.names)
        for variable in ("NO_PROXY", "no_proxy"):
            patches.setenv(variable, no_proxy(os.environ.get(variable)) + "," + names)

    def _trust(self, ours: ssl.SSLContext) -> None:
        """TLS to the service's names uses `ours` (trusting only the twin's CA), whatever context the client made."""
        covers = self.hosts.covers
        wrap_socket, wrap_bio = ssl.SSLContext.wrap_socket, ssl.SSLContext.wrap_bio

        def wrap_socket_trusting(context: ssl.SSLContext, sock: socket.socket, server_side: bool = False,
                                 do_handshake_on_connect: bool = True, suppress_ragged_eofs: bool = True,
                                 server_hostname: str | bytes | None = None, session: Any = None) -> ssl.SSLSocket:
            if not server_side and server_hostname and covers(_text(server_hostname)):
                context, session = ours, None  # a session belongs to the context it came from
            return wrap_socket(context, sock, server_side, do_handshake_on_connect, suppress_ragged_eofs,
                               server_hostname, session)

        def wrap_bio_trusting(context: ssl.SSLContext, incoming: ssl.MemoryBIO, outgoing: ssl.MemoryBIO,
                              server_side: bool = False, server_hostname: str | bytes | None = None,
                              session: Any = None) -> ssl.SSLObject:
            if not server_side and server_hostname and covers(_text(server_hostname)):
                context, session = ours, None
            return wrap_bio(context, incoming, outgoing, server_side, server_hostname, session)

        self._patches.setattr(ssl.SSLContext, "wrap_socket", wrap_socket_trusting)
        self._patches.setattr(ssl.SSLContext, "wrap_bio", wrap_bio_trusting)

    def uninstall(self) -> None:
        """Put every patch back."""
        self._patches.undo()


class TlsListener:
    """The twin's TLS listener for a test process: a loopback socket bound now, served (with the leaf of the
    service's names) from the first connection on, in front of the same switchboard as the plain socket."""

    def __init__(self, board: Any, ca: LocalCA, hosts: ServiceHosts) -> None:
        leaf = ca.leaf({*hosts.names, *LOOPBACK_NAMES})
        self._runner = ThreadedServer(board, listening_socket(), lazy=True, name="dashscope-mock-tls",
                                      options={"ssl_certfile": str(leaf.cert_path), "ssl_keyfile": str(leaf.key_path)})
        self._runner.start()
        self.address: Address = ("127.0.0.1", self._runner.port)

    def close(self) -> None:
        """Stop serving and release the port."""
        self._runner.close()


def fixture_ca() -> LocalCA:
    """The CA the fixture uses: the user's (`default_ca_dir()`), or one in the temp dir when that cannot be made."""
    try:
        return LocalCA.load_or_create(default_ca_dir())
    except OSError:
        import tempfile
        from pathlib import Path

        return LocalCA.load_or_create(Path(tempfile.gettempdir()) / f"dashscope-mock-ca-{os.getuid()}")


class _Session:
    """What the tests of one pytest session share: the CA, the service's names, one TLS listener and one client
    context (an SSLContext costs milliseconds to make: once, not per test)."""

    def __init__(self, mock: DashScopeMock) -> None:
        assert mock.socket is not None, "interception needs the handle's socket"
        self.hosts = ServiceHosts.from_doc(mock.twin.spec.doc)
        self.ca: LocalCA | None = None
        self.listener: TlsListener | None = None
        self.context: ssl.SSLContext | None = None
        try:
            self.ca = fixture_ca()
            self.listener = TlsListener(mock.socket.board, self.ca, self.hosts)
            self.context = self.ca.client_context()
        except OSError as exc:  # no folder for the CA anywhere: plain http:// is still served, https:// refused
            warnings.warn(f"dashscope_mock: cannot make the local CA ({exc}): https:// calls to DashScope's hosts "
                          f"are refused instead of served (set {CA_DIR_ENV} to a writable folder)", stacklevel=2)

    @property
    def tls_address(self) -> Address:
        """The TLS listener, or without one TWIN_ADDRESS:443 itself, where nothing listens."""
        return self.listener.address if self.listener is not None else (TWIN_ADDRESS, 443)


_SESSIONS: dict[int, _Session] = {}  # by id of the pytest config


def intercept(mock: DashScopeMock, config: pytest.Config, *, block_network: bool = False,
              allow_hosts: Iterable[str] | str = ()) -> Interception:
    """Install the redirect for the `dashscope_mock` fixture's twin `mock` (which has a socket); the TLS listener
    is made on first use and closed with the pytest session. `allow_hosts` may be one name or a list."""
    allowed = [allow_hosts] if isinstance(allow_hosts, str) else list(allow_hosts)
    if not all(isinstance(h, str) for h in allowed):
        raise TypeError(f"dashscope_mock(allow_hosts={allow_hosts!r}): give host names or addresses as strings")
    session = _SESSIONS.get(id(config))
    if session is None:
        made = session = _SESSIONS[id(config)] = _Session(mock)

        def close() -> None:
            _SESSIONS.pop(id(config), None)
            if made.listener is not None:
                made.listener.close()

        config.add_cleanup(close)
    host, port = mock.url.removeprefix("http://").rsplit(":", 1)
    interception = Interception(session.hosts, session.ca, session.tls_address, (host, int(port)),
                                block_network=block_network, allow_hosts=allowed, context=session.context)
    interception.install()
    return interception
