"""Finding 7: a session subject is a plain user id, and a key's owner is decoded exactly once.

The attack: a WeChat login whose openid holds `%` (here `o-b%6Fb`, which the
emulated WeChat hands out for code `test-b%6Fb`) got a token, and STS keys for
the folder `uploads/o-b%256Fb/`. The OSS trigger decoded that folder twice, to
`o-bob`, and recorded the object as bob's. Such a code is now refused for its
format; an openid like that from WeChat itself is refused in the unit tests.
"""

from __future__ import annotations

import time

import jwt
import pytest

from devtools.local_env import DEV_JWT_SECRET
from tests.conftest import bearer
from tests.functional.media_rows import repo
from upvend.auth import issue_token
from upvend.notices.storage_triggers import OssTriggerEvent, oss_trigger_notices


def _forged(sub: str) -> str:
    now = int(time.time())
    return jwt.encode({"sub": sub, "iat": now, "exp": now + 600, "iss": "upvend"}, DEV_JWT_SECRET, algorithm="HS256")


def test_login_with_an_openid_holding_percent_gets_no_token(gateway):
    response = gateway.post("/auth/wechat", json={"code": "test-b%6Fb"})
    assert response.status_code == 400, response.text
    assert response.json()["error"]["code"] == "wechat_code_malformed"
    assert "token" not in response.text


@pytest.mark.parametrize("sub", ["o-b%6Fb", "o-b%256Fb", "o/bob", "o bob", "x" * 65, "o-böb", "o-bob\n"])
def test_a_signed_token_with_an_odd_subject_is_refused(gateway, sub):
    response = gateway.post("/aliyun/sts", json={}, headers=bearer(_forged(sub)))
    assert response.status_code == 401, response.text
    assert response.json()["error"]["code"] == "token_invalid"


def test_issuing_a_token_for_an_odd_subject_is_refused():
    with pytest.raises(ValueError):
        issue_token("o-b%6Fb")
    assert issue_token("oAbC_123-xyz" * 5)[0]


def _trigger_event(key: str) -> OssTriggerEvent:
    return OssTriggerEvent.model_validate({"events": [{
        "eventName": "ObjectCreated:PutObject", "eventSource": "acs:oss", "eventTime": "2024-05-01T08:00:00.000Z",
        "region": "cn-shanghai", "oss": {"bucket": {"name": "upvend-dev"},
                                         "object": {"key": key, "size": 3, "eTag": "A" * 32}}}]})


@pytest.mark.parametrize("key", ["uploads/o-b%256Fb/2024/05/cat.jpg", "uploads%2Fo-b%2525256Fb%2F2024%2F05%2Fcat.jpg"])
def test_a_folder_that_decodes_twice_to_bob_is_not_bobs(stack, key):
    notices, _ = oss_trigger_notices(_trigger_event(key))
    assert all(n.owner != "o-bob" for n in notices)
    for notice in notices:
        repo().apply(notice)
        assert repo().get(notice.provider, notice.media_id).owner != "o-bob"


def test_a_plain_key_still_belongs_to_its_user(stack):
    notices, _ = oss_trigger_notices(_trigger_event("uploads/o-carol_1/2024/05/cat.jpg"))
    assert [n.owner for n in notices] == ["o-carol_1"]
