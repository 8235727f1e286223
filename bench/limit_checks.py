"""What the usage limits cost per request: a credential route with the limits off and on, side by side in
one run (calls interleaved, so drift hits both alike), and the limit check alone on each database backend."""

from __future__ import annotations

import json
import statistics
import time
import uuid
from typing import Any

from bench.environment import overridden
from bench.ingest import BACKENDS
from bench.jobs import Job, event_bytes
from devtools.database_admin import drop_tables, server_problem
from devtools.gateway.events import context_for
from devtools.gateway.registry import Registry
from upvend.storage.database import Database

ROUTES = ("tencent-vod-signature", "aliyun-oss-post-policy")
# High enough that nothing is refused: what is measured is the counting itself.
COUNTING = {"UPVEND_LIMIT_CREDENTIALS_PER_MINUTE": "1000000000", "UPVEND_LIMIT_CREDENTIALS_PER_DAY": "1000000000",
            "UPVEND_LIMIT_BYTES_PER_DAY": str(2 ** 62)}
OFF = {name: "0" for name in COUNTING}


def _summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {"p50_ms": statistics.median(ordered), "p99_ms": ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))],
            "calls": len(ordered)}


def route_cost(registry: Registry, jobs: dict[str, Job], calls: int) -> dict[str, Any]:
    """p50/p99 ms of each route's handler with limits off and counting, calls alternating between the two."""
    out: dict[str, Any] = {}
    for name in ROUTES:
        job = jobs[name]
        handler = registry.functions[name].handler
        raw = event_bytes(job)
        payload: Any = raw if job.function.provider == "aliyun" else json.loads(raw)
        context, _ = context_for(job.function)
        samples: dict[str, list[float]] = {"off": [], "on": []}
        for i in range(2 * calls + 2):
            mode = "off" if i % 2 == 0 else "on"
            with overridden(OFF if mode == "off" else COUNTING):
                started = time.perf_counter()
                status = handler(payload, context)["statusCode"]
                elapsed = (time.perf_counter() - started) * 1000
            if status != 200:
                raise RuntimeError(f"{name} answered {status} with limits {mode}")
            if i >= 2:  # the first of each is warm-up
                samples[mode].append(elapsed)
        off, on = _summary(samples["off"]), _summary(samples["on"])
        out[name] = {"off": off, "on": on, "added_p50_ms": on["p50_ms"] - off["p50_ms"]}
    return out


def check_cost(calls: int, sqlite_dir: str) -> dict[str, Any]:
    """p50/p99 ms of one limit check (a transaction of three counter upserts) on each backend."""
    from upvend.quotas import credential_allowed

    results: dict[str, Any] = {}
    for name, base in BACKENDS.items():
        prefix = f"l{uuid.uuid4().hex[:10]}_"
        url = f"sqlite:///{sqlite_dir}/limits.sqlite3?table_prefix={prefix}" if base is None else \
            f"{base}{'&' if '?' in base else '?'}table_prefix={prefix}"
        if base is not None and (problem := server_problem(url)) is not None:
            results[name] = {"skipped": f"not reachable ({problem})"}
            continue
        db = Database(url)
        try:
            db.ready()
            with overridden(COUNTING):
                samples = []
                for i in range(calls + 1):
                    started = time.perf_counter()
                    credential_allowed(f"o-bench-{i % 20}", size=1000, db=db)
                    samples.append((time.perf_counter() - started) * 1000)
            results[name] = _summary(samples[1:])
        finally:
            db.pool.close_all()
            if base is not None:
                drop_tables(db)
    return results


def report(results: dict[str, Any]) -> list[str]:
    lines = ["7. Usage limits: cost per request (limits off vs counting, interleaved in one run; ms)"]
    for name, r in results["routes"].items():
        lines.append(f"   {name:28} off p50 {r['off']['p50_ms']:7.3f} p99 {r['off']['p99_ms']:7.3f}   "
                     f"on p50 {r['on']['p50_ms']:7.3f} p99 {r['on']['p99_ms']:7.3f}   "
                     f"added {r['added_p50_ms']:+.3f}")
    for name, r in results["checks"].items():
        lines.append(f"   check alone, {name:12} " + (r["skipped"] if "skipped" in r else
                                                       f"p50 {r['p50_ms']:7.3f}  p99 {r['p99_ms']:7.3f}"))
    return lines
