"""The media console in chromium: the user's rows, filters, live refresh, safe rendering, phone width."""

from __future__ import annotations

import uuid
from urllib.parse import urlsplit

import pytest

from devtools.emulator.aliyun.config import ALIYUN_DEV
from tests.browser.conftest import ARTIFACTS, png_bytes
from tests.browser.pages import no_horizontal_overflow, sign_in, sign_in_error, submit_sign_in, upload, wait_until
from upvend.storage.media import MediaRecord, MediaRepository
from upvend.storage.notices import MediaNotice

pytestmark = pytest.mark.browser
CONSOLE = "/console?refresh=500"


def on_emulator(url: str, stack) -> bool:
    """A URL served by the emulator: its address (path-style) or a host-style name under localhost."""
    parts, emulator = urlsplit(url), urlsplit(stack.emulator_url)
    return parts.port == emulator.port and (parts.hostname == emulator.hostname
                                            or (parts.hostname or "").endswith(".localhost"))


def fresh(prefix: str = "con") -> str:
    return f"{prefix}{uuid.uuid4().hex[:10]}"


def seed(stack, owner: str) -> dict[str, str]:
    """A ready Aliyun image (its file in the emulated, private bucket) and a Tencent video still uploading."""
    key = f"uploads/{owner}/2026/01/{uuid.uuid4().hex}.png"
    stack.emulator.store.put(ALIYUN_DEV.oss_bucket, key, png_bytes(), "image/png")
    image, video = f"{ALIYUN_DEV.oss_bucket}/{key}", uuid.uuid4().hex
    repo = MediaRepository()
    repo.create_uploading(MediaRecord(provider="aliyun", media_id=image, kind="image", status="uploading", owner=owner,
                                      title="beach", bucket=ALIYUN_DEV.oss_bucket, object_key=key,
                                      created_at="2026-01-02T00:00:00.000Z"))
    repo.apply(MediaNotice(dedupe_key=fresh("k"), event_type="OssCallback", provider="aliyun", media_id=image,
                           kind="image", status="ready", size=83))
    repo.create_uploading(MediaRecord(provider="tencent", media_id=video, kind="video", status="uploading",
                                      owner=owner, title="clip", size=3 * 1024 * 1024,
                                      created_at="2026-01-01T00:00:00.000Z"))
    return {"image": image, "video": video}


def row_status(page, media_id: str) -> str:
    return page.get_attribute(f"#media-rows tr:has(.media-id:text-is('{media_id}'))", "data-status")


def test_the_table_shows_only_my_rows_and_filters_them(page, stack, page_errors):
    name = fresh()
    ids = seed(stack, f"o-{name}")
    seed(stack, f"o-{fresh('other')}")
    sign_in(page, stack.gateway_url, CONSOLE, name)
    page.wait_for_selector("#media-rows tr >> nth=1")
    rows = page.query_selector_all("#media-rows tr")
    assert [r.query_selector(".media-id").inner_text() for r in rows] == [ids["image"], ids["video"]]
    first = rows[0].inner_text()
    assert "beach" in first and "aliyun" in first and "image" in first and "ready" in first
    assert "2026-01-02 00:00:00 UTC" in first
    second = rows[1]
    assert second.query_selector(".badge.status-uploading").inner_text() == "uploading"
    assert "3.0 MB" in second.inner_text() and second.query_selector("a.media-link") is None
    # The preview and the link are the short-lived signed URLs GET /media made; the bucket itself is private.
    thumb = page.wait_for_selector("#media-rows tr:first-child img.thumb")
    wait_until(page, "img => img.complete && img.naturalWidth > 0", thumb)
    assert "x-oss-signature=" in thumb.get_attribute("src")
    link = rows[0].query_selector("a.media-link")
    assert on_emulator(link.get_attribute("href"), stack) and "x-oss-signature=" in link.get_attribute("href")
    assert link.get_attribute("rel") == "noopener noreferrer"

    page.select_option("#filter-provider", "tencent")
    wait_until(page, "document.querySelectorAll('#media-rows tr').length === 1")
    assert page.get_attribute("#media-rows tr", "data-provider") == "tencent"
    page.select_option("#filter-provider", "")
    page.select_option("#filter-status", "uploading")
    wait_until(page, "document.querySelectorAll('#media-rows tr').length === 1")
    assert page.get_attribute("#media-rows tr", "data-status") == "uploading"
    assert page.get_attribute("#media-rows tr", "data-provider") == "tencent"
    page.select_option("#filter-status", "failed")
    page.wait_for_selector("#empty:not([hidden])")
    assert page_errors.messages == []


