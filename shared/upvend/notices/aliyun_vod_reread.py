"""Aliyun VOD callbacks as hints: the media is read back from VOD, and VOD's answer is what gets recorded.

VOD's X-VOD-SIGNATURE covers the callback URL and the timestamp, not the body, so a
captured (timestamp, signature) pair carries any body for the whole window. After the
signature check the body only says *which* media to look at: its status, size, URLs and
duration come from GetVideoInfo / GetPlayInfo / GetImageInfo, and its owner from what the
server itself set: the row the credential function created, and for videos the
`UserData.Extend.uid` it passed to CreateUploadVideo (only the account's VOD API can set
UserData, and the upload credentials users get carry no VOD permission). A notice is
dropped (nothing written) when VOD does not know the media, has not received its file,
or when any of these owners, or the body's own `Extend.uid`, disagree.
"""

from __future__ import annotations

from typing import Any, Callable

from upvend import settings
from upvend.aliyun.credentials import AliyunCredentials, function_credentials
from upvend.aliyun.vod_media import CloudImage, CloudVideo, read_image, read_video
from upvend.logs import get_logger
from upvend.storage.media import MediaRepository
from upvend.storage.notices import MediaNotice

settings.declare("ALIYUN_VOD_CALLBACK_REREAD", settings.on_off, True,
                 doc="Read each VOD callback's media back from VOD (GetVideoInfo / GetPlayInfo / GetImageInfo) "
                     "and record VOD's answer instead of the unsigned body. Turn off only for tests of the mapping.")

# VOD's media status → the row's. Absent ("Uploading", unknown values): the file has not arrived; nothing to record.
VIDEO_STATUS = {"UploadSucc": "uploaded", "Transcoding": "processing", "Checking": "processing",
                "Normal": "ready", "UploadFail": "failed", "TranscodeFail": "failed", "Blocked": "failed"}
IMAGE_STATUS = {"Normal": "ready", "UploadFail": "failed", "Blocked": "failed"}

log = get_logger("upvend.vod_callback")

# Events after which VOD may have new streams; the others (a snapshot) leave the stored streams and URL as they
# are (a notice without them does not clear them), so their read-back skips GetPlayInfo: one VOD call, not two.
STREAM_EVENTS = ("FileUploadComplete", "StreamTranscodeComplete", "TranscodeComplete")

VideoReader = Callable[[AliyunCredentials, str, bool], "CloudVideo | None"]
ImageReader = Callable[[AliyunCredentials, str], "CloudImage | None"]


def _owner(row_owner: str | None, cloud_owner: str | None, hinted: str | None) -> str | None:
    """The one owner every server-set source agrees on (and the body's hint, if it names one); else None."""
    established = row_owner or cloud_owner
    if not established or (cloud_owner and cloud_owner != established) or (hinted and hinted != established):
        return None
    return established


def _video_notice(notice: MediaNotice, cloud: CloudVideo, owner: str) -> MediaNotice | None:
    status = VIDEO_STATUS.get(cloud.status)
    if status is None:
        return None
    extra: dict[str, Any] = {"vodStatus": cloud.status, "duration": cloud.duration}
    if cloud.streams:
        extra["streams"] = cloud.streams
    return MediaNotice(dedupe_key=notice.dedupe_key, event_type=notice.event_type, provider=notice.provider,
                       media_id=notice.media_id, kind="video", status=status, owner=owner, size=cloud.size,
                       media_url=cloud.play_url, cover_url=cloud.cover_url, extra=extra)


def _image_notice(notice: MediaNotice, cloud: CloudImage, owner: str) -> MediaNotice | None:
    status = IMAGE_STATUS.get(cloud.status)
    if status is None:
        return None
    return MediaNotice(dedupe_key=notice.dedupe_key, event_type=notice.event_type, provider=notice.provider,
                       media_id=notice.media_id, kind="image", status=status, owner=owner, size=cloud.size,
                       media_url=cloud.url, extra={"vodStatus": cloud.status, "width": cloud.width,
                                                   "height": cloud.height})


def reread_notice(notice: MediaNotice, *, repo: MediaRepository | None = None,
                  credentials: AliyunCredentials | None = None, video_reader: VideoReader = read_video,
                  image_reader: ImageReader = read_image) -> MediaNotice | None:
    """The notice rebuilt from VOD's answer, or None when nothing may be written (see the module docstring)."""
    if notice.kind not in ("video", "image"):
        return _unconfirmed(notice, "attached media")  # upvend issues no credential for it: no owner to establish
    row = (repo or MediaRepository()).get(notice.provider, notice.media_id)
    if row is not None and row.kind != notice.kind:
        return _unconfirmed(notice, "kind differs from the row")
    credentials = credentials or function_credentials()
    if notice.kind == "image":
        image = image_reader(credentials, notice.media_id)
        if image is None:
            return _unconfirmed(notice, "unknown to VOD")
        owner = _owner(row.owner if row else None, None, notice.owner)
        rebuilt = _image_notice(notice, image, owner) if owner else None
        return rebuilt or _unconfirmed(notice, "owner disagrees" if not owner else f"VOD status {image.status}")
    video = video_reader(credentials, notice.media_id, notice.event_type in STREAM_EVENTS)
    if video is None:
        return _unconfirmed(notice, "unknown to VOD")
    owner = _owner(row.owner if row else None, video.owner, notice.owner)
    rebuilt = _video_notice(notice, video, owner) if owner else None
    return rebuilt or _unconfirmed(notice, "owner disagrees" if not owner else f"VOD status {video.status}")


def _unconfirmed(notice: MediaNotice, reason: str) -> None:
    log.warning("event not confirmed by VOD; nothing recorded",
                extra={"eventType": notice.event_type, "mediaId": notice.media_id, "reason": reason})
    return None


def rereading() -> bool:
    """Whether callbacks are read back from VOD (ALIYUN_VOD_CALLBACK_REREAD)."""
    return bool(settings.get("ALIYUN_VOD_CALLBACK_REREAD"))
