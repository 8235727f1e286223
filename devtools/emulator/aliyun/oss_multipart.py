"""Emulated OSS multipart upload: Initiate, UploadPart, Complete, Abort, ListParts, ListMultipartUploads.

Follows the OSS API reference and what ali-oss (`lib/common/multipart.js`) sends: every request is signed
with header signature V1 and checked against the key's session policy (Initiate, UploadPart and Complete
need `oss:PutObject` on the object, Abort `oss:AbortMultipartUpload`, ListParts `oss:ListParts`,
ListMultipartUploads `oss:ListMultipartUploads` on the bucket). Parts wait on disk beside the bucket; the
object appears, with an ETag in OSS's multipart form (`<hex>-<parts>`), and the upload listeners (callback,
trigger, VOD events) fire once, on Complete.
"""

from __future__ import annotations

import hashlib
import shutil
import threading
import uuid
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from starlette.requests import Request
from starlette.responses import Response

from devtools.emulator.aliyun.oss_errors import OssError

MIN_PART_BYTES = 100 * 1024  # every part but the last
MAX_PART_NUMBER = 10_000
MAX_LISTED = 1000


def _iso_ms(moment: datetime) -> str:
    # OSS answers whole seconds with ".000Z"; oss2 parses only that form.
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def multipart_etag(part_md5s: list[bytes]) -> str:
    """OSS's ETag for an object made of parts: MD5 over the parts' binary MD5s, then `-<count>`."""
    return f"{hashlib.md5(b''.join(part_md5s)).hexdigest().upper()}-{len(part_md5s)}"  # noqa: S324 (ETag)


def _no_such_upload() -> OssError:
    return OssError("NoSuchUpload", "The specified upload does not exist. The upload ID may be invalid, or the "
                                    "upload may have been aborted or completed.", 404)


def _invalid_part() -> OssError:
    return OssError("InvalidPart", "One or more of the specified parts could not be found or the specified "
                                   "entity tag might not have matched the part's entity tag.", 400)


def _malformed() -> OssError:
    return OssError("MalformedXML", "The XML you provided was not well-formed or did not validate against our "
                                    "published schema.", 400)


def _xml(root: str, body: str) -> Response:
    text = f'<?xml version="1.0" encoding="UTF-8"?>\n<{root}>{body}</{root}>'
    return Response(text, status_code=200, media_type="application/xml",
                    headers={"x-oss-request-id": uuid.uuid4().hex[:24].upper()})


def _tags(**values: Any) -> str:
    return "".join(f"<{name}>{escape(str(value))}</{name}>" for name, value in values.items())


def _int_param(request: Request, name: str, default: int, low: int, high: int) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise OssError("InvalidArgument", f"{name} must be an integer.", 400) from None
    if not low <= value <= high:
        raise OssError("InvalidArgument", f"{name} must be between {low} and {high}.", 400)
    return value


@dataclass
class Part:
    number: int
    md5: bytes
    size: int
    last_modified: datetime

    @property
    def etag(self) -> str:
        return self.md5.hex().upper()


@dataclass
class MultipartUpload:
    upload_id: str
    bucket: str
    key: str
    initiated: datetime
    content_type: str
    meta: dict[str, str]
    parts: dict[int, Part] = field(default_factory=dict)


