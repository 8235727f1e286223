"""Shared pieces of the Aliyun functional tests: fresh users, faults, decoded VOD blobs."""

from __future__ import annotations

import base64
import json
import uuid
from typing import Any

import httpx
import oss2


def fresh_name(prefix: str = "u") -> str:
    """A user nobody else in the run uses, so per-user caches start empty."""
    return f"{prefix}{uuid.uuid4().hex[:10]}"


def decode_blob(blob: str) -> dict[str, Any]:
    return json.loads(base64.b64decode(blob))


def inject_fault(emulator: httpx.Client, action: str, **fault: Any) -> None:
    response = emulator.post("/_emulator/aliyun/faults", json={"action": action, **fault})
    assert response.status_code == 200, response.text


def vod_bucket(upload_address: str, upload_auth: str) -> tuple[oss2.Bucket, str]:
    """An oss2 bucket signed with a VOD UploadAuth, and the object key VOD chose."""
    address, auth = decode_blob(upload_address), decode_blob(upload_auth)
    creds = oss2.StsAuth(auth["AccessKeyId"], auth["AccessKeySecret"], auth["SecurityToken"])
    return oss2.Bucket(creds, address["Endpoint"], address["Bucket"]), address["FileName"]


VIDEO_BYTES = b"\x00\x00\x00\x18ftypmp42 emulated video"
IMAGE_BYTES = b"\xff\xd8\xff\xe0 emulated jpeg"


def vod_media(owner: str, kind: str = "video", *, data: bytes | None = None, row: bool = True,
              title: str = "cat") -> tuple[str, str]:
    """Media the emulated VOD knows, made as the credential functions make it: CreateUploadVideo /
    CreateUploadImage with the function's key (UserData naming `owner`), the `uploading` row (unless
    `row` is False), and the file uploaded with the UploadAuth (unless `data` is None: VOD then has no file).
    Returns (media id, "<bucket>/<object key>" of its file). Hold VOD's own callbacks (switch aliyunVodEvents=False) to post yours."""
    from upvend.aliyun.credentials import function_credentials
    from upvend.aliyun.media import record_vod_upload
    from upvend.aliyun.vod import create_upload_image, create_upload_video

    if kind == "video":
        upload = create_upload_video(function_credentials(), owner, title=title, file_name=f"{title}.mp4",
                                     file_size=None, description=None, tags=None, cover_url=None)
    else:
        upload = create_upload_image(function_credentials(), owner, image_type="default", image_ext="jpg",
                                     title=title, tags=None)
    if row:
        record_vod_upload(owner, upload.media_id, kind, title=title, auth_expires=upload.expires_at)
    bucket, key = vod_bucket(upload.upload_address, upload.upload_auth)
    if data is not None:
        assert bucket.put_object(key, data).status == 200
    return upload.media_id, f"{bucket.bucket_name}/{key}"
