"""Generate `clients/_generated.py` (model facts, typed requests and results), `clients/_generated_models.py`
(the per-model helpers) and `clients/aclient.py`.

The helpers return `responses` types and `responses` reads the model facts, so they live in separate modules:
one file would be an import cycle. Run `python -m clients.codegen` after changing `openapi/dashscope.yaml` or
`clients/client.py`; `tests/test_client_spec.py` fails while a committed file differs from what this renders.
"""

from __future__ import annotations

import keyword
import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

OUT_PATH = Path(__file__).resolve().parent / "_generated.py"
MODELS_PATH = Path(__file__).resolve().parent / "_generated_models.py"

_SCALARS = {"string": "str", "integer": "int", "number": "float", "boolean": "bool", "null": "None"}


def _camel(key: str) -> str:
    parts = [p for p in re.split(r"[^0-9A-Za-z]+", key) if p]
    return "".join(p[:1].upper() + p[1:] for p in parts) or "Field"


def method_name(model: str) -> str:
    """The helper method for a model id: `wan2.7-i2v` -> `wan2_7_i2v`."""
    name = re.sub(r"[^0-9A-Za-z]+", "_", model).strip("_").lower()
    return f"{name}_" if keyword.iskeyword(name) or name[:1].isdigit() else name


class _TypeWriter:
    """Turns JSON Schema fragments into annotations, emitting nested TypedDicts before their users."""

    def __init__(self) -> None:
        self.blocks: list[str] = []
        self.names: set[str] = set()

    def annotation(self, schema: Any, name: str) -> str:
        """The Python annotation of a schema fragment (nested objects become TypedDicts named `name`)."""
        if not isinstance(schema, Mapping):
            return "Any"
        if "const" in schema:
            return f"Literal[{schema['const']!r}]"
        if "enum" in schema and schema["enum"] and all(isinstance(v, str | int | bool) for v in schema["enum"]):
            return "Literal[" + ", ".join(repr(v) for v in schema["enum"]) + "]"
        kind = schema.get("type")
        kinds = kind if isinstance(kind, list) else [kind] if kind else []
        if not kinds:
            return "Any"
        parts = [self._one(str(k), schema, name) for k in kinds]
        return " | ".join(dict.fromkeys(parts))

    def _one(self, kind: str, schema: Mapping[str, Any], name: str) -> str:
        if kind in _SCALARS:
            return _SCALARS[kind]
        if kind == "array":
            return f"list[{self.annotation(schema.get('items'), name + 'Item')}]"
        if kind == "object":
            props = schema.get("properties")
            if isinstance(props, Mapping) and props:
                return self.typed_dict(name, schema)
            return "dict[str, Any]"
        return "Any"

    def typed_dict(self, name: str, schema: Mapping[str, Any]) -> str:
        """Emit `name` as a TypedDict of the object schema's properties; return the name."""
        if name in self.names:
            raise ValueError(f"two TypedDicts named {name}")
        self.names.add(name)
        required = set(schema.get("required") or [])
        fields = []
        for key, sub in (schema.get("properties") or {}).items():
            ann = self.annotation(sub, name + _camel(str(key)))
            fields.append(f"        {key!r}: {f'Required[{ann}]' if key in required else ann},")
        body = "\n".join(fields)
        self.blocks.append(f"{name} = TypedDict(\n    {name!r},\n    {{\n{body}\n    }},\n    total=False,\n)\n")
        return name


def _helper(model: str, base: str, info: Mapping[str, Any], has_params: bool, is_async: bool) -> str:
    params = f"{base}Parameters" if has_params else "Mapping[str, Any]"
    what = "task" if info.get("mode", "async") == "async" else "detect answer"
    returns = "CreateResult" if info.get("mode", "async") == "async" else "DetectResult"
    call = "create" if returns == "CreateResult" else "detect"
    field = (info.get("output") or {}).get("field", "")
    doc = f"Create a {model} {what} ({info['route']}; result: {field})."
    if is_async:
        return (
            f"    async def {method_name(model)}(\n"
            f"        self, input: {base}Input, parameters: {params} | None = None, *,\n"
            f"        headers: Mapping[str, str] | None = None, validate: bool | None = None,\n"
            f"    ) -> {returns}:\n"
            f'        """{doc}"""\n'
            f"        return await self._client.{call}({model!r}, input, parameters, headers=headers,"
            f" validate=validate)\n"
        )
    return (
        f"    def {method_name(model)}(\n"
        f"        self, input: {base}Input, parameters: {params} | None = None, *,\n"
        f"        headers: Mapping[str, str] | None = None, validate: bool | None = None,\n"
        f"    ) -> {returns}:\n"
        f'        """{doc}"""\n'
        f"        return self._client.{call}({model!r}, input, parameters, headers=headers, validate=validate)\n"
    )


