"""The H5 upload demo in chromium: sign-in, the form upload paths with progress, the SDK builds under the
page's CSP, and clear failures. (The paths through the official web SDKs: test_upload_demo_sdks.py.)"""

from __future__ import annotations

import re
import uuid
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import png_bytes
from tests.browser.pages import no_horizontal_overflow, sign_in, sign_in_error, submit_sign_in, upload

pytestmark = pytest.mark.browser
PATHS = ["oss-post", "cos-post", "aliyun-vod-form"]
PAGE = "/console/upload?refresh=250"


def emulator_hosts(stack) -> re.Pattern:
    """Every URL on the emulator: path-style on its address and host-style on its names under localhost."""
    return re.compile(rf"^http://[^/]+:{urlsplit(stack.emulator_url).port}/")


def fresh(prefix: str = "h5") -> str:
    return f"{prefix}{uuid.uuid4().hex[:10]}"


def test_sign_in_with_a_test_code_survives_reload_and_signs_out(page, stack, page_errors):
    name = fresh()
    sign_in(page, stack.gateway_url, PAGE, name)
    assert page.is_visible("#uploader") and page.is_hidden("#signin")
    page.reload()
    page.wait_for_selector("#signed-in:not([hidden])")
    assert page.inner_text("#who") == f"o-{name}"
    page.click("#signout")
    page.wait_for_selector("#signin:not([hidden])")
    assert page.is_hidden("#uploader")
    assert page.evaluate("sessionStorage.length") == 0
    assert page_errors.messages == []


def test_a_rejected_code_says_why_sign_in_failed(page, stack):
    page.goto(stack.gateway_url + PAGE)
    submit_sign_in(page, code="bad")
    message = sign_in_error(page)
    assert message.startswith("Sign-in failed:") and "login code was rejected" in message
    assert page.is_hidden("#uploader")


def test_a_pasted_token_signs_in_and_garbage_is_refused(page, stack, login):
    name = fresh()
    page.goto(stack.gateway_url + PAGE)
    submit_sign_in(page, token="not-a-token")
    assert "not a session token" in sign_in_error(page)
    submit_sign_in(page, token=login(name))
    page.wait_for_selector("#signed-in:not([hidden])")
    assert page.inner_text("#who") == f"o-{name}"
    assert page.is_hidden("#signin-error")


@pytest.mark.parametrize("path", PATHS)
def test_upload_reaches_100_percent_and_the_row_arrives_ready(page, stack, image_file, page_errors, path):
    sign_in(page, stack.gateway_url, PAGE, fresh())
    upload(page, image_file, path)
    assert page.get_attribute("#upload-form", "data-state") == "uploaded", page.inner_text("#upload-error")
    assert page.inner_text("#progress-text") == "100 %"
    assert page.eval_on_selector("#progress", "bar => bar.value") == 100
    assert "stored the file" in page.inner_text("#steps")
    page.wait_for_selector("#row-status[data-status=ready]", timeout=10_000)
    assert "Media row: ready (image" in page.inner_text("#row-status")
    assert page_errors.messages == []


@pytest.mark.parametrize("path", ["oss-post", "cos-post"])
def test_a_file_too_large_for_the_policy_is_refused_with_the_limit(page, stack, image_file, monkeypatch, path):
    monkeypatch.setenv("UPVEND_MAX_IMAGE_BYTES", "20")  # the test image is larger
    sign_in(page, stack.gateway_url, PAGE, fresh())
    upload(page, image_file, path)
    assert page.get_attribute("#upload-form", "data-state") == "failed"
    message = page.inner_text("#upload-error")
    assert message.startswith("Upload failed:") and "size must be between 1 and 20 bytes for image" in message
    assert page.inner_text("#progress-text") == "0 %"


def test_a_refusal_by_the_storage_service_is_shown_with_its_code(page, stack, image_file):
    """The store's XML error reaches the user (here OSS answers as it does for a body over the policy limit)."""
    sign_in(page, stack.gateway_url, PAGE, fresh())
    refusal = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>EntityTooLarge</Code><Message>Your "
               "proposed upload exceeds the maximum allowed size.</Message></Error>")
    page.route(emulator_hosts(stack), lambda route: route.fulfill(
        status=400, body=refusal, content_type="application/xml",
        headers={"Access-Control-Allow-Origin": stack.gateway_url}))
    upload(page, image_file, "oss-post")
    assert page.get_attribute("#upload-form", "data-state") == "failed"
    assert ("OSS refused the upload: EntityTooLarge: Your proposed upload exceeds the maximum allowed size. "
            "(HTTP 400)") in page.inner_text("#upload-error")


def test_the_vendored_sdk_builds_load_under_the_strict_csp(page, stack, page_errors):
    """ali-oss, cos-js-sdk-v5 and vod-js-sdk-v6 load from the page's own origin and run no eval."""
    sign_in(page, stack.gateway_url, PAGE, fresh())
    violations = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    loaded = page.evaluate("""async () => {
        const { loadSdk } = await import("/console/assets/sdk_paths.js");
        const [OSS, COS, TcVod] = await Promise.all(["OSS", "COS", "TcVod"].map(loadSdk));
        new OSS({ region: "oss-cn-shanghai", bucket: "upvend-dev", accessKeyId: "k", accessKeySecret: "s", stsToken: "t" });
        new COS({ getAuthorization: () => {} });
        new TcVod.default({ getSignature: async () => "sig" });
        return [typeof OSS, typeof COS, typeof TcVod.default];
    }""")
    assert loaded == ["function", "function", "function"]
    assert violations == [] and page_errors.messages == []


def test_a_blocked_origin_is_explained(page, stack, image_file):
    """When the bucket's CORS rule does not allow the page (the browser sees a network error), the page says so."""
    sign_in(page, stack.gateway_url, PAGE, fresh())
    page.route(emulator_hosts(stack), lambda route: route.abort("accessdenied"))
    upload(page, image_file, "aliyun-vod-form")
    assert "OSS could not be reached" in page.inner_text("#upload-error")
    assert "CORS rule" in page.inner_text("#upload-error")


def test_the_demo_fits_a_phone(phone, stack, image_file, page_errors):
    sign_in(phone, stack.gateway_url, PAGE, fresh())
    upload(phone, image_file, "aliyun-vod-form")
    assert phone.inner_text("#progress-text") == "100 %"
    assert no_horizontal_overflow(phone)
    assert page_errors.messages == []