def test_a_row_moving_to_ready_is_seen_without_reloading(page, stack, page_errors):
    name = fresh()
    ids = seed(stack, f"o-{name}")
    sign_in(page, stack.gateway_url, CONSOLE, name)
    page.wait_for_selector("#media-rows tr >> nth=1")
    assert row_status(page, ids["video"]) == "uploading"
    page.evaluate("window.notReloaded = true")
    MediaRepository().apply(MediaNotice(dedupe_key=fresh("k"), event_type="ProcedureStateChanged", provider="tencent",
                                        media_id=ids["video"], kind="video", status="ready"))
    page.wait_for_selector(f"#media-rows tr[data-status=ready]:has(.media-id:text-is('{ids['video']}'))",
                           timeout=5000)
    assert page.evaluate("window.notReloaded") is True
    assert page_errors.messages == []


def test_stored_text_and_urls_are_shown_as_data_not_markup(page, stack, page_errors):
    name = fresh()
    media_id = uuid.uuid4().hex
    MediaRepository().create_uploading(MediaRecord(
        provider="aliyun", media_id=media_id, kind="video", status="uploading", owner=f"o-{name}",
        title='<img src=x onerror="window.pwned=1">', media_url="javascript:window.pwned=1",
        cover_url="javascript:window.pwned=1", created_at="2026-01-03T00:00:00.000Z"))
    sign_in(page, stack.gateway_url, CONSOLE, name)
    row = page.wait_for_selector("#media-rows tr")
    assert '<img src=x onerror="window.pwned=1">' in row.inner_text()
    assert row.query_selector("a") is None and row.query_selector("img") is None
    assert page.evaluate("window.pwned") is None
    assert page_errors.messages == []


def test_a_token_the_api_refuses_signs_out_with_a_reason(page, stack):
    page.goto(stack.gateway_url + CONSOLE)
    forged = ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJvLW1hbGxvcnkiLCJpYXQiOjE3MDAwMDAwMDAsImV4cCI6"
              "NDEwMjQ0NDgwMCwiaXNzIjoidXB2ZW5kIn0.c2lnbmVkLXdpdGgtdGhlLXdyb25nLWtleQ")
    submit_sign_in(page, token=forged)
    message = sign_in_error(page)
    assert message.startswith("Your session ended") and "Sign in again." in message
    assert page.is_hidden("#listing")


def test_the_console_fits_a_phone(phone, stack, page_errors):
    name = fresh()
    seed(stack, f"o-{name}")
    sign_in(phone, stack.gateway_url, CONSOLE, name)
    phone.wait_for_selector("#media-rows tr >> nth=1")
    assert no_horizontal_overflow(phone)
    assert phone.is_visible("#filter-provider") and phone.is_visible("#media-rows tr .badge")
    assert page_errors.messages == []


def test_uploads_through_the_form_paths_appear_ready_with_previews(page, stack, image_file, page_errors):
    """End to end: the demo uploads through each form path, the console lists each row `ready` with a preview that
    loads from the (emulated) storage, and a screenshot of it is kept as a test artifact."""
    name = fresh("e2e")
    sign_in(page, stack.gateway_url, "/console/upload?refresh=250", name)
    for path in ["oss-post", "cos-post", "aliyun-vod-form"]:
        upload(page, image_file, path)
        assert page.get_attribute("#upload-form", "data-state") == "uploaded", page.inner_text("#upload-error")
    page.goto(stack.gateway_url + CONSOLE)
    wait_until(page, "document.querySelectorAll('#media-rows tr[data-status=ready]').length === 3", timeout=10)
    providers = sorted(r.get_attribute("data-provider") for r in page.query_selector_all("#media-rows tr"))
    assert providers == ["aliyun", "aliyun", "tencent"]
    thumbs = page.query_selector_all("#media-rows img.thumb")
    assert len(thumbs) == 3
    for thumb in thumbs:
        assert on_emulator(thumb.get_attribute("src"), stack)
        wait_until(page, "img => img.complete && img.naturalWidth === 24", thumb)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "console.png"), full_page=True)
    assert (ARTIFACTS / "console.png").stat().st_size > 1000
    assert page_errors.messages == []


def test_delete_asks_once_then_removes_the_row_and_its_object(page, stack, page_errors):
    name = fresh()
    ids = seed(stack, f"o-{name}")
    key = ids["image"].split("/", 1)[1]
    sign_in(page, stack.gateway_url, CONSOLE, name)
    page.wait_for_selector("#media-rows tr >> nth=1")
    button = page.wait_for_selector(f"#media-rows tr:has(.media-id:text-is('{ids['image']}')) button.delete")
    button.click()
    assert button.inner_text() == "Delete? Click again"
    assert MediaRepository().get("aliyun", ids["image"]).status == "ready"  # one click only asks
    button.click()
    wait_until(page, "document.querySelectorAll('#media-rows tr').length === 1")
    assert page.get_attribute("#media-rows tr", "data-provider") == "tencent"
    assert MediaRepository().get("aliyun", ids["image"]).status == "deleted"
    assert stack.emulator.store.get(ALIYUN_DEV.oss_bucket, key) is None
    page.select_option("#filter-status", "deleted")
    wait_until(page, "document.querySelectorAll('#media-rows tr[data-status=deleted]').length === 1")
    assert page.query_selector("#media-rows tr button.delete") is None
    assert page.is_hidden("#list-error") and page_errors.messages == []
