"""OSS and COS trigger functions invoked through the gateway with the platforms' event shapes."""

from __future__ import annotations

import copy
from urllib.parse import quote

import pytest

from tests.functional.media_rows import UNAVAILABLE_DATABASES, repo, unique
from tests.unit.test_storage_trigger_events import COS_EVENT, OSS_EVENT
from upvend.storage.media import MediaRecord, object_media_id


def oss_event(key: str, etag: str = "688A7BF4F233DC9C88A80BF985AB7329") -> dict:
    event = copy.deepcopy(OSS_EVENT)
    event["events"][0]["oss"]["object"].update(key=key, eTag=etag)
    return event


def cos_event(key: str, request_id: str = "req-1") -> dict:
    event = copy.deepcopy(COS_EVENT)
    obj = event["Records"][0]["cos"]["cosObject"]
    obj.update(key=f"/1253970026/testpic/{key}", url=f"http://testpic-1253970026.cos.example/{key}")
    obj["meta"]["x-cos-request-id"] = request_id
    return event


def invoke(gateway, function: str, event: dict):
    return gateway.post(f"/_upvend/invoke/{function}", json=event)


def test_oss_trigger_completes_the_uploading_row(gateway):
    key = f"uploads/o-alice/2024/05/{unique('')}.jpg"
    media_id = object_media_id("testbucket", key)
    repo().create_uploading(MediaRecord(provider="aliyun", media_id=media_id, kind="image", status="uploading",
                                        owner="o-alice", mime_type="image/jpeg"))
    response = invoke(gateway, "aliyun-oss-trigger", oss_event(key))
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert (response.json()["recorded"], response.json()["skipped"]) == (1, 0)
    row = repo().get("aliyun", media_id)
    assert (row.status, row.owner, row.size, row.etag, row.mime_type, row.region) == (
        "ready", "o-alice", 122539, "688A7BF4F233DC9C88A80BF985AB7329", "image/jpeg", "cn-shanghai")


def test_oss_trigger_redelivery_and_url_encoded_keys(gateway):
    key = f"uploads/o-a_b-c/2024/05/{unique('')}.jpg"
    assert invoke(gateway, "aliyun-oss-trigger", oss_event(key)).json()["recorded"] == 1
    again = invoke(gateway, "aliyun-oss-trigger", oss_event(quote(key, safe="")))  # the same key URL-encoded
    assert (again.json()["recorded"], again.json()["duplicates"]) == (0, 1)
    row = repo().get("aliyun", object_media_id("testbucket", key))
    assert (row.owner, row.object_key) == ("o-a_b-c", key)
    # The object uploaded again: a new version, recorded as such; the completed row keeps its content.
    new_version = invoke(gateway, "aliyun-oss-trigger", oss_event(key, etag="FFFF"))
    assert new_version.json()["recorded"] == 1
    again = repo().get("aliyun", object_media_id("testbucket", key))
    assert again.etag == row.etag and again.size == row.size
    assert again.extra["newerVersion"]["etag"] == "FFFF"


def test_oss_trigger_skips_objects_outside_the_upload_prefix(gateway):
    key = f"other/{unique('')}.jpg"
    response = invoke(gateway, "aliyun-oss-trigger", oss_event(key))
    assert (response.json()["recorded"], response.json()["skipped"]) == (0, 1)
    assert repo().get("aliyun", object_media_id("testbucket", key)) is None


@pytest.mark.parametrize("function", ["aliyun-oss-trigger", "tencent-cos-trigger"])
@pytest.mark.parametrize("event", [{}, {"events": "nope"}, {"Records": [{"cos": {}}]}, []])
def test_malformed_events_are_rejected_without_crashing(gateway, function, event):
    response = invoke(gateway, function, event)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "rejected"
    assert body["error"]["code"] in ("validation_error", "invalid_event")


def test_cos_trigger_records_with_the_stripped_key(gateway):
    key = f"uploads/o-alice/2024/05/{unique('')}.mp4"
    response = invoke(gateway, "tencent-cos-trigger", cos_event(key))
    assert response.json()["recorded"] == 1
    row = repo().get("tencent", object_media_id("testpic-1253970026", key))
    assert (row.status, row.owner, row.object_key, row.kind, row.media_url, row.bucket) == (
        "ready", "o-alice", key, "video", f"http://testpic-1253970026.cos.example/{key}", "testpic-1253970026")
    again = invoke(gateway, "tencent-cos-trigger", cos_event(key))
    assert (again.json()["recorded"], again.json()["duplicates"]) == (0, 1)


@pytest.mark.parametrize("database_url", UNAVAILABLE_DATABASES)
@pytest.mark.parametrize("function, event", [
    ("aliyun-oss-trigger", lambda: oss_event(f"uploads/o-alice/2024/05/{unique('')}.jpg")),
    ("tencent-cos-trigger", lambda: cos_event(f"uploads/o-alice/2024/05/{unique('')}.mp4")),
])
def test_unavailable_database_fails_the_invocation_so_the_platform_retries(gateway, monkeypatch, database_url,
                                                                           function, event):
    monkeypatch.setenv("UPVEND_DATABASE_URL", database_url())
    response = invoke(gateway, function, event())
    assert response.status_code == 502
    assert response.json()["error"]["message"].endswith("raised StorageUnavailable.")
