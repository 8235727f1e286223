"""Aliyun VOD callbacks: X-VOD-SIGNATURE (vector A3), the time window, key rotation, and event mapping."""

from __future__ import annotations

import json

import pytest

from upvend.errors import Forbidden
from upvend.notices.aliyun_vod import (VodEnvelope, owner_from_extend, parse_vod_event, verify_vod_signature,
                                        vod_notice, vod_signature)

A3_URL, A3_TS, A3_KEY = "https://www.example.com/your/callback", "1519375990", "test123"
A3_SIGNATURE = "c72b60894140fa98920f1279219b7ed4"


def headers(ts: str = A3_TS, sig: str = A3_SIGNATURE) -> dict[str, str]:
    return {"X-VOD-TIMESTAMP": ts, "X-VOD-SIGNATURE": sig}


def test_vector_a3():
    assert vod_signature(A3_URL, A3_TS, A3_KEY) == A3_SIGNATURE


def test_valid_signature_within_the_window_passes():
    verify_vod_signature(headers(), url=A3_URL, keys=[A3_KEY], window=300, now=int(A3_TS) + 299)
    verify_vod_signature({k.lower(): v for k, v in headers().items()}, url=A3_URL, keys=[A3_KEY], window=300,
                         now=int(A3_TS) - 299)


def test_previous_key_is_accepted_during_rotation():
    verify_vod_signature(headers(), url=A3_URL, keys=["NewKey123", A3_KEY], window=300, now=int(A3_TS))


@pytest.mark.parametrize("hdrs, keys, now, code", [
    (headers(), ["other"], int(A3_TS), "signature_invalid"),
    (headers(), ["", ""], int(A3_TS), "signature_invalid"),
    (headers(sig="c72b60894140fa98920f1279219b7ed5"), [A3_KEY], int(A3_TS), "signature_invalid"),
    (headers(ts="1519375991"), [A3_KEY], int(A3_TS), "signature_invalid"),
    (headers(), [A3_KEY], int(A3_TS) + 301, "timestamp_out_of_window"),
    (headers(), [A3_KEY], int(A3_TS) - 301, "timestamp_out_of_window"),
    (headers(ts="-1519375990"), [A3_KEY], int(A3_TS), "signature_invalid"),
    (headers(ts="\u00b2"), [A3_KEY], int(A3_TS), "signature_invalid"),  # a digit to str.isdigit, not to int()
    (headers(ts="\u0661\u0665\u0661\u0669"), [A3_KEY], int(A3_TS), "signature_invalid"),
    ({"X-VOD-SIGNATURE": A3_SIGNATURE}, [A3_KEY], int(A3_TS), "signature_missing"),
    ({}, [A3_KEY], int(A3_TS), "signature_missing"),
])
def test_bad_signatures_are_forbidden(hdrs, keys, now, code):
    with pytest.raises(Forbidden) as caught:
        verify_vod_signature(hdrs, url=A3_URL, keys=keys, window=300, now=now)
    assert caught.value.code == code


def test_signature_is_bound_to_the_url():
    with pytest.raises(Forbidden):
        verify_vod_signature(headers(), url=A3_URL + "/", keys=[A3_KEY], window=300, now=int(A3_TS))


@pytest.mark.parametrize("extend, owner", [
    ('{"uid":"o-alice"}', "o-alice"),
    (json.dumps('{"uid":"o-alice"}'), "o-alice"),
    ({"uid": "o-alice"}, "o-alice"),
    ('{"test":"your extend data"}', None),
    ("not json", None),
    (None, None),
    ('{"uid":""}', None),
    ('{"uid":{"nested":1}}', None),
])
def test_owner_from_extend(extend, owner):
    assert owner_from_extend(extend) == owner


def event(data: dict):
    return parse_vod_event(VodEnvelope.model_validate(data))


def test_file_upload_complete_maps_to_an_uploaded_video():
    notice = vod_notice(event({"Status": "success", "EventTime": "2017-03-20T07:49:17Z",
                               "EventType": "FileUploadComplete", "VideoId": "43q91jdh7df", "Size": 1439213,
                               "FileUrl": "http://example-bucket.oss-cn-shanghai.aliyuncs.com/27ffc438.mp4",
                               "Extend": "{\"uid\":\"o-alice\"}"}))
    assert (notice.provider, notice.media_id, notice.kind, notice.status, notice.owner, notice.size) == (
        "aliyun", "43q91jdh7df", "video", "uploaded", "o-alice", 1439213)
    assert notice.media_url == "http://example-bucket.oss-cn-shanghai.aliyuncs.com/27ffc438.mp4"
    assert notice.dedupe_key == "aliyun-vod:FileUploadComplete:43q91jdh7df:2017-03-20T07:49:17Z"


