"""Emulated COS: PutObject (XML request signature), PostObject (form policy signature), GetObject.

Buckets are addressed as COS does, by Host `<bucket>.cos.<region>.myqcloud.com`
(cos-python-sdk-v5 with CosConfig(IP=..., Port=...) sends it), or path-style
`/<bucket>/...` for this account's buckets, which is where the local stack
points browser and `wx.uploadFile` form posts. Keys are checked against the
temporary keys' CAM policy, so upload keys work only inside their prefix.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import time
import uuid
from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import parse_qsl, unquote
from xml.sax.saxutils import escape

from starlette.requests import Request
from starlette.responses import Response

from devtools.emulator.object_reads import object_response
from devtools.emulator.objects import InvalidObjectKey
from devtools.emulator.service import Service
from devtools.emulator.tencent.cos_signature import parse_cos_authorization, xml_request_signature
from devtools.emulator.tencent.keys import AccessKey, policy_allows
from devtools.emulator.tencent.post_policy import PolicyViolation, check_post_form
from devtools.emulator.tencent.state import TencentState

_HOST_RE = re.compile(r"^(?P<bucket>[a-z0-9][a-z0-9-]*-\d+)\.cos\.(?P<region>[a-z0-9-]+)\.myqcloud\.com(:\d+)?$")


class CosError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def cos_error_response(error: CosError, resource: str) -> Response:
    body = (f"<?xml version='1.0' encoding='utf-8' ?>\n<Error><Code>{escape(error.code)}</Code>"
            f"<Message>{escape(error.message)}</Message><Resource>{escape(resource)}</Resource>"
            f"<RequestId>{uuid.uuid4().hex}</RequestId></Error>")
    return Response(body, status_code=error.status, media_type="application/xml")


@dataclass
class CosAddress:
    bucket: str
    region: str
    path: str  # decoded, starting with "/"

    @property
    def key(self) -> str:
        return self.path[1:]

    def resource(self) -> str:
        appid = self.bucket.rsplit("-", 1)[1]
        return f"qcs::cos:{self.region}:uid/{appid}:{self.bucket}/{self.key}"


class CosService(Service):
    name = "tencent-cos"

    def __init__(self, state: TencentState, emulator: Any) -> None:
        self.state = state
        self.emulator = emulator

    def _regions(self) -> dict[str, str]:
        account = self.state.account
        return {account.bucket: account.region, self.state.vod_bucket: account.vod_storage_region}

    def address(self, request: Request) -> CosAddress | None:
        host = _HOST_RE.match(request.headers.get("host", ""))
        path = unquote(request.url.path)
        if host:
            return CosAddress(host["bucket"], host["region"], path)
        first, _, rest = path[1:].partition("/")
        region = self._regions().get(first)
        return CosAddress(first, region, "/" + rest) if region else None

    def matches(self, request: Request) -> bool:
        return self.address(request) is not None

    async def handle(self, request: Request) -> Response:
        address = self.address(request)
        assert address is not None
        try:
            if request.method == "PUT" and address.key and not request.url.query.startswith(("partNumber", "acl")):
                return await self.put_object(request, address)
            if request.method == "POST" and not address.key:
                return await self.post_object(request, address)
            if request.method in ("GET", "HEAD") and address.key and not request.url.query:
                return self.get_object(request.method, address)
            raise CosError(501, "NotImplemented", f"{request.method} {request.url.path} is not emulated.")
        except CosError as exc:
            return cos_error_response(exc, address.path)

    def get_object(self, method: str, address: CosAddress) -> Response:
        try:
            answer = object_response(self.emulator.store, address.bucket, address.key, method,
                                     {"x-cos-request-id": uuid.uuid4().hex})
        except InvalidObjectKey:
            raise CosError(400, "InvalidURI", "The object key is not valid.") from None
        if answer is None:
            raise CosError(404, "NoSuchKey", "The specified key does not exist.")
        return answer

    # -- PutObject ------------------------------------------------------------
    async def put_object(self, request: Request, address: CosAddress) -> Response:
        headers = {k.lower(): v for k, v in request.headers.items()}
        query = dict(parse_qsl(request.url.query, keep_blank_values=True))
        auth = parse_cos_authorization(headers.get("authorization", "")) or \
            {k: v for k, v in query.items() if k.startswith("q-")}
        key = self.signing_key(auth, headers.get("x-cos-security-token") or query.get("x-cos-security-token"))
        signed_headers = {name: headers.get(name, "") for name in auth.get("q-header-list", "").split(";") if name}
        signed_params = {name: query.get(name, "") for name in auth.get("q-url-param-list", "").split(";") if name}
        expected = xml_request_signature(key.secret_key, auth["q-key-time"], request.method, address.path,
                                         signed_params, signed_headers)
        if not hmac.compare_digest(expected, auth.get("q-signature", "")):
            raise CosError(403, "SignatureDoesNotMatch", "The Signature you specified does not match what we "
                                                          "calculated.")
        self.authorize(key, "name/cos:PutObject", address, {
            "cos:content-type": headers.get("content-type"), "cos:content-length": headers.get("content-length")})
        data = await request.body()
        md5 = headers.get("content-md5")
        if md5 and base64.b64encode(hashlib.md5(data).digest()).decode() != md5:  # noqa: S324
            raise CosError(400, "BadDigest", "The Content-MD5 you specified did not match what was received.")
        meta = {k: v for k, v in headers.items() if k.startswith("x-cos-meta-")}
        return self.store(address, data, headers.get("content-type", "application/octet-stream"), meta,
                          "PutObject", key, lambda obj: Response(status_code=200, headers={"ETag": f'"{obj.etag}"'}))

    def signing_key(self, auth: dict[str, str], token: str | None) -> AccessKey:
        """The key named by q-ak, checked for algorithm, token, expiry and the q-key-time window."""
        if not auth:
            raise CosError(403, "AccessDenied", "Anonymous access is not allowed on a private bucket.")
        if auth.get("q-sign-algorithm") != "sha1":
            raise CosError(400, "InvalidArgument", "q-sign-algorithm must be sha1.")
        key = self.state.keys.get(auth.get("q-ak", ""))
        if key is None:
            raise CosError(403, "InvalidAccessKeyId", "The access key Id format you provided is invalid.")
        if key.token is not None and not hmac.compare_digest(token or "", key.token):
            raise CosError(403, "InvalidAccessKeyId", "The x-cos-security-token is missing or does not belong "
                                                      "to the temporary key.")
        if key.expired(time.time()):
            raise CosError(400, "ExpiredToken", "The temporary key has expired.")
        key_time = auth.get("q-key-time", "")
        match = re.fullmatch(r"(\d+);(\d+)", key_time)
        if not match or auth.get("q-sign-time", key_time) != key_time:
            raise CosError(403, "AccessDenied", "q-key-time must be <start>;<end> and equal q-sign-time.")
        if not int(match[1]) <= time.time() <= int(match[2]):
            raise CosError(403, "AccessDenied", "Request has expired.")
        return key

    def authorize(self, key: AccessKey, action: str, address: CosAddress,
                  context: dict[str, str | None] | None = None) -> None:
        """Refuse unless the key's CAM policy allows `action` here, with the request's condition keys."""
        if not policy_allows(key.policy, action, address.resource(), context):
            raise CosError(403, "AccessDenied", f"Access denied: {action} on {address.resource()} is not "
                                                "allowed for this key.")

    # -- PostObject -----------------------------------------------------------
    async def post_object(self, request: Request, address: CosAddress) -> Response:
        try:
            form = check_post_form(request.headers.get("content-type", ""), await request.body(), address.bucket)
        except PolicyViolation as exc:
            raise CosError(exc.status, exc.code, str(exc)) from None
        key = self.signing_key({name: form.fields.get(name, "") for name in
                                ("q-sign-algorithm", "q-ak", "q-key-time", "q-signature")},
                               form.fields.get("x-cos-security-token"))
        if not form.signature_matches(key.secret_key):
            raise CosError(403, "SignatureDoesNotMatch", "The q-signature does not match the policy.")
        target = CosAddress(address.bucket, address.region, "/" + form.key)
        self.authorize(key, "name/cos:PostObject", target, {
            "cos:content-type": request.headers.get("content-type"),
            "cos:content-length": request.headers.get("content-length")})
        status = form.fields.get("success_action_status", "204")

        def answer(obj: Any) -> Response:
            return Response(status_code=int(status) if status in ("200", "201", "204") else 204,
                            headers={"ETag": f'"{obj.etag}"', "Location": f"/{form.key}"})
        return self.store(target, form.data, form.fields.get("Content-Type", "application/octet-stream"),
                          form.meta, "PostObject", key, answer)

    def store(self, address: CosAddress, data: bytes, content_type: str, meta: dict[str, str], operation: str,
              key: AccessKey, answer: Callable[[Any], Response]) -> Response:
        from devtools.emulator.app import UploadCompleted  # app imports this module

        try:
            obj = self.emulator.store.put(address.bucket, address.key, data, content_type, meta)
        except InvalidObjectKey:
            raise CosError(400, "InvalidURI", "The object key is not valid.") from None
        self.state.counters.add(f"cos:{operation}")
        if address.bucket == self.state.vod_bucket:
            return answer(obj)  # VOD media counts as uploaded at CommitUploadUGC, not here
        reply = self.emulator.upload_completed(UploadCompleted(
            "tencent", "cos", operation, obj,
            {"region": address.region, "secretId": key.secret_id, "issuedBy": key.issued_by}))
        if reply is not None:
            return Response(reply.body, status_code=reply.status, media_type=reply.content_type)
        return answer(obj)
