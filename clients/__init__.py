"""The reference DashScope client (sync and async, on httpx), typed from the spec.

    from clients import Client
    with Client() as client:                       # DASHSCOPE_API_KEY, DASHSCOPE_BASE_URL, ...
        task = client.run("wan2.2-t2v-plus", {"prompt": "a cat surfing"}, {"size": "1920*1080"})
        client.download(task, "out/")
"""

from ._generated import MODELS, TaskStatus
from ._generated_models import AsyncModels, SyncModels
from .aclient import AsyncClient
from .catalog import ModelInfo
from .client import Client
from .config import REGIONS, ClientConfig, RetryPolicy, WaitPolicy
from .errors import (
    AccessDeniedError,
    APIError,
    ArrearageError,
    ConfigError,
    ConnectionFailedError,
    CreateOutcomeUnknownError,
    DashScopeError,
    DataInspectionError,
    InternalServerError,
    InvalidApiKeyError,
    InvalidParameterError,
    NotFoundError,
    RequestValidationError,
    ResponseError,
    TaskCanceledError,
    TaskUnknownError,
    ThrottlingError,
    UnknownAPIError,
    UnsupportedOperationError,
    UploadError,
    WaitTimeoutError,
    error_class,
)
from .responses import CreateResult, DetectResult, ResultItem, Task, TaskList, TaskListItem, TaskMetrics, UploadPolicy

__all__ = [
    "MODELS", "REGIONS", "APIError", "AccessDeniedError", "ArrearageError", "AsyncClient", "AsyncModels", "Client",
    "ClientConfig", "ConfigError", "ConnectionFailedError", "CreateOutcomeUnknownError", "CreateResult",
    "DashScopeError", "DataInspectionError", "DetectResult", "InternalServerError", "InvalidApiKeyError",
    "InvalidParameterError", "ModelInfo", "NotFoundError", "RequestValidationError", "ResponseError", "ResultItem",
    "RetryPolicy", "SyncModels", "Task", "TaskCanceledError", "TaskList", "TaskListItem", "TaskMetrics",
    "TaskStatus", "TaskUnknownError", "ThrottlingError", "UnknownAPIError", "UnsupportedOperationError",
    "UploadError", "UploadPolicy", "WaitPolicy", "WaitTimeoutError", "error_class",
]
