"""Issue item 4, from numbers: what Starlette costs a one-route function against a small ASGI router behind
the same Mangum (cold start over a bare interpreter, warm µs), and PyJWT's decode against the layer's
pinned HS256 check."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from bench.shipped_cold import BASELINES, Target, measure, spawn

ONE_ROUTE = {"Starlette": "starlette_one_route", "small ASGI router": "asgi_router"}


def _target(label: str, module: str, mode: str, python: str, runtime: Path, layer: Path, event: Path,
            calls: int) -> Target:
    argv = [python, str(runtime / "bootstrap.py"), mode, "RESULT", str(event), "tencent", "one-route", module,
            "handler", *([str(calls)] if mode == "warm" else [])]
    return Target(label, argv, f"{BASELINES}:{layer}", str(BASELINES), bare=f"bare:{python}")


def one_route(python: str, runtime: Path, layer: Path, event: Path, runs: int, calls: int,
              env: dict[str, str]) -> dict[str, Any]:
    """{framework: cold and warm figures}; both run on the packaged layer's Mangum and Starlette."""
    bare = Target(f"bare:{python}", [python, str(runtime / "bare.py"), "RESULT"], "", str(runtime), f"bare:{python}")
    cold = measure([bare, *(_target(label, module, "cold", python, runtime, layer, event, 0)
                            for label, module in ONE_ROUTE.items())], runs, env)
    out: dict[str, Any] = {}
    for label, module in ONE_ROUTE.items():
        warm = spawn(_target(label, module, "warm", python, runtime, layer, event, calls), env,
                     runtime / "one-route.json")
        if warm["status"] != 200 or warm["warm"]["statuses"] != [200]:
            raise RuntimeError(f"{label} answered {warm['status']} / {warm['warm']['statuses']}")
        out[label] = {"cold_over_bare_median_ms": cold[label]["over_bare_median_ms"],
                      "cold_over_bare_min_ms": cold[label]["over_bare_min_ms"],
                      "peak_rss_mib": cold[label]["peak_rss_mib"], "warm_p50_us": warm["warm"]["p50_us"],
                      "warm_p99_us": warm["warm"]["p99_us"], "calls": calls, "python": warm["python"]}
    return out


def token_check(calls: int) -> dict[str, Any]:
    """p50 µs of checking one session token: PyJWT.decode (HS256 pinned, same claims required) vs
    upvend.jwt_hs256.verify, alternating, in this process."""
    import jwt

    from upvend import jwt_hs256

    key, now = "k" * 32, time.time()
    token = jwt_hs256.sign({"sub": "o-bench", "iat": int(now), "exp": int(now) + 3600, "iss": "upvend"}, key)
    checks = {
        "PyJWT.decode": lambda: jwt.decode(token, key, algorithms=["HS256"], issuer="upvend", leeway=30,
                                           options={"require": ["sub", "iat", "exp", "iss"]}),
        "upvend.jwt_hs256.verify": lambda: jwt_hs256.verify(token, key, now=time.time(), leeway=30, issuer="upvend"),
    }
    samples: dict[str, list[float]] = {label: [] for label in checks}
    clock = time.perf_counter
    for _ in range(calls):
        for label, check in checks.items():
            begun = clock()
            check()
            samples[label].append(clock() - begun)
    import platform

    return {label: {"p50_us": sorted(s)[len(s) // 2] * 1e6, "calls": calls,
                    "python": f"{platform.python_version()} (in the bench process)"} for label, s in samples.items()}
