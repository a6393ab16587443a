"""The temporary-file flow: getPolicy, the OSS PostObject receiver, and oss:// URLs in create requests."""

from __future__ import annotations

import base64
import io
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import av
import httpx
import pytest
from jsonschema import Draft202012Validator

from mockserver.formats import png
from mockserver.testing import ASYNC, AUTH, DashScopeMock

PNG = png.image(640, 480, (10, 200, 40))
MODEL = "wan2.2-i2v-plus"
RESOLVE = {**ASYNC, "X-DashScope-OssResourceResolve": "enable"}
OTHER = {"Authorization": "Bearer sk-test-other-account"}


def policy(mock: DashScopeMock, model: str = MODEL, headers: dict[str, str] | None = None) -> dict[str, Any]:
    r = mock.http.get("/api/v1/uploads", params={"action": "getPolicy", "model": model}, headers=headers or AUTH)
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def form(data: dict[str, Any], **override: str) -> dict[str, str]:
    """The form fields the official SDK sends, in its order (docs/sdk-wire.md §5.3)."""
    fields = {"OSSAccessKeyId": data["oss_access_key_id"], "Signature": data["signature"], "policy": data["policy"],
              "key": data["upload_dir"] + "/a.png", "x-oss-object-acl": data["x_oss_object_acl"],
              "x-oss-forbid-overwrite": data["x_oss_forbid_overwrite"], "success_action_status": "200",
              "x-oss-content-type": "image/png"}
    fields.update(override)
    return fields


def upload(mock: DashScopeMock, data: dict[str, Any], content: bytes = PNG, **override: str) -> httpx.Response:
    host = data["upload_host"]
    return mock.http.post(host, data=form(data, **override), files={"file": ("a.png", content, "image/png")})


def oss_error(r: httpx.Response) -> tuple[str, str]:
    assert r.headers["content-type"].startswith("application/xml"), r.text
    code = re.search(r"<Code>(.*?)</Code>", r.text)
    message = re.search(r"<Message>(.*?)</Message>", r.text)
    assert code and message, r.text
    return code[1], message[1]


def i2v(url: str) -> dict[str, Any]:
    return {"model": MODEL, "input": {"prompt": "animate", "img_url": url}, "parameters": {"resolution": "480P"}}


# ---- the policy ----------------------------------------------------------------------------------


@pytest.mark.all_stores
def test_policy_has_the_real_shape(mock: DashScopeMock) -> None:
    body = policy(mock)
    schema = {"$ref": "urn:dashscope-spec#/components/schemas/UploadPolicyResponse"}
    assert list(Draft202012Validator(schema, registry=mock.twin.spec._registry).iter_errors(body)) == []
    data = body["data"]
    rid = body["request_id"]
    assert re.fullmatch(rf"dashscope-instant/[0-9a-f]{{32}}/\d{{4}}-\d{{2}}-\d{{2}}/{rid}", data["upload_dir"])
    assert data["upload_host"] == "http://127.0.0.1/__oss/upload"
    assert (data["expire_in_seconds"], data["max_file_size_mb"], data["x_oss_object_acl"],
            data["x_oss_forbid_overwrite"]) == (300, 1024, "private", "true")
    doc = json.loads(base64.b64decode(data["policy"]))
    assert doc["conditions"][:2] == [["content-length-range", 0, 1024 << 20],
                                     ["starts-with", "$key", data["upload_dir"]]]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", doc["expiration"])
    assert policy(mock)["data"]["upload_dir"] != data["upload_dir"]  # a fresh directory per policy
    assert policy(mock, headers=OTHER)["data"]["upload_dir"].split("/")[1] != data["upload_dir"].split("/")[1]


def test_policy_errors_use_the_dashscope_envelope(mock: DashScopeMock) -> None:
    r = mock.http.get("/api/v1/uploads", params={"action": "getPolicy", "model": "no-such-model"}, headers=AUTH)
    assert r.status_code == 400 and r.json()["code"] == "InvalidParameter" and r.json()["message"] == "Model not exist."
    r = mock.http.get("/api/v1/uploads", params={"action": "getPolicy", "model": MODEL})
    assert r.status_code == 401 and r.json()["code"] == "InvalidApiKey"


# ---- the PostObject receiver -----------------------------------------------------------------------


@pytest.mark.all_stores
def test_upload_then_overwrite_the_same_key(mock: DashScopeMock) -> None:
    data = policy(mock)["data"]
    r = upload(mock, data)
    assert r.status_code == 200 and r.content == b""
    again = upload(mock, data, content=PNG + b"more")  # the SDK reuses one key for two files (docs/sdk-wire.md §5.6)
    assert again.status_code == 200
    stored = mock.twin.uploads.files.get(data["upload_dir"] + "/a.png")
    assert stored is not None and stored.data == PNG + b"more"


@pytest.mark.all_stores
def test_an_expired_policy_is_refused(mock: DashScopeMock) -> None:
    data = policy(mock)["data"]
    mock.advance(mock.twin.settings.upload_policy_ttl_s + 1)
    r = upload(mock, data)
    assert r.status_code == 403
    assert oss_error(r) == ("AccessDenied", "Invalid according to Policy: Policy expired.")


