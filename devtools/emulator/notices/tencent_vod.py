"""Tencent VOD events after CommitUploadUGC: NewFileUpload, then ProcedureStateChanged when a task flow ran.

Each event (v3.0 EventContent) is queued for PullEvents and, while push is on,
POSTed to the push callback URL `<gateway>/tencent/vod/callback/<token>`; the
token is the local stack's UPVEND_TENCENT_VOD_CALLBACK_TOKEN, as if set in the
VOD console. When UPVEND_TENCENT_VOD_CALLBACK_SIGN_KEY is set (standing in for
ModifyEventConfig.SignKey), each push also carries `Sign` = md5(SignKey + T) and
`T`, a Unix time 10 minutes ahead, as VOD adds them; without it pushes are unsigned.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import time
from datetime import datetime, timezone
from typing import Any

from devtools.emulator.notices.schedule import Notice, NoticeScheduler, NoticeSwitch, SendResult
from devtools.emulator.notices.vod_event_queue import VodEventQueue
from devtools.local_env import DEV_TENCENT_VOD_CALLBACK_TOKEN

CALLBACK_PATH = "/tencent/vod/callback/"
SIGNATURE_SECONDS = 600  # VOD's default validity of a push signature


def signed_push(content: dict[str, Any], sign_key: str, now: float | None = None) -> dict[str, Any]:
    """The push message with `Sign` = hex(md5(SignKey + T)) and the expiry time `T` added."""
    expires = int(time.time() if now is None else now) + SIGNATURE_SECONDS
    sign = hashlib.md5(f"{sign_key}{expires}".encode("utf-8")).hexdigest()  # noqa: S324 (VOD's algorithm)
    return {**content, "Sign": sign, "T": expires}


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def new_file_upload(details: dict[str, Any], size: int, task_id: str) -> dict[str, Any]:
    """The NewFileUpload EventContent for a committed UGC upload."""
    stamp = _now()
    return {"EventType": "NewFileUpload", "FileUploadEvent": {
        "FileId": details["fileId"],
        "MediaBasicInfo": {
            "Name": details.get("mediaName", ""), "Description": "", "CreateTime": stamp, "UpdateTime": stamp,
            "ExpireTime": "9999-12-31T23:59:59Z", "ClassId": details.get("classId", 0), "ClassName": "其他",
            "ClassPath": "", "CoverUrl": details.get("coverUrl", ""), "Type": details.get("mediaType", ""),
            "MediaUrl": details.get("mediaUrl", ""),
            "SourceInfo": {"SourceType": "Upload", "SourceContext": details.get("sourceContext", "")},
            "StorageRegion": details.get("storageRegion", ""), "StoragePath": details.get("storagePath", ""),
            "TagSet": [], "Vid": details["fileId"], "Category": "Video", "Status": "Normal",
            "StorageClass": "STANDARD"},
        "ProcedureTaskId": task_id, "ReviewAudioVideoTaskId": "",
        "MetaData": {"Size": size, "Container": details.get("mediaType", ""), "Bitrate": 0, "Height": 0, "Width": 0,
                     "Duration": 0, "Rotate": 0, "VideoStreamSet": [], "AudioStreamSet": [],
                     "VideoDuration": 0, "AudioDuration": 0, "Md5": ""},
    }}


TRANSCODE_DEFINITION = 100010


def transcode_url(media_url: str) -> str:
    """Where the flow's transcode of `media_url` lands (`<name>.f<definition>.mp4`)."""
    return media_url.rsplit(".", 1)[0] + f".f{TRANSCODE_DEFINITION}.mp4" if media_url else ""


