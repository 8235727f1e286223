"""The media repository: one row per uploaded object, owned by the user who uploaded it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable

from upvend.storage.columns import MediaFields
from upvend.storage.database import Database, Transaction, database
from upvend.storage.notices import FINAL_STATUSES, STATUS_RANK, MediaNotice, apply_notice_in, stored_dedupe_key

STATUSES = tuple(STATUS_RANK)
KINDS = ("video", "image", "file")


def utc_now() -> str:
    return iso_utc(datetime.now(timezone.utc))


def iso_utc(value: datetime) -> str:
    """`2024-01-02T03:04:05.678Z`: fixed width, so text order is time order."""
    return value.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _now() -> datetime:
    now = datetime.now(timezone.utc)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)  # what every backend stores


def _parse_utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def object_media_id(bucket: str, key: str) -> str:
    """The media id of an object in OSS or COS: `<bucket>/<key>` (the bucket as its API names it)."""
    return f"{bucket}/{key}"


@dataclass(kw_only=True)
class MediaRecord(MediaFields):
    provider: str
    media_id: str
    kind: str
    status: str
    created_at: str = ""
    updated_at: str = ""
    expires_at: str | None = None  # when an `uploading` reservation lapses (None: never, e.g. notice-made rows)

    @classmethod
    def from_row(cls, row: Any, db: Database | None = None) -> "MediaRecord":
        data = {k: v for k, v in dict(row).items() if k in _COLUMNS}
        dialect = (db or database()).dialect
        data["extra"] = dialect.json_value(data.get("extra"))
        for name in ("created_at", "updated_at", "expires_at"):
            if data.get(name) is not None:
                data[name] = iso_utc(dialect.time_value(data[name]))
        if data.get("size") is not None:
            data["size"] = int(data["size"])
        return cls(**data)


_COLUMNS = [f for f in MediaRecord.__dataclass_fields__]


def _as_of_now(record: MediaRecord) -> MediaRecord:
    """An `uploading` row whose reservation lapsed reads as `expired` (the timer writes it later)."""
    if record.status == "uploading" and record.expires_at and record.expires_at < utc_now():
        record.status = "expired"
    return record


@dataclass(frozen=True)
class ListPosition:
    """Where a page of a newest-first listing ended: (created_at, provider, media_id) of its last row."""

    created_at: str
    provider: str
    media_id: str


@dataclass(frozen=True)
class Recorded:
    """What recording one notice did: whether it was new, and its row afterwards (for a status notice)."""

    new: bool
    row: MediaRecord | None


class MediaRepository:
    """Reads and writes of the media table."""

    def __init__(self, db: Database | None = None) -> None:
        self.db = db or database()

    def _record(self, rows: list[dict[str, Any]]) -> MediaRecord | None:
        return _as_of_now(MediaRecord.from_row(rows[0], self.db)) if rows else None

    def create_uploading(self, record: MediaRecord) -> bool:
        """Insert a row in status `uploading`; an existing row is left untouched. True if inserted."""
        return self.db.transaction(lambda tx: self.create_uploading_in(tx, record))

    def create_uploading_in(self, tx: Transaction, record: MediaRecord) -> bool:
        """`create_uploading` inside the caller's transaction (e.g. the one that checked the limits)."""
        dialect = self.db.dialect
        now = _now()
        created = _parse_utc(record.created_at) if record.created_at else now
        values = {c: getattr(record, c) for c in _COLUMNS}  # not asdict(): it deep-copies, and only `extra` is not flat
        values.update(status="uploading", created_at=dialect.time_param(created), updated_at=dialect.time_param(now),
                      extra=json.dumps(record.extra, ensure_ascii=False, sort_keys=True),
                      expires_at=dialect.time_param(_parse_utc(record.expires_at)) if record.expires_at else None)
        placeholders = ", ".join(dialect.json_param if c == "extra" else "?" for c in _COLUMNS)
        return tx.execute(
            f"INSERT INTO {{media}} ({', '.join(_COLUMNS)}) VALUES ({placeholders}) "
            + dialect.conflict_nothing("provider, media_id"),
            tuple(values[c] for c in _COLUMNS),
        ) == 1

    def get(self, provider: str, media_id: str) -> MediaRecord | None:
        """The row, whoever owns it (for notices; callers answering users use get_owned)."""
        return self._record(self.db.query("SELECT * FROM {media} WHERE provider = ? AND media_id = ?",
                                          (provider, media_id)))

    def get_owned(self, provider: str, media_id: str, owner: str) -> MediaRecord | None:
        """The row if it exists and belongs to `owner`; None otherwise (callers answer 404)."""
        return self._record(self.db.query("SELECT * FROM {media} WHERE provider = ? AND media_id = ? AND owner = ?",
                                          (provider, media_id, owner)))

    def list_owned(self, owner: str, *, limit: int, after: ListPosition | None = None,
                   status: str | None = None, provider: str | None = None) -> list[MediaRecord]:
        """`owner`'s rows, newest first, starting after `after`; deleted rows only when asked for."""
        where, params = ["owner = ?"], [owner]
        now = self.db.dialect.time_param(_now())
        if status == "uploading":  # a lapsed reservation reads as expired before the timer writes it
            where.append("status = 'uploading' AND (expires_at IS NULL OR expires_at >= ?)")
            params.append(now)
        elif status == "expired":
            where.append("(status = 'expired' OR (status = 'uploading' AND expires_at < ?))")
            params.append(now)
        elif status is not None:
            where.append("status = ?")
            params.append(status)
        else:
            where.append("status <> 'deleted'")
        if provider is not None:
            where.append("provider = ?")
            params.append(provider)
        if after is not None:
            created = self.db.dialect.time_param(datetime.fromisoformat(after.created_at.replace("Z", "+00:00")))
            where.append("(created_at < ? OR (created_at = ? AND (provider < ? OR (provider = ? AND media_id < ?))))")
            params += [created, created, after.provider, after.provider, after.media_id]
        rows = self.db.query(f"SELECT * FROM {{media}} WHERE {' AND '.join(where)} "
                             "ORDER BY created_at DESC, provider DESC, media_id DESC LIMIT ?", [*params, limit])
        return [_as_of_now(MediaRecord.from_row(row, self.db)) for row in rows]

    def extend_reservation(self, provider: str, media_id: str, owner: str, expires_at: datetime) -> bool:
        """Move a reservation's lapse time (a refreshed credential) while it has not lapsed; False otherwise."""
        now = self.db.dialect.time_param(_now())
        expires_at = expires_at.replace(microsecond=expires_at.microsecond // 1000 * 1000)  # what backends keep
        return self.db.execute("UPDATE {media} SET expires_at = ?, updated_at = ? WHERE provider = ? AND "
                               "media_id = ? AND owner = ? AND status = 'uploading' AND expires_at >= ?",
                               (self.db.dialect.time_param(expires_at), now, provider, media_id, owner, now)) == 1

    def mark_deleted(self, provider: str, media_id: str, owner: str) -> bool:
        """Set `owner`'s row to `deleted` (final: no notice moves it back); False when no such row is theirs."""
        return self.db.execute("UPDATE {media} SET status = 'deleted', updated_at = ? "
                               "WHERE provider = ? AND media_id = ? AND owner = ? AND status <> 'deleted'",
                               (self.db.dialect.time_param(_now()), provider, media_id, owner)) == 1

    def apply(self, notice: MediaNotice) -> bool:
        """Record a completion notice and apply it; False when it was a redelivery (nothing changed)."""
        return self.record(notice).new

    def record(self, notice: MediaNotice) -> "Recorded":
        """Record a completion notice, apply it and read its row back, in one transaction.

        The first completion of a reservation that declared its size (`extra.reservedBytes`) and reports
        more bytes makes the row `rejected` (final; the caller removes the content). The row comes back
        for notices that set a status (the caller checks whether it is final), else None."""
        now = _now()

        def work(tx: Transaction) -> Recorded:
            judged = self._judged(notice, lambda: self._row_in(tx, notice.provider, notice.media_id))
            new = apply_notice_in(tx, judged, now)
            row = self._row_in(tx, notice.provider, notice.media_id) if judged.status is not None else None
            return Recorded(new, row)

        return self.db.transaction(work)

    def _row_in(self, tx: Transaction, provider: str, media_id: str) -> MediaRecord | None:
        return self._record(tx.query("SELECT * FROM {media} WHERE provider = ? AND media_id = ?",
                                     (provider, media_id)))

    def _judged(self, notice: MediaNotice, read_row: Callable[[], MediaRecord | None]) -> MediaNotice:
        # The reserved size never changes once reserved, so reading it first races with nothing.
        if notice.size is None or notice.status in (None, *FINAL_STATUSES):
            return notice
        row = read_row()
        reserved = row.extra.get("reservedBytes") if row and row.status in ("uploading", "expired") else None
        if isinstance(reserved, int) and not isinstance(reserved, bool) and notice.size > reserved:
            notice.status = "rejected"
            notice.extra = {**notice.extra, "rejected": {"reason": "larger_than_reserved",
                                                         "reservedBytes": reserved, "size": notice.size}}
        return notice

    def lapsed_reservations(self, now: datetime, legacy_before: datetime, *, limit: int) -> list[MediaRecord]:
        """`uploading` rows whose lapse time passed (or, recorded without one, created before `legacy_before`)."""
        d = self.db.dialect
        rows = self.db.query("SELECT * FROM {media} WHERE status = 'uploading' AND (expires_at < ? OR "
                             "(expires_at IS NULL AND created_at < ?)) ORDER BY created_at LIMIT ?",
                             (d.time_param(now), d.time_param(legacy_before), limit))
        return [MediaRecord.from_row(row, self.db) for row in rows]

    def mark_expired(self, provider: str, media_id: str) -> bool:
        """`uploading` -> `expired` (a notice that completed the row meanwhile wins); True if changed."""
        return self.db.execute("UPDATE {media} SET status = 'expired', updated_at = ? WHERE provider = ? AND "
                               "media_id = ? AND status = 'uploading'",
                               (self.db.dialect.time_param(_now()), provider, media_id)) == 1

    def event_count(self, dedupe_key: str | None = None) -> int:
        """How many notices are recorded (all, or under one dedupe key)."""
        if dedupe_key is None:
            rows = self.db.query("SELECT COUNT(*) AS n FROM {events}")
        else:
            rows = self.db.query("SELECT COUNT(*) AS n FROM {events} WHERE dedupe_key = ?",
                                 (stored_dedupe_key(dedupe_key),))
        return int(rows[0]["n"])
