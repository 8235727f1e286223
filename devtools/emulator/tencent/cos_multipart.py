"""COS multipart uploads as the XML API defines them (Initiate, Upload Part, List Parts, Complete, Abort, List).

Parts are kept on disk beside the bucket until Complete joins them into one
object or Abort drops them. Complete checks what COS checks: parts listed in
ascending order (InvalidPartOrder), consecutive numbers, each part uploaded
with the ETag given (InvalidPart), every part but the last at least 1 MB
(EntityTooSmall). The
object's ETag is COS's multipart form, `"<md5 of the part MD5s>-<parts>"`;
part ETags are the part's MD5 in lowercase hex, quoted. Authorization and the
side effects of a completed object belong to the caller (cos.py).
"""

from __future__ import annotations

import hashlib
import secrets
import shutil
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote
from xml.etree import ElementTree
from xml.sax.saxutils import escape

from starlette.responses import Response

from devtools.emulator.tencent.cos_errors import CosError

MIN_PART_BYTES = 1024 * 1024
MAX_PART_NUMBER = 10000
MAX_PART_BYTES = 5 * 1024 ** 3
_XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'


@dataclass
class Part:
    number: int
    etag: str  # lowercase hex MD5, unquoted
    size: int
    uploaded: float


@dataclass
class MultipartUpload:
    upload_id: str
    bucket: str
    key: str
    content_type: str
    metadata: dict[str, str]
    initiator: str  # the SecretId that initiated it
    initiated: float
    parts: dict[int, Part] = field(default_factory=dict)


