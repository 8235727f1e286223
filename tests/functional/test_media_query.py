"""GET /media and GET /media/{id}: the caller's own rows only, newest first, paged by an opaque cursor."""

from __future__ import annotations

import pytest

from tests.conftest import bearer
from tests.functional.media_rows import UNAVAILABLE_DATABASES, repo, unique
from upvend.media_api import public_id
from upvend.storage.media import MediaRecord
from upvend.storage.notices import MediaNotice

PROVIDERS = ["aliyun", "tencent"]


@pytest.fixture
def alice(login):
    name = unique("q")
    return f"o-{name}", login(name)


def seed(owner: str, count: int) -> list[str]:
    """`count` rows for `owner`, one day apart, oldest first; returns their media ids."""
    ids = []
    for i in range(count):
        media_id = unique("m")
        repo().create_uploading(MediaRecord(provider=PROVIDERS[i % 2], media_id=media_id, kind="video",
                                            status="uploading", owner=owner,
                                            created_at=f"2024-02-{i + 1:02d}T00:00:00.000Z"))
        ids.append(media_id)
    return ids


@pytest.mark.parametrize("provider", PROVIDERS)
def test_lists_own_media_newest_first_across_pages(gateway, alice, login, provider):
    owner, token = alice
    ids = seed(owner, 5)
    seed(f"o-{unique('other')}", 2)
    seen, cursor = [], None
    for _ in range(3):
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        response = gateway.get("/media", params=params,
                               headers={**bearer(token), "X-Upvend-Provider": provider})
        assert response.status_code == 200, response.text
        page = response.json()
        seen += [item["mediaId"] for item in page["items"]]
        cursor = page["nextCursor"]
    assert seen == list(reversed(ids))
    assert cursor is None
    assert response.headers["cache-control"] == "no-store"


def test_filters_by_status_and_provider(gateway, alice):
    owner, token = alice
    ids = seed(owner, 4)
    repo().apply(MediaNotice(dedupe_key=unique("k"), event_type="TranscodeComplete", provider="tencent",
                             media_id=ids[1], kind="video", status="ready"))
    ready = gateway.get("/media", params={"status": "ready"}, headers=bearer(token)).json()["items"]
    assert [i["mediaId"] for i in ready] == [ids[1]]
    tencent = gateway.get("/media", params={"provider": "tencent"}, headers=bearer(token)).json()["items"]
    assert [i["mediaId"] for i in tencent] == [ids[3], ids[1]]


def test_get_one_own_item_and_never_another_users(gateway, alice, login):
    owner, token = alice
    [media_id] = seed(owner, 1)
    item_id = public_id("aliyun", media_id)
    response = gateway.get(f"/media/{item_id}", headers=bearer(token))
    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["mediaId"], body["provider"], body["status"]) == (
        item_id, media_id, "aliyun", "uploading")
    assert "owner" not in body
    bob = login(unique("bob"))
    assert gateway.get(f"/media/{item_id}", headers=bearer(bob)).status_code == 404
    assert gateway.get(f"/media/{public_id('tencent', media_id)}", headers=bearer(token)).status_code == 404
    assert gateway.get("/media/not-an-id", headers=bearer(token)).status_code == 404
    assert gateway.get("/media", headers=bearer(bob)).json() == {"items": [], "nextCursor": None}


@pytest.mark.parametrize("params, field", [
    ({"limit": 0}, "limit"), ({"limit": 101}, "limit"), ({"limit": "ten"}, "limit"),
    ({"cursor": "garbage"}, "cursor"), ({"status": "done"}, "status"), ({"provider": "aws"}, "provider"),
    ({"sort": "asc"}, "sort"), ({"limit": ["1", "2"]}, "limit"),
])
def test_bad_query_parameters_are_400(gateway, alice, params, field):
    response = gateway.get("/media", params=params, headers=bearer(alice[1]))
    assert response.status_code == 400
    assert field in response.json()["error"]["message"]


def test_requires_a_token(gateway):
    assert gateway.get("/media").status_code == 401
    assert gateway.get(f"/media/{public_id('aliyun', 'x')}").status_code == 401


@pytest.mark.parametrize("database_url", UNAVAILABLE_DATABASES)
def test_unavailable_database_answers_503(gateway, alice, monkeypatch, database_url):
    monkeypatch.setenv("UPVEND_DATABASE_URL", database_url())
    assert gateway.get("/media", headers=bearer(alice[1])).status_code == 503