class OssMultipart:
    """The multipart half of emulated OSS; `oss` is the OssService (signatures, policies, completion)."""

    def __init__(self, oss: Any, root: Path) -> None:
        self.oss = oss
        self.root = root
        self._lock = threading.Lock()
        self._uploads: dict[str, MultipartUpload] = {}

    @staticmethod
    def claims(request: Request, key: str) -> bool:
        query = request.query_params
        if not key:
            return request.method == "GET" and "uploads" in query
        return ("uploads" in query and request.method == "POST") or "uploadId" in query

    async def handle(self, request: Request, bucket: str, key: str) -> Response:
        query, method = request.query_params, request.method
        if not key:
            return self.list_uploads(request, bucket)
        if "uploads" in query and method == "POST":
            return self.initiate(request, bucket, key)
        if method == "PUT" and "partNumber" in query:
            return await self.upload_part(request, bucket, key)
        if method == "POST":
            return await self.complete(request, bucket, key)
        if method == "DELETE":
            return self.abort(request, bucket, key)
        if method == "GET":
            return self.list_parts(request, bucket, key)
        raise OssError("NotImplemented", f"The emulator does not implement {method} with uploadId.", 501)

    # -- state -----------------------------------------------------------------------
    def _parts_dir(self, upload: MultipartUpload) -> Path:
        return self.root / upload.bucket / "uploads" / upload.upload_id

    def _upload(self, request: Request, bucket: str, key: str) -> MultipartUpload:
        with self._lock:
            upload = self._uploads.get(request.query_params.get("uploadId", ""))
        if upload is None or (upload.bucket, upload.key) != (bucket, key):
            raise _no_such_upload()
        return upload

    # -- operations --------------------------------------------------------------------
    def initiate(self, request: Request, bucket: str, key: str) -> Response:
        access, headers = self.oss.authenticate(request, bucket, key)
        self.oss.permit(access, bucket, key)
        self.oss.emulator.store.check(bucket, key)
        meta = {k[len("x-oss-meta-"):]: v for k, v in headers.items() if k.startswith("x-oss-meta-")}
        upload = MultipartUpload(uuid.uuid4().hex.upper(), bucket, key, datetime.now(timezone.utc),
                                 headers.get("content-type") or "application/octet-stream", meta)
        with self._lock:
            self._uploads[upload.upload_id] = upload
        return _xml("InitiateMultipartUploadResult", _tags(Bucket=bucket, Key=key, UploadId=upload.upload_id))

    async def upload_part(self, request: Request, bucket: str, key: str) -> Response:
        access, _ = self.oss.authenticate(request, bucket, key)
        self.oss.permit(access, bucket, key)
        raw = request.query_params.get("partNumber", "")
        if not raw.isdigit() or not 1 <= int(raw) <= MAX_PART_NUMBER:
            raise OssError("InvalidArgument", "Part number must be an integer between 1 and 10000, inclusive.", 400)
        upload = self._upload(request, bucket, key)
        data = await request.body()
        self.oss.check_content_md5(request, data)
        part = Part(int(raw), hashlib.md5(data).digest(), len(data), datetime.now(timezone.utc))  # noqa: S324
        folder = self._parts_dir(upload)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / str(part.number)).write_bytes(data)
        with self._lock:
            upload.parts[part.number] = part  # a part sent again replaces the earlier one
        return Response(b"", status_code=200, headers={"ETag": f'"{part.etag}"',
                                                       "x-oss-hash-crc64ecma": str(self.oss.crc64(data)),
                                                       "x-oss-request-id": uuid.uuid4().hex[:24].upper()})

    def _listed_parts(self, body: bytes, upload: MultipartUpload) -> list[Part]:
        if b"<!DOCTYPE" in body or b"<!ENTITY" in body:
            raise _malformed()
        try:
            root = ElementTree.fromstring(body)
        except ElementTree.ParseError:
            raise _malformed() from None
        if root.tag != "CompleteMultipartUpload":
            raise _malformed()
        chosen: list[Part] = []
        for element in root.findall("Part"):
            number, etag = (element.findtext("PartNumber") or "").strip(), element.findtext("ETag")
            if not number.isdigit() or etag is None:
                raise _malformed()
            if chosen and int(number) <= chosen[-1].number:
                raise OssError("InvalidPartOrder", "The list of parts was not in ascending order. Parts list "
                                                   "must be specified in order by part number.", 400)
            part = upload.parts.get(int(number))
            if part is None or etag.strip().strip('"').upper() != part.etag:
                raise _invalid_part()
            chosen.append(part)
        if not chosen:
            raise _malformed()
        return chosen

    async def complete(self, request: Request, bucket: str, key: str) -> Response:
        access, headers = self.oss.authenticate(request, bucket, key)
        self.oss.permit(access, bucket, key)
        upload = self._upload(request, bucket, key)
        body = await request.body()
        if headers.get("x-oss-complete-all", "").lower() == "yes":
            if body.strip():
                raise OssError("InvalidArgument", "Do not list parts with x-oss-complete-all: yes.", 400)
            chosen = [upload.parts[n] for n in sorted(upload.parts)]
            if not chosen:
                raise _invalid_part()
        else:
            chosen = self._listed_parts(body, upload)
        if any(part.size < MIN_PART_BYTES for part in chosen[:-1]):
            raise OssError("EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size.", 400)
        with self._lock:  # one Complete wins; a second finds no upload, so the side effects fire once
            if self._uploads.pop(upload.upload_id, None) is None:
                raise _no_such_upload()
        folder = self._parts_dir(upload)
        data = b"".join((folder / str(part.number)).read_bytes() for part in chosen)
        shutil.rmtree(folder, ignore_errors=True)
        obj = self.oss.emulator.store.put(bucket, key, data, upload.content_type, upload.meta,
                                          etag=multipart_etag([part.md5 for part in chosen]))
        location = f"{self.oss.bucket_url(request, bucket)}/{key}"
        result = _tags(Location=location, Bucket=bucket, Key=key, ETag=f'"{obj.etag}"')
        xml = f'<?xml version="1.0" encoding="UTF-8"?>\n<CompleteMultipartUploadResult>{result}' \
              "</CompleteMultipartUploadResult>"
        details = {"callback": headers.get("x-oss-callback"), "callbackVar": headers.get("x-oss-callback-var"),
                   "accessKeyId": access.key_id, "uploadId": upload.upload_id}
        return await self.oss.completed("CompleteMultipartUpload", obj, data, details, 200, xml.encode())

    def abort(self, request: Request, bucket: str, key: str) -> Response:
        access, _ = self.oss.authenticate(request, bucket, key)
        self.oss.permit(access, bucket, key, "oss:AbortMultipartUpload")
        upload = self._upload(request, bucket, key)
        with self._lock:
            self._uploads.pop(upload.upload_id, None)
        shutil.rmtree(self._parts_dir(upload), ignore_errors=True)
        return Response(b"", status_code=204, headers={"x-oss-request-id": uuid.uuid4().hex[:24].upper()})

    def list_parts(self, request: Request, bucket: str, key: str) -> Response:
        access, _ = self.oss.authenticate(request, bucket, key)
        self.oss.permit(access, bucket, key, "oss:ListParts")
        upload = self._upload(request, bucket, key)
        limit = _int_param(request, "max-parts", MAX_LISTED, 1, MAX_LISTED)
        marker = _int_param(request, "part-number-marker", 0, 0, MAX_PART_NUMBER)
        with self._lock:
            parts = [upload.parts[n] for n in sorted(upload.parts) if n > marker]
        shown, truncated = parts[:limit], len(parts) > limit
        listed = "".join("<Part>" + _tags(PartNumber=p.number, LastModified=_iso_ms(p.last_modified),
                                          ETag=f'"{p.etag}"', Size=p.size) + "</Part>" for p in shown)
        head = _tags(Bucket=bucket, Key=key, UploadId=upload.upload_id, PartNumberMarker=marker,
                     NextPartNumberMarker=shown[-1].number if shown else marker, MaxParts=limit,
                     IsTruncated=str(truncated).lower())
        return _xml("ListPartsResult", head + listed)

    def list_uploads(self, request: Request, bucket: str) -> Response:
        access, _ = self.oss.authenticate(request, bucket, "")
        self.oss.permit(access, bucket, "", "oss:ListMultipartUploads")
        query = request.query_params
        prefix, delimiter = query.get("prefix", ""), query.get("delimiter", "")
        key_marker, id_marker = query.get("key-marker", ""), query.get("upload-id-marker", "")
        limit = _int_param(request, "max-uploads", MAX_LISTED, 1, MAX_LISTED)
        with self._lock:
            uploads = sorted((u for u in self._uploads.values() if u.bucket == bucket and u.key.startswith(prefix)),
                             key=lambda u: (u.key, u.initiated, u.upload_id))
        uploads = [u for u in uploads if u.key > key_marker or (u.key == key_marker and id_marker
                                                                 and u.upload_id > id_marker)]
        rows: list[str] = []
        prefixes: list[str] = []
        last: MultipartUpload | None = None
        for upload in uploads:
            if len(rows) + len(prefixes) >= limit:
                break
            rest = upload.key[len(prefix):]
            if delimiter and delimiter in rest:
                common = prefix + rest.split(delimiter, 1)[0] + delimiter
                if common not in prefixes:
                    prefixes.append(common)
                last = upload
                continue
            rows.append("<Upload>" + _tags(Key=upload.key, UploadId=upload.upload_id,
                                           Initiated=_iso_ms(upload.initiated)) + "</Upload>")
            last = upload
        truncated = last is not None and last is not uploads[-1]
        head = _tags(Bucket=bucket, KeyMarker=key_marker, UploadIdMarker=id_marker,
                     NextKeyMarker=last.key if truncated and last else "",
                     NextUploadIdMarker=last.upload_id if truncated and last else "",
                     Delimiter=delimiter, Prefix=prefix, MaxUploads=limit, IsTruncated=str(truncated).lower())
        common = "".join(f"<CommonPrefixes>{_tags(Prefix=p)}</CommonPrefixes>" for p in prefixes)
        return _xml("ListMultipartUploadsResult", head + "".join(rows) + common)
