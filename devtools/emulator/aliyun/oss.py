"""Emulated OSS: PostObject (V1 and V4 form signatures), PutObject (header signature V1), GetObject,
DeleteObject (`oss_delete`) and multipart uploads (`oss_multipart`).

Requests are claimed by an `Authorization: OSS ...` header, a `<bucket>.oss-<region>.aliyuncs.com`
or `<bucket>.oss-<region>.localhost` Host (see `devtools.emulator.hosts`), or a path-style
`/<bucket>/...` for a bucket of the emulated account. Every
write checks the key's token and session policy, stores the object, then tells
the emulator's upload listeners (callbacks and triggers plug in there).
"""

from __future__ import annotations

import base64
import hashlib
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import unquote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from devtools.emulator.aliyun import oss_delete
from devtools.emulator.aliyun.keys import AccessKey, AliyunApiError
from devtools.emulator.aliyun.oss_reads import authorize_read
from devtools.emulator.aliyun.oss_errors import OssError
from devtools.emulator.aliyun.oss_multipart import OssMultipart
from devtools.emulator.aliyun.oss_form import PostForm, check_policy, decode_policy, parse_multipart
from devtools.emulator.aliyun.oss_signature import (hmac_sha1_b64, same, v1_canonical_resource,
                                                    v1_header_string_to_sign, v4_post_signature)
from devtools.emulator.aliyun.state import AliyunState
from devtools.emulator.hosts import ALIYUN_PARENTS, name_under, request_host
from devtools.emulator.object_reads import object_response
from devtools.emulator.objects import InvalidObjectKey, StoredObject
from devtools.emulator.service import Service

_SKEW = timedelta(minutes=15)
# How OSS itself words the key refusals the shared key ring raises (RPC codes elsewhere).
_OSS_KEY_ERRORS = {
    "InvalidAccessKeyId.NotFound": ("InvalidAccessKeyId",
                                    "The OSS Access Key Id you provided does not exist in our records."),
    "InvalidSecurityToken.Expired": ("SecurityTokenExpired", "The security token you provided has expired."),
}
_V4_MAX_AGE = timedelta(days=7)


def _crc64_table() -> list[int]:
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0xC96C5795D7870F42 if crc & 1 else 0)
        table.append(crc)
    return table


_CRC64_TABLE = _crc64_table()


