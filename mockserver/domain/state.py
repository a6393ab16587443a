"""The twin's state: one plain container, built by `build_state`, whose parts the handlers take one by one."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from ..settings import Settings
from ..spec.catalog import ErrorCatalog
from ..spec.document import Spec, load_spec
from ..spec.profiles import Registry
from ..store import open_store
from .accounts import KeyBook
from .clock import VirtualClock
from .downloads import DownloadMarks
from .faults import FaultPlan, Faults
from .ids import Ids
from .inputs import InputChecker
from .journal import Journal
from .lanes import RateWindows
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

    def reset(self, account: str | None = None) -> None:
        """Forget tasks, lanes and journals (all, or one account's); with no account also scenarios,
        rate windows and download marks."""
        self.tasks.reset(account)
        if account is None:
            self.scenarios.clear()
            self.rates.reset()
            self.downloads.clear()


def build_state(settings: Settings) -> Twin:
    """Wire spec -> registry -> store -> task book for `settings`."""
    spec = load_spec(settings.spec_path)
    registry = Registry(spec)
    catalog = ErrorCatalog.from_spec(spec.doc)
    clock = VirtualClock(settings.time_scale, settings.start_time, settings.frozen)
    secret = str(settings.seed).encode() if settings.seed is not None else secrets.token_bytes(32)
    ids = Ids(settings.seed)
    journal = Journal()
    tasks = TaskBook(spec, registry, open_store(settings.store), clock, settings, catalog, ids, journal)
    uploads = Uploads(b"dashscope-mock-oss:" + secret, settings, catalog)
    downloads = DownloadMarks()
    return Twin(
        settings=settings, spec=spec, registry=registry, catalog=catalog, clock=clock, ids=ids,
        keys=KeyBook.from_file(catalog, settings.keys_file), tasks=tasks, journal=journal,
        scenarios=ScenarioQueue(catalog, registry.models),
        faults=Faults(FaultPlan.from_dict(settings.faults) if settings.faults else None),
        rates=RateWindows(), uploads=uploads, downloads=downloads,
        inputs=InputChecker(spec, catalog, settings, clock, uploads, downloads),
        url_secret=b"dashscope-mock:" + secret, admin_token=settings.admin_token or secrets.token_urlsafe(16),
    )