def procedure_finished(details: dict[str, Any], task_id: str, *, failed: bool = False) -> dict[str, Any]:
    """The ProcedureStateChanged EventContent of a task flow that transcoded the upload (or failed to).

    The flow is FINISH either way and its own ErrCode stays 0 (VOD deprecated it); a
    failure shows only in the task: Status FAIL with an ErrCodeExt from VOD's list of
    video-processing error codes.
    """
    media_url = details.get("mediaUrl", "")
    task: dict[str, Any] = {"Status": "SUCCESS", "ErrCodeExt": "", "ErrCode": 0, "Message": "SUCCESS",
                            "Progress": 100, "Input": {"Definition": TRANSCODE_DEFINITION},
                            "Output": {"Url": transcode_url(media_url), "Definition": TRANSCODE_DEFINITION}}
    if failed:
        task.update(Status="FAIL", ErrCodeExt="SourceFileError.ContentMalformed", ErrCode=1, Progress=0,
                    Message="The media file cannot be decoded.", Output={})
    return {"EventType": "ProcedureStateChanged", "ProcedureStateChangeEvent": {
        "TaskId": task_id, "Status": "FINISH", "ErrCode": 0, "Message": "", "FileId": details["fileId"],
        "FileName": details.get("mediaName", ""), "FileUrl": media_url, "MetaData": {},
        "MediaProcessResultSet": [{"Type": "Transcode", "TranscodeTask": task}],
        "AiContentReviewResultSet": [], "SessionContext": details.get("sessionContext", ""), "SessionId": "",
    }}


class TencentVodNotices:
    """Turns committed UGC uploads into pushed and queued VOD events."""

    def __init__(self, emulator: Any, scheduler: NoticeScheduler, switch: NoticeSwitch, queue: VodEventQueue) -> None:
        self.emulator = emulator
        self.scheduler = scheduler
        self.switch = switch
        self.queue = queue

    def callback_url(self) -> str:
        token = os.environ.get("UPVEND_TENCENT_VOD_CALLBACK_TOKEN") or DEV_TENCENT_VOD_CALLBACK_TOKEN
        return self.emulator.config.gateway_url.rstrip("/") + CALLBACK_PATH + token

    def __call__(self, event: Any) -> None:
        if (event.provider, event.service, event.operation) != ("tencent", "vod", "CommitUploadUGC"):
            return None
        details = event.details
        task_id = ""
        if details.get("procedure"):
            task_id = f"{details.get('vodSubAppId', 0)}-Procedure-{secrets.token_hex(16)}t{secrets.randbelow(9) + 1}"
        contents = [new_file_upload(details, event.obj.size, task_id)]
        if task_id:
            failed = self.switch.tencent_vod_transcode_fails
            contents.append(procedure_finished(details, task_id, failed=failed))
            media = self.emulator.tencent.vod_media.get(details["fileId"])
            if media is not None and not failed:  # what DescribeMediaInfos' TranscodeInfo lists from now on
                media["transcodes"][TRANSCODE_DEFINITION] = transcode_url(details.get("mediaUrl", ""))
        app = int(details.get("vodSubAppId") or 0)
        self.scheduler.plan([self._publish(app, content) for content in contents])
        return None

    def _publish(self, app: int, content: dict[str, Any]) -> Notice:
        """Queue the event for pull and push it (when push is on); a failed push is retried."""
        label = f"tencent-vod {content['EventType']} {_file_id(content)}"

        def send(attempt: int) -> SendResult:
            if attempt == 1:  # retries are of the push only
                self.queue.put(app, content)
            if not self.switch.tencent_vod_push:
                return True, "queued for pull (push off)"
            sign_key = os.environ.get("UPVEND_TENCENT_VOD_CALLBACK_SIGN_KEY")
            message = signed_push(content, sign_key) if sign_key else content
            answer = self.emulator.deliverer.post(self.callback_url(), json.dumps(message, ensure_ascii=False)
                                                  .encode(), {"Content-Type": "application/json"}, timeout=5.0)
            return answer.status == 200, f"queued; push answered {answer.status or 'nothing'}"

        return Notice(label, send)


def _file_id(content: dict[str, Any]) -> str:
    inner = content.get("FileUploadEvent") or content.get("ProcedureStateChangeEvent") or {}
    return str(inner.get("FileId", ""))
