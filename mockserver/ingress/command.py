"""What `dashscope-mock ca` and `serve --tls-port/--proxy-port` do (cli.py registers the options and calls here)."""

from __future__ import annotations

import shlex
import socket
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..spec.hosts import ServiceHosts
from .ca import LOOPBACK_NAMES, Leaf, LocalCA, default_ca_dir
from .servers import Listeners, run

Bind = Callable[[str, int], socket.socket]


def open_ca(ca_dir: Path | None, data_dir: Path | None) -> LocalCA:
    """The CA in `ca_dir` (default: default_ca_dir(data_dir)), created there on first use."""
    return LocalCA.load_or_create(ca_dir if ca_dir is not None else default_ca_dir(data_dir))


def env_lines(ca: LocalCA) -> list[str]:
    """`export NAME=value` lines for the CA variables the common clients read."""
    return [f"export {name}={shlex.quote(value)}" for name, value in ca.env().items()]


def ca_report(ca_dir: Path | None, data_dir: Path | None, with_env: bool) -> str:
    """What `dashscope-mock ca` prints: the CA certificate's path, or with `with_env` the variables to export."""
    ca = open_ca(ca_dir, data_dir)
    return "\n".join(env_lines(ca)) if with_env else str(ca.cert_path)


def service_hosts() -> ServiceHosts:
    """The service's host names from the spec."""
    from ..spec.document import load_spec

    return ServiceHosts.from_doc(load_spec().doc)


@dataclass
class Ingress:
    """The TLS listener and/or proxy of one `serve`, bound and with their certificate made."""

    ca: LocalCA
    leaf: Leaf
    hosts: ServiceHosts
    tls: socket.socket | None
    proxy: socket.socket | None
    public_host: str

    def banner(self) -> str:
        """The lines `serve` adds to its banner."""
        lines = []
        if self.tls is not None:
            port = self.tls.getsockname()[1]
            lines.append(f"  TLS: https://{self.public_host}:{port} answers as {len(self.hosts.names)} DashScope host "
                         "names (map dashscope.aliyuncs.com there: hosts file or network alias)")
        if self.proxy is not None:
            url = f"http://{self.public_host}:{self.proxy.getsockname()[1]}"
            lines.append(f"  export HTTPS_PROXY={url} HTTP_PROXY={url} NO_PROXY=localhost,127.0.0.1")
        lines.extend("  " + line for line in env_lines(self.ca))
        return "\n".join(lines)

    def run(self, app: Any, plain: socket.socket) -> None:
        """Serve `app` on the plain socket, the TLS listener and the proxy until SIGINT/SIGTERM."""
        run(app, Listeners(plain, self.tls, self.proxy), self.leaf, self.hosts)

    def close(self) -> None:
        """Release the sockets (when `serve` stops before running)."""
        for sock in (self.tls, self.proxy):
            if sock is not None:
                sock.close()


def prepare(bind: Bind, host: str, public_host: str, tls_port: int | None, proxy_port: int | None,
            ca_dir: Path | None, data_dir: Path | None) -> Ingress:
    """Make (or reuse) the CA and the leaf for the service's names, and bind the TLS and proxy ports.

    OSError when the CA folder cannot be written; `bind` reports a port it cannot bind itself.
    """
    ca = open_ca(ca_dir, data_dir)
    hosts = service_hosts()
    names = {*hosts.names, *LOOPBACK_NAMES, public_host.strip("[]")}
    if host not in ("", "0.0.0.0", "::"):
        names.add(host)
    leaf = ca.leaf(names)
    tls = bind(host, tls_port) if tls_port is not None else None
    try:
        proxy = bind(host, proxy_port) if proxy_port is not None else None
    except BaseException:
        if tls is not None:
            tls.close()
        raise
    return Ingress(ca, leaf, hosts, tls, proxy, public_host)
