"""The CONNECT proxy: `serve --proxy-port` (docs/interception.md).

`CONNECT host:443` to one of the service's host names is answered `200` and the tunnel is piped to the twin's TLS
listener, which terminates TLS with a certificate from the twin's CA for that name. `CONNECT host:80` and
absolute-form `http://host/...` requests to those names go to the twin's plain listener. Anything else is refused
with 403 and one log line. The proxy only ever connects to the two loopback addresses it was given: nothing
leaves the machine.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import Callable
from urllib.parse import urlsplit

from .peers import Address, PeerTable

HEAD_TIMEOUT_S = 10.0  # from connect to the end of the proxy request's head
MAX_HEAD_BYTES = 64 * 1024
_CHUNK = 64 * 1024
log = logging.getLogger("dashscope_mock.proxy")


def split_authority(authority: str, default_port: int) -> tuple[str, int] | None:
    """(host, port) of `host[:port]` or `[v6]:port`; None when it is not one."""
    try:
        parts = urlsplit("//" + authority)
        host, port = parts.hostname, parts.port
    except ValueError:
        return None
    if not host or parts.path or parts.query or parts.username is not None:
        return None
    return host.lower().rstrip("."), port if port is not None else default_port


def _reply(status: str, text: str) -> bytes:
    body = (text + "\n").encode()
    return (f"HTTP/1.1 {status}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {len(body)}\r\n"
            f"Connection: close\r\n\r\n").encode() + body


def origin_form_head(head: bytes, path: bytes, authority: str) -> bytes:
    """An absolute-form request head rewritten for the twin: origin-form target, no `Proxy-*` or `Connection`
    headers, `Connection: close` (the next request on the client's connection may name another host), and a
    `Host` when the client sent none."""
    lines = head.split(b"\r\n")
    method, _target, version = lines[0].split(b" ")
    kept = [line for line in lines[1:] if line and not line.lower().startswith((b"proxy-", b"connection:",
                                                                                b"keep-alive:"))]
    if not any(line.lower().startswith(b"host:") for line in kept):
        kept.insert(0, b"Host: " + authority.encode("idna"))
    return b"\r\n".join([b" ".join((method, path, version)), *kept, b"Connection: close", b"", b""])


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Copy `reader` to `writer` until end of stream, then half-close `writer`."""
    try:
        while chunk := await reader.read(_CHUNK):
            writer.write(chunk)
            await writer.drain()
        if writer.can_write_eof():
            writer.write_eof()
    except (ConnectionError, OSError):
        pass


class ConnectProxy:
    """An HTTP proxy that serves the service's host names from the twin and refuses everything else."""

    def __init__(self, allowed: Callable[[str], bool], tls_target: Address, plain_target: Address,
                 peers: PeerTable | None = None) -> None:
        self.allowed = allowed
        self.tls_target = tls_target
        self.plain_target = plain_target
        self.peers = peers if peers is not None else PeerTable()
        self.refused = 0  # requests refused so far
        self.tunnels = 0  # connections made to the twin so far

    async def start(self, sock: socket.socket) -> asyncio.Server:
        """Serve on the listening socket `sock` (on the running loop)."""
        return await asyncio.start_server(self.handle, sock=sock, limit=MAX_HEAD_BYTES)

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """One client connection: read its proxy request, then tunnel, forward or refuse; whatever a client sends,
        the worst it gets is its own connection closed."""
        try:
            await self._handle(reader, writer)
        except Exception:  # a bug must cost one connection, never the proxy
            log.exception("dashscope-mock proxy: a connection failed")
            await self._close(writer)

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        peer = writer.get_extra_info("peername") or ("?", 0)
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), HEAD_TIMEOUT_S)
        except asyncio.LimitOverrunError:
            await self._close(writer, _reply("431 Request Header Fields Too Large", "the request head is too large"))
            return
        except (asyncio.IncompleteReadError, TimeoutError, ConnectionError, OSError):
            await self._close(writer)
            return
        request_line = head.split(b"\r\n", 1)[0]
        parts = request_line.split(b" ")
        if len(parts) != 3 or not parts[2].startswith(b"HTTP/1."):
            await self._close(writer, _reply("400 Bad Request", "not an HTTP/1.x proxy request"))
            return
        method, target = parts[0].decode("latin-1"), parts[1].decode("latin-1")
        if method == "CONNECT":
            where = split_authority(target, 443)
            upstream = self._upstream(where)
            if upstream is None:
                await self._refuse(writer, method, target, peer)
                return
            connected = await self._connect(upstream, peer)
            if connected is None:
                await self._close(writer, _reply("502 Bad Gateway", "the twin's listener did not answer"))
                return
            writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
            await self._splice(reader, writer, *connected)
            return
        if target.lower().startswith("http://"):
            try:
                url = urlsplit(target)
            except ValueError:  # e.g. an unclosed IPv6 bracket
                await self._refuse(writer, method, target, peer, why="not a URL")
                return
            where = split_authority(url.netloc, 80)
            if where is None or where[1] != 80 or not self.allowed(where[0]):
                await self._refuse(writer, method, target, peer)
                return
            connected = await self._connect(self.plain_target, peer)
            if connected is None:
                await self._close(writer, _reply("502 Bad Gateway", "the twin's listener did not answer"))
                return
            path = (url.path or "/") + (f"?{url.query}" if url.query else "")
            connected[1].write(origin_form_head(head, path.encode("latin-1"), url.netloc))
            await self._splice(reader, writer, *connected)
            return
        await self._refuse(writer, method, target, peer, why="not a proxy request (use CONNECT or an http:// URL)")

    def _upstream(self, where: tuple[str, int] | None) -> Address | None:
        """The twin's listener for a CONNECT target, or None to refuse it."""
        if where is None or not self.allowed(where[0]):
            return None
        return {443: self.tls_target, 80: self.plain_target}.get(where[1])

    async def _connect(self, upstream: Address, peer: tuple[str, int]
                       ) -> tuple[asyncio.StreamReader, asyncio.StreamWriter, Address] | None:
        try:
            up_reader, up_writer = await asyncio.open_connection(*upstream)
        except OSError:
            return None
        local = up_writer.get_extra_info("sockname")
        address = (str(local[0]), int(local[1]))
        self.peers.add(address, (str(peer[0]), int(peer[1])))
        self.tunnels += 1
        return up_reader, up_writer, address

    async def _splice(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                      up_reader: asyncio.StreamReader, up_writer: asyncio.StreamWriter, local: Address) -> None:
        to_twin = asyncio.create_task(_pipe(reader, up_writer))
        try:
            await _pipe(up_reader, writer)  # the twin closed (idle keep-alive, Connection: close): so does the client
        finally:
            to_twin.cancel()
            self.peers.remove(local)
            for w in (up_writer, writer):
                w.close()
            for w in (up_writer, writer):
                with contextlib.suppress(ConnectionError, OSError):
                    await w.wait_closed()

    async def _refuse(self, writer: asyncio.StreamWriter, method: str, target: str, peer: tuple[str, int],
                      why: str = "not a DashScope host") -> None:
        self.refused += 1
        shown = target if len(target) <= 200 else target[:200] + "..."
        log.warning("dashscope-mock proxy: refused %s %s from %s: %s; nothing was connected",
                    method, shown, peer[0], why)
        await self._close(writer, _reply("403 Forbidden", f"dashscope-mock proxy: {shown} is {why}; only the "
                                                         "DashScope API, upload and result hosts are served"))

    @staticmethod
    async def _close(writer: asyncio.StreamWriter, data: bytes = b"") -> None:
        with contextlib.suppress(ConnectionError, OSError):
            if data:
                writer.write(data)
                await writer.drain()
            writer.close()
            await writer.wait_closed()
