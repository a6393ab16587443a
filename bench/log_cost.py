"""The request log's cost as instructions: `dashscope-mock serve` as shipped against `serve --quiet` under callgrind.

    python -m bench.log_cost        (make bench runs it too; BENCH_ONLY=log_cost runs only this)

Wall-clock figures cannot resolve a 5 % difference on a shared machine (two runs of the same server differ by up
to 20 %). Counting the instructions the server executes can: both servers run under `valgrind --tool=callgrind`
(instrumentation off during start-up), and once `/__mock/health` answers and a warm-up is done, the counters are
zeroed, a fixed number of GETs of one task (then of creates) is driven over several keep-alive connections, and
the counters are dumped. The figure is user-space instructions (Ir) per request: a proxy for CPU time that
leaves out the kernel's work, cache misses and the clock. The kernel side of the log is its write syscalls,
counted from /proc/PID/io on both servers, under callgrind and natively.

Under callgrind the server runs some 50 times slower, so the log's timer (0.2 s) closes a batch after a few
dozen lines rather than 512: its per-batch work is spread over fewer lines than at full speed, which makes the
figure an upper bound of the per-line cost.
"""

from __future__ import annotations

import json
import os
import selectors
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from mockserver.testing import free_port

from .__main__ import cpu_ticks

BIN = Path(sys.executable).parent
GETS = int(os.environ.get("LOG_COST_GETS", "800"))
CREATES = int(os.environ.get("LOG_COST_CREATES", "400"))
REPEATS = int(os.environ.get("LOG_COST_REPEATS", "3"))  # each repeat starts a fresh pair of servers
NATIVE_GETS = int(os.environ.get("LOG_COST_NATIVE_GETS", "20000"))
CONNECTIONS = 8
WARM_UP = 200  # requests before the counters are zeroed: valgrind's translation and CPython's specialisation
KEY = "Bearer sk-bench"
CREATE = "/api/v1/services/aigc/video-generation/video-synthesis"
BODY = (b'{"model":"wan2.6-t2v","input":{"prompt":"a cat playing piano"},'
        b'"parameters":{"size":"1280*720","duration":5}}')  # bench/post.lua's body


def get_request(port: int, task_id: str) -> bytes:
    """The raw keep-alive GET of one task."""
    return (f"GET /api/v1/tasks/{task_id} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Authorization: {KEY}\r\n\r\n").encode()


def create_request(port: int) -> bytes:
    """The raw keep-alive create (the same request as bench/post.lua)."""
    return (f"POST {CREATE} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: {KEY}\r\n"
            f"X-DashScope-Async: enable\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(BODY)}\r\n\r\n").encode() + BODY


def _answers(buffer: bytearray) -> int:
    """Remove every complete 200 answer from `buffer` and say how many there were."""
    done = 0
    while (end := buffer.find(b"\r\n\r\n")) >= 0:
        head = bytes(buffer[:end]).lower()
        if not head.startswith(b"http/1.1 200"):
            raise RuntimeError(f"not a 200: {head[:200]!r}")
        at = head.find(b"content-length:")
        if at < 0:
            raise RuntimeError(f"no content-length: {head[:200]!r}")
        stop = head.find(b"\r\n", at)
        length = int(head[at + 15:stop if stop >= 0 else None])
        if len(buffer) < end + 4 + length:
            break
        del buffer[:end + 4 + length]
        done += 1
    return done


def drive(port: int, request: bytes, count: int, connections: int = CONNECTIONS) -> None:
    """Send `request` `count` times over `connections` keep-alive connections, one in flight on each (as wrk)."""
    selector = selectors.DefaultSelector()
    socks = [socket.create_connection(("127.0.0.1", port)) for _ in range(connections)]
    sent = done = 0
    try:
        for sock in socks:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            selector.register(sock, selectors.EVENT_READ, bytearray())
            if sent < count:
                sock.sendall(request)
                sent += 1
        while done < count:
            for key, _ in selector.select(60):
                chunk = key.fileobj.recv(65536)  # type: ignore[union-attr]
                if not chunk:
                    raise RuntimeError("the server closed a connection")
                key.data.extend(chunk)
                for _ in range(_answers(key.data)):
                    done += 1
                    if sent < count:
                        key.fileobj.sendall(request)  # type: ignore[union-attr]
                        sent += 1
    finally:
        selector.close()
        for sock in socks:
            sock.close()