def render(doc: Mapping[str, Any]) -> dict[Path, str]:
    """The text of `_generated.py` and `_generated_models.py` for the spec document `doc`, by path."""
    schemas: Mapping[str, Any] = doc["components"]["schemas"]
    writer = _TypeWriter()
    models: list[str] = []
    sync_helpers: list[str] = []
    async_helpers: list[str] = []
    fields: list[str] = []
    results: set[str] = set()
    helper_types: set[str] = set()  # the TypedDicts the helpers' signatures name
    for schema_name, schema in schemas.items():
        if not isinstance(schema, Mapping) or "x-dashscope-model" not in schema:
            continue
        info = schema["x-dashscope-model"]
        base = schema_name.removesuffix("Request")
        props = schema.get("properties") or {}
        writer.typed_dict(f"{base}Input", props.get("input") or {"type": "object"})
        has_params = isinstance(props.get("parameters"), Mapping) and bool(props["parameters"].get("properties"))
        helper_types.add(f"{base}Input")
        if has_params:
            writer.typed_dict(f"{base}Parameters", props["parameters"])
            helper_types.add(f"{base}Parameters")
        output = info.get("output") or {}
        field = str(output.get("field", "video_url"))
        if field not in fields:
            fields.append(field)
        if info.get("result"):
            results.add(str(info["result"]))
        for model in info["names"]:
            models.append(
                f"    {model!r}: ModelInfo({model!r}, {schema_name!r}, {str(info['route']).strip('/')!r}, "
                f"{info.get('mode', 'async')!r}, {info.get('validation', 'submit')!r}, {info.get('result')!r}, "
                f"{str(output.get('kind', 'video'))!r}, {field!r}),"
            )
            sync_helpers.append(_helper(model, base, info, has_params, False))
            async_helpers.append(_helper(model, base, info, has_params, True))
    for result in sorted(results):
        props = (schemas.get(result) or {}).get("properties") or {}
        out = props.get("output")
        if isinstance(out, Mapping) and out.get("properties"):
            writer.typed_dict(f"{result}Output", out)
        usage = props.get("usage")
        if isinstance(usage, Mapping) and usage.get("properties"):
            writer.typed_dict(f"{result}Usage", usage)
    statuses = ", ".join(repr(s) for s in schemas["TaskStatus"]["enum"])
    codes = "\n".join(f"    {c!r}: {int(e['status'])}," for c, e in doc.get("x-dashscope-errors", {}).items())
    facts = [
        '"""Generated from openapi/dashscope.yaml by `python -m clients.codegen`. Do not edit by hand."""',
        "",
        "# ruff: noqa: E501, UP013",
        "",
        "from __future__ import annotations",
        "",
        "from typing import Any, Literal, Required, TypedDict",
        "",
        "from .catalog import ModelInfo",
        "",
        f"TaskStatus = Literal[{statuses}]",
        f"TASK_STATUSES: tuple[TaskStatus, ...] = ({statuses})",
        "",
        "MODELS: dict[str, ModelInfo] = {",
        *models,
        "}",
        "",
        "# every distinct x-dashscope-model.output.field, in spec order",
        "OUTPUT_FIELDS: tuple[str, ...] = (",
        *[f"    {f!r}," for f in fields],
        ")",
        "",
        "# x-dashscope-errors: code -> HTTP status",
        "ERROR_STATUS: dict[str, int] = {",
        codes,
        "}",
        "",
        "",
        *writer.blocks,
    ]
    helpers = [
        '"""Generated from openapi/dashscope.yaml by `python -m clients.codegen`. Do not edit by hand."""',
        "",
        "# ruff: noqa: E501",
        "",
        "from __future__ import annotations",
        "",
        "from collections.abc import Mapping",
        "from typing import Any, Protocol",
        "",
        "from ._generated import (",
        *[f"    {name}," for name in sorted(helper_types, key=str.lower)],  # the order ruff's isort keeps
        ")",
        "from .responses import CreateResult, DetectResult",
        "",
        "",
        "class _SyncCreator(Protocol):",
        "    def create(self, model: str, input: Mapping[str, Any], parameters: Mapping[str, Any] | None = None,",
        "               *, headers: Mapping[str, str] | None = None, validate: bool | None = None) -> CreateResult:",
        "        ...",
        "",
        "    def detect(self, model: str, input: Mapping[str, Any], parameters: Mapping[str, Any] | None = None,",
        "               *, headers: Mapping[str, str] | None = None, validate: bool | None = None) -> DetectResult:",
        "        ...",
        "",
        "",
        "class _AsyncCreator(Protocol):",
        "    async def create(self, model: str, input: Mapping[str, Any],",
        "                     parameters: Mapping[str, Any] | None = None, *,",
        "                     headers: Mapping[str, str] | None = None,",
        "                     validate: bool | None = None) -> CreateResult:",
        "        ...",
        "",
        "    async def detect(self, model: str, input: Mapping[str, Any],",
        "                     parameters: Mapping[str, Any] | None = None, *,",
        "                     headers: Mapping[str, str] | None = None,",
        "                     validate: bool | None = None) -> DetectResult:",
        "        ...",
        "",
        "",
        "class SyncModels:",
        '    """One typed create helper per model id (`client.models.wan2_7_i2v(...)`)."""',
        "",
        "    def __init__(self, client: _SyncCreator) -> None:",
        "        self._client = client",
        "",
        "\n".join(sync_helpers),
        "",
        "class AsyncModels:",
        '    """One typed create helper per model id (`await client.models.wan2_7_i2v(...)`)."""',
        "",
        "    def __init__(self, client: _AsyncCreator) -> None:",
        "        self._client = client",
        "",
        "\n".join(async_helpers),
    ]
    return {OUT_PATH: "\n".join(facts).rstrip() + "\n", MODELS_PATH: "\n".join(helpers).rstrip() + "\n"}


