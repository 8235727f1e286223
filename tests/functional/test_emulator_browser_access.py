"""What browsers need from the emulated storage: bucket CORS for the pages' origin, and signed GETs (buckets are private)."""

from __future__ import annotations

import uuid

import pytest

from devtools.emulator.aliyun.config import ALIYUN_DEV
from devtools.emulator.tencent.account import DEV_ACCOUNT
from upvend.playback.media_links import links_for
from upvend.storage.media import MediaRecord

OSS_BUCKET, COS_BUCKET = ALIYUN_DEV.oss_bucket, DEV_ACCOUNT.bucket
BROWSER_URLS = [f"/{OSS_BUCKET}/uploads/o-x/a.png", f"/{COS_BUCKET}/uploads/o-x/a.png",
                "/v3/index.php?Action=ApplyUploadUGC"]


def preflight(emulator, url: str, origin: str, method: str = "PUT"):
    return emulator.options(url, headers={"Origin": origin, "Access-Control-Request-Method": method,
                                          "Access-Control-Request-Headers": "authorization,content-type,x-oss-date"})


@pytest.mark.parametrize("url", BROWSER_URLS)
def test_preflight_from_the_pages_origin_is_allowed(emulator, stack, url):
    response = preflight(emulator, url, stack.gateway_url)
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == stack.gateway_url
    assert "PUT" in response.headers["access-control-allow-methods"]
    assert response.headers["access-control-allow-headers"] == "authorization,content-type,x-oss-date"
    assert "ETag" in response.headers["access-control-expose-headers"]


def test_the_localhost_name_of_the_gateway_is_the_same_origin_rule(emulator, stack):
    twin = stack.gateway_url.replace("127.0.0.1", "localhost")
    assert preflight(emulator, BROWSER_URLS[0], twin).status_code == 200


@pytest.mark.parametrize("url", BROWSER_URLS)
def test_preflight_from_another_origin_is_refused_like_oss(emulator, url):
    response = preflight(emulator, url, "https://evil.example")
    assert response.status_code == 403
    assert "<Code>AccessForbidden</Code>" in response.text
    assert "access-control-allow-origin" not in response.headers


def test_a_method_outside_the_rule_is_refused(emulator, stack):
    assert preflight(emulator, BROWSER_URLS[0], stack.gateway_url, method="PATCH").status_code == 403


def test_server_to_server_apis_get_no_cors(emulator, stack):
    response = emulator.post("/", data={"Action": "AssumeRole"}, headers={"Origin": stack.gateway_url})
    assert "access-control-allow-origin" not in response.headers
    assert emulator.get("/_emulator/health", headers={"Origin": stack.gateway_url}).headers.get(
        "access-control-allow-origin") is None


def signed_url(bucket: str, key: str) -> str:
    """The URL GET /media would give the owner of this object (host-style, as the stack's endpoints are)."""
    provider = "aliyun" if bucket == OSS_BUCKET else "tencent"
    record = MediaRecord(provider=provider, media_id=f"{bucket}/{key}", kind="image", status="ready",
                         bucket=bucket, object_key=key)
    url = links_for(record).play_url
    assert url, "the local stack signs object URLs with the function role's key"
    return url


@pytest.mark.parametrize("bucket,request_id", [(OSS_BUCKET, "x-oss-request-id"), (COS_BUCKET, "x-cos-request-id")])
def test_stored_objects_are_served_back_with_cors_for_the_pages(emulator, stack, bucket, request_id):
    key = f"uploads/o-reader/2026/01/{uuid.uuid4().hex}.png"
    stored = stack.emulator.store.put(bucket, key, b"\x89PNG fake", "image/png")
    response = emulator.get(signed_url(bucket, key), headers={"Origin": stack.gateway_url})
    assert response.status_code == 200
    assert response.content == b"\x89PNG fake"
    assert response.headers["content-type"] == "image/png"
    assert response.headers["etag"] == f'"{stored.etag}"'
    assert request_id in response.headers
    assert response.headers["access-control-allow-origin"] == stack.gateway_url
    other = emulator.get(signed_url(bucket, key), headers={"Origin": "https://evil.example"})
    assert other.status_code == 200 and "access-control-allow-origin" not in other.headers


@pytest.mark.parametrize("bucket", [OSS_BUCKET, COS_BUCKET])
def test_unsigned_reads_are_refused(emulator, stack, bucket):
    key = f"uploads/o-reader/2026/01/{uuid.uuid4().hex}.png"
    stack.emulator.store.put(bucket, key, b"\x89PNG fake", "image/png")
    for method in ("GET", "HEAD"):
        response = emulator.request(method, f"/{bucket}/{key}")
        assert response.status_code == 403
    assert "<Code>AccessDenied</Code>" in emulator.get(f"/{bucket}/{key}").text


@pytest.mark.parametrize("bucket", [OSS_BUCKET, COS_BUCKET])
def test_a_missing_object_is_no_such_key(emulator, bucket):
    response = emulator.get(signed_url(bucket, "uploads/o-reader/none.png"))
    assert response.status_code == 404
    assert "<Code>NoSuchKey</Code>" in response.text
