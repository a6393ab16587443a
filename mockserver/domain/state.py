"""The twin's state: one plain container, built by `build_state`, whose parts the handlers take one by one."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from ..settings import Settings
from ..spec.catalog import ErrorCatalog
from ..spec.document import Spec, load_spec
from ..spec.profiles import Registry
from ..store import open_store
from ..store.base import TaskStore
from .accounts import KeyBook
from .clock import VirtualClock
from .downloads import DownloadMarks
from .faults import FaultPlan, Faults
from .ids import Ids
from .inputs import InputChecker
from .journal import Journal
from .lanes import RateWindows
from .redaction import redact
from .scenarios import ScenarioQueue
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
    journal: Journal
    scenarios: ScenarioQueue
    faults: Faults
    rates: RateWindows
    uploads: Uploads
    downloads: DownloadMarks
    inputs: InputChecker
    url_secret: bytes  # signs result URLs (wire/signing.py)
    admin_token: str

    def secrets(self) -> frozenset[str]:
        """Every secret this twin knows of (keys-file keys, the admin token): `redact` masks them."""
        return self.keys.known | {self.admin_token}

    def redact(self, text: str) -> str:
        """`text` safe to log: every secret form masked, control characters escaped (domain/redaction.py)."""
        return redact(text, self.secrets())

    def reset(self, account: str | None = None) -> None:
        """Forget tasks, lanes and journals (all, or one account's); with no account also scenarios,
        rate windows and download marks."""
        self.tasks.reset(account)
        if account is None:
            self.scenarios.clear()
            self.rates.reset()
            self.downloads.clear()


def stored_secret(store: TaskStore, name: str) -> bytes:
    """The store's secret `name`, made (random, 32 bytes) and persisted on first use.

    Secrets never come from `--seed`: a seed is for reproducible ids and timings, and anyone may read it;
    a signature must not be forgeable from it (README "Reliability").
    """
    value = store.meta_get(name)
    if value is None:
        value = secrets.token_hex(32)
        store.meta_set(name, value)
    return bytes.fromhex(value)


def start_epoch(store: TaskStore) -> int:
    """How many times this store was started before (0 for a fresh one); counts this start."""
    try:
        epoch = int(store.meta_get("ids.epoch") or 0)
    except ValueError:
        epoch = 0
    store.meta_set("ids.epoch", str(epoch + 1))
    return epoch


def build_state(settings: Settings) -> Twin:
    """Wire spec -> registry -> store -> task book for `settings`."""
    spec = load_spec(settings.spec_path)
    registry = Registry(spec)
    catalog = ErrorCatalog.from_spec(spec.doc)
    store = open_store(settings.store)
    clock = VirtualClock.resume(store.meta_get("clock"), settings.time_scale, settings.start_time, settings.frozen,
                                persist=lambda doc: store.meta_set("clock", doc))
    ids = Ids(settings.seed, start_epoch(store))
    journal = Journal()
    tasks = TaskBook(spec, registry, store, clock, settings, catalog, ids, journal)
    uploads = Uploads(b"dashscope-mock-oss:" + stored_secret(store, "secret.upload"), settings, catalog)
    downloads = DownloadMarks()
    return Twin(
        settings=settings, spec=spec, registry=registry, catalog=catalog, clock=clock, ids=ids,
        keys=KeyBook.from_file(catalog, settings.keys_file), tasks=tasks, journal=journal,
        scenarios=ScenarioQueue(), faults=Faults(FaultPlan.from_dict(settings.faults) if settings.faults else None),
        rates=RateWindows(), uploads=uploads, downloads=downloads,
        inputs=InputChecker(spec, catalog, settings, clock, uploads, downloads),
        url_secret=b"dashscope-mock:" + stored_secret(store, "secret.url"),
        admin_token=settings.admin_token or secrets.token_urlsafe(16),
    )
