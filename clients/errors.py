"""Exceptions: one class per documented code family, plus the client-side failures.

Every server error carries `request_id`, `code`, `message` and `status` (the HTTP status; 200 for a
FAILED task, whose code sits in `output`). `error_class(code)` picks the family by the longest
matching code prefix; `tests/test_client_spec.py` proves every code in the spec's
`x-dashscope-errors` lands in a family whose documented statuses include its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from .responses import Task


class DashScopeError(Exception):
    """Base of every error this client raises."""


class APIError(DashScopeError):
    """The service answered with an error code (an error envelope, or a FAILED task)."""

    statuses: ClassVar[frozenset[int]] = frozenset()  # the HTTP statuses the spec documents for the family
    prefixes: ClassVar[tuple[str, ...]] = ()  # the catalogue codes (and code prefixes) of the family

    def __init__(self, code: str, message: str, *, status: int, request_id: str | None,
                 task: Task | None = None, retry_after: float | None = None) -> None:
        super().__init__(f"{code}: {message} (HTTP {status}, request_id={request_id})")
        self.code = code
        self.message = message
        self.status = status
        self.request_id = request_id
        self.task = task
        self.retry_after = retry_after


class InvalidApiKeyError(APIError):
    """401 InvalidApiKey: no key, a wrong key, a key of the other region, or a blocked key."""

    statuses = frozenset({401})
    prefixes = ("InvalidApiKey",)


class AccessDeniedError(APIError):
    """403: wrong sync/async mode, no model permission, not purchased, free tier only, upload policy expired."""

    statuses = frozenset({403})
    prefixes = ("AccessDenied", "Model.AccessDenied", "AllocationQuota")


class InvalidParameterError(APIError):
    """400: the request (body, parameters, input URLs or input files) breaks a documented rule."""

    statuses = frozenset({400})
    prefixes = ("InvalidParameter", "BadRequest", "InvalidURL", "InvalidFile", "InvalidImage", "InvalidImageFormat",
                "InvalidImageResolution", "InvalidPerson")


class DataInspectionError(APIError):
    """400: content moderation (input or output), IP infringement, or media the inspection cannot read."""

    statuses = frozenset({400})
    prefixes = ("DataInspectionFailed", "IPInfringementSuspect", "InvalidParameter.DataInspection")


class ThrottlingError(APIError):
    """429: over the submit RPS, query QPS, burst rate or allocated quota."""

    statuses = frozenset({429})
    prefixes = ("Throttling",)


class ArrearageError(APIError):
    """The account is overdue or the model was not purchased (400 Arrearage, 429 bill overdue)."""

    statuses = frozenset({400, 429})
    prefixes = ("Arrearage", "CommodityNotPurchased", "PrepaidBillOverdue", "PostpaidBillOverdue")


class InternalServerError(APIError):
    """500/503: internal, algorithm, upload or timeout errors; model unavailable or overloaded."""

    statuses = frozenset({500, 503})
    prefixes = ("InternalError", "SystemError", "ModelServiceFailed", "ModelServingError", "ModelUnavailable",
                "RequestTimeOut")


class NotFoundError(APIError):
    """404: an unknown path or model (compatible-mode style)."""

    statuses = frozenset({404})
    prefixes = ("NotFound", "ModelNotFound")


class UnsupportedOperationError(APIError):
    """400 UnsupportedOperation: e.g. canceling a task that is not PENDING."""

    statuses = frozenset({400})
    prefixes = ("UnsupportedOperation",)


class UnknownAPIError(APIError):
    """A code the spec does not document (classified by HTTP status only)."""


FAMILIES: tuple[type[APIError], ...] = (
    InvalidApiKeyError, AccessDeniedError, InvalidParameterError, DataInspectionError, ThrottlingError,
    ArrearageError, InternalServerError, NotFoundError, UnsupportedOperationError,
)


def error_class(code: str) -> type[APIError]:
    """The family of `code`: the one with the longest prefix matching it (dot-separated)."""
    best: type[APIError] = UnknownAPIError
    best_len = -1
    for family in FAMILIES:
        for prefix in family.prefixes:
            if (code == prefix or code.startswith(prefix + ".")) and len(prefix) > best_len:
                best, best_len = family, len(prefix)
    return best


def api_error(code: str, message: str, *, status: int, request_id: str | None, task: Task | None = None,
              retry_after: float | None = None) -> APIError:
    """Build the family exception for `code`."""
    return error_class(code)(code, message, status=status, request_id=request_id, task=task,
                             retry_after=retry_after)


class TaskCanceledError(DashScopeError):
    """`wait` saw the task CANCELED."""

    def __init__(self, task: Task) -> None:
        super().__init__(f"task {task.task_id} was canceled")
        self.task = task


class TaskUnknownError(DashScopeError):
    """`wait` saw UNKNOWN: the id is not this account's, or the task expired (24 h after submit)."""

    def __init__(self, task: Task) -> None:
        super().__init__(f"task {task.task_id} is UNKNOWN (expired, foreign or never created)")
        self.task = task


class WaitTimeoutError(DashScopeError):
    """`wait` ran out of its overall timeout; `task` is the last state seen (None if no poll answered)."""

    def __init__(self, task_id: str, timeout: float, task: Task | None) -> None:
        super().__init__(f"task {task_id} not finished after {timeout:g} s"
                         + (f" (last seen {task.status})" if task else ""))
        self.task_id = task_id
        self.timeout = timeout
        self.task = task


class ConnectionFailedError(DashScopeError):
    """The request could not be delivered (or its answer was lost) and retrying was not allowed or did not help."""


class CreateOutcomeUnknownError(ConnectionFailedError):
    """A create was sent but its answer was lost: the task MAY exist. It was not repeated.

    Creates are not idempotent (docs/behaviour.md §6): look for the task with
    `client.list(model_name=..., start_time=sent_at)` before submitting again.
    """

    def __init__(self, model: str, sent_at: float, cause: BaseException) -> None:
        super().__init__(f"create of {model} may have reached the server, but its answer was lost "
                         f"({type(cause).__name__}); it was not repeated: check the task list before retrying")
        self.model = model
        self.sent_at = sent_at


class ResponseError(DashScopeError):
    """An answer that is neither the documented success shape nor an error envelope."""

    def __init__(self, message: str, *, status: int, request_id: str | None = None) -> None:
        super().__init__(f"{message} (HTTP {status})")
        self.status = status
        self.request_id = request_id


class RequestValidationError(DashScopeError):
    """Client-side check (`validate=True`): the body breaks the model's request schema."""

    def __init__(self, model: str, errors: list[str]) -> None:
        super().__init__(f"{model}: " + "; ".join(errors))
        self.model = model
        self.errors = errors


class UploadError(DashScopeError):
    """Uploading a local file failed (missing file, too large, or the upload host refused it)."""


class ConfigError(DashScopeError):
    """The client is missing its API key or has an unusable base URL."""
