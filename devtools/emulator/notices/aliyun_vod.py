"""Aliyun VOD event notifications after an upload into VOD's storage (HTTP callback mode).

A video gets FileUploadComplete, then a moment later StreamTranscodeComplete,
SnapshotComplete (with a cover URL that loads; not for audio) and TranscodeComplete; an
image gets ImageUploadComplete. `Extend` echoes UserData.Extend as a JSON string.
Each POST carries X-VOD-TIMESTAMP / X-VOD-SIGNATURE = md5(URL|timestamp|AuthKey),
with the local stack's callback URL and key standing in for the VOD console
settings (UserData.MessageCallback.CallbackURL overrides the URL, as at VOD).
Success is HTTP 200 within 5 s; otherwise VOD tries twice more, 1 s apart.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import time
from datetime import datetime, timezone
from typing import Any

from devtools.emulator.aliyun.vod_snapshots import cover_key, store_cover
from devtools.emulator.notices.schedule import Notice, NoticeScheduler, NoticeSwitch, SendResult
from devtools.local_env import DEV_VOD_CALLBACK_KEY

CALLBACK_PATH = "/aliyun/vod/callback"
VOD_TIMEOUT_SECONDS = 5.0
_AUDIO = {"aac", "ac3", "acm", "amr", "ape", "caf", "flac", "m4a", "mp3", "ra", "wav", "wma"}


def vod_callback_signature(url: str, timestamp: str, key: str) -> str:
    """hex(md5(url | timestamp | key)), the X-VOD-SIGNATURE VOD sends."""
    return hashlib.md5(f"{url}|{timestamp}|{key}".encode("utf-8")).hexdigest()  # noqa: S324 (VOD's algorithm)


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _now_ms() -> str:
    """ImageUploadComplete's own form, yyyy-MM-ddTHH:mm:ss:SSSZ (a colon before the milliseconds)."""
    now = datetime.now(timezone.utc)
    return now.strftime("%Y-%m-%dT%H:%M:%S:") + f"{now.microsecond // 1000:03d}Z"


def _user_data(raw: str | None) -> dict[str, Any]:
    try:
        data = json.loads(raw or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def vod_events(media: dict[str, Any], obj: Any, public_url: str) -> list[dict[str, Any]]:
    """The events VOD sends for one uploaded media file, in the order VOD produces them."""
    extend = _user_data(media.get("userData")).get("Extend")
    common: dict[str, Any] = {"Status": "success"}
    if extend is not None:
        common["Extend"] = extend if isinstance(extend, str) else json.dumps(extend, separators=(",", ":"))
    file_url = f"{public_url}/{obj.bucket}/{obj.key}"
    media_id = media["mediaId"]
    if media["kind"] == "image":
        return [{**common, "EventType": "ImageUploadComplete", "EventTime": _now_ms(), "ImageId": media_id,
                 "AppId": "app-1000000", "Size": obj.size, "FileURL": file_url}]
    base = file_url.rsplit(".", 1)[0]
    job = secrets.token_hex(16)
    stream = {"Status": "success", "Bitrate": "450.5", "Definition": "LD", "Duration": 12.0, "Encrypt": False,
              "FileUrl": f"{base}-ld.mp4", "Format": "mp4", "Fps": "25", "Height": 360, "Width": 640,
              "Size": max(1, obj.size // 2), "JobId": job}
    events = [{**common, "EventType": "FileUploadComplete", "EventTime": _now(), "VideoId": media_id,
               "Size": obj.size, "FileUrl": file_url},
              {**common, **stream, "EventType": "StreamTranscodeComplete", "EventTime": _now(), "VideoId": media_id}]
    if obj.key.rsplit(".", 1)[-1].lower() not in _AUDIO:
        events.append({**common, "EventType": "SnapshotComplete", "EventTime": _now(), "VideoId": media_id,
                       "CoverUrl": f"{public_url}/{obj.bucket}/{cover_key(media_id)}",
                       "SnapshotInfos": [{"Status": "success", "SnapshotType": "CoverSnapshot", "SnapshotCount": 1,
                                          "SnapshotFormat": "jpg", "SnapshotRegular": "snapshot/{SnapshotCount}.jpg",
                                          "JobId": secrets.token_hex(16)}]})
    events.append({**common, "EventType": "TranscodeComplete", "EventTime": _now(), "VideoId": media_id,
                   "StreamInfos": [stream]})
    return events


class AliyunVodNotices:
    """Schedules the VOD callbacks of uploads that land in VOD's storage bucket."""

    def __init__(self, emulator: Any, scheduler: NoticeScheduler, switch: NoticeSwitch) -> None:
        self.emulator = emulator
        self.scheduler = scheduler
        self.switch = switch

    def callback_url(self, media: dict[str, Any]) -> str:
        override = (_user_data(media.get("userData")).get("MessageCallback") or {}).get("CallbackURL")
        if isinstance(override, str) and override.startswith(("http://", "https://")):
            return override
        return (os.environ.get("UPVEND_ALIYUN_VOD_CALLBACK_URL")
                or self.emulator.config.gateway_url.rstrip("/") + CALLBACK_PATH)

    @staticmethod
    def auth_key() -> str:
        return os.environ.get("UPVEND_ALIYUN_VOD_CALLBACK_KEY") or DEV_VOD_CALLBACK_KEY

    def __call__(self, event: Any) -> None:
        if (event.provider, event.service) != ("aliyun", "vod") or "vod" not in event.details:
            return None
        media = event.details["vod"]
        url = self.callback_url(media)
        public_url = self.emulator.config.public_url.rstrip("/")
        events = vod_events(media, event.obj, public_url)
        if any(body["EventType"] == "SnapshotComplete" for body in events):
            store_cover(self.emulator.store, event.obj.bucket, media["mediaId"])
        if not self.switch.aliyun_vod_events:  # VOD still processed the file; only its callbacks are held
            return None
        self.scheduler.plan([self._callback(url, body) for body in events])
        return None

    def _callback(self, url: str, body: dict[str, Any]) -> Notice:
        payload = json.dumps(body, separators=(",", ":")).encode()

        def send(attempt: int) -> SendResult:
            stamp = str(int(time.time()))
            headers = {"Content-Type": "application/json", "X-VOD-TIMESTAMP": stamp,
                       "X-VOD-SIGNATURE": vod_callback_signature(url, stamp, self.auth_key())}
            answer = self.emulator.deliverer.post(url, payload, headers, timeout=VOD_TIMEOUT_SECONDS)
            return answer.status == 200, str(answer.status or "unreachable")

        media_id = body.get("VideoId") or body.get("ImageId")
        return Notice(f"aliyun-vod {body['EventType']} {media_id}", send)
