"""The emulator's notice payloads, as the layer parses them; the callback body; the switch; the pull queue."""

from __future__ import annotations

import json
import time
from types import SimpleNamespace
from urllib.parse import parse_qsl

import pytest

from devtools.emulator.delivery import Delivery
from devtools.emulator.notices.aliyun_vod import vod_callback_signature, vod_events
from devtools.emulator.notices.oss_upload_callback import OssUploadCallback, callback_variables, render_body
from devtools.emulator.notices.schedule import NoticeSwitch
from devtools.emulator.notices.storage_triggers import cos_trigger_event, oss_trigger_event, watches
from devtools.emulator.notices.tencent_vod import new_file_upload, procedure_finished
from devtools.emulator.notices.vod_event_queue import EventHandleInvalid, VodEventQueue
from devtools.emulator.objects import StoredObject
from devtools.template import StorageTrigger
from upvend.notices.aliyun_vod import VodEnvelope, parse_vod_event, vod_notice, vod_signature
from upvend.notices.storage_triggers import (CosTriggerEvent, OssTriggerEvent, cos_trigger_notices,
                                              oss_trigger_notices)
from upvend.notices.tencent_vod import VodEventContent, vod_notices

KEY = "uploads/o-alice/2024/05/0a1b.jpg"


def stored(bucket: str, key: str = KEY, content_type: str = "image/jpeg", **meta: str) -> StoredObject:
    return StoredObject(bucket, key, 1234, "9E107D9D372BB6826BD81D3542A419D6", content_type, dict(meta))


# -- OSS upload callback body --------------------------------------------------------
def test_form_body_substitutes_and_url_encodes_variables():
    values = callback_variables(stored("upvend-dev"), {"x:note": "a&b=c d", "other": "ignored"})
    body = render_body("bucket=${bucket}&object=${object}&etag=${etag}&size=${size}&mimeType=${mimeType}"
                       "&fmt=${imageInfo.format}&note=${x:note}&missing=${x:none}", "application/x-www-form-urlencoded",
                       values)
    assert dict(parse_qsl(body.decode(), keep_blank_values=True)) == {
        "bucket": "upvend-dev", "object": KEY, "etag": "9E107D9D372BB6826BD81D3542A419D6", "size": "1234",
        "mimeType": "image/jpeg", "fmt": "jpeg", "note": "a&b=c d", "missing": ""}


def test_json_body_escapes_values_inside_the_template():
    values = callback_variables(stored("upvend-dev", content_type="video/mp4"), {"x:note": 'say "hi"\n'})
    body = render_body('{"object":"${object}","size":${size},"note":"${x:note}","h":"${imageInfo.height}"}',
                       "application/json", values)
    assert json.loads(body) == {"object": KEY, "size": 1234, "note": 'say "hi"\n', "h": ""}


@pytest.mark.parametrize("status, body, failure", [
    (200, b'{"ok": true}', None),
    (200, b"OK", "not valid json"),
    (200, b"", "not valid json"),
    (503, b'{"error": {}}', "Error status : 503"),
    (0, b"", "unreachable"),
])
def test_only_a_200_json_answer_counts_as_a_successful_callback(status, body, failure):
    outcome = OssUploadCallback._failure(Delivery(status, body, {}))
    assert outcome is None if failure is None else failure in outcome


def test_malformed_callback_parameter_is_refused_as_oss_does():
    callback = OssUploadCallback(SimpleNamespace(), lambda entry: None)
    event = SimpleNamespace(provider="aliyun", obj=stored("upvend-dev"), details={"callback": "not base64 json"})
    reply = callback(event)
    assert reply.status == 400 and b"<Code>InvalidArgument</Code>" in reply.body


# -- payload shapes the layer reads ----------------------------------------------------
def test_oss_trigger_payload_is_what_the_oss_trigger_function_reads():
    event = oss_trigger_event(stored("upvend-dev"), "ObjectCreated:PostObject", "cn-shanghai")
    record = event["events"][0]
    assert record["eventName"] == "ObjectCreated:PostObject" and record["oss"]["object"]["eTag"].isupper()
    (notice,), skipped = oss_trigger_notices(OssTriggerEvent.model_validate(event))
    assert skipped == 0 and notice.media_id == f"upvend-dev/{KEY}" and notice.owner == "o-alice"
    assert notice.etag == "9E107D9D372BB6826BD81D3542A419D6" and notice.size == 1234


def test_cos_trigger_payload_is_what_the_cos_trigger_function_reads():
    obj = stored("upvend-dev-1250000000", **{"x-cos-meta-uid": "o-alice"})
    event = cos_trigger_event(obj, "cos:ObjectCreated:Post", "ap-guangzhou", "AKIDtmp", "tencent-cos-trigger")
    cos = event["Records"][0]["cos"]
    assert cos["cosObject"]["key"] == f"/1250000000/upvend-dev/{KEY}"
    assert cos["cosBucket"] == {"region": "gz", "name": "upvend-dev", "appid": "1250000000"}
    assert cos["cosObject"]["meta"]["x-cos-meta-uid"] == "o-alice"
    (notice,), _ = cos_trigger_notices(CosTriggerEvent.model_validate(event))
    assert notice.media_id == f"upvend-dev-1250000000/{KEY}" and notice.mime_type == "image/jpeg"