def _forged_policy(data: dict[str, Any]) -> str:
    doc = json.loads(base64.b64decode(data["policy"]))
    doc["conditions"][0] = ["content-length-range", 0, 1 << 40]
    return base64.b64encode(json.dumps(doc).encode()).decode()


@pytest.mark.parametrize(("tamper", "status", "code"), [
    (lambda d: {"Signature": "AAAAAAAAAAAAAAAAAAAAAAAAAAA="}, 403, "SignatureDoesNotMatch"),
    (lambda d: {"policy": _forged_policy(d)}, 403, "SignatureDoesNotMatch"),
    (lambda d: {"OSSAccessKeyId": "LTAIsomeoneelse"}, 403, "InvalidAccessKeyId"),
    (lambda d: {"key": "dashscope-instant/elsewhere/a.png"}, 403, "AccessDenied"),
    (lambda d: {"x-oss-object-acl": "public-read"}, 403, "AccessDenied"),
    (lambda d: {"key": d["upload_dir"] + "/../../../etc/passwd"}, 400, "InvalidObjectName"),
    (lambda d: {"key": "/" + d["upload_dir"] + "/a.png"}, 400, "InvalidObjectName"),
    (lambda d: {"key": d["upload_dir"] + "/..\\..\\a.png"}, 400, "InvalidObjectName"),
    (lambda d: {"key": d["upload_dir"] + "//a.png"}, 400, "InvalidObjectName"),
], ids=["signature", "forged-policy", "access-key", "outside-prefix", "acl", "traversal", "absolute", "backslash",
        "empty-segment"])
def test_bad_uploads_get_oss_xml_errors(mock: DashScopeMock, tamper: Callable[[dict[str, Any]], dict[str, str]],
                                        status: int, code: str) -> None:
    data = policy(mock)["data"]
    r = upload(mock, data, **tamper(data))
    assert r.status_code == status and oss_error(r)[0] == code
    assert len(mock.twin.uploads.files) == 0


def test_an_oversized_upload_is_refused(make_mock: Callable[..., DashScopeMock]) -> None:
    mock = make_mock(upload_max_mb=1)
    data = policy(mock)["data"]
    assert data["max_file_size_mb"] == 1
    r = upload(mock, data, content=b"\x00" * ((1 << 20) + 1))
    assert r.status_code == 400 and oss_error(r)[0] == "EntityTooLarge"
    assert upload(mock, data, content=b"\x00" * (1 << 20)).status_code == 200  # the limit itself is allowed


def test_a_malformed_upload_is_an_xml_error_not_a_500(mock: DashScopeMock) -> None:
    r = mock.http.post("/__oss/upload", content=b"not multipart", headers={"content-type": "multipart/form-data"})
    assert r.status_code == 400 and oss_error(r)[0] == "MalformedPOSTRequest"
    data = policy(mock)["data"]
    r = mock.http.post(data["upload_host"], data=form(data))  # no file part
    assert r.status_code == 400 and oss_error(r)[0] == "InvalidArgument"


def test_uploads_live_in_the_data_dir_under_hashed_names(make_mock: Callable[..., DashScopeMock],
                                                         tmp_path: Path) -> None:
    mock = make_mock(data_dir=tmp_path)
    data = policy(mock)["data"]
    assert upload(mock, data).status_code == 200
    files = sorted(p.name for p in (tmp_path / "uploads" / "objects").iterdir())
    assert len(files) == 2 and all(re.fullmatch(r"[0-9a-f]{64}\.(bin|json)", f) for f in files)
    # a fresh mock on the same directory still resolves the file (the SQLite-store deployment)
    again = make_mock(data_dir=tmp_path)
    url = "oss://" + data["upload_dir"] + "/a.png"
    assert again.create(MODEL, body=i2v(url), headers=RESOLVE).status_code == 200


def test_the_sqlite_store_keeps_uploads_beside_its_database(make_mock: Callable[..., DashScopeMock],
                                                            tmp_path: Path) -> None:
    mock = make_mock(store=f"sqlite:{tmp_path / 'db' / 'tasks.sqlite'}")
    data = policy(mock)["data"]
    assert upload(mock, data, success_action_status="204").status_code == 204
    assert len(list((tmp_path / "db" / "uploads" / "objects").glob("*.bin"))) == 1


# ---- oss:// in create requests ----------------------------------------------------------------------


def uploaded(mock: DashScopeMock, model: str = MODEL, headers: dict[str, str] | None = None) -> str:
    data = policy(mock, model, headers)["data"]
    assert upload(mock, data).status_code == 200
    return "oss://" + data["upload_dir"] + "/a.png"


@pytest.mark.all_stores
def test_an_uploaded_file_resolves_for_its_account_and_model(mock: DashScopeMock) -> None:
    url = uploaded(mock)
    task_id = mock.task_id(MODEL, body=i2v(url), headers=RESOLVE)
    mock.advance(30)
    assert mock.get(task_id)["output"]["task_status"] == "SUCCEEDED"


