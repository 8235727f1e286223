"""Issue 12, finding 1: forged OSS upload callbacks, replayed through the local stack.

OSS (here the emulator) signs every callback it makes, whatever body template the
uploader chose. So an uploader with STS keys, or with the key inside a VOD
UploadAuth, can make OSS send a genuinely signed callback whose body names
another user's object. None of that may change a row.
"""

from __future__ import annotations

import base64
import json
from urllib.parse import parse_qs, quote

import httpx

from tests.conftest import bearer
from tests.functional.aliyun_support import fresh_name, vod_bucket
from tests.functional.media_rows import repo
from tests.functional.notices_support import switch, wait_for_media, wait_idle  # noqa: F401 (fixture)
from tests.security.support import JPEG, callback_header, form_upload, rows_of, sts_bucket

BUCKET = "upvend-dev"


def _bob_with_an_upload(gateway, login) -> tuple[str, str, str]:
    """Bob, his token, and the key of an image he uploaded with a form (its row is ready)."""
    bob = "o-" + fresh_name("bob")
    token = login(bob[2:])
    policy, posted = form_upload(gateway, token, "/aliyun/oss/post-policy", "cat.jpg", JPEG, "host",
                                 contentType="image/jpeg")
    assert posted.status_code == 200, posted.text
    wait_for_media(gateway, token, f"{BUCKET}/{policy['key']}", status="ready")
    return bob, token, policy["key"]


def _forged_bodies(bob: str, bob_key: str, alice_binding: str) -> list[str]:
    """Callback templates an uploader can choose: OSS fills ${...}, the rest is literal."""
    new_key = f"uploads/{bob}/2024/05/{'e' * 32}.jpg"
    tail = "&etag=FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF&size=999999&mimeType=image%2Fsvg%2Bxml"
    return [
        f"bucket=${{bucket}}&object={quote(bob_key, safe='')}{tail}",                      # overwrite bob's row
        f"bucket=${{bucket}}&object={quote(new_key, safe='')}{tail}&uid={bob}",           # add a row to bob's media
        f"bucket=${{bucket}}&object={quote(bob_key, safe='')}{tail}&uid={bob}&binding={alice_binding}",
        f"bucket={BUCKET}&object=${{object}}&object={quote(bob_key, safe='')}{tail}",     # shadow OSS's own field
    ]


def test_sts_put_with_a_callback_naming_bobs_key_changes_nothing(gateway, emulator, login, stack, switch):
    bob, bob_token, bob_key = _bob_with_an_upload(gateway, login)
    wait_idle(emulator)  # the OSS trigger has reported bob's object too
    before = rows_of(bob)
    alice_token = login(fresh_name("alice"))
    # Alice's own pinned form gives her a genuine binding, for her own key only.
    alice_form = gateway.post("/aliyun/oss/post-policy", json={"fileName": "a.jpg", "contentType": "image/jpeg", "size": 1048576},
                              headers=bearer(alice_token))
    spec = json.loads(base64.b64decode(alice_form.json()["formData"]["callback"]))
    alice_binding = parse_qs(spec["callbackBody"]).get("binding", ["none"])[0]
    bucket, creds = sts_bucket(gateway, alice_token)
    callback_url = f"{stack.gateway_url}/aliyun/oss/callback"
    answers = []
    for n, body in enumerate(_forged_bodies(bob, bob_key, alice_binding)):
        result = bucket.put_object(f"{creds['prefix']}2024/05/forged{n}.jpg", JPEG,
                                   headers={"Content-Type": "image/jpeg", **callback_header(callback_url, body)})
        answers.append((result.status, result.resp.read().decode()))
    wait_idle(emulator)
    assert rows_of(bob) == before
    assert repo().get("aliyun", f"{BUCKET}/uploads/{bob}/2024/05/{'e' * 32}.jpg") is None
    # OSS signed each callback, the server refused it: the uploader gets CallbackFailed, never bob's row.
    assert all(status == 203 and "CallbackFailed" in text and bob not in text for status, text in answers), answers


def test_callbacks_from_a_vod_upload_auth_change_nothing(gateway, emulator, login, stack, switch):
    bob, _, bob_key = _bob_with_an_upload(gateway, login)
    wait_idle(emulator)
    before = rows_of(bob)
    alice_token = login(fresh_name("alice"))
    callback_url = f"{stack.gateway_url}/aliyun/oss/callback"
    statuses = []
    for body in (f"bucket=${{bucket}}&object={quote(bob_key, safe='')}&size=1",    # VOD's own bucket
                 f"bucket={BUCKET}&object={quote(bob_key, safe='')}&size=1&uid={bob}"):  # our bucket, claimed
        image = gateway.post("/aliyun/vod/upload-image", json={"imageType": "default", "imageExt": "jpg", "fileSize": 1048576},
                             headers=bearer(alice_token)).json()
        vod, key = vod_bucket(image["uploadAddress"], image["uploadAuth"])
        result = vod.put_object(key, JPEG, headers={"Content-Type": "image/jpeg", **callback_header(callback_url, body)})
        statuses.append(result.status)
    wait_idle(emulator)
    assert rows_of(bob) == before
    assert statuses == [203, 203]


def test_a_signed_callback_for_an_unpinned_object_is_refused(gateway, stack):
    """Any Aliyun account's OSS can sign a callback to our URL; without our binding it records nothing."""
    key = f"uploads/o-{fresh_name('bob')}/2024/05/{'f' * 32}.jpg"
    body = f"bucket={BUCKET}&object={quote(key, safe='')}&etag=AA&size=5&mimeType=image%2Fjpeg".encode()
    url = f"{stack.gateway_url}/aliyun/oss/callback"
    signed = stack.emulator.service("oss-callback-key").sign(url, body)
    response = httpx.post(url, content=body, headers={"Content-Type": "application/x-www-form-urlencoded", **signed})
    assert repo().get("aliyun", f"{BUCKET}/{key}") is None
    assert response.status_code == 403 and response.json()["error"]["code"] == "callback_not_pinned"


def test_uploading_a_completed_key_again_is_a_new_version_not_a_rewrite(gateway, emulator, login, switch):
    token = login(fresh_name("alice"))
    policy, posted = form_upload(gateway, token, "/aliyun/oss/post-policy", "cat.jpg", JPEG, "host",
                                 contentType="image/jpeg")
    assert posted.status_code == 200, posted.text
    media_id = f"{BUCKET}/{policy['key']}"
    first = wait_for_media(gateway, token, media_id, status="ready")
    wait_idle(emulator)
    bucket, _ = sts_bucket(gateway, token)
    other = JPEG + b" but longer, and another ETag"
    result = bucket.put_object(policy["key"], other, headers={"Content-Type": "image/jpeg"})
    assert result.status == 200
    wait_idle(emulator)
    row = repo().get("aliyun", media_id)
    # The completed row keeps the content its notices reported, and says a newer version exists.
    assert (row.size, row.etag, row.mime_type) == (first["size"], first["etag"], first["mimeType"])
    assert row.extra["newerVersion"]["etag"] == result.etag.upper()
    assert row.extra["newerVersion"]["size"] == len(other)
