"""HeadObject's header signature V1 as the official oss2 SDK computes it."""

from __future__ import annotations

import oss2
import pytest
from oss2.http import Request as OssRequest

from upvend.aliyun.credentials import AliyunCredentials
from upvend.aliyun.oss_head import object_url, v1_authorization


@pytest.mark.parametrize("key", ["uploads/o-alice/2024/05/a.jpg", "uploads/o-a b/x+y%.mp4"])
@pytest.mark.parametrize("token", [None, "CAIS-token"])
def test_signature_is_the_one_oss2_sends(key, token):
    request = OssRequest("HEAD", "http://127.0.0.1:9/bkt/x")
    auth = oss2.StsAuth("STS.id", "secret", token) if token else oss2.Auth("LTAIid", "secret")
    auth._sign_request(request, "bkt", key)
    headers = {"Date": request.headers["date"]}
    if token:
        headers["x-oss-security-token"] = token
    ours = v1_authorization(AliyunCredentials("STS.id" if token else "LTAIid", "secret", token), "HEAD", "bkt", key,
                            headers)
    assert ours == request.headers["authorization"]


def test_object_url_is_path_style_for_an_ip_endpoint(monkeypatch):
    monkeypatch.setenv("UPVEND_ALIYUN_REGION", "cn-shanghai")
    monkeypatch.setenv("UPVEND_ALIYUN_OSS_ENDPOINT", "http://127.0.0.1:9")
    assert object_url("bkt", "uploads/o-a b/x.jpg") == "http://127.0.0.1:9/bkt/uploads/o-a%20b/x.jpg"
    monkeypatch.setenv("UPVEND_ALIYUN_OSS_ENDPOINT", "https://oss-cn-shanghai.aliyuncs.com")
    assert object_url("bkt", "a.jpg") == "https://bkt.oss-cn-shanghai.aliyuncs.com/a.jpg"
