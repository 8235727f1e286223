"""How media rows look to clients: public ids, page cursors and the JSON shape of a record.

A public id is the base64url of `provider:media_id`, so object-storage ids
(`bucket/key`, with slashes) fit in one path segment and ids never clash
between clouds. A cursor is the base64url of the last row's position; both are
opaque to clients.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime
from typing import Any, Optional

from pydantic import BaseModel

from upvend.errors import ValidationFailed
from upvend.media_urls import object_url
from upvend.storage.media import ListPosition, MediaRecord, iso_utc
from upvend.json_input import loads_untrusted

PROVIDERS = ("aliyun", "tencent")
MIN_CURSOR_YEAR, MAX_CURSOR_YEAR = 1970, 9998  # MySQL DATETIME starts at year 1000; no row predates 1970


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode("utf-8")).decode("ascii").rstrip("=")


def _unb64(token: str) -> str:
    if not token or len(token) > 2048 or not token.replace("-", "").replace("_", "").isalnum():
        raise ValueError("not base64url")
    try:
        return base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise ValueError("not base64url") from None


def public_id(provider: str, media_id: str) -> str:
    """The id clients use in /media/{id}."""
    return _b64(f"{provider}:{media_id}")


def parse_public_id(token: str) -> tuple[str, str] | None:
    """(provider, media_id) for a public id; None when it cannot be one (callers answer 404)."""
    try:
        provider, _, media_id = _unb64(token).partition(":")
    except ValueError:
        return None
    return (provider, media_id) if provider in PROVIDERS and media_id else None


def encode_cursor(position: ListPosition) -> str:
    return _b64(json.dumps([position.created_at, position.provider, position.media_id], separators=(",", ":")))


def decode_cursor(token: str) -> ListPosition:
    """The position a cursor names; ValidationFailed (400) for anything that is not one of ours."""
    try:
        created_at, provider, media_id = loads_untrusted(_unb64(token))
        if not all(isinstance(v, str) and v for v in (created_at, provider, media_id)):
            raise ValueError("empty part")
        when = datetime.fromisoformat(created_at.replace("Z", "+00:00"))
        # Exactly the UTC form rows carry, in years every database holds (no offsets to overflow).
        if iso_utc(when) != created_at or not MIN_CURSOR_YEAR <= when.year <= MAX_CURSOR_YEAR:
            raise ValueError("not a row time")
    except (ValueError, TypeError, OverflowError):
        raise ValidationFailed("cursor is not a cursor this API issued.", code="invalid_cursor",
                               details=[{"field": "cursor", "message": "invalid cursor"}]) from None
    return ListPosition(created_at, provider, media_id)


class MediaItem(BaseModel):
    """A media row as clients see it."""

    id: str
    provider: str
    mediaId: str
    kind: str
    status: str
    title: Optional[str] = None
    size: Optional[int] = None
    mimeType: Optional[str] = None
    mediaUrl: Optional[str] = None
    coverUrl: Optional[str] = None
    bucket: Optional[str] = None
    objectKey: Optional[str] = None
    region: Optional[str] = None
    etag: Optional[str] = None
    extra: dict[str, Any]
    createdAt: str
    updatedAt: str
    playUrl: Optional[str] = None
    thumbnailUrl: Optional[str] = None
    urlsExpireAt: Optional[str] = None


class MediaPage(BaseModel):
    """One page of the caller's media, newest first; `nextCursor` is null on the last page."""

    items: list[MediaItem]
    nextCursor: Optional[str] = None


def record_json(record: MediaRecord, links: dict[str, Any] | None = None) -> dict[str, Any]:
    """A media row as clients see it (the owner is always the caller, so it is left out).

    `links` are the row's short-lived signed URLs (`playUrl`, `thumbnailUrl`, `urlsExpireAt`), made per request.
    """
    return {
        "id": public_id(record.provider, record.media_id),
        "provider": record.provider,
        "mediaId": record.media_id,
        "kind": record.kind,
        "status": record.status,
        "title": record.title,
        "size": record.size,
        "mimeType": record.mime_type,
        "mediaUrl": object_url(record.bucket, record.object_key) or record.media_url,
        "coverUrl": record.cover_url,
        "bucket": record.bucket,
        "objectKey": record.object_key,
        "region": record.region,
        "etag": record.etag,
        "extra": record.extra,
        "createdAt": record.created_at,
        "updatedAt": record.updated_at,
        **(links or {"playUrl": None, "thumbnailUrl": None, "urlsExpireAt": None}),
    }
