"""The media and cover URLs CommitUploadUGC answers load from the emulator (as VOD's distribution domain serves them)."""

from __future__ import annotations

import httpx

from tests.functional.test_notices_tencent_e2e import COVER, VIDEO, ugc_upload
from tests.functional.tencent_support import fresh_user


def test_committed_video_and_cover_urls_resolve(gateway, login, stack):
    upload = ugc_upload(gateway, stack, login(fresh_user()))
    for url, body in ((upload["video"]["url"], VIDEO), (upload["cover"]["url"], COVER)):
        answer = httpx.get(url, timeout=10)
        assert answer.status_code == 200 and answer.content == body, url
