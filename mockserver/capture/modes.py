"""Put the answer source chosen at start-up in front of a twin's app: capture, diff or replay (or none)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ..domain.state import Twin
from ..http.requestlog import RequestLog
from ..spec.hosts import ServiceHosts
from .cassette import DEFAULT_MEDIA_CAP, CassetteWriter
from .exchange import ASGIApp
from .layer import AnswerLayer, Observer, Source

if TYPE_CHECKING:
    import httpx


@dataclass(frozen=True)
class Modes:
    """What `serve` (or a test) asked for: `--upstream`, `--record`, `--record-media`, `--diff`, `--replay`."""

    upstream: str | None = None
    record: Path | None = None
    record_media: bool = False
    media_cap: int = DEFAULT_MEDIA_CAP
    diff: bool = False
    replay: Path | None = None
    replay_by: str = "polls"  # a replayed task advances by poll count, or by virtual time ("time")

    def check(self) -> None:
        """ValueError for a combination that makes no sense (the CLI shows it as a usage error)."""
        if self.replay is not None and self.upstream is not None:
            raise ValueError("--replay answers from a cassette: it cannot be combined with --upstream")
        if (self.record is not None or self.diff) and self.upstream is None:
            raise ValueError("--record and --diff need --upstream URL (the service to forward to)")
        if self.record_media and self.record is None:
            raise ValueError("--record-media needs --record DIR")
        if self.replay_by not in ("polls", "time"):
            raise ValueError(f"replay by {self.replay_by!r}: use polls or time")
        if self.media_cap < 0:
            raise ValueError("the media cap must be >= 0 bytes")

    @property
    def active(self) -> bool:
        """Whether any source other than the twin is asked for."""
        return self.upstream is not None or self.replay is not None


def answer_layer(app: ASGIApp, twin: Twin, modes: Modes, client: httpx.AsyncClient | None = None,
                 request_log: RequestLog | None = None) -> ASGIApp:
    """`app` itself when no mode is asked for, else the answer layer with the chosen source in front of it.

    `client` is the HTTP client to reach the upstream with (tests hand an in-process one); `request_log` gets a
    line per answer the client got.
    """
    modes.check()
    if not modes.active:
        return app
    observers: list[Observer] = []
    local: Any = None
    source: Source
    if modes.replay is not None:
        from .replay import Replayer

        replayer = Replayer(modes.replay, app, twin, by_time=modes.replay_by == "time")
        source, local = replayer, replayer.serve_media
    else:
        from .upstream import Upstream

        assert modes.upstream is not None
        upstream = Upstream(modes.upstream, client, ServiceHosts.from_doc(twin.spec.doc))
        if modes.diff:
            from .differ import Compared

            source = Compared(upstream, app, twin)
        else:
            source = upstream
        if modes.record is not None:
            from .recording import CassetteRecorder

            shown = urlsplit(upstream.root)  # never a user:password@ the URL may carry
            writer = CassetteWriter(modes.record, {"upstream": f"{shown.scheme}://{shown.netloc.rpartition('@')[2]}{shown.path}",
                                                   "diff": modes.diff},
                                    media=modes.record_media, media_cap=modes.media_cap)
            observers.append(CassetteRecorder(twin, writer))
    return AnswerLayer(app, twin, source, observers, local=local, request_log=request_log)
