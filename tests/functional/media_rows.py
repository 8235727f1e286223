"""Shared pieces of the completion-notice tests: unique names, the media table, database outages."""

from __future__ import annotations

import socket
import time
import uuid

import pytest

from devtools.local_env import DEV_VOD_CALLBACK_KEY
from upvend.notices.aliyun_vod import vod_signature
from upvend.storage.media import MediaRepository


def unique(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:12]}"


def repo() -> MediaRepository:
    """The table the functions write (the stack's UPVEND_DATABASE_URL, in this process)."""
    return MediaRepository()


def vod_headers(url: str, *, ts: int | None = None, key: str = DEV_VOD_CALLBACK_KEY) -> dict[str, str]:
    stamp = str(int(time.time()) if ts is None else ts)
    return {"X-VOD-TIMESTAMP": stamp, "X-VOD-SIGNATURE": vod_signature(url, stamp, key)}


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


UNAVAILABLE_DATABASES = [
    pytest.param(lambda: f"mysql://root@127.0.0.1:{closed_port()}/test", id="mysql-closed-port"),
    pytest.param(lambda: f"postgresql://root@127.0.0.1:{closed_port()}/test", id="postgresql-closed-port"),
    pytest.param(lambda: "sqlite:////proc/upvend-no-such-dir/upvend.sqlite3", id="sqlite-unwritable"),
]
