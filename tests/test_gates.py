"""The checks in the real order, each with its exact status, code and message."""

from __future__ import annotations

import pytest

from mockserver.testing import AIGC, ASYNC, AUTH

VIDEO = AIGC + "video-generation/video-synthesis"
T2V = {"model": "wan2.6-t2v", "input": {"prompt": "a cat"}}


def envelope(r, status: int, code: str, message: str | None = None) -> None:  # type: ignore[no-untyped-def]
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert set(body) == {"request_id", "code", "message"}
    assert body["code"] == code
    if message is not None:
        assert body["message"] == message
    assert body["request_id"] == r.headers["x-request-id"]


def test_no_key(mock) -> None:
    envelope(mock.http.post(VIDEO, json=T2V, headers={"X-DashScope-Async": "enable"}),
             401, "InvalidApiKey", "No API-key provided.")


@pytest.mark.parametrize("auth", ["Bearer not-a-key", "Bearer ", "Basic sk-xyz", "Bearer sk-"])
def test_invalid_key(mock, auth: str) -> None:
    r = mock.http.post(VIDEO, json=T2V, headers={"Authorization": auth, "X-DashScope-Async": "enable"})
    assert r.status_code == 401
    assert r.json()["code"] == "InvalidApiKey"


def test_auth_comes_before_everything(mock) -> None:
    envelope(mock.http.post(VIDEO, content=b"{nope", headers={"Authorization": "Bearer bad"}),
             401, "InvalidApiKey", "Invalid API-key provided.")


def test_async_route_without_the_header(mock) -> None:
    envelope(mock.http.post(VIDEO, json=T2V, headers=AUTH), 403, "AccessDenied",
             "current user api does not support synchronous calls")


@pytest.mark.parametrize("value", ["disable", "true", "ENABLE "])
def test_any_value_but_enable_is_synchronous(mock, value: str) -> None:
    r = mock.http.post(VIDEO, json=T2V, headers={**AUTH, "X-DashScope-Async": value})
    if value.strip().lower() == "enable":
        assert r.status_code == 200
    else:
        envelope(r, 403, "AccessDenied", "current user api does not support synchronous calls")


def test_sync_route_with_the_async_header(mock) -> None:
    body = mock.twin.spec.example_body("wan2.2-s2v-detect")
    envelope(mock.http.post(AIGC + "image2video/face-detect", json=body, headers=ASYNC), 403, "AccessDenied",
             "current user api does not support asynchronous calls")


def test_mode_gate_comes_before_body_parse(mock) -> None:
    envelope(mock.http.post(VIDEO, content=b"{", headers=AUTH), 403, "AccessDenied")


@pytest.mark.parametrize("raw", [b"{", b"", b"[]", b"null", b"\"text\"", b"\xff\xfe"])
def test_malformed_body(mock, raw: bytes) -> None:
    envelope(mock.http.post(VIDEO, content=raw, headers=ASYNC), 400, "InvalidParameter",
             "Required body invalid, please check the request body format.")


@pytest.mark.parametrize("model", ["wan9.9-t2v", 42])
def test_unknown_model(mock, model: object) -> None:
    envelope(mock.http.post(VIDEO, json={"model": model, "input": {}}, headers=ASYNC), 400, "InvalidParameter",
             "Model not exist.")


@pytest.mark.parametrize("body", [{"input": {"prompt": "a cat"}}, {"model": "", "input": {}}, {"model": None}])
def test_missing_model(mock, body: dict[str, object]) -> None:
    """docs/behaviour.md §1.3: no model at all is the catalogue's BadRequest.EmptyModel, not "Model not exist."."""
    envelope(mock.http.post(VIDEO, json=body, headers=ASYNC), 400, "BadRequest.EmptyModel",
             'Required parameter "model" missing from request.')


def test_model_on_another_familys_route_is_403(mock) -> None:
    # docs/behaviour.md §1.2: the animate models 403 on video-generation
    body = mock.twin.spec.example_body("wan2.2-animate-move")
    envelope(mock.http.post(VIDEO, json=body, headers=ASYNC), 403, "AccessDenied",
             "current user api does not support asynchronous calls")


