"""Outbound fetches: typed errors, and no redirects where the URL was allow-listed."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from upvend.errors import UpstreamError


class Redirecting(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802
        self.send_response(302)
        self.send_header("Location", "http://127.0.0.1:9/elsewhere.pem")
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


def test_an_allow_listed_fetch_does_not_follow_redirects():
    from upvend.outbound import get_bytes

    server = HTTPServer(("127.0.0.1", 0), Redirecting)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
    try:
        with pytest.raises(UpstreamError, match="HTTP 302"):
            get_bytes(f"http://127.0.0.1:{server.server_port}/key.pem", service="OSS public key", timeout=2,
                      follow_redirects=False)
    finally:
        server.shutdown()
        server.server_close()
