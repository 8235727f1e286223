"""POST /tencent/cos/post-policy and form uploads to the emulated COS."""

from __future__ import annotations

import base64
import json
import time

import httpx
import pytest

from tests.conftest import bearer
from tests.functional.tencent_support import arm_fault, counts, fresh_user

ROUTE = "/tencent/cos/post-policy"
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 60


def policy_for(gateway, token, **overrides):
    payload = {"fileName": "holiday.JPG", "contentType": "image/jpeg", "size": len(JPEG), **overrides}
    response = gateway.post(ROUTE, json=payload, headers=bearer(token))
    assert response.status_code == 200, response.text
    return response.json()


def form_post(answer, data=JPEG, **field_changes):
    fields = {**answer["formData"], **field_changes}
    return httpx.post(answer["url"], data=fields, files={"file": ("holiday.jpg", data, "image/jpeg")}, timeout=10)


def test_form_post_succeeds_and_stores_the_object_with_the_uploader(gateway, stack, login):
    name = fresh_user()
    answer = policy_for(gateway, login(name))
    assert set(answer) == {"url", "key", "expire", "formData"}
    assert answer["key"].startswith(f"uploads/o-{name}/") and answer["key"].endswith(".jpg")
    assert 0 < answer["expire"] - time.time() <= 900
    form = answer["formData"]
    assert form["key"] == answer["key"] and form["x-cos-meta-uid"] == f"o-{name}"
    assert form["x-cos-security-token"] and form["q-sign-algorithm"] == "sha1"
    policy = json.loads(base64.b64decode(form["policy"]))
    assert ["eq", "$key", answer["key"]] in policy["conditions"]
    assert ["content-length-range", 1, len(JPEG)] in policy["conditions"]
    assert ["eq", "$Content-Type", "image/jpeg"] in policy["conditions"]
    assert {"bucket": "upvend-dev-1250000000"} in policy["conditions"]
    assert policy["expiration"].endswith("Z")

    seen = []
    stack.emulator.on_upload(seen.append)
    try:
        response = form_post(answer)
    finally:
        stack.emulator.upload_listeners.remove(seen.append)
    assert response.status_code == 204, response.text
    stored, data = stack.emulator.store.get("upvend-dev-1250000000", answer["key"])
    assert data == JPEG
    assert stored.content_type == "image/jpeg" and stored.metadata["x-cos-meta-uid"] == f"o-{name}"
    assert [(e.provider, e.service, e.operation, e.obj.key) for e in seen] == \
        [("tencent", "cos", "PostObject", answer["key"])]


def test_oversized_file_is_refused(gateway, stack, login):
    answer = policy_for(gateway, login(fresh_user()))
    response = form_post(answer, data=JPEG + b"more")
    assert response.status_code == 400
    assert "<Code>EntityTooLarge</Code>" in response.text
    assert stack.emulator.store.get("upvend-dev-1250000000", answer["key"]) is None


@pytest.mark.parametrize("change", [
    {"key": "uploads/o-victim/2026/01/evil.jpg"},
    {"x-cos-meta-uid": "o-victim"},
    {"Content-Type": "text/html"},
])
def test_changed_fields_are_refused(gateway, stack, login, change):
    answer = policy_for(gateway, login(fresh_user()))
    response = form_post(answer, **change)
    assert response.status_code == 403
    assert "Policy Condition failed" in response.text
    assert stack.emulator.store.get("upvend-dev-1250000000", answer["key"]) is None


def test_a_tampered_policy_fails_the_signature(gateway, login):
    answer = policy_for(gateway, login(fresh_user()))
    policy = json.loads(base64.b64decode(answer["formData"]["policy"]))
    policy["conditions"] = [c for c in policy["conditions"] if not (isinstance(c, list) and c[0] == "content-length-range")]
    forged = base64.b64encode(json.dumps(policy).encode()).decode()
    response = form_post(answer, data=JPEG * 100, policy=forged)
    assert response.status_code == 403
    assert "SignatureDoesNotMatch" in response.text


def test_expired_policy_is_refused(gateway, login, monkeypatch):
    token = login(fresh_user())
    monkeypatch.setenv("UPVEND_TENCENT_POST_POLICY_SECONDS", "1")
    answer = policy_for(gateway, token)
    assert answer["expire"] - time.time() <= 1
    time.sleep(2.1)
    response = form_post(answer)
    assert response.status_code == 403
    assert "expired" in response.text


def test_size_is_required_and_is_the_largest_the_form_takes(gateway, login):
    token = login(fresh_user())
    missing = gateway.post(ROUTE, json={"fileName": "a.jpg", "contentType": "image/jpeg"}, headers=bearer(token))
    assert missing.status_code == 400 and missing.json()["error"]["details"][0]["field"] == "size"
    policy = json.loads(base64.b64decode(policy_for(gateway, token, size=4096)["formData"]["policy"]))
    assert ["content-length-range", 1, 4096] in policy["conditions"]


def test_unauthenticated_is_401(gateway):
    response = gateway.post(ROUTE, json={"fileName": "a.jpg", "contentType": "image/jpeg", "size": 1048576})
    assert response.status_code == 401


@pytest.mark.parametrize("payload, code", [
    ({}, "validation_error"),
    ({"fileName": "cat.png", "contentType": "image/svg+xml", "size": 1048576}, "content_type_mismatch"),
    ({"fileName": "a.exe", "contentType": "application/octet-stream", "size": 1048576}, "extension_not_allowed"),
    ({"fileName": "a.jpg", "contentType": "video/mp4", "size": 1048576}, "content_type_mismatch"),
    ({"fileName": "a.jpg", "contentType": "image/jpeg", "size": 0}, "validation_error"),
    ({"fileName": "a.jpg", "contentType": "image/jpeg", "size": 10**12}, "size_out_of_range"),
    ({"fileName": "a.jpg", "contentType": "image/jpeg", "size": "12"}, "validation_error"),
    ({"fileName": "a.jpg", "contentType": "image/jpeg", "size": 1000, "key": "mine.jpg"}, "validation_error"),
])
def test_validation_errors(gateway, login, payload, code):
    response = gateway.post(ROUTE, json=payload, headers=bearer(login("dave")))
    assert response.status_code == 400
    assert response.json()["error"]["code"] == code


def test_throttled_sts_maps_to_429_without_a_policy(gateway, emulator, login):
    token = login(fresh_user())
    arm_fault(emulator, "AssumeRole", "RequestLimitExceeded.UinLimitExceeded")
    response = gateway.post(ROUTE, json={"fileName": "a.jpg", "contentType": "image/jpeg", "size": 1048576}, headers=bearer(token))
    assert response.status_code == 429
    assert response.json()["error"]["details"]["tencentCode"] == "RequestLimitExceeded.UinLimitExceeded"
    before = counts(emulator)["AssumeRole"]
    assert gateway.post(ROUTE, json={"fileName": "a.jpg", "contentType": "image/jpeg", "size": 1048576},
                        headers=bearer(token)).status_code == 200
    assert counts(emulator)["AssumeRole"] == before + 1


def test_internal_error_maps_to_502(gateway, emulator, login):
    arm_fault(emulator, "AssumeRole", "InternalError")
    response = gateway.post(ROUTE, json={"fileName": "a.jpg", "contentType": "image/jpeg", "size": 1048576},
                            headers=bearer(login(fresh_user())))
    assert response.status_code == 502
    assert response.json()["error"]["details"]["tencentCode"] == "InternalError"
