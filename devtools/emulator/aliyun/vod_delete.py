"""Emulated VOD media deletion: DeleteVideo and DeleteImage (`2017-03-21`).

DeleteVideo takes up to 20 comma-separated `VideoIds` and answers the ones it
does not know in `NonExistVideoIds` (no error), removing each video's source
file and snapshots. DeleteImage is emulated for `DeleteImageType` ImageId and
ImageURL (up to 20 each); removing an image that is already gone answers
success, as deleting is. Neither action supports resource-level authorisation:
the key's policy must allow the action on `*`.
"""

from __future__ import annotations

from typing import Any

from devtools.emulator.aliyun.keys import AccessKey, permit_vod
from devtools.emulator.aliyun.state import AliyunState, RpcError, VodMedia
from devtools.emulator.aliyun.vod_snapshots import cover_key

MAX_IDS = 20


def _ids(raw: str, name: str) -> list[str]:
    ids = [part.strip() for part in raw.split(",") if part.strip()]
    if not ids:
        raise RpcError("MissingParameter", f"The input parameter \"{name}\" that is mandatory for processing "
                                           "this request is not supplied.")
    if len(ids) > MAX_IDS:
        raise RpcError("InvalidParameter", f"The {name} may name at most {MAX_IDS} items.")
    return ids


class VodDeleteApi:
    def __init__(self, state: AliyunState, emulator: Any) -> None:
        self.state = state
        self.emulator = emulator

    def _permit(self, key: AccessKey, action: str) -> None:
        permit_vod(key, action)

    def _remove(self, media: VodMedia) -> None:
        with self.state.lock:
            self.state.media.pop(media.media_id, None)
        self.emulator.store.delete(media.bucket, media.key)
        self.emulator.store.delete(media.bucket, cover_key(media.media_id))

    def delete_video(self, params: dict[str, str], key: AccessKey) -> dict[str, Any]:
        self._permit(key, "DeleteVideo")
        missing = []
        for video_id in _ids(params.get("VideoIds", ""), "VideoIds"):
            media = self.state.media.get(video_id)
            if media is None or media.kind != "video":
                missing.append(video_id)
            else:
                self._remove(media)
        return {"NonExistVideoIds": missing, "ForbiddenVideoIds": []}

    def delete_image(self, params: dict[str, str], key: AccessKey) -> dict[str, Any]:
        self._permit(key, "DeleteImage")
        kind = params.get("DeleteImageType", "")
        if kind == "ImageId":
            found = [self.state.media.get(i) for i in _ids(params.get("ImageIds", ""), "ImageIds")]
        elif kind == "ImageURL":
            prefix = f"{self.emulator.config.public_url.rstrip('/')}/"
            urls = _ids(params.get("ImageURLs", ""), "ImageURLs")
            found = [self.state.media_at(*url[len(prefix):].split("?", 1)[0].split("/", 1))
                     for url in urls if url.startswith(prefix) and "/" in url[len(prefix):]]
        elif kind == "VideoId":
            raise RpcError("InvalidParameter", "DeleteImageType VideoId (snapshots) is not emulated.")
        else:
            raise RpcError("InvalidParameter", "The DeleteImageType must be ImageId, ImageURL or VideoId.")
        for media in found:
            if media is not None and media.kind == "image":
                self._remove(media)
        return {}

    def handlers(self) -> dict[tuple[str, str], Any]:
        return {("vod", "DeleteVideo"): self.delete_video, ("vod", "DeleteImage"): self.delete_image}
