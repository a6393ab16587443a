"""`serve` with ingress: the plain listener, the TLS listener and the CONNECT proxy on one event loop, one app.

The TLS listener is uvicorn with the leaf certificate of the twin's CA (its public `ssl_certfile`/`ssl_keyfile`
options). With `--proxy-port` and no `--tls-port`, the proxy still needs one: a loopback listener no one else is
told about. Requests the proxy carries reach the app through `RealPeer`, so the twin sees the proxy's client.
"""

from __future__ import annotations

import asyncio
import signal
import socket
from dataclasses import dataclass
from typing import Any

from ..spec.hosts import ServiceHosts, local_address
from .ca import Leaf
from .peers import PeerTable, RealPeer
from .proxy import ConnectProxy


@dataclass
class Listeners:
    """The bound sockets of one `serve`: plain always, TLS and proxy when asked for."""

    plain: socket.socket
    tls: socket.socket | None = None
    proxy: socket.socket | None = None


def _loopback() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(2048)
    return sock


def _address(sock: socket.socket) -> tuple[str, int]:
    host, port = sock.getsockname()[:2]
    return local_address(str(host)), int(port)


def run(app: Any, listeners: Listeners, leaf: Leaf, hosts: ServiceHosts) -> None:
    """Serve `app` on every listener until SIGINT/SIGTERM (the proxy answers for `hosts` only)."""
    import uvicorn

    from ..http.serving import freeze_heap, server_config

    peers = PeerTable()
    proxied = RealPeer(app, peers)
    plans: list[tuple[uvicorn.Config, socket.socket]] = [(server_config(app), listeners.plain)]
    inner: list[socket.socket] = []
    tls_sock = listeners.tls
    if tls_sock is None and listeners.proxy is not None:
        tls_sock = _loopback()
        inner.append(tls_sock)
    if tls_sock is not None:
        plans.append((server_config(proxied, ssl_certfile=str(leaf.cert_path), ssl_keyfile=str(leaf.key_path),
                                    proxy_headers=False), tls_sock))
    proxy = None
    if listeners.proxy is not None:
        plain_inner = _loopback()  # the proxy's plain requests, so they too pass through RealPeer
        inner.append(plain_inner)
        plans.append((server_config(proxied, proxy_headers=False), plain_inner))
        assert tls_sock is not None
        proxy = ConnectProxy(hosts.covers, _address(tls_sock), _address(plain_inner), peers)
    servers = [uvicorn.Server(config) for config, _ in plans]
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}

    def stop(*_: object) -> None:
        for server in servers:
            server.should_exit = True

    # uvicorn re-raises the signal it caught once it has stopped: the last to stop must find a handler, not the
    # default action that kills the process (the CLI's single server does the same in cli._run)
    signal.signal(signal.SIGTERM, stop)

    async def main() -> None:
        proxy_server = await proxy.start(listeners.proxy) if proxy is not None and listeners.proxy else None
        tasks = [asyncio.create_task(server.serve(sockets=[sock])) for server, (_, sock) in zip(servers, plans,
                                                                                                strict=True)]
        try:
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stop()  # one stopped (a signal reaches only the last server to install its handler): all stop
            await asyncio.gather(*tasks, return_exceptions=True)
            if proxy_server is not None:
                proxy_server.close()
                await proxy_server.wait_closed()

    factory = getattr(servers[0].config, "get_loop_factory", lambda: None)()
    freeze_heap()
    try:
        with asyncio.Runner(loop_factory=factory) as runner:
            runner.run(main())
    finally:
        for sig, handler in handlers.items():  # each uvicorn server swapped handlers in and out: put ours back
            signal.signal(sig, handler)
        for sock in (listeners.plain, listeners.tls, listeners.proxy, *inner):
            if sock is not None:
                sock.close()