def _crc64_python(data: bytes) -> int:
    crc = 0xFFFFFFFFFFFFFFFF
    for byte in data:
        crc = _CRC64_TABLE[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFFFFFFFFFF


def _crc64_function() -> Any:
    # crcmod (oss2's own dependency) computes the same CRC in C, ~50x faster on multi-MiB uploads.
    try:
        import crcmod
    except ImportError:
        return _crc64_python
    fast = crcmod.mkCrcFun(0x142F0E1EBA9EA3693, initCrc=0, xorOut=0xFFFFFFFFFFFFFFFF, rev=True)
    return fast if fast(b"123456789") == _crc64_python(b"123456789") else _crc64_python


_CRC64 = _crc64_function()


def crc64_ecma(data: bytes) -> int:
    """The CRC-64/XZ OSS reports in `x-oss-hash-crc64ecma` (oss2 compares it with its own)."""
    return _CRC64(data)


class OssService(Service):
    name = "aliyun-oss"

    def __init__(self, state: AliyunState, emulator: Any) -> None:
        self.state = state
        self.emulator = emulator
        self.multipart = OssMultipart(self, emulator.store.root)

    # -- routing -------------------------------------------------------------------
    def virtual_host_bucket(self, request: Request) -> str | None:
        name = name_under(request_host(request), ALIYUN_PARENTS)
        if name and ".oss-" in name:
            return name.split(".oss-")[0]
        return None

    def matches(self, request: Request) -> bool:
        if request.url.path.startswith("/_emulator/"):
            return False
        if self.virtual_host_bucket(request) or request.headers.get("authorization", "").startswith("OSS"):
            return True
        return request.url.path.split("/")[1] in self.state.buckets

    def _target(self, request: Request) -> tuple[str, str]:
        path = request.url.path
        bucket = self.virtual_host_bucket(request)
        if bucket:
            return bucket, unquote(path[1:])
        bucket, _, key = path[1:].partition("/")
        return bucket, unquote(key)

    async def handle(self, request: Request) -> Response:
        try:
            bucket, key = self._target(request)
            if bucket not in self.state.buckets:
                raise OssError("NoSuchBucket", "The specified bucket does not exist.", 404)
            if self.multipart.claims(request, key):
                return await self.multipart.handle(request, bucket, key)
            if request.method == "POST" and not key and "multipart/form-data" in request.headers.get("content-type", ""):
                return await self._post_object(request, bucket)
            if request.method == "PUT" and key and not request.query_params:
                return await self._put_object(request, bucket, key)
            if request.method in ("GET", "HEAD") and key and "uploadId" not in request.query_params:
                authorize_read(self.state, request.method, bucket, key,
                               request.scope.get("raw_path", b"").decode("latin-1") or request.url.path,
                               dict(request.query_params), {k.lower(): v for k, v in request.headers.items()},
                               self.emulator.config)
                return self._get_object(request.method, bucket, key)
            if oss_delete.claims(request, key):
                return oss_delete.delete_object(self, request, bucket, key)
            raise OssError("NotImplemented", f"The emulator does not implement {request.method} here.", 501)
        except AliyunApiError as exc:
            code, message = _OSS_KEY_ERRORS.get(exc.code, (exc.code, exc.message))
            return OssError(code, message, 403).response()
        except OssError as exc:
            return exc.response()
        except InvalidObjectKey:
            return OssError("InvalidObjectName", "The specified object name is not valid.", 400).response()

    def _get_object(self, method: str, bucket: str, key: str) -> Response:
        answer = object_response(self.emulator.store, bucket, key, method,
                                 {"x-oss-request-id": uuid.uuid4().hex[:24].upper()})
        if answer is None:
            raise OssError("NoSuchKey", "The specified key does not exist.", 404)
        return answer

    # -- PutObject -------------------------------------------------------------------
    def authenticate(self, request: Request, bucket: str, key: str) -> tuple[AccessKey, dict[str, str]]:
        """Verify a header-signed (V1) request; returns its key and its headers with lowercase names."""
        headers = {k.lower(): v for k, v in request.headers.items()}
        auth = headers.get("authorization", "")
        if not auth.startswith("OSS "):
            raise OssError("AccessDenied", "Only header signature V1 (OSS <key>:<signature>) is emulated; "
                                           "anonymous writes are refused.", 403)
        key_id, _, signature = auth[4:].partition(":")
        access = self.state.keys.authenticate(key_id, headers.get("x-oss-security-token"))
        self._check_date(headers.get("x-oss-date") or headers.get("date", ""))
        resource = v1_canonical_resource(bucket, key, dict(request.query_params))
        string_to_sign = v1_header_string_to_sign(request.method, headers, resource)
        if not same(hmac_sha1_b64(access.secret, string_to_sign), signature):
            raise OssError("SignatureDoesNotMatch", "The request signature we calculated does not match the "
                                                    "signature you provided.", 403)
        return access, headers

    async def _put_object(self, request: Request, bucket: str, key: str) -> Response:
        access, headers = self.authenticate(request, bucket, key)
        self.permit(access, bucket, key)
        data = await request.body()
        self.check_content_md5(request, data)
        meta = {k[len("x-oss-meta-"):]: v for k, v in headers.items() if k.startswith("x-oss-meta-")}
        obj = self.emulator.store.put(bucket, key, data, headers.get("content-type") or "application/octet-stream",
                                      meta)
        details = {"callback": headers.get("x-oss-callback"), "callbackVar": headers.get("x-oss-callback-var"),
                   "accessKeyId": access.key_id}
        return await self.completed("PutObject", obj, data, details, 200, b"")

    crc64 = staticmethod(crc64_ecma)

    @staticmethod
    def check_content_md5(request: Request, data: bytes) -> None:
        expected = request.headers.get("content-md5")
        if expected is not None and base64.b64encode(hashlib.md5(data).digest()).decode() != expected:  # noqa: S324
            raise OssError("InvalidDigest", "The Content-MD5 you specified is not valid.", 400)

    def bucket_url(self, request: Request, bucket: str) -> str:
        """The bucket's URL as this request addressed it (host-style or path-style)."""
        base = f"{request.url.scheme}://{request.headers.get('host', '')}"
        return base if self.virtual_host_bucket(request) else f"{base}/{bucket}"

    def _check_date(self, value: str) -> None:
        try:
            when = datetime.strptime(value, "%a, %d %b %Y %H:%M:%S GMT").replace(tzinfo=timezone.utc)
        except ValueError:
            raise OssError("AccessDenied", "The request needs a valid Date header.", 403) from None
        if abs(datetime.now(timezone.utc) - when) > _SKEW:
            raise OssError("RequestTimeTooSkewed", "The difference between the request time and the "
                                                   "current time is too large.", 403)

    def permit(self, access: AccessKey, bucket: str, key: str, action: str = "oss:PutObject") -> None:
        """Refuse what the key's session policy does not allow (`key` "" = the bucket itself)."""
        resource = f"acs:oss:*:*:{bucket}/{key}" if key else f"acs:oss:*:*:{bucket}"
        if not access.allows(action, resource):
            raise OssError("AccessDenied", "You have no right to access this object because of the "
                                           "session policy of your temporary credentials.", 403)

    # -- PostObject ------------------------------------------------------------------
    async def _post_object(self, request: Request, bucket: str) -> Response:
        form = parse_multipart(await request.body(), request.headers.get("content-type", ""))
        key = form.get("key")
        if not key:
            raise OssError("InvalidArgument", "The form needs a key field.", 400)
        access, token_in_policy = self._verify_form(form)
        check_policy(decode_policy(form.get("policy") or ""), form, bucket, token_needs_condition=token_in_policy)
        self.permit(access, bucket, key)
        content_type = form.get("Content-Type") or form.file_type or "application/octet-stream"
        meta = {k[len("x-oss-meta-"):]: v for k, v in form.fields if k.lower().startswith("x-oss-meta-")}
        obj = self.emulator.store.put(bucket, key, form.data, content_type, meta)
        status = {"200": 200, "201": 201}.get(form.get("success_action_status") or "", 204)
        body = b""
        if status == 201:
            body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<PostResponse><Bucket>{bucket}</Bucket>'
                    f'<Location>/{bucket}/{key}</Location><Key>{key}</Key><ETag>"{obj.etag}"</ETag>'
                    "</PostResponse>").encode()
        details = {"callback": form.get("callback"), "callbackVars": form.callback_vars(),
                   "accessKeyId": access.key_id}
        return await self.completed("PostObject", obj, form.data, details, status, body)

    def _verify_form(self, form: PostForm) -> tuple[AccessKey, bool]:
        """Authenticate a V4 or V1 form; returns the key and whether the token must be in the policy."""
        policy = form.get("policy") or ""
        token = form.get("x-oss-security-token")
        if form.get("x-oss-signature-version") is not None:
            if form.get("x-oss-signature-version") != "OSS4-HMAC-SHA256":
                raise OssError("InvalidArgument", "Unsupported x-oss-signature-version.", 400)
            credential, date = form.get("x-oss-credential") or "", form.get("x-oss-date") or ""
            parts = credential.split("/")
            if len(parts) != 5 or parts[3] != "oss" or parts[4] != "aliyun_v4_request" or not policy:
                raise OssError("InvalidArgument", "x-oss-credential or policy is malformed.", 400)
            self._check_v4_date(date, parts[1])
            if parts[2] != self.state.dev.region:
                raise OssError("InvalidArgument", f"The credential region must be {self.state.dev.region}.", 400)
            access = self.state.keys.authenticate(parts[0], token)
            expected = v4_post_signature(access.secret, parts[1], parts[2], policy)
            if not same(expected, form.get("x-oss-signature") or ""):
                raise OssError("SignatureDoesNotMatch", "The request signature we calculated does not match "
                                                        "the signature you provided.", 403)
            return access, True
        present = [form.get(n) is not None for n in ("OSSAccessKeyId", "policy", "Signature")]
        if not any(present):
            raise OssError("AccessDenied", "You have no right to access this bucket anonymously.", 403)
        if not all(present):
            raise OssError("InvalidArgument", "OSSAccessKeyId, policy and Signature go together.", 400)
        access = self.state.keys.authenticate(form.get("OSSAccessKeyId") or "", token)
        if not same(hmac_sha1_b64(access.secret, policy), form.get("Signature") or ""):
            raise OssError("SignatureDoesNotMatch", "The request signature we calculated does not match "
                                                    "the signature you provided.", 403)
        return access, False

    def _check_v4_date(self, date: str, day: str) -> None:
        try:
            when = datetime.strptime(date, "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)
        except ValueError:
            raise OssError("InvalidArgument", "x-oss-date is not ISO 8601 basic format.", 400) from None
        if date[:8] != day:
            raise OssError("InvalidArgument", "The date in x-oss-credential differs from x-oss-date.", 400)
        now = datetime.now(timezone.utc)
        if when - now > _SKEW or now - when > _V4_MAX_AGE:
            raise OssError("AccessDenied", "x-oss-date is too far from the current time.", 403)

    # -- completion ------------------------------------------------------------------
    async def completed(self, operation: str, obj: StoredObject, data: bytes, details: dict, status: int,
                         body: bytes) -> Response:
        from devtools.emulator.app import UploadCompleted

        media = self.state.media_at(obj.bucket, obj.key)
        service = "oss"
        if media is not None:
            service = "vod"
            details = {**details, "vod": {"mediaId": media.media_id, "kind": media.kind,
                                          "userData": media.params.get("UserData")}}
        # Off the event loop: an upload callback waits for a function that may call back into the emulator.
        reply = await run_in_threadpool(self.emulator.upload_completed,
                                        UploadCompleted("aliyun", service, operation, obj, details))
        request_id = uuid.uuid4().hex[:24].upper()
        headers = {"ETag": f'"{obj.etag}"', "x-oss-request-id": request_id,
                   "x-oss-hash-crc64ecma": str(crc64_ecma(data))}
        if reply is not None:
            return Response(reply.body, status_code=reply.status, media_type=reply.content_type, headers=headers)
        media_type = "application/xml" if body else None
        return Response(body, status_code=status, media_type=media_type, headers=headers)
