"""Removing a media row's content from its cloud: OSS/COS DeleteObject, Aliyun VOD DeleteVideo/DeleteImage,
Tencent VOD DeleteMedia.

Every removal is idempotent: an object or media the cloud no longer has counts as
removed (OSS/COS answer 204 or 404, DeleteVideo lists it in NonExistVideoIds,
DeleteMedia answers ResourceNotFound.FileNotExist). Object-storage removals are
limited to the configured bucket's upload prefix, what the function's role may
delete. Each call uses the deployment's endpoint settings and timeouts.
"""

from __future__ import annotations

from email.utils import formatdate
from typing import Any
from urllib.parse import quote, urlsplit

from upvend import outbound, settings, uploads  # noqa: F401 (uploads declares UPLOAD_PREFIX)
from upvend.errors import Conflict, UpvendError
from upvend.role_keys import has_role_key
from upvend.storage.media import MediaRecord

_TENCENT_GONE = "ResourceNotFound.FileNotExist"


class NotRemovableHere(Conflict):
    """The row's content lives where this function may not delete (another cloud, bucket or prefix)."""

    code = "not_removable_here"


def _in_upload_prefix(bucket: str | None, key: str | None, configured: str) -> bool:
    return bucket == configured and bool(key) and key.startswith(settings.get("UPLOAD_PREFIX") + "/")


def _delete_oss_object(record: MediaRecord) -> None:
    from upvend.aliyun.credentials import function_credentials
    from upvend.aliyun.oss_head import object_url, v1_authorization

    credentials = function_credentials()
    headers = {"Date": formatdate(usegmt=True)}
    if credentials.security_token:
        headers["x-oss-security-token"] = credentials.security_token
    headers["Authorization"] = v1_authorization(credentials, "DELETE", record.bucket, record.object_key, headers)
    outbound.delete(object_url(record.bucket, record.object_key), headers=headers, service="OSS",
                    timeout=settings.get("ALIYUN_TIMEOUT_SECONDS"))


def _delete_cos_object(record: MediaRecord) -> None:
    import time

    from upvend.playback.cos_url import request_signature
    from upvend.tencent.config import cos_target, role_credentials

    credentials, base = role_credentials(), cos_target().base_url.rstrip("/")
    now = int(time.time())
    key_time = f"{now - 60};{now + 600}"
    signed = {"host": urlsplit(base).netloc}
    signature = request_signature(credentials.secret_key, key_time, "delete", "/" + record.object_key, {}, signed)
    auth = (f"q-sign-algorithm=sha1&q-ak={credentials.secret_id}&q-sign-time={key_time}&q-key-time={key_time}"
            f"&q-header-list=host&q-url-param-list=&q-signature={signature}")
    headers = {"Authorization": auth}
    if credentials.token:
        headers["x-cos-security-token"] = credentials.token
    outbound.delete(f"{base}/{quote(record.object_key, safe='/-_.~')}", headers=headers, service="COS",
                    timeout=settings.get("TENCENT_TIMEOUT_SECONDS"))


def _delete_aliyun_vod(record: MediaRecord) -> None:
    from upvend.aliyun import rpc
    from upvend.aliyun.config import vod_endpoint
    from upvend.aliyun.credentials import function_credentials

    def build() -> Any:
        if record.kind == "image":
            from aliyunsdkvod.request.v20170321.DeleteImageRequest import DeleteImageRequest
            request = DeleteImageRequest()
            request.set_DeleteImageType("ImageId")
            request.set_ImageIds(record.media_id)
            return request
        from aliyunsdkvod.request.v20170321.DeleteVideoRequest import DeleteVideoRequest
        request = DeleteVideoRequest()
        request.set_VideoIds(record.media_id)
        return request

    rpc.call("VOD", vod_endpoint(), function_credentials(), build)


def _delete_tencent_vod(record: MediaRecord) -> None:
    from tencentcloud.vod.v20180717 import models

    from upvend.tencent import config as tencent_config
    from upvend.tencent.api import call_tencent, sdk_client

    client = sdk_client("tencentcloud.vod.v20180717.vod_client.VodClient", "TENCENT_VOD_API_ENDPOINT",
                        tencent_config.role_credentials(), "")
    request = models.DeleteMediaRequest()
    request.FileId = record.media_id
    if settings.get("TENCENT_VOD_SUB_APP_ID"):
        request.SubAppId = settings.get("TENCENT_VOD_SUB_APP_ID")
    try:
        call_tencent("VOD", "DeleteMedia", lambda: client.DeleteMedia(request))
    except UpvendError as exc:
        if not (isinstance(exc.details, dict) and exc.details.get("tencentCode") == _TENCENT_GONE):
            raise


def _remover(record: MediaRecord) -> Any:
    """The removal that applies to the row, or NotRemovableHere."""
    if not has_role_key(record.provider):
        raise NotRemovableHere(f"This media is on {record.provider.title()} Cloud: delete it through the API "
                               "deployed there.")
    stored_object = bool(record.bucket and record.object_key)
    if record.provider == "aliyun" and stored_object:
        configured = settings.get("ALIYUN_OSS_BUCKET")
    elif record.provider == "tencent" and stored_object:
        from upvend.tencent.config import cos_target
        configured = cos_target().bucket
    else:
        return _delete_aliyun_vod if record.provider == "aliyun" else _delete_tencent_vod
    if not _in_upload_prefix(record.bucket, record.object_key, configured):
        raise NotRemovableHere("This object is outside the upload bucket and prefix this API may delete from.")
    return _delete_oss_object if record.provider == "aliyun" else _delete_cos_object


def remove_from_cloud(record: MediaRecord) -> None:
    """Delete the row's object or VOD media; an already deleted one counts as done."""
    _remover(record)(record)
