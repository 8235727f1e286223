"""Emulated VOD media reads: GetVideoInfo (GetPlayInfo and GetImageInfo are in `vod_play`).

The answer has the shape of VOD's `Video` (field names from the SDK's
GetVideoInfoResponseBody model): VideoId, Title, Description, Tags, CateId,
Status, Size, CoverURL, CreationTime, ModificationTime, StorageLocation,
RegionId, AppId, TemplateGroupId, Snapshots and `UserData`, echoed as given to
CreateUploadVideo. Status is `Uploading` until the file is in storage, then
`Normal`: the emulator does not transcode, as with VOD's no-transcode template
group. It cannot decode media either, so `Duration` is absent.
"""

from __future__ import annotations

import time
from typing import Any

from devtools.emulator.aliyun.keys import AccessKey
from devtools.emulator.aliyun.state import AliyunState, RpcError
from devtools.emulator.aliyun.vod_snapshots import cover_key


def _utc(stamp: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(stamp))


class VodReadsApi:
    def __init__(self, state: AliyunState, emulator: Any) -> None:
        self.state = state
        self.emulator = emulator

    def get_video_info(self, params: dict[str, str], key: AccessKey) -> dict[str, Any]:
        if not key.allows("vod:GetVideoInfo", "*"):
            raise RpcError("Forbidden.RAM", "User not authorized to operate on the specified resource "
                                            "(vod:GetVideoInfo).", 403)
        if not params.get("VideoId"):
            raise RpcError("MissingVideoId", "VideoId is mandatory for this action.")
        media = self.state.media.get(params["VideoId"])
        if media is None or media.kind != "video":
            raise RpcError("InvalidVideo.NotFound", "The video does not exist.", 404)
        found = self.emulator.store.get(media.bucket, media.key)
        base = f"{self.emulator.config.public_url.rstrip('/')}/{media.bucket}"
        video: dict[str, Any] = {
            "VideoId": media.media_id, "Title": media.params.get("Title", ""),
            "Description": media.params.get("Description", ""), "Tags": media.params.get("Tags", ""),
            "Status": "Normal" if found else "Uploading", "CreationTime": _utc(media.created_at),
            "ModificationTime": _utc(media.created_at),
            "StorageLocation": f"{media.bucket}.oss-{self.state.dev.region}.aliyuncs.com",
            "RegionId": self.state.dev.region, "AppId": media.params.get("AppId", "app-1000000"),
            "CateId": int(media.params["CateId"]) if media.params.get("CateId", "").isdigit() else 0,
            "TemplateGroupId": media.params.get("TemplateGroupId", ""), "AuditStatus": "Normal",
            "StorageClass": "Standard", "DownloadSwitch": "off", "Snapshots": {"Snapshot": []},
        }
        if "UserData" in media.params:
            video["UserData"] = media.params["UserData"]
        if found:
            video["Size"] = found[0].size
            if self.emulator.store.get(media.bucket, cover_key(media.media_id)):
                video["CoverURL"] = f"{base}/{cover_key(media.media_id)}"
                video["Snapshots"] = {"Snapshot": [video["CoverURL"]]}
        return {"Video": video}

    def handlers(self) -> dict[tuple[str, str], Any]:
        return {("vod", "GetVideoInfo"): self.get_video_info}
