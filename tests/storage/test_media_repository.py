"""The media repository on every backend: schema, idempotent and monotonic notices, concurrency, listing."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from upvend.storage.database import Database
from upvend.storage.media import ListPosition, MediaRecord, MediaRepository
from upvend.storage.notices import MediaNotice
from upvend.storage.schema import LATEST, ensure_schema


def upload(media_id: str = "v1", **fields) -> MediaNotice:
    base = dict(dedupe_key=f"aliyun-vod:FileUploadComplete:{media_id}", event_type="FileUploadComplete",
                provider="aliyun", media_id=media_id, kind="video", status="uploaded", owner="o-alice",
                size=1000, media_url="https://oss.example/source.mp4", extra={"source": "upload"})
    base.update(fields)
    return MediaNotice(**base)


def transcoded(media_id: str = "v1", **fields) -> MediaNotice:
    base = dict(dedupe_key=f"aliyun-vod:TranscodeComplete:{media_id}", event_type="TranscodeComplete",
                provider="aliyun", media_id=media_id, kind="video", status="ready", owner="o-alice",
                extra={"streams": ["LD", "SD"]})
    base.update(fields)
    return MediaNotice(**base)


def snapshot(media_id: str = "v1", cover: str = "https://cdn.example/cover.jpg") -> MediaNotice:
    return MediaNotice(dedupe_key=f"aliyun-vod:SnapshotComplete:{media_id}:{cover}", event_type="SnapshotComplete",
                       provider="aliyun", media_id=media_id, kind="video", cover_url=cover)


def test_schema_is_created_once_and_versioned(db: Database):
    repo = MediaRepository(db)
    assert repo.get("aliyun", "nothing") is None
    rows = db.query("SELECT version FROM {schema_version}")
    assert sorted(r["version"] for r in rows) == list(range(1, LATEST + 1))
    with db.connection() as conn:
        assert ensure_schema(db, conn) == LATEST
    again = Database(_same_url(db))
    assert MediaRepository(again).get("aliyun", "nothing") is None
    assert len(db.query("SELECT version FROM {schema_version}")) == LATEST


def _same_url(db: Database) -> str:
    u = db.url
    if u.scheme == "sqlite":
        return f"sqlite:///{u.database}?table_prefix={u.table_prefix}"
    auth = u.user + (f":{u.password}" if u.password else "")
    return f"{u.scheme}://{auth}@{u.host}:{u.port}/{u.database}?table_prefix={u.table_prefix}"


def test_create_uploading_inserts_once_and_owner_is_exact(db: Database):
    repo = MediaRepository(db)
    record = MediaRecord(provider="aliyun", media_id="v1", kind="video", status="ignored", owner="o-alice",
                         title="cat.mp4", extra={"fileName": "cat.mp4"})
    assert repo.create_uploading(record) is True
    assert repo.create_uploading(MediaRecord(provider="aliyun", media_id="v1", kind="image", status="x",
                                             owner="o-mallory")) is False
    row = repo.get_owned("aliyun", "v1", "o-alice")
    assert row is not None
    assert (row.status, row.kind, row.title, row.extra) == ("uploading", "video", "cat.mp4", {"fileName": "cat.mp4"})
    assert row.created_at.endswith("Z") and len(row.created_at) == 24
    assert repo.get_owned("aliyun", "v1", "o-mallory") is None
    assert repo.get_owned("aliyun", "v1", "O-ALICE") is None  # no case-insensitive collation
    assert repo.get_owned("tencent", "v1", "o-alice") is None


def test_notice_completes_the_uploading_row(db: Database):
    repo = MediaRepository(db)
    repo.create_uploading(MediaRecord(provider="aliyun", media_id="v1", kind="video", status="uploading",
                                      owner="o-alice", title="cat.mp4"))
    assert repo.apply(upload(owner="o-mallory", title=None)) is True
    row = repo.get("aliyun", "v1")
    assert row.status == "uploaded"
    assert row.owner == "o-alice"  # a notice never moves a row to another owner
    assert (row.title, row.size, row.media_url) == ("cat.mp4", 1000, "https://oss.example/source.mp4")
    assert row.extra == {"source": "upload"}


def test_duplicate_changes_nothing(db: Database):
    repo = MediaRepository(db)
    assert repo.apply(upload()) is True
    first = repo.get("aliyun", "v1")
    assert repo.apply(upload(size=5, media_url="https://evil.example/x")) is False
    assert repo.get("aliyun", "v1") == first
    assert repo.event_count() == 1


@pytest.mark.parametrize("order", [("upload", "transcode", "snapshot"), ("transcode", "upload", "snapshot"),
                                   ("snapshot", "transcode", "upload"), ("transcode", "snapshot", "upload")])
def test_any_order_ends_in_the_same_row(db: Database, order):
    repo = MediaRepository(db)
    notices = {"upload": upload(), "snapshot": snapshot(),
               "transcode": transcoded(media_url="https://cdn.example/play.m3u8", size=2000)}
    for name in order:
        assert repo.apply(notices[name]) is True
    row = repo.get("aliyun", "v1")
    assert row.status == "ready"
    assert row.size == 2000  # the newer status's value wins whichever arrived first
    assert row.media_url == "https://cdn.example/play.m3u8"
    assert row.cover_url == "https://cdn.example/cover.jpg"
    assert row.owner == "o-alice"
    assert row.extra == {"source": "upload", "streams": ["LD", "SD"]}
    assert repo.event_count() == 3


def test_older_status_never_overwrites_newer(db: Database):
    repo = MediaRepository(db)
    repo.apply(transcoded(status="ready"))
    repo.apply(MediaNotice(dedupe_key="p", event_type="Processing", provider="aliyun", media_id="v1",
                           kind="video", status="processing", title="late title"))
    row = repo.get("aliyun", "v1")
    assert (row.status, row.title) == ("ready", "late title")  # gaps are filled, the status stays
    repo.apply(MediaNotice(dedupe_key="f", event_type="Failed", provider="aliyun", media_id="v1", kind="video",
                           status="failed"))
    assert repo.get("aliyun", "v1").status == "ready"
    repo.apply(MediaNotice(dedupe_key="d", event_type="FileDeleted", provider="aliyun", media_id="v1",
                           kind="video", status="deleted"))
    repo.apply(upload())
    assert repo.get("aliyun", "v1").status == "deleted"


def test_snapshot_replaces_the_cover_but_not_the_status(db: Database):
    repo = MediaRepository(db)
    repo.apply(transcoded())
    repo.apply(snapshot(cover="https://cdn.example/1.jpg"))
    repo.apply(snapshot(cover="https://cdn.example/2.jpg"))
    row = repo.get("aliyun", "v1")
    assert (row.status, row.cover_url) == ("ready", "https://cdn.example/2.jpg")


def test_snapshot_first_creates_an_uploaded_row(db: Database):
    repo = MediaRepository(db)
    repo.apply(snapshot())
    row = repo.get("aliyun", "v1")
    assert (row.status, row.owner, row.cover_url) == ("uploaded", None, "https://cdn.example/cover.jpg")


def test_long_dedupe_keys_are_stored_hashed_and_still_dedupe(db: Database):
    repo = MediaRepository(db)
    key = "aliyun-oss:bucket/" + "k" * 600
    assert repo.apply(upload(dedupe_key=key)) is True
    assert repo.apply(upload(dedupe_key=key)) is False
    assert repo.apply(upload(dedupe_key=key + "x")) is True
    assert repo.event_count(key) == 1


def test_concurrent_deliveries_of_one_notice_make_one_row_and_one_event(db: Database):
    repo = MediaRepository(db)
    for round_ in range(3):
        barrier = threading.Barrier(8)

        def deliver(_: int) -> bool:
            barrier.wait()
            return repo.apply(upload(media_id=f"c{round_}"))

        with ThreadPoolExecutor(8) as pool:
            results = list(pool.map(deliver, range(8)))
        assert results.count(True) == 1
        assert repo.event_count(f"aliyun-vod:FileUploadComplete:c{round_}") == 1
        assert len(db.query("SELECT media_id FROM {media} WHERE media_id = ?", (f"c{round_}",))) == 1


def test_concurrent_different_notices_merge_into_one_row(db: Database):
    repo = MediaRepository(db)
    for round_ in range(3):
        media_id = f"m{round_}"
        notices = [upload(media_id), transcoded(media_id, media_url="https://cdn.example/p.m3u8"),
                   snapshot(media_id)] * 3
        barrier = threading.Barrier(len(notices))

        def deliver(notice: MediaNotice) -> bool:
            barrier.wait()
            return repo.apply(notice)

        with ThreadPoolExecutor(len(notices)) as pool:
            results = list(pool.map(deliver, notices))
        assert results.count(True) == 3
        row = repo.get("aliyun", media_id)
        assert (row.status, row.size, row.media_url, row.cover_url) == (
            "ready", 1000, "https://cdn.example/p.m3u8", "https://cdn.example/cover.jpg")


def test_listing_is_newest_first_per_owner_with_filters_and_positions(db: Database):
    repo = MediaRepository(db)
    for i in range(5):
        repo.create_uploading(MediaRecord(provider="aliyun" if i % 2 else "tencent", media_id=f"id{i}",
                                          kind="video", status="uploading", owner="o-alice",
                                          created_at=f"2024-01-0{i + 1}T00:00:00.000Z"))
    # Same creation instant: ties are broken by provider, then id.
    repo.create_uploading(MediaRecord(provider="aliyun", media_id="tie", kind="image", status="uploading",
                                      owner="o-alice", created_at="2024-01-05T00:00:00.000Z"))
    repo.create_uploading(MediaRecord(provider="aliyun", media_id="bob1", kind="video", status="uploading",
                                      owner="o-bob"))
    repo.apply(upload("id1"))
    repo.apply(MediaNotice(dedupe_key="del", event_type="FileDeleted", provider="tencent", media_id="id2",
                           kind="video", status="deleted"))

    everything = repo.list_owned("o-alice", limit=50)
    assert [r.media_id for r in everything] == ["id4", "tie", "id3", "id1", "id0"]
    page1 = repo.list_owned("o-alice", limit=2)
    last = page1[-1]
    page2 = repo.list_owned("o-alice", limit=2, after=ListPosition(last.created_at, last.provider, last.media_id))
    last = page2[-1]
    page3 = repo.list_owned("o-alice", limit=2, after=ListPosition(last.created_at, last.provider, last.media_id))
    assert [r.media_id for r in page1 + page2 + page3] == ["id4", "tie", "id3", "id1", "id0"]
    assert [r.media_id for r in repo.list_owned("o-alice", limit=50, status="uploaded")] == ["id1"]
    assert [r.media_id for r in repo.list_owned("o-alice", limit=50, status="deleted")] == ["id2"]
    assert [r.media_id for r in repo.list_owned("o-alice", limit=50, provider="tencent")] == ["id4", "id0"]
    assert repo.list_owned("o-nobody", limit=50) == []


def test_widest_ids_and_owners_fit_every_backend(db: Database):
    repo = MediaRepository(db)
    media_id, owner = "媒" * 512, "主" * 191
    assert repo.apply(upload(media_id=media_id, owner=owner, dedupe_key="wide")) is True
    row = repo.get("aliyun", media_id)
    assert (row.media_id, row.owner) == (media_id, owner)
    assert repo.get_owned("aliyun", media_id, owner) == row


def test_notices_refuse_ids_no_column_holds_and_drop_foreign_owners():
    from upvend.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        upload(media_id="x" * 513)
    with pytest.raises(ValidationFailed):
        upload(media_id="")
    assert upload(owner="o" * 192).owner is None


def _object(etag: str, size: int, event: str = "ObjectCreated:PutObject", **fields) -> MediaNotice:
    base = dict(dedupe_key=f"aliyun-oss:{event}:b/uploads/o-alice/a.jpg:{etag}", event_type=event,
                provider="aliyun", media_id="b/uploads/o-alice/a.jpg", kind="image", status="ready",
                owner="o-alice", size=size, mime_type="image/jpeg", bucket="b", object_key="uploads/o-alice/a.jpg",
                etag=etag)
    return MediaNotice(**{**base, **fields})


def test_another_etag_is_a_new_version_not_a_rewrite(db: Database):
    repo = MediaRepository(db)
    assert repo.apply(_object("E1", 10, extra={"width": 1}))
    assert repo.apply(_object("E1", 10, "OssCallback", region="cn-shanghai"))  # same content: fills gaps
    assert repo.apply(_object("E2", 99, mime_type="image/png", region="elsewhere"))
    row = repo.get("aliyun", "b/uploads/o-alice/a.jpg")
    assert (row.etag, row.size, row.mime_type, row.region) == ("E1", 10, "image/jpeg", "cn-shanghai")
    assert row.extra["width"] == 1
    newer = row.extra["newerVersion"]
    assert (newer["etag"], newer["size"], newer["mimeType"], newer["event"]) == ("E2", 99, "image/png",
                                                                                 "ObjectCreated:PutObject")
    assert newer["seenAt"].endswith("Z")
    assert repo.event_count() == 3
