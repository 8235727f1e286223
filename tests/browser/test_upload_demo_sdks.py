"""The H5 demo's paths through the official web SDKs in Debian's chromium, from sign-in to a ready row.

ali-oss, cos-js-sdk-v5 and vod-js-sdk-v6 run from the demo's vendored builds under its CSP. The network
is arranged as a deployment's would be (tests/clients/web_browser.py): the Tencent hostnames the SDKs
hard-code resolve to the emulator, vod2.qcloud.com over HTTPS; the Aliyun answers already name hosts
under localhost. The page is served over plain http here, so the SDKs talk http to the COS hosts: the
test adds those origins to the page's CSP as a site owner adds a CDN (UPVEND_CONSOLE_MEDIA_ORIGINS).
"""

from __future__ import annotations

import uuid
from typing import Iterator

import pytest

from devtools.serving import ServerThread, bind
from tests.browser.conftest import ARGS, CHROMIUM, PageErrors
from tests.browser.pages import sign_in, upload
from tests.clients.web_browser import self_signed_certificate
from tests.conftest import IN_CI
from tests.functional.notices_support import switch  # noqa: F401 (fixture)

pytestmark = pytest.mark.browser
PAGE = "/console/upload?refresh=250"
SDK_PATHS = ["tencent-vod", "cos-sdk"]


@pytest.fixture(scope="module")
def mapped_chromium(stack, tmp_path_factory) -> Iterator[object]:
    if not CHROMIUM.exists():
        if IN_CI:
            pytest.fail(f"{CHROMIUM} is missing under CI=true")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    cert, key = self_signed_certificate(tmp_path_factory.mktemp("tls"), "vod2.qcloud.com")
    https = ServerThread(stack.emulator.app, bind(), ssl_certfile=str(cert), ssl_keyfile=str(key)).start()
    emulator_port = stack.emulator_url.rsplit(":", 1)[1]
    rules = (f"MAP vod2.qcloud.com 127.0.0.1:{https.port}, MAP *.myqcloud.com 127.0.0.1:{emulator_port}, "
             "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost, EXCLUDE *.localhost")
    patch = pytest.MonkeyPatch()
    patch.setenv("UPVEND_CONSOLE_MEDIA_ORIGINS", ",".join(filter(None, [
        stack.settings.get("UPVEND_CONSOLE_MEDIA_ORIGINS"), "http://*.myqcloud.com"])))
    try:
        with sync_playwright() as driver:
            browser = driver.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                             args=[*ARGS, f"--host-resolver-rules={rules}"])
            try:
                yield browser
            finally:
                browser.close()
    finally:
        patch.undo()
        https.stop()


@pytest.fixture
def sdk_page(mapped_chromium):
    errors = PageErrors()
    # The self-signed vod2.qcloud.com stands in for Tencent's certificate.
    context = mapped_chromium.new_context(ignore_https_errors=True, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(30_000)
    # vod-js-sdk-v6 posts usage reports to vodreport.qcloud.com; the test network takes them (an empty 200).
    context.route("https://vodreport.qcloud.com/**", lambda route: route.fulfill(
        status=200, body="{}", content_type="application/json",
        headers={"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Headers": "*",
                 "Access-Control-Allow-Methods": "POST, OPTIONS"}))
    page = context.new_page()
    page.on("console", errors.console)
    page.on("pageerror", errors.exception)
    page.errors = errors
    yield page
    context.close()


@pytest.mark.parametrize("path", SDK_PATHS)
def test_sdk_upload_reaches_100_percent_and_the_row_arrives_ready(sdk_page, stack, image_file, switch, path):
    sign_in(sdk_page, stack.gateway_url, PAGE, f"sdk{uuid.uuid4().hex[:10]}")
    upload(sdk_page, image_file, path, timeout=30_000)
    assert sdk_page.get_attribute("#upload-form", "data-state") == "uploaded", sdk_page.inner_text("#upload-error")
    assert sdk_page.inner_text("#progress-text") == "100 %"
    sdk_page.wait_for_selector("#row-status[data-status=ready]", timeout=20_000)
    assert "Media row: ready (image" in sdk_page.inner_text("#row-status")
    # vod-js-sdk-v6 also posts usage reports to vodreport.qcloud.com, which nothing here receives.
    print("MSGS", sdk_page.errors.messages)
    assert [m for m in sdk_page.errors.messages if "vodreport.qcloud.com" not in m] == []
