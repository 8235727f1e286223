"""The emulator's object store: buckets are folders, objects are files, metadata sits beside."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class InvalidObjectKey(ValueError):
    """A key that would escape the bucket folder or is empty."""


@dataclass
class StoredObject:
    bucket: str
    key: str
    size: int
    etag: str
    content_type: str
    metadata: dict[str, str]


class ObjectStore:
    """Stores uploads on disk under `root/<bucket>/<key>`."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, bucket: str, key: str) -> Path:
        if not bucket or "/" in bucket or bucket in (".", ".."):
            raise InvalidObjectKey("bad bucket name")
        parts = key.split("/")
        if not key or key.startswith("/") or any(p in ("", ".", "..") for p in parts[:-1]) or parts[-1] in (".", ".."):
            raise InvalidObjectKey("bad object key")
        return self.root / bucket / "objects" / key

    def check(self, bucket: str, key: str) -> None:
        """Raise InvalidObjectKey for a bucket or key the store would refuse."""
        self._path(bucket, key)

    def put(self, bucket: str, key: str, data: bytes, content_type: str = "application/octet-stream",
            metadata: dict[str, str] | None = None, etag: str | None = None) -> StoredObject:
        """Store an object; its ETag is the MD5 of `data` unless the upload gives another (multipart)."""
        path = self._path(bucket, key)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        obj = StoredObject(bucket, key, len(data), etag or hashlib.md5(data).hexdigest().upper(),  # noqa: S324
                           content_type, dict(metadata or {}))
        meta = self.root / bucket / "meta" / (key + ".json")
        meta.parent.mkdir(parents=True, exist_ok=True)
        meta.write_text(json.dumps(obj.__dict__))
        return obj

    def get(self, bucket: str, key: str) -> tuple[StoredObject, bytes] | None:
        path = self._path(bucket, key)
        meta = self.root / bucket / "meta" / (key + ".json")
        if not path.is_file() or not meta.is_file():
            return None
        info: dict[str, Any] = json.loads(meta.read_text())
        return StoredObject(**info), path.read_bytes()

    def delete(self, bucket: str, key: str) -> bool:
        """Remove an object and its metadata; False when there was none (deleting is idempotent)."""
        path = self._path(bucket, key)
        meta = self.root / bucket / "meta" / (key + ".json")
        existed = path.is_file()
        path.unlink(missing_ok=True)
        meta.unlink(missing_ok=True)
        return existed
