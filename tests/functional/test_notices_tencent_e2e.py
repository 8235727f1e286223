"""End to end on Tencent: login → credential → upload (UGC flow, form post, cos-python-sdk-v5) → the row in GET /media."""

from __future__ import annotations

import time

import httpx
import pytest

from devtools.emulator.tencent.account import DEV_ACCOUNT
from tests.conftest import bearer
from tests.functional.media_rows import repo
from tests.functional.notices_support import deliveries, my_media, stored, switch, wait_for_media, wait_idle  # noqa: F401
from tests.functional.tencent_support import arm_fault, cos_client, fresh_user, sts_put

VIDEO = b"\x00\x00\x00\x18ftypmp42 emulated ugc video"
COVER = b"\xff\xd8\xff\xe0 cover"
TIMER_EVENT = {"Type": "Timer", "TriggerName": "tencent-vod-pull", "Time": "2024-05-01T00:00:00Z", "Message": ""}


def _events(media_id: str) -> list[str]:
    rows = repo().db.query("SELECT event_type FROM {events} WHERE media_id = ? ORDER BY event_type", (media_id,))
    return [row["event_type"] for row in rows]


def _ugc(host: str, action: str, body: dict) -> dict:
    answer = httpx.post(f"{host}/v3/index.php?Action={action}", json=body, timeout=10).json()
    assert answer["code"] == 0, answer
    return answer["data"]


def ugc_upload(gateway, stack, token: str) -> dict:
    """What vod-wx-sdk-v2 does: signature → ApplyUploadUGC → COS puts with tempCertificate → CommitUploadUGC."""
    def signature() -> dict:
        answer = gateway.post("/tencent/vod/signature", json={}, headers=bearer(token))
        assert answer.status_code == 200, answer.text
        return answer.json()

    first = signature()
    host = first["ugcHost"]
    applied = _ugc(host, "ApplyUploadUGC", {"signature": first["signature"], "videoName": "river walk",
                                            "videoType": "mp4", "coverName": "river walk", "coverType": "jpg"})
    cert = applied["tempCertificate"]
    client = cos_client(stack.emulator_url, applied["storageRegionV5"], cert["secretId"], cert["secretKey"],
                        cert["token"])
    bucket = f"{applied['storageBucket']}-{applied['storageAppId']}"
    client.put_object(Bucket=bucket, Body=VIDEO, Key=applied["video"]["storagePath"])
    client.put_object(Bucket=bucket, Body=COVER, Key=applied["cover"]["storagePath"])
    committed = _ugc(host, "CommitUploadUGC", {"signature": signature()["signature"],
                                               "vodSessionKey": applied["vodSessionKey"]})
    return {**committed, "region": applied["storageRegionV5"]}


def pull(gateway) -> httpx.Response:
    """What the timer trigger does every minute."""
    return gateway.post("/_upvend/invoke/tencent-vod-pull", json=TIMER_EVENT, timeout=60)


def test_ugc_upload_is_recorded_by_push(gateway, emulator, login, stack, switch):
    token = login(fresh_user())
    upload = ugc_upload(gateway, stack, token)
    row = wait_for_media(gateway, token, upload["fileId"], status="ready")
    assert (row["provider"], row["kind"], row["title"]) == ("tencent", "video", "river walk")
    assert row["mediaUrl"] == upload["video"]["url"] and row["coverUrl"] == upload["cover"]["url"]
    assert row["size"] == len(VIDEO) and row["region"] == upload["region"]
    wait_idle(emulator)
    pushed = [d for d in deliveries(emulator)["sent"] if upload["fileId"] in d["notice"]]
    assert [d["notice"].split()[1] for d in pushed] == ["NewFileUpload"] and pushed[0]["delivered"]


def test_ugc_upload_with_a_task_flow_goes_processing_then_ready(gateway, emulator, login, stack, switch,
                                                                monkeypatch):
    monkeypatch.setenv("UPVEND_TENCENT_VOD_PROCEDURE", "upvend-transcode")
    switch(eventGapSeconds=1.0)
    token = login(fresh_user())
    upload = ugc_upload(gateway, stack, token)
    assert wait_for_media(gateway, token, upload["fileId"], status="processing", timeout=5)
    row = wait_for_media(gateway, token, upload["fileId"], status="ready")
    assert row["extra"]["transcodes"] == {"100010": upload["video"]["url"].rsplit(".", 1)[0] + ".f100010.mp4"}


def test_ugc_upload_is_recorded_by_pull_mode_with_push_off(gateway, emulator, login, stack, switch):
    switch(tencentVodPush=False)
    token = login(fresh_user())
    upload = ugc_upload(gateway, stack, token)
    wait_idle(emulator)
    assert my_media(gateway, token) == []  # nothing pushed
    answer = pull(gateway)
    assert answer.status_code == 200, answer.text
    summary = answer.json()
    assert summary["status"] == "ok" and summary["recorded"] >= 1 and summary["confirmed"] == summary["pulled"]
    row = wait_for_media(gateway, token, upload["fileId"], status="ready", timeout=1)
    assert row["mediaUrl"] == upload["video"]["url"] and row["title"] == "river walk"
    queued = emulator.get("/_emulator/notices/tencent-vod/events").json()["events"]
    assert upload["fileId"] not in [e["fileId"] for e in queued]
    # A second run finds nothing left: confirmed events are gone.
    again = pull(gateway).json()
    assert again["pulled"] == 0 and again["recorded"] == 0


