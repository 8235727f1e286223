"""The mini-program client (miniprogram/upvend) under a wx shim in Node, against the local stack."""

from __future__ import annotations

import time

import pytest

from tests.clients.node_runner import CLIENTS, run_node_tests
from tests.functional.notices_support import switch  # noqa: F401 (fixture)

TESTS = CLIENTS / "miniprogram"


@pytest.fixture
def node_env(stack, switch) -> dict[str, str]:
    from upvend.auth import issue_token
    from upvend import settings

    expired, _ = issue_token("o-expired", now=time.time() - 2 * settings.get("JWT_TTL_SECONDS"))
    return {"UPVEND_GATEWAY_URL": stack.gateway_url, "UPVEND_EMULATOR_URL": stack.emulator_url,
            "UPVEND_EXPIRED_TOKEN": expired}


def test_form_upload_paths_cancel_renewal_and_refusals(node_env):
    run_node_tests(TESTS / "upload_paths.test.js", node_env)


def test_pages_render_signed_out_uploading_done_and_error(node_env):
    run_node_tests(TESTS / "pages.test.js", node_env)


def test_sdk_paths_vod_wx_sdk_v2_and_cos_wx_sdk_v5(node_env):
    run_node_tests(TESTS / "sdk_paths.test.js", node_env)
