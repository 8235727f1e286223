"""Issue 12, finding 3: temporary keys used to bypass every upload rule, replayed through the local stack.

With /tencent/cos/sts or /aliyun/sts keys a user could store `.html`, an SVG named
`.jpg`, or a file above the class limit under their prefix, and the triggers
recorded it. Now the keys carry what each cloud's policy language can say
(COS: one resource per allowed extension with per-class `cos:content-type` /
`cos:content-length` conditions; OSS: one resource per allowed extension), the emulators evaluate
those conditions, and the triggers skip what still gets through (the OSS trigger
reads the stored Content-Type with HeadObject).

The image limit is lowered to 1 KiB here so "too large" is a 2 KiB upload (the
limit is read on every call; keys are issued per fresh user).
"""

from __future__ import annotations

import time

import httpx
import oss2
import pytest
from qcloud_cos.cos_exception import CosServiceError

from tests.conftest import bearer
from tests.functional.aliyun_support import fresh_name
from tests.functional.notices_support import switch, wait_for_media, wait_idle  # noqa: F401 (fixture)
from tests.functional.tencent_support import cos_client
from tests.security.support import rows_of, stored_under, sts_bucket
from upvend.tencent.cam_policy import FORM_OVERHEAD_BYTES
from upvend.tencent.cos_policy import CosPostPolicy

LIMIT = 1024
BIG = b"\xff\xd8\xff" + b"x" * (2 * LIMIT)
PAGE = b"<html><script>alert(document.domain)</script></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'
# (name, body, Content-Type): each breaks one upload rule.
REFUSED = [("page.html", PAGE, "text/html"), ("big.jpg", BIG, "image/jpeg"), ("cat.jpg", PAGE, "text/html"),
           ("cat2.jpg", SVG, "image/svg+xml")]


@pytest.fixture
def small_images(monkeypatch):
    monkeypatch.setenv("UPVEND_MAX_IMAGE_BYTES", str(LIMIT))


def test_cos_temporary_keys_store_nothing_the_rules_refuse(gateway, emulator, stack, login, switch, small_images):
    name = fresh_name("mallory")
    token = login(name)
    body = gateway.post("/tencent/cos/sts", json={}, headers=bearer(token)).json()
    creds = body["credentials"]
    client = cos_client(stack.emulator_url, body["region"], creds["tmpSecretId"], creds["tmpSecretKey"],
                        creds["sessionToken"])
    refused = []
    for file_name, data, content_type in REFUSED:
        try:
            client.put_object(Bucket=body["bucket"], Body=data, Key=body["prefix"] + file_name, ContentType=content_type)
        except CosServiceError as exc:
            refused.append((exc.get_status_code(), exc.get_error_code()))
    # A form the keys sign themselves can name any Content-Type (COS has no condition on a form's fields):
    # it is stored, but the COS trigger sees its type and does not record it. A form above the limit is refused.
    now = int(time.time())
    posted = {}
    for file_name, data in (("form.jpg", PAGE), ("bigform.jpg", b"x" * (LIMIT + FORM_OVERHEAD_BYTES + 1))):
        form = CosPostPolicy(body["bucket"], body["prefix"] + file_name, "text/html", 10 ** 9, now, now + 600, {})
        posted[file_name] = httpx.post(
            f"{stack.emulator_url}/{body['bucket']}/",
            data=form.form_fields(creds["tmpSecretId"], creds["tmpSecretKey"], creds["sessionToken"]),
            files={"file": (file_name, data, "text/html")}, timeout=15).status_code
    # What the rules allow still works with the same keys.
    client.put_object(Bucket=body["bucket"], Body=b"\xff\xd8\xff ok", Key=body["prefix"] + "ok.jpg",
                      ContentType="image/jpeg")
    wait_for_media(gateway, token, f"{body['bucket']}/{body['prefix']}ok.jpg", status="ready")
    wait_idle(emulator)
    assert [row["object_key"] for row in rows_of(f"o-{name}")] == [body["prefix"] + "ok.jpg"]
    assert stored_under(stack.emulator.store, body["bucket"], body["prefix"]) == [body["prefix"] + "form.jpg",
                                                                               body["prefix"] + "ok.jpg"]
    assert refused == [(403, "AccessDenied")] * len(REFUSED)
    assert posted == {"form.jpg": 204, "bigform.jpg": 403}


def test_oss_temporary_keys_cannot_store_other_extensions_and_the_trigger_skips_the_rest(
        gateway, emulator, stack, login, switch, small_images):
    name = fresh_name("mallory")
    token = login(name)
    bucket, creds = sts_bucket(gateway, token)
    statuses = {}
    for file_name, data, content_type in REFUSED:
        try:
            statuses[file_name] = bucket.put_object(creds["prefix"] + file_name, data,
                                                    headers={"Content-Type": content_type}).status
        except oss2.exceptions.OssError as exc:
            statuses[file_name] = exc.status
    bucket.put_object(creds["prefix"] + "ok.jpg", b"\xff\xd8\xff ok", headers={"Content-Type": "image/jpeg"})
    wait_for_media(gateway, token, f"{creds['bucket']}/{creds['prefix']}ok.jpg", status="ready")
    wait_idle(emulator)
    # OSS has no condition key for size or type: those objects are stored, but they are not media
    # (the trigger reads each object's Content-Type with HeadObject; the event has none).
    assert [row["object_key"] for row in rows_of(f"o-{name}")] == [creds["prefix"] + "ok.jpg"]
    assert stored_under(stack.emulator.store, creds["bucket"], creds["prefix"]) == sorted(
        creds["prefix"] + n for n in ("big.jpg", "cat.jpg", "cat2.jpg", "ok.jpg"))
    assert statuses == {"page.html": 403, "big.jpg": 200, "cat.jpg": 200, "cat2.jpg": 200}
