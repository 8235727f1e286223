"""Ready videos play in the console through the signed URLs GET /media makes, and an expired URL does not.

The video is a real WebM that Chromium records from a canvas (MediaRecorder), stored in the emulated VOD
storage as an upload would leave it; the emulator checks the URL signing of each VOD domain (Aliyun type A,
Tencent Key hotlink protection) before it serves a byte.
"""

from __future__ import annotations

import base64
import time
import uuid

import pytest

from devtools.emulator.aliyun.config import ALIYUN_DEV
from tests.browser.pages import sign_in, wait_until
from upvend.playback.media_links import links_for
from upvend.storage.media import MediaRecord, MediaRepository
from upvend.storage.notices import MediaNotice

pytestmark = pytest.mark.browser

RECORD_WEBM = """async () => {
  const canvas = document.createElement("canvas");
  canvas.width = 64; canvas.height = 48;
  const paint = canvas.getContext("2d");
  const recorder = new MediaRecorder(canvas.captureStream(15), { mimeType: "video/webm;codecs=vp8" });
  const chunks = [];
  recorder.ondataavailable = (event) => chunks.push(event.data);
  recorder.start(100);
  for (let frame = 0; frame < 12; frame++) {
    paint.fillStyle = `hsl(${frame * 30}, 80%, 50%)`;
    paint.fillRect(0, 0, 64, 48);
    await new Promise((resolve) => setTimeout(resolve, 70));
  }
  await new Promise((resolve) => { recorder.onstop = resolve; recorder.stop(); });
  const bytes = new Uint8Array(await new Blob(chunks).arrayBuffer());
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text);
}"""

PLAYS_OR_FAILS = """(src) => new Promise((resolve) => {
  const video = document.createElement("video");
  video.addEventListener("canplay", () => resolve("canplay"));
  video.addEventListener("error", () => resolve("error"));
  video.preload = "auto";
  video.src = src;
  document.body.append(video);
})"""


def _vod_bucket(stack, provider: str) -> str:
    return ALIYUN_DEV.vod_bucket if provider == "aliyun" else stack.emulator.service("tencent-cos").state.vod_bucket


def _seed_video(stack, provider: str, owner: str, webm: bytes) -> MediaRecord:
    bucket = _vod_bucket(stack, provider)
    path = f"sv/{uuid.uuid4().hex[:8]}/{uuid.uuid4().hex}.webm"
    stack.emulator.store.put(bucket, path, webm, "video/webm")
    media_id = uuid.uuid4().hex
    repo = MediaRepository()
    repo.apply(MediaNotice(dedupe_key=f"play-{media_id}", event_type="FileUploadComplete", provider=provider,
                           media_id=media_id, kind="video", status="ready", owner=owner, title="canvas clip",
                           media_url=f"{stack.emulator_url}/{bucket}/{path}", size=len(webm)))
    return repo.get(provider, media_id)


@pytest.mark.parametrize("provider", ["aliyun", "tencent"])
def test_a_ready_video_plays_and_an_expired_url_does_not(page, stack, provider):
    name = f"play{uuid.uuid4().hex[:8]}"
    page.goto(stack.gateway_url + "/console")
    webm = base64.b64decode(page.evaluate(RECORD_WEBM))
    record = _seed_video(stack, provider, f"o-{name}", webm)

    sign_in(page, stack.gateway_url, "/console?refresh=500", name)
    row = page.wait_for_selector(f"#media-rows tr:has(.media-id:text-is('{record.media_id}'))")
    row.query_selector("button.play").click()
    player = page.wait_for_selector(f"video.player[data-id='{row.get_attribute('data-id')}']")
    wait_until(page, "video => video.readyState >= 3", player, timeout=10)  # HAVE_FUTURE_DATA: canplay fired
    assert ("auth_key=" if provider == "aliyun" else "&sign=") in player.get_attribute("src")

    expired = links_for(record, now=int(time.time()) - 3600).play_url
    assert page.evaluate(PLAYS_OR_FAILS, expired) == "error"
    fresh = links_for(record).play_url
    assert page.evaluate(PLAYS_OR_FAILS, fresh) == "canplay"
    tampered = fresh[:-1] + ("0" if fresh[-1] != "0" else "1")  # both signatures end the URL
    assert page.evaluate(PLAYS_OR_FAILS, tampered) == "error"
