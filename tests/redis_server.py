"""A throwaway redis-server for the tests: a free loopback port, its own data dir, AOF on, no RDB snapshots."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

import redis

from mockserver.testing import free_port


class RedisServer:
    """One redis-server process; `restart()` stops it and starts it again on the same port and data dir."""

    def __init__(self, data_dir: Path, *extra: str, persistent: bool = True) -> None:
        binary = shutil.which("redis-server")
        if binary is None:  # the fixtures ask tests/system_packages.py first, which skips (or fails in CI)
            raise RuntimeError("redis-server is not installed (tests/system_packages.py says how to install it)")
        self.binary = binary
        self.dir = data_dir
        self.dir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.persistent = persistent  # AOF on; off: a restart starts empty
        self.proc: subprocess.Popen[bytes] | None = None
        self.extra = extra  # more redis-server options

    @property
    def url(self) -> str:
        """The server's database 0."""
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def socket_path(self) -> Path:
        """The server's Unix socket (it listens there too)."""
        return self.dir / "redis.sock"

    def client(self) -> redis.Redis:
        """A plain client of database 0 (close it after use)."""
        return redis.Redis(port=self.port)

    def start(self) -> RedisServer:
        """Start the server and wait until it answers PING."""
        self.proc = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.dir),
             "--save", "", "--appendonly", "yes" if self.persistent else "no", "--daemonize", "no",
             "--unixsocket", str(self.socket_path), "--unixsocketperm", "700", *self.extra,
             "--logfile", str(self.dir / "redis.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    pass
                client = redis.Redis(port=self.port)
                client.ping()  # answers LOADING while it replays the AOF
                client.close()
                return self
            except (OSError, redis.RedisError):
                if self.proc.poll() is not None:
                    raise RuntimeError(f"redis-server exited: {(self.dir / 'redis.log').read_text()}") from None
                time.sleep(0.02)
        raise RuntimeError("redis-server did not answer within 10 s")

    def stop(self) -> None:
        """Stop the server (SIGTERM)."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)
        self.proc = None

    def kill(self) -> None:
        """Kill the server without letting it save anything."""
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait(10)
        self.proc = None

    def restart(self, hard: bool = True) -> None:
        """Kill (or stop) the server and start it again from its AOF."""
        self.kill() if hard else self.stop()
        self.start()

    def flush(self) -> None:
        """Empty every database."""
        client = redis.Redis(port=self.port)
        client.flushall()
        client.close()