# Long enough that a loaded machine cannot pass it between two pulls that must see the event held back.
REDELIVERY = 3.0


def test_events_that_failed_to_apply_are_not_confirmed_and_come_back(gateway, emulator, login, stack, switch,
                                                                     monkeypatch):
    switch(tencentVodPush=False)
    token = login(fresh_user())
    pull(gateway)  # drain what earlier tests left (with a window long enough to confirm it all)
    switch(tencentVodPush=False, pullRedeliverySeconds=REDELIVERY)
    upload = ugc_upload(gateway, stack, token)
    wait_idle(emulator)
    with monkeypatch.context() as down:
        down.setenv("UPVEND_DATABASE_URL", "sqlite:////proc/upvend-no-such-dir/upvend.sqlite3")
        failed = pull(gateway)
    assert failed.status_code == 502  # the run fails visibly; the event stays with VOD
    queued = emulator.get("/_emulator/notices/tencent-vod/events").json()["events"]
    assert [e["pulls"] for e in queued if e["fileId"] == upload["fileId"]] == [1]
    assert my_media(gateway, token) == []
    # Handed out but unconfirmed: held back for the redelivery window, then handed out again.
    assert pull(gateway).json()["pulled"] == 0
    time.sleep(REDELIVERY)
    # This time the confirmation fails: applied, but unconfirmed, so it comes back once more.
    arm_fault(emulator, "ConfirmEvents", "InternalError")
    assert pull(gateway).status_code == 502
    row = wait_for_media(gateway, token, upload["fileId"], status="ready", timeout=1)
    time.sleep(REDELIVERY)
    redelivered = pull(gateway).json()
    assert redelivered["status"] == "ok" and redelivered["duplicates"] >= 1
    assert upload["fileId"] not in [e["fileId"] for e in
                                    emulator.get("/_emulator/notices/tencent-vod/events").json()["events"]]
    assert stored(wait_for_media(gateway, token, upload["fileId"], status="ready", timeout=1)) == stored(row)
    assert _events(upload["fileId"]) == ["NewFileUpload"]


@pytest.mark.parametrize("mode", ["push", "pull"])
def test_duplicated_and_reversed_vod_events_leave_the_exact_row(gateway, emulator, login, stack, switch,
                                                                 monkeypatch, mode):
    monkeypatch.setenv("UPVEND_TENCENT_VOD_PROCEDURE", "upvend-transcode")
    switch(duplicates=1, reverse=True, tencentVodPush=mode == "push")
    name = fresh_user()
    token = login(name)
    upload = ugc_upload(gateway, stack, token)
    wait_idle(emulator)
    if mode == "pull":
        assert pull(gateway).json()["status"] == "ok"
    row = wait_for_media(gateway, token, upload["fileId"], status="ready", timeout=2)
    assert row["title"] == "river walk" and row["mediaUrl"] == upload["video"]["url"]
    assert row["coverUrl"] == upload["cover"]["url"] and row["size"] == len(VIDEO)
    assert repo().get("tencent", upload["fileId"]).owner == f"o-{name}"
    assert _events(upload["fileId"]) == ["NewFileUpload", "ProcedureStateChanged"]
    if mode == "push":
        pushed = [d["notice"] for d in deliveries(emulator)["sent"] if upload["fileId"] in d["notice"]]
        assert [p.split()[1] for p in pushed] == ["ProcedureStateChanged"] * 2 + ["NewFileUpload"] * 2


def test_cos_form_post_is_recorded_by_the_cos_trigger(gateway, emulator, login, stack, switch):
    name = fresh_user()
    token = login(name)
    policy = gateway.post("/tencent/cos/post-policy", json={"fileName": "dog.png", "contentType": "image/png", "size": 1048576},
                          headers=bearer(token)).json()
    posted = httpx.post(policy["url"], data=policy["formData"], files={"file": ("dog.png", b"\x89PNG dog", "image/png")},
                        timeout=10)
    assert posted.status_code == 204, posted.text
    media_id = f"{DEV_ACCOUNT.bucket}/{policy['key']}"
    row = wait_for_media(gateway, token, media_id, status="ready")
    assert (row["kind"], row["mimeType"], row["size"], row["objectKey"]) == ("image", "image/png", 8, policy["key"])
    # The event's URL is the bucket's own domain (private: the owner opens the signed playUrl instead).
    assert row["mediaUrl"] == f"http://{DEV_ACCOUNT.bucket}.cos.{DEV_ACCOUNT.region}.myqcloud.com/{policy['key']}"
    wait_idle(emulator)
    assert _events(media_id) == ["cos:ObjectCreated:Post"]


def test_cos_sdk_put_object_is_recorded_by_the_cos_trigger(gateway, emulator, login, stack, switch):
    token = login(fresh_user())
    bucket, key = sts_put(gateway, stack.emulator_url, token, "2024/05/talk.mp4", VIDEO, "video/mp4")
    row = wait_for_media(gateway, token, f"{bucket}/{key}", status="ready")
    assert (row["kind"], row["size"], row["mimeType"], row["bucket"]) == ("video", len(VIDEO), "video/mp4", bucket)
    wait_idle(emulator)
    assert _events(f"{bucket}/{key}") == ["cos:ObjectCreated:Put"]
