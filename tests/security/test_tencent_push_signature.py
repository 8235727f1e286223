"""Finding 5: with a SignKey configured, a push needs Sign = md5(SignKey + T) and an unexpired T.

The attack: anyone who learns the callback URL (it travels in logs, proxies and
the VOD console) posts events of their choosing. With the SignKey set, the
emulator signs its pushes as VOD does and nothing else is accepted.
"""

from __future__ import annotations

import hashlib
import time

import pytest

from devtools.local_env import DEV_TENCENT_VOD_CALLBACK_TOKEN
from tests.functional.media_rows import repo, unique
from tests.functional.notices_support import deliveries, switch, wait_for_media, wait_idle  # noqa: F401 (fixture)
from tests.functional.tencent_support import fresh_user
from tests.functional.test_notices_tencent_e2e import ugc_upload
from tests.functional.test_tencent_vod_callback import new_file
from upvend.notices.tencent_vod import push_signature, verify_push_signature
from upvend.errors import Forbidden

PATH = f"/tencent/vod/callback/{DEV_TENCENT_VOD_CALLBACK_TOKEN}"
SIGN_KEY = "TestSignKey0123456789"


@pytest.fixture
def sign_key(monkeypatch):
    monkeypatch.setenv("UPVEND_TENCENT_VOD_CALLBACK_SIGN_KEY", SIGN_KEY)


def _sign(expires: int, key: str = SIGN_KEY) -> str:
    return hashlib.md5(f"{key}{expires}".encode()).hexdigest()


def test_signatures_are_md5_of_key_and_expiry():
    assert push_signature("abc", 1700000000) == hashlib.md5(b"abc1700000000").hexdigest()
    verify_push_signature(_sign(2000000000).upper(), "2000000000", sign_key=SIGN_KEY, now=1999999999)
    with pytest.raises(Forbidden):
        verify_push_signature(_sign(2000000000), 2000000000, sign_key=SIGN_KEY, now=2000000001)


def test_the_emulators_signed_pushes_are_recorded(gateway, emulator, login, stack, switch, sign_key):
    token = login(fresh_user())
    upload = ugc_upload(gateway, stack, token)
    assert wait_for_media(gateway, token, upload["fileId"], status="ready")["mediaUrl"] == upload["video"]["url"]


@pytest.mark.parametrize("case", ["unsigned", "wrong-key", "expired", "sign-without-t", "t-not-a-time",
                                  "t-a-float", "t-true"])
def test_forged_pushes_are_refused_with_nothing_written(gateway, sign_key, case):
    file_id = unique("528589")
    later = int(time.time()) + 300
    body = new_file(file_id, owner="o-bob")
    body.update({"unsigned": {}, "wrong-key": {"Sign": _sign(later, "OtherKey1"), "T": later},
                 "expired": {"Sign": _sign(int(time.time()) - 5), "T": int(time.time()) - 5},
                 "sign-without-t": {"Sign": _sign(later)}, "t-not-a-time": {"Sign": _sign(later), "T": "soon"},
                 "t-a-float": {"Sign": _sign(later), "T": later + 0.5}, "t-true": {"Sign": _sign(1), "T": True},
                 }[case])
    response = gateway.post(PATH, json=body)
    assert response.status_code == 403, response.text
    assert response.json()["error"]["code"] in ("signature_missing", "signature_invalid", "signature_expired")
    assert repo().get("tencent", file_id) is None


def test_wrong_path_token_is_still_404_before_any_signature(gateway, sign_key):
    later = int(time.time()) + 300
    response = gateway.post("/tencent/vod/callback/not-the-token-not-the-token-0",
                            json={**new_file(unique("528589")), "Sign": _sign(later), "T": later})
    assert response.status_code == 404
