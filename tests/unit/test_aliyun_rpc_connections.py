"""Aliyun API calls keep one client, and its connection, per key; a forked process never shares it.

A server counts the TCP connections it accepts. Before clients were kept, each call built a new
AcsClient (its endpoint tables, ~4 ms) and a new connection; a kept client that a forked child
inherited would have both processes reading one socket, each taking the other's answers.
"""

from __future__ import annotations

import json
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator

import pytest

from upvend import settings
from upvend.aliyun import rpc
from upvend.aliyun.config import Endpoint
from upvend.aliyun.credentials import AliyunCredentials


class _VodAnswers(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as VOD's front end
    connections = 0
    lock = threading.Lock()

    def setup(self) -> None:
        super().setup()
        with _VodAnswers.lock:
            _VodAnswers.connections += 1

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        body = json.dumps({"RequestId": "r", "Video": {"VideoId": "v1", "Status": "Normal",
                                                       "Pid": os.getpid()}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_GET

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def vod(monkeypatch: pytest.MonkeyPatch) -> Iterator[Endpoint]:
    monkeypatch.setenv("UPVEND_ALIYUN_REGION", "cn-shanghai")
    settings.reset_cache()
    _VodAnswers.connections = 0
    server = ThreadingHTTPServer(("127.0.0.1", 0), _VodAnswers)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    rpc._CLIENTS.clear()
    try:
        yield Endpoint("http", f"127.0.0.1:{server.server_address[1]}")
    finally:
        rpc._CLIENTS.clear()
        settings.reset_cache()
        server.shutdown()
        server.server_close()


def _video_info() -> object:
    from aliyunsdkvod.request.v20170321.GetVideoInfoRequest import GetVideoInfoRequest

    request = GetVideoInfoRequest()
    request.set_VideoId("v1")
    return request


KEY = AliyunCredentials("STS.bench", "secret", "token-1")


def test_calls_with_one_key_share_one_connection(vod: Endpoint) -> None:
    for _ in range(3):
        assert rpc.call("VOD", vod, KEY, _video_info)["Video"]["VideoId"] == "v1"
    assert _VodAnswers.connections == 1


def test_a_rotated_key_gets_its_own_client(vod: Endpoint) -> None:
    rpc.call("VOD", vod, KEY, _video_info)
    rpc.call("VOD", vod, AliyunCredentials("STS.bench", "secret", "token-2"), _video_info)
    assert _VodAnswers.connections == 2
    for n in range(rpc._CLIENTS_KEPT + 2):
        rpc.call("VOD", vod, AliyunCredentials("STS.bench", "secret", f"token-{n + 3}"), _video_info)
    assert len(rpc._CLIENTS) == rpc._CLIENTS_KEPT


def test_a_forked_child_opens_its_own_connection(vod: Endpoint) -> None:
    rpc.call("VOD", vod, KEY, _video_info)  # the parent keeps a live connection
    pid = os.fork()
    if pid == 0:  # the child: its answer must come over a connection of its own
        try:
            rpc.call("VOD", vod, KEY, _video_info)
            os._exit(0)
        except BaseException:
            os._exit(1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert _VodAnswers.connections == 2
    assert rpc.call("VOD", vod, KEY, _video_info)["Video"]["Status"] == "Normal"  # the parent's is intact
    assert _VodAnswers.connections == 2
