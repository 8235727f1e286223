"""OSS and COS trigger events: keys back to issued keys and owners, skipping, dedupe keys."""

from __future__ import annotations

import copy

import pytest

from upvend.errors import ValidationFailed
from upvend.http.body import parse_model
from upvend.notices.object_keys import kind_of, upload_key
from upvend.notices.storage_triggers import (
    cos_region,CosTriggerEvent, OssTriggerEvent, cos_object_key, cos_trigger_notices,
                                             oss_trigger_notices)

OSS_EVENT = {"events": [{
    "eventName": "ObjectCreated:PostObject", "eventSource": "acs:oss", "eventTime": "2017-04-21T12:46:37.000Z",
    "eventVersion": "1.0", "region": "cn-shanghai",
    "oss": {"bucket": {"arn": "acs:oss:cn-shanghai:123456789:testbucket", "name": "testbucket",
                       "ownerIdentity": "123456789", "virtualBucket": ""},
            "object": {"deltaSize": 122539, "eTag": "688A7BF4F233DC9C88A80BF985AB7329",
                       "key": "uploads/o-alice/2024/05/0123abcd.jpg", "size": 122539},
            "ossSchemaVersion": "1.0", "ruleId": "9adac8e253828f4f7c0466d941fa3db81161"},
    "requestParameters": {"sourceIPAddress": "140.205.1.1"},
    "responseElements": {"requestId": "58F9FF2D3DF792092E12044C"}, "userIdentity": {"principalId": "123456789"}}]}

COS_EVENT = {"Records": [{"cos": {
    "cosSchemaVersion": "1.0",
    "cosObject": {"url": "http://testpic-1253970026.cos.ap-chengdu.myqcloud.com/uploads/o-alice/2024/05/ff.mp4",
                  "key": "/1253970026/testpic/uploads/o-alice/2024/05/ff.mp4", "size": 1029, "vid": "",
                  "meta": {"x-cos-request-id": "NWMxOWY4MGFfMjViMjU4NjRfMmE3Zl8x", "Content-Type": "video/mp4",
                           "x-cos-meta-uid": "o-alice"}},
    "cosBucket": {"region": "cd", "name": "testpic", "appid": "1253970026"}, "cosNotificationId": "unkown"},
    "event": {"eventName": "cos:ObjectCreated:*", "eventVersion": "1.0", "eventTime": 1545205770,
              "eventSource": "qcs::cos", "requestParameters": {"requestSourceIP": "192.168.15.101"},
              "reservedInfo": "", "reqid": 179398952}}]}


@pytest.mark.parametrize("reported, key, owner", [
    ("uploads/o-alice/2024/05/ab.jpg", "uploads/o-alice/2024/05/ab.jpg", "o-alice"),
    ("uploads/o%2Dalice/2024/05/ab.jpg", "uploads/o-alice/2024/05/ab.jpg", "o-alice"),  # URL-encoded by the platform
    ("uploads%2Fo-alice%2F2024%2F05%2Fab.jpg", "uploads/o-alice/2024/05/ab.jpg", "o-alice"),
])
def test_upload_key_recovers_the_issued_key(reported, key, owner):
    issued = upload_key(reported)
    assert (issued.key, issued.owner) == (key, owner)


@pytest.mark.parametrize("reported", ["elsewhere/o-alice/x.jpg", "uploads/o-alice", "uploads//x.jpg",
                                      "uploads/o-alice/", "uploadsx/o-alice/a.jpg", "",
                                      # Folders only ids with escapes had: never anyone's after one decoding.
                                      "uploads/a%40b.c/2024/05/ab.jpg", "uploads/o-b%256Fb/2024/05/ab.jpg",
                                      "uploads/a%2Fb/2024/05/ab.jpg"])
def test_keys_outside_the_upload_prefix(reported):
    assert upload_key(reported) is None


def test_upload_key_follows_the_prefix_setting(monkeypatch):
    monkeypatch.setenv("UPVEND_UPLOAD_PREFIX", "media/in")
    assert upload_key("uploads/o-alice/a.jpg") is None
    assert upload_key("media/in/o-alice/a.jpg").owner == "o-alice"


@pytest.mark.parametrize("mime, name, kind", [
    ("image/png", None, "image"), ("video/mp4; codecs=x", None, "video"), (None, "a/b.MP4", "video"),
    (None, "a.heic", "image"), ("application/pdf", "x.pdf", "file"), (None, "a.mp3", "file"), (None, None, "file"),
])
def test_kind_of(mime, name, kind):
    assert kind_of(mime, name) == kind


