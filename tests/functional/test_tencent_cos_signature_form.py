"""PostObject's Signature form and the VOD host's COS relay, sent by hand to the emulated COS."""

from __future__ import annotations

import time

import httpx
import pytest

from devtools.emulator.tencent.cos_signature import xml_request_signature
from tests.conftest import bearer
from tests.functional.tencent_support import fresh_user

BUCKET = "upvend-dev-1250000000"
HOST = f"{BUCKET}.cos.ap-guangzhou.myqcloud.com"


def _signature(secret_id: str, secret_key: str, path: str = "/", host: str = HOST) -> str:
    now = int(time.time())
    key_time = f"{now - 60};{now + 600}"
    sig = xml_request_signature(secret_key, key_time, "post", path, {}, {"host": host})
    return (f"q-sign-algorithm=sha1&q-ak={secret_id}&q-sign-time={key_time}&q-key-time={key_time}"
            f"&q-header-list=host&q-url-param-list=&q-signature={sig}")


def _post(stack, fields: dict[str, str], host: str = HOST, headers: dict[str, str] | None = None) -> httpx.Response:
    files = {name: (None, value) for name, value in fields.items()}
    files["file"] = ("kite.jpg", b"form bytes", "image/jpeg")
    return httpx.post(stack.emulator_url + "/", files=files, headers={"Host": host, **(headers or {})}, timeout=10)


@pytest.fixture
def keys(gateway, login) -> dict:
    return gateway.post("/tencent/cos/sts", json={}, headers=bearer(login(fresh_user()))).json()


def _form(keys: dict, **changes: str) -> dict[str, str]:
    creds = keys["credentials"]
    fields = {"key": keys["prefix"] + "kite.jpg", "success_action_status": "200",
              "Signature": _signature(creds["tmpSecretId"], creds["tmpSecretKey"]),
              "x-cos-security-token": creds["sessionToken"], "Content-Type": "image/jpeg"}
    return {**fields, **changes}


def test_signature_form_stores_the_object(stack, keys):
    answer = _post(stack, _form(keys))
    assert answer.status_code == 200, answer.text
    stored, data = stack.emulator.store.get(BUCKET, keys["prefix"] + "kite.jpg")
    assert data == b"form bytes" and stored.content_type == "image/jpeg"
    assert answer.headers["etag"] == f'"{stored.etag}"' and stored.etag == stored.etag.lower()


@pytest.mark.parametrize("change, code", [
    (lambda k: {"Signature": _signature(k["credentials"]["tmpSecretId"], "wrong-secret")}, "SignatureDoesNotMatch"),
    (lambda k: {"Signature": _signature(k["credentials"]["tmpSecretId"], k["credentials"]["tmpSecretKey"],
                                        path="/elsewhere")}, "SignatureDoesNotMatch"),
    (lambda k: {"Signature": _signature(k["credentials"]["tmpSecretId"], k["credentials"]["tmpSecretKey"],
                                        host="other-1250000000.cos.ap-guangzhou.myqcloud.com")},
     "SignatureDoesNotMatch"),
    (lambda k: {"x-cos-security-token": "not-the-token"}, "InvalidAccessKeyId"),
    (lambda k: {"key": "uploads/o-someone-else/kite.jpg"}, "AccessDenied"),
])
def test_signature_form_is_refused_when_it_does_not_hold(stack, keys, change, code):
    form = _form(keys, **change(keys))
    answer = _post(stack, form)
    assert answer.status_code in (400, 403) and f"<Code>{code}</Code>" in answer.text, answer.text
    assert stack.emulator.store.get(BUCKET, form["key"]) is None


def test_the_vod_host_relays_only_to_the_vod_storage_bucket(stack, keys):
    relayed = _post(stack, _form(keys), host="vod2.qcloud.com", headers={"Vod-Forward-Cos": HOST})
    assert relayed.status_code == 403 and "<Code>AccessDenied</Code>" in relayed.text
    assert stack.emulator.store.get(BUCKET, keys["prefix"] + "kite.jpg") is None
