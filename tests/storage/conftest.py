"""One database per backend for the repository suite: SQLite always, MariaDB and PostgreSQL when reachable,
and PostgreSQL again through a real PgBouncer in transaction mode (Debian's pgbouncer, started here).

Each test gets its own table prefix, so parallel runs against one server never collide.
An unreachable server (or a missing pgbouncer) skips its tests, except under CI=true, where it fails them.
"""

from __future__ import annotations

import os
import uuid
from typing import Iterator

import pytest

from devtools import pgbouncer
from devtools.database_admin import drop_tables, server_problem
from tests.conftest import IN_CI
from upvend.storage.database import Database, DatabaseUrl

MYSQL_URL = os.environ.get("UPVEND_TEST_MYSQL_URL", "mysql://root@127.0.0.1:3306/test")
POSTGRES_URL = os.environ.get("UPVEND_TEST_POSTGRES_URL", "postgresql://root@127.0.0.1:5432/test")

BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("mysql", id="mariadb", marks=pytest.mark.mysql),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
    pytest.param("pgbouncer", id="pgbouncer", marks=pytest.mark.postgres),
]
# Enough connections per Database that concurrent-writer tests really run concurrently.
CONNECTIONS = 16


def unavailable(message: str) -> None:
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


def server_url(backend: str) -> str:
    """The base URL of a server backend, skipping (failing under CI) when it is unreachable."""
    base = MYSQL_URL if backend == "mysql" else POSTGRES_URL
    problem = server_problem(base)
    if problem is not None:
        unavailable(f"{backend} server unreachable at {DatabaseUrl.parse(base).host}: {problem}")
    return base


@pytest.fixture(scope="session")
def bouncer() -> Iterator[pgbouncer.PgBouncer | None]:
    """PgBouncer in transaction mode in front of the PostgreSQL server, for the whole session."""
    if pgbouncer.binary() is None or server_problem(POSTGRES_URL) is not None:
        yield None
        return
    running = pgbouncer.PgBouncer(POSTGRES_URL).start()
    try:
        yield running
    finally:
        running.stop()


def backend_url(backend: str, bouncer: pgbouncer.PgBouncer | None) -> str:
    if backend != "pgbouncer":
        return server_url(backend)
    server_url("postgresql")
    if bouncer is None:
        unavailable("pgbouncer is not installed (.ci/run installs Debian's pgbouncer)")
    return bouncer.url_for(POSTGRES_URL)


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest, tmp_path, bouncer) -> Iterator[Database]:
    """A fresh, empty upvend schema on one backend."""
    backend = request.param
    prefix = f"t{uuid.uuid4().hex[:12]}_"
    if backend == "sqlite":
        yield Database(f"sqlite:///{tmp_path / 'upvend.sqlite3'}?table_prefix={prefix}", connections=CONNECTIONS)
        return
    base = backend_url(backend, bouncer)
    database = Database(f"{base}{'&' if '?' in base else '?'}table_prefix={prefix}", connections=CONNECTIONS)
    try:
        yield database
    finally:
        database.pool.close_all()
        drop_tables(database)
