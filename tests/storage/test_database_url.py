"""UPVEND_DATABASE_URL parsing, outages as StorageUnavailable, and drivers loaded only when used."""

from __future__ import annotations

import logging
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.functional.media_rows import closed_port
from upvend.errors import ConfigurationError, StorageUnavailable
from upvend.storage.database import Database, DatabaseUrl
from upvend.storage.media import MediaRepository


def test_parses_each_backend():
    mysql = DatabaseUrl.parse("mysql+pymysql://app:p%40ss@db.example:3307/upvend?table_prefix=up_")
    assert (mysql.scheme, mysql.host, mysql.port, mysql.user, mysql.password, mysql.database, mysql.table_prefix) == (
        "mysql", "db.example", 3307, "app", "p@ss", "upvend", "up_")
    assert "p@ss" not in repr(mysql)
    pg = DatabaseUrl.parse("postgres://u@h/db?sslmode=require")
    assert (pg.scheme, pg.port, pg.options) == ("postgresql", None, {"sslmode": "require"})
    assert DatabaseUrl.parse("sqlite:////tmp/x.db").database == "/tmp/x.db"
    assert DatabaseUrl.parse("sqlite:///rel/x.db").database == "rel/x.db"
    assert Database("sqlite:///x.db?table_prefix=t1_").tables["media"] == "t1_media"


@pytest.mark.parametrize("url", ["oracle://h/db", "mysql://h", "postgresql://h/", "sqlite://", "mysql://h:99999/db",
                                 "sqlite:///x.db?table_prefix=bad-prefix", "mysql://h/db?charset=latin1",
                                 "mysql://h/db?ssl_mode=sometimes", "mysql://h/db?ssl_mode=disabled&ssl_ca=/ca.pem",
                                 "postgresql://h/db?options=-c%20timezone%3DUTC"])
def test_malformed_urls_are_configuration_errors(url):
    with pytest.raises(ConfigurationError) as caught:
        DatabaseUrl.parse(url)
    assert "UPVEND_DATABASE_URL" in caught.value.message


@pytest.mark.parametrize("url", [
    lambda: f"mysql://root@127.0.0.1:{closed_port()}/test",
    lambda: f"postgresql://root@127.0.0.1:{closed_port()}/test",
    lambda: "sqlite:////proc/upvend-no-such-dir/x.sqlite3",
])
def test_unreachable_databases_raise_storage_unavailable_within_the_deadline(url, monkeypatch):
    monkeypatch.setenv("UPVEND_DATABASE_DEADLINE_SECONDS", "0.6")
    repo = MediaRepository(Database(url()))
    for _ in range(2):  # and again: a failed connection is not cached
        started = time.monotonic()
        with pytest.raises(StorageUnavailable):
            repo.get("aliyun", "x")
        assert time.monotonic() - started < 0.6 + 0.3  # refused connects retried, inside the deadline only


def test_refused_connects_are_retried_and_logged_with_the_driver_code_never_the_url(monkeypatch, caplog):
    monkeypatch.setenv("UPVEND_DATABASE_DEADLINE_SECONDS", "0.5")
    url = f"mysql://app:Sup3r-Secret-pw@127.0.0.1:{closed_port()}/test"
    with caplog.at_level(logging.WARNING, logger="upvend.storage"), pytest.raises(StorageUnavailable) as caught:
        MediaRepository(Database(url)).get("aliyun", "x")
    records = [r for r in caplog.records if r.getMessage() == "database error"]
    assert len(records) >= 2 and {(r.dbStage, r.dbFailure, r.dbErrorCode) for r in records} == {
        ("connect", "refused", "2003")}
    assert [r.attempt for r in records] == list(range(1, len(records) + 1))
    assert "2003" in caught.value.message
    text = " ".join(f"{r.getMessage()} {r.__dict__}" for r in records) + caught.value.message
    assert "Sup3r-Secret-pw" not in text and "app:" not in text


def test_mysql_tls_follows_the_url():
    from upvend.storage.mysql_tls import MysqlTls

    assert DatabaseUrl.parse("mysql://h/db").options["tls"] == MysqlTls("disabled")
    assert DatabaseUrl.parse("mysql://h/db?ssl_ca=/ca.pem").options["tls"] == MysqlTls("verify_identity", "/ca.pem")
    assert DatabaseUrl.parse("mysql://h/db?ssl_mode=REQUIRED").options["tls"] == MysqlTls("required")
    assert DatabaseUrl.parse("mysql://h/db?ssl_verify_cert=false").options["tls"] == MysqlTls("required")
    context = MysqlTls("required").context()
    assert context is MysqlTls("required").context()  # built once per process
    assert MysqlTls("disabled").context() is None


def test_only_the_driver_in_use_is_imported(tmp_path):
    code = (f"from upvend.storage.media import MediaRepository\n"
            f"from upvend.storage.database import Database\n"
            f"MediaRepository(Database('sqlite:///{tmp_path}/x.sqlite3')).get('aliyun', 'x')\n"
            f"import sys; print(sorted(m for m in ('pymysql', 'psycopg', 'cryptography') if m in sys.modules))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"PYTHONPATH": str(Path(__file__).resolve().parents[2] / "shared"),
                              "PATH": "/usr/bin:/bin"})
    assert out.stdout.strip() == "[]"
