"""Emulated OSS multipart upload driven by oss2 with /aliyun/sts keys: the object, its ETag, the refusals."""

from __future__ import annotations

import base64
import hashlib
import json
import os

import httpx
import oss2
import pytest
from oss2.models import PartInfo

from devtools.emulator.aliyun.config import ALIYUN_DEV, local_oss_endpoint
from tests.conftest import bearer
from tests.functional.aliyun_support import fresh_name, vod_bucket
from tests.functional.notices_support import deliveries, switch, wait_for_media, wait_idle  # noqa: F401 (fixture)

PART = 100 * 1024


def _sts_bucket(gateway, token: str) -> tuple[oss2.Bucket, dict]:
    creds = gateway.post("/aliyun/sts", json={}, headers=bearer(token)).json()
    auth = oss2.StsAuth(creds["accessKeyId"], creds["accessKeySecret"], creds["securityToken"])
    return oss2.Bucket(auth, creds["endpoint"], creds["bucket"]), creds


def _role_bucket(stack) -> oss2.Bucket:
    """The upload bucket with the function role's key (no session policy)."""
    auth = oss2.StsAuth(ALIYUN_DEV.function_key_id, ALIYUN_DEV.function_key_secret, ALIYUN_DEV.function_token)
    return oss2.Bucket(auth, local_oss_endpoint(stack.emulator_url), ALIYUN_DEV.oss_bucket)


def _code(call) -> str:
    with pytest.raises(oss2.exceptions.OssError) as caught:
        call()
    return caught.value.code


def _upload_parts(bucket: oss2.Bucket, key: str, chunks: list[bytes]) -> tuple[str, list[PartInfo]]:
    upload_id = bucket.init_multipart_upload(key, headers={"Content-Type": "video/mp4"}).upload_id
    parts = [PartInfo(n, bucket.upload_part(key, upload_id, n, chunk).etag) for n, chunk in enumerate(chunks, 1)]
    return upload_id, parts


def test_multipart_upload_makes_the_object_with_the_multipart_etag_and_one_row(gateway, emulator, login, switch):
    token = login(fresh_name())
    bucket, creds = _sts_bucket(gateway, token)
    key = creds["prefix"] + "clips/long.mp4"
    chunks = [os.urandom(PART), os.urandom(PART + 7), b"tail"]
    upload_id, parts = _upload_parts(bucket, key, chunks)
    listed = bucket.list_parts(key, upload_id).parts
    assert [(p.part_number, p.size, p.etag) for p in listed] == [(p.part_number, len(c), p.etag)
                                                                 for p, c in zip(parts, chunks)]
    assert [p.etag for p in parts] == [hashlib.md5(c).hexdigest().upper() for c in chunks]  # noqa: S324
    result = bucket.complete_multipart_upload(key, upload_id, parts)
    expected = hashlib.md5(b"".join(hashlib.md5(c).digest() for c in chunks)).hexdigest().upper()  # noqa: S324
    assert result.status == 200 and result.etag == f"{expected}-3"
    row = wait_for_media(gateway, token, f"{creds['bucket']}/{key}", status="ready")
    assert row["size"] == sum(map(len, chunks)) and row["kind"] == "video"
    stored = httpx.get(row["playUrl"], timeout=10)  # the bucket is private: read through the signed URL
    assert stored.content == b"".join(chunks) and stored.headers["Content-Type"] == "video/mp4"
    # Completion fires once: a second Complete finds no upload, and only one trigger went out.
    assert _code(lambda: bucket.complete_multipart_upload(key, upload_id, parts)) == "NoSuchUpload"
    wait_idle(emulator)
    sent = [d for d in deliveries(emulator)["sent"] if key in d["notice"]]
    assert len(sent) == 1, sent


def test_complete_checks_part_etags_order_and_sizes(gateway, login, stack):
    bucket, creds = _sts_bucket(gateway, login(fresh_name()))
    key = creds["prefix"] + "bad/parts.mp4"
    upload_id, parts = _upload_parts(bucket, key, [os.urandom(PART), b"small", b"last"])
    wrong = [parts[0], PartInfo(2, "0" * 32), parts[2]]
    assert _code(lambda: bucket.complete_multipart_upload(key, upload_id, wrong)) == "InvalidPart"
    missing = [parts[0], PartInfo(9, parts[1].etag)]
    assert _code(lambda: bucket.complete_multipart_upload(key, upload_id, missing)) == "InvalidPart"
    # oss2 sorts the list it sends; a raw body in the wrong order is what OSS calls InvalidPartOrder.
    body = ("<CompleteMultipartUpload>" + "".join(
        f"<Part><PartNumber>{p.part_number}</PartNumber><ETag>\"{p.etag}\"</ETag></Part>"
        for p in (parts[1], parts[0])) + "</CompleteMultipartUpload>")
    with pytest.raises(oss2.exceptions.OssError) as caught:
        bucket._do("POST", bucket.bucket_name, key, params={"uploadId": upload_id}, data=body.encode())
    assert caught.value.code == "InvalidPartOrder"
    assert _code(lambda: bucket.complete_multipart_upload(key, upload_id, parts)) == "EntityTooSmall"
    with pytest.raises(oss2.exceptions.OssError) as caught:
        bucket._do("POST", bucket.bucket_name, key, params={"uploadId": upload_id}, data=b"<CompleteMultipartUpload><Part>")
    assert caught.value.code == "MalformedXML"
    assert _code(lambda: _role_bucket(stack).get_object(key)) == "NoSuchKey"  # nothing was stored


