"""POST /tencent/cos/sts through the gateway and the emulated STS and COS."""

from __future__ import annotations

import pytest
from qcloud_cos.cos_exception import CosServiceError

from tests.conftest import bearer
from tests.functional.tencent_support import arm_fault, cos_client, counts, fresh_user

ROUTE = "/tencent/cos/sts"


def test_sts_answers_keys_for_the_callers_prefix(gateway, emulator, login):
    name = fresh_user()
    response = gateway.post(ROUTE, json={}, headers=bearer(login(name)))
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert set(body) == {"credentials", "startTime", "expiredTime", "bucket", "region", "prefix"}
    assert set(body["credentials"]) == {"tmpSecretId", "tmpSecretKey", "sessionToken"}
    assert body["prefix"] == f"uploads/o-{name}/"
    assert body["bucket"] == "upvend-dev-1250000000" and body["region"] == "ap-guangzhou"
    assert body["expiredTime"] - body["startTime"] == 1800
    recorded = next(r for r in emulator.get("/_emulator/tencent/stats").json()["assumedRoles"]
                    if r["TmpSecretId"] == body["credentials"]["tmpSecretId"])
    statements = recorded["Policy"]["statement"]
    base = f"qcs::cos:ap-guangzhou:uid/1250000000:upvend-dev-1250000000/uploads/o-{name}/"
    assert all(r.startswith(base) for s in statements for r in s["resource"])
    actions = {a for s in statements for a in s["action"]}
    assert all(a.startswith("name/cos:") and ("Upload" in a or "Multipart" in a or "Part" in a or "Object" in a)
               for a in actions)
    assert not actions & {"name/cos:GetObject", "name/cos:DeleteObject"}
    # Simple uploads are typed and capped per content class (cos:content-type, cos:content-length).
    puts = [s for s in statements if s["action"] == ["name/cos:PutObject"]]
    assert {tuple(sorted(s["condition"])) for s in puts} == {("numeric_less_than_equal", "string_equal_if_exist")}
    assert recorded["RoleSessionName"] == f"upvend-o-{name}"


def test_cos_sdk_uploads_inside_the_prefix_and_is_refused_outside(gateway, stack, login):
    name = fresh_user()
    body = gateway.post(ROUTE, json={}, headers=bearer(login(name))).json()
    creds = body["credentials"]
    client = cos_client(stack.emulator_url, body["region"], creds["tmpSecretId"], creds["tmpSecretKey"],
                        creds["sessionToken"])
    key = body["prefix"] + "clip.mp4"
    client.put_object(Bucket=body["bucket"], Body=b"video bytes", Key=key, ContentType="video/mp4")
    stored, data = stack.emulator.store.get(body["bucket"], key)
    assert data == b"video bytes" and stored.content_type == "video/mp4"

    for outside in ("uploads/o-someone-else/clip.mp4", "clip.mp4", f"uploads/o-{name}x/clip.mp4"):
        with pytest.raises(CosServiceError) as refused:
            client.put_object(Bucket=body["bucket"], Body=b"x", Key=outside)
        assert refused.value.get_status_code() == 403
        assert refused.value.get_error_code() == "AccessDenied"
        assert stack.emulator.store.get(body["bucket"], outside) is None


def test_cos_sdk_without_the_session_token_or_with_a_wrong_key_is_refused(gateway, stack, login):
    body = gateway.post(ROUTE, json={}, headers=bearer(login(fresh_user()))).json()
    creds = body["credentials"]
    key = body["prefix"] + "a.jpg"
    no_token = cos_client(stack.emulator_url, body["region"], creds["tmpSecretId"], creds["tmpSecretKey"], None)
    with pytest.raises(CosServiceError) as refused:
        no_token.put_object(Bucket=body["bucket"], Body=b"x", Key=key)
    assert refused.value.get_error_code() == "InvalidAccessKeyId"
    wrong = cos_client(stack.emulator_url, body["region"], creds["tmpSecretId"], creds["tmpSecretKey"] + "x",
                       creds["sessionToken"])
    with pytest.raises(CosServiceError) as refused:
        wrong.put_object(Bucket=body["bucket"], Body=b"x", Key=key)
    assert refused.value.get_error_code() == "SignatureDoesNotMatch"


