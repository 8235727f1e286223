"""UPVEND_DATABASE_URL parsing, outages as StorageUnavailable, and drivers loaded only when used."""

from __future__ import annotations

import subprocess
import sys
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
                                 "sqlite:///x.db?table_prefix=bad-prefix", "mysql://h/db?charset=latin1"])
def test_malformed_urls_are_configuration_errors(url):
    with pytest.raises(ConfigurationError) as caught:
        DatabaseUrl.parse(url)
    assert "UPVEND_DATABASE_URL" in caught.value.message


@pytest.mark.parametrize("url", [
    lambda: f"mysql://root@127.0.0.1:{closed_port()}/test",
    lambda: f"postgresql://root@127.0.0.1:{closed_port()}/test",
    lambda: "sqlite:////proc/upvend-no-such-dir/x.sqlite3",
])
def test_unreachable_databases_raise_storage_unavailable(url):
    repo = MediaRepository(Database(url()))
    with pytest.raises(StorageUnavailable):
        repo.get("aliyun", "x")
    with pytest.raises(StorageUnavailable):  # and again: a failed connection is not cached
        repo.get("aliyun", "x")


def test_only_the_driver_in_use_is_imported(tmp_path):
    code = (f"from upvend.storage.media import MediaRepository\n"
            f"from upvend.storage.database import Database\n"
            f"MediaRepository(Database('sqlite:///{tmp_path}/x.sqlite3')).get('aliyun', 'x')\n"
            f"import sys; print(sorted(m for m in ('pymysql', 'psycopg', 'cryptography') if m in sys.modules))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"PYTHONPATH": str(Path(__file__).resolve().parents[2] / "shared"),
                              "PATH": "/usr/bin:/bin"})
    assert out.stdout.strip() == "[]"
