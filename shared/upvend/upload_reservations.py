"""The row an issued credential reserves: status `uploading`, the client's file name as its title, and when
the reservation lapses (the credential's validity plus a grace period).

The completion notice completes this row (same provider and media id); a
reservation nobody uses becomes `expired` once `expires_at` passes, at query
time and by the expiry timer. A late upload still completes it.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime, timedelta
from typing import Any

from upvend import settings
from upvend.storage.media import MediaRecord, MediaRepository, iso_utc

MAX_TITLE = 128  # VOD's own Title limit, so one cap fits every provider
# Control, format (bidi overrides, zero-width), line and paragraph separators: never part of a shown title.
_DROPPED_CATEGORIES = {"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"}

settings.declare("UPLOAD_EXPIRY_GRACE_SECONDS", settings.int_between(0, 7 * 24 * 3600), 3600,
                 doc="How long after its credential expires an unused upload reservation becomes `expired` "
                     "(uploads already under way may finish within it).")


def sanitized_title(file_name: str | None) -> str | None:
    """The client's file name fit to show: no folders, no control or invisible characters, whitespace
    collapsed, at most MAX_TITLE characters; None when nothing is left."""
    if not file_name:
        return None
    base = file_name.replace("\\", "/").rsplit("/", 1)[-1]
    kept = "".join(" " if ch.isspace() else ch for ch in base
                   if unicodedata.category(ch) not in _DROPPED_CATEGORIES or ch.isspace())
    title = " ".join(kept.split())[:MAX_TITLE].strip()
    return title or None


def lapses_at(credential_expires: datetime) -> datetime:
    """When a reservation made with a credential valid until `credential_expires` becomes `expired`."""
    return credential_expires + timedelta(seconds=settings.get("UPLOAD_EXPIRY_GRACE_SECONDS"))


def reserve(record: MediaRecord, credential_expires: datetime) -> bool:
    """Insert the `uploading` row for an issued credential; a repeated id leaves the first row. True if new."""
    record.expires_at = iso_utc(lapses_at(credential_expires))
    return MediaRepository().create_uploading(record)


def reserve_object(owner: str, provider: str, bucket: str, key: str, *, kind: str, file_name: str,
                   size: int | None, mime_type: str, region: str, credential_expires: datetime,
                   extra: dict[str, Any] | None = None) -> bool:
    """The row of one object a server-made form lets `owner` upload (media id `<bucket>/<key>`, as notices name it)."""
    from upvend.storage.media import object_media_id

    return reserve(MediaRecord(provider=provider, media_id=object_media_id(bucket, key), kind=kind,
                               status="uploading", owner=owner, title=sanitized_title(file_name), size=size,
                               mime_type=mime_type, bucket=bucket, object_key=key, region=region,
                               extra={**({"reservedBytes": size} if size else {}), **(extra or {})}),
                   credential_expires)