def test_abort_forgets_the_upload_and_its_parts(gateway, login):
    bucket, creds = _sts_bucket(gateway, login(fresh_name()))
    key = creds["prefix"] + "gone.mp4"
    upload_id, parts = _upload_parts(bucket, key, [os.urandom(PART), b"x"])
    assert bucket.abort_multipart_upload(key, upload_id).status == 204
    assert _code(lambda: bucket.list_parts(key, upload_id)) == "NoSuchUpload"
    assert _code(lambda: bucket.complete_multipart_upload(key, upload_id, parts)) == "NoSuchUpload"
    assert _code(lambda: bucket.upload_part(key, upload_id, 3, b"late")) == "NoSuchUpload"


def test_session_policy_bounds_multipart_like_put_object(gateway, login):
    name = fresh_name()
    bucket, creds = _sts_bucket(gateway, login(name))
    other = f"uploads/o-{fresh_name()}/stolen.mp4"
    assert _code(lambda: bucket.init_multipart_upload(other)) == "AccessDenied"
    # An upload id of this key used on another key is no upload at all.
    upload_id = bucket.init_multipart_upload(creds["prefix"] + "mine.mp4").upload_id
    assert _code(lambda: bucket.upload_part(other, upload_id, 1, b"x")) == "AccessDenied"
    assert _code(lambda: bucket.upload_part(creds["prefix"] + "elsewhere.mp4", upload_id, 1, b"x")) == "NoSuchUpload"
    # The upload key has no right to list the bucket's uploads (oss:ListMultipartUploads is not granted).
    assert _code(lambda: list(oss2.MultipartUploadIterator(bucket))) == "AccessDenied"


def test_the_account_lists_uploads_by_prefix_and_delimiter(stack):
    """With the function role's key (no session policy) ListMultipartUploads answers as OSS does."""
    bucket = _role_bucket(stack)
    root = f"listing/{fresh_name()}/"
    ids = {key: bucket.init_multipart_upload(root + key).upload_id for key in ("a.bin", "b.bin", "dir/c.bin")}
    listed = bucket.list_multipart_uploads(prefix=root, delimiter="/")
    assert [(u.key, u.upload_id) for u in listed.upload_list] == [(root + "a.bin", ids["a.bin"]),
                                                                  (root + "b.bin", ids["b.bin"])]
    assert listed.prefix_list == [root + "dir/"] and not listed.is_truncated
    page = bucket.list_multipart_uploads(prefix=root, max_uploads=1)
    assert page.is_truncated and [u.key for u in page.upload_list] == [root + "a.bin"]
    rest = bucket.list_multipart_uploads(prefix=root, key_marker=page.next_key_marker,
                                         upload_id_marker=page.next_upload_id_marker)
    assert [u.key for u in rest.upload_list] == [root + "b.bin", root + "dir/c.bin"]
    for key, upload_id in ids.items():
        bucket.abort_multipart_upload(root + key, upload_id)


def test_vod_upload_auth_completes_a_multipart_upload_and_the_video_is_ready(gateway, login, switch):
    token = login(fresh_name())
    data = os.urandom(PART) + b"end of video"
    answer = gateway.post("/aliyun/vod/upload-video", json={"title": "Long", "fileName": "long.mp4",
                                                            "fileSize": len(data)}, headers=bearer(token))
    video = answer.json()
    bucket, key = vod_bucket(video["uploadAddress"], video["uploadAuth"])
    assert _code(lambda: bucket.init_multipart_upload(key + ".other")) == "AccessDenied"
    upload_id, parts = _upload_parts(bucket, key, [data[:PART], data[PART:]])
    bucket.complete_multipart_upload(key, upload_id, parts)
    row = wait_for_media(gateway, token, video["videoId"], status="ready")
    assert row["size"] == len(data)
    cover = httpx.get(row["thumbnailUrl"], timeout=10)  # the announced cover loads (signed, as VOD's domain)
    assert cover.status_code == 200 and cover.headers["content-type"] == "image/jpeg"
    assert cover.content.startswith(b"\xff\xd8")


def test_complete_fires_the_callback_once_and_an_unpinned_one_is_refused(gateway, login, stack, switch):
    """The callback goes out on Complete, with the uploader's answer from it. A callback the server did not pin
    (an STS upload names its own) is refused, so OSS answers 203 CallbackFailed; the trigger records the object."""
    token = login(fresh_name())
    bucket, creds = _sts_bucket(gateway, token)
    key = creds["prefix"] + "2024/05/back.mp4"
    upload_id, parts = _upload_parts(bucket, key, [os.urandom(PART), b"jpeg tail"])
    spec = {"callbackUrl": f"{stack.gateway_url}/aliyun/oss/callback", "callbackBodyType": "application/json",
            "callbackBody": '{"bucket":"${bucket}","object":"${object}","etag":"${etag}","size":${size},'
                            '"mimeType":"${mimeType}"}'}
    headers = {"x-oss-callback": base64.b64encode(json.dumps(spec).encode()).decode()}
    try:
        answer = bucket.complete_multipart_upload(key, upload_id, parts, headers=headers)
        status, body = answer.status, answer.resp.read().decode()
    except oss2.exceptions.OssError as exc:
        status, body = exc.status, json.dumps(exc.details)
    assert status == 203 and "CallbackFailed" in body
    row = wait_for_media(gateway, token, f"{creds['bucket']}/{key}", status="ready")
    assert row["objectKey"] == key
