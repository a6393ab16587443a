"""A raw HTTP/1.1 client over one socket, for tests that need control of the bytes: head and body in one write,
chunked bodies, `Expect: 100-continue`, pipelining. Responses are read one after another from one buffered
reader, so pipelined answers are never mixed up."""

from __future__ import annotations

import socket
from dataclasses import dataclass, field

import orjson

CREATE = "/api/v1/services/aigc/video-generation/video-synthesis"


@dataclass
class Answer:
    """One HTTP response as read off the wire."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    def json(self) -> object:
        """The body as JSON."""
        return orjson.loads(self.body)


class Connection:
    """One keep-alive connection to host:port."""

    def __init__(self, host: str, port: int, timeout: float = 20.0) -> None:
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.reader = self.sock.makefile("rb")

    def send(self, data: bytes) -> None:
        """Write `data` in one call (one sendall: the kernel sends it as it can, with no pause in between)."""
        self.sock.sendall(data)

    def answer(self, head_only: bool = False) -> Answer:
        """The next response (its head only for a HEAD request); an interim 1xx is returned as it is."""
        line = self.reader.readline()
        if not line:
            raise ConnectionError("the server closed the connection without an answer")
        status = int(line.split(b" ", 2)[1])
        headers: dict[str, str] = {}
        while (line := self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        if head_only or status < 200 or status in (204, 304):
            return Answer(status, headers)
        if headers.get("transfer-encoding", "").lower() == "chunked":
            parts = []
            while (size := int(self.reader.readline().split(b";")[0], 16)) > 0:
                parts.append(self.reader.read(size))
                self.reader.readline()
            self.reader.readline()
            return Answer(status, headers, b"".join(parts))
        return Answer(status, headers, self.reader.read(int(headers.get("content-length", "0"))))

    def close(self) -> None:
        """Close the connection."""
        self.reader.close()
        self.sock.close()


def request(method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None,
            chunked: bool = False) -> tuple[bytes, bytes]:
    """(head, body) of a request as a client sends it; `chunked` frames the body in 64 KiB chunks."""
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    if chunked:
        lines.append("Transfer-Encoding: chunked")
        step = 64 * 1024
        payload = b"".join(b"%x\r\n%s\r\n" % (len(body[i:i + step]), body[i:i + step])
                           for i in range(0, len(body), step)) + b"0\r\n\r\n"
    else:
        if body or method == "POST":
            lines.append(f"Content-Length: {len(body)}")
        payload = body
    return ("\r\n".join(lines) + "\r\n\r\n").encode(), payload


def create_headers(key: str = "sk-payloads-0001") -> dict[str, str]:
    """The headers of an async create."""
    return {"Authorization": f"Bearer {key}", "X-DashScope-Async": "enable", "Content-Type": "application/json"}
