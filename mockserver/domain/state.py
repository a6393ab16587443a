"""The twin's state: one plain container, built by `build_state`, whose parts the handlers take one by one."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass

from ..settings import Settings
from ..spec.catalog import ErrorCatalog
from ..spec.document import Spec, load_spec
from ..spec.profiles import Registry
from ..store import open_state
from .accounts import KeyBook
from .backends import JournalBackend, MarkBackend, RateBackend, ScenarioBackend
from .clock import VirtualClock
from .faults import Faults
from .ids import Ids
from .inputs import InputChecker
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
    refresh: Callable[[], None] = lambda: None  # re-read what replicas share and cache (store/__init__.py)

    def reset(self, account: str | None = None) -> None:
        """Forget tasks, lanes and journals (all, or one account's); with no account also scenarios,
        rate windows and download marks."""
        self.tasks.reset(account)
        if account is None:
            self.scenarios.clear()
            self.rates.reset()
            self.downloads.clear()

    def close(self) -> None:
        """Release the store's connections and files."""
        self.tasks.store.close()


def build_state(settings: Settings) -> Twin:
    """Wire spec -> registry -> store backends -> task book for `settings`."""
    spec = load_spec(settings.spec_path)
    registry = Registry(spec)
    catalog = ErrorCatalog.from_spec(spec.doc)
    shared = open_state(settings, catalog, registry.models)
    clock = shared.clock
    if settings.seed is not None:
        secret = str(settings.seed).encode()
    else:  # replicas on one store must sign and check with the same secret: the first one to start picks it
        secret = shared.secrets.secret("secret.twin", lambda: secrets.token_bytes(32))
    ids = Ids(settings.seed)
    tasks = TaskBook(spec, registry, shared.tasks, clock, settings, catalog, ids, shared.journal, shared.lanes)
    uploads = Uploads(b"dashscope-mock-oss:" + secret, settings, catalog, shared.files, shared.grants)
    return Twin(
        settings=settings, spec=spec, registry=registry, catalog=catalog, clock=clock, ids=ids,
        keys=KeyBook.from_file(catalog, settings.keys_file), tasks=tasks, journal=shared.journal,
        scenarios=shared.scenarios, faults=shared.faults, rates=shared.rates, uploads=uploads,
        downloads=shared.marks, inputs=InputChecker(spec, catalog, settings, clock, uploads, shared.marks),
        url_secret=b"dashscope-mock:" + secret, admin_token=settings.admin_token or secrets.token_urlsafe(16),
        refresh=shared.refresh,
    )

