"""The real service's host names (`x-dashscope-hosts` in the spec): which names the ingress answers for, and
which result and upload roots a client that called one of the API hosts is handed back."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


def bare_host(host_header: str) -> str:
    """The lowercase name of a Host header value, without its port (`Dashscope.aliyuncs.com:443` -> the name)."""
    host = host_header.strip().lower()
    if host.startswith("["):  # an IPv6 literal keeps its colons
        return host.partition("]")[0] + "]"
    return host.rpartition(":")[0] if host.count(":") == 1 else host


def local_address(bound: str) -> str:
    """The address a client on this machine connects to for a socket bound to `bound`: wildcards are loopback."""
    if bound in ("", "0.0.0.0"):
        return "127.0.0.1"
    return "::1" if bound == "::" else bound


@dataclass(frozen=True)
class ServiceHosts:
    """The API, result and upload host names of the real service, and the roots each API host hands out."""

    results_for: Mapping[str, str] = field(default_factory=dict)  # API host -> https://result-host
    uploads_for: Mapping[str, str] = field(default_factory=dict)  # API host -> https://upload-host
    api: frozenset[str] = frozenset()
    results: frozenset[str] = frozenset()
    uploads: frozenset[str] = frozenset()

    @classmethod
    def from_doc(cls, doc: Mapping[str, Any]) -> ServiceHosts:
        """The hosts of a spec document (`x-dashscope-hosts`; none when it has no such section)."""
        section = doc.get("x-dashscope-hosts") or {}
        api: Mapping[str, Any] = section.get("api") or {}
        return cls(
            results_for={h.lower(): str(v["results"]).rstrip("/") for h, v in api.items() if v and v.get("results")},
            uploads_for={h.lower(): str(v["uploads"]).rstrip("/") for h, v in api.items() if v and v.get("uploads")},
            api=frozenset(h.lower() for h in api),
            results=frozenset(h.lower() for h in section.get("results") or ()),
            uploads=frozenset(h.lower() for h in section.get("uploads") or ()),
        )

    @property
    def names(self) -> tuple[str, ...]:
        """Every host name of the service, sorted: what the ingress's certificate covers and answers for."""
        return tuple(sorted(self.api | self.results | self.uploads))

    def covers(self, host: str) -> bool:
        """Whether `host` (a bare name, any case, a trailing dot allowed) is one of the service's names."""
        name = host.lower().rstrip(".")
        return name in self.api or name in self.results or name in self.uploads

    def result_root(self, host_header: str | None) -> str | None:
        """The root of result URLs for a client that called `host_header`, when that is a real API host."""
        return self.results_for.get(bare_host(host_header)) if host_header else None

    def upload_root(self, host_header: str | None) -> str | None:
        """The root of the upload URL for a client that called `host_header`, when that API host has a known one."""
        return self.uploads_for.get(bare_host(host_header)) if host_header else None
