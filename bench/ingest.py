"""Ingest throughput: concurrent deliveries with 30 % duplicates, shuffled, into each database backend."""

from __future__ import annotations

import os
import random
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from devtools.database_admin import drop_tables, server_problem
from upvend.storage.database import Database
from upvend.storage.media import MediaRepository
from upvend.storage.notices import MediaNotice

BACKENDS = {"sqlite": None,
            "mariadb": os.environ.get("UPVEND_TEST_MYSQL_URL", "mysql://root@127.0.0.1:3306/test"),
            "postgresql": os.environ.get("UPVEND_TEST_POSTGRES_URL", "postgresql://root@127.0.0.1:5432/test")}


def _notices(count: int, duplicates: float, seed: int) -> tuple[list[MediaNotice], set[str]]:
    unique = [MediaNotice(dedupe_key=f"bench:{i}", event_type="FileUploadComplete", provider="aliyun",
                          media_id=f"bench-{i:06d}", kind="video", status="uploaded", owner=f"o-user-{i % 50}",
                          size=1000 + i) for i in range(int(count * (1 - duplicates)))]
    rng = random.Random(seed)
    deliveries = unique + [rng.choice(unique) for _ in range(count - len(unique))]
    rng.shuffle(deliveries)
    return deliveries, {n.media_id for n in unique}


def ingest(url: str, count: int, workers: int, seed: int = 8) -> dict[str, Any]:
    """Deliver `count` notices from `workers` threads; check every unique notice is exactly one row."""
    db = Database(url)
    deliveries, expected = _notices(count, 0.3, seed)
    repo = MediaRepository(db)
    db.ready()  # schema created before the clock starts
    started = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        applied = sum(pool.map(lambda n: 1 if MediaRepository(db).apply(n) else 0, deliveries))
    elapsed = time.perf_counter() - started
    rows = {r.media_id: r for r in (repo.get("aliyun", m) for m in expected) if r is not None}
    exact = (len(rows) == len(expected) and applied == len(expected)
             and all(r.status == "uploaded" and r.size == 1000 + int(m[6:]) for m, r in rows.items()))
    return {"deliveries": count, "unique": len(expected), "applied": applied, "rows": len(rows),
            "events_per_second": count / elapsed, "exact": exact, "workers": workers}


def run(count: int, workers: int, sqlite_dir: str) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for name, base in BACKENDS.items():
        prefix = f"b{uuid.uuid4().hex[:10]}_"
        url = f"sqlite:///{sqlite_dir}/ingest.sqlite3?table_prefix={prefix}" if base is None else \
            f"{base}{'&' if '?' in base else '?'}table_prefix={prefix}"
        problem = server_problem(url)
        if problem is not None:  # no server here: say so rather than report nothing
            results[name] = {"skipped": f"not reachable ({problem})"}
            continue
        try:
            results[name] = ingest(url, count, workers)
        finally:
            if base is not None:
                drop_tables(Database(url))
    return results
