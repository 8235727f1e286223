"""Property-based, through the local stack: no notice body and no cursor gives a 5xx or an unhandled exception.

`tests/unit/test_fuzz_notices_and_signatures.py` drives the parsers as functions;
this drives the deployed entry points as a cloud or a client reaches them, past
their authentication (signed as VOD and OSS sign, the right path token, a session
token), so each body meets the parser, the read-back from the emulated cloud and the
table: Aliyun VOD callbacks, OSS upload callbacks, the OSS and COS trigger events,
Tencent VOD push events and pulled events, and `GET /media?cursor=`. An HTTP answer
is below 500, and a 4xx carries the error envelope; a trigger answers `ok` or
`rejected` with the envelope; a pull run confirms what it cannot apply.
Deterministic (derandomized) and bounded, so CI is stable.
"""

from __future__ import annotations

import base64
import json
from typing import Any, Iterator

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devtools.local_env import DEV_TENCENT_VOD_CALLBACK_TOKEN
from tests.conftest import bearer
from tests.functional.aliyun_support import IMAGE_BYTES, VIDEO_BYTES, vod_media
from tests.functional.media_rows import vod_headers
from tests.unit.fuzz_support import json_values

PROPERTY = settings(max_examples=120, deadline=None, derandomize=True, database=None,
                    suppress_health_check=list(HealthCheck))
IDS: dict[str, str] = {}  # real media of the emulated clouds, so some bodies reach the read-back and the table


@pytest.fixture(scope="module")
def client(stack) -> Iterator[httpx.Client]:
    from upvend.auth import issue_token

    IDS["video"], _ = vod_media("o-fuzz", data=VIDEO_BYTES)
    IDS["image"], _ = vod_media("o-fuzz", "image", data=IMAGE_BYTES)
    with httpx.Client(base_url=stack.gateway_url, timeout=30) as http:
        IDS["token"] = issue_token("o-fuzz")[0]
        yield http


def assert_answer(response: httpx.Response) -> None:
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        body = response.json()
        assert set(body) == {"error"} and {"code", "message", "requestId"} <= set(body["error"]), body


