"""The media repository: one row per uploaded object, owned by the user who uploaded it."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from typing import Any

from upvend.storage.database import Database, database

STATUSES = ("uploading", "uploaded", "processing", "ready", "failed")


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass
class MediaRecord:
    provider: str
    media_id: str
    kind: str
    status: str
    owner: str | None = None
    title: str | None = None
    size: int | None = None
    mime_type: str | None = None
    media_url: str | None = None
    cover_url: str | None = None
    bucket: str | None = None
    object_key: str | None = None
    region: str | None = None
    etag: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    created_at: str = ""
    updated_at: str = ""

    @classmethod
    def from_row(cls, row: Any) -> "MediaRecord":
        data = dict(row)
        data["extra"] = json.loads(data.get("extra") or "{}")
        return cls(**data)


_COLUMNS = [f for f in MediaRecord.__dataclass_fields__]


class MediaRepository:
    """Reads and writes of the media table."""

    def __init__(self, db: Database | None = None) -> None:
        self.db = db or database()

    def create_uploading(self, record: MediaRecord) -> bool:
        """Insert a row in status `uploading`; an existing row is left untouched. True if inserted."""
        now = utc_now()
        values = asdict(record)
        values.update(status="uploading", created_at=record.created_at or now, updated_at=now,
                      extra=json.dumps(record.extra, ensure_ascii=False, sort_keys=True))
        placeholders = ", ".join("?" for _ in _COLUMNS)
        cursor = self.db.execute(
            f"INSERT INTO media ({', '.join(_COLUMNS)}) VALUES ({placeholders}) "
            "ON CONFLICT (provider, media_id) DO NOTHING",
            tuple(values[c] for c in _COLUMNS),
        )
        return cursor.rowcount == 1

    def get_owned(self, provider: str, media_id: str, owner: str) -> MediaRecord | None:
        """The row if it exists and belongs to `owner`; None otherwise (callers answer 404)."""
        row = self.db.execute("SELECT * FROM media WHERE provider = ? AND media_id = ? AND owner = ?",
                              (provider, media_id, owner)).fetchone()
        return MediaRecord.from_row(row) if row else None
