"""Fixtures shared by the whole suite: the local stack on free ports, and a logged-in client."""

from __future__ import annotations

import os
from typing import Callable, Iterator

import httpx
import pytest

from devtools.loopback_names import resolve_localhost_names
from devtools.stack import LocalStack
from tests.log_audit import LineRecorder, SecretBook, harvesting_answers, leaks

IN_CI = os.environ.get("CI", "").lower() == "true"
# The stack hands out host-style names under localhost (devtools.emulator.hosts); test clients resolve them
# to loopback as browsers do.
resolve_localhost_names()


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    """The emulator and the gateway, started once, functions running in this process."""
    saved = dict(os.environ)
    running = LocalStack(tmp_path_factory.mktemp("stack")).start()
    try:
        yield running
    finally:
        running.stop()
        os.environ.clear()
        os.environ.update(saved)


@pytest.fixture
def gateway(stack: LocalStack) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=stack.gateway_url, timeout=15) as client:
        yield client


@pytest.fixture
def emulator(stack: LocalStack) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=stack.emulator_url, timeout=15) as client:
        yield client


@pytest.fixture
def login(gateway: httpx.Client) -> Callable[..., str]:
    """Log in through /auth/wechat as `o-<name>` and return the session token."""

    def _login(name: str = "alice", provider: str | None = None) -> str:
        headers = {"X-Upvend-Provider": provider} if provider else {}
        response = gateway.post("/auth/wechat", json={"code": f"test-{name}"}, headers=headers)
        assert response.status_code == 200, response.text
        return response.json()["token"]

    return _login


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="session", autouse=True)
def log_audit() -> Iterator[SecretBook]:
    """Record every log line of the run; at the end, no known secret or issued credential may appear in one."""
    import logging

    from devtools.emulator.aliyun.config import ALIYUN_DEV
    from devtools.emulator.config import EmulatorConfig
    from devtools.emulator.tencent.account import DEV_ACCOUNT
    from devtools.local_env import DEV_JWT_SECRET, DEV_TENCENT_VOD_CALLBACK_TOKEN, DEV_VOD_CALLBACK_KEY

    book, recorder = SecretBook(), LineRecorder()
    book.add([DEV_JWT_SECRET, DEV_TENCENT_VOD_CALLBACK_TOKEN, DEV_VOD_CALLBACK_KEY, EmulatorConfig.wechat_secret,
              ALIYUN_DEV.function_key_secret, ALIYUN_DEV.function_token, DEV_ACCOUNT.role_secret_key,
              DEV_ACCOUNT.role_token, DEV_ACCOUNT.vod_secret_key])
    logging.getLogger().addHandler(recorder)
    try:
        with harvesting_answers(book):
            yield book
    finally:
        logging.getLogger().removeHandler(recorder)
    found = leaks(recorder.lines, book.values)
    assert not found, "secrets in log lines:\n" + "\n".join(found[:20])
