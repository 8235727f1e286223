"""VOD UGC upload endpoints as vod-wx-sdk-v2 / vod-js-sdk-v6 call them (`vod2.qcloud.com`).

`POST /v3/index.php?Action=ApplyUploadUGC` checks the client upload signature
(HMAC with the signing key, expiry, 90-day limit, one-time use) and answers a
storage path on the emulated COS plus a tempCertificate allowed to write only
there; `CommitUploadUGC` checks the object arrived, creates the FileId and
media URLs, and reports the upload. Answers are HTTP 200 with
`{"code": 0, "message", "data"}`; non-zero codes are this emulator's own (the
real codes are not documented), the SDKs only test `code === 0`.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from devtools.emulator.service import Service
from devtools.emulator.tencent.state import TencentState
from devtools.emulator.tencent.ugc_signature import UgcSignatureError, verify_ugc_signature

UGC_PATH = "/v3/index.php"
TEMP_CERT_SECONDS = 3600
# What the SDKs do with it: PutObject, PostObject (cos-wx-sdk-v5 below its slice size) or sliceUploadFile,
# which first lists the key's unfinished uploads to resume one.
_UPLOAD_ACTIONS = ["name/cos:PutObject", "name/cos:PostObject", "name/cos:InitiateMultipartUpload",
                   "name/cos:ListMultipartUploads", "name/cos:UploadPart", "name/cos:CompleteMultipartUpload",
                   "name/cos:ListParts", "name/cos:AbortMultipartUpload"]
_MEDIA_TYPE_RE = re.compile(r"^[A-Za-z0-9]{1,10}$")
_REGION_CODES = {"ap-chongqing": "cq", "ap-guangzhou": "gz", "ap-shanghai": "sh", "ap-beijing": "bj"}


def _digest(signature: str) -> str:
    return hashlib.sha256(signature.strip().encode()).hexdigest()


class UgcError(Exception):
    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


@dataclass
class UgcSession:
    """One upload between apply and commit."""

    file_id: str
    video_path: str
    cover_path: str | None
    grant: dict[str, str]
    media_name: str
    media_type: str
    apply_data: dict[str, Any] = field(default_factory=dict)
    committed: dict[str, Any] | None = None
    apply_digest: str = ""  # the signature that applied for this session (vod-wx-sdk-v2 commits with it too)


class VodUgcService(Service):
    name = "tencent-vod-ugc"

    def __init__(self, state: TencentState, emulator: Any) -> None:
        self.state = state
        self.emulator = emulator
        self._lock = threading.Lock()
        self._sessions: dict[str, UgcSession] = {}
        self._used: set[str] = set()

    def matches(self, request: Request) -> bool:
        return request.url.path == UGC_PATH and request.query_params.get("Action") in (
            "ApplyUploadUGC", "CommitUploadUGC", "PrepareUploadUGC")

    async def handle(self, request: Request) -> Response:
        action = request.query_params["Action"]
        self.state.counters.add(action)
        try:
            try:
                body = json.loads(await request.body() or b"{}")
            except json.JSONDecodeError:
                raise UgcError(10001, "the request body is not JSON") from None
            if not isinstance(body, dict):
                raise UgcError(10001, "the request body must be a JSON object")
            signature = str(body.get("signature") or "")
            with self._lock:
                session = self._sessions.get(str(body.get("vodSessionKey") or "")) if action == "CommitUploadUGC" \
                    else None
            grant = self.use_signature(signature, session.apply_digest if session else "")
            if action == "PrepareUploadUGC":
                data = {"appId": self.state.account.vod_sub_app_id, "cosRegionList": [
                    {"domain": f"cos.{self.state.account.vod_storage_region}.myqcloud.com",
                     "region": self.state.account.vod_storage_region}]}
            elif action == "ApplyUploadUGC":
                data = self.apply(body, grant, _digest(signature))
            else:
                data = self.commit(body, grant)
        except UgcError as exc:
            return JSONResponse({"code": exc.code, "message": exc.message})
        return JSONResponse({"code": 0, "message": "成功", "data": data})

    def use_signature(self, signature: str, session_digest: str = "") -> dict[str, str]:
        """Verify the signature and, when oneTimeValid=1, spend it.

        A one-time signature is spent by the upload it applied for: committing that same session with it
        again is accepted (vod-wx-sdk-v2 commits with its apply signature), any other second use is not."""
        try:
            grant = verify_ugc_signature(signature, self.state.keys, self.state.account.vod_sub_app_id)
        except UgcSignatureError as exc:
            raise UgcError(exc.code, f"signature invalid: {exc}") from None
        if grant.get("oneTimeValid") == "1" and _digest(signature) != session_digest:
            digest = _digest(signature)
            with self._lock:
                if digest in self._used:
                    raise UgcError(10008, "signature invalid: this one-time signature was already used")
                self._used.add(digest)
        return grant

    def apply(self, body: dict[str, Any], grant: dict[str, str], digest: str = "") -> dict[str, Any]:
        session_key = body.get("vodSessionKey")
        if session_key:
            session = self._session(str(session_key), grant)
            return session.apply_data
        media_type = str(body.get("videoType") or "")
        if not _MEDIA_TYPE_RE.match(media_type):
            raise UgcError(10003, "videoType must be the file extension")
        cover_type = str(body.get("coverType") or "")
        if cover_type and not _MEDIA_TYPE_RE.match(cover_type):
            raise UgcError(10003, "coverType must be the file extension")
        account, short = self.state.account, self.state.vod_bucket_short
        file_id = str(5285890780000000000 + secrets.randbelow(10**10))
        folder = f"/{short}/{secrets.token_hex(4)}{file_id}"
        video_path = f"{folder}/{secrets.token_urlsafe(9)}.{media_type}"
        cover_path = f"{folder}/{file_id}.{cover_type}" if cover_type else None
        region = grant.get("storageRegion") or account.vod_storage_region
        resources = [f"qcs::cos:{region}:uid/{account.appid}:{self.state.vod_bucket}{p}"
                     for p in (video_path, cover_path) if p]
        keys = self.state.keys.issue({"version": "2.0", "statement": [
            {"effect": "allow", "action": _UPLOAD_ACTIONS, "resource": resources}]},
            TEMP_CERT_SECONDS, issued_by=f"ApplyUploadUGC {file_id}")
        session_key = secrets.token_urlsafe(24)
        now = int(time.time())
        data: dict[str, Any] = {
            "video": {"storageSignature": secrets.token_urlsafe(24), "storagePath": video_path},
            "storageAppId": int(account.appid), "storageBucket": short,
            "storageRegion": _REGION_CODES.get(region, region), "storageRegionV5": region,
            "domain": "vod2.qcloud.com", "vodSessionKey": session_key,
            "tempCertificate": {"secretId": keys.secret_id, "secretKey": keys.secret_key, "token": keys.token,
                                "expiredTime": int(keys.expires_at or now)},
            "appId": account.vod_sub_app_id, "timestamp": now, "StorageRegionV5": region,
        }
        if cover_path:
            data["cover"] = {"storageSignature": secrets.token_urlsafe(24), "storagePath": cover_path}
        session = UgcSession(file_id, video_path, cover_path, grant, str(body.get("videoName") or "来自小程序"),
                             media_type, data, apply_digest=digest)
        with self._lock:
            self._sessions[session_key] = session
        return data

    def _session(self, session_key: str, grant: dict[str, str]) -> UgcSession:
        with self._lock:
            session = self._sessions.get(session_key)
        if session is None:
            raise UgcError(10004, "vodSessionKey is unknown or expired")
        if session.grant.get("secretId") != grant.get("secretId"):
            raise UgcError(10004, "vodSessionKey belongs to another signing key")
        return session

    def commit(self, body: dict[str, Any], grant: dict[str, str]) -> dict[str, Any]:
        from devtools.emulator.app import UploadCompleted  # app imports this module

        session = self._session(str(body.get("vodSessionKey") or ""), grant)
        if session.committed is not None:
            return session.committed
        found = self.emulator.store.get(self.state.vod_bucket, session.video_path.lstrip("/"))
        if found is None:
            raise UgcError(10005, "the media file was not uploaded to storage")
        obj, _ = found
        # VOD serves media from its distribution domain; the emulator is that domain (path-style on its bucket).
        base = f"{self.emulator.config.public_url}/{self.state.vod_bucket}"
        data: dict[str, Any] = {"fileId": session.file_id,
                                "video": {"url": base + session.video_path,
                                          "verify_content": secrets.token_urlsafe(16)}}
        cover_url = ""
        if session.cover_path and self.emulator.store.get(self.state.vod_bucket, session.cover_path.lstrip("/")):
            cover_url = base + session.cover_path
            data["cover"] = {"url": cover_url, "verify_content": secrets.token_urlsafe(16)}
        session.committed = data
        details = {
            "fileId": session.file_id, "mediaUrl": base + session.video_path, "coverUrl": cover_url,
            "mediaName": session.media_name, "mediaType": session.media_type,
            "sourceContext": session.grant.get("sourceContext", ""),
            "sessionContext": session.grant.get("sessionContext", ""),
            "procedure": session.grant.get("procedure", ""), "classId": int(session.grant.get("classId") or 0),
            "vodSubAppId": self.state.account.vod_sub_app_id,
            "storageRegion": session.apply_data["storageRegionV5"], "storagePath": session.video_path,
        }
        with self._lock:
            self.state.vod_media[session.file_id] = {**details, "size": obj.size, "createdAt": time.time(),
                                                     "transcodes": {}}
        self.emulator.upload_completed(UploadCompleted("tencent", "vod", "CommitUploadUGC", obj, details))
        return data

    def remove_media(self, file_id: str) -> bool:
        """Delete a committed upload's files and forget its FileId (DeleteMedia); False when none has it."""
        with self._lock:
            found = [(k, s) for k, s in self._sessions.items() if s.file_id == file_id and s.committed is not None]
            for session_key, _ in found:
                del self._sessions[session_key]
            self.state.vod_media.pop(file_id, None)
        for _, session in found:
            for path in (session.video_path, session.cover_path):
                if path:
                    self.emulator.store.delete(self.state.vod_bucket, path.lstrip("/"))
        return bool(found)
