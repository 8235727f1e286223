"""Emulated COS: PutObject and multipart uploads (XML request signature), PostObject, signed GetObject,
DeleteObject (`cos_delete`).

PostObject takes either form COS is posted in: the policy form (policy + q-* fields) or a request
signature in the `Signature` field (cos-wx-sdk-v5, Tencent's mini-program direct upload guide).
Requests relayed by the VOD upload host carry the bucket host in `Vod-Forward-Cos` (vod-wx-sdk-v2).

Buckets are addressed as COS does, by Host `<bucket>.cos.<region>.myqcloud.com`
(cos-python-sdk-v5 with CosConfig(IP=..., Port=...) sends it) or its local twin
`<bucket>.cos.<region>.localhost` (see `devtools.emulator.hosts`), or path-style
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
from urllib.parse import parse_qsl, quote, unquote

from starlette.requests import Request
from starlette.responses import Response

from devtools.emulator.hosts import TENCENT_PARENTS, name_under, request_host
from devtools.emulator.object_reads import object_response
from devtools.emulator.objects import InvalidObjectKey
from devtools.emulator.service import Service
from devtools.emulator.tencent import cos_delete
from devtools.emulator.tencent.cos_errors import CosError, cos_error_response
from devtools.emulator.tencent.cos_multipart import CosMultipart
from devtools.emulator.tencent.cos_reads import authorize_read
from devtools.emulator.tencent.cos_signature import cos_encode
from devtools.emulator.tencent.cos_signature import parse_cos_authorization, xml_request_signature
from devtools.emulator.tencent.keys import AccessKey, policy_allows
from devtools.emulator.tencent.post_policy import PolicyViolation, PostForm, check_post_form
from devtools.emulator.tencent.state import TencentState

# A bucket host without its parent domain (myqcloud.com, or localhost in the local stack).
_HOST_RE = re.compile(r"^(?P<bucket>[a-z0-9][a-z0-9-]*-\d+)\.cos\.(?P<region>[a-z0-9-]+)$")
FORWARD_HEADER = "vod-forward-cos"
# The CAM action each multipart request is authorized as.
_MULTIPART_ACTIONS = {"initiate": "name/cos:InitiateMultipartUpload", "part": "name/cos:UploadPart",
                      "list-parts": "name/cos:ListParts", "complete": "name/cos:CompleteMultipartUpload",
                      "abort": "name/cos:AbortMultipartUpload", "list-uploads": "name/cos:ListMultipartUploads"}


def _bucket_host(name: str) -> re.Match | None:
    """`<bucket>.cos.<region>.myqcloud.com` or `.localhost` (no port) → bucket and region."""
    return _HOST_RE.match(name_under(name, TENCENT_PARENTS) or "")


def multipart_operation(method: str, key: str, query: dict[str, str]) -> str | None:
    """Which multipart request this is (see _MULTIPART_ACTIONS), or None."""
    if not key:
        return "list-uploads" if method == "GET" and "uploads" in query else None
    if method == "POST" and "uploads" in query:
        return "initiate"
    if "uploadId" in query:
        return {"PUT": "part", "GET": "list-parts", "POST": "complete", "DELETE": "abort"}.get(method)
    return None


@dataclass
class CosAddress:
    bucket: str
    region: str
    path: str  # decoded, starting with "/"
    host: str = ""  # the bucket host the request named (Host, or Vod-Forward-Cos when relayed)
    forwarded: bool = False

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
        self.multipart = CosMultipart(emulator.config.objects_dir, state.account.uin)

    def _regions(self) -> dict[str, str]:
        account = self.state.account
        return {account.bucket: account.region, self.state.vod_bucket: account.vod_storage_region}

    def address(self, request: Request) -> CosAddress | None:
        header_host = request.headers.get("host", "")
        host = _bucket_host(request_host(request))
        path = unquote(request.url.path)
        if host:
            return CosAddress(host["bucket"], host["region"], path, header_host.split(":")[0])
        forwarded = request.headers.get(FORWARD_HEADER)
        if forwarded is not None:
            # The VOD upload host relays COS requests to the bucket host the SDK names in this header.
            target = _bucket_host(forwarded.strip().lower().split(":")[0])
            if target is None or target["bucket"] != self.state.vod_bucket:
                return CosAddress("", "", path, forwarded.strip(), forwarded=True)
            return CosAddress(target["bucket"], target["region"], path, forwarded.strip().split(":")[0],
                              forwarded=True)
        first, _, rest = path[1:].partition("/")
        region = self._regions().get(first)
        return CosAddress(first, region, "/" + rest) if region else None

    def matches(self, request: Request) -> bool:
        if request.method == "OPTIONS" and FORWARD_HEADER in request.headers.get(
                "access-control-request-headers", "").lower():
            return True  # a browser's preflight for a forwarded request: answered by the bucket CORS rule
        return self.address(request) is not None

    async def handle(self, request: Request) -> Response:
        address = self.address(request)
        if address is None:
            return cos_error_response(CosError(403, "AccessForbidden", "CORS preflight not allowed."), "/")
        query = dict(parse_qsl(request.url.query, keep_blank_values=True))
        try:
            if address.forwarded and not address.bucket:
                raise CosError(403, "AccessDenied", f"{FORWARD_HEADER} must name the VOD storage bucket's COS host.")
            operation = multipart_operation(request.method, address.key, query)
            if operation:
                return await self.multipart_request(request, address, operation, query)
            if request.method == "PUT" and address.key and "acl" not in query:
                return await self.put_object(request, address)
            if request.method == "POST" and not address.key:
                return await self.post_object(request, address)
            if request.method in ("GET", "HEAD") and address.key and "uploadId" not in request.query_params:
                authorize_read(self, request, address, query)
                return self.get_object(request.method, address)
            if cos_delete.claims(request, address.key):
                return cos_delete.delete_object(self, request, address)
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
        key = self.authenticate(request, address)
        headers = {k.lower(): v for k, v in request.headers.items()}
        self.authorize(key, "name/cos:PutObject", address, {
            "cos:content-type": headers.get("content-type"), "cos:content-length": headers.get("content-length")})
        data = await request.body()
        md5 = headers.get("content-md5")
        if md5 and base64.b64encode(hashlib.md5(data).digest()).decode() != md5:  # noqa: S324
            raise CosError(400, "BadDigest", "The Content-MD5 you specified did not match what was received.")
        meta = {k: v for k, v in headers.items() if k.startswith("x-cos-meta-")}
        return self.store(address, data, headers.get("content-type", "application/octet-stream"), meta,
                          "PutObject", key, lambda obj: Response(status_code=200, headers={"ETag": f'"{obj.etag}"'}))

    # -- multipart ------------------------------------------------------------
    async def multipart_request(self, request: Request, address: CosAddress, operation: str,
                                query: dict[str, str]) -> Response:
        """Multipart requests: signed like PutObject and checked against the key's CAM policy per action."""
        key = self.authenticate(request, address)
        context = {"cos:content-type": request.headers.get("content-type"),
                   "cos:content-length": request.headers.get("content-length")}
        if operation == "list-uploads":  # a bucket request, authorized on the prefix it lists
            self.authorize(key, _MULTIPART_ACTIONS[operation], CosAddress(address.bucket, address.region,
                                                                          "/" + query.get("prefix", "")), context)
            return self.multipart.list_uploads(address.bucket, query)
        self.authorize(key, _MULTIPART_ACTIONS[operation], address, context)
        bucket, object_key = address.bucket, address.key
        if operation == "initiate":
            headers = {k.lower(): v for k, v in request.headers.items()}
            meta = {k: v for k, v in headers.items() if k.startswith("x-cos-meta-")}
            return self.multipart.initiate(bucket, object_key, headers.get("content-type") or
                                           "application/octet-stream", meta, key.secret_id)
        if operation == "part":
            data = await request.body()
            md5 = request.headers.get("content-md5")
            if md5 and base64.b64encode(hashlib.md5(data).digest()).decode() != md5:  # noqa: S324
                raise CosError(400, "BadDigest", "The Content-MD5 you specified did not match what was received.")
            return self.multipart.upload_part(bucket, object_key, query["uploadId"], query.get("partNumber", ""),
                                              data)
        if operation == "list-parts":
            return self.multipart.list_parts(bucket, object_key, query["uploadId"], query)
        if operation == "abort":
            return self.multipart.abort(bucket, object_key, query["uploadId"])
        upload, data, etag = self.multipart.complete(bucket, object_key, query["uploadId"], await request.body())
        location = f"http://{bucket}.cos.{address.region}.myqcloud.com/{quote(object_key)}"
        return self.store(address, data, upload.content_type, upload.metadata, "CompleteMultipartUpload", key,
                          lambda obj: self.multipart.complete_answer(location, bucket, object_key, etag), etag=etag)

    def authenticate(self, request: Request, address: CosAddress) -> AccessKey:
        """The key that signed this XML API request (Authorization header or presigned query), or CosError."""
        headers = {k.lower(): v for k, v in request.headers.items()}
        if address.forwarded:
            headers["host"] = address.host  # the SDK signed the bucket host it named, not the relay's
        query = dict(parse_qsl(request.url.query, keep_blank_values=True))
        auth = parse_cos_authorization(headers.get("authorization", "")) or \
            {k: v for k, v in query.items() if k.startswith("q-")}
        key = self.signing_key(auth, headers.get("x-cos-security-token") or query.get("x-cos-security-token"))
        self.check_signature(key, auth, request.method, address.path, query, headers)
        return key

    @staticmethod
    def check_signature(key: AccessKey, auth: dict[str, str], method: str, path: str, query: dict[str, str],
                        headers: dict[str, str]) -> None:
        signed_headers = {name: headers.get(name, "") for name in auth.get("q-header-list", "").split(";") if name}
        # q-url-param-list names each parameter as it is signed: encoded, then lowercased.
        by_name = {cos_encode(name).lower(): (name, value) for name, value in query.items()}
        signed_params = dict(by_name.get(name, (name, "")) for name in auth.get("q-url-param-list", "").split(";")
                             if name)
        expected = xml_request_signature(key.secret_key, auth["q-key-time"], method, path, signed_params,
                                         signed_headers)
        if not hmac.compare_digest(expected, auth.get("q-signature", "")):
            raise CosError(403, "SignatureDoesNotMatch", "The Signature you specified does not match what we "
                                                          "calculated.")

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
        token = form.fields.get("x-cos-security-token") or request.headers.get("x-cos-security-token")
        if form.request_signature is not None:
            key = self.form_request_signer(request, address, form)
        else:
            key = self.signing_key({name: form.fields.get(name, "") for name in
                                    ("q-sign-algorithm", "q-ak", "q-key-time", "q-signature")}, token)
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
        return self.store(target, form.data, form.fields.get("Content-Type") or "application/octet-stream",
                          form.meta, "PostObject", key, answer)

    def form_request_signer(self, request: Request, address: CosAddress, form: PostForm) -> AccessKey:
        """The key behind a form's `Signature` field: an XML request signature of `POST <path>`.

        cos-wx-sdk-v5 and Tencent's mini-program direct upload guide send it instead of a policy; the
        signed headers are read from the request (the bucket host for a relayed request), else the form."""
        auth = parse_cos_authorization(form.request_signature or "")
        key = self.signing_key(auth, form.fields.get("x-cos-security-token") or
                               request.headers.get("x-cos-security-token"))
        headers = {name.lower(): value for name, value in form.fields.items()}
        headers.update({k.lower(): v for k, v in request.headers.items()})
        if address.forwarded:
            headers["host"] = address.host
        self.check_signature(key, auth, "POST", address.path, dict(parse_qsl(request.url.query, True)),
                             headers)
        return key

    def store(self, address: CosAddress, data: bytes, content_type: str, meta: dict[str, str], operation: str,
              key: AccessKey, answer: Callable[[Any], Response], etag: str | None = None) -> Response:
        """Keep the object (COS ETags: lowercase MD5, or the multipart form) and tell the listeners."""
        from devtools.emulator.app import UploadCompleted  # app imports this module

        try:
            obj = self.emulator.store.put(address.bucket, address.key, data, content_type, meta,
                                          etag or hashlib.md5(data).hexdigest())  # noqa: S324
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
