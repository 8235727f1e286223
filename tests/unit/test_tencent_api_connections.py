"""Tencent API calls keep one SDK client, and its connection, per key; a forked process never shares it.

A server counts the TCP connections it accepts. Before, every call built a new client, whose new HTTP
session opened a new connection (on the cloud, a TLS handshake per DescribeMediaInfos).
"""

from __future__ import annotations

from typing import Iterator

import pytest

from tests.unit.counting_server import CountingServer, exit_code_in_fork
from upvend import settings
from upvend.tencent import api
from upvend.tencent.config import RoleCredentials

VOD = "tencentcloud.vod.v20180717.vod_client.VodClient"
KEY = RoleCredentials("AKIDbench", "secret", "token-1")


@pytest.fixture
def vod(monkeypatch: pytest.MonkeyPatch) -> Iterator[CountingServer]:
    api._CLIENTS.clear()
    with CountingServer({"Response": {"MediaInfoSet": [], "NotExistFileIdSet": ["1"], "RequestId": "r"}}) as server:
        monkeypatch.setenv("UPVEND_TENCENT_VOD_API_ENDPOINT", server.url)
        settings.reset_cache()
        yield server
    api._CLIENTS.clear()
    settings.reset_cache()


def _describe(credentials: RoleCredentials = KEY) -> object:
    from tencentcloud.vod.v20180717 import models

    request = models.DescribeMediaInfosRequest()
    request.FileIds = ["1"]
    return api.sdk_client(VOD, "TENCENT_VOD_API_ENDPOINT", credentials, "ap-guangzhou").DescribeMediaInfos(request)


def test_calls_with_one_key_share_one_connection(vod: CountingServer) -> None:
    for _ in range(3):
        assert _describe().NotExistFileIdSet == ["1"]
    assert vod.connections == 1


def test_a_rotated_key_gets_its_own_client(vod: CountingServer) -> None:
    _describe()
    _describe(RoleCredentials("AKIDbench", "secret", "token-2"))
    assert vod.connections == 2
    for n in range(api._CLIENTS.kept + 2):
        _describe(RoleCredentials("AKIDbench", "secret", f"token-{n + 3}"))
    assert len(api._CLIENTS) == api._CLIENTS.kept


def test_a_forked_child_opens_its_own_connection(vod: CountingServer) -> None:
    _describe()
    assert exit_code_in_fork(_describe) == 0
    assert vod.connections == 2
    assert _describe().NotExistFileIdSet == ["1"]
    assert vod.connections == 2
