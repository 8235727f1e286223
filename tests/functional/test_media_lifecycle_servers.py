"""The media lifecycle through the local stack with the media table on each database server (MariaDB,
PostgreSQL, PostgreSQL through PgBouncer), as a deployment has it: issue -> upload -> ready; issue -> expired
(at read time, then by the timer) -> a late upload still completes; ready -> deleted, and a late notice
leaves it deleted. The functions run in this process and open the table the environment names."""

from __future__ import annotations

import uuid
from typing import Iterator

import httpx
import pytest

from tests.conftest import bearer
from tests.functional.aliyun_support import fresh_name
from tests.functional.notices_support import my_media, switch, wait_for_media  # noqa: F401 (fixture)
from tests.functional.test_media_expiry import _lapse, _stored_status, _sweep
from tests.functional.test_notices_aliyun_e2e import JPEG_BYTES
from tests.storage.conftest import BACKENDS, backend_url, bouncer  # noqa: F401 (fixture)
from devtools.database_admin import drop_tables
from upvend.storage.database import Database

SERVERS = [param for param in BACKENDS if param.values[0] != "sqlite"]


@pytest.fixture(params=SERVERS)
def server_table(request: pytest.FixtureRequest, bouncer, monkeypatch) -> Iterator[str]:  # noqa: F811
    base = backend_url(request.param, bouncer)
    url = f"{base}{'&' if '?' in base else '?'}table_prefix=t{uuid.uuid4().hex[:12]}_"
    monkeypatch.setenv("UPVEND_DATABASE_URL", url)
    yield url
    tables = Database(url)
    try:
        drop_tables(tables)
    finally:
        tables.pool.close_all()


def _form(gateway: httpx.Client, token: str, name: str) -> dict:
    answer = gateway.post("/aliyun/oss/post-policy", json={"fileName": name, "size": len(JPEG_BYTES)},
                          headers=bearer(token))
    assert answer.status_code == 200, answer.text
    return answer.json()


def _upload(form: dict) -> None:
    assert httpx.post(form["host"], data=form["formData"], files={"file": ("x.jpg", JPEG_BYTES, "image/jpeg")},
                      timeout=15).status_code == 200


def test_issue_upload_expire_and_delete_on_each_server(server_table, gateway, login, stack, switch):
    token = login(fresh_name())
    # issue -> upload -> ready, on the row the form reserved (its title is the client's file name)
    done = _form(gateway, token, "beach.jpg")
    [reserved] = [row for row in my_media(gateway, token) if row["mediaId"] == f"upvend-dev/{done['key']}"]
    assert (reserved["status"], reserved["title"]) == ("uploading", "beach.jpg")
    _upload(done)
    ready = wait_for_media(gateway, token, f"upvend-dev/{done['key']}", status="ready")
    assert ready["id"] == reserved["id"] and ready["title"] == "beach.jpg" and ready["size"] == len(JPEG_BYTES)
    # issue -> expired: read as expired before any write, written by the timer; a late upload still completes
    late = _form(gateway, token, "late.jpg")
    media_id = f"upvend-dev/{late['key']}"
    _lapse(media_id)
    assert [row["status"] for row in my_media(gateway, token) if row["mediaId"] == media_id] == ["expired"]
    assert _stored_status(media_id) == "uploading"
    assert _sweep(gateway)["expired"] >= 1 and _stored_status(media_id) == "expired"
    _upload(late)
    assert wait_for_media(gateway, token, media_id, status="ready")["title"] == "late.jpg"
    # ready -> deleted, idempotent; the object is gone and a redelivered notice keeps the row deleted
    for _ in range(2):
        deleted = gateway.delete(f"/media/{ready['id']}", headers=bearer(token))
        assert deleted.status_code == 200 and deleted.json()["status"] == "deleted", deleted.text
    assert stack.emulator.store.get("upvend-dev", done["key"]) is None
    _upload(done)  # the form is still valid: the same upload arrives again after the delete
    assert _stored_status(f"upvend-dev/{done['key']}") == "deleted"
    assert stack.emulator.store.get("upvend-dev", done["key"]) is None
    # every row above lives in the server's table, none in the stack's SQLite file
    tables = Database(server_table)
    try:
        assert tables.query("SELECT COUNT(*) AS n FROM {media}")[0]["n"] == 2
    finally:
        tables.pool.close_all()
