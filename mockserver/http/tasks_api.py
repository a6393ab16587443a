"""The DashScope task endpoints (create, get, cancel, list), free of any web framework.

Each handler takes a `Call` (what the request said) and a request id, and returns a `Reply` or raises
DashScopeError. The gateway feeds them from raw ASGI; keeping Starlette off this path is what makes polling cheap.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

import orjson

from ..domain import listing
from ..domain.accounts import Caller
from ..domain.bounds import too_deep
from ..domain.scenarios import Scenario, ScenarioError, parse
from ..domain.state import Twin
from ..spec.profiles import ModelProfile
from ..wire.render import Renderer, detect_answer
from .guard import Reply, Seen
from .model_hint import UnknownModel


@dataclass(slots=True)
class Call:
    """One request as the handlers see it: header names are lowercase."""

    method: str
    path: str
    headers: dict[str, str]
    seen: Seen
    query: str = ""
    body: bytes = b""
    route: str | None = None
    oversize: bool = False  # the body passed MAX_CREATE_BYTES and was not read whole


class TasksApi:
    """The handlers, over the twin's parts they need."""

    def __init__(self, twin: Twin, renderer: Renderer) -> None:
        self.keys = twin.keys
        self.registry = twin.registry
        self.catalog = twin.catalog
        self.settings = twin.settings
        self.tasks = twin.tasks
        self.scenarios = twin.scenarios
        self.rates = twin.rates
        self.inputs = twin.inputs
        self.renderer = renderer
        self.unknown_model = UnknownModel(twin)

    def caller(self, call: Call) -> Caller:
        """Authenticate the call (401/400/403 per account state)."""
        return self.keys.authenticate(call.headers.get("authorization"))

    def _query_gate(self, who: Caller) -> None:
        """20 QPS per account shared by get, list and cancel (docs/behaviour.md §3.1)."""
        if self.settings.limits and not self.rates.allow(("query", who.account), self.settings.query_qps):
            raise self.catalog.error("Throttling.RateQuota")

    def create(self, call: Call, request_id: str) -> Reply:
        """POST /api/v1/services/aigc/<route>: the checks in the real order, then plan the task."""
        who = self.caller(call)
        route = self.registry.route(call.route or "")
        if route is None:
            raise self.catalog.error("InvalidParameter", like="task can not be null")
        is_async = call.headers.get("x-dashscope-async", "").strip().lower() == "enable"
        if route.mode == "async" and not is_async:
            raise self.catalog.error("AccessDenied", like="synchronous calls")
        if route.mode == "sync" and is_async:
            raise self.catalog.error("AccessDenied", like="asynchronous calls")
        if call.oversize:
            raise self.catalog.error("BadRequest.TooLarge")
        try:
            body = orjson.loads(call.body)
        except orjson.JSONDecodeError:
            body = None
        if not isinstance(body, dict) or too_deep(body, raw=call.body):  # deep nesting would recurse in the validators
            raise self.catalog.error("InvalidParameter", like="Required body invalid")
        model = body.get("model")
        call.seen.model = model if isinstance(model, str) else None
        if model is None or model == "":
            # docs/behaviour.md §1.3: the catalogue's 400 BadRequest.EmptyModel, not "Model not exist."
            raise self.catalog.error("BadRequest.EmptyModel")
        profile = self.registry.model(model) if isinstance(model, str) else None
        if profile is None:
            raise self.unknown_model.error(str(model))
        if route.path not in (profile.route, profile.sync_route):
            # docs/behaviour.md §1.2: a model posted to another family's route is 403, not 404
            raise self.catalog.error("AccessDenied", like="asynchronous calls" if is_async else "synchronous calls")
        if self.settings.limits and not self.rates.allow(("submit", who.account, profile.name), profile.rps):
            raise self.catalog.error("Throttling.RateQuota")
        headers = {"x-request-id": request_id}
        # every route that creates work takes its scenario here, the synchronous ones too (issue 20)
        header = call.headers.get("x-mock-scenario")
        try:
            scenario = self.scenarios.check(parse(header)) if header else self.scenarios.take(profile.name,
                                                                                                who.api_key)
        except ScenarioError as exc:
            raise self.catalog.error("InvalidParameter", f"X-Mock-Scenario: {exc}") from exc
        if scenario is not None and scenario.final == "REJECT":
            raise self.catalog.error(scenario.code or "InternalError", scenario.message)
        if route.path == profile.sync_route or route.mode == "sync":
            return self._answer_now(call, request_id, profile, body, who, scenario,
                                    generation=route.path == profile.sync_route)
        report = self.inputs.check(profile, body, who.account, call.headers, call.body)
        self.tasks.validate_at_submit(profile, body)
        task = self.tasks.create(account=who.account, key_id=who.key_id, profile=profile, body=body,
                                 request_id=request_id, scenario=scenario, input_duration=report.input_duration,
                                 deferred_error=report.deferred_error, raw=call.body)
        call.seen.task_id, call.seen.minted = task.task_id, True
        return Reply({"request_id": request_id, "output": {"task_id": task.task_id, "task_status": "PENDING"}},
                     headers=headers)

    def _answer_now(self, call: Call, request_id: str, profile: ModelProfile, body: dict[str, Any], who: Caller,
                    scenario: Scenario | None, *, generation: bool) -> Reply:
        """A synchronous route (a generation, or a detect endpoint): checked, then answered at once. A scenario's
        timeline has nothing to stretch here; its outcome holds: `failed(CODE, ...)` answers that error."""
        headers = {"x-request-id": request_id}
        report = self.inputs.check(profile, body, who.account, call.headers, call.body)  # a detect call's files too
        self.tasks.validate_now(profile, body)
        self._fail_now(scenario)
        if not generation:
            return Reply({"request_id": request_id, **detect_answer(profile)}, headers=headers)
        task = self.tasks.create_finished(account=who.account, key_id=who.key_id, profile=profile, body=body,
                                          request_id=request_id, input_duration=report.input_duration)
        answer = self.renderer.sync_answer(task, self.renderer.result_root(call.headers.get("host")))
        return Reply({"request_id": request_id, **answer}, headers=headers)

    def _fail_now(self, scenario: Scenario | None) -> None:
        """Raise the error a `failed(...)` scenario names (InternalError when it names none)."""
        if scenario is not None and scenario.final == "FAILED":
            raise self.catalog.error(scenario.code or "InternalError", scenario.message)

    def wrong_method(self, call: Call, request_id: str) -> Reply:
        """A create route called with another method: the catalogue's InvalidParameter wording."""
        self.caller(call)
        raise self.catalog.error("InvalidParameter", like="Request method", values=(call.method,))

    def get_task(self, call: Call, request_id: str) -> Reply:
        """GET /api/v1/tasks/{task_id}: always 200; unknown, foreign and expired ids answer UNKNOWN."""
        who = self.caller(call)
        self._query_gate(who)
        task_id = call.seen.task_id or ""
        polled = self.tasks.poll(who.account, task_id)
        host = call.headers.get("host")  # a client that called a real API host gets its real result host
        body = self.renderer.unknown(task_id) if polled is None else self.renderer.polled(*polled, host)
        return Reply({"request_id": request_id, **body})

    def cancel_task(self, call: Call, request_id: str) -> Reply:
        """POST /api/v1/tasks/{task_id}/cancel: `{request_id}` on PENDING, else 400 UnsupportedOperation."""
        who = self.caller(call)
        self._query_gate(who)
        self.tasks.cancel(who.account, call.seen.task_id or "")
        return Reply({"request_id": request_id})

    def list_tasks(self, call: Call, request_id: str) -> Reply:
        """GET /api/v1/tasks: the account's tasks in the real list shape."""
        who = self.caller(call)
        self._query_gate(who)
        # blanks kept: `page_size=` is an invalid integer, not an absent one (Schemathesis negative data)
        params = dict(parse_qsl(call.query, keep_blank_values=True))
        page = listing.page(self.tasks, who.account, params)
        return Reply(self.renderer.list_page(page, who.region, request_id))
