"""Public media URLs for object-storage rows from UPVEND_MEDIA_BASE_URLS."""

from __future__ import annotations

import pytest

from upvend.errors import ConfigurationError
from upvend.media_api import record_json
from upvend.media_urls import object_url
from upvend.storage.media import MediaRecord

BASES = "upvend-dev=https://cdn.example.com/, photos-1250000000=http://127.0.0.1:9/photos-1250000000"


def test_a_configured_bucket_gets_base_plus_quoted_key(monkeypatch):
    monkeypatch.setenv("UPVEND_MEDIA_BASE_URLS", BASES)
    assert object_url("upvend-dev", "uploads/o-a%2Fb/2026/01/x y.png") == \
        "https://cdn.example.com/uploads/o-a%252Fb/2026/01/x%20y.png"
    assert object_url("photos-1250000000", "uploads/o-a/1.png") == \
        "http://127.0.0.1:9/photos-1250000000/uploads/o-a/1.png"


def test_other_buckets_and_missing_parts_get_none(monkeypatch):
    monkeypatch.setenv("UPVEND_MEDIA_BASE_URLS", BASES)
    assert object_url("private-bucket", "uploads/o-a/1.png") is None
    assert object_url(None, "uploads/o-a/1.png") is None and object_url("upvend-dev", None) is None
    monkeypatch.delenv("UPVEND_MEDIA_BASE_URLS")
    assert object_url("upvend-dev", "uploads/o-a/1.png") is None


@pytest.mark.parametrize("raw", ["upvend-dev", "=https://cdn.example.com", "upvend-dev=ftp://x",
                                 "upvend-dev=https://cdn.example.com/?a=1"])
def test_malformed_pairs_name_the_setting(monkeypatch, raw):
    monkeypatch.setenv("UPVEND_MEDIA_BASE_URLS", raw)
    with pytest.raises(ConfigurationError, match="UPVEND_MEDIA_BASE_URLS"):
        object_url("upvend-dev", "k")


def test_record_json_uses_the_public_base_of_a_configured_bucket(monkeypatch):
    monkeypatch.setenv("UPVEND_MEDIA_BASE_URLS", BASES)
    row = MediaRecord(provider="tencent", media_id="photos-1250000000/uploads/o-a/1.png", kind="image",
                      status="ready", owner="o-a", bucket="photos-1250000000", object_key="uploads/o-a/1.png",
                      media_url="http://photos-1250000000.cos.ap-guangzhou.myqcloud.com/uploads/o-a/1.png")
    assert record_json(row)["mediaUrl"] == "http://127.0.0.1:9/photos-1250000000/uploads/o-a/1.png"
    row.bucket = "private-1250000000"
    assert record_json(row)["mediaUrl"] == row.media_url
    vod = MediaRecord(provider="tencent", media_id="5285890780000000001", kind="video", status="ready",
                      owner="o-a", media_url="https://1400000001.vod2.myqcloud.com/v.mp4")
    assert record_json(vod)["mediaUrl"] == "https://1400000001.vod2.myqcloud.com/v.mp4"
