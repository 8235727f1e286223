"""Requests per second through the gateway, and STS round trips with the credential cache."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx

from bench.jobs import Job


def gateway_rps(gateway_url: str, job: Job, seconds: float, workers: int) -> dict[str, Any]:
    """Requests per second through the local gateway for one route, with `workers` concurrent clients."""
    deadline = time.perf_counter() + seconds

    def client_loop() -> tuple[int, int]:
        ok = bad = 0
        with httpx.Client(base_url=gateway_url, timeout=10) as client:
            while time.perf_counter() < deadline:
                status = client.request(job.method, job.path, content=job.body, headers=job.headers).status_code
                ok, bad = (ok + 1, bad) if status == 200 else (ok, bad + 1)
        return ok, bad

    started = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        results = list(pool.map(lambda _: client_loop(), range(workers)))
    elapsed = time.perf_counter() - started
    ok = sum(r[0] for r in results)
    return {"route": f"{job.method} {job.path}", "rps": ok / elapsed, "ok": ok,
            "errors": sum(r[1] for r in results), "workers": workers}


def sts_round_trips(emulator_url: str, users: int, minutes: int, every_seconds: int) -> dict[str, Any]:
    """AssumeRole calls counted at the emulator: each user asks every `every_seconds` for `minutes` (simulated).

    The simulated clock drives the cache and the layer's notion of "now"; each AssumeRole still goes to
    the emulator, and its expiry is moved to the simulated time it would have been issued at.
    """
    import dataclasses
    import types
    from datetime import timedelta

    from upvend.aliyun import sts
    from upvend.aliyun.credentials import function_credentials
    from upvend.credential_cache import CredentialCache

    def assume_roles() -> int:
        return int(httpx.get(f"{emulator_url}/_emulator/aliyun/calls").json().get("AssumeRole", 0))

    real_start = time.time()
    clock = [real_start]
    real_assume = sts._assume_role

    def assume_at_simulated_time(*args: Any) -> Any:
        answer = real_assume(*args)
        shift = timedelta(seconds=clock[0] - time.time())
        return dataclasses.replace(answer, expiration=answer.expiration + shift)

    results: dict[str, Any] = {}
    saved_cache, saved_time = sts._cache, sts.time
    sts._assume_role = assume_at_simulated_time
    sts.time = types.SimpleNamespace(time=lambda: clock[0])  # type: ignore[assignment]
    try:
        for label in ("cached", "no_cache"):
            before, calls = assume_roles(), 0
            sts._cache = CredentialCache(clock=lambda: clock[0])
            for tick in range(0, minutes * 60, every_seconds):
                clock[0] = real_start + tick
                for u in range(users):
                    if label == "no_cache":
                        sts._cache.clear()
                    sts.oss_upload_credentials(function_credentials(), f"o-bench-{u}", "upvend-uploads",
                                               f"uploads/o-bench-{u}")
                    calls += 1
            made = assume_roles() - before
            results[label] = {"calls": calls, "assume_role": made, "per_user": made / users}
    finally:
        sts._cache, sts.time, sts._assume_role = saved_cache, saved_time, real_assume
    results["reduction"] = results["no_cache"]["assume_role"] / max(1, results["cached"]["assume_role"])
    results["duration_seconds"] = minutes * 60
    return results
