"""The twin's state: one plain container, built by `build_state`, whose parts the handlers take one by one."""

from __future__ import annotations

import functools
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from ..settings import Settings
from ..spec.catalog import ErrorCatalog
from ..spec.document import Spec, load_spec
from ..spec.overlay import overlaid_spec
from ..spec.profiles import Registry, registry_for
from ..store import StoreUnavailable, new_secret, no_refresh, no_settle, open_state
from ..store.base import TaskStore
from .accounts import KeyBook
from .backends import JournalBackend, MarkBackend, RateBackend, ScenarioBackend
from .clock import VirtualClock
from .diffs import DiffBook
from .faults import Faults
from .ids import Ids
from .inputs import InputChecker
from .redaction import redact
from .tasks import TaskBook
from .uploads import Uploads


@dataclass(frozen=True, slots=True)
class Twin:
    """Everything one twin holds. Each part has one job; nothing here is a copy of another part."""

    settings: Settings
    spec: Spec
    registry: Registry
    catalog: ErrorCatalog
    clock: VirtualClock
    ids: Ids
    keys: KeyBook
    tasks: TaskBook
    journal: JournalBackend
    scenarios: ScenarioBackend
    faults: Faults
    rates: RateBackend
    uploads: Uploads
    downloads: MarkBackend
    inputs: InputChecker
    url_secret: bytes  # signs result URLs (wire/signing.py)
    admin_token: str
    # re-read what replicas share, with a task's row; then, before answering, wait for the request's batched
    # writes (store/__init__.py Backends)
    refresh: Callable[[str], Awaitable[None] | None] = no_refresh
    settle: Callable[[], Awaitable[None] | None] = no_settle
    outages: tuple[type[Exception], ...] = (StoreUnavailable,)  # the store cannot be reached
    diffs: DiffBook = field(default_factory=DiffBook)  # diff mode's findings (mockserver/capture/differ.py)
    # what outer layers keep about tasks and drop on a reset (the wire layer's cache of finished-task answers)
    reset_hooks: list[Callable[[str | None], None]] = field(default_factory=list)

    def secrets(self) -> frozenset[str]:
        """Every secret this twin knows of (keys-file keys, the admin token): `redact` masks them."""
        return _secret_set(self.keys.known, self.admin_token)

    def redact(self, text: str) -> str:
        """`text` safe to log: every secret form masked, control characters escaped (domain/redaction.py)."""
        return redact(text, self.secrets())

    def reset(self, account: str | None = None) -> None:
        """Forget tasks, lanes, journals and uploaded files (all, or one account's); with no account also
        scenarios, rate windows and download marks."""
        self.tasks.reset(account)
        self.uploads.files.reset(account)
        for hook in self.reset_hooks:
            hook(account)
        if account is None:
            self.scenarios.clear()
            self.rates.reset()
            self.downloads.clear()
            self.diffs.clear()

    def close(self) -> None:
        """Release the store's connections and files."""
        self.uploads.files.close()
        self.tasks.store.close()


def start_epoch(store: TaskStore) -> int:
    """How many times this store was started before (0 for a fresh one); counts this start."""
    try:
        epoch = int(store.meta_get("ids.epoch") or 0)
    except ValueError:
        epoch = 0
    store.meta_set("ids.epoch", str(epoch + 1))
    return epoch


def build_state(settings: Settings) -> Twin:
    """Wire spec -> registry -> store backends -> task book for `settings`."""
    spec = overlaid_spec(settings.models, settings.spec_path) if settings.models else load_spec(settings.spec_path)
    registry = registry_for(spec)
    catalog = ErrorCatalog.from_spec(spec.doc)
    shared = open_state(settings, catalog, registry.models)
    clock = shared.clock
    # secrets never come from `--seed` (anyone may read a seed; a signature must not be forgeable from it):
    # random per store, kept in it, so URLs survive a restart and replicas on one store agree (README "Reliability")
    url_secret = shared.secrets.secret("secret.url", new_secret)
    upload_secret = shared.secrets.secret("secret.upload", new_secret)
    ids = Ids(settings.seed, start_epoch(shared.tasks))
    tasks = TaskBook(spec, registry, shared.tasks, clock, settings, catalog, ids, shared.journal, shared.lanes)
    uploads = Uploads(b"dashscope-mock-oss:" + upload_secret, settings, catalog, shared.files, shared.grants)
    return Twin(
        settings=settings, spec=spec, registry=registry, catalog=catalog, clock=clock, ids=ids,
        keys=KeyBook.from_file(catalog, settings.keys_file), tasks=tasks, journal=shared.journal,
        scenarios=shared.scenarios, faults=shared.faults, rates=shared.rates, uploads=uploads,
        downloads=shared.marks, inputs=InputChecker(spec, catalog, settings, clock, uploads, shared.marks),
        url_secret=b"dashscope-mock:" + url_secret, admin_token=settings.admin_token or secrets.token_urlsafe(16),
        refresh=shared.refresh, settle=shared.settle, outages=shared.outages,
    )


@functools.lru_cache(maxsize=16)
def _secret_set(known: frozenset[str], admin_token: str) -> frozenset[str]:
    """The keys book's secrets plus the admin token: one object while neither changes (the log redacts with it
    on every request, and its compiled pattern is cached by this set)."""
    return known | {admin_token}
