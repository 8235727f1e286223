"""Finding 4: a captured VOD callback signature carries any body for the whole window.

Aliyun's X-VOD-SIGNATURE covers the callback URL and the timestamp only, so whoever
sees one signed callback (a proxy log, a leaked request) can post, for 300 s, a body
naming another user's video, another FileUrl or another `Extend.uid`. Tencent's push
body is unsigned unless a SignKey is set. Each attack below posts such a body with a
valid signature (the one VOD itself computes) through the local stack: nothing
changes. The honest callback still completes the row, with VOD's own values.
"""

from __future__ import annotations

import json
import time

import pytest

from devtools.local_env import DEV_TENCENT_VOD_CALLBACK_TOKEN
from tests.functional.aliyun_support import IMAGE_BYTES, VIDEO_BYTES, vod_media
from tests.functional.media_rows import repo, unique, vod_headers
from tests.functional.notices_support import switch  # noqa: F401 (fixture)
from tests.functional.tencent_support import fresh_user
from tests.functional.test_notices_tencent_e2e import VIDEO as TENCENT_VIDEO, ugc_upload
from tests.functional.test_tencent_vod_callback import new_file, procedure
from tests.security.support import rows_of

VOD_PATH = "/aliyun/vod/callback"
PUSH_PATH = f"/tencent/vod/callback/{DEV_TENCENT_VOD_CALLBACK_TOKEN}"
EVIL_URL = "https://attacker.example/phish.mp4"


@pytest.fixture
def captured(stack):
    """A valid (X-VOD-TIMESTAMP, X-VOD-SIGNATURE) pair, as any signed callback VOD sent in the last minutes has."""
    return vod_headers(stack.settings["UPVEND_ALIYUN_VOD_CALLBACK_URL"], ts=int(time.time()) - 5)


@pytest.fixture
def held(switch):
    switch(aliyunVodEvents=False, tencentVodPush=False)


def replay(gateway, captured: dict[str, str], body: dict) -> dict:
    response = gateway.post(VOD_PATH, content=json.dumps(body),
                            headers={"Content-Type": "application/json", **captured})
    assert response.status_code == 200, response.text
    return response.json()


def upload_complete(video_id: str, owner: str | None, **more) -> dict:
    body = {"EventType": "FileUploadComplete", "EventTime": f"2026-11-28T00:00:{int(time.time()) % 60:02d}Z",
            "VideoId": video_id, "Status": "success", "Size": 1, "FileUrl": EVIL_URL, **more}
    if owner is not None:
        body["Extend"] = json.dumps({"uid": owner})
    return body


def test_a_body_for_bobs_video_changes_nothing(gateway, stack, captured, held):
    alice, bob = f"o-{unique('alice')}", f"o-{unique('bob')}"
    video_id, path = vod_media(bob, data=VIDEO_BYTES)
    assert replay(gateway, captured, upload_complete(video_id, bob, EventTime="2026-01-01T00:00:00Z")) == {
        "status": "recorded"}  # the honest callback
    before_bob, before_alice = rows_of(bob), rows_of(alice)
    assert before_bob[0]["media_url"] == f"{stack.emulator_url}/{path}"
    for owner in (alice, bob, None):  # claim it for alice; or rewrite bob's row with another size and URL
        replay(gateway, captured, upload_complete(video_id, owner))
        replay(gateway, captured, {**upload_complete(video_id, owner), "EventType": "SnapshotComplete",
                                   "CoverUrl": EVIL_URL})
    after = rows_of(bob)
    assert [(r["owner"], r["size"], r["media_url"], r["cover_url"], r["status"]) for r in after] == [
        (r["owner"], r["size"], r["media_url"], r["cover_url"], r["status"]) for r in before_bob]
    assert EVIL_URL not in json.dumps(after, default=str)
    assert rows_of(alice) == before_alice == []


def test_a_video_vod_does_not_know_writes_no_row_in_anyones_media(gateway, captured):
    victim = f"o-{unique('bob')}"
    for kind, id_field in (("FileUploadComplete", "VideoId"), ("ImageUploadComplete", "ImageId")):
        media_id = unique("forged")
        body = {**upload_complete(media_id, victim), "EventType": kind}
        body.pop("VideoId")
        body[id_field] = media_id
        assert replay(gateway, captured, body) == {"status": "ignored"}
        assert repo().get("aliyun", media_id) is None
    assert rows_of(victim) == []


