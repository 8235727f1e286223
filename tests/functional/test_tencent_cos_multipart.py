"""COS multipart uploads on the emulator, driven by cos-python-sdk-v5 with /tencent/cos/sts keys."""

from __future__ import annotations

import hashlib

import pytest
from qcloud_cos.cos_exception import CosServiceError

from tests.conftest import bearer
from tests.functional.media_rows import repo
from tests.functional.notices_support import switch, wait_for_media, wait_idle  # noqa: F401
from tests.functional.tencent_support import cos_client, fresh_user

MB = 1024 * 1024


def _keys(gateway, login):
    token = login(fresh_user())
    body = gateway.post("/tencent/cos/sts", json={}, headers=bearer(token)).json()
    creds = body["credentials"]
    return token, body, creds


def _client(stack, body, creds):
    return cos_client(stack.emulator_url, body["region"], creds["tmpSecretId"], creds["tmpSecretKey"],
                      creds["sessionToken"])


def _list_uploads(client, bucket: str, prefix: str) -> dict:
    # Every parameter given: cos-python-sdk-v5 signs unset ones as "None" but leaves them out of the URL.
    return client.list_multipart_uploads(Bucket=bucket, Prefix=prefix, Delimiter="", KeyMarker="",
                                         UploadIdMarker="", MaxUploads=1000)


def _code(call) -> str:
    with pytest.raises(CosServiceError) as refused:
        call()
    return refused.value.get_error_code()


def test_multipart_upload_completes_once_with_the_cos_multipart_etag(gateway, emulator, login, stack, switch):
    token, body, creds = _keys(gateway, login)
    client, bucket, key = _client(stack, body, creds), body["bucket"], body["prefix"] + "clip.mp4"
    parts = [b"a" * MB, b"b" * MB, b"tail"]
    upload_id = client.create_multipart_upload(Bucket=bucket, Key=key, ContentType="video/mp4")["UploadId"]
    listed = _list_uploads(client, bucket, body["prefix"])
    assert [u["UploadId"] for u in listed["Upload"]] == [upload_id]
    etags = [client.upload_part(Bucket=bucket, Key=key, Body=data, PartNumber=n, UploadId=upload_id)["ETag"]
             for n, data in enumerate(parts, 1)]
    assert etags == [f'"{hashlib.md5(data).hexdigest()}"' for data in parts]
    assert [p["Size"] for p in client.list_parts(Bucket=bucket, Key=key, UploadId=upload_id)["Part"]] == \
        [str(len(p)) for p in parts]
    assert stack.emulator.store.get(bucket, key) is None  # nothing exists before Complete
    done = client.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=upload_id, MultipartUpload={
        "Part": [{"PartNumber": n, "ETag": etag} for n, etag in enumerate(etags, 1)]})
    expected = hashlib.md5(b"".join(hashlib.md5(p).digest() for p in parts)).hexdigest() + "-3"
    assert done["ETag"] == f'"{expected}"' and done["Key"] == key
    stored, data = stack.emulator.store.get(bucket, key)
    assert data == b"".join(parts) and stored.content_type == "video/mp4" and stored.etag == expected
    row = wait_for_media(gateway, token, f"{bucket}/{key}", status="ready")
    assert row["size"] == len(data)
    # The upload id is spent: completing again is refused and records nothing twice.
    assert _code(lambda: client.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=upload_id,
                                                          MultipartUpload={"Part": [{"PartNumber": 1,
                                                                                     "ETag": etags[0]}]})) == \
        "NoSuchUpload"
    wait_idle(emulator)
    events = repo().db.query("SELECT event_type FROM {events} WHERE media_id = ?", (f"{bucket}/{key}",))
    assert [e["event_type"] for e in events] == ["cos:ObjectCreated:CompleteMultipartUpload"]


@pytest.mark.parametrize("listing, code", [
    (lambda etags: [(2, etags[1]), (1, etags[0])], "InvalidPartOrder"),
    (lambda etags: [(1, '"' + "0" * 32 + '"'), (2, etags[1])], "InvalidPart"),
    (lambda etags: [(1, etags[0]), (3, etags[1])], "InvalidPart"),
])
def test_complete_checks_the_part_list(gateway, login, stack, listing, code):
    _, body, creds = _keys(gateway, login)
    client, bucket, key = _client(stack, body, creds), body["bucket"], body["prefix"] + "big.mp4"
    upload_id = client.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]
    etags = [client.upload_part(Bucket=bucket, Key=key, Body=b"x" * MB, PartNumber=n, UploadId=upload_id)["ETag"]
             for n in (1, 2)]
    parts = [{"PartNumber": n, "ETag": e} for n, e in listing(etags)]
    assert _code(lambda: client.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=upload_id,
                                                          MultipartUpload={"Part": parts})) == code
    assert stack.emulator.store.get(bucket, key) is None


def test_parts_below_1_mb_except_the_last_are_too_small(gateway, login, stack):
    _, body, creds = _keys(gateway, login)
    client, bucket, key = _client(stack, body, creds), body["bucket"], body["prefix"] + "small.mp4"
    upload_id = client.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]
    etags = [client.upload_part(Bucket=bucket, Key=key, Body=b"s" * 1000, PartNumber=n, UploadId=upload_id)["ETag"]
             for n in (1, 2)]
    parts = [{"PartNumber": n, "ETag": e} for n, e in enumerate(etags, 1)]
    assert _code(lambda: client.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=upload_id,
                                                          MultipartUpload={"Part": parts})) == "EntityTooSmall"


def test_abort_drops_the_upload(gateway, login, stack):
    _, body, creds = _keys(gateway, login)
    client, bucket, key = _client(stack, body, creds), body["bucket"], body["prefix"] + "gone.mp4"
    upload_id = client.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]
    client.upload_part(Bucket=bucket, Key=key, Body=b"x", PartNumber=1, UploadId=upload_id)
    client.abort_multipart_upload(Bucket=bucket, Key=key, UploadId=upload_id)
    assert _code(lambda: client.list_parts(Bucket=bucket, Key=key, UploadId=upload_id)) == "NoSuchUpload"
    assert _list_uploads(client, bucket, body["prefix"]).get("Upload") in (None, [])


def test_multipart_outside_the_prefix_is_refused(gateway, login, stack):
    _, body, creds = _keys(gateway, login)
    client, bucket = _client(stack, body, creds), body["bucket"]
    for outside in ("uploads/o-someone-else/clip.mp4", "clip.mp4"):
        assert _code(lambda: client.create_multipart_upload(Bucket=bucket, Key=outside)) == "AccessDenied"
    assert _code(lambda: _list_uploads(client, bucket, "uploads/")) == "AccessDenied"
    # Another user's upload id cannot be used from inside one's own prefix either.
    _, other_body, other_creds = _keys(gateway, login)
    other = _client(stack, other_body, other_creds)
    other_key = other_body["prefix"] + "theirs.mp4"
    upload_id = other.create_multipart_upload(Bucket=bucket, Key=other_key)["UploadId"]
    assert _code(lambda: client.upload_part(Bucket=bucket, Key=other_key, Body=b"x", PartNumber=1,
                                            UploadId=upload_id)) == "AccessDenied"
    assert _code(lambda: client.upload_part(Bucket=bucket, Key=body["prefix"] + "mine.bin", Body=b"x",
                                            PartNumber=1, UploadId=upload_id)) == "NoSuchUpload"
