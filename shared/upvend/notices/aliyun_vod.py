"""Aliyun VOD event notifications: the X-VOD-SIGNATURE check and the event → media-row mapping.

The signature covers only the callback URL and the timestamp (the body is not
signed), so a notice never moves a row to another owner: the row the credential
function created keeps its owner, and `Extend` only names one for rows it did not.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from typing import Any, Mapping

from pydantic import BaseModel, ConfigDict

from upvend.http.body import parse_model

from upvend import settings
from upvend.errors import Forbidden
from upvend.storage.notices import MediaNotice
from upvend.json_input import loads_untrusted


def _callback_url(raw: str) -> str:
    if not raw.startswith(("http://", "https://")):
        raise ValueError("must start with http:// or https://")
    return raw  # exactly as configured in VOD: it is part of the signed text



settings.declare("ALIYUN_VOD_CALLBACK_KEY", secret=True, doc="VOD callback AuthKey (X-VOD-SIGNATURE).")
settings.declare("ALIYUN_VOD_CALLBACK_KEY_PREVIOUS", default="", secret=True,
                 doc="The previous AuthKey, still accepted while a key rotation is under way.")
settings.declare("ALIYUN_VOD_CALLBACK_URL", _callback_url,
                 doc="The callback URL exactly as configured in VOD (it is signed).")
settings.declare("ALIYUN_VOD_CALLBACK_WINDOW_SECONDS", settings.int_between(1, 3600), 300,
                 doc="Largest accepted difference between X-VOD-TIMESTAMP and now.")

PROVIDER = "aliyun"
HANDLED = ("FileUploadComplete", "ImageUploadComplete", "AttachedMediaUploadComplete", "StreamTranscodeComplete",
           "TranscodeComplete", "SnapshotComplete")


def vod_signature(url: str, timestamp: str, key: str) -> str:
    """hex(md5(url | timestamp | key)), as VOD computes X-VOD-SIGNATURE."""
    return hashlib.md5(f"{url}|{timestamp}|{key}".encode("utf-8")).hexdigest()  # noqa: S324 (VOD's algorithm)


def verify_vod_signature(headers: Mapping[str, str], *, url: str, keys: list[str], window: int,
                         now: float | None = None) -> None:
    """Accept the request if a key signs (url, timestamp) and the timestamp is fresh; else raise Forbidden."""
    lowered = {k.lower(): v for k, v in headers.items()}
    timestamp = lowered.get("x-vod-timestamp", "").strip()
    signature = lowered.get("x-vod-signature", "").strip().lower()
    if not timestamp or not signature:
        raise Forbidden("The callback is not signed (X-VOD-TIMESTAMP / X-VOD-SIGNATURE).", code="signature_missing")
    if not (timestamp.isascii() and timestamp.isdigit()) or len(timestamp) > 12:
        raise Forbidden("X-VOD-TIMESTAMP is not a Unix time.", code="signature_invalid")
    current = time.time() if now is None else now
    if abs(current - int(timestamp)) > window:
        raise Forbidden("X-VOD-TIMESTAMP is outside the accepted window.", code="timestamp_out_of_window")
    matches = [hmac.compare_digest(vod_signature(url, timestamp, key), signature) for key in keys if key]
    if not any(matches):
        raise Forbidden("X-VOD-SIGNATURE does not match.", code="signature_invalid")


def verify_vod_callback(headers: Mapping[str, str]) -> None:
    """verify_vod_signature with the configured URL, keys and window."""
    verify_vod_signature(headers, url=settings.get("ALIYUN_VOD_CALLBACK_URL"),
                         keys=[settings.get("ALIYUN_VOD_CALLBACK_KEY"),
                               settings.get("ALIYUN_VOD_CALLBACK_KEY_PREVIOUS")],
                         window=settings.get("ALIYUN_VOD_CALLBACK_WINDOW_SECONDS"))


class VodEnvelope(BaseModel):
    """Just the event type; the rest is parsed only for the types upvend records."""

    model_config = ConfigDict(extra="allow")

    EventType: str


class VodEvent(BaseModel):
    """The fields upvend reads from any VOD event (unknown ones are ignored)."""

    model_config = ConfigDict(extra="ignore")

    EventType: str
    EventTime: str | None = None
    Status: str | None = None
    VideoId: str | None = None
    ImageId: str | None = None
    AttachedMediaId: str | None = None
    Size: int | None = None
    FileUrl: str | None = None
    FileURL: str | None = None
    CoverUrl: str | None = None
    Extend: Any = None
    JobId: str | None = None
    Definition: str | None = None
    # Copied into `extra` as they come (their types differ between event kinds).
    Format: Any = None
    Bitrate: Any = None
    Duration: Any = None
    Width: Any = None
    Height: Any = None
    Fps: Any = None
    Encrypt: Any = None
    StreamInfos: list[dict[str, Any]] | None = None
    SnapshotInfos: list[dict[str, Any]] | None = None

    @property
    def file_url(self) -> str | None:
        # Video events spell it FileUrl, image and attached-media events FileURL.
        return self.FileUrl or self.FileURL

    @property
    def succeeded(self) -> bool:
        return (self.Status or "success").lower() == "success"


def parse_vod_event(envelope: VodEnvelope) -> VodEvent | None:
    """The full event for the types upvend records; None for the rest (acknowledged, not recorded)."""
    if envelope.EventType not in HANDLED:
        return None
    return parse_model(VodEvent, envelope.model_dump())


def owner_from_extend(extend: Any) -> str | None:
    """`uid` from Extend, which VOD echoes as a JSON-encoded string (sometimes encoded twice)."""
    for _ in range(3):
        if not isinstance(extend, str):
            break
        try:
            extend = loads_untrusted(extend)
        except ValueError:
            return None
    uid = extend.get("uid") if isinstance(extend, dict) else None
    return str(uid) if isinstance(uid, (str, int)) and str(uid) else None


def _stream(info: Mapping[str, Any]) -> dict[str, Any]:
    names = {"FileUrl": "url", "Format": "format", "Size": "size", "Width": "width", "Height": "height",
             "Duration": "duration", "Bitrate": "bitrate", "Fps": "fps", "Encrypt": "encrypt", "Status": "status",
             "JobId": "jobId"}
    return {ours: info[theirs] for theirs, ours in names.items() if info.get(theirs) not in (None, "")}


def vod_notice(event: VodEvent) -> MediaNotice | None:
    """The media-row change an event makes; None for events upvend does not record."""
    kind, media_id = "video", event.VideoId
    status: str | None = None
    fields: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    suffix = event.EventTime or ""
    if event.EventType == "FileUploadComplete":
        status = "uploaded" if event.succeeded else "failed"
        fields = {"size": event.Size, "media_url": event.file_url}
    elif event.EventType == "ImageUploadComplete":
        kind, media_id, status = "image", event.ImageId, "ready" if event.succeeded else "failed"
        fields = {"size": event.Size, "media_url": event.file_url}
    elif event.EventType == "AttachedMediaUploadComplete":
        kind, media_id, status = "file", event.AttachedMediaId, "ready" if event.succeeded else "failed"
        fields = {"size": event.Size, "media_url": event.file_url}
    elif event.EventType == "StreamTranscodeComplete":
        # One definition finished; more may follow, and a failed one does not fail the video.
        status = "processing" if event.succeeded else None
        extra = {f"stream.{event.Definition or 'default'}": _stream(event.model_dump())}
        suffix = f"{event.JobId or ''}:{event.Definition or ''}:{event.EventTime or ''}"
    elif event.EventType == "TranscodeComplete":
        status = "ready" if event.succeeded else "failed"
        streams = [_stream(s) for s in event.StreamInfos or []]
        extra = {"streams": {s.get("format", "") + ":" + str(i.get("Definition", "")): s
                             for s, i in zip(streams, event.StreamInfos or [])}}
    elif event.EventType == "SnapshotComplete":
        if not event.succeeded or not event.CoverUrl:
            return None
        fields = {"cover_url": event.CoverUrl}
        suffix = ",".join(str(s.get("JobId", "")) for s in event.SnapshotInfos or []) or suffix
    else:
        return None
    if not media_id:
        return None
    return MediaNotice(dedupe_key=f"aliyun-vod:{event.EventType}:{media_id}:{suffix}", event_type=event.EventType,
                       provider=PROVIDER, media_id=media_id, kind=kind, status=status,
                       owner=owner_from_extend(event.Extend), extra=extra, **fields)
