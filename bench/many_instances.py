"""`make bench` section 6: the many-instance run on MariaDB and PostgreSQL, directly, capped, through PgBouncer."""

from __future__ import annotations

import functools
import os
import uuid
from typing import Any

from bench import instances
from devtools import pgbouncer
from devtools.database_admin import drop_tables, server_problem

SERVERS = {"mariadb": os.environ.get("UPVEND_TEST_MYSQL_URL", "mysql://root@127.0.0.1:3306/test"),
           "postgresql": os.environ.get("UPVEND_TEST_POSTGRES_URL", "postgresql://root@127.0.0.1:5432/test")}


def _one(admin: str, *, count: dict[str, int], total: int, seconds: float, port: int | None = None) -> dict[str, Any]:
    from upvend.storage.database import Database

    url = instances.bench_url(admin, f"m{uuid.uuid4().hex[:10]}_", port)
    try:
        return instances.run(url, admin, instances=count, total=total, duration=seconds)
    finally:
        drop_tables(Database(instances.bench_url(admin, Database(url).url.table_prefix)))


def run(n: int, rate: float, seconds: float, uncapped: bool = False) -> dict[str, Any]:
    """Each server with the instance caps its connection limit gives, PostgreSQL with `n` instances through
    PgBouncer; with `uncapped`, also `n` instances straight at each server (that run fills the server's
    connection limit, so other clients of the same server are refused while it lasts)."""
    one = functools.partial(_one, total=int(rate * seconds), seconds=seconds)
    results: dict[str, Any] = {}
    for name, admin in SERVERS.items():
        problem = server_problem(admin)
        if problem is not None:
            results[name] = {"skipped": f"not reachable ({problem})"}
            continue
        instances.ensure_bench_user(admin)
        if uncapped:
            results[f"{name} direct, uncapped"] = one(admin, count=instances.spread(n))
        caps = instances.capped(admin)
        results[f"{name} direct, capped {sum(caps.values())}"] = one(admin, count=caps)
        if name == "postgresql":
            if pgbouncer.binary() is None:
                results["postgresql via pgbouncer"] = {"skipped": "pgbouncer is not installed"}
                continue
            with pgbouncer.PgBouncer(admin, pool_size=20, max_client_conn=max(1000, n * 2),
                                     users=(instances.BENCH_USER,)) as bouncer:
                results["postgresql via pgbouncer (pool 20)"] = one(admin, count=instances.spread(n),
                                                                    port=bouncer.port)
    return results
