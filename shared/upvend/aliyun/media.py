"""Recording issued VOD uploads in the media table, owned by the caller."""

from __future__ import annotations

from typing import Any

from datetime import datetime

from upvend.aliyun.config import region
from upvend.storage.media import MediaRecord, MediaRepository
from upvend.upload_reservations import reserve

PROVIDER = "aliyun"


def record_vod_upload(owner: str, media_id: str, kind: str, *, title: str | None = None, size: int | None = None,
                      media_url: str | None = None, extra: dict[str, Any] | None = None,
                      auth_expires: datetime) -> None:
    """Insert the row in status `uploading` (a repeated id leaves the first row as it is), lapsing a grace
    period after the UploadAuth."""
    reserved = {"reservedBytes": size} if size else {}
    reserve(MediaRecord(
        provider=PROVIDER, media_id=media_id, kind=kind, status="uploading", owner=owner, title=title,
        size=size, media_url=media_url, region=region(), extra={"service": "vod", **reserved, **(extra or {})},
    ), auth_expires)


def owns_vod_video(owner: str, video_id: str) -> bool:
    """Whether `owner` has a video or audio row for `video_id` (refresh may overwrite the source file)."""
    record = MediaRepository().get_owned(PROVIDER, video_id, owner)
    return record is not None and record.kind == "video"
