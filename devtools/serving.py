"""Run an ASGI app with uvicorn on a background thread, on a socket bound before start."""

from __future__ import annotations

import socket
import threading
import time
from typing import Any

import uvicorn


# How long the emulated clouds keep an idle connection. The functions keep theirs to the cloud APIs between
# calls; a server that closes sooner (uvicorn's default is 5 s) races them: a request sent as the server
# closes fails. Cloud API front ends keep idle connections far longer.
CLOUD_IDLE_SECONDS = 75


def bind(host: str = "127.0.0.1", port: int = 0) -> socket.socket:
    """Bind a listening socket now, so the port is known and kept before the server starts."""
    # Without TCP_NODELAY a response written in two parts (headers, body) waits out the client's delayed ACK
    # (~40 ms) on every kept-alive connection. asyncio sets it only on sockets whose proto says TCP (0 here
    # before), so it is set on the listening socket, which Linux copies to each accepted one.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host, port))
    sock.listen(128)
    return sock


class ServerThread:
    """uvicorn serving `app` on `sock` in a daemon thread."""

    def __init__(self, app: Any, sock: socket.socket, log_level: str = "warning", **options: Any) -> None:
        """`options` go to uvicorn.Config as they are (e.g. ssl_certfile / ssl_keyfile for HTTPS)."""
        self.sock = sock
        self.host, self.port = sock.getsockname()[:2]
        self.server = uvicorn.Server(uvicorn.Config(app, log_level=log_level, lifespan="off",
                                                    access_log=False, timeout_graceful_shutdown=2, **options))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [sock]}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self, timeout: float = 10.0) -> "ServerThread":
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError(f"server on {self.url} did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=5)
        self.sock.close()
