"""POST /aliyun/oss/callback through the local gateway, signed by the emulator's OSS key."""

from __future__ import annotations

import base64
from urllib.parse import urlencode

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from tests.functional.media_rows import UNAVAILABLE_DATABASES, repo, unique
from upvend.aliyun.callback_binding import callback_binding
from upvend.media_api import public_id
from upvend.storage.media import MediaRecord, object_media_id

PATH = "/aliyun/oss/callback"
BUCKET = "upvend-dev"


@pytest.fixture
def signer(stack):
    return stack.emulator.service("oss-callback-key")


@pytest.fixture
def url(stack) -> str:
    return stack.gateway_url + PATH


def callback_body(key: str, **more: str) -> bytes:
    """What OSS sends for a callback the post-policy function pinned for `key` (owner read from the key)."""
    owner = key.split("/")[1]
    fields = {"bucket": BUCKET, "object": key, "etag": "D8E8FCA2DC0F896FD7CB4CB0031BA249", "size": "5",
              "mimeType": "image/jpeg", "imageInfo.height": "10", "imageInfo.width": "20",
              "imageInfo.format": "jpg", "x:uid": "o-mallory", "uid": owner,
              "binding": callback_binding(BUCKET, key, owner), **more}
    return urlencode(fields).encode()


def send(gateway, body: bytes, headers: dict[str, str]):
    return gateway.post(PATH, content=body, headers={"Content-Type": "application/x-www-form-urlencoded",
                                                     **headers})


def new_key(owner: str = "o-alice") -> str:
    return f"uploads/{owner}/2024/05/{unique('')}.jpg"


def test_signed_callback_completes_the_row_and_answers_a_minimal_ack(gateway, signer, url):
    key = new_key()
    media_id = object_media_id(BUCKET, key)
    repo().create_uploading(MediaRecord(provider="aliyun", media_id=media_id, kind="image", status="uploading",
                                        owner="o-alice", media_url=f"https://{BUCKET}.oss.example/{key}"))
    body = callback_body(key)
    response = send(gateway, body, signer.sign(url, body))
    assert response.status_code == 200, response.text
    # The uploader gets an acknowledgement, never the stored row.
    assert response.json() == {"status": "recorded", "id": public_id("aliyun", media_id)}
    row = repo().get("aliyun", media_id)
    assert (row.owner, row.status, row.etag) == ("o-alice", "ready", "D8E8FCA2DC0F896FD7CB4CB0031BA249")
    assert (row.object_key, row.bucket, row.size, row.mime_type) == (key, BUCKET, 5, "image/jpeg")
    assert row.media_url == f"https://{BUCKET}.oss.example/{key}"
    assert row.extra == {"width": 20, "height": 10, "format": "jpg"}


def test_owner_comes_from_the_key_not_from_x_vars(gateway, signer, url):
    key = new_key("o-bob")
    body = callback_body(key)
    assert send(gateway, body, signer.sign(url, body)).status_code == 200
    assert repo().get("aliyun", object_media_id(BUCKET, key)).owner == "o-bob"


def test_redelivered_callback_is_acknowledged_and_records_one_event(gateway, signer, url):
    key = new_key()
    body = callback_body(key)
    first = send(gateway, body, signer.sign(url, body))
    second = send(gateway, body, signer.sign(url, body))
    assert first.status_code == second.status_code == 200
    assert (first.json()["status"], second.json()["status"]) == ("recorded", "duplicate")
    assert repo().event_count(f"aliyun-oss:OssCallback:{BUCKET}/{key}:D8E8FCA2DC0F896FD7CB4CB0031BA249") == 1


def test_tampered_body_is_rejected(gateway, signer, url):
    key = new_key()
    signed = callback_body(key)
    other = new_key()
    response = send(gateway, callback_body(other), signer.sign(url, signed))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "signature_invalid"
    assert repo().get("aliyun", object_media_id(BUCKET, other)) is None


def test_foreign_public_key_url_is_rejected(gateway, url):
    attacker = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    key = new_key()
    body = callback_body(key)
    text = b"/aliyun/oss/callback\n" + body
    headers = {"authorization": base64.b64encode(attacker.sign(text, padding.PKCS1v15(), hashes.MD5())).decode(),
               "x-oss-pub-key-url": base64.b64encode(b"https://attacker.example/key.pem").decode()}
    response = send(gateway, body, headers)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "untrusted_key_url"
    assert repo().get("aliyun", object_media_id(BUCKET, key)) is None


def test_own_key_with_the_trusted_key_url_is_rejected(gateway, signer, url):
    attacker = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    key = new_key()
    body = callback_body(key)
    headers = signer.sign(url, body)
    headers["authorization"] = base64.b64encode(
        attacker.sign(b"/aliyun/oss/callback\n" + body, padding.PKCS1v15(), hashes.MD5())).decode()
    assert send(gateway, body, headers).status_code == 403
    assert repo().get("aliyun", object_media_id(BUCKET, key)) is None


def test_unsigned_callback_and_object_outside_prefix(gateway, signer, url):
    key = new_key()
    assert send(gateway, callback_body(key), {}).status_code == 403
    body = callback_body("elsewhere/o-alice/a.jpg", uid="o-alice")
    response = send(gateway, body, signer.sign(url, body))
    assert (response.status_code, response.json()["error"]["code"]) == (403, "object_outside_prefix")
    assert repo().get("aliyun", object_media_id(BUCKET, "elsewhere/o-alice/a.jpg")) is None


def test_signed_malformed_body_is_400(gateway, signer, url):
    body = b"object=uploads%2Fo-alice%2Fa.jpg"
    response = send(gateway, body, signer.sign(url, body))
    assert response.status_code == 400


@pytest.mark.parametrize("database_url", UNAVAILABLE_DATABASES)
def test_unavailable_database_answers_503(gateway, signer, url, monkeypatch, database_url):
    monkeypatch.setenv("UPVEND_DATABASE_URL", database_url())
    body = callback_body(new_key())
    response = send(gateway, body, signer.sign(url, body))
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "storage_unavailable"


def test_emulator_serves_its_public_key(emulator, signer):
    response = emulator.get("/_emulator/oss/callback_pub_key.pem")
    assert response.status_code == 200
    assert response.content == signer.public_pem
    assert response.content.startswith(b"-----BEGIN PUBLIC KEY-----")