def test_n_calls_by_one_user_cost_one_assume_role(gateway, emulator, login):
    token = login(fresh_user())
    before = counts(emulator).get("AssumeRole", 0)
    ids = {gateway.post(ROUTE, json={}, headers=bearer(token)).json()["credentials"]["tmpSecretId"]
           for _ in range(5)}
    for _ in range(3):  # forms are signed with their own PostObject-only keys: one more AssumeRole, once
        gateway.post("/tencent/cos/post-policy", json={"fileName": "a.png", "contentType": "image/png", "size": 1048576},
                     headers=bearer(token))
    assert len(ids) == 1
    assert counts(emulator).get("AssumeRole", 0) - before == 2
    other = gateway.post(ROUTE, json={}, headers=bearer(login(fresh_user()))).json()
    assert other["credentials"]["tmpSecretId"] not in ids
    assert counts(emulator).get("AssumeRole", 0) - before == 3


def test_unauthenticated_is_401(gateway):
    response = gateway.post(ROUTE, json={})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "token_missing"
    assert gateway.post(ROUTE, json={}, headers=bearer("not-a-jwt")).status_code == 401


@pytest.mark.parametrize("payload", [{"bucket": "other-1250000000"}, {"prefix": "/"}, [1], "text"])
def test_client_cannot_choose_anything(gateway, login, payload):
    response = gateway.post(ROUTE, json=payload, headers=bearer(login("carol")))
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"


def test_throttling_maps_to_429(gateway, emulator, login):
    arm_fault(emulator, "AssumeRole", "RequestLimitExceeded")
    response = gateway.post(ROUTE, json={}, headers=bearer(login(fresh_user())))
    assert response.status_code == 429
    assert response.headers["retry-after"] == "1"
    error = response.json()["error"]
    assert error["code"] == "tencent_rate_limited"
    assert error["details"]["tencentCode"] == "RequestLimitExceeded"


@pytest.mark.parametrize("env, value, tencent_code", [
    ("UPVEND_TENCENT_STS_ROLE_ARN", "qcs::cam::uin/100000000001:roleName/nope", "ResourceNotFound.RoleNotExist"),
    ("TENCENTCLOUD_SECRETKEY", "not-the-role-key", "AuthFailure.SignatureFailure"),
    ("TENCENTCLOUD_SECRETID", "AKIDunknown", "AuthFailure.SecretIdNotFound"),
    ("TENCENTCLOUD_SESSIONTOKEN", "a-forged-token", "AuthFailure.TokenFailure"),
])
def test_upstream_refusals_map_to_502_with_the_tencent_code(gateway, login, monkeypatch, env, value, tencent_code):
    token = login(fresh_user())
    monkeypatch.setenv(env, value)
    response = gateway.post(ROUTE, json={}, headers=bearer(token))
    assert response.status_code == 502
    error = response.json()["error"]
    assert error["code"] == "tencent_error"
    assert error["details"]["tencentCode"] == tencent_code
    assert tencent_code in error["message"]
    assert value not in response.text


def test_unreachable_sts_is_502(gateway, login, monkeypatch):
    token = login(fresh_user())
    monkeypatch.setenv("UPVEND_TENCENT_STS_ENDPOINT", "http://127.0.0.1:9")
    response = gateway.post(ROUTE, json={}, headers=bearer(token))
    assert response.status_code == 502
    assert response.json()["error"]["code"] == "tencent_unreachable"


def test_missing_role_credentials_is_a_configuration_error(gateway, login, monkeypatch):
    token = login(fresh_user())
    monkeypatch.delenv("TENCENTCLOUD_SESSIONTOKEN")
    response = gateway.post(ROUTE, json={}, headers=bearer(token))
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "role_credentials_missing"