def _writes(pid: int) -> int:
    """Write-type syscalls the process has made so far (/proc/PID/io `syscw`: socket sends and log writes)."""
    for line in Path(f"/proc/{pid}/io").read_text().splitlines():
        if line.startswith("syscw:"):
            return int(line.split()[1])
    raise RuntimeError("no syscw in /proc/PID/io")


class Served:
    """`dashscope-mock serve` as the docs start it (stderr, the request log, to a file), optionally under
    callgrind with its instrumentation off until `instrument()`."""

    def __init__(self, folder: Path, name: str, flags: tuple[str, ...], callgrind: bool) -> None:
        self.port = free_port()
        self.folder, self.name = folder, name
        self.log = folder / f"{name}.log"
        self.dumps = 0
        prefix: list[str] = []
        if callgrind:
            prefix = ["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--log-file={folder}/{name}.vg",
                      f"--callgrind-out-file={folder}/{name}.out"]
        with self.log.open("w") as err:
            self.proc = subprocess.Popen([*prefix, str(BIN / "dashscope-mock"), "serve", "--port", str(self.port),
                                          *flags], stdout=subprocess.DEVNULL, stderr=err)
        self.url = f"http://127.0.0.1:{self.port}"

    def wait_healthy(self, timeout: float = 180.0) -> None:
        """Until `/__mock/health` answers 200."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}: {self.log.read_text()[-500:]}")
            try:
                if httpx.get(self.url + "/__mock/health", timeout=5).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"{self.name} never answered /__mock/health")

    def control(self, *args: str) -> None:
        """callgrind_control on this server."""
        subprocess.run(["callgrind_control", *args, str(self.proc.pid)], capture_output=True, check=True,
                       timeout=120)

    def finished_task(self) -> str:
        """A task created here and polled until SUCCEEDED (a poll's work depends on the status)."""
        headers = {"Authorization": KEY, "X-DashScope-Async": "enable", "Content-Type": "application/json"}
        task = str(httpx.post(self.url + CREATE, content=BODY, headers=headers, timeout=60).json()["output"]["task_id"])
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            got = httpx.get(f"{self.url}/api/v1/tasks/{task}", headers={"Authorization": KEY}, timeout=60).json()
            if got["output"]["task_status"] == "SUCCEEDED":
                return task
            time.sleep(0.2)
        raise RuntimeError(f"task {task} never succeeded on {self.name}")

    def counted(self, request: bytes, count: int) -> dict[str, float]:
        """Instructions and write syscalls per request over `count` requests, counted from zero."""
        drive(self.port, request, WARM_UP)
        self.control("-z")
        writes = _writes(self.proc.pid)
        drive(self.port, request, count)
        writes = _writes(self.proc.pid) - writes
        self.control("-d")
        self.dumps += 1
        dump = Path(f"{self.folder}/{self.name}.out.{self.dumps}")
        summary = next(line for line in dump.read_text().splitlines() if line.startswith("summary:"))
        return {"ir": int(summary.split()[1]) / count, "writes": writes / count}

    def stop(self) -> None:
        """SIGTERM, then wait."""
        self.proc.terminate()
        self.proc.wait(60)


FLAGS = {"log": (), "quiet": ("--quiet",)}


def _spread(values: list[float]) -> float:
    """(max - min) / median."""
    return (max(values) - min(values)) / statistics.median(values)


def callgrind_rounds(folder: Path) -> dict[str, dict[str, list[float]]]:
    """REPEATS fresh pairs of servers under callgrind: per (config, kind), the Ir and writes per request."""
    runs: dict[str, dict[str, list[float]]] = {f"{c}_{k}": {"ir": [], "writes": []} for c in FLAGS
                                              for k in ("get", "create")}
    for repeat in range(REPEATS):
        servers = {name: Served(folder, f"{name}{repeat}", flags, callgrind=True) for name, flags in FLAGS.items()}
        try:
            for server in servers.values():  # both start at once (instrumentation off); measured one at a time
                server.wait_healthy()
            order = list(servers.items()) if repeat % 2 == 0 else list(servers.items())[::-1]
            for name, server in order:
                server.control("-i", "on")
                task = server.finished_task()
                for kind, request, count in (("get", get_request(server.port, task), GETS),
                                             ("create", create_request(server.port), CREATES)):
                    got = server.counted(request, count)
                    for measure, value in got.items():
                        runs[f"{name}_{kind}"][measure].append(value)
        finally:
            for server in servers.values():
                server.stop()
    return runs


def native_writes(folder: Path) -> dict[str, float]:
    """Write syscalls per GET at full speed (no callgrind), log against quiet, and the log's lines per write."""
    out: dict[str, float] = {}
    for name, flags in FLAGS.items():
        server = Served(folder, f"native-{name}", flags, callgrind=False)
        try:
            server.wait_healthy()
            request = get_request(server.port, server.finished_task())
            drive(server.port, request, WARM_UP)
            time.sleep(0.5)  # the warm-up's batch goes out before the count starts
            before, lines_before = _writes(server.proc.pid), _lines(server.log)
            started, (user, system) = time.perf_counter(), cpu_ticks(server.proc.pid)
            drive(server.port, request, NATIVE_GETS)
            out[f"{name}_get_per_s"] = NATIVE_GETS / (time.perf_counter() - started)
            user_after, system_after = cpu_ticks(server.proc.pid)
            out[f"{name}_user_share_of_cpu"] = (user_after - user) / max(1, user_after - user + system_after - system)
            time.sleep(0.5)  # the last batch's timer
            out[f"{name}_writes_per_get"] = (_writes(server.proc.pid) - before) / NATIVE_GETS
            if name == "log":
                out["log_lines"] = _lines(server.log) - lines_before
        finally:
            server.stop()
    log_writes = (out["log_writes_per_get"] - out["quiet_writes_per_get"]) * NATIVE_GETS
    out["log_writes"] = log_writes
    out["lines_per_log_write"] = out["log_lines"] / log_writes if log_writes > 0 else float("nan")
    return out


def _lines(log: Path) -> int:
    with log.open("rb") as f:
        return sum(1 for line in f if b" status=" in line)


def log_cost_bench() -> dict[str, Any]:
    """The log's cost per GET and per create in instructions (log against quiet), with its write syscalls."""
    missing = [tool for tool in ("valgrind", "callgrind_control") if shutil.which(tool) is None]
    if missing:
        return {"skipped": f"{' and '.join(missing)} not found: apt-get install valgrind (make bench does it)"}
    with tempfile.TemporaryDirectory(prefix="dashscope-logcost-") as tmp:
        folder = Path(tmp)
        runs = callgrind_rounds(folder)
        native = native_writes(folder)
    result: dict[str, Any] = {
        "measure": "user-space instructions (callgrind Ir) of the server process per request, a proxy for CPU: "
                   "kernel work (the syscalls below), cache misses and waiting are not in it",
        "requests": {"get": GETS, "create": CREATES, "connections": CONNECTIONS, "repeats": REPEATS},
        "target": "< 0.05 of GET"}
    for kind in ("get", "create"):
        log, quiet = runs[f"log_{kind}"], runs[f"quiet_{kind}"]
        log_ir, quiet_ir = statistics.median(log["ir"]), statistics.median(quiet["ir"])
        # valgrind's own thread lock is a pipe, so only the difference is the log's
        log_writes = statistics.median(log["writes"]) - statistics.median(quiet["writes"])
        result[kind] = {
            "log_ir_per_request": round(log_ir), "quiet_ir_per_request": round(quiet_ir),
            "log_ir": round(log_ir - quiet_ir), "log_share": (log_ir - quiet_ir) / log_ir,
            "ir_spread": {"log": _spread(log["ir"]), "quiet": _spread(quiet["ir"])},
            "shares_by_repeat": [(a - b) / a for a, b in zip(log["ir"], quiet["ir"], strict=True)],
            "log_writes_per_request_under_callgrind": log_writes,
            "lines_per_log_write_under_callgrind": 1 / log_writes if log_writes > 0 else float("nan")}
    result["native_get"] = native
    # the log adds next to no kernel work at full speed (its writes per GET above), so its share of the server's
    # CPU is its share of the instructions times the user-space part of that CPU
    result["get"]["log_share_of_cpu"] = result["get"]["log_share"] * native["log_user_share_of_cpu"]
    return result


def main() -> None:
    """Print the figures as JSON."""
    print(json.dumps(log_cost_bench(), indent=2))


if __name__ == "__main__":
    main()
