"""Tencent VOD v3.0 events (NewFileUpload, ProcedureStateChanged, FileDeleted) → media-row changes.

The same mapping serves the push callback and the pull mode (PullEvents hands out
the same EventContent objects, plus an EventHandle). Push bodies are not signed;
the callback route is protected by a secret path token instead.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from upvend import settings
from upvend.errors import Forbidden, NotFound
from upvend.notices.object_keys import kind_of
from upvend.storage.notices import MediaNotice


def _token(raw: str) -> str:
    if len(raw) < 24 or not raw.replace("-", "").replace("_", "").isalnum():
        raise ValueError("must be at least 24 characters of letters, digits, '-' and '_'")
    return raw


def _sign_key(raw: str) -> str:
    if raw and not re.fullmatch(r"[A-Za-z0-9]{1,32}", raw):
        raise ValueError("must be 1 to 32 letters and digits, as ModifyEventConfig.SignKey")
    return raw


settings.declare("TENCENT_VOD_CALLBACK_TOKEN", _token, secret=True,
                 doc="Secret path segment of the VOD push callback URL (/tencent/vod/callback/<token>; at "
                     "least 24 letters, digits, '-' or '_').")
settings.declare("TENCENT_VOD_CALLBACK_SIGN_KEY", _sign_key, "", secret=True,
                 doc="The SignKey set with ModifyEventConfig; when set, push bodies must carry a valid Sign and T.")

PROVIDER = "tencent"


def verify_path_token(token: str) -> None:
    """Raise NotFound (as for any unknown path) unless `token` is the configured one."""
    expected = settings.get("TENCENT_VOD_CALLBACK_TOKEN")
    if not hmac.compare_digest(token.encode("utf-8"), expected.encode("utf-8")):
        raise NotFound("No such resource.")


def push_signature(sign_key: str, expires: int | str) -> str:
    """hex(md5(SignKey + T)), the `Sign` VOD puts in a push message (ModifyEventConfig.SignKey)."""
    return hashlib.md5(f"{sign_key}{expires}".encode("utf-8")).hexdigest()  # noqa: S324 (VOD's algorithm)


def verify_push_signature(sign: Any, expires: Any, *, sign_key: str, now: float | None = None) -> None:
    """Raise Forbidden unless `Sign` = md5(SignKey + T) and the expiry time `T` has not passed."""
    if sign in (None, "") or expires in (None, ""):
        raise Forbidden("The push message is not signed (Sign / T).", code="signature_missing")
    text = str(expires) if isinstance(expires, (int, str)) and not isinstance(expires, bool) else ""
    if not (text.isascii() and text.isdigit()) or len(text) > 12:
        raise Forbidden("T is not a Unix time.", code="signature_invalid")
    if int(text) < (time.time() if now is None else now):
        raise Forbidden("The push message's signature has expired (T has passed).", code="signature_expired")
    if not isinstance(sign, str) or not hmac.compare_digest(push_signature(sign_key, text).encode(),
                                                            sign.strip().lower().encode("utf-8", "replace")):
        raise Forbidden("Sign does not match.", code="signature_invalid")


def verify_push(sign: Any, expires: Any) -> None:
    """verify_push_signature with the configured SignKey; nothing to check when none is configured."""
    sign_key = settings.get("TENCENT_VOD_CALLBACK_SIGN_KEY")
    if sign_key:
        verify_push_signature(sign, expires, sign_key=sign_key)


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore")


class PushSignature(BaseModel):
    """A push body's `Sign` and `T`, read before the event itself (whose fields are kept as they are)."""

    model_config = ConfigDict(extra="allow")

    Sign: Any = None
    T: Any = None


class VodSourceInfo(_Lenient):
    SourceType: str | None = None
    SourceContext: str | None = None


class VodMediaBasicInfo(_Lenient):
    Name: str | None = None
    Type: str | None = None
    MediaUrl: str | None = None
    CoverUrl: str | None = None
    StorageRegion: str | None = None
    SourceInfo: VodSourceInfo = Field(default_factory=VodSourceInfo)


class VodFileUploadEvent(_Lenient):
    FileId: str = Field(min_length=1)
    MediaBasicInfo: VodMediaBasicInfo = Field(default_factory=VodMediaBasicInfo)
    ProcedureTaskId: str | None = None
    MetaData: dict[str, Any] = Field(default_factory=dict)


class VodProcedureStateChangeEvent(_Lenient):
    TaskId: str = Field(min_length=1)
    Status: str
    ErrCode: int = 0  # deprecated by VOD: success is read from each task (`procedure_outcome`)
    FileId: str = Field(min_length=1)
    FileUrl: str | None = None
    MediaProcessResultSet: list[dict[str, Any]] = Field(default_factory=list)


class VodDeleteResult(_Lenient):
    FileId: str
    DeleteParts: list[dict[str, Any]] = Field(default_factory=list)


class VodFileDeleteEvent(_Lenient):
    FileIdSet: list[str] = Field(default_factory=list)
    FileDeleteResultInfo: list[VodDeleteResult] = Field(default_factory=list)


class VodEventContent(_Lenient):
    """One EventContent (push body, or one element of PullEvents' EventSet)."""

    EventType: str | None = None
    EventHandle: str | None = None
    Sign: Any = None  # push messages, when a SignKey is configured: md5(SignKey + T)
    T: Any = None  # ... and the Unix time after which the signature is void
    FileUploadEvent: VodFileUploadEvent | None = None
    ProcedureStateChangeEvent: VodProcedureStateChangeEvent | None = None
    FileDeleteEvent: VodFileDeleteEvent | None = None


