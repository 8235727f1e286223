"""/aliyun/oss/post-policy through the gateway, and form posts to the emulated OSS."""

from __future__ import annotations

import base64
import json
from datetime import datetime, timedelta

import httpx
import pytest

from devtools.emulator.aliyun.config import local_oss_endpoint
from tests.conftest import bearer
from tests.functional.aliyun_support import fresh_name
from upvend.media_api import public_id

JPEG = {"fileName": "photo.JPG", "contentType": "image/jpeg", "size": 1234}


def _policy(gateway, token, payload=JPEG):
    response = gateway.post("/aliyun/oss/post-policy", json=payload, headers=bearer(token))
    assert response.status_code == 200, response.text
    return response.json()


def _post(answer, data=b"\xff\xd8\xff jpeg bytes", **changes):
    form = {**answer["formData"], **changes}
    return httpx.post(answer["host"], data=form, files={"file": ("photo.jpg", data, "image/jpeg")}, timeout=15)


def _error_code(response: httpx.Response) -> str:
    return response.text.split("<Code>")[1].split("</Code>")[0]


def test_policy_answer_and_a_successful_form_post(gateway, login, stack):
    name = fresh_name()
    answer = _policy(gateway, login(name))
    assert set(answer) == {"host", "key", "expire", "formData"}
    assert answer["host"] == local_oss_endpoint(stack.emulator_url).replace("//", "//upvend-dev.")
    assert answer["key"].startswith(f"uploads/o-{name}/") and answer["key"].endswith(".jpg")
    form = answer["formData"]
    assert form["key"] == answer["key"] and form["x-oss-signature-version"] == "OSS4-HMAC-SHA256"
    assert form["success_action_status"] == "200" and form["Content-Type"] == "image/jpeg"
    assert form["x-oss-security-token"]  # the function runs on role credentials
    assert "x-oss-signature" in form and "accessKeySecret" not in json.dumps(answer)
    policy = json.loads(base64.b64decode(form["policy"]))
    assert datetime.fromisoformat(policy["expiration"].replace("Z", "+00:00")).timestamp() == answer["expire"]
    response = _post(answer)
    # The local stack pins an upload callback: OSS hands its JSON answer (an acknowledgement) to the uploader.
    assert response.status_code == 200 and response.json() == {
        "status": "recorded", "id": public_id("aliyun", f"upvend-dev/{answer['key']}")}
    stored, data = stack.emulator.store.get("upvend-dev", answer["key"])
    assert data == b"\xff\xd8\xff jpeg bytes" and stored.content_type == "image/jpeg"


def test_form_post_is_capped_at_the_announced_size(gateway, login):
    answer = _policy(gateway, login(), {"fileName": "a.png", "contentType": "image/png", "size": 10})
    policy = json.loads(base64.b64decode(answer["formData"]["policy"]))
    assert ["content-length-range", 1, 10] in policy["conditions"]
    assert _post(answer, data=b"x" * 10).status_code == 200
    response = _post(answer, data=b"x" * 11)
    assert response.status_code == 400 and _error_code(response) == "EntityTooLarge"


def test_form_post_fails_when_the_file_exceeds_the_limit(gateway, login, monkeypatch):
    monkeypatch.setenv("UPVEND_MAX_IMAGE_BYTES", "100")
    answer = _policy(gateway, login(), {"fileName": "a.png", "contentType": "image/png", "size": 100})
    assert _post(answer, data=b"x" * 100).status_code == 200
    response = _post(answer, data=b"x" * 101)
    assert response.status_code == 400 and _error_code(response) == "EntityTooLarge"


@pytest.mark.parametrize("changes", [
    {"key": "uploads/o-somebody-else/2024/01/evil.jpg"},
    {"Content-Type": "text/html"},
    {"success_action_status": "201"},
    {"x-oss-meta-owner": "me"},
])
def test_form_post_fails_when_a_pinned_field_changes(gateway, login, stack, changes):
    answer = _policy(gateway, login())
    response = _post(answer, **changes)
    assert response.status_code == 403 and _error_code(response) == "AccessDenied"
    assert stack.emulator.store.get("upvend-dev", answer["key"]) is None


