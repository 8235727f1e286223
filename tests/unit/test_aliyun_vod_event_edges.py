"""Aliyun VOD events → media rows at their edges: failures, missing parts, spelling and encodings."""

from __future__ import annotations

import json

import pytest

from upvend.notices.aliyun_vod import VodEnvelope, owner_from_extend, parse_vod_event, vod_notice


def notice(**data):
    event = parse_vod_event(VodEnvelope.model_validate(data))
    return None if event is None else vod_notice(event)


@pytest.mark.parametrize("event_type, id_field, kind, ok_status", [
    ("FileUploadComplete", "VideoId", "video", "uploaded"),
    ("ImageUploadComplete", "ImageId", "image", "ready"),
    ("AttachedMediaUploadComplete", "AttachedMediaId", "file", "ready"),
    ("TranscodeComplete", "VideoId", "video", "ready"),
])
@pytest.mark.parametrize("status", ["success", "Success", "SUCCESS", None, "fail", "Fail"])
def test_status_per_event_type(event_type, id_field, kind, ok_status, status):
    data = {"EventType": event_type, id_field: "m1", "EventTime": "2024-01-01T00:00:00Z"}
    if status is not None:
        data["Status"] = status
    result = notice(**data)
    assert (result.kind, result.media_id) == (kind, "m1")
    assert result.status == (ok_status if (status or "success").lower() == "success" else "failed")


def test_a_failed_upload_still_records_what_it_reports():
    result = notice(EventType="FileUploadComplete", VideoId="v", Status="fail", Size=12, FileUrl="https://x/v.mp4",
                    EventTime="2024-01-01T00:00:00Z")
    assert (result.status, result.size, result.media_url) == ("failed", 12, "https://x/v.mp4")


@pytest.mark.parametrize("event_type, id_field", [("FileUploadComplete", "VideoId"), ("ImageUploadComplete", "ImageId"),
                                                  ("AttachedMediaUploadComplete", "AttachedMediaId"),
                                                  ("TranscodeComplete", "VideoId")])
def test_an_event_without_its_id_records_nothing(event_type, id_field):
    assert notice(EventType=event_type, Status="success") is None
    assert notice(EventType=event_type, Status="success", **{id_field: ""}) is None


@pytest.mark.parametrize("event_type, id_field", [("FileUploadComplete", "VideoId"), ("ImageUploadComplete", "ImageId"),
                                                  ("AttachedMediaUploadComplete", "AttachedMediaId"),
                                                  ("TranscodeComplete", "VideoId")])
def test_dedupe_key_without_an_event_time(event_type, id_field):
    assert notice(EventType=event_type, **{id_field: "m1"}).dedupe_key == f"aliyun-vod:{event_type}:m1:"


def test_dedupe_keys_of_stream_and_snapshot_events():
    stream = notice(EventType="StreamTranscodeComplete", VideoId="v", Status="success")
    assert stream.dedupe_key == "aliyun-vod:StreamTranscodeComplete:v:::"
    assert stream.extra == {"stream.default": {"status": "success"}}
    snapshot = notice(EventType="SnapshotComplete", VideoId="v", CoverUrl="https://x/c.jpg",
                      EventTime="2024-01-01T00:00:00Z", SnapshotInfos=[{"JobId": "a"}, {"JobId": "b"}, {}])
    assert snapshot.dedupe_key == "aliyun-vod:SnapshotComplete:v:a,b,"
    no_jobs = notice(EventType="SnapshotComplete", VideoId="v", CoverUrl="https://x/c.jpg",
                     EventTime="2024-01-01T00:00:00Z")
    assert no_jobs.dedupe_key == "aliyun-vod:SnapshotComplete:v:2024-01-01T00:00:00Z"
    assert notice(EventType="SnapshotComplete", VideoId="v", Status="fail", CoverUrl="https://x/c.jpg") is None
    assert notice(EventType="SnapshotComplete", VideoId="v", Status="success") is None


def test_empty_stream_values_are_left_out():
    result = notice(EventType="TranscodeComplete", VideoId="v", Status="success",
                    StreamInfos=[{"Definition": "HD", "Format": "m3u8", "FileUrl": "", "Size": None, "Width": 0,
                                  "Status": "success"}])
    assert result.extra == {"streams": {"m3u8:HD": {"format": "m3u8", "width": 0, "status": "success"}}}


def test_stream_without_format_or_definition():
    result = notice(EventType="TranscodeComplete", VideoId="v", Status="success", StreamInfos=[{"Status": "fail"}])
    assert result.extra == {"streams": {":": {"status": "fail"}}}


def test_a_successful_stream_moves_the_video_to_processing_and_a_failed_one_changes_no_status():
    ok = notice(EventType="StreamTranscodeComplete", VideoId="v", Status="success", Definition="SD", JobId="j",
                EventTime="t")
    failed = notice(EventType="StreamTranscodeComplete", VideoId="v", Status="fail", Definition="SD")
    assert (ok.status, ok.dedupe_key) == ("processing", "aliyun-vod:StreamTranscodeComplete:v:j:SD:t")
    assert failed.status is None and failed.extra == {"stream.SD": {"status": "fail"}}


def encoded(times: int) -> object:
    value: object = {"uid": "o-alice"}
    for _ in range(times):
        value = json.dumps(value)
    return value


@pytest.mark.parametrize("times, owner", [(0, "o-alice"), (1, "o-alice"), (2, "o-alice"), (3, "o-alice"), (4, None)])
def test_extend_is_decoded_up_to_three_times(times, owner):
    assert owner_from_extend(encoded(times)) == owner


@pytest.mark.parametrize("extend, owner", [({"uid": 42}, "42"), ({"uid": 0}, "0"),
                                           ({"uid": 1.5}, None), ({"uid": ["o-a"]}, None), (["o-a"], None)])
def test_extend_uid_types(extend, owner):
    assert owner_from_extend(extend) == owner