def _int(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _upload(event: VodFileUploadEvent) -> MediaNotice:
    info, meta = event.MediaBasicInfo, event.MetaData
    extra = {k: meta.get(v) for k, v in (("width", "Width"), ("height", "Height"), ("duration", "Duration"),
                                         ("container", "Container"))}
    extra["type"] = info.Type
    return MediaNotice(
        dedupe_key=f"tencent-vod:NewFileUpload:{event.FileId}", event_type="NewFileUpload", provider=PROVIDER,
        media_id=event.FileId, kind=kind_of(None, f"x.{info.Type or ''}") if info.Type else "video",
        # With a task flow attached, VOD is still processing; without one the file is final.
        status="processing" if event.ProcedureTaskId else "ready",
        owner=info.SourceInfo.SourceContext, title=info.Name, size=_int(meta.get("Size")), media_url=info.MediaUrl,
        cover_url=info.CoverUrl, region=info.StorageRegion, extra=extra,
    )


# MediaProcessResultSet[].Type → the field holding that task's result (SDK: MediaProcessTaskResult).
_TASK_FIELDS = {"Transcode": "TranscodeTask", "AnimatedGraphics": "AnimatedGraphicTask",
                "SnapshotByTimeOffset": "SnapshotByTimeOffsetTask", "SampleSnapshot": "SampleSnapshotTask",
                "ImageSprites": "ImageSpriteTask", "ImageSprite": "ImageSpriteTask",
                "CoverBySnapshot": "CoverBySnapshotTask", "AdaptiveDynamicStreaming": "AdaptiveDynamicStreamingTask"}
_PLAYABLE = ("Transcode", "AdaptiveDynamicStreaming")


def _task(result: dict[str, Any]) -> dict[str, Any]:
    task = result.get(_TASK_FIELDS.get(str(result.get("Type")), ""))
    return task if isinstance(task, dict) else {}


def _task_failed(task: dict[str, Any]) -> bool:
    """FAIL, or a non-empty ErrCodeExt (VOD's current error field; the numeric ErrCode is deprecated)."""
    return str(task.get("Status") or "").upper() == "FAIL" or bool(task.get("ErrCodeExt"))


def procedure_outcome(event: VodProcedureStateChangeEvent) -> tuple[str, list[dict[str, Any]]]:
    """`processing`, `ready` or `failed`, and the failed tasks, read from each task of the flow.

    A finished flow is ready when no task failed, or when at least one playable output
    (a transcode or adaptive stream) succeeded despite others failing.
    """
    if event.Status.upper() != "FINISH":
        return "processing", []
    failed, playable = [], False
    for result in event.MediaProcessResultSet:
        task = _task(result)
        if _task_failed(task):
            failed.append({"type": str(result.get("Type") or ""), "errCodeExt": str(task.get("ErrCodeExt") or ""),
                           "message": str(task.get("Message") or "")[:200]})
        elif result.get("Type") in _PLAYABLE and str(task.get("Status") or "").upper() == "SUCCESS":
            playable = True
    return ("ready" if playable or not failed else "failed"), failed


def _procedure(event: VodProcedureStateChangeEvent) -> MediaNotice:
    status, failed = procedure_outcome(event)
    outputs: dict[str, Any] = {}
    for result in event.MediaProcessResultSet:
        task = _task(result)
        url = (task.get("Output") or {}).get("Url") if isinstance(task.get("Output"), dict) else None
        if result.get("Type") == "Transcode" and url and not _task_failed(task):
            outputs[str((task.get("Input") or {}).get("Definition", ""))] = url
    extra: dict[str, Any] = {"procedureTaskId": event.TaskId}
    if outputs:
        extra["transcodes"] = outputs
    if failed:
        extra["failedTasks"] = failed
    return MediaNotice(
        dedupe_key=f"tencent-vod:ProcedureStateChanged:{event.TaskId}:{event.Status}:{status}",
        event_type="ProcedureStateChanged", provider=PROVIDER, media_id=event.FileId, kind="video",
        status=status, media_url=event.FileUrl, extra=extra,
    )


def _deleted(event: VodFileDeleteEvent) -> list[MediaNotice]:
    parts = {r.FileId: [str(p.get("Type")) for p in r.DeleteParts] for r in event.FileDeleteResultInfo}
    notices = []
    for file_id in dict.fromkeys(event.FileIdSet + list(parts)):
        # Listed parts mean only those were removed (e.g. transcodes); none listed means the whole media.
        removed = parts.get(file_id) or []
        notices.append(MediaNotice(
            dedupe_key=f"tencent-vod:FileDeleted:{file_id}:{','.join(sorted(removed))}", event_type="FileDeleted",
            provider=PROVIDER, media_id=file_id, kind="file", status=None if removed else "deleted",
            extra={"deletedParts": sorted(removed)} if removed else {},
        ))
    return notices


def vod_notices(content: VodEventContent) -> list[MediaNotice]:
    """The media-row changes one event makes (none for event types upvend does not record)."""
    if content.EventType == "NewFileUpload" and content.FileUploadEvent:
        return [_upload(content.FileUploadEvent)]
    if content.EventType == "ProcedureStateChanged" and content.ProcedureStateChangeEvent:
        return [_procedure(content.ProcedureStateChangeEvent)]
    if content.EventType == "FileDeleted" and content.FileDeleteEvent:
        return _deleted(content.FileDeleteEvent)
    return []
