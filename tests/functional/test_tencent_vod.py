"""POST /tencent/vod/signature, a vod-wx-sdk-v2 style upload against the emulator, and signature explain."""

from __future__ import annotations

import base64
import time
from datetime import datetime, timezone
from urllib.parse import parse_qsl

import httpx
import pytest

from devtools.cli import main as cli_main
from devtools.emulator.tencent.account import DEV_ACCOUNT
from tests.conftest import bearer
from tests.functional.tencent_support import cos_client, fresh_user
from upvend.tencent.vod_signature import sign_original

ROUTE = "/tencent/vod/signature"


def get_signature(gateway, token) -> dict:
    response = gateway.post(ROUTE, json={}, headers=bearer(token))
    assert response.status_code == 200, response.text
    return response.json()


def ugc(host: str, action: str, body: dict) -> dict:
    response = httpx.post(f"{host}/v3/index.php?Action={action}", json=body, timeout=10)
    assert response.status_code == 200
    return response.json()


def signed_params(signature: str) -> list[tuple[str, str]]:
    return parse_qsl(base64.b64decode(signature)[20:].decode())


def test_signature_carries_the_server_settings_and_the_caller(gateway, login):
    name = fresh_user()
    before = int(time.time())
    answer = get_signature(gateway, login(name))
    assert set(answer) == {"signature", "expiresAt", "ugcHost"}
    params = signed_params(answer["signature"])
    assert [k for k, _ in params][:4] == ["secretId", "currentTimeStamp", "expireTime", "random"]
    values = dict(params)
    assert values["secretId"] == DEV_ACCOUNT.vod_secret_id
    assert int(values["expireTime"]) - int(values["currentTimeStamp"]) == 600
    assert before <= int(values["currentTimeStamp"]) <= time.time()
    assert 0 <= int(values["random"]) <= 2**32 - 1
    assert values["sourceContext"] == f"o-{name}"
    assert values["oneTimeValid"] == "1"
    assert values["vodSubAppId"] == str(DEV_ACCOUNT.vod_sub_app_id)
    assert values["storageRegion"] == DEV_ACCOUNT.vod_storage_region
    expires = datetime.strptime(answer["expiresAt"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    assert int(expires.timestamp()) == int(values["expireTime"])
    assert DEV_ACCOUNT.vod_secret_key not in answer["signature"]
    randoms = {dict(signed_params(get_signature(gateway, login(name))["signature"]))["random"] for _ in range(5)}
    assert len(randoms) == 5


def test_configured_procedure_class_and_validity(gateway, login, monkeypatch):
    token = login(fresh_user())
    monkeypatch.setenv("UPVEND_TENCENT_VOD_PROCEDURE", "upvend-transcode")
    monkeypatch.setenv("UPVEND_TENCENT_VOD_CLASS_ID", "7")
    monkeypatch.setenv("UPVEND_TENCENT_VOD_SIGNATURE_SECONDS", "7200")
    values = dict(signed_params(get_signature(gateway, token)["signature"]))
    assert values["procedure"] == "upvend-transcode" and values["classId"] == "7"
    assert int(values["expireTime"]) - int(values["currentTimeStamp"]) == 7200


def test_validity_above_90_days_is_a_configuration_error(gateway, login, monkeypatch):
    token = login(fresh_user())
    monkeypatch.setenv("UPVEND_TENCENT_VOD_SIGNATURE_SECONDS", str(7_776_001))
    response = gateway.post(ROUTE, json={}, headers=bearer(token))
    assert response.status_code == 500
    assert "UPVEND_TENCENT_VOD_SIGNATURE_SECONDS" in response.json()["error"]["message"]


def test_missing_vod_key_is_a_configuration_error(gateway, login, monkeypatch):
    token = login(fresh_user())
    monkeypatch.delenv("UPVEND_TENCENT_VOD_SECRET_KEY")
    response = gateway.post(ROUTE, json={}, headers=bearer(token))
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "setting_missing"


def test_unauthenticated_is_401(gateway):
    assert gateway.post(ROUTE, json={}).status_code == 401


@pytest.mark.parametrize("payload", [{"sourceContext": "o-victim"}, {"procedure": "x"}, {"expireTime": 1}, [1]])
def test_client_cannot_set_signed_parameters(gateway, login, payload):
    response = gateway.post(ROUTE, json=payload, headers=bearer(login("erin")))
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"


def test_vod_wx_sdk_upload_flow_ends_with_a_file_id(gateway, stack, login):
    name = fresh_user()
    token = login(name)
    first = get_signature(gateway, token)
    host = first["ugcHost"]
    applied = ugc(host, "ApplyUploadUGC", {"signature": first["signature"], "videoName": "holiday",
                                           "videoType": "mp4", "coverName": "holiday", "coverType": "jpg"})
    assert applied["code"] == 0, applied
    data = applied["data"]
    cert = data["tempCertificate"]
    bucket = f"{data['storageBucket']}-{data['storageAppId']}"
    client = cos_client(stack.emulator_url, data["storageRegionV5"], cert["secretId"], cert["secretKey"],
                        cert["token"])
    client.put_object(Bucket=bucket, Body=b"\x00\x00\x00\x18ftypmp42", Key=data["video"]["storagePath"])
    client.put_object(Bucket=bucket, Body=b"\xff\xd8cover", Key=data["cover"]["storagePath"])
    # The temporary certificate writes only the paths it was issued for.
    from qcloud_cos.cos_exception import CosServiceError
    with pytest.raises(CosServiceError) as refused:
        client.put_object(Bucket=bucket, Body=b"x", Key=data["video"]["storagePath"] + ".other")
    assert refused.value.get_status_code() == 403

    seen = []
    stack.emulator.on_upload(seen.append)
    try:
        committed = ugc(host, "CommitUploadUGC", {"signature": get_signature(gateway, token)["signature"],
                                                  "vodSessionKey": data["vodSessionKey"]})
    finally:
        stack.emulator.upload_listeners.remove(seen.append)
    assert committed["code"] == 0, committed
    file_id = committed["data"]["fileId"]
    assert file_id.isdigit()
    assert committed["data"]["video"]["url"].endswith(data["video"]["storagePath"])
    assert committed["data"]["cover"]["url"].endswith(data["cover"]["storagePath"])
    event, = seen
    assert (event.provider, event.service, event.operation) == ("tencent", "vod", "CommitUploadUGC")
    assert event.details["fileId"] == file_id and event.details["sourceContext"] == f"o-{name}"
    assert event.details["mediaName"] == "holiday" and event.details["mediaType"] == "mp4"


def test_commit_before_the_media_is_stored_is_refused(gateway, login):
    token = login(fresh_user())
    first = get_signature(gateway, token)
    data = ugc(first["ugcHost"], "ApplyUploadUGC", {"signature": first["signature"], "videoType": "mp4"})["data"]
    committed = ugc(first["ugcHost"], "CommitUploadUGC", {"signature": get_signature(gateway, token)["signature"],
                                                          "vodSessionKey": data["vodSessionKey"]})
    assert committed["code"] != 0 and "not uploaded" in committed["message"]


def test_tampered_signature_is_refused(gateway, login):
    answer = get_signature(gateway, login(fresh_user()))
    raw = base64.b64decode(answer["signature"])
    tampered = base64.b64encode(raw.replace(b"sourceContext=o-", b"sourceContext=x-")).decode()
    refused = ugc(answer["ugcHost"], "ApplyUploadUGC", {"signature": tampered, "videoType": "mp4"})
    assert refused["code"] != 0 and "HMAC" in refused["message"]


def test_expired_signature_is_refused(gateway, login, monkeypatch):
    token = login(fresh_user())
    monkeypatch.setenv("UPVEND_TENCENT_VOD_SIGNATURE_SECONDS", "1")
    answer = get_signature(gateway, token)
    time.sleep(2.1)
    refused = ugc(answer["ugcHost"], "ApplyUploadUGC", {"signature": answer["signature"], "videoType": "mp4"})
    assert refused["code"] != 0 and "expired" in refused["message"]


def test_reused_one_time_signature_is_refused(gateway, login):
    answer = get_signature(gateway, login(fresh_user()))
    assert ugc(answer["ugcHost"], "ApplyUploadUGC", {"signature": answer["signature"], "videoType": "mp4"})["code"] == 0
    again = ugc(answer["ugcHost"], "ApplyUploadUGC", {"signature": answer["signature"], "videoType": "mp4"})
    assert again["code"] != 0 and "already used" in again["message"]


def test_reusable_signature_when_one_time_validity_is_off(gateway, login, monkeypatch):
    token = login(fresh_user())
    monkeypatch.setenv("UPVEND_TENCENT_VOD_ONE_TIME_VALID", "0")
    answer = get_signature(gateway, token)
    assert "oneTimeValid" not in dict(signed_params(answer["signature"]))
    for _ in range(2):
        assert ugc(answer["ugcHost"], "ApplyUploadUGC",
                   {"signature": answer["signature"], "videoType": "mp4"})["code"] == 0


# -- upvend explain -------------------------------------------------------------
def run_cli(capsys, *args) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exited:
        cli_main(list(args))
    return exited.value.code, capsys.readouterr().out


def test_cli_explains_a_signature_from_the_route(gateway, login, capsys):
    name = fresh_user()
    answer = get_signature(gateway, login(name))
    code, out = run_cli(capsys, "explain", answer["signature"], "--key", DEV_ACCOUNT.vod_secret_key)
    assert code == 0, out
    for field in ("secretId", "currentTimeStamp", "expireTime", "random", "sourceContext", "oneTimeValid",
                  "vodSubAppId", "storageRegion"):
        assert field in out
    assert f"o-{name}" in out and "HMAC: match" in out and "No problems found." in out


def test_cli_says_the_hmac_does_not_match_on_a_tampered_signature(gateway, login, capsys):
    answer = get_signature(gateway, login(fresh_user()))
    raw = base64.b64decode(answer["signature"])
    tampered = base64.b64encode(raw.replace(b"oneTimeValid=1", b"oneTimeValid=0")).decode()
    code, out = run_cli(capsys, "explain", tampered, "--key", DEV_ACCOUNT.vod_secret_key)
    assert code == 1
    assert "HMAC: mismatch" in out and "HMAC does not match" in out


def test_cli_reports_malformed_input(capsys):
    code, out = run_cli(capsys, "explain", "not base64!!")
    assert code == 1 and "malformed" in out


def test_explain_route_checks_with_the_server_key(gateway, login):
    token = login(fresh_user())
    answer = get_signature(gateway, token)
    good = gateway.post("/tencent/vod/signature/explain", json={"signature": answer["signature"]},
                        headers=bearer(token)).json()
    assert good["ok"] and good["hmac"] == "match"
    assert [f["name"] for f in good["fields"]][:4] == ["secretId", "currentTimeStamp", "expireTime", "random"]
    raw = base64.b64decode(answer["signature"])
    bad = gateway.post("/tencent/vod/signature/explain",
                       json={"signature": base64.b64encode(raw[:-1] + b"0").decode()}, headers=bearer(token)).json()
    assert not bad["ok"] and bad["hmac"] == "mismatch"
    assert gateway.post("/tencent/vod/signature/explain", json={"signature": "x"}).status_code == 401


def test_explain_reports_times_outside_the_calendar_instead_of_failing(gateway, login, capsys):
    token = login(fresh_user())
    for current, expire, field in (("1", "99999999999999999999", "expireTime"),
                                   ("-99999999999999", "1", "currentTimeStamp")):
        original = (f"secretId={DEV_ACCOUNT.vod_secret_id}&currentTimeStamp={current}&expireTime={expire}"
                    "&random=7")
        signature = sign_original(original, DEV_ACCOUNT.vod_secret_key)
        response = gateway.post("/tencent/vod/signature/explain", json={"signature": signature},
                                headers=bearer(token))
        assert response.status_code == 200, response.text
        answer = response.json()
        assert not answer["ok"] and answer["hmac"] == "match"
        assert any(p.startswith(f"{field}: not a valid Unix time") for p in answer["problems"]), answer
        code, out = run_cli(capsys, "explain", signature, "--key", DEV_ACCOUNT.vod_secret_key)
        assert code == 1 and f"{field}: not a valid Unix time" in out and "HMAC: match" in out


def test_cli_does_not_pass_a_correctly_signed_signature_with_a_malformed_time(capsys):
    now = int(time.time())
    original = f"secretId={DEV_ACCOUNT.vod_secret_id}&currentTimeStamp=abc&expireTime={now + 600}&random=7"
    code, out = run_cli(capsys, "explain", sign_original(original, DEV_ACCOUNT.vod_secret_key),
                        "--key", DEV_ACCOUNT.vod_secret_key)
    assert code == 1, out
    assert "HMAC: match" in out and "currentTimeStamp: not a plain integer" in out
    assert "No problems found." not in out
