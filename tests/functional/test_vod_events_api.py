"""The emulated VOD PullEvents / ConfirmEvents, called with tencentcloud-sdk-python-vod, and the notices switch."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from tencentcloud.common.credential import Credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.vod.v20180717 import models
from tencentcloud.vod.v20180717.vod_client import VodClient

from devtools.emulator.tencent.account import DEV_ACCOUNT
from tests.functional.notices_support import SWITCH, switch  # noqa: F401 (fixture)

APP = DEV_ACCOUNT.vod_sub_app_id


def vod_client(stack, secret_id=DEV_ACCOUNT.role_secret_id, secret_key=DEV_ACCOUNT.role_secret_key,
               token=DEV_ACCOUNT.role_token) -> VodClient:
    http = HttpProfile(protocol="http", endpoint=urlsplit(stack.emulator_url).netloc, reqTimeout=10)
    return VodClient(Credential(secret_id, secret_key, token), "", ClientProfile(httpProfile=http))


def error_code(call) -> str:
    with pytest.raises(TencentCloudSDKException) as raised:
        call()
    return raised.value.get_code()


def test_pull_needs_a_valid_signature_and_a_key_allowed_to_pull(stack):
    assert error_code(lambda: vod_client(stack, secret_key="wrong").call_json("PullEvents", {"SubAppId": APP})) \
        == "AuthFailure.SignatureFailure"
    assert error_code(lambda: vod_client(stack, token="other").call_json("PullEvents", {"SubAppId": APP})) \
        == "AuthFailure.TokenFailure"
    upload_key = vod_client(stack, DEV_ACCOUNT.vod_secret_id, DEV_ACCOUNT.vod_secret_key, None)
    assert error_code(lambda: upload_key.call_json("PullEvents", {"SubAppId": APP})) == "UnauthorizedOperation"
    assert error_code(lambda: vod_client(stack).call_json("PullEvents", {"SubAppId": 42})) \
        == "InvalidParameterValue.SubAppId"


def test_empty_pull_long_polls_then_answers_an_empty_set(stack, switch):
    switch(pullWaitSeconds=0.1)
    answer = vod_client(stack).call_json("PullEvents", {})  # the default application has no uploads here
    assert answer["Response"]["EventSet"] == [] and answer["Response"]["RequestId"]


def test_confirm_refuses_unknown_handles_and_bad_lists(stack):
    client = vod_client(stack)
    request = models.ConfirmEventsRequest()
    request.EventHandles, request.SubAppId = ["never-issued"], APP
    assert error_code(lambda: client.ConfirmEvents(request)) == "InvalidParameterValue.EventHandles"
    request.EventHandles = [f"h{n}" for n in range(17)]
    assert error_code(lambda: client.ConfirmEvents(request)) == "InvalidParameterValue.EventHandles"


def test_switch_refuses_bad_values_and_resets(emulator):
    response = emulator.put(SWITCH, json={"duplicates": -1})
    assert response.status_code == 400 and response.json()["error"]["code"] == "bad_switch"
    assert emulator.put(SWITCH, json={"reverse": True}).json()["reverse"] is True
    assert emulator.delete(SWITCH).json()["reverse"] is False
