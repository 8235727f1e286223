"""/aliyun/sts through the gateway: narrow session policy, caching, and a real oss2 client."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import oss2
import pytest

from devtools.emulator.aliyun.config import local_oss_endpoint
from tests.conftest import bearer
from tests.functional.aliyun_support import fresh_name, inject_fault
from upvend.uploads import upload_types


@pytest.fixture(autouse=True)
def _no_faults(emulator):
    yield
    emulator.delete("/_emulator/aliyun/faults")


def _token(gateway, token):
    response = gateway.post("/aliyun/sts", json={}, headers=bearer(token))
    assert response.status_code == 200, response.text
    return response.json()


def test_sts_answers_credentials_for_the_callers_prefix(gateway, emulator, login, stack):
    name = fresh_name()
    body = _token(gateway, login(name))
    assert set(body) == {"accessKeyId", "accessKeySecret", "securityToken", "expiration", "region", "bucket",
                         "endpoint", "prefix"}
    assert body["prefix"] == f"uploads/o-{name}/" and body["bucket"] == "upvend-dev"
    assert body["endpoint"] == local_oss_endpoint(stack.emulator_url) and body["region"] == "cn-shanghai"
    expiration = datetime.strptime(body["expiration"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    assert 800 < (expiration - datetime.now(timezone.utc)).total_seconds() <= 900
    key = emulator.get(f"/_emulator/aliyun/keys/{body['accessKeyId']}").json()
    assert key["roleSessionName"] == f"upvend.o-{name}"
    statement, = key["policy"]["Statement"]
    # One resource per allowed extension under the caller's prefix (OSS has no Content-Type condition key).
    assert statement["Resource"] == [f"acs:oss:*:*:upvend-dev/uploads/o-{name}/*.{ext}" for ext in upload_types()]
    assert "oss:PutObject" in statement["Action"] and not any("Get" in a or "Delete" in a
                                                                for a in statement["Action"])


def test_one_assume_role_for_many_calls_by_one_user(gateway, emulator, login):
    token = login(fresh_name())
    before = emulator.get("/_emulator/aliyun/calls").json().get("AssumeRole", 0)
    answers = [_token(gateway, token) for _ in range(5)]
    assert emulator.get("/_emulator/aliyun/calls").json().get("AssumeRole", 0) == before + 1
    assert len({a["accessKeyId"] for a in answers}) == 1
    _token(gateway, login(fresh_name()))
    assert emulator.get("/_emulator/aliyun/calls").json()["AssumeRole"] == before + 2


def test_oss2_uploads_inside_the_prefix_and_is_refused_outside(gateway, login, stack):
    body = _token(gateway, login(fresh_name()))
    auth = oss2.StsAuth(body["accessKeyId"], body["accessKeySecret"], body["securityToken"])
    bucket = oss2.Bucket(auth, body["endpoint"], body["bucket"])
    key = body["prefix"] + "2024/clip.mp4"
    result = bucket.put_object(key, b"video" * 100, headers={"Content-Type": "video/mp4"})
    assert result.status == 200
    stored, data = stack.emulator.store.get("upvend-dev", key)
    assert data == b"video" * 100 and stored.content_type == "video/mp4"
    for outside in ("uploads/o-somebody-else/clip.mp4", "clip.mp4", body["prefix"].rstrip("/") + "x/clip.mp4"):
        with pytest.raises(oss2.exceptions.AccessDenied) as exc:
            bucket.put_object(outside, b"x")
        assert exc.value.status == 403
    forged = oss2.Bucket(oss2.StsAuth(body["accessKeyId"], "wrong-secret", body["securityToken"]),
                         body["endpoint"], body["bucket"])
    with pytest.raises(oss2.exceptions.OssError) as exc:
        forged.put_object(key, b"x")
    assert exc.value.status == 403 and exc.value.code == "SignatureDoesNotMatch"


def test_sts_needs_a_token_and_refuses_client_chosen_fields(gateway, login):
    assert gateway.post("/aliyun/sts", json={}).status_code == 401
    response = gateway.post("/aliyun/sts", json={"prefix": "uploads/"}, headers=bearer(login()))
    assert response.status_code == 400 and response.json()["error"]["code"] == "validation_error"


def test_sts_throttling_is_429(gateway, emulator, login):
    inject_fault(emulator, "AssumeRole", code="Throttling.User", status=400)
    response = gateway.post("/aliyun/sts", json={}, headers=bearer(login(fresh_name())))
    assert response.status_code == 429 and response.json()["error"]["code"] == "upstream_throttled"


def test_wrong_function_credentials_are_a_502_without_secrets(gateway, login, monkeypatch):
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "not-the-role-secret")
    response = gateway.post("/aliyun/sts", json={}, headers=bearer(login(fresh_name())))
    assert response.status_code == 502
    error = response.json()["error"]
    # The SDK renames the emulator's SignatureDoesNotMatch once it sees its own string to sign echoed.
    assert error["code"] == "upstream_refused" and error["details"]["aliyunCode"] == "InvalidAccessKeySecret"
    assert "security-token" not in json.dumps(error) and "string to sign" not in error["message"]


def test_unknown_role_is_a_configuration_problem(gateway, login, monkeypatch):
    monkeypatch.setenv("UPVEND_ALIYUN_STS_ROLE_ARN", "acs:ram::1000000000000000:role/nope")
    response = gateway.post("/aliyun/sts", json={}, headers=bearer(login(fresh_name())))
    assert response.status_code == 502 and response.json()["error"]["details"]["aliyunCode"] == "EntityNotExist.Role"
