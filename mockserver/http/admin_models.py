"""The typed inputs and outputs of the `/__mock/*` admin API.

Every bound here mirrors one the domain enforces itself (domain/clock.py, faults.py, scenarios.py): the models
make the OpenAPI document honest and give early, precise 400s; the domain keeps any other entry point safe.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..domain.clock import MAX_SCALE, MAX_TIME
from ..domain.faults import KINDS, MAX_CODES, MAX_SEED, MAX_SLOW_MS
from ..domain.scenarios import MAX_TEXT, MAX_TIMES

Rate = Annotated[float, Field(ge=0.0, le=1.0, description="A probability in [0, 1].")]
Code = Annotated[str, Field(min_length=1, max_length=128, description="A catalogue error code.")]
Name = Annotated[str, Field(min_length=1, max_length=256)]
Kind = Literal["create", "query", "list", "cancel"]
State = Literal["active", "arrears", "free_tier_exhausted", "blocked"]


def _all_kinds() -> list[Kind]:
    return ["create", "query", "list", "cancel"]


class Input(BaseModel):
    """A request body: unknown fields, NaN and infinities are refused."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class Output(BaseModel):
    """A response body."""

    model_config = ConfigDict(allow_inf_nan=False)


class ClockChange(Input):
    """Any of: fast-forward, freeze or unfreeze, change the speed. All are checked before any applies."""

    advance: float | None = Field(None, ge=0.0, le=MAX_TIME,
                                  description="Seconds to move virtual time forward (never past the year 3000).")
    freeze: bool | None = Field(None, description="true stops virtual time, false restarts it.")
    scale: float | None = Field(None, gt=0.0, le=MAX_SCALE, description="Virtual seconds per real second.")


class ClockState(Output):
    """The virtual clock."""

    now: float = Field(description="Virtual epoch seconds.")
    iso: str = Field(description="The same instant in CST (UTC+8), as task timestamps show it.")
    scale: float
    frozen: bool


class RequestLogCounters(Output):
    """The request log's lines waiting for its stream, and those dropped because the stream did not keep up."""

    queued: int
    dropped: int


class Health(Output):
    """Liveness plus a few counters."""

    status: Literal["ok"]
    profile: str
    validation: str
    tasks: int
    models: int
    clock: ClockState
    request_log: RequestLogCounters | None = None


class ResetRequest(Input):
    """Forget everything (empty body), or one account's tasks."""

    account: Name | None = None
    api_key: Name | None = None


class ResetDone(Output):
    """What was reset: an account name or "all"."""

    reset: str


class Poll(Output):
    """One GET of a task."""

    t: float = Field(description="Virtual time of the poll.")
    real: float = Field(description="Wall-clock time of the poll.")
    status: str = Field(description='The status served ("-" when a fault answered instead).')
    fault: str | None = None
    at: str = Field(description="The virtual time in CST.")


class TaskView(Output):
    """A stored task: its plan, its status now and its journal."""

    model_config = ConfigDict(allow_inf_nan=False, extra="allow")
    task_id: str
    account: str
    key_id: str
    model: str
    request_id: str
    body: str
    submit: float
    scheduled: float
    end: float
    final: str
    code: str | None = None
    message: str | None = None
    failed_items: int = 0
    poll_plan: list[list[Any]] | None = None
    polls: int = 0
    canceled_at: float | None = None
    marks: dict[str, float] | None = None
    extra: dict[str, Any] | None = None
    status: str
    journal: list[Poll]


class TaskRow(Output):
    """One line of a task list."""

    task_id: str
    model: str
    status: str


class TaskList(Output):
    """An account's newest tasks."""

    tasks: list[TaskRow]


class Journal(Output):
    """Every poll of a task."""

    task_id: str
    polls: list[Poll]


class ScenarioRequest(Input):
    """Queue a scenario for the next matching creates."""

    scenario: str = Field(min_length=1, max_length=MAX_TEXT, description="The X-Mock-Scenario DSL.")
    model: Name | None = Field(None, description="Only creates of this model take it.")
    api_key: Name | None = Field(None, description="Only creates with this key take it.")
    times: int = Field(1, ge=1, le=MAX_TIMES, description="How many creates take it.")


class ScenarioItem(Output):
    """A queued scenario (the key is never shown)."""

    id: int
    scenario: str
    model: str | None
    api_key: str | None
    times: int


class ScenarioQueue(Output):
    """The queue, first match first."""

    scenarios: list[ScenarioItem]


class FaultPlanIn(Input):
    """Seeded probabilistic faults for the task endpoints; `{}` turns them off."""

    error_rate: Rate = 0.0
    error_codes: list[Code] = Field(default_factory=lambda: ["Throttling.RateQuota"], max_length=MAX_CODES)
    server_error_rate: Rate = 0.0
    server_error_code: Code = "InternalError"
    slow_rate: Rate = 0.0
    slow_ms: int = Field(200, ge=0, le=MAX_SLOW_MS, description="Delay of a slow answer, milliseconds.")
    on: list[Kind] = Field(default_factory=_all_kinds, max_length=len(KINDS))
    seed: int | None = Field(None, ge=0, le=MAX_SEED)


class FaultPlanOut(Output):
    """The fault plan in force."""

    error_rate: float
    error_codes: list[str]
    server_error_rate: float
    server_error_code: str
    slow_rate: float
    slow_ms: int
    on: list[str]
    seed: int | None


class AccountEntry(Input):
    """One account of a keys-file document."""

    region: Name = "cn-beijing"
    state: State = "active"
    keys: list[Name] = Field(default_factory=list, max_length=1000)


class KeysDocument(Input):
    """A keys-file document (docs/command-line.md: Profiles and options)."""

    accounts: dict[Name, AccountEntry] = Field(default_factory=dict, max_length=1000)
    blocked_keys: list[Name] = Field(default_factory=list, max_length=1000)
    only_listed: bool | None = None


class AccountChange(Input):
    """Change an account's state and/or add keys."""

    account: Name | None = None
    state: State = "active"
    keys: KeysDocument | None = None


class Ok(Output):
    """Done."""

    ok: bool


class UrlMark(Input):
    """An input URL to make undownloadable."""

    url: str = Field(min_length=8, max_length=4096, pattern=r"^https?://", description="An http(s) URL.")


class UrlMarks(Output):
    """The URLs marked undownloadable."""

    undownloadable: list[str]


class Token(Output):
    """The admin token (loopback only)."""

    admin_token: str
    header: str = "X-Mock-Admin-Token"


class ErrorEnvelope(Output):
    """Every refusal: the DashScope error envelope."""

    request_id: str
    code: str
    message: str
