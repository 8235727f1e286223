"""One database per backend for the repository suite: SQLite always, MariaDB and PostgreSQL when reachable.

Each test gets its own table prefix, so parallel runs against one server never collide.
An unreachable server skips its tests, except under CI=true, where it fails them.
"""

from __future__ import annotations

import os
import uuid
from typing import Iterator

import pytest

from devtools.database_admin import drop_tables, server_problem
from tests.conftest import IN_CI
from upvend.storage.database import Database, DatabaseUrl

MYSQL_URL = os.environ.get("UPVEND_TEST_MYSQL_URL", "mysql://root@127.0.0.1:3306/test")
POSTGRES_URL = os.environ.get("UPVEND_TEST_POSTGRES_URL", "postgresql://root@127.0.0.1:5432/test")

BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("mysql", id="mariadb", marks=pytest.mark.mysql),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
]


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest, tmp_path) -> Iterator[Database]:
    """A fresh, empty upvend schema on one backend."""
    backend = request.param
    prefix = f"t{uuid.uuid4().hex[:12]}_"
    if backend == "sqlite":
        yield Database(f"sqlite:///{tmp_path / 'upvend.sqlite3'}?table_prefix={prefix}")
        return
    base = MYSQL_URL if backend == "mysql" else POSTGRES_URL
    problem = server_problem(base)
    if problem is not None:
        message = f"{backend} server unreachable at {DatabaseUrl.parse(base).host}: {problem}"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    database = Database(f"{base}{'&' if '?' in base else '?'}table_prefix={prefix}")
    try:
        yield database
    finally:
        drop_tables(database)
