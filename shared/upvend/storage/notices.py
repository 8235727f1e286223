"""Applying a completion notice to the media table: idempotent, monotonic, one transaction.

The event row (unique dedupe key) and the media upsert commit together; a notice
whose key is already recorded changes nothing. The upsert is one statement whose
CASE expressions compare status ranks inside the database, so no read-then-write
race exists: an older status never replaces a newer one, and fields an older
notice carries only fill gaps (COALESCE) instead of overwriting newer values.

Content is never silently replaced: once a notice completed a row with an ETag,
a notice reporting another ETag (the object was uploaded again) changes none of
the row's fields; it is recorded as an event and noted in `extra.newerVersion`
(its ETag, size, type, event and time), so the row keeps describing the content
its first completion reported and says that a newer version exists.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from upvend.errors import ValidationFailed
from upvend.json_input import INT64_MAX, unencodable_text
from upvend.storage.columns import MediaFields
from upvend.storage.database import Database, Transaction

# "expired" (a reservation nobody used in time) ranks just above "uploading", so an upload
# that completes late still completes its row. "ready" outranks "failed": once any notice
# says the media is playable it stays so, and a later failed re-processing does not hide it.
# "rejected" (the upload broke what was reserved; its content is deleted) and "deleted"
# are final: no notice moves a row out of them.
STATUS_RANK = {"uploading": 0, "expired": 1, "uploaded": 2, "processing": 3, "failed": 4, "ready": 5,
               "rejected": 6, "deleted": 7}
FINAL_STATUSES = ("rejected", "deleted")
# A notice that sets no status (e.g. a snapshot) is the newest word on the fields it carries.
_NO_STATUS_FIELD_RANK = 99
_DEFAULT_STATUS = "uploaded"
MERGED_FIELDS = ("title", "size", "mime_type", "media_url", "cover_url", "bucket", "object_key", "region", "etag")
MAX_DEDUPE_KEY = 255
MAX_MEDIA_ID, MAX_OWNER = 512, 191  # the narrowest column widths (MySQL)


@dataclass(kw_only=True)
class MediaNotice(MediaFields):
    """What one accepted notice says about one media row, and the key that makes it unique."""

    dedupe_key: str
    event_type: str
    provider: str
    media_id: str
    kind: str
    status: str | None = None

    def __post_init__(self) -> None:
        if self.status is not None and self.status not in STATUS_RANK:
            raise ValueError(f"unknown status {self.status!r}")
        if not 0 < len(self.media_id) <= MAX_MEDIA_ID:
            raise ValidationFailed(f"The media id must be 1 to {MAX_MEDIA_ID} characters.", code="invalid_media_id")
        if self.size is not None and (isinstance(self.size, bool) or not 0 <= self.size <= INT64_MAX):
            raise ValidationFailed("The size must be a whole number of bytes a database can hold.",
                                   code="invalid_size")
        if unencodable_text([self.media_id, self.owner, self.extra, *(getattr(self, n) for n in MERGED_FIELDS)]):
            raise ValidationFailed("The notice holds text that is not Unicode (a lone surrogate).",
                                   code="invalid_text")
        if self.owner is not None and len(self.owner) > MAX_OWNER:
            self.owner = None  # longer than any user id upvend issues: not one of ours
        # Empty strings from payloads mean "not known", never "erase".
        for name in ("owner", *MERGED_FIELDS):
            if getattr(self, name) == "":
                setattr(self, name, None)
        self.extra = {k: v for k, v in self.extra.items() if v is not None}


def stored_dedupe_key(key: str) -> str:
    """Keys longer than the column hold are stored as their SHA-256."""
    if len(key) <= MAX_DEDUPE_KEY:
        return key
    return "sha256:" + hashlib.sha256(key.encode("utf-8")).hexdigest()


def _rank_sql(column: str) -> str:
    whens = " ".join(f"WHEN '{status}' THEN {rank}" for status, rank in STATUS_RANK.items())
    return f"(CASE {column} {whens} ELSE 0 END)"


def _upsert(db: Database, notice: MediaNotice, now: Any) -> tuple[str, list[Any]]:
    """The single INSERT ... ON CONFLICT/ON DUPLICATE KEY statement for `notice`."""
    d = db.dialect
    table = db.tables["media"]
    values: dict[str, Any] = {
        "provider": notice.provider, "media_id": notice.media_id, "kind": notice.kind, "owner": notice.owner,
        **{name: getattr(notice, name) for name in MERGED_FIELDS},
        "status": notice.status or _DEFAULT_STATUS,
        "extra": json.dumps(notice.extra, ensure_ascii=False, sort_keys=True),
        "created_at": now, "updated_at": now,
    }
    columns = list(values)
    placeholders = ", ".join(d.json_param if c == "extra" else "?" for c in columns)
    params: list[Any] = [values[c] for c in columns]

    field_rank = STATUS_RANK[notice.status] if notice.status else _NO_STATUS_FIELD_RANK
    old_rank = _rank_sql(f"{table}.status")
    newer = f"? >= {old_rank}"
    # Another version of the content: the stored row was completed with a different ETag.
    other_version = (f"({table}.etag IS NOT NULL AND {d.incoming(table, 'etag')} IS NOT NULL "
                     f"AND {table}.etag <> {d.incoming(table, 'etag')})")
    sets: list[str] = [f"owner = COALESCE({table}.owner, {d.incoming(table, 'owner')})"]
    for name in MERGED_FIELDS:  # etag last: MySQL assigns left to right, so the test above sees the stored one
        incoming, current = d.incoming(table, name), f"{table}.{name}"
        sets.append(f"{name} = CASE WHEN {other_version} THEN {current} WHEN {newer} THEN COALESCE({incoming}, "
                    f"{current}) ELSE COALESCE({current}, {incoming}) END")
        params.append(field_rank)
    incoming, current = d.incoming(table, "extra"), f"{table}.extra"
    sets.append(f"extra = CASE WHEN {other_version} THEN {d.merge_json(current, d.json_param)} "
                f"WHEN {newer} THEN {d.merge_json(current, incoming)} "
                f"ELSE {d.merge_json(incoming, current)} END")
    params += [json.dumps({"newerVersion": _version_note(notice, now)}, ensure_ascii=False, sort_keys=True),
               field_rank]
    sets.append(f"updated_at = {d.incoming(table, 'updated_at')}")
    # Last: MySQL evaluates assignments left to right, so every CASE above sees the stored status.
    sets.append(f"status = CASE WHEN ? > {old_rank} THEN {d.incoming(table, 'status')} ELSE {table}.status END")
    params.append(STATUS_RANK[notice.status] if notice.status else None)

    sql = (f"INSERT INTO {{media}} ({', '.join(columns)}) VALUES ({placeholders}) "
           f"{d.upsert_clause('provider, media_id')} {', '.join(sets)}")
    return sql, params


def _version_note(notice: MediaNotice, now: Any) -> dict[str, Any]:
    """What `extra.newerVersion` says about a notice of other content than the row's."""
    seen = datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return {"etag": notice.etag, "size": notice.size, "mimeType": notice.mime_type, "event": notice.event_type,
            "seenAt": seen}


def apply_notice(db: Database, notice: MediaNotice, now: datetime) -> bool:
    """Record the notice and apply it in one transaction; False when it was already recorded."""
    return db.transaction(lambda tx: apply_notice_in(tx, notice, now))


def apply_notice_in(tx: Transaction, notice: MediaNotice, now: datetime) -> bool:
    """`apply_notice` inside the caller's transaction."""
    db = tx.db
    stamp = db.dialect.time_param(now)
    inserted = tx.execute(
        "INSERT INTO {events} (dedupe_key, provider, media_id, event_type, received_at) VALUES (?, ?, ?, ?, ?) "
        + db.dialect.conflict_nothing("dedupe_key"),
        (stored_dedupe_key(notice.dedupe_key), notice.provider, notice.media_id, notice.event_type, stamp),
    )
    if inserted != 1:
        return False
    tx.execute(*_upsert(db, notice, stamp))
    return True