@pytest.mark.parametrize("spec, event, key, taken", [
    (StorageTrigger(bucket="${B}", events=["oss:ObjectCreated:*"], prefix="uploads/"),
     "oss:ObjectCreated:PutObject", KEY, True),
    (StorageTrigger(bucket="${B}", events=["oss:ObjectCreated:PostObject"]), "oss:ObjectCreated:PutObject", KEY, False),
    (StorageTrigger(bucket="${B}", events=["cos:ObjectCreated:*"], prefix="uploads/"), "cos:ObjectCreated:Put",
     "other/x.jpg", False),
    (StorageTrigger(bucket="${B}", events=["cos:ObjectCreated:*"], suffix=".mp4"), "cos:ObjectCreated:Put", KEY,
     False),
])
def test_trigger_filters(spec, event, key, taken):
    assert watches(spec, event, key) is taken


def test_vod_events_map_to_the_uploaders_row():
    media = {"mediaId": "v1", "kind": "video", "userData": '{"Extend":{"uid":"o-alice"}}'}
    events = vod_events(media, stored("outin-x", "sv/a/a.mp4", "video/mp4"), "http://emu")
    assert [e["EventType"] for e in events] == ["FileUploadComplete", "StreamTranscodeComplete", "SnapshotComplete",
                                                "TranscodeComplete"]
    assert events[0]["Extend"] == '{"uid":"o-alice"}' and events[0]["FileUrl"] == "http://emu/outin-x/sv/a/a.mp4"
    notices = [vod_notice(parse_vod_event(VodEnvelope.model_validate(e))) for e in events]
    assert [n.status for n in notices] == ["uploaded", "processing", None, "ready"]
    assert {n.owner for n in notices} == {"o-alice"} and notices[2].cover_url.startswith("http://emu/outin-x/")
    image = vod_events({"mediaId": "i1", "kind": "image", "userData": None}, stored("outin-x"), "http://emu")
    assert [(e["EventType"], e["FileURL"]) for e in image] == [("ImageUploadComplete", f"http://emu/outin-x/{KEY}")]
    audio = vod_events(media, stored("outin-x", "sv/a/a.mp3", "audio/mpeg"), "http://emu")
    assert "SnapshotComplete" not in [e["EventType"] for e in audio]


def test_emulator_and_layer_agree_on_the_vod_signature():
    assert vod_callback_signature("https://a/cb", "1700000000", "Key1") == vod_signature("https://a/cb",
                                                                                         "1700000000", "Key1")


def test_tencent_vod_events_map_to_the_uploaders_row():
    details = {"fileId": "528589", "mediaName": "walk", "mediaType": "mp4", "mediaUrl": "http://v/a.mp4",
               "coverUrl": "http://v/c.jpg", "sourceContext": "o-alice", "sessionContext": "s",
               "storageRegion": "ap-chongqing"}
    upload, = vod_notices(VodEventContent.model_validate(new_file_upload(details, 99, "1-Procedure-x")))
    assert (upload.owner, upload.status, upload.size, upload.media_url) == ("o-alice", "processing", 99,
                                                                            "http://v/a.mp4")
    done, = vod_notices(VodEventContent.model_validate(procedure_finished(details, "1-Procedure-x")))
    assert done.status == "ready" and done.extra["transcodes"] == {"100010": "http://v/a.f100010.mp4"}


# -- switch ------------------------------------------------------------------------------
@pytest.mark.parametrize("changes", [{"nope": 1}, {"reverse": 1}, {"duplicates": 11}, {"duplicates": True},
                                     {"pullRedeliverySeconds": 0}, {"duplicates": 1, "eventGapSeconds": "x"}])
def test_bad_switch_changes_are_refused_whole(changes):
    switch = NoticeSwitch()
    with pytest.raises(ValueError):
        switch.update(changes)
    assert switch == NoticeSwitch()


def test_switch_round_trips_in_camel_case():
    switch = NoticeSwitch()
    switch.update({"duplicates": 2, "reverse": True, "pullRedeliverySeconds": 1})
    assert switch.to_json()["duplicates"] == 2 and switch.pull_redelivery_seconds == 1.0 and switch.reverse


# -- pull queue ------------------------------------------------------------------------
def _content(n: int) -> dict:
    return {"EventType": "NewFileUpload", "FileUploadEvent": {"FileId": str(n)}}


def test_pull_hands_out_at_most_16_oldest_first_per_application():
    queue = VodEventQueue()
    for n in range(20):
        queue.put(7, _content(n))
    queue.put(8, _content(99))
    first = queue.take(7, 30)
    assert [e["FileUploadEvent"]["FileId"] for e in first] == [str(n) for n in range(16)]
    assert len({e["EventHandle"] for e in first}) == 16
    assert [e["FileUploadEvent"]["FileId"] for e in queue.take(7, 30)] == ["16", "17", "18", "19"]
    assert queue.take(7, 30) == [] and [e["FileUploadEvent"]["FileId"] for e in queue.take(8, 30)] == ["99"]


def test_unconfirmed_events_come_back_with_a_new_handle_and_the_old_one_stops_working():
    queue = VodEventQueue()
    queue.put(0, _content(1))
    handle = queue.take(0, 0.1)[0]["EventHandle"]
    assert queue.take(0, 0.1) == []
    time.sleep(0.12)
    again = queue.take(0, 30)
    assert len(again) == 1 and again[0]["EventHandle"] != handle
    with pytest.raises(EventHandleInvalid):
        queue.confirm(0, [handle])
    with pytest.raises(EventHandleInvalid):  # one bad handle: nothing is confirmed
        queue.confirm(0, [again[0]["EventHandle"], "unknown"])
    queue.confirm(0, [again[0]["EventHandle"]])
    assert queue.snapshot() == []
