"""Emulated VOD playback reads: GetPlayInfo and GetImageInfo, answering URLs signed as the VOD domain signs them.

The emulator's VOD domain is its storage bucket, path-style; with a URL-signing
key configured (type A) the answered URLs carry an `auth_key` valid for
`AuthTimeout` seconds (default 1800), as VOD's are. The source file is the one
stream (the emulator does not transcode). A video with no uploaded file answers
`InvalidVideo.NoneStream`, as VOD does before a stream exists.
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlsplit

from devtools.emulator.aliyun.keys import AccessKey, permit_vod
from devtools.emulator.aliyun.state import AliyunState, RpcError
from devtools.emulator.cdn_url_auth import type_a_url

DEFAULT_AUTH_TIMEOUT = 1800


class VodPlayApi:
    def __init__(self, state: AliyunState, emulator: Any) -> None:
        self.state = state
        self.emulator = emulator

    def _permit(self, key: AccessKey, action: str) -> None:
        permit_vod(key, action)

    def _auth_timeout(self, params: dict[str, str]) -> int:
        raw = params.get("AuthTimeout") or str(DEFAULT_AUTH_TIMEOUT)
        if not raw.isdigit() or not 1 <= int(raw) <= 2_592_000:
            raise RpcError("InvalidParameter.AuthTimeout", "The AuthTimeout is invalid.")
        return int(raw)

    def _url(self, bucket: str, path: str, auth_timeout: int) -> str | None:
        if self.emulator.store.get(bucket, path) is None:
            return None
        url = f"{self.emulator.config.public_url.rstrip('/')}/{bucket}/{path}"
        config = self.emulator.config
        if not config.aliyun_vod_play_auth_key:
            return url
        stamp = int(time.time()) + auth_timeout - config.aliyun_vod_play_auth_validity
        return type_a_url(url, urlsplit(url).path, config.aliyun_vod_play_auth_key, stamp)

    def _media(self, media_id: str, kind: str, missing: str) -> Any:
        media = self.state.media.get(media_id)
        if media is None or media.kind != kind:
            raise RpcError(missing, f"The {kind} does not exist.", 404)
        return media

    def get_play_info(self, params: dict[str, str], key: AccessKey) -> dict[str, Any]:
        self._permit(key, "GetPlayInfo")
        media = self._media(params.get("VideoId", ""), "video", "InvalidVideo.NotFound")
        timeout = self._auth_timeout(params)
        play_url = self._url(media.bucket, media.key, timeout)
        if play_url is None:
            raise RpcError("InvalidVideo.NoneStream", "The video has no stream to play yet.", 404)
        ext = media.key.rsplit(".", 1)[-1].lower()
        cover = self._url(media.bucket, f"snapshot/{media.media_id}/cover-00001.jpg", timeout)
        stream = {"PlayURL": play_url, "Format": ext, "Definition": "OD", "Status": "Normal",
                  "Size": self.emulator.store.get(media.bucket, media.key)[0].size, "StreamType": "video"}
        return {"PlayInfoList": {"PlayInfo": [stream]},
                "VideoBase": {"VideoId": media.media_id, "Title": media.params.get("Title", ""),
                              "Status": "Normal", "MediaType": "video", **({"CoverURL": cover} if cover else {})}}

    def get_image_info(self, params: dict[str, str], key: AccessKey) -> dict[str, Any]:
        self._permit(key, "GetImageInfo")
        media = self._media(params.get("ImageId", ""), "image", "InvalidImage.NotFound")
        url = self._url(media.bucket, media.key, self._auth_timeout(params))
        if url is None:
            raise RpcError("InvalidImage.NotFound", "The image has not been uploaded.", 404)
        stored = self.emulator.store.get(media.bucket, media.key)[0]
        created = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(media.created_at))
        # Field names from the SDK's GetImageInfoResponseBody model; Mezzanine.FileSize is a string there.
        return {"ImageInfo": {"ImageId": media.media_id, "URL": url, "Status": "Normal",
                              "Title": media.params.get("Title", ""), "ImageType": media.params.get("ImageType", ""),
                              "Tags": media.params.get("Tags", ""), "CreationTime": created,
                              "StorageLocation": f"{media.bucket}.oss-{self.state.dev.region}.aliyuncs.com",
                              "AppId": media.params.get("AppId", "app-1000000"), "CateId": 0,
                              "Mezzanine": {"FileURL": url, "FileSize": str(stored.size),
                                            "OriginalFileName": media.key.rsplit("/", 1)[-1]}}}

    def handlers(self) -> dict[tuple[str, str], Any]:
        return {("vod", "GetPlayInfo"): self.get_play_info, ("vod", "GetImageInfo"): self.get_image_info}
