"""TLS to MySQL/MariaDB: a URL that requires TLS never falls back to plain text; one context per process."""

from __future__ import annotations

import ssl

import pymysql
import pytest

from tests.storage.conftest import server_url
from upvend.errors import StorageUnavailable
from upvend.storage.database import Database
from upvend.storage.media import MediaRepository

pytestmark = pytest.mark.mysql


def _tls_offered(base: str) -> bool:
    rows = Database(base).query("SELECT @@have_ssl AS have")
    return rows[0]["have"] == "YES"


def test_a_url_requiring_tls_refuses_a_server_without_it():
    base = server_url("mysql")
    if _tls_offered(base):
        pytest.skip("this server offers TLS; the refusal needs one that does not")
    with pytest.raises(StorageUnavailable) as caught:
        MediaRepository(Database(f"{base}?ssl_mode=required")).get("aliyun", "x")
    assert caught.value.code == "storage_tls_unavailable"  # PyMySQL alone would have gone on in plain text


def test_the_ssl_context_is_built_once_for_every_connect(monkeypatch):
    base = server_url("mysql")
    if _tls_offered(base):
        pytest.skip("this server offers TLS; the refusal counted here needs one that does not")
    contexts = []
    real = pymysql.connect

    def recording(*args, **kwargs):
        contexts.append(kwargs.get("ssl"))
        return real(*args, **kwargs)

    monkeypatch.setattr(pymysql, "connect", recording)
    for _ in range(3):
        with pytest.raises(StorageUnavailable):  # no TLS on this server: refused each time
            Database(f"{base}?ssl_mode=required").query("SELECT 1 AS one")
    assert len(contexts) == 3 and contexts[0] is not None
    assert all(c is contexts[0] for c in contexts)


def test_without_tls_no_context_is_built_per_connect(monkeypatch):
    base = server_url("mysql")
    built = []
    real = ssl.create_default_context
    monkeypatch.setattr(ssl, "create_default_context", lambda *a, **k: built.append(1) or real(*a, **k))
    for _ in range(3):
        db = Database(base)
        assert db.query("SELECT 1 AS one") == [{"one": 1}]
        db.pool.close_all()
    assert built == []  # PyMySQL's own default built one on every connect (tens of ms of CPU each)
