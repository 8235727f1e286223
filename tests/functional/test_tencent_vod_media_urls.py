"""The media and cover URLs CommitUploadUGC answers load from the emulator (as VOD's distribution domain serves them).

The distribution domain has Key hotlink protection (as the local stack configures it), so the URLs load
once signed the way GET /media signs them, and not bare.
"""

from __future__ import annotations

import os
import secrets
import time

import httpx

from tests.functional.test_notices_tencent_e2e import COVER, VIDEO, ugc_upload
from tests.functional.tencent_support import fresh_user
from upvend.playback.vod_key_hotlink import sign_key_hotlink


def test_committed_video_and_cover_urls_resolve(gateway, login, stack):
    upload = ugc_upload(gateway, stack, login(fresh_user()))
    key = os.environ["UPVEND_TENCENT_VOD_PLAY_KEY"]
    for url, body in ((upload["video"]["url"], VIDEO), (upload["cover"]["url"], COVER)):
        assert httpx.get(url, timeout=10).status_code == 403, url  # hotlink protection: not bare
        signed = sign_key_hotlink(url, key, int(time.time()) + 300, secrets.token_hex(5))
        answer = httpx.get(signed, timeout=10)
        assert answer.status_code == 200 and answer.content == body, signed
