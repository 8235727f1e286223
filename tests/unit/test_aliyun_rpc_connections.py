"""Aliyun API calls keep one client, and its connection, per key; a forked process never shares it.

A server counts the TCP connections it accepts. Before clients were kept, each call built a new
AcsClient (its endpoint tables, ~4 ms) and a new connection; a kept client that a forked child
inherited would have both processes reading one socket, each taking the other's answers.
"""

from __future__ import annotations

from typing import Iterator

import pytest

from tests.unit.counting_server import CountingServer, exit_code_in_fork
from upvend import settings
from upvend.aliyun import rpc
from upvend.aliyun.config import Endpoint
from upvend.aliyun.credentials import AliyunCredentials


@pytest.fixture
def vod(monkeypatch: pytest.MonkeyPatch) -> Iterator[CountingServer]:
    monkeypatch.setenv("UPVEND_ALIYUN_REGION", "cn-shanghai")
    settings.reset_cache()
    rpc._CLIENTS.clear()
    with CountingServer({"RequestId": "r", "Video": {"VideoId": "v1", "Status": "Normal"}}) as server:
        yield server
    rpc._CLIENTS.clear()
    settings.reset_cache()


def _video_info() -> object:
    from aliyunsdkvod.request.v20170321.GetVideoInfoRequest import GetVideoInfoRequest

    request = GetVideoInfoRequest()
    request.set_VideoId("v1")
    return request


KEY = AliyunCredentials("STS.bench", "secret", "token-1")


def _call(server: CountingServer, key: AliyunCredentials = KEY) -> dict:
    return rpc.call("VOD", Endpoint.parse(server.url), key, _video_info)


def test_calls_with_one_key_share_one_connection(vod: CountingServer) -> None:
    for _ in range(3):
        assert _call(vod)["Video"]["VideoId"] == "v1"
    assert vod.connections == 1


def test_a_rotated_key_gets_its_own_client(vod: CountingServer) -> None:
    _call(vod)
    _call(vod, AliyunCredentials("STS.bench", "secret", "token-2"))
    assert vod.connections == 2
    for n in range(rpc._CLIENTS.kept + 2):
        _call(vod, AliyunCredentials("STS.bench", "secret", f"token-{n + 3}"))
    assert len(rpc._CLIENTS) == rpc._CLIENTS.kept


def test_a_forked_child_opens_its_own_connection(vod: CountingServer) -> None:
    _call(vod)  # the parent keeps a live connection
    assert exit_code_in_fork(lambda: _call(vod)) == 0  # the child's answer came over a connection of its own
    assert vod.connections == 2
    assert _call(vod)["Video"]["Status"] == "Normal"  # the parent's connection is intact
    assert vod.connections == 2