def with_keys(names: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    """Objects using the parser's own field names (so bodies get past the first check), values anything."""
    return st.dictionaries(st.sampled_from(names), json_values, max_size=len(names))


ids = st.one_of(st.text(max_size=30), st.sampled_from(["video", "image"]).map(lambda k: IDS.get(k, k)))
vod_events = st.one_of(json_values, st.builds(
    lambda base, kind, media: {**base, "EventType": kind, "VideoId": media, "ImageId": media},
    with_keys(["Status", "Size", "FileUrl", "FileURL", "Extend", "EventTime", "CoverUrl", "StreamInfos",
               "SnapshotInfos", "Duration", "Definition", "JobId"]),
    st.sampled_from(["FileUploadComplete", "ImageUploadComplete", "AttachedMediaUploadComplete",
                     "StreamTranscodeComplete", "TranscodeComplete", "SnapshotComplete", "Other"]), ids))
raw_bodies = st.one_of(st.binary(max_size=120), st.text(max_size=120).map(str.encode))


@PROPERTY
@given(body=st.one_of(vod_events.map(lambda e: json.dumps(e).encode()), raw_bodies))
def test_aliyun_vod_callback(client, stack, body):
    url = stack.settings["UPVEND_ALIYUN_VOD_CALLBACK_URL"]
    assert_answer(client.post("/aliyun/vod/callback", content=body,
                              headers={"Content-Type": "application/json", **vod_headers(url)}))


oss_fields = st.dictionaries(st.sampled_from(["bucket", "object", "etag", "size", "mimeType", "uid", "binding",
                                              "imageInfo.width", "imageInfo.height", "x:any"]),
                             st.one_of(st.text(max_size=40), st.integers().map(str)), max_size=8)


@PROPERTY
@given(body=st.one_of(oss_fields.map(lambda f: "&".join(f"{k}={v}" for k, v in f.items()).encode()),
                      json_values.map(lambda v: json.dumps(v).encode()), raw_bodies),
       content_type=st.sampled_from(["application/x-www-form-urlencoded", "application/json", "text/plain", ""]))
def test_oss_upload_callback(client, stack, body, content_type):
    path = "/aliyun/oss/callback"
    signed = stack.emulator.service("oss-callback-key").sign(f"{stack.gateway_url}{path}", body)
    assert_answer(client.post(path, content=body, headers={"Content-Type": content_type, **signed}))


tencent_events = st.one_of(json_values, st.builds(
    lambda kind, inner: {"EventType": kind, "FileUploadEvent": inner, "ProcedureStateChangeEvent": inner,
                         "FileDeleteEvent": inner},
    st.sampled_from(["NewFileUpload", "ProcedureStateChanged", "FileDeleted", "Other"]),
    with_keys(["FileId", "MediaBasicInfo", "MetaData", "ProcedureTaskId", "TaskId", "Status", "FileUrl",
               "MediaProcessResultSet", "FileIdSet", "FileDeleteResultInfo", "ErrCode"])))


@PROPERTY
@given(event=tencent_events)
def test_tencent_vod_push(client, event):
    assert_answer(client.post(f"/tencent/vod/callback/{DEV_TENCENT_VOD_CALLBACK_TOKEN}", content=json.dumps(event),
                              headers={"Content-Type": "application/json"}))


class OneBatch:
    """PullEvents hands out the fuzzed events once; the read-back goes to the emulated VOD."""

    def __init__(self, events: list[Any]) -> None:
        self.events, self.confirmed = events, []

    def pull(self) -> list[Any]:
        events, self.events = self.events, []
        return events

    def confirm(self, handles: list[str]) -> None:
        self.confirmed += handles

    def backlog(self) -> int:
        return len(self.events)

    def describe(self, file_ids: list[str]) -> Any:
        from upvend.notices.tencent_vod_media import describe_media
        return describe_media(file_ids)


@PROPERTY
@given(event=tencent_events)
def test_tencent_vod_pulled_event(client, event):
    from upvend.deadline import Deadline
    from upvend.notices.tencent_vod_pull import pull_and_record

    pulled = {**event, "EventHandle": "h-fuzz"} if isinstance(event, dict) else event
    source = OneBatch([pulled])
    summary = pull_and_record(source, budget=Deadline(30))
    assert summary["failed"] == 0
    if isinstance(pulled, dict):
        assert source.confirmed == ["h-fuzz"]  # applied, ignored or refused: never left to come back forever


trigger_records = st.lists(with_keys(["eventName", "eventSource", "region", "oss", "cos", "s3", "object",
                                      "bucket", "Records", "cosObject", "cosBucket", "meta", "key", "size"]),
                           max_size=3)


@PROPERTY
@given(event=st.one_of(json_values, trigger_records.map(lambda r: {"events": r}),
                       trigger_records.map(lambda r: {"Records": r})),
       function=st.sampled_from(["aliyun-oss-trigger", "tencent-cos-trigger"]))
def test_storage_trigger_events(client, event, function):
    response = client.post(f"/_upvend/invoke/{function}", content=json.dumps(event))
    assert response.status_code == 200, response.text  # 502 = the function raised
    result = response.json()
    assert result["status"] in ("ok", "rejected"), result
    if result["status"] == "rejected":
        assert {"code", "message", "requestId"} <= set(result["error"])


cursors = st.one_of(st.text(max_size=60), json_values.map(
    lambda v: base64.urlsafe_b64encode(json.dumps(v).encode()).decode().rstrip("=")))


@PROPERTY
@given(cursor=cursors)
def test_media_cursor(client, cursor):
    assert_answer(client.get("/media", params={"cursor": cursor}, headers=bearer(IDS["token"])))