def test_extend_naming_another_owner_than_userdata_writes_nothing(gateway, captured, held):
    alice, bob = f"o-{unique('alice')}", f"o-{unique('bob')}"
    video_id, _ = vod_media(alice, data=VIDEO_BYTES, row=False)  # CreateUploadVideo's UserData names alice
    assert replay(gateway, captured, upload_complete(video_id, bob)) == {"status": "ignored"}
    assert repo().get("aliyun", video_id) is None and rows_of(bob) == []
    # The honest callback: the row is alice's, with VOD's size and URL rather than the body's.
    assert replay(gateway, captured, upload_complete(video_id, alice)) == {"status": "recorded"}
    row = repo().get("aliyun", video_id)
    assert (row.owner, row.size, row.status) == (alice, len(VIDEO_BYTES), "ready") and row.media_url != EVIL_URL


def test_an_image_body_cannot_move_or_rewrite_the_image(gateway, stack, captured, held):
    alice, bob = f"o-{unique('alice')}", f"o-{unique('bob')}"
    image_id, path = vod_media(alice, "image", data=IMAGE_BYTES)
    body = {"EventType": "ImageUploadComplete", "EventTime": "2026-11-28T00:00:00:000Z", "ImageId": image_id,
            "Status": "success", "Size": 1, "FileURL": EVIL_URL, "Extend": json.dumps({"uid": bob})}
    assert replay(gateway, captured, body) == {"status": "ignored"}
    assert repo().get("aliyun", image_id).status == "uploading" and rows_of(bob) == []
    assert replay(gateway, captured, {**body, "Extend": json.dumps({"uid": alice})}) == {"status": "recorded"}
    row = repo().get("aliyun", image_id)
    assert (row.owner, row.size, row.media_url) == (alice, len(IMAGE_BYTES), f"{stack.emulator_url}/{path}")


@pytest.fixture
def tencent_file(gateway, stack, login, held):
    name = fresh_user()
    upload = ugc_upload(gateway, stack, login(name))
    return upload["fileId"], f"o-{name}", upload


def test_tencent_push_for_a_file_vod_does_not_know_writes_nothing(gateway):
    file_id, victim = unique("5285890"), f"o-{unique('bob')}"
    for event in (new_file(file_id, owner=victim), procedure(file_id)):
        assert gateway.post(PUSH_PATH, json=event).json() == {"code": 0, "status": "ignored"}
    assert repo().get("tencent", file_id) is None and rows_of(victim) == []


def test_tencent_push_cannot_move_rewrite_or_delete_bobs_file(gateway, tencent_file):
    file_id, bob, upload = tencent_file
    alice = f"o-{unique('alice')}"
    # Claimed for alice: nothing.
    assert gateway.post(PUSH_PATH, json=new_file(file_id, owner=alice)).json()["status"] == "ignored"
    assert repo().get("tencent", file_id) is None
    # The honest event, however its body is dressed, records VOD's values.
    lying = new_file(file_id, owner=bob)
    lying["FileUploadEvent"]["MediaBasicInfo"]["MediaUrl"] = EVIL_URL
    assert gateway.post(PUSH_PATH, json=lying).json()["status"] == "recorded"
    before = rows_of(bob)
    assert (before[0]["media_url"], before[0]["size"]) == (upload["video"]["url"], len(TENCENT_VIDEO))
    # A deletion of a file VOD still has, and a transcode output VOD never made: nothing.
    deleted = {"EventType": "FileDeleted", "FileDeleteEvent": {"FileIdSet": [file_id]}}
    assert gateway.post(PUSH_PATH, json=deleted).json()["status"] == "ignored"
    forged = procedure(file_id)
    forged["ProcedureStateChangeEvent"]["FileUrl"] = EVIL_URL
    forged["ProcedureStateChangeEvent"]["MediaProcessResultSet"][0]["TranscodeTask"]["Output"]["Url"] = EVIL_URL
    gateway.post(PUSH_PATH, json=forged)
    after = rows_of(bob)
    assert after[0]["status"] != "deleted" and EVIL_URL not in json.dumps(after, default=str)