def test_file_upload_complete_without_status_or_extend():
    notice = vod_notice(event({"EventTime": "2017-03-20T07:49:17Z", "EventType": "FileUploadComplete",
                               "VideoId": "v", "Size": 1, "FileUrl": "http://x/y.mp4"}))
    assert (notice.status, notice.owner) == ("uploaded", None)


def test_image_upload_complete_reads_file_url_in_capitals():
    notice = vod_notice(event({"Status": "success", "EventType": "ImageUploadComplete",
                               "EventTime": "2017-03-20T07:49:17Z", "ImageId": "59bdbf10", "AppId": "app-1000000",
                               "Size": 105520, "FileURL": "https://outin.oss-cn-shanghai.aliyuncs.com/i.jpg"}))
    assert (notice.kind, notice.media_id, notice.status, notice.media_url) == (
        "image", "59bdbf10", "ready", "https://outin.oss-cn-shanghai.aliyuncs.com/i.jpg")


def test_attached_media_upload_complete():
    notice = vod_notice(event({"EventType": "AttachedMediaUploadComplete", "EventTime": "2019-01-20T07:49:17Z",
                               "Status": "success", "AttachedMediaId": "62cb3151", "Size": 14333,
                               "FileURL": "https://vod.aliyunsample.com/a.png"}))
    assert (notice.kind, notice.media_id, notice.status, notice.size) == ("file", "62cb3151", "ready", 14333)


def test_stream_transcode_complete_records_the_stream_and_processing():
    notice = vod_notice(event({"EventType": "StreamTranscodeComplete", "VideoId": "v1", "Status": "success",
                               "Bitrate": "450", "Definition": "LD", "Duration": 12.5, "Encrypt": False,
                               "FileUrl": "https://cdn.example/v1-ld.m3u8", "Format": "m3u8", "Fps": "25",
                               "Height": 360, "Width": 640, "Size": 1000, "JobId": "j1",
                               "EventTime": "2024-01-01T00:00:00Z"}))
    assert notice.status == "processing"
    assert notice.media_url is None  # the source URL stays the media URL
    assert notice.extra == {"stream.LD": {"url": "https://cdn.example/v1-ld.m3u8", "format": "m3u8", "size": 1000,
                                          "width": 640, "height": 360, "duration": 12.5, "bitrate": "450",
                                          "fps": "25", "encrypt": False, "status": "success", "jobId": "j1"}}
    assert notice.dedupe_key == "aliyun-vod:StreamTranscodeComplete:v1:j1:LD:2024-01-01T00:00:00Z"
    failed = vod_notice(event({"EventType": "StreamTranscodeComplete", "VideoId": "v1", "Status": "fail",
                               "Definition": "HD", "JobId": "j2"}))
    assert failed.status is None


@pytest.mark.parametrize("status, expected", [("success", "ready"), ("fail", "failed")])
def test_transcode_complete(status, expected):
    notice = vod_notice(event({"EventType": "TranscodeComplete", "VideoId": "v1", "Status": status,
                               "EventTime": "2024-01-01T00:00:00Z", "Extend": "{\"uid\":\"o-bob\"}",
                               "StreamInfos": [{"Status": "success", "Definition": "SD", "Format": "mp4",
                                                "FileUrl": "https://cdn.example/sd.mp4", "JobId": "j"}]}))
    assert (notice.status, notice.owner) == (expected, "o-bob")
    assert notice.extra == {"streams": {"mp4:SD": {"status": "success", "format": "mp4",
                                                   "url": "https://cdn.example/sd.mp4", "jobId": "j"}}}


def test_snapshot_complete_sets_the_cover_without_a_status():
    notice = vod_notice(event({"EventType": "SnapshotComplete", "VideoId": "v1", "Status": "success",
                               "CoverUrl": "https://cdn.example/c.jpg",
                               "SnapshotInfos": [{"JobId": "s1", "SnapshotType": "CoverSnapshot"}]}))
    assert (notice.status, notice.cover_url, notice.dedupe_key) == (
        None, "https://cdn.example/c.jpg", "aliyun-vod:SnapshotComplete:v1:s1")
    assert vod_notice(event({"EventType": "SnapshotComplete", "CoverUrl": "https://x/c.jpg"})) is None


@pytest.mark.parametrize("event_type", ["DeleteMediaComplete", "VideoAnalysisComplete", "AIMediaAuditComplete"])
def test_other_event_types_are_not_recorded(event_type):
    assert parse_vod_event(VodEnvelope.model_validate({"EventType": event_type, "VideoId": "v",
                                                       "Size": "not a number"})) is None