# ---- the async client, derived from the sync one ------------------------------------------------------

SYNC_PATH = Path(__file__).resolve().parent / "client.py"
ASYNC_PATH = Path(__file__).resolve().parent / "aclient.py"
_ASYNC_METHODS = ("_send", "_json", "_prepare", "create", "detect", "run", "get", "wait", "_poll", "cancel",
                  "list_page", "get_upload_policy", "upload", "download", "_download_one", "list")
_REPLACEMENTS = (
    ('"""The synchronous client (httpx.Client). `AsyncClient` in `aclient.py` has the same surface."""',
     '"""The asynchronous client (httpx.AsyncClient): `Client`\'s surface, every call awaited.\n\n'
     'Generated from `client.py` by `python -m clients.codegen`. Do not edit by hand.\n"""'),
    ("import builtins\n", "import asyncio\nimport builtins\n"),
    ("from collections.abc import Callable, Iterator, Mapping",
     "from collections.abc import AsyncIterator, Awaitable, Callable, Mapping"),
    ("SyncModels", "AsyncModels"),
    ("class Client:", "class AsyncClient:"),
    ("`Client()` reads", "`AsyncClient()` reads"),
    ("`mockserver.testing.MockTransport`", "`mockserver.testing.AsyncMockTransport`"),
    ("http_client: httpx.Client | None = None, transport: httpx.BaseTransport | None = None,\n"
     "                 sleep: Callable[[float], None] = time.sleep,",
     "http_client: httpx.AsyncClient | None = None, transport: httpx.AsyncBaseTransport | None = None,\n"
     "                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,"),
    ("httpx.Client(transport=transport", "httpx.AsyncClient(transport=transport"),
    ("    def __enter__(self) -> Client:", "    async def __aenter__(self) -> AsyncClient:"),
    ("    def __exit__(self, *exc: object) -> None:\n        self.close()",
     "    async def __aexit__(self, *exc: object) -> None:\n        await self.close()"),
    ("    def close(self) -> None:", "    async def close(self) -> None:"),
    ("            self._http.close()", "            await self._http.aclose()"),
    ("-> Iterator[TaskListItem]:", "-> AsyncIterator[TaskListItem]:"),
    ("self._http.send(", "await self._http.send("),
    ("self._sleep(", "await self._sleep("),
    ("response.close()", "await response.aclose()"),
    ("response.read()", "await response.aread()"),
    ("for chunk in response.iter_bytes():", "async for chunk in response.aiter_bytes():"),
)
# calls of the client's own coroutine methods get an `await`
_AWAITED = re.compile(r"(?<![\w.])self\.(" + "|".join(m for m in _ASYNC_METHODS if m != "list") + r")\(")


def render_async(sync_text: str) -> str:
    """The text of `aclient.py`: `client.py` with async defs, awaits and the async httpx types."""
    text = sync_text
    for old, new in _REPLACEMENTS:
        if old not in text:
            raise ValueError(f"client.py no longer contains {old!r}: update codegen._REPLACEMENTS")
        text = text.replace(old, new)
    for name in _ASYNC_METHODS:
        text = re.sub(rf"\n    def {name}\(", f"\n    async def {name}(", text)
    return _AWAITED.sub(lambda m: f"await self.{m.group(1)}(", text)


def main() -> None:
    """Write the generated modules from the spec and `client.py` (or check them with `--check`)."""
    from mockserver.spec.document import load_document

    outputs = {**render(load_document()), ASYNC_PATH: render_async(SYNC_PATH.read_text(encoding="utf-8"))}
    if "--check" in sys.argv[1:]:
        stale = [p.name for p, text in outputs.items() if not p.exists() or p.read_text(encoding="utf-8") != text]
        print("stale: " + ", ".join(stale) + " (run python -m clients.codegen)" if stale else "up to date")
        raise SystemExit(1 if stale else 0)
    for path, text in outputs.items():
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