def test_trailing_slash_route(mock) -> None:
    body = mock.twin.spec.example_body("wanx-background-generation-v2")
    r = mock.http.post(AIGC + "background-generation/generation/", json=body, headers=ASYNC)
    assert r.status_code == 200, r.text


def test_unknown_route(mock) -> None:
    r = mock.http.post(AIGC + "nope/nothing", json=T2V, headers=ASYNC)
    assert r.status_code == 400
    assert r.json()["code"] == "InvalidParameter"


def test_parameter_error_at_submit_in_strict_mode(mock) -> None:
    r = mock.http.post(VIDEO, json={"model": "wan2.6-t2v", "input": {}}, headers=ASYNC)
    envelope(r, 400, "InvalidParameter", "Field required: input.prompt")


def test_create_answers_the_real_shape(mock) -> None:
    r = mock.http.post(VIDEO, json=T2V, headers=ASYNC)
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json"
    body = r.json()
    assert list(body) == ["request_id", "output"]
    assert body["request_id"] == r.headers["x-request-id"]
    assert set(body["output"]) == {"task_id", "task_status"}
    assert body["output"]["task_status"] == "PENDING"


def test_unknown_method_is_an_envelope_not_a_500(mock) -> None:
    # the catalogue's InvalidParameter message "Request method 'GET' is not supported." is a 400
    envelope(mock.http.get(VIDEO, headers=ASYNC), 400, "InvalidParameter", "Request method 'GET' is not supported.")


def test_every_response_has_a_request_id(mock) -> None:
    task = mock.task_id("wan2.6-t2v")
    for r in (mock.http.get(f"/api/v1/tasks/{task}", headers=AUTH),
              mock.http.get("/api/v1/tasks", headers=AUTH),
              mock.http.post(f"/api/v1/tasks/{task}/cancel", headers=AUTH),
              mock.http.get("/api/v1/nothing-here", headers=AUTH)):
        assert len(r.json()["request_id"]) == 36, r.text


def test_an_unencodable_answer_is_a_500_envelope_not_a_dropped_connection(mock, monkeypatch) -> None:
    # an answer orjson cannot encode (here: an integer past 64 bits) must still reach the client
    monkeypatch.setattr(mock.app.api.renderer, "unknown", lambda task_id: {"output": {"n": 2**70}})
    r = mock.http.get("/api/v1/tasks/x", headers=AUTH)
    assert r.status_code == 500
    assert r.json()["code"] == "InternalError"
    assert r.json()["request_id"] == r.headers["x-request-id"]


def test_a_body_in_several_asgi_messages_is_reassembled(mock) -> None:
    import asyncio

    import orjson

    raw = orjson.dumps(T2V)
    pieces = [raw[:5], raw[5:20], raw[20:]]
    sent: list[dict] = []  # type: ignore[type-arg]

    async def receive() -> dict:  # type: ignore[type-arg]
        body = pieces.pop(0)
        return {"type": "http.request", "body": body, "more_body": bool(pieces)}

    async def send(message: dict) -> None:  # type: ignore[type-arg]
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": VIDEO, "query_string": b"",
             "headers": [(b"authorization", b"Bearer sk-chunked"), (b"x-dashscope-async", b"enable")]}
    asyncio.run(mock.app(scope, receive, send))
    assert sent[0]["status"] == 200
    assert orjson.loads(sent[1]["body"])["output"]["task_status"] == "PENDING"


def test_message_suffix_is_configurable(make_mock) -> None:
    # docs/behaviour.md §0.1: messages since ~2025 end with a doc link; older captures have none
    plain = make_mock().http.post(VIDEO, json=T2V, headers={"X-DashScope-Async": "enable"}).json()
    suffixed = make_mock(message_suffix=True).http.post(VIDEO, json=T2V, headers={"X-DashScope-Async": "enable"})
    assert plain["message"] == "No API-key provided."
    assert suffixed.json()["message"].startswith("No API-key provided. For details, see: https://")
    assert suffixed.json()["code"] == "InvalidApiKey"