def _iso(stamp: float) -> str:
    return datetime.fromtimestamp(stamp, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _xml(body: str) -> Response:
    return Response(_XML_HEAD + body, status_code=200, media_type="application/xml")


def _text(tag: str, value: object) -> str:
    return f"<{tag}>{escape(str(value))}</{tag}>"


def multipart_etag(part_md5s: list[str]) -> str:
    """COS's (and S3's) multipart ETag: MD5 over the binary part MD5s, then `-<number of parts>`."""
    digest = hashlib.md5(b"".join(bytes.fromhex(m) for m in part_md5s)).hexdigest()  # noqa: S324
    return f"{digest}-{len(part_md5s)}"


class CosMultipart:
    """The account's in-progress multipart uploads; part bytes under `<root>/<bucket>/multipart/<id>/`."""

    def __init__(self, root: Path, owner_uin: str) -> None:
        self.root = root
        self.owner_uin = owner_uin
        self._lock = threading.Lock()
        self._uploads: dict[str, MultipartUpload] = {}

    def _dir(self, upload: MultipartUpload) -> Path:
        return self.root / upload.bucket / "multipart" / upload.upload_id

    def _upload(self, bucket: str, key: str, upload_id: str) -> MultipartUpload:
        with self._lock:
            upload = self._uploads.get(upload_id)
        if upload is None or (upload.bucket, upload.key) != (bucket, key):
            raise CosError(404, "NoSuchUpload", "The specified multipart upload does not exist.")
        return upload

    def _identity(self, secret_id: str) -> str:
        return (f"<ID>qcs::cam::uin/{self.owner_uin}:uin/{self.owner_uin}</ID>"
                f"<DisplayName>{escape(secret_id or self.owner_uin)}</DisplayName>")

    # -- operations ------------------------------------------------------------
    def initiate(self, bucket: str, key: str, content_type: str, metadata: dict[str, str],
                 initiator: str) -> Response:
        upload = MultipartUpload(f"{int(time.time() * 1000)}{secrets.token_hex(20)}", bucket, key, content_type,
                                 dict(metadata), initiator, time.time())
        self._dir(upload).mkdir(parents=True, exist_ok=True)
        with self._lock:
            self._uploads[upload.upload_id] = upload
        return _xml(f"<InitiateMultipartUploadResult>{_text('Bucket', bucket)}{_text('Key', key)}"
                    f"{_text('UploadId', upload.upload_id)}</InitiateMultipartUploadResult>")

    def upload_part(self, bucket: str, key: str, upload_id: str, number_text: str, data: bytes) -> Response:
        upload = self._upload(bucket, key, upload_id)
        if not number_text.isdigit() or not 1 <= int(number_text) <= MAX_PART_NUMBER:
            raise CosError(400, "InvalidArgument", f"partNumber must be an integer from 1 to {MAX_PART_NUMBER}.")
        if len(data) > MAX_PART_BYTES:
            raise CosError(400, "EntityTooLarge", "A part may not exceed 5 GB.")
        number = int(number_text)
        (self._dir(upload) / str(number)).write_bytes(data)
        part = Part(number, hashlib.md5(data).hexdigest(), len(data), time.time())  # noqa: S324 (ETag)
        with self._lock:
            upload.parts[number] = part
        answer = Response(status_code=200)
        # Spelled as COS spells it: cos-python-sdk-v5 reads the part ETag from a case-sensitive dict.
        answer.raw_headers.append((b"ETag", f'"{part.etag}"'.encode()))
        return answer

    def list_parts(self, bucket: str, key: str, upload_id: str, query: dict[str, str]) -> Response:
        upload = self._upload(bucket, key, upload_id)
        marker = int(query.get("part-number-marker") or 0) if (query.get("part-number-marker") or "0").isdigit() else 0
        limit = int(query.get("max-parts") or 1000) if (query.get("max-parts") or "1").isdigit() else 1000
        limit = max(1, min(limit, 1000))
        with self._lock:
            parts = sorted((p for p in upload.parts.values() if p.number > marker), key=lambda p: p.number)
        page, truncated = parts[:limit], len(parts) > limit
        listed = "".join(f"<Part>{_text('PartNumber', p.number)}{_text('LastModified', _iso(p.uploaded))}"
                         f"{_text('ETag', chr(34) + p.etag + chr(34))}{_text('Size', p.size)}</Part>" for p in page)
        next_marker = page[-1].number if page else marker
        return _xml(f"<ListPartsResult>{_text('Bucket', bucket)}{_text('Key', self._key(key, query))}"
                    f"{_text('UploadId', upload_id)}<Initiator>{self._identity(upload.initiator)}</Initiator>"
                    f"<Owner>{self._identity('')}</Owner>{_text('PartNumberMarker', marker)}{listed}"
                    f"{_text('NextPartNumberMarker', next_marker)}<StorageClass>STANDARD</StorageClass>"
                    f"{_text('MaxParts', limit)}{_text('IsTruncated', str(truncated).lower())}</ListPartsResult>")

    def abort(self, bucket: str, key: str, upload_id: str) -> Response:
        upload = self._upload(bucket, key, upload_id)
        with self._lock:
            self._uploads.pop(upload_id, None)
        shutil.rmtree(self._dir(upload), ignore_errors=True)
        return Response(status_code=204)

    def complete(self, bucket: str, key: str, upload_id: str, body: bytes) -> tuple[MultipartUpload, bytes, str]:
        """Check the part list against the uploaded parts; return the upload, the joined bytes and the ETag.

        The upload is gone afterwards, so a second Complete answers NoSuchUpload (nothing fires twice)."""
        upload = self._upload(bucket, key, upload_id)
        listed = self._parse_part_list(body)
        numbers = [number for number, _ in listed]
        if numbers != sorted(numbers) or len(set(numbers)) != len(numbers):
            raise CosError(400, "InvalidPartOrder", "The parts must be listed in ascending PartNumber order.")
        if any(after != before + 1 for before, after in zip(numbers, numbers[1:])):
            raise CosError(400, "InvalidPart", "The part numbers must be consecutive.")
        with self._lock:
            parts = [upload.parts.get(number) for number in numbers]
            for (number, etag), part in zip(listed, parts):
                if part is None or etag.strip('"').lower() != part.etag:
                    raise CosError(400, "InvalidPart", f"Part {number} was not uploaded with ETag {etag}.")
            for part in parts[:-1]:
                if part is not None and part.size < MIN_PART_BYTES:
                    raise CosError(400, "EntityTooSmall", f"Part {part.number} is smaller than 1 MB and is "
                                                                "not the last part.")
            if self._uploads.pop(upload_id, None) is None:
                raise CosError(404, "NoSuchUpload", "The specified multipart upload does not exist.")
        folder = self._dir(upload)
        data = b"".join((folder / str(number)).read_bytes() for number in numbers)
        shutil.rmtree(folder, ignore_errors=True)
        return upload, data, multipart_etag([p.etag for p in parts if p is not None])

    @staticmethod
    def complete_answer(location: str, bucket: str, key: str, etag: str) -> Response:
        return _xml('<CompleteMultipartUploadResult xmlns="http://www.qcloud.com/document/product/436/7751">'
                    f"{_text('Location', location)}{_text('Bucket', bucket)}{_text('Key', key)}"
                    f"{_text('ETag', chr(34) + etag + chr(34))}</CompleteMultipartUploadResult>")

    def list_uploads(self, bucket: str, query: dict[str, str]) -> Response:
        prefix = query.get("prefix", "")
        limit = int(query["max-uploads"]) if (query.get("max-uploads") or "").isdigit() else 1000
        limit = max(1, min(limit, 1000))
        key_marker, id_marker = query.get("key-marker", ""), query.get("upload-id-marker", "")
        with self._lock:
            found = sorted((u for u in self._uploads.values() if u.bucket == bucket and u.key.startswith(prefix)
                            and (u.key, u.upload_id) > (key_marker, id_marker)), key=lambda u: (u.key, u.upload_id))
        page, truncated = found[:limit], len(found) > limit
        listed = "".join(f"<Upload>{_text('Key', self._key(u.key, query))}{_text('UploadId', u.upload_id)}"
                         f"<StorageClass>STANDARD</StorageClass><Initiator>{self._identity(u.initiator)}</Initiator>"
                         f"<Owner>{self._identity('')}</Owner>{_text('Initiated', _iso(u.initiated))}</Upload>"
                         for u in page)
        nxt = (f"{_text('NextKeyMarker', self._key(page[-1].key, query))}"
               f"{_text('NextUploadIdMarker', page[-1].upload_id)}") if truncated else ""
        encoding = _text("Encoding-Type", "url") if query.get("encoding-type") == "url" else ""
        return _xml(f"<ListMultipartUploadsResult>{_text('Bucket', bucket)}{encoding}"
                    f"{_text('KeyMarker', key_marker)}{_text('UploadIdMarker', id_marker)}{nxt}"
                    f"{_text('MaxUploads', limit)}{_text('IsTruncated', str(truncated).lower())}"
                    f"{_text('Prefix', self._key(prefix, query))}{listed}</ListMultipartUploadsResult>")

    # -- helpers ---------------------------------------------------------------
    @staticmethod
    def _key(key: str, query: dict[str, str]) -> str:
        return quote(key, safe="/") if query.get("encoding-type") == "url" else key

    @staticmethod
    def _parse_part_list(body: bytes) -> list[tuple[int, str]]:
        try:
            root = ElementTree.fromstring(body or b"")
        except ElementTree.ParseError:
            raise CosError(400, "MalformedXML", "The XML you provided was not well-formed.") from None
        listed: list[tuple[int, str]] = []
        for part in root.iter("Part"):
            number, etag = (part.findtext("PartNumber") or "").strip(), (part.findtext("ETag") or "").strip()
            if root.tag != "CompleteMultipartUpload" or not number.isdigit() or not etag:
                raise CosError(400, "MalformedXML", "Each Part needs a PartNumber and an ETag.")
            listed.append((int(number), etag))
        if not listed:
            raise CosError(400, "MalformedXML", "The part list is empty.")
        return listed
