"""VOD upload credentials: CreateUploadVideo, RefreshUploadVideo, CreateUploadImage.

Server settings (template group or workflow, category, storage location, app)
are never taken from the client. The caller's user id goes into
`UserData.Extend`, so completion events can be attributed to the uploader.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Optional

from pydantic import BaseModel

from upvend import settings
from upvend.aliyun import rpc
from upvend.aliyun.config import vod_endpoint
from upvend.aliyun.credentials import AliyunCredentials
from upvend.aliyun.times import iso_z, parse_utc
from upvend.errors import BadRequest, UpstreamError, ValidationFailed
from upvend.uploads import UploadRule, extension_of, upload_rule

UPLOAD_AUTH_SECONDS = 3000  # VOD's documented lifetime of an UploadAuth
MAX_EXTEND_BYTES = 512


@dataclass(frozen=True)
class VodUpload:
    """What VOD answered: the media id and the two Base64 blobs, passed on unchanged."""

    media_id: str
    upload_address: str
    upload_auth: str
    request_id: str
    expires_at: datetime
    image_url: str | None = None

    def to_json(self, id_field: str) -> dict[str, Any]:
        """The answer body: the blobs exactly as VOD returned them, expiry in UTC."""
        body = {id_field: self.media_id, "uploadAddress": self.upload_address, "uploadAuth": self.upload_auth,
                "requestId": self.request_id, "expiresAt": iso_z(self.expires_at)}
        if self.image_url is not None:
            body["imageUrl"] = self.image_url
        return body


class VodUploadAnswer(BaseModel):
    """The body of the video routes; the Base64 blobs go to the VOD upload SDK unchanged."""

    videoId: str
    uploadAddress: str
    uploadAuth: str
    requestId: str
    expiresAt: str


class VodImageAnswer(BaseModel):
    """The body of the image route."""

    imageId: str
    uploadAddress: str
    uploadAuth: str
    requestId: str
    expiresAt: str
    imageUrl: Optional[str] = None


def media_rule(file_name: str, size: int | None) -> UploadRule:
    """The upload rule of a video or audio file name (allow-list and size limit)."""
    rule = upload_rule(file_name, None, size)
    if rule.content_class not in ("video", "audio"):
        raise ValidationFailed(f"fileName must be a video or audio file, not '.{rule.extension}'.",
                               code="extension_not_allowed")
    return rule


def user_data(user_id: str) -> str:
    """`UserData` JSON whose `Extend` names the uploader (VOD echoes Extend in its events)."""
    extend = {"uid": user_id}
    if len(json.dumps(extend, separators=(",", ":")).encode()) > MAX_EXTEND_BYTES:
        raise BadRequest("The user id is too long for VOD's UserData.Extend.", code="user_id_too_long")
    return json.dumps({"Extend": extend}, separators=(",", ":"), ensure_ascii=False)


def upload_auth_expiry(upload_auth: str, now: datetime | None = None) -> datetime:
    """When an UploadAuth expires, read leniently from the blob (undocumented keys vary)."""
    now = now or datetime.now(timezone.utc)
    try:
        auth = json.loads(base64.b64decode(upload_auth))
    except (ValueError, TypeError):
        auth = {}
    auth = auth if isinstance(auth, dict) else {}
    for key in ("ExpireUTCTime", "Expiration"):
        value = str(auth.get(key) or "")
        if value.isascii() and value.isdigit():
            return now + timedelta(seconds=int(value))
        if value:
            try:
                return parse_utc(value)
            except ValueError:
                continue
    return now + timedelta(seconds=UPLOAD_AUTH_SECONDS)


def _server_settings(request: Any, *, video: bool) -> None:
    workflow = settings.get("ALIYUN_VOD_WORKFLOW_ID")
    template_group = settings.get("ALIYUN_VOD_TEMPLATE_GROUP_ID")
    if video and workflow:
        request.set_WorkflowId(workflow)
    elif video and template_group:
        request.set_TemplateGroupId(template_group)
    for name, setter in (("ALIYUN_VOD_CATE_ID", "set_CateId"), ("ALIYUN_VOD_STORAGE_LOCATION", "set_StorageLocation"),
                         ("ALIYUN_VOD_APP_ID", "set_AppId")):
        value = settings.get(name)
        if value is not None:
            getattr(request, setter)(value)


def _answer(answer: dict[str, Any], id_field: str, image: bool = False) -> VodUpload:
    try:
        upload = VodUpload(answer[id_field], answer["UploadAddress"], answer["UploadAuth"],
                           str(answer.get("RequestId") or ""), upload_auth_expiry(answer["UploadAuth"]),
                           answer.get("ImageURL") if image else None)
    except (KeyError, TypeError):
        raise UpstreamError(f"VOD answered without {id_field}, UploadAddress or UploadAuth.") from None
    return upload


def _call(credentials: AliyunCredentials, build: Callable[[], Any]) -> dict[str, Any]:
    return rpc.call("VOD", vod_endpoint(), credentials, build)


def create_upload_video(credentials: AliyunCredentials, user_id: str, *, title: str, file_name: str,
                        file_size: int | None, description: str | None, tags: list[str] | None,
                        cover_url: str | None) -> VodUpload:
    """CreateUploadVideo for the caller."""
    def build() -> Any:
        from aliyunsdkvod.request.v20170321.CreateUploadVideoRequest import CreateUploadVideoRequest
        request = CreateUploadVideoRequest()
        request.set_Title(title)
        request.set_FileName(file_name)
        if file_size is not None:
            request.set_FileSize(file_size)
        if description:
            request.set_Description(description)
        if tags:
            request.set_Tags(",".join(tags))
        if cover_url:
            request.set_CoverURL(cover_url)
        request.set_UserData(user_data(user_id))
        _server_settings(request, video=True)
        return request

    return _answer(_call(credentials, build), "VideoId")


def refresh_upload_video(credentials: AliyunCredentials, video_id: str) -> VodUpload:
    """RefreshUploadVideo: a fresh UploadAuth for the same address (ownership checked by the caller)."""
    def build() -> Any:
        from aliyunsdkvod.request.v20170321.RefreshUploadVideoRequest import RefreshUploadVideoRequest
        request = RefreshUploadVideoRequest()
        request.set_VideoId(video_id)
        return request

    return _answer(_call(credentials, build), "VideoId")


def create_upload_image(credentials: AliyunCredentials, user_id: str, *, image_type: str, image_ext: str,
                        title: str | None, tags: list[str] | None) -> VodUpload:
    """CreateUploadImage for the caller."""
    def build() -> Any:
        from aliyunsdkvod.request.v20170321.CreateUploadImageRequest import CreateUploadImageRequest
        request = CreateUploadImageRequest()
        request.set_ImageType(image_type)
        request.set_ImageExt(image_ext)
        if title:
            request.set_Title(title)
        if tags:
            request.set_Tags(",".join(tags))
        request.set_UserData(user_data(user_id))
        _server_settings(request, video=False)
        return request

    return _answer(_call(credentials, build), "ImageId", image=True)
