"""Settings and the two profiles: `dev` (fast, strict, unlimited) and `faithful` (documented behaviour)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .spec.document import SPEC_PATH


@dataclass(frozen=True)
class Settings:
    """Everything `create_app` needs; build one with `Settings.for_profile(...)`."""

    profile: str = "dev"
    validation: str = "strict"  # strict | faithful
    limits: bool = False  # concurrency lanes, submit RPS and query QPS
    timings: str = "fast"  # fast (about a second) | documented (the spec's timing profile)
    time_scale: float = 1.0
    start_time: float | None = None  # virtual epoch seconds at start; None = now
    frozen: bool = False
    seed: int | None = None
    keys_file: Path | None = None
    store: str = "memory"
    spec_path: Path = SPEC_PATH
    # a model overlay's `models:` mapping (spec/overlay.py): --models, DASHSCOPE_MOCK_MODELS, the marker's models=
    models: Mapping[str, Any] | None = None
    admin_token: str | None = None
    result_host: str | None = None  # host of result URLs; None = the mock itself
    upload_host: str | None = None  # root of the upload policy's upload_host; None = the URL the client called
    data_dir: Path | None = None
    query_qps: float = 20.0  # per account, shared by get, list and cancel (docs/behaviour.md §3.1)
    task_ttl_s: float = 86400.0  # tasks answer UNKNOWN after 24 h (§2.1)
    url_ttl_s: float = 86400.0  # result URLs expire 24 h after signing (§2.4)
    upload_ttl_s: float = 48 * 3600.0  # oss:// files live 48 h (§4.2)
    upload_max_mb: int = 1024  # policy content-length-range / max_file_size_mb (captured 1024, §4.1)
    upload_cap_mb: int = 8192  # every uploaded file held at once, together (the twin's own bound: docs/stores.md)
    # the captured policy expired ~23 min after it was issued, though expire_in_seconds said 300 (§4.1)
    upload_policy_ttl_s: float = 1389.0
    message_suffix: bool = False  # newer messages end with " For details, see: <doc-url>" (§0.1)
    log_requests: bool = True
    faults: dict[str, Any] = field(default_factory=dict)
    # signing secrets derive from this when set (replicas then agree whatever happens to the store): docs/stores.md
    secret: str | None = field(default=None, repr=False)

    @classmethod
    def for_profile(cls, profile: str = "dev", **overrides: Any) -> Settings:
        """The defaults of `profile`, with any field overridden (None values are ignored)."""
        base = {
            "dev": cls(profile="dev", validation="strict", limits=False, timings="fast"),
            "faithful": cls(profile="faithful", validation="faithful", limits=True, timings="documented"),
        }
        if profile not in base:
            raise ValueError(f"unknown profile {profile!r}: use dev or faithful")
        return replace(base[profile], **{k: v for k, v in overrides.items() if v is not None})
