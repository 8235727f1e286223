"""Tencent API calls keep one SDK client, and its connection, per key; a forked process never shares it.

A server counts the TCP connections it accepts. Before, every call built a new client, whose new HTTP
session opened a new connection (on the cloud, a TLS handshake per DescribeMediaInfos).
"""

from __future__ import annotations

import json
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator

import pytest

from upvend import settings
from upvend.tencent import api
from upvend.tencent.config import RoleCredentials

VOD = "tencentcloud.vod.v20180717.vod_client.VodClient"


class _TencentAnswers(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    connections = 0
    lock = threading.Lock()

    def setup(self) -> None:
        super().setup()
        with _TencentAnswers.lock:
            _TencentAnswers.connections += 1

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        body = json.dumps({"Response": {"MediaInfoSet": [], "NotExistFileIdSet": ["1"],
                                        "RequestId": "r"}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def vod(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    _TencentAnswers.connections = 0
    server = ThreadingHTTPServer(("127.0.0.1", 0), _TencentAnswers)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("UPVEND_TENCENT_VOD_API_ENDPOINT", f"http://127.0.0.1:{server.server_address[1]}")
    settings.reset_cache()
    api._CLIENTS.clear()
    try:
        yield
    finally:
        api._CLIENTS.clear()
        settings.reset_cache()
        server.shutdown()
        server.server_close()


KEY = RoleCredentials("AKIDbench", "secret", "token-1")


def _describe(credentials: RoleCredentials = KEY) -> object:
    from tencentcloud.vod.v20180717 import models

    request = models.DescribeMediaInfosRequest()
    request.FileIds = ["1"]
    return api.sdk_client(VOD, "TENCENT_VOD_API_ENDPOINT", credentials, "ap-guangzhou").DescribeMediaInfos(request)


def test_calls_with_one_key_share_one_connection(vod: None) -> None:
    for _ in range(3):
        assert _describe().NotExistFileIdSet == ["1"]
    assert _TencentAnswers.connections == 1


def test_a_rotated_key_gets_its_own_client(vod: None) -> None:
    _describe()
    _describe(RoleCredentials("AKIDbench", "secret", "token-2"))
    assert _TencentAnswers.connections == 2
    for n in range(api._CLIENTS_KEPT + 2):
        _describe(RoleCredentials("AKIDbench", "secret", f"token-{n + 3}"))
    assert len(api._CLIENTS) == api._CLIENTS_KEPT


def test_a_forked_child_opens_its_own_connection(vod: None) -> None:
    _describe()
    pid = os.fork()
    if pid == 0:
        try:
            _describe()
            os._exit(0)
        except BaseException:
            os._exit(1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert _TencentAnswers.connections == 2
    assert _describe().NotExistFileIdSet == ["1"]
    assert _TencentAnswers.connections == 2
