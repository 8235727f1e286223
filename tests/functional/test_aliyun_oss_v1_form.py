"""PostObject with a V1 form signature (OSSAccessKeyId / Signature / policy) on temporary keys from /aliyun/sts.

The form is built here by the published V1 algorithm, Signature = base64(hmac_sha1(secret, policy_b64)),
independently of the emulator's own signing code.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import datetime, timedelta, timezone

import httpx
import pytest

from tests.conftest import bearer
from tests.functional.aliyun_support import fresh_name

DATA = b"\x89PNG\r\n\x1a\n v1 form bytes"


@pytest.fixture
def sts(gateway, login) -> dict:
    response = gateway.post("/aliyun/sts", json={}, headers=bearer(login(fresh_name("v1"))))
    assert response.status_code == 200, response.text
    return response.json()


def v1_form(creds: dict, key: str, *, secret: str | None = None, max_bytes: int = 1024,
            expires_in: timedelta = timedelta(minutes=10), **fields: str) -> dict[str, str]:
    """A V1 PostObject form whose policy pins the bucket, the key, the size range and each extra field."""
    expiration = (datetime.now(timezone.utc) + expires_in).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    conditions = [{"bucket": creds["bucket"]}, ["eq", "$key", key], ["content-length-range", 1, max_bytes],
                  *({name: value} for name, value in fields.items())]
    policy = base64.b64encode(json.dumps({"expiration": expiration, "conditions": conditions}).encode()).decode()
    mac = hmac.new((secret or creds["accessKeySecret"]).encode(), policy.encode(), hashlib.sha1).digest()
    return {"key": key, "OSSAccessKeyId": creds["accessKeyId"], "policy": policy,
            "Signature": base64.b64encode(mac).decode(), "x-oss-security-token": creds["securityToken"],
            **fields}


def post(creds: dict, form: dict[str, str], data: bytes = DATA) -> httpx.Response:
    return httpx.post(f"{creds['endpoint']}/{creds['bucket']}", data=form,
                      files={"file": ("picture.png", data, "image/png")}, timeout=15)


def error_code(response: httpx.Response) -> str:
    return response.text.split("<Code>")[1].split("</Code>")[0]


def test_a_v1_form_signed_with_the_temporary_key_uploads(sts, stack):
    key = sts["prefix"] + "2024/v1.png"
    response = post(sts, v1_form(sts, key, **{"Content-Type": "image/png", "success_action_status": "201"}))
    assert response.status_code == 201, response.text
    assert f"<Key>{key}</Key>" in response.text and f"<Bucket>{sts['bucket']}</Bucket>" in response.text
    stored, data = stack.emulator.store.get(sts["bucket"], key)
    assert data == DATA and stored.content_type == "image/png"
    assert response.headers["etag"] == f'"{stored.etag}"'


def test_without_success_action_status_the_answer_is_204(sts, stack):
    key = sts["prefix"] + "2024/v1-default.png"
    response = post(sts, v1_form(sts, key))
    assert response.status_code == 204 and response.content == b""
    assert stack.emulator.store.get(sts["bucket"], key)[1] == DATA


def test_a_v1_form_signed_with_the_wrong_secret_is_refused(sts, stack):
    key = sts["prefix"] + "2024/forged.png"
    response = post(sts, v1_form(sts, key, secret="not-the-" + sts["accessKeySecret"]))
    assert response.status_code == 403 and error_code(response) == "SignatureDoesNotMatch"
    assert stack.emulator.store.get(sts["bucket"], key) is None


@pytest.mark.parametrize("outside", ["uploads/o-somebody-else/2024/v1.png", "v1.png", "{prefix_without_slash}x/v1.png"])
def test_a_v1_form_for_a_key_outside_the_callers_prefix_is_refused(sts, stack, outside):
    # The policy is correctly signed and allows the key; the temporary key's session policy does not.
    key = outside.format(prefix_without_slash=sts["prefix"].rstrip("/"))
    response = post(sts, v1_form(sts, key))
    assert response.status_code == 403 and error_code(response) == "AccessDenied"
    assert stack.emulator.store.get(sts["bucket"], key) is None


def test_a_v1_form_over_the_policy_size_is_entity_too_large(sts, stack):
    key = sts["prefix"] + "2024/big.png"
    assert post(sts, v1_form(sts, key, max_bytes=len(DATA)), DATA).status_code == 204
    response = post(sts, v1_form(sts, key + ".2", max_bytes=len(DATA)), DATA + b"!")
    assert response.status_code == 400 and error_code(response) == "EntityTooLarge"
    assert stack.emulator.store.get(sts["bucket"], key + ".2") is None


@pytest.mark.parametrize("change, status, code", [
    ({"x-oss-security-token": None}, 403, "MissingSecurityToken"),
    ({"x-oss-security-token": "CAIS-not-this-keys-token"}, 403, "InvalidSecurityToken.MismatchWithAccessKey"),
    ({"OSSAccessKeyId": "STS.Nnosuchkey"}, 403, "InvalidAccessKeyId"),
    ({"Signature": None}, 400, "InvalidArgument"),  # OSSAccessKeyId, policy and Signature go together
])
def test_a_v1_form_with_a_bad_key_or_token_is_refused(sts, stack, change, status, code):
    key = sts["prefix"] + "2024/bad-token.png"
    form = {k: v for k, v in {**v1_form(sts, key), **change}.items() if v is not None}
    response = post(sts, form)
    assert (response.status_code, error_code(response)) == (status, code), response.text
    assert stack.emulator.store.get(sts["bucket"], key) is None


def test_an_expired_v1_policy_is_refused(sts, stack):
    key = sts["prefix"] + "2024/late.png"
    response = post(sts, v1_form(sts, key, expires_in=timedelta(seconds=-1)))
    assert response.status_code == 403 and error_code(response) == "AccessDenied" and "expired" in response.text
    assert stack.emulator.store.get(sts["bucket"], key) is None
