"""Reservations on every backend: lapsing at read time, the status filters, refresh, delete, late notices."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from upvend.storage.database import Database
from upvend.storage.media import MediaRecord, MediaRepository, iso_utc
from upvend.storage.notices import MediaNotice


def _reserve(repo: MediaRepository, media_id: str, lapse_in: float | None, owner: str = "o-ann") -> None:
    expires = None if lapse_in is None else iso_utc(datetime.now(timezone.utc) + timedelta(seconds=lapse_in))
    assert repo.create_uploading(MediaRecord(provider="aliyun", media_id=media_id, kind="video", status="uploading",
                                             owner=owner, title=media_id, expires_at=expires))


def _ids(rows: list[MediaRecord]) -> list[str]:
    return sorted(r.media_id for r in rows)


def test_lapsed_reservations_read_expired_and_filter_as_expired(db: Database):
    repo = MediaRepository(db)
    _reserve(repo, "lapsed", -5)
    _reserve(repo, "open", 600)
    _reserve(repo, "notice-made", None)
    assert repo.get("aliyun", "lapsed").status == "expired"
    assert repo.get("aliyun", "open").status == "uploading"
    assert repo.get("aliyun", "open").expires_at > iso_utc(datetime.now(timezone.utc))
    assert repo.get("aliyun", "notice-made").expires_at is None
    assert _ids(repo.list_owned("o-ann", limit=10, status="expired")) == ["lapsed"]
    assert _ids(repo.list_owned("o-ann", limit=10, status="uploading")) == ["notice-made", "open"]
    assert {r.media_id: r.status for r in repo.list_owned("o-ann", limit=10)} == {
        "lapsed": "expired", "open": "uploading", "notice-made": "uploading"}


def test_a_late_upload_completes_a_lapsed_reservation(db: Database):
    repo = MediaRepository(db)
    _reserve(repo, "late", -5)
    assert repo.apply(MediaNotice(dedupe_key="late:1", event_type="FileUploadComplete", provider="aliyun",
                                  media_id="late", kind="video", status="uploaded", size=9))
    row = repo.get("aliyun", "late")
    assert (row.status, row.title, row.size) == ("uploaded", "late", 9)


def test_refresh_moves_only_an_open_reservation_of_its_owner(db: Database):
    repo = MediaRepository(db)
    _reserve(repo, "open", 60)
    _reserve(repo, "lapsed", -5)
    later = datetime.now(timezone.utc) + timedelta(hours=2)
    assert repo.extend_reservation("aliyun", "open", "o-bob", later) is False
    assert repo.extend_reservation("aliyun", "lapsed", "o-ann", later) is False
    assert repo.extend_reservation("aliyun", "open", "o-ann", later) is True
    assert repo.get("aliyun", "open").expires_at == iso_utc(later)
    assert repo.get("aliyun", "lapsed").status == "expired"


def test_delete_is_the_owners_idempotent_and_final(db: Database):
    repo = MediaRepository(db)
    _reserve(repo, "mine", 60)
    assert repo.mark_deleted("aliyun", "mine", "o-bob") is False
    assert repo.get("aliyun", "mine").status == "uploading"
    assert repo.mark_deleted("aliyun", "mine", "o-ann") is True
    assert repo.mark_deleted("aliyun", "mine", "o-ann") is False  # already deleted: nothing changes
    repo.apply(MediaNotice(dedupe_key="mine:late", event_type="FileUploadComplete", provider="aliyun",
                           media_id="mine", kind="video", status="ready", title="resurrected"))
    row = repo.get("aliyun", "mine")
    assert (row.status, row.title) == ("deleted", "mine")
    assert _ids(repo.list_owned("o-ann", limit=10)) == []
    assert _ids(repo.list_owned("o-ann", limit=10, status="deleted")) == ["mine"]


def test_a_version_1_table_with_rows_is_upgraded_in_place(db: Database):
    """Deployed tables predate `expires_at`: the upgrade adds it and keeps every row (NULL: never lapses)."""
    from upvend.storage import schema

    repo = MediaRepository(db)
    _reserve(repo, "kept", 60)
    db.execute("DROP INDEX {media}_status_expires" + (" ON {media}" if db.dialect.name == "mysql" else ""))
    db.execute("ALTER TABLE {media} DROP COLUMN expires_at")
    db.execute("DELETE FROM {schema_version} WHERE version = 2")
    with db.connection() as conn:
        assert schema.ensure_schema(db, conn) == schema.LATEST
    row = repo.get("aliyun", "kept")
    assert (row.status, row.title, row.expires_at) == ("uploading", "kept", None)
