"""ali-oss's browser build in Debian's chromium, from login to a ready row, with only real-endpoint options.

The page is served from the gateway's origin (the one the bucket CORS rule allows) by the test itself:
the SDK file comes from tests/clients/node_modules, never from the product. Options the page sets: for
/aliyun/sts, `endpoint`, `bucket`, `accessKeyId`, `accessKeySecret`, `stsToken` straight from the answer;
for VOD, `endpoint` = UploadAddress.Endpoint, `bucket` = UploadAddress.Bucket and the UploadAuth key —
and `partSize` (1 MiB) for multipartUpload. No Host override, no path-style option, no hostname mapping
(chromium resolves *.localhost to loopback itself).
"""

from __future__ import annotations

import httpx
import pytest

from tests.browser.conftest import CHROMIUM, PageErrors, chromium  # noqa: F401 (fixture)
from tests.clients.node_runner import NODE_MODULES, require_node
from tests.conftest import bearer
from tests.functional.aliyun_support import fresh_name
from tests.functional.notices_support import switch, wait_for_media  # noqa: F401 (fixture)

pytestmark = pytest.mark.browser
SDK = NODE_MODULES / "ali-oss" / "dist" / "aliyun-oss-sdk.min.js"
PAGE_SCRIPTS = {name: NODE_MODULES.parent / name for name in ("sdk_outcomes.js", "ali_oss_page.js")}
TEST_PATH = "/__client-tests/ali-oss"
UPLOAD_TIMEOUT_MS = 60_000


@pytest.fixture
def sdk_page(chromium, stack):  # noqa: F811 (the imported fixture)
    """A blank page on the gateway's origin with ali-oss's browser build and the page script loaded."""
    require_node("ali-oss")  # the SDK file is installed by `make client-deps` (npm)
    assert CHROMIUM.exists()
    base = f"{stack.gateway_url}{TEST_PATH}"
    scripts = {f"{base}/sdk.js": SDK.read_bytes(),
               **{f"{base}/{name}": path.read_bytes() for name, path in PAGE_SCRIPTS.items()}}
    context = chromium.new_context()
    context.set_default_timeout(UPLOAD_TIMEOUT_MS)
    page = context.new_page()
    errors = PageErrors()
    page.on("pageerror", errors.exception)
    page.route(f"{base}/*.js", lambda route: route.fulfill(status=200, body=scripts[route.request.url],
                                                          content_type="text/javascript"))
    # The document itself comes from the gateway (its 404 answer, replaced below): a page fulfilled by the
    # test would have no network address, and chromium's local network access rules would then refuse its
    # requests to loopback, which a page served from a real host does not meet.
    page.goto(f"{base}/")
    page.set_content('<!doctype html><meta charset="utf-8"><title>ali-oss</title>'
                     '<script src="sdk.js"></script><script src="sdk_outcomes.js"></script>'
                     '<script src="ali_oss_page.js"></script>')
    page.wait_for_function("typeof window.OSS === 'function' && typeof window.aliOssSts === 'function'")
    yield page
    context.close()
    assert not errors.messages, errors.messages


def _expire(stack, access_key_id: str) -> None:
    answer = httpx.post(f"{stack.emulator_url}/_emulator/aliyun/keys/{access_key_id}/expire", timeout=10)
    assert answer.status_code == 200, answer.text


def test_ali_oss_in_chromium_with_sts_keys(sdk_page, stack, gateway, switch):
    result = sdk_page.evaluate("name => window.aliOssSts(name)", fresh_name("web"))
    token, bucket = result["token"], result["bucket"]
    assert result["endpoint"].startswith("http://oss-cn-shanghai.localhost:")
    assert result["put"]["status"] == 200
    row = wait_for_media(gateway, token, f"{bucket}/{result['put']['key']}", status="ready")
    assert row["kind"] == "image" and row["etag"] == result["put"]["etag"].strip('"')
    multipart = result["multipart"]
    assert multipart["status"] == 200 and multipart["etag"].strip('"').endswith("-3")
    row = wait_for_media(gateway, token, f"{bucket}/{multipart['key']}", status="ready")
    assert row["kind"] == "video" and row["size"] == multipart["size"]
    for refusal in (result["outsidePut"], result["outsideMultipart"]):
        assert refusal == {"refused": True, "code": "AccessDenied", "status": 403}
    _expire(stack, result["accessKeyId"])
    assert sdk_page.evaluate("() => window.aliOssAfterExpiry('sts')") == {
        "refused": True, "code": "SecurityTokenExpired", "status": 403}


def test_aliyun_vod_upload_as_the_vod_web_sdk_drives_ali_oss(sdk_page, stack, gateway, switch):
    result = sdk_page.evaluate("name => window.aliOssVod(name)", fresh_name("vodweb"))
    assert result["endpoint"].startswith("http://oss-cn-shanghai.localhost:")
    multipart = result["multipart"]
    assert multipart["status"] == 200 and multipart["etag"].strip('"').endswith("-4")  # 3 MiB + a tail
    row = wait_for_media(gateway, result["token"], result["videoId"], status="ready")
    assert row["provider"] == "aliyun" and row["size"] == multipart["size"]
    cover = httpx.get(row["thumbnailUrl"], timeout=10)  # the cover VOD announced, signed for its domain
    assert cover.status_code == 200 and cover.headers["content-type"] == "image/jpeg"
    assert result["outside"] == {"refused": True, "code": "AccessDenied", "status": 403}
    _expire(stack, result["accessKeyId"])
    assert sdk_page.evaluate("() => window.aliOssAfterExpiry('vod')") == {
        "refused": True, "code": "SecurityTokenExpired", "status": 403}
    assert gateway.get("/media", headers=bearer(result["token"])).json()["items"][0]["status"] == "ready"
