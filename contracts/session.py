"""One contract run in one process (an xdist worker or the whole run): options, endpoints, ledger, probes."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mockserver.spec.document import SPEC_PATH, load_spec
from mockserver.spec.profiles import Registry

from .choices import Choices
from .probe import Probe
from .replay import NoSnapshot
from .snapshots import save_snapshot
from .spend import SpendLedger
from .target import Endpoint, TargetError, connect, reference_mock, replay, start_mock
from .validation import ResponseValidator


@dataclass(frozen=True)
class Options:
    """The command-line options of the suite, resolved."""

    target: str  # "mock" | a base URL
    replay: Path | None
    allow_spend: int | None
    report_dir: Path
    snapshots: Path | None
    poll_timeout: float
    run_id: str

    @property
    def mode(self) -> str:
        """mock | url | replay."""
        return "replay" if self.replay else ("mock" if self.target == "mock" else "url")

    @property
    def spend_limit(self) -> int | None:
        """The cap on paid tasks: the option, else none on the mock and in replay (nothing is billed)."""
        if self.allow_spend is not None:
            return self.allow_spend
        return None if self.mode in ("mock", "replay") else 0

    @property
    def ledger_path(self) -> Path:
        """One ledger per run, shared by the xdist workers of that run."""
        return self.report_dir / f".spend-{self.run_id}.jsonl"

    @property
    def snapshot_dir(self) -> Path | None:
        """Where snapshots go: the option, else `<report>/snapshots` for a URL target, else nowhere."""
        if self.snapshots is not None:
            return self.snapshots
        return self.report_dir / "snapshots" if self.mode == "url" else None


def spec_digest() -> str:
    """The first 12 hex digits of the spec's sha256: which spec a report was made against."""
    return hashlib.sha256(SPEC_PATH.read_bytes()).hexdigest()[:12]


class ContractSession:
    """Builds the endpoints lazily (first check that needs them), hands out probes, writes snapshots."""

    def __init__(self, options: Options) -> None:
        self.options = options
        spec = load_spec()
        registry = Registry(spec)
        self.validator = ResponseValidator(spec, registry)
        self.choices = Choices.from_spec(spec, registry)
        self.ledger = SpendLedger(options.ledger_path, options.spend_limit)
        self.target = self._target()
        # the mock is the reference; comparing the in-process mock with itself would prove nothing
        self.reference: Endpoint | None = reference_mock() if options.mode != "mock" else None

    def _target(self) -> Endpoint:
        o = self.options
        if o.replay is not None:
            return replay(o.replay)
        if o.target == "mock":
            return start_mock()
        return connect(o.target, os.environ.get("DASHSCOPE_API_KEY"))

    def probe(self, check: str, kind: str) -> Probe:
        """A probe for one check (in replay, NoSnapshot when the check was not recorded)."""
        if self.target.replay is not None:
            self.target.replay.begin(check)
        return Probe(check, kind, self.target, self.reference, self.validator, self.ledger,
                     self.options.poll_timeout)

    def finish(self, probe: Probe) -> dict[str, Any]:
        """Write the check's snapshot (if snapshots are on) and return its report record."""
        record = probe.summary()
        directory = self.options.snapshot_dir
        if directory is not None and self.options.mode != "replay" and probe.exchanges:
            secrets = [self.target.api_key] if self.target.api_key else []
            path = save_snapshot(directory, probe.check, self.target.label, probe.exchanges, secrets)
            record["snapshot"] = str(path)
        return record

    def close(self) -> None:
        """Stop the endpoints."""
        self.target.close()
        if self.reference is not None:
            self.reference.close()


__all__ = ["ContractSession", "NoSnapshot", "Options", "TargetError", "spec_digest"]
