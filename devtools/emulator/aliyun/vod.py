"""Emulated VOD upload APIs: CreateUploadVideo, RefreshUploadVideo, CreateUploadImage.

Each answer carries the real Base64-JSON `UploadAddress` / `UploadAuth` pair,
pointing at the emulated OSS with a temporary key that may only write that one object.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import uuid
from datetime import datetime, timezone
from typing import Any

from devtools.emulator.aliyun.config import local_oss_endpoint
from devtools.emulator.aliyun.keys import AccessKey, permit_vod
from devtools.emulator.aliyun.state import AliyunState, RpcError, VodMedia

UPLOAD_AUTH_SECONDS = 3000
VIDEO_EXTENSIONS = set("3gp asf avi dat dv flv f4v gif m2t m4v mj2 mjpeg mkv mov mp4 mpe mpg mpeg mts ogg qt rm "
                       "rmvb swf ts vob wmv webm aac ac3 acm amr ape caf flac m4a mp3 ra wav wma".split())
IMAGE_EXTENSIONS = {"png", "jpg", "jpeg", "gif", "heic", "webp"}
_EMOJI = re.compile("[\U00010000-\U0010ffff\u2600-\u27bf\u2b00-\u2bff\ufe0f\u200d]")


def _b64json(value: dict[str, Any]) -> str:
    return base64.b64encode(json.dumps(value, separators=(",", ":")).encode()).decode()


class VodApi:
    def __init__(self, state: AliyunState, public_url: str) -> None:
        self.state = state
        self.public_url = public_url.rstrip("/")

    # -- shared checks -------------------------------------------------------
    def _permit(self, key: AccessKey, action: str) -> None:
        permit_vod(key, action)

    def _check_common(self, params: dict[str, str]) -> None:
        for name, limit in (("Title", 128), ("Description", 1024)):
            value = params.get(name, "")
            if _EMOJI.search(value):
                raise RpcError("IllegalCharacters", f"The {name} contains illegal characters.")
            if len(value) > limit:
                raise RpcError("LengthExceededMax", f"The {name} exceeds the maximum length {limit}.")
        tags = [t for t in params.get("Tags", "").split(",") if t]
        if len(tags) > 16 or any(len(t) > 32 for t in tags):
            raise RpcError("TagsExceededMax", "The number or length of tags exceeds the maximum.")
        if any(_EMOJI.search(t) for t in tags):
            raise RpcError("IllegalCharacters", "The Tags contain illegal characters.")
        if "UserData" in params:
            try:
                data = json.loads(params["UserData"])
            except ValueError:
                raise RpcError("InvalidParameter.UserData", "The UserData is not valid JSON.") from None
            extend = data.get("Extend") if isinstance(data, dict) else None
            if extend is not None and len(json.dumps(extend).encode()) > 512:
                raise RpcError("InvalidParameter.UserData", "The UserData.Extend exceeds 512 bytes.")
        location = params.get("StorageLocation")
        if location and location != self._storage_location:
            raise RpcError("InvalidStorage.NotFound", "The storage location does not exist.", 404)

    @property
    def _storage_location(self) -> str:
        return f"{self.state.dev.vod_bucket}.oss-{self.state.dev.region}.aliyuncs.com"

    def _upload_pair(self, media: VodMedia) -> dict[str, str]:
        policy = {"Version": "1", "Statement": [{
            "Effect": "Allow", "Resource": [f"acs:oss:*:*:{media.bucket}/{media.key}"],
            "Action": ["oss:PutObject", "oss:InitiateMultipartUpload", "oss:UploadPart",
                       "oss:CompleteMultipartUpload", "oss:AbortMultipartUpload", "oss:ListParts"]}]}
        key = self.state.keys.issue(duration=UPLOAD_AUTH_SECONDS, policy=policy, policy_text=json.dumps(policy),
                                    session_name=f"vod-{media.media_id}", purpose="vod-upload-auth")
        expires = datetime.fromtimestamp(key.expires_at or 0, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        address = {"Endpoint": local_oss_endpoint(self.public_url, self.state.dev), "Bucket": media.bucket,
                   "FileName": media.key}
        auth = {"SecurityToken": key.token, "AccessKeyId": key.key_id, "ExpireUTCTime": expires,
                "AccessKeySecret": key.secret, "Expiration": str(UPLOAD_AUTH_SECONDS),
                "Region": self.state.dev.region}
        return {"UploadAddress": _b64json(address), "UploadAuth": _b64json(auth)}

    def _new_media(self, kind: str, key: str, params: dict[str, str]) -> VodMedia:
        media = VodMedia(uuid.uuid4().hex, kind, self.state.dev.vod_bucket, key, dict(params))
        with self.state.lock:
            self.state.media[media.media_id] = media
        return media

    # -- actions -----------------------------------------------------------------
    def create_upload_video(self, params: dict[str, str], key: AccessKey) -> dict[str, Any]:
        self._permit(key, "CreateUploadVideo")
        if not params.get("Title"):
            raise RpcError("MissingTitle", "Title is mandatory for this action.")
        file_name = params.get("FileName", "")
        if not file_name:
            raise RpcError("MissingFileName", "FileName is mandatory for this action.")
        ext = file_name.rsplit(".", 1)[1].lower() if "." in file_name.strip(".") else ""
        if ext not in VIDEO_EXTENSIONS:
            raise RpcError("InvalidFileName.Extension", "The file extension is not supported.")
        self._check_common(params)
        stamp = f"{secrets.token_hex(4)}-{secrets.token_hex(5)}"
        media = self._new_media("video", f"sv/{stamp}/{stamp}.{ext}", params)
        return {"VideoId": media.media_id, **self._upload_pair(media)}

    def refresh_upload_video(self, params: dict[str, str], key: AccessKey) -> dict[str, Any]:
        self._permit(key, "RefreshUploadVideo")
        media = self.state.media.get(params.get("VideoId", ""))
        if media is None or media.kind != "video":
            raise RpcError("InvalidVideo.NotFound", "The video does not exist.", 404)
        media.refreshed += 1
        return {"VideoId": media.media_id, **self._upload_pair(media)}

    def create_upload_image(self, params: dict[str, str], key: AccessKey) -> dict[str, Any]:
        self._permit(key, "CreateUploadImage")
        if params.get("ImageType") not in ("default", "cover"):
            raise RpcError("InvalidParameter.ImageType", "The ImageType must be default or cover.")
        ext = (params.get("ImageExt") or "png").lower()
        if ext not in IMAGE_EXTENSIONS:
            raise RpcError("InvalidParameter.ImageExt", "The ImageExt is not supported.")
        self._check_common(params)
        media = self._new_media("image", f"image/{params['ImageType']}/{uuid.uuid4().hex.upper()}.{ext}", params)
        url = f"{self.public_url}/{media.bucket}/{media.key}"
        return {"ImageId": media.media_id, "ImageURL": url, "FileURL": url, **self._upload_pair(media)}

    def handlers(self) -> dict[tuple[str, str], Any]:
        return {("vod", "CreateUploadVideo"): self.create_upload_video,
                ("vod", "RefreshUploadVideo"): self.refresh_upload_video,
                ("vod", "CreateUploadImage"): self.create_upload_image}