@pytest.mark.all_stores
@pytest.mark.parametrize(("case", "message"), [
    ("no-header", "The media format is not supported or incorrect for the data inspection."),
    ("foreign-account", "Don't have authorization to access the media resource during the data inspection process."),
    ("other-model", "Don't have authorization to access the media resource during the data inspection process."),
    ("after-48h", "Failed to find the requested media resource during the data inspection process."),
    ("never-uploaded", "Failed to find the requested media resource during the data inspection process."),
])
def test_oss_urls_that_do_not_resolve(mock: DashScopeMock, case: str, message: str) -> None:
    url = uploaded(mock)
    headers = RESOLVE
    model = MODEL
    if case == "no-header":
        headers = ASYNC
    elif case == "foreign-account":
        headers = {**RESOLVE, **OTHER}
    elif case == "other-model":
        model = "wan2.2-i2v-flash"
    elif case == "after-48h":
        mock.advance(48 * 3600)
    elif case == "never-uploaded":
        url = url.replace("/a.png", "/b.png")
    r = mock.create(model, body={**i2v(url), "model": model}, headers=headers)
    assert r.status_code == 400, r.text
    assert (r.json()["code"], r.json()["message"]) == ("InvalidParameter.DataInspection", message)
    if case == "after-48h":  # one second earlier it still resolved
        fresh = uploaded(mock)
        mock.advance(48 * 3600 - 1)
        assert mock.create(MODEL, body=i2v(fresh), headers=RESOLVE).status_code == 200


def test_oss_errors_come_at_submit_even_for_deferred_models(make_mock: Callable[..., DashScopeMock]) -> None:
    mock = make_mock("faithful")
    r = mock.create(MODEL, body=i2v("oss://dashscope-instant/x/y/z/a.png"), headers=RESOLVE)
    assert r.status_code == 400 and r.json()["code"] == "InvalidParameter.DataInspection"


def test_an_uploaded_file_is_checked_against_the_field_limits(mock: DashScopeMock) -> None:
    data = policy(mock)["data"]
    tiny = png.image(100, 100, (1, 2, 3))  # img_url needs 360-2000 px
    assert upload(mock, data, content=tiny).status_code == 200
    r = mock.create(MODEL, body=i2v("oss://" + data["upload_dir"] + "/a.png"), headers=RESOLVE)
    assert r.status_code == 400 and r.json()["code"] == "InvalidFile.Resolution"


# ---- the official SDK, end to end -------------------------------------------------------------------


def _probe(url: str) -> tuple[str, int, int]:
    content = httpx.get(url).content
    with av.open(io.BytesIO(content)) as container:
        ctx = container.streams.video[0].codec_context
        return ctx.name, ctx.width, ctx.height


@pytest.mark.dashscope_mock(frozen=True)
def test_sdk_video_synthesis_uploads_a_file_url(dashscope_mock: DashScopeMock, tmp_path: Path) -> None:
    from dashscope import VideoSynthesis

    (tmp_path / "a.png").write_bytes(PNG)
    rsp = VideoSynthesis.call(model=MODEL, prompt="animate", img_url=f"file://{tmp_path / 'a.png'}",
                              resolution="480P")
    assert rsp.status_code == 200 and rsp.output.task_status == "SUCCEEDED", rsp
    create = next(r for r in dashscope_mock.requests if r.path.startswith("/api/v1/services/aigc/"))
    url = create.json()["input"]["img_url"]
    assert url.startswith("oss://dashscope-instant/") and create.headers["x-dashscope-ossresourceresolve"] == "enable"
    stored = dashscope_mock.twin.uploads.files.get(url.removeprefix("oss://"))
    assert stored is not None and stored.data == PNG and stored.model == MODEL
    assert _probe(rsp.output.video_url) == ("h264", 832, 480)


@pytest.mark.dashscope_mock(frozen=True)
def test_sdk_image_synthesis_uploads_plain_local_paths(dashscope_mock: DashScopeMock, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from dashscope import ImageSynthesis

    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.png").write_bytes(png.image(600, 600, (9, 9, 9)))
    # base and mask share a basename: one policy, the same key uploaded twice (docs/sdk-wire.md §5.6)
    rsp = ImageSynthesis.call(model="wanx2.1-imageedit", prompt="make it blue", function="stylization_all",
                              base_image_url="./a.png", mask_image_url="a.png", n=1)
    assert rsp.status_code == 200 and rsp.output.task_status == "SUCCEEDED", rsp
    paths = [(r.method, r.path, r.status) for r in dashscope_mock.requests]
    assert paths[:3] == [("GET", "/api/v1/uploads", 200), ("POST", "/__oss/upload", 200),
                         ("POST", "/__oss/upload", 200)]
    sent = next(r for r in dashscope_mock.requests if r.path.startswith("/api/v1/services/aigc/")).json()["input"]
    assert sent["base_image_url"] == sent["mask_image_url"] and sent["base_image_url"].startswith("oss://")
    content = httpx.get(rsp.output.results[0].url).content
    assert content.startswith(b"\x89PNG")
