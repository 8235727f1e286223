"""What a notice leaves on its row, on every backend: the time of the latest notice, and JSON `extra` as JSON."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta, timezone

from upvend.storage.database import Database
from upvend.storage.media import MediaRecord, MediaRepository
from upvend.storage.notices import MediaNotice, apply_notice

FIRST = datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=timezone.utc)


def notice(key: str, status: str | None, **fields) -> MediaNotice:
    return MediaNotice(dedupe_key=f"v:{key}", event_type=key, provider="aliyun", media_id="v", kind="video",
                       status=status, **fields)


def test_updated_at_is_the_time_of_the_latest_notice_and_created_at_the_first(db: Database):
    repo = MediaRepository(db)
    assert apply_notice(db, notice("upload", "uploaded"), FIRST)
    later = FIRST + timedelta(minutes=5)
    assert apply_notice(db, notice("transcoded", "ready"), later)
    row = repo.get("aliyun", "v")
    assert (row.created_at, row.updated_at) == ("2026-01-02T03:04:05.678Z", "2026-01-02T03:09:05.678Z")
    # An older status changes no field, but the row was still touched by a notice.
    assert apply_notice(db, notice("late-upload", "uploading"), later + timedelta(minutes=1))
    assert repo.get("aliyun", "v").updated_at == "2026-01-02T03:10:05.678Z"


def test_extra_is_json_on_every_backend(db: Database):
    repo = MediaRepository(db)
    assert apply_notice(db, notice("upload", "uploaded", extra={"width": 20, "名": "é"}), FIRST)
    assert apply_notice(db, notice("snapshot", None, extra={"height": 10}), FIRST + timedelta(seconds=1))
    assert repo.get("aliyun", "v").extra == {"width": 20, "名": "é", "height": 10}


def test_a_dedupe_key_longer_than_its_column_is_stored_as_its_sha256(db: Database):
    """The stored form is stable, so a redelivery after an upgrade still finds the notice recorded before it."""
    key = "k" * 256
    assert apply_notice(db, MediaNotice(dedupe_key=key, event_type="E", provider="aliyun", media_id="v",
                                        kind="video", status="ready"), FIRST)
    stored = [r["dedupe_key"] for r in db.query("SELECT dedupe_key FROM {events}")]
    assert stored == ["sha256:" + hashlib.sha256(key.encode()).hexdigest()]


def test_a_final_notice_is_not_judged_against_the_reserved_size(db: Database):
    """Deleting (or rejecting) a reservation is final as it is: its size is not compared with the reserved one."""
    repo = MediaRepository(db)
    for status in ("deleted", "rejected"):
        media_id = f"v-{status}"
        assert repo.create_uploading(MediaRecord(provider="aliyun", media_id=media_id, kind="video",
                                                 status="uploading", owner="o-ann", extra={"reservedBytes": 10}))
        assert repo.apply(MediaNotice(dedupe_key=f"{media_id}:final", event_type="E", provider="aliyun",
                                      media_id=media_id, kind="video", status=status, size=99))
        row = repo.get("aliyun", media_id)
        assert row.status == status and "rejected" not in row.extra


def test_a_notice_is_judged_written_and_read_back_in_one_transaction(db: Database, monkeypatch):
    """The reservation check, the write and the row the caller releases content from are one transaction
    (they were three: a read, the write, a read), and what comes back is the row as the notice left it."""
    repo = MediaRepository(db)
    assert repo.create_uploading(MediaRecord(provider="aliyun", media_id="v-big", kind="video", status="uploading",
                                             owner="o-ann", extra={"reservedBytes": 10}))
    transactions = []
    real = db.transaction
    monkeypatch.setattr(db, "transaction", lambda work: transactions.append(work) or real(work))
    big = MediaNotice(dedupe_key="v-big:upload", event_type="E", provider="aliyun", media_id="v-big",
                      kind="video", status="uploaded", size=11)
    first = repo.record(big)
    assert len(transactions) == 1
    assert first.new and first.row.status == "rejected" and first.row.extra["rejected"]["reservedBytes"] == 10
    again = repo.record(MediaNotice(dedupe_key="v-big:upload", event_type="E", provider="aliyun",
                                    media_id="v-big", kind="video", status="uploaded", size=11))
    assert not again.new and again.row.status == "rejected"  # a redelivery still sees the final row
    snapshot = repo.record(notice("snap", None, cover_url="https://cdn.example/c.jpg"))
    assert snapshot.new and snapshot.row is None and len(transactions) == 3
