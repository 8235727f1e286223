"""Host-style names under localhost: what the local stack hands out reaches the right bucket by Host alone."""

from __future__ import annotations

import socket

import httpx
import pytest

from devtools.emulator.aliyun.config import ALIYUN_DEV, local_oss_endpoint
from devtools.emulator.hosts import local_name_url, name_under
from devtools.emulator.tencent.account import DEV_ACCOUNT
from devtools.loopback_names import is_localhost_name


def test_names_are_built_and_read_back():
    assert local_name_url("http://127.0.0.1:8001", "oss-cn-shanghai") == "http://oss-cn-shanghai.localhost:8001"
    assert name_under("bkt.oss-cn-shanghai.localhost", ("aliyuncs.com", "localhost")) == "bkt.oss-cn-shanghai"
    assert name_under("bkt.oss-cn-shanghai.aliyuncs.com", ("aliyuncs.com", "localhost")) == "bkt.oss-cn-shanghai"
    assert name_under("localhost", ("localhost",)) is None
    assert name_under("evil-localhost", ("localhost",)) is None


def test_the_test_process_resolves_localhost_names_to_loopback():
    assert is_localhost_name("a.b.localhost") and is_localhost_name(b"x.localhost.")
    assert not is_localhost_name("localhost.example.com")
    addresses = {info[4][0] for info in socket.getaddrinfo("upvend-dev.oss-cn-shanghai.localhost", 80)}
    assert addresses == {"127.0.0.1"}


def _put_anonymously(url: str) -> httpx.Response:
    return httpx.put(url, content=b"x", timeout=10)


@pytest.mark.parametrize("bucket", [ALIYUN_DEV.oss_bucket, ALIYUN_DEV.vod_bucket])
def test_oss_bucket_hosts_reach_the_bucket_named_in_the_host(stack, bucket):
    """No bucket in the path: only the Host says which bucket (anonymous writes are refused by that bucket)."""
    host_style = local_oss_endpoint(stack.emulator_url).replace("//", f"//{bucket}.")
    answer = _put_anonymously(f"{host_style}/some/key.txt")
    assert answer.status_code == 403 and "<Code>AccessDenied</Code>" in answer.text
    missing = _put_anonymously(local_oss_endpoint(stack.emulator_url).replace("//", "//nobucket.") + "/k")
    assert missing.status_code == 404 and "<Code>NoSuchBucket</Code>" in missing.text


def test_cos_bucket_host_reaches_the_cos_bucket(stack):
    host_style = local_name_url(stack.emulator_url, f"{DEV_ACCOUNT.bucket}.cos.{DEV_ACCOUNT.region}")
    answer = httpx.get(f"{host_style}/no/such/object.txt", timeout=10)
    # COS's own answer (the bucket is private, so an unsigned read is refused), not "nothing emulated here".
    assert answer.status_code == 403 and "<Code>AccessDenied</Code>" in answer.text
    assert "<Resource>/no/such/object.txt</Resource>" in answer.text


def test_the_stack_hands_out_host_style_endpoints(stack):
    assert stack.settings["UPVEND_ALIYUN_OSS_ENDPOINT"] == local_oss_endpoint(stack.emulator_url)
    assert stack.settings["UPVEND_TENCENT_COS_HOST"] == local_name_url(
        stack.emulator_url, f"{DEV_ACCOUNT.bucket}.cos.{DEV_ACCOUNT.region}")
    assert stack.settings["UPVEND_TENCENT_VOD_UGC_HOST"] == local_name_url(stack.emulator_url, "vod2")
