"""A ready OSS PostObject form for a VOD upload address, signed with the upload credential VOD returned.

Aliyun's mini-program upload SDK is not on a package registry; with this form a
client needs nothing but `wx.uploadFile` (or an HTML form). The form is signed
here, on the server, with the temporary key inside `UploadAuth` (an STS key:
PostObject takes it with the `x-oss-security-token` field), and its V4 policy
pins the bucket, the one object key VOD chose, the exact size and the
Content-Type. VOD sees the object arrive as it does for a PUT, and its events
complete the media row; no OSS upload callback is attached.
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Optional

from pydantic import BaseModel

from upvend import settings
from upvend.aliyun.config import Endpoint, bucket_url, region
from upvend.aliyun.credentials import AliyunCredentials
from upvend.aliyun.oss_policy import OssPostPolicy
from upvend.aliyun.vod import VodImageAnswer, VodUpload, VodUploadAnswer
from upvend.errors import UpstreamError

# Fewer seconds than this left on the UploadAuth: the form would expire before a slow upload finished.
MIN_FORM_SECONDS = 60


class PostObjectForm(BaseModel):
    """A form to post as is: `formData` fields first, then the file as `file`, to `host`."""

    host: str
    key: str
    expire: int
    formData: dict[str, str]


@dataclass(frozen=True)
class VodUploadTarget:
    """The decoded `UploadAddress` / `UploadAuth` pair: where the object goes and the key that may write it."""

    endpoint: Endpoint
    bucket: str
    key: str
    credentials: AliyunCredentials
    region: str


def _blob(text: str, name: str) -> dict[str, Any]:
    try:
        value = json.loads(base64.b64decode(text, validate=True))
    except (ValueError, TypeError):
        value = None
    if not isinstance(value, dict):
        raise UpstreamError(f"VOD answered a {name} that is not Base64 JSON.")
    return value


def _region_of(auth: dict[str, Any], endpoint: Endpoint) -> str:
    """The OSS region to sign for: UploadAuth's `Region`, else the `oss-<region>` endpoint host, else VOD's."""
    named = str(auth.get("Region") or "")
    if re.fullmatch(r"[a-z]{2}-[a-z0-9-]+", named):
        return named
    host = re.match(r"oss-([a-z]{2}-[a-z0-9-]+?)(?:-internal)?\.", endpoint.netloc)
    return host.group(1) if host else region()


def vod_upload_target(upload: VodUpload) -> VodUploadTarget:
    """Decode what VOD answered (undocumented extra keys are ignored)."""
    address, auth = _blob(upload.upload_address, "UploadAddress"), _blob(upload.upload_auth, "UploadAuth")
    try:
        endpoint = Endpoint.parse(str(address["Endpoint"]))  # scheme and host only: a path is dropped
        bucket, key = str(address["Bucket"]), str(address["FileName"])
        credentials = AliyunCredentials(str(auth["AccessKeyId"]), str(auth["AccessKeySecret"]),
                                        str(auth.get("SecurityToken") or "") or None)
    except KeyError as missing:
        raise UpstreamError(f"VOD answered an upload pair without {missing.args[0]}.") from None
    if endpoint.scheme not in ("http", "https") or not endpoint.netloc:
        raise UpstreamError("VOD answered an UploadAddress without an http(s) Endpoint.")
    return VodUploadTarget(endpoint, bucket, key, credentials, _region_of(auth, endpoint))


def vod_post_form(upload: VodUpload, *, content_type: str, size: int,
                  now: datetime | None = None) -> PostObjectForm:
    """The signed form for this one upload; it expires with the policy setting or the UploadAuth, first."""
    now = now or datetime.now(timezone.utc)
    target = vod_upload_target(upload)
    seconds = int(min(settings.get("ALIYUN_POST_POLICY_SECONDS"), (upload.expires_at - now).total_seconds()))
    if seconds < MIN_FORM_SECONDS:
        raise UpstreamError("VOD answered an UploadAuth that expires too soon to sign a form with it.")
    policy = OssPostPolicy(bucket=target.bucket, key=target.key, content_type=content_type, max_bytes=size,
                           min_bytes=size, region=target.region, expires_in=seconds, now=now)
    return PostObjectForm(host=bucket_url(target.endpoint, target.bucket), key=target.key,
                          expire=int((now + timedelta(seconds=seconds)).timestamp()),
                          formData=policy.form_fields(target.credentials))


class VodVideoFormAnswer(VodUploadAnswer):
    """The video route's body; `postObject` when the caller asked for a form."""

    postObject: Optional[PostObjectForm] = None


class VodImageFormAnswer(VodImageAnswer):
    """The image route's body; `postObject` when the caller asked for a form."""

    postObject: Optional[PostObjectForm] = None