def test_oss_event_maps_to_a_ready_object():
    notices, skipped = oss_trigger_notices(parse_model(OssTriggerEvent, OSS_EVENT))
    assert skipped == 0
    [n] = notices
    assert (n.provider, n.media_id, n.owner, n.kind, n.status, n.size, n.etag, n.region, n.bucket, n.object_key) == (
        "aliyun", "testbucket/uploads/o-alice/2024/05/0123abcd.jpg", "o-alice", "image", "ready", 122539,
        "688A7BF4F233DC9C88A80BF985AB7329", "cn-shanghai", "testbucket", "uploads/o-alice/2024/05/0123abcd.jpg")
    assert n.dedupe_key == ("aliyun-oss:ObjectCreated:PostObject:testbucket/uploads/o-alice/2024/05/0123abcd.jpg:"
                            "688A7BF4F233DC9C88A80BF985AB7329")


def test_oss_event_skips_foreign_keys_and_removals():
    event = copy.deepcopy(OSS_EVENT)
    outside = copy.deepcopy(event["events"][0])
    outside["oss"]["object"]["key"] = "image/a.jpg"
    removed = copy.deepcopy(event["events"][0])
    removed["eventName"] = "ObjectRemoved:DeleteObject"
    event["events"] += [outside, removed]
    notices, skipped = oss_trigger_notices(parse_model(OssTriggerEvent, event))
    assert (len(notices), skipped) == (1, 2)


@pytest.mark.parametrize("bad", [{}, {"events": []}, {"events": [{"eventName": "ObjectCreated:PutObject"}]},
                                 {"events": [{"eventName": "x", "oss": {"bucket": {"name": ""},
                                                                        "object": {"key": "k"}}}]}])
def test_malformed_oss_events_fail_validation(bad):
    with pytest.raises(ValidationFailed):
        parse_model(OssTriggerEvent, bad)


def test_cos_key_prefix_is_stripped():
    assert cos_object_key("/1253970026/testpic/uploads/u/a.jpg", "1253970026", "testpic") == "uploads/u/a.jpg"
    assert cos_object_key("uploads/u/a.jpg", "1253970026", "testpic") == "uploads/u/a.jpg"


def test_cos_event_maps_to_a_ready_object():
    notices, skipped = cos_trigger_notices(parse_model(CosTriggerEvent, COS_EVENT))
    [n] = notices
    assert skipped == 0
    assert (n.provider, n.media_id, n.bucket, n.object_key, n.owner, n.kind, n.mime_type, n.size, n.region) == (
        "tencent", "testpic-1253970026/uploads/o-alice/2024/05/ff.mp4", "testpic-1253970026",
        "uploads/o-alice/2024/05/ff.mp4", "o-alice", "video", "video/mp4", 1029, "ap-chengdu")
    assert n.media_url == "http://testpic-1253970026.cos.ap-chengdu.myqcloud.com/uploads/o-alice/2024/05/ff.mp4"
    assert n.dedupe_key.endswith(":NWMxOWY4MGFfMjViMjU4NjRfMmE3Zl8x")


@pytest.mark.parametrize("reported, url, region", [
    ("cd", "http://testpic-1253970026.cos.ap-chengdu.myqcloud.com/k", "ap-chengdu"),
    ("gz", "", "ap-guangzhou"),
    ("ap-shanghai", "", "ap-shanghai"),
    ("gz", "http://127.0.0.1:9000/testpic-1253970026/k", "ap-guangzhou"),
])
def test_cos_rows_carry_the_full_region_name_the_sts_answer_uses(reported, url, region):
    assert cos_region(reported, url) == region


def test_cos_owner_comes_from_the_key_not_the_client_metadata():
    event = copy.deepcopy(COS_EVENT)
    event["Records"][0]["cos"]["cosObject"]["meta"]["x-cos-meta-uid"] = "o-mallory"
    [n], _ = cos_trigger_notices(parse_model(CosTriggerEvent, event))
    assert n.owner == "o-alice"
    event["Records"][0]["cos"]["cosObject"]["key"] = "/1253970026/testpic/other/o-mallory/x.mp4"
    assert cos_trigger_notices(parse_model(CosTriggerEvent, event)) == ([], 1)


def test_trigger_handler_rejects_bad_events_and_raises_server_failures():
    from upvend.errors import StorageUnavailable
    from upvend.trigger import trigger_handler

    calls = []

    def process(event):
        calls.append(event)
        if event.events[0].oss.bucket.name == "down":
            raise StorageUnavailable()
        return {"recorded": 1}

    handler = trigger_handler(OssTriggerEvent, process, function="t")
    ok = handler(json_bytes(OSS_EVENT), type("Ctx", (), {"request_id": "rid-1"})())
    assert ok == {"status": "ok", "requestId": "rid-1", "recorded": 1}
    for bad in (b"not json", b"[]", json_bytes({"events": []})):
        answer = handler(bad, None)
        assert answer["status"] == "rejected" and answer["error"]["code"] in ("invalid_event", "validation_error")
    down = copy.deepcopy(OSS_EVENT)
    down["events"][0]["oss"]["bucket"]["name"] = "down"
    with pytest.raises(StorageUnavailable):
        handler(down, {"request_id": "rid-2"})  # SCF passes a dict
    assert len(calls) == 2


def json_bytes(data) -> bytes:
    import json

    return json.dumps(data).encode()
