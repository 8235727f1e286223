"""Status ranking and field merging, pair by pair, on every backend.

Ranks, lowest first: uploading, expired, uploaded, processing, failed, ready, rejected, deleted. A notice
moves the status only upwards; its fields overwrite when its status ranks at least as
high as the stored one, and otherwise only fill gaps. A notice without a status (a
snapshot) is the newest word on its fields. Empty strings are "not known", never "erase".
"""

from __future__ import annotations

from itertools import product

import pytest

from upvend.errors import ValidationFailed
from upvend.storage.database import Database
from upvend.storage.media import MediaRepository
from upvend.storage.notices import MERGED_FIELDS, MediaNotice

ORDER = ["uploading", "expired", "uploaded", "processing", "failed", "ready", "rejected", "deleted"]


def notice(media_id: str, key: str, status: str | None, **fields) -> MediaNotice:
    return MediaNotice(dedupe_key=f"{media_id}:{key}", event_type=key, provider="aliyun", media_id=media_id,
                       kind="video", status=status, **fields)


def test_every_pair_of_statuses_in_both_orders(db: Database):
    repo = MediaRepository(db)
    for first, second in product(ORDER, ORDER):
        media_id = f"{first}-{second}"
        repo.apply(notice(media_id, "1", first, title=f"title {first}", size=1, extra={"by": "first", "a": 1}))
        repo.apply(notice(media_id, "2", second, title=f"title {second}", size=2, extra={"by": "second", "b": 2}))
        row = repo.get("aliyun", media_id)
        second_is_newer = ORDER.index(second) >= ORDER.index(first)
        expected_status = second if ORDER.index(second) > ORDER.index(first) else first
        assert row.status == expected_status, (first, second)
        winner = "second" if second_is_newer else "first"
        assert (row.title, row.size) == ((f"title {second}", 2) if second_is_newer else (f"title {first}", 1)), \
            (first, second)
        assert row.extra == {"by": winner, "a": 1, "b": 2}, (first, second)


def test_failed_then_ready_is_ready_and_ready_then_failed_stays_ready(db: Database):
    """Once any notice says the media plays, a later failed re-processing does not hide it."""
    repo = MediaRepository(db)
    repo.apply(notice("fr", "failed", "failed", media_url="https://cdn.example/old.mp4"))
    repo.apply(notice("fr", "ready", "ready", media_url="https://cdn.example/play.m3u8"))
    assert (repo.get("aliyun", "fr").status, repo.get("aliyun", "fr").media_url) == (
        "ready", "https://cdn.example/play.m3u8")
    repo.apply(notice("rf", "ready", "ready", media_url="https://cdn.example/play.m3u8"))
    repo.apply(notice("rf", "failed", "failed", media_url="https://cdn.example/broken.mp4"))
    assert (repo.get("aliyun", "rf").status, repo.get("aliyun", "rf").media_url) == (
        "ready", "https://cdn.example/play.m3u8")


@pytest.mark.parametrize("stored", ORDER)
def test_a_notice_without_status_updates_fields_and_keeps_the_status(db: Database, stored):
    repo = MediaRepository(db)
    repo.apply(notice("v", "s", stored, cover_url="https://cdn.example/1.jpg", extra={"k": "old"}))
    repo.apply(notice("v", "snap", None, cover_url="https://cdn.example/2.jpg", extra={"k": "new"}))
    row = repo.get("aliyun", "v")
    assert (row.status, row.cover_url, row.extra) == (stored, "https://cdn.example/2.jpg", {"k": "new"})


def test_a_first_notice_without_status_makes_an_uploaded_row(db: Database):
    repo = MediaRepository(db)
    repo.apply(notice("v", "snap", None, cover_url="https://cdn.example/1.jpg"))
    assert repo.get("aliyun", "v").status == "uploaded"


def test_empty_strings_never_erase_stored_values(db: Database):
    repo = MediaRepository(db)
    full = {name: f"{name}-value" for name in MERGED_FIELDS if name != "size"}
    repo.apply(notice("v", "1", "uploaded", owner="o-alice", size=10, extra={"k": "kept"}, **full))
    repo.apply(notice("v", "2", "ready", owner="", extra={"k": None}, **{name: "" for name in full}))
    row = repo.get("aliyun", "v")
    assert row.status == "ready" and row.owner == "o-alice" and row.size == 10 and row.extra == {"k": "kept"}
    assert {name: getattr(row, name) for name in full} == full


def test_a_first_notice_with_empty_strings_stores_nothing_for_them(db: Database):
    repo = MediaRepository(db)
    repo.apply(notice("v", "1", "ready", owner="", title="", media_url=""))
    row = repo.get("aliyun", "v")
    assert (row.owner, row.title, row.media_url) == (None, None, None)


def test_a_redelivered_notice_changes_nothing_even_after_newer_ones(db: Database):
    repo = MediaRepository(db)
    assert repo.apply(notice("v", "1", "uploaded", title="first")) is True
    assert repo.apply(notice("v", "2", "ready", title="second")) is True
    assert repo.apply(notice("v", "1", "deleted", title="replayed")) is False
    row = repo.get("aliyun", "v")
    assert (row.status, row.title) == ("ready", "second")


@pytest.mark.parametrize("length, verbatim", [(255, True), (256, False)])
def test_dedupe_keys_are_kept_readable_up_to_the_column_width(db: Database, length, verbatim):
    repo = MediaRepository(db)
    key = "k" * length
    assert repo.apply(MediaNotice(dedupe_key=key, event_type="E", provider="aliyun", media_id="v", kind="video",
                                  status="ready")) is True
    assert repo.apply(MediaNotice(dedupe_key=key, event_type="E", provider="aliyun", media_id="v", kind="video",
                                  status="ready")) is False
    stored = [r["dedupe_key"] for r in db.query("SELECT dedupe_key FROM {events}")]
    assert len(stored) == 1 and len(stored[0]) <= 255
    assert (stored[0] == key) is verbatim


def test_an_unknown_status_is_refused():
    with pytest.raises(ValueError):
        notice("v", "1", "playable")


@pytest.mark.parametrize("size, ok", [(-1, False), (0, True), (1, True), (2**63 - 1, True), (2**63, False),
                                      (True, False), (None, True)])
def test_size_must_fit_a_signed_64_bit_column(size, ok):
    if ok:
        assert notice("v", "1", "ready", size=size).size == size
    else:
        with pytest.raises(ValidationFailed) as caught:
            notice("v", "1", "ready", size=size)
        assert caught.value.code == "invalid_size"


@pytest.mark.parametrize("fields", [{"media_id": ""}, {"media_id": "x" * 513}])
def test_media_id_length_is_refused_with_its_code(fields):
    with pytest.raises(ValidationFailed) as caught:
        MediaNotice(dedupe_key="k", event_type="E", provider="aliyun", kind="video", status="ready", **fields)
    assert caught.value.code == "invalid_media_id"


@pytest.mark.parametrize("fields", [{"title": "bad \ud800"}, {"owner": "o-\udfff"}, {"extra": {"k": "\ud800"}},
                                    {"extra": {"\ud800": 1}}])
def test_text_that_is_not_unicode_is_refused(fields):
    with pytest.raises(ValidationFailed) as caught:
        notice("v", "1", "ready", **fields)
    assert caught.value.code == "invalid_text"