def test_form_post_fails_with_a_forged_policy_or_signature(gateway, login):
    answer = _policy(gateway, login())
    policy = json.loads(base64.b64decode(answer["formData"]["policy"]))
    policy["conditions"][1] = ["starts-with", "$key", "uploads/"]
    forged = base64.b64encode(json.dumps(policy).encode()).decode()
    response = _post(answer, policy=forged, key="uploads/o-victim/x.jpg")
    assert response.status_code == 403 and _error_code(response) == "SignatureDoesNotMatch"
    response = _post(answer, **{"x-oss-signature": "0" * 64})
    assert response.status_code == 403 and _error_code(response) == "SignatureDoesNotMatch"


def test_form_post_fails_when_the_policy_has_expired(gateway, login, monkeypatch):
    import upvend.aliyun.oss_policy as oss_policy

    class TwentyMinutesAgo(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime.now(tz) - timedelta(minutes=20)

    monkeypatch.setattr(oss_policy, "datetime", TwentyMinutesAgo)
    answer = _policy(gateway, login())
    response = _post(answer)
    assert response.status_code == 403 and "expired" in response.text


def test_callback_is_in_the_policy_and_reaches_the_upload_hook(gateway, login, stack, monkeypatch):
    monkeypatch.setenv("UPVEND_ALIYUN_OSS_CALLBACK_URL", "https://api.example.com/aliyun/oss/callback")
    name = fresh_name()
    answer = _policy(gateway, login(name))
    callback = answer["formData"]["callback"]
    assert {"callback": callback} in json.loads(base64.b64decode(answer["formData"]["policy"]))["conditions"]
    spec = json.loads(base64.b64decode(callback))
    assert spec["callbackUrl"] == "https://api.example.com/aliyun/oss/callback"
    assert f"&uid=o-{name}&binding=" in spec["callbackBody"] and "${etag}" in spec["callbackBody"]
    events = []
    stack.emulator.on_upload(events.append)
    try:
        # Nothing answers at api.example.com here: the object is stored and the uploader gets 203.
        assert _post(answer).status_code == 203
        other = base64.b64encode(json.dumps({**spec, "callbackUrl": "https://evil.example"}).encode()).decode()
        assert _post(answer, callback=other).status_code == 403
    finally:
        stack.emulator.upload_listeners.remove(events.append)
    assert len(events) == 1 and events[0].operation == "PostObject" and events[0].details["callback"] == callback


@pytest.mark.parametrize("payload, code", [
    ({"fileName": "a.exe", "contentType": "application/octet-stream", "size": 1048576}, "extension_not_allowed"),
    ({"fileName": "a.jpg", "contentType": "video/mp4", "size": 1048576}, "content_type_mismatch"),
    ({"fileName": "a.jpg", "contentType": "image/jpeg", "size": 10 ** 12}, "size_out_of_range"),
    ({"fileName": "cat.png", "contentType": "image/svg+xml", "size": 1048576}, "content_type_mismatch"),
    ({"fileName": "a.jpg", "contentType": "image/jpeg", "size": 1000, "key": "uploads/x.jpg"}, "validation_error"),
    ({"fileName": "a.jpg", "contentType": "image/jpeg\r\nX: y", "size": 1048576}, "validation_error"),
])
def test_post_policy_validation(gateway, login, payload, code):
    response = gateway.post("/aliyun/oss/post-policy", json=payload, headers=bearer(login()))
    assert response.status_code == 400
    assert response.json()["error"]["code"] == code


def test_post_policy_needs_a_token(gateway):
    assert gateway.post("/aliyun/oss/post-policy", json=JPEG).status_code == 401
